package mrz

import (
	"strings"
	"unicode"
)

// The name field (Part 3) holds the primary identifier (surname), then
// "<<", then the secondary identifiers (given names); the components of each
// are separated by one '<', and fillers pad the field. A name that fills the
// field to its last position may have been truncated.

// name reads the name field at a line and column.
func (r *reader) name(line, col, width int) (surname, given string, truncated bool, err error) {
	raw := r.at(line, col, width)
	text := strings.TrimRight(raw, "<")
	if text == "" {
		return "", "", false, errorAt(line, col, "name", "name is empty")
	}
	for i := 0; i < len(text); i++ {
		if isDigit(text[i]) {
			return "", "", false, errorAt(line, col+i, "name", "name holds the digit %q; a name is letters A–Z separated by '<'", text[i])
		}
	}
	primary, secondary, _ := strings.Cut(text, "<<")
	switch {
	case strings.HasPrefix(primary, "<"):
		return "", "", false, errorAt(line, col, "name", "name starts with a single filler; it starts with the surname, or with '<<' when there is none")
	case strings.HasPrefix(secondary, "<"):
		return "", "", false, errorAt(line, col+len(primary)+2, "name", "more than two fillers between surname and given names")
	}
	if i := strings.Index(secondary, "<<"); i >= 0 {
		return "", "", false, errorAt(line, col+len(primary)+2+i, "name", "given names hold '<<'; only the first '<<' separates surname and given names")
	}
	return strings.ReplaceAll(primary, "<", " "), strings.ReplaceAll(secondary, "<", " "), raw[width-1] != '<', nil
}

// nameComponents upper-cases a name and splits it into components the way
// Part 3 writes it: spaces, hyphens and fillers separate components,
// apostrophes are dropped, and anything else outside A–Z must have been
// transliterated before.
func nameComponents(s, field string) ([]string, error) {
	var comps []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			comps = append(comps, b.String())
			b.Reset()
		}
	}
	for _, c := range strings.ToUpper(s) {
		switch {
		case c >= 'A' && c <= 'Z':
			b.WriteRune(c)
		case c == '\'':
		case c == '-' || c == '<' || unicode.IsSpace(c):
			flush()
		default:
			return nil, buildError(field, "%s %q holds %q, which is not in the MRZ alphabet: transliterate it first (Doc 9303 Part 3 §6)", field, s, c)
		}
	}
	flush()
	return comps, nil
}

// nameField writes a name into a field of width characters. A name too long
// loses characters from the end of its given names first, down to one
// initial, then from the end of its surname; the field then ends with a
// letter, which tells a reader it may be truncated.
func nameField(surname, given []string, width int) string {
	p := strings.Join(surname, "<")
	s := p
	if len(given) > 0 {
		s += "<<" + strings.Join(given, "<")
	}
	switch {
	case len(s) <= width:
	case len(given) == 0:
		s = fit(surname, width)
	case len(p)+3 <= width:
		s = p + "<<" + fit(given, width-len(p)-2)
	default:
		s = fit(surname, width-3) + "<<" + given[0][:1]
	}
	return pad(s, width)
}

// fit joins components with '<' into at most width characters, cutting
// from the end so that the result, when cut, is width long and ends with a
// letter. The one case where that cannot be done — every component kept is a
// single letter and one position is left — gives width-1 characters.
func fit(comps []string, width int) string {
	n := 0 // length of comps[:i] joined
	for i, c := range comps {
		sep := min(i, 1)
		if n+sep+len(c) <= width {
			n += sep + len(c)
			continue
		}
		kept := append([]string(nil), comps[:i]...)
		switch room := width - n - sep; {
		case room >= 1:
			kept = append(kept, c[:room])
		case room == 0:
			// One position is left, too few for "<" and an initial: take one
			// letter from the last component that can spare it.
			for j := len(kept) - 1; j >= 0; j-- {
				if len(kept[j]) > 1 {
					kept[j] = kept[j][:len(kept[j])-1]
					kept = append(kept, c[:1])
					break
				}
			}
		}
		return strings.Join(kept, "<")
	}
	return strings.Join(comps, "<")
}

// pad fills s with '<' to width characters.
func pad(s string, width int) string { return s + strings.Repeat("<", width-len(s)) }
