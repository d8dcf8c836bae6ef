package mrz

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"secunion"
)

// at is the reference time of the tests: birth and expiry years are read
// against it.
var at = Parser{Now: func() time.Time { return time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC) }}

// The specimens of Doc 9303 (Part 4 TD3, Part 5 TD1, Part 6 TD2, Part 7
// MRV-A), the German passport specimen (nationality "D<<") and a TD1 with a
// 10-character document number.
var (
	specimenTD3  = []string{"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"}
	specimenTD1  = []string{"I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"}
	specimenTD2  = []string{"I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"}
	specimenMRVA = []string{"V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L8988901C4XXX4009078F96121096ZE184226B<<<<<<"}
	germanTD3    = []string{"P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<", "C01X00T478D<<6408125F2702283<<<<<<<<<<<<<<<4"}
	longTD1      = []string{"IDUTO123456789<07<<<<<<<<<<<<<", "8601012M3001019UTO<<<<<<<<<<<6", "SPECIMEN<<JANE<<<<<<<<<<<<<<<<"}
)

func TestParseSpecimens(t *testing.T) {
	anna := Document{DocumentCode: "I", IssuingState: "UTO", Surname: "ERIKSSON", GivenNames: "ANNA MARIA",
		DocumentNumber: "D23145890", Nationality: "UTO", BirthDate: Date{Year: 1974, Month: 8, Day: 12}, Sex: "F", ExpiryDate: Date{Year: 2012, Month: 4, Day: 15}}
	tests := []struct {
		name  string
		lines []string
		want  Document
	}{
		{"TD3", specimenTD3, Document{Format: TD3, DocumentCode: "P", IssuingState: "UTO", Surname: "ERIKSSON", GivenNames: "ANNA MARIA",
			DocumentNumber: "L898902C3", Nationality: "UTO", BirthDate: Date{Year: 1974, Month: 8, Day: 12}, Sex: "F", ExpiryDate: Date{Year: 2012, Month: 4, Day: 15},
			PersonalNumber: "ZE184226B"}},
		{"TD1", specimenTD1, with(anna, func(d *Document) { d.Format = TD1 })},
		{"TD2", specimenTD2, with(anna, func(d *Document) { d.Format = TD2 })},
		{"MRV-A", specimenMRVA, Document{Format: MRVA, DocumentCode: "V", IssuingState: "UTO", Surname: "ERIKSSON", GivenNames: "ANNA MARIA",
			DocumentNumber: "L8988901C", Nationality: "XXX", BirthDate: Date{Year: 1940, Month: 9, Day: 7}, Sex: "F", ExpiryDate: Date{Year: 1996, Month: 12, Day: 10},
			OptionalData1: "6ZE184226B"}},
		{"German passport", germanTD3, Document{Format: TD3, DocumentCode: "P", IssuingState: "D", Surname: "MUSTERMANN", GivenNames: "ERIKA",
			DocumentNumber: "C01X00T47", Nationality: "D", BirthDate: Date{Year: 1964, Month: 8, Day: 12}, Sex: "F", ExpiryDate: Date{Year: 2027, Month: 2, Day: 28}}},
		{"TD1 long document number", longTD1, Document{Format: TD1, DocumentCode: "ID", IssuingState: "UTO", Surname: "SPECIMEN", GivenNames: "JANE",
			DocumentNumber: "1234567890", Nationality: "UTO", BirthDate: Date{Year: 1986, Month: 1, Day: 1}, Sex: "M", ExpiryDate: Date{Year: 2030, Month: 1, Day: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Surrounding white space, CRLF and blank lines are accepted.
			got, err := at.Parse("\n  " + strings.Join(tt.lines, "\r\n\r\n") + " \r\n")
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Lines = tt.lines
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse\n got %+v\nwant %+v", got, tt.want)
			}
			built, err := at.Build(got)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(built, tt.lines) {
				t.Errorf("Build\n got %q\nwant %q", built, tt.lines)
			}
		})
	}
}

func with(d Document, change func(*Document)) Document {
	change(&d)
	return d
}

// td3 returns a TD3 zone for the specimen's line 1 with the check digits of
// line 2 computed, so that a test can break one field and nothing else.
func td3(number, nationality, birth, sex, expiry, personal string) string {
	pn := pad(personal, 14)
	l2 := number + string(checkDigit(number)) + nationality + birth + string(checkDigit(birth)) + sex +
		expiry + string(checkDigit(expiry)) + pn + string(checkDigit(pn))
	l2 += string(checkDigit(l2[0:10], l2[13:20], l2[21:43]))
	return specimenTD3[0] + "\n" + l2
}

// replace returns lines joined after replacing the character at a line and
// column (from 1) with c.
func replace(lines []string, line, col int, c byte) string {
	out := append([]string(nil), lines...)
	b := []byte(out[line-1])
	b[col-1] = c
	out[line-1] = string(b)
	return strings.Join(out, "\n")
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		line, col int
		field     string
		message   string // the whole error text, or a part of it
	}{
		{"TD3 document number check", replace(specimenTD3, 2, 10, '5'), 2, 10, "documentNumber",
			"mrz: line 2 position 10: check digit of document number is 5, computed 6"},
		{"TD3 birth date check", replace(specimenTD3, 2, 20, '3'), 2, 20, "birthDate",
			"mrz: line 2 position 20: check digit of birth date is 3, computed 2"},
		{"TD3 expiry date check", replace(specimenTD3, 2, 28, '0'), 2, 28, "expiryDate",
			"mrz: line 2 position 28: check digit of expiry date is 0, computed 9"},
		{"TD3 personal number check", replace(specimenTD3, 2, 43, '2'), 2, 43, "personalNumber",
			"mrz: line 2 position 43: check digit of personal number is 2, computed 1"},
		{"TD3 composite check", replace(specimenTD3, 2, 44, '1'), 2, 44, "composite",
			"mrz: line 2 position 44: composite check digit is 1, computed 0"},
		{"TD3 check digit not a digit", replace(specimenTD3, 2, 10, 'X'), 2, 10, "documentNumber",
			"check digit of document number is 'X', not a digit"},
		{"TD3 empty personal number with a wrong check", replace(strings.Split(td3("L898902C3", "UTO", "740812", "F", "120415", ""), "\n"), 2, 43, '3'), 2, 43, "personalNumber",
			"check digit of personal number is 3, computed 0"},
		{"TD1 document number check", replace(specimenTD1, 1, 15, '8'), 1, 15, "documentNumber",
			"mrz: line 1 position 15: check digit of document number is 8, computed 7"},
		{"TD1 birth date check", replace(specimenTD1, 2, 7, '9'), 2, 7, "birthDate", "check digit of birth date is 9, computed 2"},
		{"TD1 expiry date check", replace(specimenTD1, 2, 15, '1'), 2, 15, "expiryDate", "check digit of expiry date is 1, computed 9"},
		{"TD1 composite check", replace(specimenTD1, 2, 30, '7'), 2, 30, "composite", "composite check digit is 7, computed 6"},
		{"TD1 long document number check", replace(longTD1, 1, 17, '8'), 1, 17, "documentNumber",
			"mrz: line 1 position 17: check digit of document number is 8, computed 7"},
		{"TD1 long document number without continuation", replace(longTD1, 1, 16, '<'), 1, 15, "documentNumber",
			"optional data do not continue the number"},
		{"TD2 composite check", replace(specimenTD2, 2, 36, '5'), 2, 36, "composite", "composite check digit is 5, computed 6"},
		{"wrong line length", specimenTD3[0] + "\n" + specimenTD3[1][:43], 2, 0, "",
			"mrz: line 2: 43 characters, but a TD3 line has 44"},
		{"line 1 of no known length", specimenTD3[0][:40] + "\n" + specimenTD3[1], 1, 0, "",
			"mrz: line 1: 40 characters, but a two-line MRZ has lines of 36 (TD2, MRV-B) or 44 (TD3, MRV-A)"},
		{"TD1 line too long", strings.Join([]string{specimenTD1[0], specimenTD1[1] + "<", specimenTD1[2]}, "\n"), 2, 0, "",
			"mrz: line 2: 31 characters, but a TD1 line has 30"},
		{"lowercase", strings.ToLower(specimenTD3[0]) + "\n" + specimenTD3[1], 1, 1, "",
			"mrz: line 1 position 1: lowercase 'p' is not in the MRZ alphabet (A–Z, 0–9, <): the MRZ is upper case"},
		{"bad character", replace(specimenTD3, 1, 12, '#'), 1, 12, "", "character '#' is not in the MRZ alphabet"},
		{"space inside a line", replace(specimenTD3, 1, 14, ' '), 1, 14, "", "character ' ' is not in the MRZ alphabet"},
		{"non-ASCII", strings.Replace(specimenTD3[0], "ANNA", "ÄNNA", 1) + "\n" + specimenTD3[1], 1, 16, "", "character 'Ä' is not in the MRZ alphabet"},
		{"unknown issuing state", strings.Replace(specimenTD3[0], "UTO", "ZZZ", 1) + "\n" + specimenTD3[1], 1, 3, "issuingState",
			`mrz: line 1 position 3: issuing state "ZZZ" is not an ICAO 9303 country code`},
		{"unknown nationality", td3("L898902C3", "QQQ", "740812", "F", "120415", ""), 2, 11, "nationality",
			`nationality "QQQ" is not an ICAO 9303 country code`},
		{"month 13", td3("L898902C3", "UTO", "741312", "F", "120415", ""), 2, 16, "birthDate",
			"mrz: line 2 position 16: month 13 of birth date is not 01–12"},
		{"February 30", td3("L898902C3", "UTO", "740230", "F", "120415", ""), 2, 18, "birthDate",
			"mrz: line 2 position 18: day 30 of birth date does not exist: February 1974 has 28 days"},
		{"February 29 in a common year", td3("L898902C3", "UTO", "740812", "F", "230229", ""), 2, 26, "expiryDate",
			"day 29 of expiry date does not exist: February 2023 has 28 days"},
		{"letter in a date", td3("L898902C3", "UTO", "74O812", "F", "120415", ""), 2, 16, "birthDate", `birth date "74O812" is not YYMMDD`},
		{"unknown month, known day", td3("L898902C3", "UTO", "74<<12", "F", "120415", ""), 2, 14, "birthDate",
			"only the day, the month and day, or the whole date may be unknown"},
		{"sex Q", td3("L898902C3", "UTO", "740812", "Q", "120415", ""), 2, 21, "sex",
			"mrz: line 2 position 21: sex 'Q' is not M, F or < (unspecified)"},
		{"empty document number", td3("<<<<<<<<<", "UTO", "740812", "F", "120415", ""), 2, 1, "documentNumber", "document number is empty"},
		{"TD3 with a card code", "I" + specimenTD3[0][1:] + "\n" + specimenTD3[1], 1, 1, "documentCode",
			`document code "I<": a TD3 document code starts with P`},
		{"TD1 with a passport code", "P" + strings.Join(specimenTD1, "\n")[1:], 1, 1, "documentCode",
			`document code "P<": a TD1 document code starts with A, C or I`},
		{"digit in a document code", replace(specimenTD2, 1, 2, '1'), 1, 2, "documentCode", "second character must be a letter or '<'"},
		{"digit in a name", replace(specimenTD3, 1, 16, '4'), 1, 16, "name", "name holds the digit '4'"},
		{"three fillers after the surname", strings.Replace(specimenTD3[0], "<<ANNA", "<<<NNA", 1) + "\n" + specimenTD3[1], 1, 16, "name",
			"more than two fillers between surname and given names"},
		{"two separators", strings.Replace(specimenTD3[0], "ANNA<MARIA", "ANNA<<ARIA", 1) + "\n" + specimenTD3[1], 1, 20, "name",
			"only the first '<<' separates surname and given names"},
		{"name starting with a filler", replace(specimenTD3, 1, 6, '<'), 1, 6, "name", "name starts with a single filler"},
		{"empty name", specimenTD3[0][:5] + strings.Repeat("<", 39) + "\n" + specimenTD3[1], 1, 6, "name", "name is empty"},
		{"empty input", "", 0, 0, "", "mrz: no MRZ lines in the input"},
		{"blank input", " \r\n\t\n", 0, 0, "", "mrz: no MRZ lines in the input"},
		{"one line", specimenTD3[1], 0, 0, "", "mrz: only 1 line"},
		{"4 lines", strings.Join(append(specimenTD1, specimenTD1[2]), "\n"), 0, 0, "", "mrz: more than 3 lines"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := at.Parse(tt.text)
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Parse(%q) = %v, want a *FieldError", tt.text, err)
			}
			if fe.Line != tt.line || fe.Column != tt.col || fe.Field != tt.field {
				t.Errorf("error at line %d column %d field %q, want %d, %d, %q: %v", fe.Line, fe.Column, fe.Field, tt.line, tt.col, tt.field, err)
			}
			if !strings.Contains(err.Error(), tt.message) {
				t.Errorf("error %q does not say %q", err, tt.message)
			}
			if secunion.CodeOf(err) != secunion.Invalid || secunion.MessageOf(err) != err.Error() {
				t.Errorf("code %q, message %q: want invalid with the whole text", secunion.CodeOf(err), secunion.MessageOf(err))
			}
		})
	}
}

// An unused TD3 personal number may carry '<' or '0' as its check digit.
func TestEmptyPersonalNumberCheck(t *testing.T) {
	zero := td3("L898902C3", "UTO", "740812", "F", "120415", "")
	if !strings.HasSuffix(zero, "<<<<<<<<<<<<<<08") {
		t.Fatalf("td3 wrote %q", zero)
	}
	filler := zero[:len(zero)-2] + "<8" // the composite counts '<' as 0 too
	for _, text := range []string{zero, filler} {
		d, err := at.Parse(text)
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if d.PersonalNumber != "" {
			t.Errorf("personal number %q, want none", d.PersonalNumber)
		}
		lines, err := at.Build(d)
		if err != nil || lines[1] != filler[len(filler)-44:] {
			t.Errorf("Build = %q, %v; want the check digit written '<'", lines, err)
		}
	}
}

func TestCenturies(t *testing.T) {
	now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	births := []struct {
		yy, month, day, want int
	}{
		{74, 8, 12, 1974},
		{26, 5, 1, 2026}, // today
		{26, 5, 2, 1926}, // tomorrow is in the future
		{26, 0, 0, 2026}, // May 2026 may have been
		{26, 6, 0, 1926},
		{0, 2, 29, 2000},
	}
	for _, b := range births {
		if got := birthYear(b.yy, b.month, b.day, now); got != b.want {
			t.Errorf("birth %02d-%02d-%02d read %d, want %d", b.yy, b.month, b.day, got, b.want)
		}
	}
	expiries := []struct{ yy, want int }{{12, 2012}, {36, 2036}, {76, 2076}, {77, 1977}, {96, 1996}}
	for _, e := range expiries {
		if got := expiryYear(e.yy, now); got != e.want {
			t.Errorf("expiry %02d read %d, want %d", e.yy, got, e.want)
		}
	}
	// Late in the century, early two-digit years are the next one's.
	if got := expiryYear(5, time.Date(2090, 1, 1, 0, 0, 0, 0, time.UTC)); got != 2105 {
		t.Errorf("expiry 05 read in 2090 as %d, want 2105", got)
	}
}

func TestUnknownDateParts(t *testing.T) {
	d, err := at.Parse(td3("L898902C3", "UTO", "7408<<", "<", "<<<<<<", ""))
	if err != nil {
		t.Fatal(err)
	}
	if d.BirthDate != (Date{Year: 1974, Month: 8}) || d.BirthDate.String() != "1974-08" || d.ExpiryDate != (Date{}) || d.Sex != "X" {
		t.Errorf("birth %+v, expiry %+v, sex %q", d.BirthDate, d.ExpiryDate, d.Sex)
	}
	d, err = at.Parse(td3("L898902C3", "UTO", "74<<<<", "M", "120415", ""))
	if err != nil || d.BirthDate.String() != "1974" {
		t.Errorf("birth %v, %v; want 1974", d.BirthDate, err)
	}
}

func TestDateText(t *testing.T) {
	for _, s := range []string{"1974-08-12", "1974-08", "1974", ""} {
		var d Date
		if err := d.UnmarshalText([]byte(s)); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if got, _ := d.MarshalText(); string(got) != s || d.String() != s {
			t.Errorf("%q read back as %q", s, got)
		}
	}
	for _, s := range []string{"74-08-12", "1974-8-12", "1974-08-12-01", "1974-00-12", "1974-08-+1", "year"} {
		var d Date
		if err := d.UnmarshalText([]byte(s)); secunion.CodeOf(err) != secunion.Invalid {
			t.Errorf("%q: %v, want an invalid error", s, err)
		}
	}
}

func TestValidCountry(t *testing.T) {
	for _, c := range []string{"DEU", "D", "UTO", "GBD", "XXA", "EUE", "RKS", "UNK", "XOM", "XPO", "ZWE"} {
		if !ValidCountry(c) {
			t.Errorf("%s refused", c)
		}
	}
	for _, c := range []string{"", "ZZZ", "DE", "D<<", "YUG", "deu"} {
		if ValidCountry(c) {
			t.Errorf("%q accepted", c)
		}
	}
}

func BenchmarkParseTD3(b *testing.B) {
	text := strings.Join(specimenTD3, "\n")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := at.Parse(text); err != nil {
			b.Fatal(err)
		}
	}
}
