package signals

import (
	"math/rand/v2"
	"testing"

	"secunion"
)

// TestMatcher: enabled entries are found (PDQ within the distance,
// nearest first; a cryptographic hash in every bank holding it), a
// disabled one is not from the next lookup on, and enabling it again
// brings it back.
func TestMatcher(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	m := NewMatcher()
	base := randomPDQ(r)
	apply := func(e Entry) {
		t.Helper()
		if err := m.Apply(e.Key()); err != nil {
			t.Fatal(err)
		}
	}
	apply(Entry{ID: 1, Bank: "tco-removed", Algorithm: AlgPDQ, Value: near(r, base, 12).String(), Enabled: true})
	second := near(r, base, 3).String() // an entry's hash never changes: disabling it names the same
	apply(Entry{ID: 2, Bank: "incident-7", Algorithm: AlgPDQ, Value: second, Enabled: true})
	apply(Entry{ID: 3, Bank: "tco-removed", Algorithm: AlgPDQ, Value: near(r, base, 40).String(), Enabled: true})
	const abc = "900150983cd24fb0d6963f7d28e17f72"
	apply(Entry{ID: 4, Bank: "tco-removed", Algorithm: AlgMD5, Value: abc, Enabled: true})
	apply(Entry{ID: 5, Bank: "partner-list", Algorithm: AlgMD5, Value: abc, Enabled: true})

	hits, err := m.Lookup(AlgPDQ, base.String(), DefaultDistance)
	if err != nil || len(hits) != 2 || hits[0].ID != 2 || hits[0].Distance != 3 || hits[1].ID != 1 || hits[1].Distance != 12 {
		t.Fatalf("PDQ at 31: %v %+v", err, hits)
	}
	if hits, _ := m.Lookup(AlgPDQ, base.String(), MaxDistance); len(hits) != 3 {
		t.Errorf("PDQ at 47: %+v", hits)
	}
	if hits, _ := m.Lookup(AlgMD5, "900150983CD24FB0D6963F7D28E17F72", 0); len(hits) != 2 {
		t.Errorf("MD5 in two banks: %+v", hits)
	}

	apply(Entry{ID: 2, Bank: "incident-7", Algorithm: AlgPDQ, Value: second, Enabled: false})
	apply(Entry{ID: 4, Bank: "tco-removed", Algorithm: AlgMD5, Value: abc, Enabled: false})
	if hits, _ := m.Lookup(AlgPDQ, base.String(), DefaultDistance); len(hits) != 1 || hits[0].ID != 1 {
		t.Errorf("after disabling 2: %+v", hits)
	}
	if hits, _ := m.Lookup(AlgMD5, abc, 0); len(hits) != 1 || hits[0].ID != 5 {
		t.Errorf("after disabling 4: %+v", hits)
	}
	apply(Entry{ID: 4, Bank: "tco-removed", Algorithm: AlgMD5, Value: abc, Enabled: true})
	if hits, _ := m.Lookup(AlgMD5, abc, 0); len(hits) != 2 || m.Len() != 4 {
		t.Errorf("enabled again: %+v, %d held", hits, m.Len())
	}

	if _, err := m.Lookup(AlgSHA256, abc, 0); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("an MD5 looked up as SHA-256: %v", err)
	}
	if _, err := m.Lookup(AlgPDQ, base.String(), 48); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("distance 48: %v", err)
	}
	if err := m.Apply(Key{ID: 9, Algorithm: AlgPDQ, Value: "xyz", Enabled: true}); secunion.CodeOf(err) != secunion.Invalid || m.Len() != 4 {
		t.Errorf("a bad PDQ value: %v", err)
	}
	apply(Entry{ID: 4, Bank: "tco-removed", Algorithm: AlgMD5, Value: abc, Enabled: true})
	if hits, _ := m.Lookup(AlgMD5, abc, 0); len(hits) != 2 || m.Len() != 4 {
		t.Errorf("an enabled entry applied twice: %+v, %d held", hits, m.Len())
	}
}

// TestMatcherDihedral: an upload's eight dihedral hashes find a stored
// entry through whichever variant is nearest, and each entry is answered
// once, at that distance.
func TestMatcherDihedral(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	m := NewMatcher()
	stored := randomPDQ(r)
	if err := m.Apply(Key{ID: 1, Algorithm: AlgPDQ, Value: stored.String(), Enabled: true}); err != nil {
		t.Fatal(err)
	}
	variants := []PDQ{randomPDQ(r), near(r, stored, 20), near(r, stored, 6), randomPDQ(r)}
	hits, err := m.LookupPDQ(variants, DefaultDistance)
	if err != nil || len(hits) != 1 || hits[0].ID != 1 || hits[0].Distance != 6 {
		t.Fatalf("dihedral lookup: %v %+v", err, hits)
	}
	if hits, _ := m.LookupPDQ(variants[:2], 5); len(hits) != 0 {
		t.Errorf("no variant within 5: %+v", hits)
	}
}
