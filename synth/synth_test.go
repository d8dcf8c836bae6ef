package synth

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/identity"
	"secunion/mrz"
	"secunion/names"
)

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// made is a generated record with its truth.
type made struct {
	rec   identity.Record
	truth Truth
}

func generate(t *testing.T, o Options) []made {
	t.Helper()
	var all []made
	if err := Generate(o, func(r identity.Record, tr Truth) error {
		all = append(all, made{r, tr})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return all
}

func queries(t *testing.T, o Options, n int) []Query {
	t.Helper()
	var all []Query
	if err := Queries(o, n, func(q Query) error {
		all = append(all, q)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return all
}

// byPerson groups records by their person, in the order of persons.
func byPerson(all []made) [][]made {
	var groups [][]made
	for _, m := range all {
		if n := len(groups); n > 0 && groups[n-1][0].truth.Person == m.truth.Person {
			groups[n-1] = append(groups[n-1], m)
			continue
		}
		groups = append(groups, []made{m})
	}
	return groups
}

func has(m made, kind string) bool { return slices.Contains(m.truth.Noise, kind) }

func fraud(m made) bool { return has(m, NoiseSharedDocument) || has(m, NoiseSecondIdentity) }

func TestSynthDeterministic(t *testing.T) {
	digest := func(o Options) [32]byte {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		for _, m := range generate(t, o) {
			enc.Encode(m.rec)
			enc.Encode(m.truth)
		}
		for _, q := range queries(t, o, 300) {
			enc.Encode(q)
		}
		return sha256.Sum256(b.Bytes())
	}
	o := Options{Persons: 3000, Seed: 42, Now: testNow}
	if digest(o) != digest(o) {
		t.Error("the same options gave different output")
	}
	o2 := o
	o2.Seed++
	if digest(o) == digest(o2) {
		t.Error("another seed gave the same output")
	}
	// Person i does not depend on how many persons are generated.
	small := generate(t, Options{Persons: 100, Seed: 42, Now: testNow})
	large := generate(t, o)
	a, _ := json.Marshal(byPerson(small)[99][0].rec)
	b, _ := json.Marshal(byPerson(large)[99][0].rec)
	if !bytes.Equal(a, b) {
		t.Errorf("person 99 differs with more persons:\n%s\n%s", a, b)
	}
}

// TestSynthRecords checks every record of 10,000 persons against the rules of
// its system and against the truth of its person.
func TestSynthRecords(t *testing.T) {
	all := generate(t, Options{Persons: 10000, Seed: 1, Now: testNow})
	ids := map[string]bool{}
	known := NoiseKinds()
	for _, m := range all {
		if err := m.rec.Validate(testNow); err != nil {
			t.Fatalf("%s %s: %v", m.rec.System, m.rec.ID, err)
		}
		key := m.rec.System + "/" + m.rec.ID
		if ids[key] {
			t.Fatalf("record ID %s repeated", key)
		}
		ids[key] = true
		for _, b := range m.rec.Biometrics {
			if ids[b] {
				t.Fatalf("template reference %s repeated: each record has captures of its own", b)
			}
			ids[b] = true
		}
		for _, k := range m.truth.Noise {
			if !slices.Contains(known, k) {
				t.Fatalf("%s: unknown noise %q", m.rec.ID, k)
			}
		}
	}
	groups := byPerson(all)
	if len(groups) != 10000 || groups[0][0].truth.Person != "P0000000" || groups[9999][0].truth.Person != "P0009999" {
		t.Fatalf("%d persons, from %s to %s", len(groups), groups[0][0].truth.Person, groups[len(groups)-1][0].truth.Person)
	}
	for _, g := range groups {
		checkPerson(t, g)
	}
}

// checkPerson checks that the records of one person share its truth:
// sex and nationality always; names and date of birth unless
// the noise says otherwise.
func checkPerson(t *testing.T, g []made) {
	t.Helper()
	id := g[0].truth.Person
	systems := map[string]bool{}
	var clean *identity.Person
	for _, m := range g {
		systems[m.rec.System] = true
		if p := m.rec.Person; p != nil && len(m.truth.Noise) == 0 && clean == nil {
			clean = p
		}
	}
	if len(systems) < 1 || len(systems) > 4 {
		t.Errorf("%s is in %d systems", id, len(systems))
	}
	var sex, nationality string
	for _, m := range g {
		if p := m.rec.Person; p != nil {
			if sex == "" {
				sex, nationality = p.Sex, p.Nationalities[0]
			}
			if p.Sex != sex || p.Nationalities[0] != nationality {
				t.Errorf("%s: %s says %s %v, another record %s %s", id, m.rec.ID, p.Sex, p.Nationalities, sex, nationality)
			}
			if eu := slices.Contains([]string{"DEU", "FRA", "POL", "ITA", "ESP", "GRC", "ROU"}, nationality); eu && identity.InCIR(m.rec.System) {
				t.Errorf("%s: an EU national in %s", id, m.rec.System)
			}
		}
		if clean == nil || m.rec.Person == nil || fraud(m) {
			continue
		}
		p := m.rec.Person
		// Names carry realistic noise (Maxamed for Mohamed, a name in
		// Arabic script, a typo in a three-letter name), which no
		// similarity threshold admits every time; but one kind of noise
		// leaves at least one token recognisable.
		nameNoise := 0
		for _, k := range m.truth.Noise {
			if strings.HasPrefix(k, "typo:") || strings.HasPrefix(k, "missing-") || k == NoiseTranslit || k == NoiseSwapOrder {
				nameNoise++
			}
		}
		if nameNoise == 0 && (names.Normalize(p.Surname) != names.Normalize(clean.Surname) || names.Normalize(p.GivenNames) != names.Normalize(clean.GivenNames)) {
			t.Errorf("%s: %s names %q %q without noise, another record %q %q", id, m.rec.ID, p.Surname, p.GivenNames, clean.Surname, clean.GivenNames)
		}
		if nameNoise == 1 {
			s := names.Similarity(names.Name{Surname: clean.Surname, Given: clean.GivenNames}, names.Name{Surname: p.Surname, Given: p.GivenNames})
			if !slices.ContainsFunc(s.Tokens, func(tm names.TokenMatch) bool { return tm.Kind < names.MatchMissing }) {
				t.Errorf("%s: %s %v: %q %q has nothing of %q %q: %s", id, m.rec.ID, m.truth.Noise, p.Surname, p.GivenNames, clean.Surname, clean.GivenNames, s)
			}
		}
		want := names.DateExact
		switch {
		case has(m, NoiseDayMonthSwap):
			want = names.DateDayMonthSwapped
		case has(m, NoiseYearOff):
			want = names.DateOffByOneYear
		case has(m, NoiseUnknownDay), has(m, NoiseYearOnly):
			want = names.DateCompatible
		}
		a, _ := names.ParseDate(clean.BirthDate, testNow)
		b, _ := names.ParseDate(p.BirthDate, testNow)
		if got := names.CompareDates(a, b); got != want {
			t.Errorf("%s: %s born %s with noise %v, another record %s: %s, want %s", id, m.rec.ID, p.BirthDate, m.truth.Noise, clean.BirthDate, got, want)
		}
	}
}

// TestSynthNoiseKinds checks that every kind of noise occurs among the records
// of 10,000 persons, and every kind a query can carry among 3,000 queries.
func TestSynthNoiseKinds(t *testing.T) {
	o := Options{Persons: 10000, Seed: 3, Now: testNow}
	seen := map[string]int{}
	for _, m := range generate(t, o) {
		for _, k := range m.truth.Noise {
			seen[k]++
		}
	}
	for _, k := range NoiseKinds() {
		if seen[k] == 0 {
			t.Errorf("no record with noise %s (seen: %v)", k, seen)
		}
	}
	seen = map[string]int{}
	for _, q := range queries(t, o, 3000) {
		for _, k := range q.Noise {
			seen[k]++
		}
	}
	for _, k := range append([]string{NoiseNewPassport}, weightedValues(queryNoise)...) {
		if seen[k] == 0 {
			t.Errorf("no query with noise %s (seen: %v)", k, seen)
		}
	}
}

func weightedValues(items []weighted) []string {
	var v []string
	for _, it := range items {
		v = append(v, it.v)
	}
	return v
}

// TestSynthFraud checks the identity fraud cases: every passport that persons
// share is explained by a shared-document record, and a second identity
// carries the person's biometrics under another name.
func TestSynthFraud(t *testing.T) {
	all := generate(t, Options{Persons: 10000, Seed: 5, Now: testNow})
	holders := map[string]map[string]bool{} // document → persons
	labelled := map[string]bool{}           // documents of shared-document records
	for _, m := range all {
		for _, d := range m.rec.Documents {
			key := d.IssuingCountry + "/" + d.Number
			if holders[key] == nil {
				holders[key] = map[string]bool{}
			}
			holders[key][m.truth.Person] = true
			if has(m, NoiseSharedDocument) {
				labelled[key] = true
			}
		}
	}
	shared := 0
	for key, persons := range holders {
		if len(persons) > 1 {
			shared++
			if !labelled[key] {
				t.Errorf("passport %s is held by %d persons without a fraud record", key, len(persons))
			}
		}
	}
	if shared == 0 {
		t.Error("no passport is used by two persons")
	}

	seconds := 0
	for _, g := range byPerson(all) {
		for _, m := range g {
			if !has(m, NoiseSecondIdentity) {
				continue
			}
			seconds++
			if len(m.rec.Biometrics) == 0 {
				t.Errorf("%s: second identity %s without biometrics", m.truth.Person, m.rec.ID)
			}
			for _, o := range g {
				if o.rec.Person == nil || fraud(o) || len(o.truth.Noise) > 0 {
					continue
				}
				if names.Normalize(o.rec.Person.Surname) == names.Normalize(m.rec.Person.Surname) {
					t.Errorf("%s: second identity %s keeps the surname %s", m.truth.Person, m.rec.ID, m.rec.Person.Surname)
				}
			}
		}
	}
	if seconds < 10 {
		t.Errorf("%d second identities among 10,000 persons", seconds)
	}
}

// TestSynthQueries checks that queries are about persons of the data, carry
// noise, and give passport numbers and MRZs that the person's records
// hold.
func TestSynthQueries(t *testing.T) {
	o := Options{Persons: 5000, Seed: 9, Now: testNow}
	docs := map[string]map[string]bool{} // person → documents
	for _, m := range generate(t, o) {
		if docs[m.truth.Person] == nil {
			docs[m.truth.Person] = map[string]bool{}
		}
		for _, d := range m.rec.Documents {
			docs[m.truth.Person][d.IssuingCountry+"/"+d.Number] = true
		}
	}
	parser := mrz.Parser{Now: func() time.Time { return testNow }}
	mrzs := 0
	for _, q := range queries(t, o, 2000) {
		personDocs, ok := docs[q.Person]
		switch {
		case !ok:
			t.Fatalf("query about %s, who is not in the data", q.Person)
		case q.Surname == "" || len(q.Noise) == 0:
			t.Errorf("query %+v: no surname or no noise", q)
		case q.DocumentNumber != "" && !personDocs[q.IssuingCountry+"/"+q.DocumentNumber]:
			t.Errorf("query about %s with passport %s %s, which no record of theirs holds", q.Person, q.IssuingCountry, q.DocumentNumber)
		}
		if len(q.MRZ) == 0 {
			continue
		}
		mrzs++
		d, err := parser.Parse(strings.Join(q.MRZ, "\n"))
		if err != nil {
			t.Errorf("query about %s: MRZ %q: %v", q.Person, q.MRZ, err)
		} else if d.DocumentNumber != q.DocumentNumber || d.IssuingState != q.IssuingCountry {
			t.Errorf("query about %s: MRZ of %s %s, query %s %s", q.Person, d.IssuingState, d.DocumentNumber, q.IssuingCountry, q.DocumentNumber)
		}
	}
	if mrzs < 100 {
		t.Errorf("only %d of 2000 queries have an MRZ", mrzs)
	}
}

// TestSynthMix checks the spread over the systems and that namesakes occur.
func TestSynthMix(t *testing.T) {
	all := generate(t, Options{Persons: 10000, Seed: 11, Now: testNow})
	per := map[string]int{}
	namesakes := map[string]map[string]bool{}
	for _, m := range all {
		per[m.rec.System]++
		if p := m.rec.Person; p != nil && len(m.truth.Noise) == 0 {
			key := names.Normalize(p.Surname) + "," + names.Normalize(p.GivenNames)
			if namesakes[key] == nil {
				namesakes[key] = map[string]bool{}
			}
			namesakes[key][m.truth.Person] = true
		}
	}
	share := func(s string) float64 { return float64(per[s]) / float64(len(all)) }
	if travel := share(access.EES) + share(access.VIS) + share(access.ETIAS); travel < 0.6 {
		t.Errorf("EES, VIS and ETIAS hold %.0f%% of the records, want most: %v", 100*travel, per)
	}
	for _, s := range []string{access.SIS, access.ECRISTCN, access.Europol} {
		if share(s) > 0.1 || per[s] == 0 {
			t.Errorf("%s holds %.1f%% of the records, want a few: %v", s, 100*share(s), per)
		}
	}
	if per[access.Eurodac] == 0 || per[access.SLTD] == 0 {
		t.Errorf("Eurodac or SLTD empty: %v", per)
	}
	most := 0
	for _, persons := range namesakes {
		most = max(most, len(persons))
	}
	if most < 3 {
		t.Errorf("at most %d persons share a name among 10,000", most)
	}
}

func TestSynthOptions(t *testing.T) {
	emit := func(identity.Record, Truth) error { return nil }
	for _, o := range []Options{
		{Persons: 0, Now: testNow},
		{Persons: MaxPersons + 1, Now: testNow},
		{Persons: 10},
		{Persons: 10, Now: time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		if err := Generate(o, emit); secunion.CodeOf(err) != secunion.Invalid {
			t.Errorf("Generate(%+v): %v, want an Invalid error", o, err)
		}
	}
	if err := Queries(Options{Persons: 10, Now: testNow}, -1, func(Query) error { return nil }); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("Queries(-1): %v", err)
	}
	// An error from emit stops generation and comes back.
	stop := secunion.Errorf(secunion.Unavailable, "full")
	n := 0
	err := Generate(Options{Persons: 1000, Now: testNow}, func(identity.Record, Truth) error {
		n++
		return stop
	})
	if err != stop || n != 1 {
		t.Errorf("emit failing: %v after %d records", err, n)
	}
}

// TestSynthTables checks the embedded lists: codes, passport patterns and every
// name's spellings.
func TestSynthTables(t *testing.T) {
	for i, want := range []string{access.SIS, access.VIS, access.EES, access.ETIAS, access.Eurodac, access.ECRISTCN, access.Europol, access.SLTD} {
		if identity.Systems[i] != want {
			t.Fatalf("identity.Systems[%d] is %s; the sys constants expect %s", i, identity.Systems[i], want)
		}
	}
	pop := loadPopulation()
	for _, c := range pop.countries {
		if !mrz.ValidCountry(c.code) || !mrz.ValidCountry(c.issuer) {
			t.Errorf("%s/%s: not ICAO codes", c.code, c.issuer)
		}
		if capacity(c.passport) < 1<<passportBits || len(c.passport) > 9 {
			t.Errorf("%s: passport pattern %s holds %d numbers in %d characters", c.code, c.passport, capacity(c.passport), len(c.passport))
		}
		if n := passportNumber(c.passport, 1, MaxPersons-1, 2); len(n) != len(c.passport) || strings.Trim(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" {
			t.Errorf("%s: passport number %q", c.code, n)
		}
		lists := []*nameList{c.tables.male, c.tables.female, c.tables.surnames}
		if c.style == styleVietnamese {
			lists = append(lists, c.tables.middleM, c.tables.middleF)
		}
		for _, l := range lists {
			if len(l.slots) < 8 {
				t.Errorf("%s: a list of %d names", c.code, len(l.slots))
			}
			for _, s := range l.slots {
				checkEntry(t, c.code, s.m)
				checkEntry(t, c.code, s.f)
			}
		}
	}
}

func checkEntry(t *testing.T, code string, e *entry) {
	t.Helper()
	if len(e.spell) == 0 {
		t.Fatalf("%s: a name without spellings: %+v", code, e)
	}
	for _, s := range e.spell {
		if names.Check(s.text) != nil || s.upper == "" || names.Normalize(s.text) != s.upper || names.Normalize(s.ascii) != s.upper {
			t.Errorf("%s: spelling %+v", code, s)
		}
	}
	if e.native != "" && (names.Check(e.native) != nil || names.Normalize(e.native) == "") {
		t.Errorf("%s: native name %q", code, e.native)
	}
}

func TestSynthPermute(t *testing.T) {
	seen := map[uint64]bool{}
	for x := range uint64(1 << 12) {
		y := permute(x, 0xabcdef, 12)
		if y >= 1<<12 || seen[y] {
			t.Fatalf("permute is not a bijection on 12 bits: %d → %d", x, y)
		}
		seen[y] = true
	}
}

// capacity returns how many numbers a passport pattern can write.
func capacity(pattern string) uint64 {
	n := uint64(1)
	for i := 0; i < len(pattern); i++ {
		n *= radix(pattern[i])
	}
	return n
}
