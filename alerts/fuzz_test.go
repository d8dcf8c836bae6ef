package alerts

import (
	"reflect"
	"testing"
)

// FuzzParsePattern checks that ParsePattern never panics, that it refuses
// with an Invalid error, and that an accepted pattern gives sound
// comparisons and a String that parses back to the same pattern.
func FuzzParsePattern(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePattern(s)
		if err != nil {
			checkError(t, err)
			return
		}
		cs := p.Comparisons()
		if len(cs) == 0 {
			t.Fatalf("%q: accepted with no comparisons", s)
		}
		for _, c := range cs {
			if !validType(c.ObjectType) || c.Path == "" {
				t.Fatalf("%q: comparison %+v has a bad type or an empty path", s, c)
			}
			switch c.Operator {
			case "EXISTS":
				if len(c.Values) != 0 {
					t.Fatalf("%q: EXISTS with values %q", s, c.Values)
				}
			case "IN":
			case "=", "!=", "<", "<=", ">", ">=", "LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET":
				if len(c.Values) != 1 {
					t.Fatalf("%q: %s with %d values", s, c.Operator, len(c.Values))
				}
			default:
				t.Fatalf("%q: unknown operator %q", s, c.Operator)
			}
		}
		if len(p.ObjectTypes()) == 0 {
			t.Fatalf("%q: no object types", s)
		}
		// The canonical form may be longer than the input (it spaces
		// operators), so near the length limit it need not parse.
		str := p.String()
		if len(str) > maxPatternLen {
			return
		}
		q, err := ParsePattern(str)
		if err != nil {
			t.Fatalf("%q: String() %q does not parse: %v", s, str, err)
		}
		if q.String() != str {
			t.Fatalf("%q: String() %q parses to %q", s, str, q.String())
		}
		if !reflect.DeepEqual(q.Comparisons(), cs) || shape(q.root) != shape(p.root) {
			t.Fatalf("%q: String() %q parses to a different pattern", s, str)
		}
	})
}
