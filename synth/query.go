package synth

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"secunion"
	"secunion/identity"
	"secunion/mrz"
)

// Query is a search for a known person, as an officer would type it: the
// person's identity data with one or two kinds of noise, and for some
// queries the passport number, or the passport's machine-readable zone.
type Query struct {
	Surname        string   `json:"surname"`
	GivenNames     string   `json:"given_names,omitempty"`
	BirthDate      string   `json:"birth_date,omitempty"`
	Sex            string   `json:"sex,omitempty"`
	Nationality    string   `json:"nationality,omitempty"`
	DocumentNumber string   `json:"document_number,omitempty"`
	IssuingCountry string   `json:"issuing_country,omitempty"`
	MRZ            []string `json:"mrz,omitempty"` // TD3 lines of the passport, exactly as printed
	Person         string   `json:"person"`        // the ground truth: the person sought
	Noise          []string `json:"noise"`         // the kinds of noise in the identity data (Noise* constants)
}

// Queries makes n queries about persons of Generate(o, …) and calls emit
// with each, stopping at the first error emit returns. Query q is about a
// person drawn at random among those with identity data on at least one
// record; the same Options and n give the same queries.
func Queries(o Options, n int, emit func(Query) error) error {
	if err := o.Validate(); err != nil {
		return err
	}
	if n < 0 {
		return secunion.Errorf(secunion.Invalid, "synth: %d queries: give 0 or more", n)
	}
	g := newGen(o, loadPopulation(), newCalendar(o.Now))
	src := rand.NewPCG(0, 0)
	r := rand.New(src)
	for q := range n {
		src.Seed(mix64(o.Seed^0x7175657279), mix64(uint64(q)^0x51ed27))
		for {
			g.base(r.IntN(o.Persons))
			g.records()
			if g.hasIdentity() {
				break
			}
		}
		qu, err := g.query(r)
		if err != nil {
			return err
		}
		if err := emit(qu); err != nil {
			return err
		}
	}
	return nil
}

// hasIdentity reports whether a record of the current person holds its
// identity data.
func (g *gen) hasIdentity() bool {
	for _, pr := range g.recs {
		if pr.rec.Person != nil {
			return true
		}
	}
	return false
}

// queryNoise lists the noise a query may carry, with weights.
var queryNoise = []weighted{
	{NoiseTypoSurname, 150}, {NoiseTypoGiven, 100}, {NoiseTranslit, 150}, {NoiseSwapOrder, 80},
	{NoiseMissingGiven, 50}, {NoiseMissingMiddle, 60}, {NoiseMissingSurname, 60}, {NoiseDayMonthSwap, 80},
	{NoiseYearOff, 80}, {NoiseUnknownDay, 70}, {NoiseAlias, 40},
}

// conflicts reports whether noise kind cannot join the kinds already
// chosen for a query: each kind once, one error in the date, an alias
// only with a date error, no change to given names that are missing, and
// no typo in given names cut down to one (which may be too short for one).
func conflicts(kind string, chosen []string) bool {
	date := func(k string) bool { return strings.HasPrefix(k, "date:") }
	givenChange := func(k string) bool {
		return k == NoiseTypoGiven || k == NoiseSwapOrder || k == NoiseMissingMiddle
	}
	either := func(c, a, b string) bool { return c == a && kind == b || c == b && kind == a }
	for _, c := range chosen {
		switch {
		case c == kind,
			date(c) && date(kind),
			(c == NoiseAlias || kind == NoiseAlias) && !date(c) && !date(kind),
			c == NoiseMissingGiven && givenChange(kind),
			kind == NoiseMissingGiven && givenChange(c),
			either(c, NoiseTypoGiven, NoiseMissingMiddle):
			return true
		}
	}
	return false
}

// query makes a query about the current person.
func (g *gen) query(r *rand.Rand) (Query, error) {
	p := &g.p
	y, m, d := int(g.cal.year[p.birth]), int(g.cal.month[p.birth]), int(g.cal.day[p.birth])
	letters := func(from, to int) int {
		n := 0
		for t := from; t < to; t++ {
			n += len(p.token(t).spell[0].upper)
		}
		return n
	}
	applies := func(kind string) bool {
		switch kind {
		case NoiseTypoSurname:
			return letters(p.ng, p.ng+p.ns) >= 3
		case NoiseTypoGiven:
			return letters(0, p.ng) >= 3
		case NoiseTranslit:
			for t := range p.ng + p.ns {
				if len(p.token(t).spell) > 1 {
					return true
				}
			}
			return false
		case NoiseMissingMiddle:
			return p.ng > 1
		case NoiseMissingSurname:
			return p.ns > 1
		case NoiseDayMonthSwap:
			return d <= 12 && d != m && g.cal.index(y, d, m) <= g.cal.today
		case NoiseYearOff:
			return m != 2 || d != 29
		case NoiseAlias:
			return p.alias
		}
		return true
	}
	pl := plan{mode: writeMixed, alt: -1}
	if chance(r, 250) {
		pl.mode = writeASCII
	}
	var chosen [2]string
	alias := false
	for k := 0; k < 1+min(1, r.IntN(10)/7); {
		kind := pick(r, queryNoise)
		if !applies(kind) || conflicts(kind, chosen[:k]) {
			continue
		}
		chosen[k] = kind
		k++
		switch kind {
		case NoiseTypoSurname:
			pl.typoSurname = true
		case NoiseTypoGiven:
			pl.typoGiven = true
		case NoiseTranslit:
			pl.alt, pl.altK = pickAlt(p, r)
		case NoiseSwapOrder:
			pl.swap = true
		case NoiseMissingGiven:
			pl.noGiven = true
		case NoiseMissingMiddle:
			pl.dropMiddle = true
		case NoiseMissingSurname:
			pl.dropSurname = true
		case NoiseDayMonthSwap:
			pl.date = dateSwap
		case NoiseYearOff:
			pl.date = dateYear
		case NoiseUnknownDay:
			pl.date = dateDay
		case NoiseAlias:
			alias = true
		}
	}
	var l labels
	q := Query{Person: p.id}
	if alias {
		q.Surname, q.GivenNames = p.aliasS.spell[0].text, p.aliasG.spell[0].text
		l.add(NoiseAlias)
	} else {
		q.Surname, q.GivenNames = render(p, &pl, &l, r)
	}
	q.BirthDate = g.birthText(p, pl.date, &l)
	if chance(r, 900) {
		q.Sex = sexText(p.sex)
	}
	if chance(r, 850) {
		q.Nationality = p.c.code
	}
	if chance(r, 250) {
		if doc, ok := g.pickDocument(r); ok {
			q.DocumentNumber, q.IssuingCountry = doc.Number, doc.IssuingCountry
			if p.renewed && doc.Number == p.docs[1].Number {
				l.add(NoiseNewPassport)
			}
			if chance(r, 400) {
				lines, err := g.mrzOf(p, doc)
				if err != nil {
					return Query{}, err
				}
				q.MRZ = lines
			}
		}
	}
	q.Noise = append([]string(nil), l.a[:l.n]...)
	return q, nil
}

// pickDocument draws a passport of the current person that one of its
// records holds, fraudulent records aside.
func (g *gen) pickDocument(r *rand.Rand) (identity.Document, bool) {
	var docs [numSystems + 1]identity.Document
	n := 0
	for _, pr := range g.recs {
		fraud := false
		for _, k := range pr.truth.Noise {
			fraud = fraud || strings.HasPrefix(k, "fraud:")
		}
		if len(pr.rec.Documents) > 0 && !fraud {
			docs[n] = pr.rec.Documents[0]
			n++
		}
	}
	if n == 0 {
		return identity.Document{}, false
	}
	return docs[r.IntN(n)], true
}

// mrzOf writes the TD3 machine-readable zone of passport d of p, with the
// names in their primary spellings as a passport prints them.
func (g *gen) mrzOf(p *person, d identity.Document) ([]string, error) {
	upper := func(from, to int) string {
		var parts []string
		for t := from; t < to; t++ {
			parts = append(parts, p.token(t).spell[0].upper)
		}
		return strings.Join(parts, " ")
	}
	ey, _ := strconv.Atoi(d.Expiry[0:4])
	em, _ := strconv.Atoi(d.Expiry[5:7])
	ed, _ := strconv.Atoi(d.Expiry[8:10])
	lines, err := mrz.Parser{Now: func() time.Time { return g.o.Now }}.Build(mrz.Document{
		Format:         mrz.TD3,
		DocumentCode:   "P",
		IssuingState:   d.IssuingCountry,
		Surname:        upper(p.ng, p.ng+p.ns),
		GivenNames:     upper(0, p.ng),
		DocumentNumber: d.Number,
		Nationality:    p.c.issuer,
		BirthDate:      mrz.Date{Year: int(g.cal.year[p.birth]), Month: int(g.cal.month[p.birth]), Day: int(g.cal.day[p.birth])},
		Sex:            sexText(p.sex),
		ExpiryDate:     mrz.Date{Year: ey, Month: em, Day: ed},
	})
	if err != nil {
		return nil, secunion.Wrap(secunion.Internal, err, "synth: cannot write the MRZ of "+p.id+"'s passport")
	}
	return lines, nil
}
