package mrz

import (
	"fmt"
	"strings"
	"time"
)

// Build writes the machine-readable zone of d with the wall clock as
// reference.
func Build(d Document) ([]string, error) { return Parser{}.Build(d) }

// Build writes the lines of the machine-readable zone of d in d.Format and
// computes every check digit. Text is upper-cased and must otherwise be in
// the MRZ alphabet already (transliteration is the caller's): in names,
// spaces and hyphens separate components and apostrophes are dropped; in
// the document number and the optional data, spaces and ASCII punctuation
// become fillers (Doc 9303 Parts 3 and 4). A name too long for its field
// loses letters from the end of its given names first, down to one initial,
// then from the end of its surname, so that the field ends with a letter,
// which marks it as truncated. Build refuses, with a *FieldError, a field that does not fit,
// a field the format does not have, an unknown country code, an impossible
// date, and a date whose two-digit year p would read back as another
// century. d.NameTruncated and d.Lines are ignored.
func (p Parser) Build(d Document) ([]string, error) {
	_, width, ok := d.Format.shape()
	if !ok {
		return nil, buildError("format", "format %q is not one of TD1, TD2, TD3, MRVA, MRVB", d.Format)
	}
	b := builder{format: d.Format, now: p.now()}
	code := b.code(d.DocumentCode)
	state := b.country(d.IssuingState, "issuingState")
	nationality := b.country(d.Nationality, "nationality")
	surname := b.name(d.Surname, "surname")
	given := b.name(d.GivenNames, "givenNames")
	birth := b.date(d.BirthDate, true)
	expiry := b.date(d.ExpiryDate, false)
	sex := b.sex(d.Sex)
	personal := b.text(d.PersonalNumber, "personalNumber", TD3)
	opt1 := b.text(d.OptionalData1, "optionalData1", TD1, TD2, MRVA, MRVB)
	opt2 := b.text(d.OptionalData2, "optionalData2", TD1)
	number := b.text(d.DocumentNumber, "documentNumber", d.Format)
	if b.err != nil {
		return nil, b.err
	}
	if len(surname)+len(given) == 0 {
		return nil, buildError("surname", "surname and given names are both empty")
	}
	if number == "" {
		return nil, buildError("documentNumber", "document number is empty")
	}
	optWidth := optionalWidth(d.Format)
	if d.Format == TD1 {
		optWidth = 15
	}
	numberField, overflow, err := documentNumberField(number, d.Format, optWidth)
	if err != nil {
		return nil, err
	}
	if opt1 = overflow + opt1; len(opt1) > optWidth {
		return nil, buildError("optionalData1", "optional data %q do not fit: a %s has %d positions for them%s", d.OptionalData1, d.Format, optWidth-len(overflow), overflowNote(overflow))
	}
	dates := birth + string(checkDigit(birth)) + sex + expiry + string(checkDigit(expiry))

	if d.Format == TD1 {
		if len(opt2) > 11 {
			return nil, buildError("optionalData2", "optional data 2 %q have %d characters; a TD1 has 11 positions for them", opt2, len(opt2))
		}
		l1 := code + state + numberField + pad(opt1, 15)
		l2 := dates + nationality + pad(opt2, 11)
		l2 += string(checkDigit(l1[5:30], l2[0:7], l2[8:15], l2[18:29]))
		return []string{l1, l2, nameField(surname, given, 30)}, nil
	}
	l1 := code + state + nameField(surname, given, width-5)
	l2 := numberField + nationality + dates
	switch d.Format {
	case TD2:
		l2 += pad(opt1, optWidth)
		l2 += string(checkDigit(l2[0:10], l2[13:20], l2[21:35]))
	case TD3:
		if len(personal) > 14 {
			return nil, buildError("personalNumber", "personal number %q has %d characters; a TD3 has 14 positions for it", personal, len(personal))
		}
		l2 += pad(personal, 14)
		if personal == "" {
			l2 += "<"
		} else {
			l2 += string(checkDigit(l2[28:42]))
		}
		l2 += string(checkDigit(l2[0:10], l2[13:20], l2[21:43]))
	default:
		l2 += pad(opt1, optWidth)
	}
	return []string{l1, l2}, nil
}

// documentNumberField returns the document number as written in its field
// (9 characters and the check digit) and what it puts at the start of the
// optional data: in TD1 and TD2, a number of more than 9 characters writes
// '<' as its check digit and continues in the optional data, followed by the
// check digit of the whole number and a filler (Part 5 §4.2.4 note j; TD2
// is read the same way).
func documentNumberField(number string, f Format, optWidth int) (field, overflow string, err error) {
	if len(number) <= 9 {
		field = pad(number, 9)
		return field + string(checkDigit(field)), "", nil
	}
	if f != TD1 && f != TD2 {
		return "", "", buildError("documentNumber", "document number %q has %d characters; a %s document number has at most 9", number, len(number), f)
	}
	if most := 9 + optWidth - 2; len(number) > most {
		return "", "", buildError("documentNumber", "document number %q has %d characters; a %s document number has at most %d", number, len(number), f, most)
	}
	if strings.Contains(number[9:], "<") {
		return "", "", buildError("documentNumber", "document number %q: past the ninth character it may hold no filler, which would end it", number)
	}
	return number[:9] + "<", number[9:] + string(checkDigit(number)) + "<", nil
}

func overflowNote(overflow string) string {
	if overflow == "" {
		return ""
	}
	return " after the end of the long document number"
}

// builder validates the fields of a Document for Build, keeping the first
// fault.
type builder struct {
	format Format
	now    time.Time
	err    error
}

func (b *builder) fail(field, format string, args ...any) {
	if b.err == nil {
		b.err = buildError(field, format, args...)
	}
}

// code returns the document code padded to 2 characters.
func (b *builder) code(code string) string {
	code = strings.TrimRight(strings.ToUpper(code), "<")
	first := firstLetters[b.format]
	switch {
	case code == "" || len(code) > 2:
		b.fail("documentCode", "document code %q must be 1 or 2 letters", code)
	case !strings.Contains(first, code[:1]):
		b.fail("documentCode", "document code %q: a %s document code starts with %s", code, b.format, describeLetters(first))
	case len(code) == 2 && !isLetter(code[1]):
		b.fail("documentCode", "document code %q: its second character must be a letter", code)
	default:
		return pad(code, 2)
	}
	return ""
}

// country returns a country code padded to 3 characters.
func (b *builder) country(code, field string) string {
	code = strings.TrimRight(strings.ToUpper(code), "<")
	if !ValidCountry(code) {
		b.fail(field, "%s %q is not an ICAO 9303 country code", field, code)
		return ""
	}
	return pad(code, 3)
}

// name returns the components of a name.
func (b *builder) name(s, field string) []string {
	comps, err := nameComponents(s, field)
	if err != nil && b.err == nil {
		b.err = err
	}
	return comps
}

// text returns a document number or optional data field in the MRZ
// alphabet, without trailing fillers; formats lists the formats that have
// the field.
func (b *builder) text(s, field string, formats ...Format) string {
	var out []byte
	for _, c := range strings.ToUpper(s) {
		switch {
		case c < 0x80 && inAlphabet(byte(c)):
			out = append(out, byte(c))
		case c >= ' ' && c < 0x7f: // space or punctuation
			out = append(out, '<')
		default:
			b.fail(field, "%s %q holds %q, which is not in the MRZ alphabet", field, s, c)
			return ""
		}
	}
	t := strings.TrimRight(string(out), "<")
	for _, f := range formats {
		if f == b.format {
			return t
		}
	}
	if t != "" {
		b.fail(field, "a %s has no %s field", b.format, field)
	}
	return ""
}

// date returns a date as YYMMDD, with '<<' for unknown parts.
func (b *builder) date(d Date, birth bool) string {
	field, label := "expiryDate", "expiry date"
	if birth {
		field, label = "birthDate", "birth date"
	}
	switch {
	case d == Date{}:
		return "<<<<<<"
	case d.Year == 0:
		b.fail(field, "%s has a month or day but no year", label)
	case d.Year < 0 || d.Year > 9999:
		b.fail(field, "%s year %d is out of range", label, d.Year)
	case d.Month < 0 || d.Month > 12:
		b.fail(field, "%s month %d is not 1–12", label, d.Month)
	case d.Month == 0 && d.Day != 0:
		b.fail(field, "%s has a day but no month", label)
	case d.Day < 0 || d.Day > daysIn(d.Month, d.Year):
		b.fail(field, "%s day %d does not exist in %04d-%02d", label, d.Day, d.Year, d.Month)
	default:
		yy := d.Year % 100
		read := expiryYear(yy, b.now)
		if birth {
			read = birthYear(yy, d.Month, d.Day, b.now)
		}
		if read != d.Year {
			b.fail(field, "%s %s cannot be written with a two-digit year: read on %s, %02d means %d", label, d, b.now.Format(time.DateOnly), yy, read)
			return ""
		}
		return fmt.Sprintf("%02d", yy) + twoDigits(d.Month) + twoDigits(d.Day)
	}
	return ""
}

// twoDigits writes a month or day, or '<<' when it is unknown.
func twoDigits(v int) string {
	if v == 0 {
		return "<<"
	}
	return fmt.Sprintf("%02d", v)
}

// sex returns 'M', 'F', or '<' for X or unspecified.
func (b *builder) sex(s string) string {
	switch strings.ToUpper(s) {
	case "M", "F":
		return strings.ToUpper(s)
	case "X", "", "<":
		return "<"
	}
	b.fail("sex", "sex %q is not M, F or X (unspecified)", s)
	return ""
}
