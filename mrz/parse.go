package mrz

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Parser reads and writes machine-readable zones against a reference time
// now, from which the century of the MRZ's two-digit years is inferred:
//
//   - a birth date takes the latest century that does not put it after now,
//     reading an unknown month or day as the first, so "25<<<<" read in
//     March 2025 is 2025 and "2512<<" is 1925;
//   - an expiry date is 20YY unless that is more than 50 years ahead of now,
//     then 19YY; in general, the year in (now−50, now+50].
//
// Build refuses a date whose year these rules would not give back. The zero
// Parser uses the wall clock.
type Parser struct {
	// Now returns the reference time; nil means time.Now.
	Now func() time.Time
}

func (p Parser) now() time.Time {
	if p.Now == nil {
		return time.Now()
	}
	return p.Now()
}

// Parse reads a machine-readable zone with the wall clock as reference.
func Parse(text string) (Document, error) { return Parser{}.Parse(text) }

// Parse reads a machine-readable zone: 2 or 3 lines, each trimmed of
// surrounding white space, blank lines ignored, CRLF or LF endings. The
// format follows from the number of lines, their length and the first
// character. Every check digit and field is verified; the first fault found
// is returned as a *FieldError.
func (p Parser) Parse(text string) (Document, error) {
	lines, err := splitLines(text)
	if err != nil {
		return Document{}, err
	}
	format, err := detect(lines)
	if err != nil {
		return Document{}, err
	}
	r := reader{lines: lines, format: format, now: p.now()}
	d := Document{Format: format, Lines: lines}
	if format == TD1 {
		err = r.td1(&d)
	} else {
		err = r.twoLines(&d)
	}
	if err != nil {
		return Document{}, err
	}
	return d, nil
}

// splitLines returns the non-blank lines of text, trimmed, after checking
// that there are 2 or 3 and that they hold only MRZ characters.
func splitLines(text string) ([]string, error) {
	lines := make([]string, 0, 3)
	for rest := text; rest != ""; {
		l := rest
		if i := strings.IndexAny(rest, "\r\n"); i >= 0 {
			l, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		if len(lines) == 3 {
			return nil, errorAt(0, 0, "", "more than 3 lines; an MRZ has 2 lines (TD2, TD3, MRV) or 3 (TD1)")
		}
		lines = append(lines, l)
	}
	switch len(lines) {
	case 0:
		return nil, errorAt(0, 0, "", "no MRZ lines in the input")
	case 1:
		return nil, errorAt(0, 0, "", "only 1 line; an MRZ has 2 lines (TD2, TD3, MRV) or 3 (TD1)")
	}
	for i, l := range lines {
		for j := 0; j < len(l); j++ {
			if !inAlphabet(l[j]) {
				return nil, characterError(i+1, l, j)
			}
		}
	}
	return lines, nil
}

// characterError reports the character of line that starts at byte j,
// which is not in the MRZ alphabet.
func characterError(line int, l string, j int) error {
	col := utf8.RuneCountInString(l[:j]) + 1
	c, _ := utf8.DecodeRuneInString(l[j:])
	if c >= 'a' && c <= 'z' {
		return errorAt(line, col, "", "lowercase %q is not in the MRZ alphabet (A–Z, 0–9, <): the MRZ is upper case", c)
	}
	return errorAt(line, col, "", "character %q is not in the MRZ alphabet (A–Z, 0–9, <)", c)
}

// detect returns the format of lines and checks their lengths.
func detect(lines []string) (Format, error) {
	var f Format
	switch {
	case len(lines) == 3:
		f = TD1
	case len(lines[0]) == 36 && lines[0][0] == 'V':
		f = MRVB
	case len(lines[0]) == 36:
		f = TD2
	case len(lines[0]) == 44 && lines[0][0] == 'V':
		f = MRVA
	case len(lines[0]) == 44:
		f = TD3
	default:
		return "", errorAt(1, 0, "", "%d characters, but a two-line MRZ has lines of 36 (TD2, MRV-B) or 44 (TD3, MRV-A)", len(lines[0]))
	}
	_, width, _ := f.shape()
	for i, l := range lines {
		if len(l) != width {
			return "", errorAt(i+1, 0, "", "%d characters, but a %s line has %d", len(l), f, width)
		}
	}
	return f, nil
}

// reader reads the fields of checked lines. Lines and columns count from 1.
type reader struct {
	lines  []string
	format Format
	now    time.Time
}

// at returns n characters of a line from a column.
func (r *reader) at(line, col, n int) string { return r.lines[line-1][col-1 : col-1+n] }

// char returns the character at a line and column.
func (r *reader) char(line, col int) byte { return r.lines[line-1][col-1] }

// td1 reads a TD1 zone (Part 5).
func (r *reader) td1(d *Document) error {
	var err error
	if d.DocumentCode, err = r.documentCode(); err != nil {
		return err
	}
	if d.IssuingState, err = r.country(1, 3, "issuingState", "issuing state"); err != nil {
		return err
	}
	if d.DocumentNumber, d.OptionalData1, err = r.documentNumber(1, 6, 16, 15); err != nil {
		return err
	}
	if d.BirthDate, err = r.date(2, 1, true); err != nil {
		return err
	}
	if d.Sex, err = r.sex(2, 8); err != nil {
		return err
	}
	if d.ExpiryDate, err = r.date(2, 9, false); err != nil {
		return err
	}
	if d.Nationality, err = r.country(2, 16, "nationality", "nationality"); err != nil {
		return err
	}
	d.OptionalData2 = strings.TrimRight(r.at(2, 19, 11), "<")
	l1, l2 := r.lines[0], r.lines[1]
	if err = r.verify(2, 30, "composite", "composite check digit", l1[5:30], l2[0:7], l2[8:15], l2[18:29]); err != nil {
		return err
	}
	d.Surname, d.GivenNames, d.NameTruncated, err = r.name(3, 1, 30)
	return err
}

// twoLines reads a TD2 (Part 6), TD3 (Part 4), MRV-A or MRV-B (Part 7)
// zone. They share their layout up to the expiry date.
func (r *reader) twoLines(d *Document) error {
	width := len(r.lines[0])
	var err error
	if d.DocumentCode, err = r.documentCode(); err != nil {
		return err
	}
	if d.IssuingState, err = r.country(1, 3, "issuingState", "issuing state"); err != nil {
		return err
	}
	if d.Surname, d.GivenNames, d.NameTruncated, err = r.name(1, 6, width-5); err != nil {
		return err
	}
	var opt string
	if d.DocumentNumber, opt, err = r.documentNumber(2, 1, 29, optionalWidth(r.format)); err != nil {
		return err
	}
	if d.Nationality, err = r.country(2, 11, "nationality", "nationality"); err != nil {
		return err
	}
	if d.BirthDate, err = r.date(2, 14, true); err != nil {
		return err
	}
	if d.Sex, err = r.sex(2, 21); err != nil {
		return err
	}
	if d.ExpiryDate, err = r.date(2, 22, false); err != nil {
		return err
	}
	l2 := r.lines[1]
	switch r.format {
	case TD2:
		d.OptionalData1 = opt
		return r.verify(2, 36, "composite", "composite check digit", l2[0:10], l2[13:20], l2[21:35])
	case TD3:
		d.PersonalNumber = opt
		// Part 4 lets an unused personal number carry '<' or '0' as its
		// check digit.
		if c := r.char(2, 43); opt != "" || c != '<' && c != '0' {
			if err := r.verify(2, 43, "personalNumber", "check digit of personal number", l2[28:42]); err != nil {
				return err
			}
		}
		return r.verify(2, 44, "composite", "composite check digit", l2[0:10], l2[13:20], l2[21:43])
	}
	d.OptionalData1 = opt
	return nil
}

// optionalWidth returns the width of the optional data field of line 2 of
// a two-line format, which runs from column 29 to the composite check digit
// (TD2), to the personal number check digit (TD3) or to the end (MRV).
func optionalWidth(f Format) int {
	switch f {
	case TD2:
		return 7
	case TD3:
		return 14
	case MRVA:
		return 16
	}
	return 8 // MRVB
}

// documentCode reads the document code: a letter fixed by the format, then
// a letter or a filler.
func (r *reader) documentCode() (string, error) {
	code := r.at(1, 1, 2)
	first := firstLetters[r.format]
	if !strings.Contains(first, code[:1]) {
		return "", errorAt(1, 1, "documentCode", "document code %q: a %s document code starts with %s", code, r.format, describeLetters(first))
	}
	if c := code[1]; c != '<' && !isLetter(c) {
		return "", errorAt(1, 2, "documentCode", "document code %q: its second character must be a letter or '<'", code)
	}
	return strings.TrimRight(code, "<"), nil
}

// firstLetters holds the first characters of the document codes each
// format allows: A, C or I for cards (Part 5, Part 6), P for passports
// (Part 4), V for visas (Part 7).
var firstLetters = map[Format]string{TD1: "ACI", TD2: "ACI", TD3: "P", MRVA: "V", MRVB: "V"}

func describeLetters(s string) string {
	if len(s) == 1 {
		return s
	}
	return strings.Join(strings.Split(s[:len(s)-1], ""), ", ") + " or " + s[len(s)-1:]
}

// country reads a three-character country code.
func (r *reader) country(line, col int, field, label string) (string, error) {
	raw := r.at(line, col, 3)
	code := strings.TrimRight(raw, "<")
	if !ValidCountry(code) {
		return "", errorAt(line, col, field, "%s %q is not an ICAO 9303 country code", label, raw)
	}
	return code, nil
}

// documentNumber reads the document number at a line and column and the
// optional data field that follows it on the same line. In TD1 and TD2, a
// number of more than 9 characters puts '<' in its check digit position and
// continues at the start of the optional data, followed by its check digit
// and a filler (Part 5 §4.2.4 note j; TD2 is read the same way); what follows
// that filler is optional data.
func (r *reader) documentNumber(line, col, optCol, optWidth int) (number, optional string, err error) {
	first := r.at(line, col, 9)
	opt := r.at(line, optCol, optWidth)
	long := r.char(line, col+9) == '<' && (r.format == TD1 || r.format == TD2)
	if long {
		end := strings.IndexByte(opt, '<')
		if end < 2 {
			return "", "", errorAt(line, col+9, "documentNumber", "check digit of document number is '<', but the optional data do not continue the number with its check digit and a filler")
		}
		number = first + opt[:end-1]
		if err := r.verify(line, optCol+end-1, "documentNumber", "check digit of document number", number); err != nil {
			return "", "", err
		}
		opt = opt[end+1:]
	} else {
		if err := r.verify(line, col+9, "documentNumber", "check digit of document number", first); err != nil {
			return "", "", err
		}
		number = strings.TrimRight(first, "<")
		if number == "" {
			return "", "", errorAt(line, col, "documentNumber", "document number is empty")
		}
	}
	return number, strings.TrimRight(opt, "<"), nil
}

// verify checks the check digit at a line and column against the parts it
// covers.
func (r *reader) verify(line, col int, field, subject string, parts ...string) error {
	got, want := r.char(line, col), checkDigit(parts...)
	switch {
	case got == want:
		return nil
	case !isDigit(got):
		return errorAt(line, col, field, "%s is %q, not a digit", subject, got)
	}
	return errorAt(line, col, field, "%s is %c, computed %c", subject, got, want)
}

// date reads a date YYMMDD and its check digit. Unknown parts are '<<':
// the day, the month and the day, or the whole date (Part 3).
func (r *reader) date(line, col int, birth bool) (Date, error) {
	field, label, subject := "expiryDate", "expiry date", "check digit of expiry date"
	if birth {
		field, label, subject = "birthDate", "birth date", "check digit of birth date"
	}
	raw := r.at(line, col, 6)
	if err := r.verify(line, col+6, field, subject, raw); err != nil {
		return Date{}, err
	}
	var v [3]int // year, month, day; -1 when unknown
	for i := range v {
		a, b := raw[2*i], raw[2*i+1]
		switch {
		case isDigit(a) && isDigit(b):
			v[i] = int(a-'0')*10 + int(b-'0')
		case a == '<' && b == '<':
			v[i] = -1
		default:
			return Date{}, errorAt(line, col+2*i, field, "%s %q is not YYMMDD: each part is 2 digits, or '<<' when unknown", label, raw)
		}
	}
	if v[0] < 0 && v[1] >= 0 || v[1] < 0 && v[2] >= 0 {
		return Date{}, errorAt(line, col, field, "%s %q: only the day, the month and day, or the whole date may be unknown", label, raw)
	}
	if v[0] < 0 {
		return Date{}, nil
	}
	if v[1] == 0 || v[1] > 12 {
		return Date{}, errorAt(line, col+2, field, "month %02d of %s is not 01–12", v[1], label)
	}
	month, day := max(v[1], 0), max(v[2], 0)
	year := expiryYear(v[0], r.now)
	if birth {
		year = birthYear(v[0], month, day, r.now)
	}
	if v[2] == 0 || v[2] > 0 && day > daysIn(month, year) {
		return Date{}, errorAt(line, col+4, field, "day %02d of %s does not exist: %s %d has %d days", v[2], label, time.Month(month), year, daysIn(month, year))
	}
	return Date{Year: year, Month: month, Day: day}, nil
}

// sex reads M, F, or '<' for unspecified, which Document shows as X.
func (r *reader) sex(line, col int) (string, error) {
	switch c := r.char(line, col); c {
	case 'M', 'F':
		return string(c), nil
	case '<':
		return "X", nil
	default:
		return "", errorAt(line, col, "sex", "sex %q is not M, F or < (unspecified)", c)
	}
}
