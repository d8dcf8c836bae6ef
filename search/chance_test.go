package search

import (
	"fmt"
	"math"
	"testing"

	"secunion/identity"
)

// TestCoincidences checks the expected number of chance agreements that
// weighs an identity-only match: the share of records holding each shared
// name token, times the records whose date of birth relates the same way,
// kept current as records are deleted.
func TestCoincidences(t *testing.T) {
	x := NewIndex()
	// 40 Anna Müllers, ten on each of four days; one Ignacy Zbyszewski;
	// 59 others sharing no name with them, all born on one day.
	for i := range 40 {
		x.Put(person("VIS", fmt.Sprint("M", i), "Müller", "Anna", fmt.Sprintf("1980-01-%02d", i%4+1), "F"))
	}
	x.Put(person("SIS", "R1", "Zbyszewski", "Ignacy", "1971-04-09", "M"))
	for i := range 59 {
		x.Put(person("EES", fmt.Sprint("O", i), surname(i), "Piotr", "1990-06-15", "M"))
	}
	anna := func(birth string) identity.Record { return person("ETIAS", "Q", "MUELLER", "Anna", birth, "F") }
	m0 := person("VIS", "M0", "Müller", "Anna", "1980-01-01", "F")
	alias := person("ETIAS", "Q", "Nowak", "Ewa", "1980-01-01", "F")
	alias.Person.Aliases = []identity.Alias{{Surname: "Muller", GivenNames: "Anna"}}
	for _, tc := range []struct {
		name string
		a, b identity.Record
		want float64
	}{
		{"common name, exact date", anna("1980-01-01"), m0, 0.4 * 0.4 * 10},
		{"rare name, exact date", person("ETIAS", "Q", "Zbyszewski", "Ignacy", "1971-04-09", "M"), person("SIS", "R1", "Zbyszewski", "Ignacy", "1971-04-09", "M"), 0.01 * 0.01 * 1},
		{"surname only shared", person("ETIAS", "Q", "Müller", "Hans", "1980-01-01", "M"), m0, 0.4 * 10},
		{"one digit apart", anna("1980-01-05"), m0, 0.4 * 0.4 * 40},
		{"year only", anna("1980"), m0, 0.4 * 0.4 * 40},
		{"no date", anna(""), m0, 0.4 * 0.4 * 100},
		{"one year apart", anna("1979-01-01"), m0, 0.4 * 0.4 * 10},
		{"an alias agrees", alias, m0, 0.4 * 0.4 * 10},
		{"no name shared", person("ETIAS", "Q", "Kowalski", "Jan", "1990-06-15", "M"), m0, 100},
	} {
		if got := x.Coincidences(tc.a, tc.b); math.Abs(got-tc.want) > 1e-9*tc.want {
			t.Errorf("%s: %g, want %g", tc.name, got, tc.want)
		}
	}
	for i := 0; i < 40; i += 4 {
		x.Delete("VIS", fmt.Sprint("M", i)) // those born on 1 January
	}
	m1 := person("VIS", "M1", "Müller", "Anna", "1980-01-02", "F")
	if got, want := x.Coincidences(anna("1980-01-02"), m1), 30.0/90*30/90*10; math.Abs(got-want) > 1e-9 {
		t.Errorf("after deletions: %g, want %g", got, want)
	}
	if got, want := x.Coincidences(anna("1980-01-05"), m1), 30.0/90*30/90*30; math.Abs(got-want) > 1e-9 {
		t.Errorf("one digit apart after deletions: %g, want %g", got, want)
	}
}
