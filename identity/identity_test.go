package identity

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"secunion"
	"secunion/access"
)

var now = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

func sisRecord() Record {
	return Record{System: access.SIS, ID: "SIS-1", Person: &Person{Surname: "Eriksson", GivenNames: "Anna Maria", BirthDate: "1974-08-12", Sex: "F", Nationalities: []string{"SWE"}},
		Documents: []Document{{Type: "P", Number: "L898902C3", IssuingCountry: "UTO"}}, SIS: &SISAlert{Category: "arrest", IssuingState: "DE"}}
}

func TestValidate(t *testing.T) {
	if err := sisRecord().Validate(now); err != nil {
		t.Fatalf("valid record: %v", err)
	}
	for _, tc := range []struct {
		name, want string
		change     func(*Record)
	}{
		{"unknown system", "unknown system", func(r *Record) { r.System = "XYZ" }},
		{"details of another system", "cannot carry VIS fields", func(r *Record) { r.VIS = &VisaFile{Status: "issued", IssuingState: "DE"} }},
		{"no details", "needs its sis fields", func(r *Record) { r.SIS = nil }},
		{"no person", "needs identity data", func(r *Record) { r.Person = nil }},
		{"impossible birth date", "person.birth_date", func(r *Record) { r.Person.BirthDate = "1990-02-30" }},
		{"future birth date", "person.birth_date", func(r *Record) { r.Person.BirthDate = "2030-01-01" }},
		{"bad sex", "person.sex", func(r *Record) { r.Person.Sex = "Q" }},
		{"bad nationality", "person.nationalities", func(r *Record) { r.Person.Nationalities = []string{"ZZZ"} }},
		{"bad document number", "documents[0]: number", func(r *Record) { r.Documents[0].Number = "l89 8902" }},
		{"bad category", "sis.category", func(r *Record) { r.SIS.Category = "gossip" }},
		{"id with slash", "id:", func(r *Record) { r.ID = "a/b" }},
		{"control character", "control characters", func(r *Record) { r.Person.GivenNames = "Anna\x00" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := sisRecord()
			tc.change(&r)
			err := r.Validate(now)
			if secunion.CodeOf(err) != secunion.Invalid || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want invalid mentioning %q", err, tc.want)
			}
		})
	}
}

func TestFilter(t *testing.T) {
	r := sisRecord()
	r.Biometrics = []string{"tpl-1"}
	got := r.Filter([]string{access.FieldIdentity, access.FieldDocument})
	if got.Person == nil || len(got.Documents) != 1 || got.SIS != nil || got.Biometrics != nil || got.ID != "SIS-1" {
		t.Errorf("identity+document filter: %+v", got)
	}
	if got := r.Filter(nil); got.Person != nil || got.System != access.SIS {
		t.Errorf("empty filter: %+v", got)
	}
	if _, ok := r.CIRFile(); ok {
		t.Error("SIS records have no CIR file")
	}
	v := Record{System: access.VIS, ID: "V1", Person: r.Person}
	if f, ok := v.CIRFile(); !ok || f.RecordID != "V1" || f.Person.Surname != "Eriksson" {
		t.Errorf("VIS CIR file: %+v %v", f, ok)
	}
}

func readAll(t *testing.T, input string, format Format) []Line {
	t.Helper()
	rd, err := NewReader(strings.NewReader(input), "SIS", format, now)
	if err != nil {
		t.Fatal(err)
	}
	var out []Line
	for {
		l, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, l)
	}
}

func TestReadJSONLines(t *testing.T) {
	good := `{"id":"A1","person":{"surname":"Doe","birth_date":"1980"},"sis":{"category":"missing","issuing_state":"FR"}}`
	input := good + "\n\n" +
		`{"id":"A2","person":{"surname":"Doe"},"sis":{"category":"missing","issuing_state":"FR"},"colour":"red"}` + "\n" +
		`{"id":"A3",` + "\n" +
		"{\"id\":\"A4\",\"person\":{\"surname\":\"D\xffe\"}}\n" +
		`{"id":"A5","person":{"surname":"Doe"},"sis":{"category":"missing","issuing_state":"FR"}}` + strings.Repeat(" ", MaxLine) + "\n" +
		`{"system":"VIS","id":"A6"}` + "\n" +
		strings.Replace(good, "A1", "A7", 1) // no final newline
	lines := readAll(t, input, JSONLines)
	want := []struct {
		n   int
		err string
	}{{1, ""}, {3, `unknown field "colour"`}, {4, "unexpected end"}, {5, "not valid UTF-8"}, {6, "longer than"}, {7, "import into SIS"}, {8, ""}}
	if len(lines) != len(want) {
		t.Fatalf("read %d lines: %+v", len(lines), lines)
	}
	for i, w := range want {
		l := lines[i]
		if l.N != w.n || (w.err == "") != (l.Err == nil) || (l.Err != nil && !strings.Contains(l.Err.Error(), w.err)) {
			t.Errorf("line %d: got n=%d err=%v, want n=%d err containing %q", i, l.N, l.Err, w.n, w.err)
		}
	}
	if lines[0].Record.System != "SIS" || lines[0].Record.Person.BirthDate != "1980" {
		t.Errorf("record: %+v", lines[0].Record)
	}
}

func TestReadCSV(t *testing.T) {
	input := "id,person.surname,person.given_names,person.nationalities,documents.type,documents.number,documents.issuing_country,sis.category,sis.issuing_state\n" +
		"B1,Шевченко,Олександр,UKR;POL,P,FX123456,UKR,arrest,PL\n" +
		"B2,Doe,,,,,,gossip,PL\n" +
		"B3,Doe,John\n" +
		"\"B4,Doe\n"
	lines := readAll(t, input, CSV)
	if len(lines) < 3 {
		t.Fatalf("lines: %+v", lines)
	}
	r := lines[0].Record
	if lines[0].Err != nil || r.Person.Surname != "Шевченко" || len(r.Person.Nationalities) != 2 || r.Documents[0].Number != "FX123456" || r.SIS.IssuingState != "PL" {
		t.Errorf("row 2: %+v %v", r, lines[0].Err)
	}
	if lines[1].Err == nil || !strings.Contains(lines[1].Err.Error(), "sis.category") || lines[1].N != 3 {
		t.Errorf("row 3: %+v", lines[1])
	}
	if lines[2].Err == nil || !strings.Contains(lines[2].Err.Error(), "fields, but the header has") {
		t.Errorf("row 4: %+v", lines[2])
	}
	if _, err := NewReader(strings.NewReader("surname\nx\n"), "SIS", CSV, now); err == nil {
		t.Error("CSV without an id column accepted")
	}
	if _, err := NewReader(strings.NewReader(""), "SIS", "xml", now); err == nil {
		t.Error("unknown format accepted")
	}
}

// FuzzReader: no input makes the import reader panic or return a record
// that does not validate.
func FuzzReader(f *testing.F) {
	f.Add([]byte(`{"id":"A1","person":{"surname":"Doe"},"sis":{"category":"missing","issuing_state":"FR"}}`), false)
	f.Add([]byte("id,person.surname,sis.category,sis.issuing_state\nB1,Doe,arrest,PL\n"), true)
	f.Add([]byte("{\"id\":\"\xff\"}\n{"), false)
	f.Fuzz(func(t *testing.T, data []byte, csv bool) {
		format := JSONLines
		if csv {
			format = CSV
		}
		rd, err := NewReader(strings.NewReader(string(data)), "SIS", format, now)
		if err != nil {
			return
		}
		for i := 0; i < 10000; i++ {
			l, err := rd.Next()
			if err != nil {
				return
			}
			if l.Err == nil {
				if verr := l.Record.Validate(now); verr != nil {
					t.Fatalf("line %d accepted but invalid: %v", l.N, verr)
				}
			}
		}
	})
}
