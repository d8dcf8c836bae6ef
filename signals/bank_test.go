package signals

import (
	"strings"
	"testing"

	"secunion"
)

// TestEntryValidate: a good entry is normalised (algorithm and value
// lowercase); each bad field is refused with the field named.
func TestEntryValidate(t *testing.T) {
	good := func() Entry {
		return Entry{Bank: "tco-removed", Algorithm: "PDQ", Value: strings.ToUpper("f8f8f0cee0f4a84f06370a22038f67f0b36e2ed596621e1d33e6339c4e9c9b22"),
			Quality: 100, Source: SourceRemovalOrder, Labels: Labels{ContentType: "image"}}
	}
	e := good()
	if err := e.Validate(); err != nil || e.Algorithm != AlgPDQ || e.Value != "f8f8f0cee0f4a84f06370a22038f67f0b36e2ed596621e1d33e6339c4e9c9b22" {
		t.Fatalf("%v %+v", err, e)
	}
	e = good()
	e.Algorithm, e.Value, e.Quality = "SHA-256", strings.Repeat("ab", 32), 0
	if err := e.Validate(); err != nil || e.Algorithm != AlgSHA256 {
		t.Fatalf("sha256: %v %+v", err, e)
	}
	for _, tc := range []struct {
		field string
		edit  func(*Entry)
	}{
		{"bank", func(e *Entry) { e.Bank = "TCO Removed" }},
		{"algorithm", func(e *Entry) { e.Algorithm = "sha1" }},
		{"value", func(e *Entry) { e.Value = e.Value[:63] }},
		{"value", func(e *Entry) { e.Value = strings.Repeat("z", 64) }},
		{"value", func(e *Entry) { e.Algorithm = "md5" }}, // a PDQ-length value for MD5
		{"quality", func(e *Entry) { e.Quality = 101 }},
		{"quality", func(e *Entry) { e.Algorithm, e.Value = "md5", strings.Repeat("0", 32) }},
		{"source", func(e *Entry) { e.Source = "rumour" }},
		{"labels.content_type", func(e *Entry) { e.Labels.ContentType = "meme" }},
		{"labels.ideology", func(e *Entry) { e.Labels.Ideology = strings.Repeat("x", 201) }},
	} {
		e := good()
		tc.edit(&e)
		err := e.Validate()
		if secunion.CodeOf(err) != secunion.Invalid || !strings.Contains(secunion.MessageOf(err), tc.field) {
			t.Errorf("%s: %v", tc.field, err)
		}
	}
}
