package names

import (
	"strings"
	"testing"
	"time"

	"secunion"
)

var now = time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)

func TestParseDate(t *testing.T) {
	ok := []struct {
		in   string
		want Date
	}{
		{"1985-03-12", Date{1985, 3, 12}},
		{" 1985-03-12 ", Date{1985, 3, 12}},
		{"1985-03", Date{1985, 3, 0}},
		{"1985", Date{1985, 0, 0}},
		{"1985-00-00", Date{1985, 0, 0}},
		{"1985-03-00", Date{1985, 3, 0}},
		{"1985-XX-XX", Date{1985, 0, 0}},
		{"2000-02-29", Date{2000, 2, 29}}, // leap year
		{"1900-01-01", Date{1900, 1, 1}},
		{"2026-03-15", Date{2026, 3, 15}}, // today
		{"2026-03", Date{2026, 3, 0}},
	}
	for _, tt := range ok {
		got, err := ParseDate(tt.in, now)
		if err != nil || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	bad := []struct{ in, why string }{
		{"1985-02-30", "February 1985 has 28 days"},
		{"1900-02-29", "February 1900 has 28 days"},
		{"1985-04-31", "April 1985 has 30 days"},
		{"1985-13-01", "no month 13"},
		{"1985-00-12", "the month is unknown"},
		{"1899-12-31", "before 1900"},
		{"2026-03-16", "future"},
		{"2026-04", "future"},
		{"2027", "future"},
		{"85-03-12", "YYYY-MM-DD"},
		{"1985-3-12", "YYYY-MM-DD"},
		{"12.03.1985", "YYYY-MM-DD"},
		{"1985-03-12-01", "YYYY-MM-DD"},
		{"1985-+3-12", "not a number"},
		{"19a5", "not a number"},
		{"", "YYYY-MM-DD"},
	}
	for _, tt := range bad {
		_, err := ParseDate(tt.in, now)
		if err == nil {
			t.Errorf("ParseDate(%q) accepted an impossible date", tt.in)
			continue
		}
		if secunion.CodeOf(err) != secunion.Invalid || !strings.Contains(err.Error(), tt.why) {
			t.Errorf("ParseDate(%q) = %v, want an invalid error saying %q", tt.in, err, tt.why)
		}
	}
}

func TestDateString(t *testing.T) {
	for _, tt := range []struct {
		d    Date
		want string
	}{{Date{1985, 3, 12}, "1985-03-12"}, {Date{1985, 3, 0}, "1985-03"}, {Date{1985, 0, 0}, "1985"}, {Date{}, ""}} {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestCompareDates(t *testing.T) {
	d := func(s string) Date {
		v, err := ParseDate(s, now)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		a, b string
		want DateMatch
	}{
		{"1985-03-12", "1985-03-12", DateExact},
		{"1985-03-12", "1985-03", DateCompatible},
		{"1985-03-12", "1985", DateCompatible},
		{"1985", "1985", DateCompatible},
		{"1985-03", "1985-03", DateCompatible},
		{"1985-03-12", "1985-12-03", DateDayMonthSwapped},
		{"1973-05-11", "1973-11", DateDayMonthSwapped}, // a partial date agrees with the swap
		{"1985-03-12", "1986-03-12", DateOffByOneYear},
		{"1985-03-12", "1984-03", DateOffByOneYear},
		{"1985", "1984", DateOffByOneYear},
		{"1989-12-31", "1990-12-31", DateOffByOneYear},
		{"1985-03-12", "1985-03-17", DateDigitTypo},
		{"1985-03-12", "1985-08-12", DateDigitTypo},
		{"1985-03-12", "1995-03-12", DateDigitTypo},
		{"1985-03-12", "1958-03-12", DateDigitTypo}, // adjacent digits swapped
		{"1985-03-12", "1985-03-21", DateDigitTypo},
		{"1985-03-12", "1985-04-13", DateDifferent},
		{"1985-03-12", "1975-06-12", DateDifferent},
		{"1985-03-12", "1985-04", DateDigitTypo},
		{"1985-03-12", "1985-11", DateDifferent},
		{"1985-03-12", "", DateMissing},
		{"", "", DateMissing},
	}
	for _, tt := range tests {
		a, b := Date{}, Date{}
		if tt.a != "" {
			a = d(tt.a)
		}
		if tt.b != "" {
			b = d(tt.b)
		}
		if got := CompareDates(a, b); got != tt.want {
			t.Errorf("CompareDates(%s, %s) = %s, want %s", tt.a, tt.b, got, tt.want)
		}
		if got := CompareDates(b, a); got != tt.want {
			t.Errorf("CompareDates(%s, %s) = %s, want %s (not symmetric)", tt.b, tt.a, got, tt.want)
		}
	}
	if s := DateMatch(99).String(); s != "DateMatch(99)" {
		t.Errorf("unknown DateMatch = %q", s)
	}
}
