package alerts

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"secunion"
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

// FuzzReadObjects feeds the STIX reader arbitrary bytes as a bundle: it
// never panics, refuses with a secunion error, and every object it
// accepts and the checks pass keeps its identity when its stored form is
// read again; the values taken from it for correlation are in canonical
// form (normalising one again changes nothing).
func FuzzReadObjects(f *testing.F) {
	f.Add([]byte(`{"type":"bundle","id":"bundle--6b8e2c5a-1f0d-4c3b-9a7e-000000000001","objects":[` +
		`{"type":"indicator","spec_version":"2.1","id":"indicator--6b8e2c5a-1f0d-4c3b-9a7e-000000000002","created":"2026-11-20T10:00:00.000Z","modified":"2026-11-20T10:00:00.000Z",` +
		`"pattern":"[ipv4-addr:value = '198.51.100.7'] OR [domain-name:value = 'Bücher.example']","pattern_type":"stix","valid_from":"2026-11-20T10:00:00Z","description":"#Wave of #fakes"},` +
		`{"type":"url","spec_version":"2.1","id":"url--6b8e2c5a-1f0d-4c3b-9a7e-000000000003","value":"HTTP://Evil.example:80/a#b"}]}`))
	f.Add([]byte(`{"objects":[{"type":"x-narrative","spec_version":"2.1","id":"x-narrative--6b8e2c5a-1f0d-4c3b-9a7e-000000000004","created":"2026-11-20T10:00:00Z","modified":"2026-11-19T10:00:00Z"}]}`))
	f.Add([]byte(`{"objects":[{"type":"file","spec_version":"2.1","id":"file--6b8e2c5a-1f0d-4c3b-9a7e-000000000005","hashes":{"MD5":"D41D8CD98F00B204E9800998ECF8427E","SHA-256":"zz"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		err := ReadObjects(bytes.NewReader(data), 100, func(raws []json.RawMessage) error {
			checked := Checker{}.Batch(raws)
			for _, o := range checked.Objects {
				again, err := ParseObject(o.Raw)
				if err != nil || again.ID != o.ID || again.Type != o.Type || !again.Modified.Equal(o.Modified) {
					t.Fatalf("%s: its stored form reads back as %s (%v)", o.ID, again.ID, err)
				}
				for _, v := range Values(o) {
					if w, err := NormalizeValue(v.Kind, v.Text); err != nil || w != v {
						t.Fatalf("%s: value %+v normalises again to %+v (%v)", o.ID, v, w, err)
					}
				}
			}
			for _, fd := range checked.Failures {
				if fd.Message == "" {
					t.Fatalf("a refusal says nothing: %+v", fd)
				}
			}
			return nil
		})
		var e *secunion.Error
		if err != nil && !errors.As(err, &e) {
			t.Fatalf("error %v is not a *secunion.Error", err)
		}
	})
}
