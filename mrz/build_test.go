package mrz

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestRoundTrip builds random valid documents of every format and checks
// that parsing the zone gives the document back.
func TestRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(9303, 1))
	for i := range 5000 {
		d := randomDocument(rng)
		lines, err := at.Build(d)
		if err != nil {
			t.Fatalf("#%d Build(%+v): %v", i, d, err)
		}
		got, err := at.Parse(strings.Join(lines, "\n"))
		if err != nil {
			t.Fatalf("#%d Parse(%q) of %+v: %v", i, lines, d, err)
		}
		d.Lines = lines
		// A name that fills its field exactly is marked as possibly truncated.
		nameEnd := lines[0][len(lines[0])-1]
		if d.Format == TD1 {
			nameEnd = lines[2][29]
		}
		d.NameTruncated = nameEnd != '<'
		if !reflect.DeepEqual(got, d) {
			t.Fatalf("#%d round trip\n got %+v\nwant %+v", i, got, d)
		}
	}
}

func randomDocument(rng *rand.Rand) Document {
	formats := []Format{TD1, TD2, TD3, MRVA, MRVB}
	f := formats[rng.IntN(len(formats))]
	pick := func(s ...string) string { return s[rng.IntN(len(s))] }
	d := Document{Format: f, IssuingState: pick("UTO", "D", "FRA", "GBD", "XXA", "EUE"), Nationality: pick("UTO", "D", "NLD", "XXX", "RKS"),
		Sex: pick("M", "F", "X")}
	switch f {
	case TD1, TD2:
		d.DocumentCode = pick("I", "ID", "A", "AC", "C", "IR")
	case TD3:
		d.DocumentCode = pick("P", "PD", "PO")
	default:
		d.DocumentCode = pick("V", "VS")
	}
	_, width, _ := f.shape()
	nameWidth := width - 5
	if f == TD1 {
		nameWidth = 30
	}
	var surname, given []string
	for n := 0; n == 0 || len(strings.Join(surname, "<"))+2+len(strings.Join(given, "<")) > nameWidth; n++ {
		surname, given = randomWords(rng, rng.IntN(3)+1), randomWords(rng, rng.IntN(4))
		if rng.IntN(20) == 0 {
			surname = nil
			given = randomWords(rng, 1)
		}
	}
	d.Surname, d.GivenNames = strings.Join(surname, " "), strings.Join(given, " ")

	optWidth := optionalWidth(f)
	if f == TD1 {
		optWidth = 15
	}
	n := rng.IntN(9) + 1
	if (f == TD1 || f == TD2) && rng.IntN(4) == 0 {
		n = 10 + rng.IntN(optWidth-2-1)
	}
	d.DocumentNumber = randomText(rng, n)
	if n > 9 {
		d.DocumentNumber = d.DocumentNumber[:9] + strings.ReplaceAll(d.DocumentNumber[9:], "<", "7")
	}
	room := optWidth
	if n > 9 {
		room -= n - 9 + 2
	}
	switch f {
	case TD3:
		d.PersonalNumber = randomText(rng, rng.IntN(15))
	default:
		d.OptionalData1 = randomText(rng, rng.IntN(room+1))
	}
	if f == TD1 {
		d.OptionalData2 = randomText(rng, rng.IntN(12))
	}
	now := at.now()
	d.BirthDate = randomDate(rng, now.AddDate(-99, 0, 1), now)
	d.ExpiryDate = randomDate(rng, now.AddDate(-49, 0, 0), now.AddDate(49, 0, 0))
	return d
}

func randomWords(rng *rand.Rand, n int) []string {
	words := make([]string, n)
	for i := range words {
		b := make([]byte, 1+rng.IntN(9))
		for j := range b {
			b[j] = byte('A' + rng.IntN(26))
		}
		words[i] = string(b)
	}
	return words
}

// randomText returns n MRZ characters that do not end with a filler.
func randomText(rng *rand.Rand, n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	if n > 0 && b[n-1] == '<' {
		b[n-1] = 'X'
	}
	return string(b)
}

func randomDate(rng *rand.Rand, from, to time.Time) Date {
	t := from.Add(time.Duration(rng.Int64N(int64(to.Sub(from)))))
	d := Date{Year: t.Year(), Month: int(t.Month()), Day: t.Day()}
	switch rng.IntN(20) {
	case 0:
		return Date{}
	case 1:
		d.Day = 0
	case 2:
		d.Month, d.Day = 0, 0
	}
	return d
}

func TestBuildTruncatesNames(t *testing.T) {
	tests := []struct {
		name             string
		format           Format
		surname, given   string
		field            string
		wantSur, wantGiv string
	}{
		{"given names cut at a component", TD1, "ERIKSSON", "ANNA MARIA ELISABETH CHRISTINA",
			"ERIKSSON<<ANNA<MARIA<ELISABETH", "ERIKSSON", "ANNA MARIA ELISABETH"},
		{"given names cut inside a component", TD1, "ERIKSSON", "ANNA MARIA ELISABETHA",
			"ERIKSSON<<ANNA<MARIA<ELISABETH", "ERIKSSON", "ANNA MARIA ELISABETH"},
		{"one position left over", TD1, "ERIKSSON", "ANNA MARIA ELISABET XAVIERA",
			"ERIKSSON<<ANNA<MARIA<ELISABE<X", "ERIKSSON", "ANNA MARIA ELISABE X"},
		{"surname cut, given names kept as an initial", TD1, "WOLFESCHLEGELSTEINHAUSENBERGERDORFF", "HUBERT BLAINE",
			"WOLFESCHLEGELSTEINHAUSENBER<<H", "WOLFESCHLEGELSTEINHAUSENBER", "H"},
		{"mononym cut", TD2, "WOLFESCHLEGELSTEINHAUSENBERGERDORFFVOR", "",
			"WOLFESCHLEGELSTEINHAUSENBERGERD", "WOLFESCHLEGELSTEINHAUSENBERGERD", ""},
		{"no surname", TD3, "", "ANNA MARIA ELISABETH CHRISTINA THERESIA",
			"<<ANNA<MARIA<ELISABETH<CHRISTINA<THERES", "", "ANNA MARIA ELISABETH CHRISTINA THERES"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := with(specimenDocument(tt.format), func(d *Document) { d.Surname, d.GivenNames = tt.surname, tt.given })
			lines, err := at.Build(d)
			if err != nil {
				t.Fatal(err)
			}
			field := lines[0][5:]
			if tt.format == TD1 {
				field = lines[2]
			}
			if field != tt.field {
				t.Errorf("name field %q, want %q", field, tt.field)
			}
			got, err := at.Parse(strings.Join(lines, "\n"))
			if err != nil {
				t.Fatal(err)
			}
			if got.Surname != tt.wantSur || got.GivenNames != tt.wantGiv || !got.NameTruncated {
				t.Errorf("read back %q, %q, truncated %v; want %q, %q, true", got.Surname, got.GivenNames, got.NameTruncated, tt.wantSur, tt.wantGiv)
			}
		})
	}
}

// specimenDocument returns the ICAO specimen holder in a format.
func specimenDocument(f Format) Document {
	code := map[Format]string{TD1: "I", TD2: "I", TD3: "P", MRVA: "V", MRVB: "V"}[f]
	return Document{Format: f, DocumentCode: code, IssuingState: "UTO", Surname: "ERIKSSON", GivenNames: "ANNA MARIA",
		DocumentNumber: "L898902C3", Nationality: "UTO", BirthDate: Date{Year: 1974, Month: 8, Day: 12}, Sex: "F", ExpiryDate: Date{Year: 2032, Month: 4, Day: 15}}
}

func TestBuildNormalises(t *testing.T) {
	d := with(specimenDocument(TD3), func(d *Document) {
		d.Surname, d.GivenNames, d.DocumentNumber, d.PersonalNumber = "o'Brien-Smith", "  anna   maria ", "ab 12/3", "ze-18"
		d.DocumentCode, d.IssuingState, d.Nationality, d.Sex = "p<", "d<<", "uto", "x"
	})
	lines, err := at.Build(d)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"P<D<<OBRIEN<SMITH<<ANNA<MARIA<<<<<<<<<<<<<<<", "AB<12<3<<"}
	if lines[0] != want[0] || !strings.HasPrefix(lines[1], want[1]) || lines[1][20] != '<' || lines[1][28:33] != "ZE<18" {
		t.Errorf("Build = %q", lines)
	}
}

func TestBuildErrors(t *testing.T) {
	tests := []struct {
		name    string
		format  Format
		change  func(*Document)
		field   string
		message string
	}{
		{"unknown format", TD3, func(d *Document) { d.Format = "TD4" }, "format", `format "TD4" is not one of`},
		{"document code of another format", TD3, func(d *Document) { d.DocumentCode = "I" }, "documentCode", "a TD3 document code starts with P"},
		{"long document code", TD1, func(d *Document) { d.DocumentCode = "IDX" }, "documentCode", "must be 1 or 2 letters"},
		{"unknown country", TD3, func(d *Document) { d.IssuingState = "ZZZ" }, "issuingState", `issuingState "ZZZ" is not an ICAO 9303 country code`},
		{"untransliterated name", TD3, func(d *Document) { d.Surname = "MÜLLER" }, "surname", "transliterate it first"},
		{"no name", TD3, func(d *Document) { d.Surname, d.GivenNames = "", " - " }, "surname", "both empty"},
		{"birth in the future", TD3, func(d *Document) { d.BirthDate = Date{Year: 2030, Month: 1, Day: 1} }, "birthDate",
			"birth date 2030-01-01 cannot be written with a two-digit year: read on 2026-05-01, 30 means 1930"},
		{"birth more than a century ago", TD3, func(d *Document) { d.BirthDate = Date{Year: 1920, Month: 1, Day: 1} }, "birthDate", "20 means 2020"},
		{"expiry too far ahead", TD3, func(d *Document) { d.ExpiryDate = Date{Year: 2080, Month: 1, Day: 1} }, "expiryDate", "80 means 1980"},
		{"February 30", TD3, func(d *Document) { d.BirthDate = Date{Year: 1974, Month: 2, Day: 30} }, "birthDate", "day 30 does not exist in 1974-02"},
		{"month 13", TD3, func(d *Document) { d.ExpiryDate = Date{Year: 2030, Month: 13, Day: 1} }, "expiryDate", "month 13 is not 1–12"},
		{"day without month", TD3, func(d *Document) { d.BirthDate = Date{Year: 1974, Month: 0, Day: 3} }, "birthDate", "a day but no month"},
		{"month without year", TD3, func(d *Document) { d.BirthDate = Date{Year: 0, Month: 3, Day: 0} }, "birthDate", "no year"},
		{"sex Q", TD3, func(d *Document) { d.Sex = "Q" }, "sex", `sex "Q" is not M, F or X`},
		{"empty document number", TD3, func(d *Document) { d.DocumentNumber = "<<" }, "documentNumber", "document number is empty"},
		{"long number in a passport", TD3, func(d *Document) { d.DocumentNumber = "L898902C34" }, "documentNumber", "a TD3 document number has at most 9"},
		{"number too long for TD1", TD1, func(d *Document) { d.DocumentNumber = "ABCDEFGHI12345678901234" }, "documentNumber", "a TD1 document number has at most 22"},
		{"number too long for TD2", TD2, func(d *Document) { d.DocumentNumber = "ABCDEFGHI123456" }, "documentNumber", "a TD2 document number has at most 14"},
		{"filler in a long number's overflow", TD1, func(d *Document) { d.DocumentNumber = "ABCDEFGHI1<2" }, "documentNumber", "no filler"},
		{"optional data too long", MRVB, func(d *Document) { d.OptionalData1 = "123456789" }, "optionalData1", "a MRVB has 8 positions"},
		{"optional data beside a long number", TD1, func(d *Document) { d.DocumentNumber, d.OptionalData1 = "ABCDEFGHI12345", "1234567890" },
			"optionalData1", "a TD1 has 8 positions for them after the end of the long document number"},
		{"TD1 optional data 2 too long", TD1, func(d *Document) { d.OptionalData2 = "123456789012" }, "optionalData2", "11 positions"},
		{"personal number too long", TD3, func(d *Document) { d.PersonalNumber = "123456789012345" }, "personalNumber", "14 positions"},
		{"personal number on a card", TD1, func(d *Document) { d.PersonalNumber = "123" }, "personalNumber", "a TD1 has no personalNumber field"},
		{"optional data 2 on a passport", TD3, func(d *Document) { d.OptionalData2 = "123" }, "optionalData2", "a TD3 has no optionalData2 field"},
		{"non-ASCII document number", TD3, func(d *Document) { d.DocumentNumber = "L89890№" }, "documentNumber", "not in the MRZ alphabet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := with(specimenDocument(tt.format), tt.change)
			lines, err := at.Build(d)
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Build = %q, %v; want a *FieldError", lines, err)
			}
			if fe.Field != tt.field || !strings.Contains(err.Error(), tt.message) {
				t.Errorf("error on %q: %v; want %q saying %q", fe.Field, err, tt.field, tt.message)
			}
		})
	}
}

// The zero Parser reads against the wall clock.
func TestPackageFunctions(t *testing.T) {
	d := specimenDocument(TD2)
	d.ExpiryDate = Date{Year: time.Now().Year() + 1, Month: 1, Day: 1}
	lines, err := Build(d)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(strings.Join(lines, "\n"))
	if err != nil || got.ExpiryDate != d.ExpiryDate || got.BirthDate != d.BirthDate {
		t.Errorf("Parse(Build) = %+v, %v", got, err)
	}
}
