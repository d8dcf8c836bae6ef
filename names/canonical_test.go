package names

import (
	"strings"
	"testing"
)

func TestCanonical(t *testing.T) {
	groups := [][]string{
		{"MOHAMMED", "MUHAMMAD", "MOHAMAD", "MOHAMED", "MEHMET", "MUHAMMED", "MHMD"},
		{"ALEKSANDR", "ALEXANDER", "OLEKSANDR", "ALEKSANDER", "ALEXANDRE", "ALESSANDRO", "ALEXANDROS"},
		{"JOSE", "JOSEF", "JOSEPH", "GIUSEPPE"},
		{"YUSUF", "YOUSSEF", "YOUSEF", "YUSF"},
		{"AHMED", "AHMAD", "AHMD"},
		{"HUSSEIN", "HUSAIN", "HUSSAIN", "HUSEYIN"},
		{"EKATERINA", "YEKATERINA", "KATERINA", "KATERYNA"},
		{"SERGEI", "SERGEY", "SERHII", "SERGIY"},
		{"OLGA", "OLHA"},
		{"DMITRI", "DMITRY", "DMYTRO"},
		{"IVAN", "IWAN"},
		{"MIKHAIL", "MICHAEL", "MYKHAILO", "MICHAL"},
		{"ABDULLAH", "ABDALLAH", "EBDALLH"},
		{"YURI", "IURII", "JURIJ"},
	}
	for _, g := range groups {
		want := Canonical(g[0])
		for _, m := range g {
			if got := Canonical(m); got != want {
				t.Errorf("Canonical(%q) = %q, want %q like %s", m, got, want, g[0])
			}
		}
	}
	apart := [][2]string{
		{"JOSEPH", "YUSUF"}, // cognates a holder is not written as
		{"ALEXANDER", "ALEXANDRA"},
		{"HASSAN", "HUSSEIN"},
		{"IVAN", "JOHN"},
	}
	for _, p := range apart {
		if Canonical(p[0]) == Canonical(p[1]) {
			t.Errorf("Canonical(%q) = Canonical(%q) = %q: want apart", p[0], p[1], Canonical(p[0]))
		}
	}
	if got := Canonical("SHEVCHENKO"); got != "SHEVCHENKO" {
		t.Errorf("Canonical of a name in no family = %q, want the name", got)
	}
	// Not listed, but with the key of one family only.
	if got := Canonical("KATERINNA"); got != "EKATERINA" {
		t.Errorf("Canonical(KATERINNA) = %q, want EKATERINA by key", got)
	}
	// MOUHAMMED has the key of MUHAMMAD and of MAHMOUD (MHMT): no family.
	if got := Canonical("MOUHAMMED"); got != "MOUHAMMED" {
		t.Errorf("Canonical(MOUHAMMED) = %q, want no family for an ambiguous key", got)
	}
}

// TestFamilies checks the table: at least 40 families, spellings in the
// matching alphabet, and no spelling in two families.
func TestFamilies(t *testing.T) {
	if len(families) < 40 {
		t.Errorf("%d families, want at least 40", len(families))
	}
	owner := map[string]string{}
	for _, f := range families {
		members := strings.Fields(f)
		for _, m := range members {
			if !inAlphabet(m) || strings.Contains(m, " ") {
				t.Errorf("family %s: %q is not a normalised token", members[0], m)
			}
			if o, ok := owner[m]; ok {
				t.Errorf("%s is in families %s and %s", m, o, members[0])
			}
			owner[m] = members[0]
			if got := Canonical(m); got != members[0] {
				t.Errorf("Canonical(%q) = %q, want %q", m, got, members[0])
			}
		}
	}
}
