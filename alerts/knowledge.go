package alerts

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"secunion"
)

// textProperties are the properties whose text the hub's search reads:
// what practitioners write in reports, notes, opinions, narratives and
// the hub's own objects (a RAS alert's justification included).
var textProperties = []string{"name", "description", "content", "abstract", "explanation", "x_threshold_justification"}

// Words returns the words of the text of o, an SDO or custom object, each
// once: letters and digits in lower case and Unicode NFC, two to 64 of
// them. There is no stemming: "radicalisation" does not find
// "radicalised", a search names the word as written. Cyber-observables,
// relationships and sightings carry no prose and have none.
func Words(o Object) []string {
	if c := ClassOf(o.Type); c != SDO && c != Custom {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, p := range textProperties {
		s, _ := o.Props[p].(string)
		for _, w := range words(s) {
			if !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	return out
}

// words splits s into words.
func words(s string) []string {
	s = norm.NFC.String(s)
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if n := len([]rune(f)); n >= 2 && n <= 64 {
			out = append(out, strings.ToLower(f))
		}
	}
	return out
}

// MaxTerms is the most words a search takes.
const MaxTerms = 10

// SearchTerms returns the words of query q as Words finds them in
// objects, each once, or says why q cannot be searched.
func SearchTerms(q string) ([]string, error) {
	if len(q) > 1000 {
		return nil, secunion.Errorf(secunion.Invalid, "q: %d bytes, a search is at most 1000", len(q))
	}
	var out []string
	for _, w := range words(q) {
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	switch {
	case len(out) == 0:
		return nil, secunion.Errorf(secunion.Invalid, "q: give at least one word of two letters or more")
	case len(out) > MaxTerms:
		return nil, secunion.Errorf(secunion.Invalid, "q: %d words, a search takes at most %d", len(out), MaxTerms)
	}
	return out, nil
}

// WordKey is the key of a word in the hub's text index.
func WordKey(w string) Value { return Value{Kind: "word", Text: w} }
