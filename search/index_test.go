package search

import (
	"fmt"
	"strings"
	"testing"
)

// TestIndexFindsMistypedNames checks the candidates that come from the date
// of birth: a name mistyped in every token shares no blocking key with the
// record, yet is found when the date agrees, and only then.
func TestIndexFindsMistypedNames(t *testing.T) {
	x := NewIndex()
	x.Put(person("VIS", "V1", "Kılıç", "Osman", "1968-05-22", "M"))
	for _, tc := range []struct{ birth, want string }{
		{"1968-05-22", "V1"},
		{"1969-05-22", "V1"},
		{"1970-05-22", ""},
	} {
		p := mustParse(t, Query{Surname: "Kııç", GivenNames: "Oman", BirthDate: tc.birth})
		if got := ids(x.Search("VIS", p)); got != tc.want {
			t.Errorf("born %s: got %q, want %q", tc.birth, got, tc.want)
		}
	}
}

// TestIndexPartialNames checks records and queries that hold part of a
// name: a record without given names is found, below a full match, and
// says so; a surname typed where the record has it among the given names
// is found too.
func TestIndexPartialNames(t *testing.T) {
	x := NewIndex()
	x.Put(person("SIS", "S1", "Zając", "", "1995-09-01", "M"))
	x.Put(person("SIS", "S2", "Zając", "Mariusz", "1995-09-01", "M"))
	x.Put(person("SIS", "S3", "Francesco", "Costa", "2006-11-06", "M"))
	got := x.Search("SIS", mustParse(t, Query{Surname: "Zajac", GivenNames: "Mariusz", BirthDate: "1995-09-01"}))
	if ids(got) != "S2,S1" || got[1].Score >= got[0].Score {
		t.Fatalf("full and given-less records: %q %+v", ids(got), got)
	}
	if why := strings.Join(got[1].Why, "; "); !strings.Contains(why, "no given names on the record") {
		t.Errorf("given-less record explained as %q", why)
	}
	got = x.Search("SIS", mustParse(t, Query{Surname: "Costa", BirthDate: "2006-11-06"}))
	if ids(got) != "S3" || !strings.Contains(strings.Join(got[0].Why, "; "), "found among the given names") {
		t.Errorf("surname among the record's given names: %q %+v", ids(got), got)
	}
}

// TestIndexCompacts replaces and deletes records until the dead entries
// outnumber the live ones past minCompact: the index compacts, and still
// answers with the current records only.
func TestIndexCompacts(t *testing.T) {
	x := NewIndex()
	const n = 100
	for round := 0; (round-1)*n < minCompact; round++ {
		for i := range n {
			x.Put(person("SIS", fmt.Sprint("S", i), surname(i), fmt.Sprint("Round", round), "1980-01-02", "F", fmt.Sprintf("DOC%d-%d", round, i)))
		}
	}
	x.Delete("SIS", "S7")
	if x.Len() != n-1 {
		t.Fatalf("Len = %d, want %d", x.Len(), n-1)
	}
	if len(x.entries) > 2*n {
		t.Errorf("%d entries held for %d records: no compaction", len(x.entries), n)
	}
	last := (minCompact + n - 1) / n
	got := x.Search("SIS", mustParse(t, Query{Surname: surname(8), BirthDate: "1980-01-02"}))
	if ids(got) != "S8" {
		t.Errorf("search after compaction: %q", ids(got))
	}
	if got := x.Search("SIS", mustParse(t, Query{DocumentNumber: fmt.Sprintf("DOC%d-8", last)})); ids(got) != "S8" {
		t.Errorf("current document: %q", ids(got))
	}
	if got := x.Search("SIS", mustParse(t, Query{DocumentNumber: "DOC0-8"})); len(got) != 0 {
		t.Errorf("a replaced document still found: %q", ids(got))
	}
	if got := x.Search("SIS", mustParse(t, Query{Surname: surname(7), BirthDate: "1980-01-02"})); len(got) != 0 {
		t.Errorf("a deleted record still found: %q", ids(got))
	}
}

// surname returns a surname of two words for i < 100, one word per digit
// from two lists, so that two surnames differ in a whole word at least.
func surname(i int) string {
	first := []string{"Abramowicz", "Bergstrom", "Castellano", "Dimitriou", "Eriksson", "Fitzgerald", "Gonzaga", "Horvath", "Ivanescu", "Jankowski"}
	second := []string{"Kowalczyk", "Lindqvist", "Moreau", "Nakamura", "Oyelaran", "Papadakis", "Quintero", "Rasmussen", "Szabo", "Tremblay"}
	return first[i/10%10] + " " + second[i%10]
}
