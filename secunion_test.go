package secunion

import (
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"border-check", 64, "border-check"},
		{"\xff\xfe", 64, "\uFFFD"},
		{"a\nb\x00c", 64, "a\uFFFDb\uFFFDc"},
		{"ééé", 3, "é"},
		{"", 5, ""},
	} {
		got := Clip(tc.in, tc.n)
		if got != tc.want || !utf8.ValidString(got) || len(got) > tc.n {
			t.Errorf("Clip(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func TestParsePurpose(t *testing.T) {
	if p, err := ParsePurpose("law-enforcement"); err != nil || !p.NeedsJustification() {
		t.Errorf("law-enforcement: %v %v", p, err)
	}
	if _, err := ParsePurpose(""); CodeOf(err) != Forbidden {
		t.Errorf("missing purpose: %v", err)
	}
	if _, err := ParsePurpose("curiosity"); CodeOf(err) != Invalid {
		t.Errorf("unknown purpose: %v", err)
	}
}
