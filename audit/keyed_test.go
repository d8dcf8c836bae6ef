package audit

import (
	"bytes"
	"slices"
	"testing"

	"secunion"
)

var testValueKey = bytes.Repeat([]byte("0123456789abcdef"), 2)

func mustKeyed(t *testing.T, key []byte) *Keyed {
	t.Helper()
	k, err := NewKeyed(key)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestNewKeyedShortKey(t *testing.T) {
	_, err := NewKeyed(testValueKey[:31])
	if secunion.CodeOf(err) != secunion.Invalid {
		t.Fatalf("NewKeyed(31 bytes) = %v, want an Invalid error", err)
	}
}

func TestMACNormalises(t *testing.T) {
	k := mustKeyed(t, testValueKey)
	tests := []struct {
		a, b string
		same bool
	}{
		{"Jean Dupont", "JEAN DUPONT", true},
		{"  jean \t dupont\n", "JEAN DUPONT", true},
		{"jean\u00a0dupont", "JEAN DUPONT", true}, // no-break space is white space
		{"Jean Dupont", "JeanDupont", false},
		{"Müller", "MÜLLER", true},
		{"Müller", "Mueller", false},
		{"X1234567", "X1234568", false},
	}
	for _, tt := range tests {
		if got := k.MAC(tt.a) == k.MAC(tt.b); got != tt.same {
			t.Errorf("MAC(%q) == MAC(%q) is %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
}

func TestMACGolden(t *testing.T) {
	// Pinned so that a change of normalisation, which would make old logs
	// unsearchable, is noticed.
	const want = "6cd3e5e9a8f495365bf94e01a93e6616691d738c3cb2f016da71e676eca47d5a"
	if got := mustKeyed(t, testValueKey).MAC(" jean  dupont "); got != want {
		t.Errorf("MAC = %s, want %s", got, want)
	}
}

func TestMACDependsOnKey(t *testing.T) {
	key := slices.Clone(testValueKey)
	k := mustKeyed(t, key)
	before := k.MAC("DUPONT")
	key[0] ^= 1 // NewKeyed must have copied the key
	if k.MAC("DUPONT") != before {
		t.Fatal("changing the caller's key slice changed the MAC")
	}
	if mustKeyed(t, key).MAC("DUPONT") == before {
		t.Fatal("two keys give the same MAC")
	}
	if !isMAC(before) {
		t.Fatalf("MAC %q is not 64 lowercase hex digits", before)
	}
}

func TestMACs(t *testing.T) {
	k := mustKeyed(t, testValueKey)
	a, b := k.MAC("alice"), k.MAC("bob")
	want := []string{a, b}
	slices.Sort(want)
	tests := []struct {
		name   string
		values []string
		want   []string
	}{
		{"none", nil, nil},
		{"only empty", []string{"", "  \t"}, nil},
		{"duplicates after normalising", []string{"bob", " Alice", "", "BOB", "alice "}, want},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := k.MACs(tt.values...); !slices.Equal(got, tt.want) {
				t.Errorf("MACs(%q) = %q, want %q", tt.values, got, tt.want)
			}
		})
	}
}
