package identity

import (
	"errors"
	"io"
	"math/rand/v2"
	"slices"
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

func TestView(t *testing.T) {
	r := sisRecord()
	r.Biometrics = []string{"tpl-1"}
	r.Owner = &Owner{Authority: "NL-SIRENE", Country: "NL"}
	idDoc := access.Profile{Systems: []string{access.SIS}, Fields: []string{access.FieldIdentity, access.FieldDocument}}
	got, ok := View(idDoc, r)
	if !ok || got.Person == nil || len(got.Documents) != 1 || got.SIS != nil || got.Biometrics != nil || got.ID != "SIS-1" || got.Owner.Authority != "NL-SIRENE" {
		t.Errorf("identity+document view: %v %+v", ok, got)
	}
	if got, ok := View(access.Profile{Systems: []string{access.SIS}}, r); !ok || got.Person != nil || got.System != access.SIS {
		t.Errorf("a profile with no fields: %v %+v", ok, got)
	}
	if got, ok := View(access.Profile{Systems: []string{access.VIS}, Fields: idDoc.Fields}, r); ok || got.Person != nil || got.ID != "" {
		t.Errorf("a system outside the profile shows %+v", got)
	}
	if _, ok := r.CIRFile(); ok {
		t.Error("SIS records have no CIR file")
	}
	v := Record{System: access.VIS, ID: "V1", Person: r.Person}
	if f, ok := v.CIRFile(); !ok || f.RecordID != "V1" || f.Person.Surname != "Eriksson" {
		t.Errorf("VIS CIR file: %+v %v", f, ok)
	}
}

// TestViewProperty: for random records and random profiles, View returns
// no field category the profile does not grant, every one it grants that
// the record holds, and nothing of a system outside the profile.
func TestViewProperty(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	fields := []string{access.FieldIdentity, access.FieldDocument, access.FieldBiometrics, access.FieldAlert, access.FieldVisa,
		access.FieldEntryExit, access.FieldAuthorisation, access.FieldProtection, access.FieldConviction, access.FieldCriminalIntel}
	for i := range 2000 {
		r := randomRecord(rnd)
		var prof access.Profile
		for _, s := range Systems {
			if rnd.IntN(2) == 0 {
				prof.Systems = append(prof.Systems, s)
			}
		}
		for _, f := range fields {
			if rnd.IntN(2) == 0 {
				prof.Fields = append(prof.Fields, f)
			}
		}
		got, ok := View(prof, r)
		if ok != slices.Contains(prof.Systems, r.System) {
			t.Fatalf("case %d: %s record seen=%v under systems %v", i, r.System, ok, prof.Systems)
		}
		var want []string
		if ok {
			for _, f := range r.Categories() {
				if slices.Contains(prof.Fields, f) {
					want = append(want, f)
				}
			}
		}
		if !slices.Equal(got.Categories(), want) {
			t.Fatalf("case %d: %s record holding %v under fields %v shows %v, want %v", i, r.System, r.Categories(), prof.Fields, got.Categories(), want)
		}
	}
}

// randomRecord is a record of a random system holding a random choice of
// the categories its system has.
func randomRecord(rnd *rand.Rand) Record {
	r := Record{System: Systems[rnd.IntN(len(Systems))], ID: "R1"}
	coin := func() bool { return rnd.IntN(2) == 0 }
	if coin() {
		r.Person = &Person{Surname: "Doe"}
	}
	if coin() {
		r.Documents = []Document{{Type: "P", Number: "X1", IssuingCountry: "FRA"}}
	}
	if coin() {
		r.Biometrics = []string{"tpl-1"}
	}
	if coin() {
		switch r.System {
		case access.SIS:
			r.SIS = &SISAlert{Category: "arrest", IssuingState: "FR"}
		case access.VIS:
			r.VIS = &VisaFile{Status: "issued", IssuingState: "IT"}
		case access.EES:
			r.EES = &TravelHistory{}
		case access.ETIAS:
			r.ETIAS = &Application{Status: "granted"}
		case access.Eurodac:
			r.Eurodac = &Protection{Category: "applicant", OriginState: "EL"}
		case access.ECRISTCN:
			r.ECRIS = &Conviction{ConvictingStates: []string{"DE"}}
		case access.Europol:
			r.Europol = &Intelligence{Role: "suspect", Crime: "terrorism"}
		case access.SLTD:
			r.SLTD = &LostDocument{Status: "stolen", ReportingCountry: "FR"}
		}
	}
	return r
}

// TestOverlay: a writer's replacement takes the categories its profile
// covers from the body and keeps the others as stored.
func TestOverlay(t *testing.T) {
	stored := sisRecord()
	stored.Biometrics = []string{"tpl-1"}
	body := sisRecord()
	body.Person.Surname = "Andersson"
	body.SIS = &SISAlert{Category: "missing", IssuingState: "SE"}
	sirene := access.Profile{Systems: []string{access.SIS}, Fields: []string{access.FieldIdentity, access.FieldDocument, access.FieldAlert}}
	got := body.Overlay(sirene, stored)
	if got.Person.Surname != "Andersson" || got.SIS.Category != "missing" || !slices.Equal(got.Biometrics, []string{"tpl-1"}) {
		t.Errorf("overlay: %+v", got)
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
