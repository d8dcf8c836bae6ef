package names

import (
	"math"
	"testing"
	"time"
)

// FuzzNormalize checks that Normalize never panics, writes only A–Z words
// separated by single spaces, and is idempotent; and that Variants starts
// with the same spelling and stays in the alphabet and under its cap.
func FuzzNormalize(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		got := Normalize(s)
		if !inAlphabet(got) {
			t.Fatalf("Normalize(%q) = %q: not A–Z words with single spaces", s, got)
		}
		if again := Normalize(got); again != got {
			t.Fatalf("Normalize(%q) = %q, but Normalize of that = %q", s, got, again)
		}
		vs := Variants(s)
		if got == "" {
			if vs != nil {
				t.Fatalf("Variants(%q) = %q for a name without letters", s, vs)
			}
			return
		}
		if len(vs) == 0 || vs[0] != got || len(vs) > MaxVariants {
			t.Fatalf("Variants(%q) = %q, want at most %d starting with %q", s, vs, MaxVariants, got)
		}
		for _, v := range vs {
			if !inAlphabet(v) || v == "" {
				t.Fatalf("Variants(%q) has %q", s, v)
			}
		}
	})
}

// FuzzParseDate checks that ParseDate never panics and that every date it
// accepts is possible, not in the future, and reads back from its String.
func FuzzParseDate(f *testing.F) {
	now := time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s, now)
		if err != nil {
			return
		}
		if d.Year < MinYear || d.Month < 0 || d.Month > 12 || d.Day < 0 || (d.Month == 0 && d.Day != 0) {
			t.Fatalf("ParseDate(%q) = %#v", s, d)
		}
		if d.Day > 0 && time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC).Day() != d.Day {
			t.Fatalf("ParseDate(%q) = %#v, an impossible date", s, d)
		}
		if back, err := ParseDate(d.String(), now); err != nil || back != d {
			t.Fatalf("ParseDate(%q) = %#v, but its String %q reads back as %#v, %v", s, d, d.String(), back, err)
		}
		if CompareDates(d, d) != DateExact && d.Complete() {
			t.Fatalf("CompareDates(%v, itself) = %s", d, CompareDates(d, d))
		}
	})
}

// FuzzSimilarity checks that Similarity never panics, stays in [0, 1] and
// is symmetric on arbitrary names.
func FuzzSimilarity(f *testing.F) {
	f.Fuzz(func(t *testing.T, s1, g1, s2, g2 string) {
		a, b := Name{s1, g1}, Name{s2, g2}
		ab, ba := Similarity(a, b), Similarity(b, a)
		if ab.Value < 0 || ab.Value > 1 || math.IsNaN(ab.Value) {
			t.Fatalf("Similarity(%q, %q) = %v", a, b, ab.Value)
		}
		if math.Abs(ab.Value-ba.Value) > 1e-9 {
			t.Fatalf("Similarity not symmetric on %q, %q: %s but %s", a, b, ab, ba)
		}
	})
}
