package synth

import (
	"math/rand/v2"

	"secunion/identity"
)

// pending is a record made for the current person, with its truth.
type pending struct {
	rec   identity.Record
	truth Truth
}

// recordMem holds the parts of one record in one allocation. Records do
// not share it, so a caller may keep and change a record.
type recordMem struct {
	person identity.Person
	nat    [1]string
	docs   [1]identity.Document
	bio    [2]string
	alias  [1]identity.Alias
	states [2]string
	noise  labels
}

// prefixes are the record ID prefixes, by system.
var prefixes = [numSystems]string{"SIS", "VIS", "EES", "ETIAS", "EURODAC", "ECRIS", "EUROPOL", "SLTD"}

// Chances per mille, by system, that a record holds a travel document and
// a place of birth.
var (
	documentOdds = [numSystems]int{500, 1000, 1000, 1000, 300, 500, 400, 1000}
	placeOdds    = [numSystems]int{600, 1000, 0, 1000, 700, 800, 500, 300}
)

// weighted is a value and its weight.
type weighted struct {
	v string
	w int
}

func pick(r *rand.Rand, items []weighted) string {
	total := 0
	for _, it := range items {
		total += it.w
	}
	u := r.IntN(total)
	for _, it := range items {
		if u < it.w {
			return it.v
		}
		u -= it.w
	}
	panic("unreachable")
}

var (
	sisCategoriesTCN = []weighted{{"refusal-of-entry", 400}, {"return", 200}, {"discreet-check", 120}, {"specific-check", 50},
		{"inquiry-check", 30}, {"arrest", 120}, {"missing", 80}}
	sisCategoriesEU = []weighted{{"arrest", 350}, {"missing", 200}, {"discreet-check", 250}, {"specific-check", 120}, {"inquiry-check", 80}}
	visStatuses     = []weighted{{"issued", 780}, {"refused", 120}, {"lodged", 40}, {"extended", 20}, {"annulled", 20}, {"revoked", 20}}
	etiasStatuses   = []weighted{{"granted", 920}, {"refused", 20}, {"manual-processing", 25}, {"submitted", 25}, {"revoked", 5}, {"annulled", 5}}
	eurodacCats     = []weighted{{"applicant", 700}, {"irregular-crossing", 200}, {"illegal-stay", 80}, {"resettlement", 20}}
	europolRoles    = []weighted{{"suspect", 550}, {"contact", 200}, {"convicted", 150}, {"witness", 50}, {"victim", 50}}
	europolCrimes   = []weighted{{"drug trafficking", 250}, {"migrant smuggling", 150}, {"organised property crime", 120},
		{"trafficking in human beings", 100}, {"fraud", 100}, {"money laundering", 80}, {"terrorism", 60}, {"cybercrime", 60},
		{"firearms trafficking", 40}, {"murder", 40}}
	sltdStatuses = []weighted{{"stolen", 450}, {"lost", 450}, {"revoked", 50}, {"invalid", 50}}
)

// sisActions are the actions to be taken on a hit, by SIS category.
var sisActions = map[string]string{
	"arrest":           "arrest for surrender or extradition",
	"missing":          "establish whereabouts and place under protection",
	"discreet-check":   "report discreetly",
	"specific-check":   "search and report",
	"inquiry-check":    "interview and report",
	"refusal-of-entry": "refuse entry and stay",
	"return":           "verify departure",
}

// records makes the records of the current person.
func (g *gen) records() {
	p := &g.p
	r := g.r
	g.recs = g.recs[:0]
	aliasGiven := false
	sharedDue := p.victim >= 0
	for s := range numSystems {
		if p.systems&(1<<s) == 0 {
			continue
		}
		m := new(recordMem)
		rec := identity.Record{System: identity.Systems[s], ID: g.nextID(s)}
		if s != sysSLTD || chance(r, 700) {
			rec.Person = g.holder(p, s, m, r)
			if p.alias && typed(s) && (!aliasGiven || chance(r, 800)) {
				m.alias[0] = identity.Alias{Surname: p.aliasS.spell[0].text, GivenNames: p.aliasG.spell[0].text}
				m.person.Aliases = m.alias[:1:1]
				m.noise.add(NoiseAlias)
				aliasGiven = true
			}
		}
		shared := sharedDue && (s == sysVIS || s == sysEES || s == sysETIAS || s == sysSIS)
		if shared || chance(r, documentOdds[s]) {
			doc := p.docs[0]
			switch {
			case shared:
				doc = g.victimDoc(p.victim)
				m.noise.add(NoiseSharedDocument)
				sharedDue = false
			case p.renewed && s != sysSLTD && chance(r, 600):
				doc = p.docs[1]
				m.noise.add(NoiseNewPassport)
			}
			m.docs[0] = doc
			rec.Documents = m.docs[:1:1]
		}
		rec.Biometrics = g.biometrics(rec.ID, s, m, false, r)
		g.details(&rec, s, m, r)
		g.recs = append(g.recs, pending{rec: rec, truth: Truth{Person: p.id, Noise: m.noise.a[:m.noise.n:m.noise.n]}})
	}
	if p.second {
		g.secondIdentity(p, r)
	}
}

// holder writes the identity data of a record of system s.
func (g *gen) holder(p *person, s int, m *recordMem, r *rand.Rand) *identity.Person {
	rt, mode, native := &mrzRates, writeMixed, 0
	switch {
	case s == sysEES || s == sysSLTD:
		mode = writeUpper
	case s == sysEurodac:
		rt, native = &eurodacRates, 150
	case typed(s):
		rt, native = &typedRates, 100
	}
	if mode == writeMixed && chance(r, 250) {
		mode = writeASCII
	}
	pl := drawPlan(p, rt, mode, native*p.c.native/100, r)
	m.person.Surname, m.person.GivenNames = render(p, &pl, &m.noise, r)
	m.person.BirthDate = g.birthText(p, pl.date, &m.noise)
	m.person.Sex = sexText(p.sex)
	m.nat[0] = p.c.code
	m.person.Nationalities = m.nat[:1:1]
	if chance(r, placeOdds[s]) {
		m.person.PlaceOfBirth = p.place
	}
	return &m.person
}

// sexText writes a sex as Record does.
func sexText(sex byte) string {
	switch sex {
	case 'M':
		return "M"
	case 'F':
		return "F"
	}
	return "X"
}

// biometrics returns the template references record id of system s holds,
// one per capture: every record has templates of its own, taken when its
// data were collected; force gives it at least one.
func (g *gen) biometrics(id string, s int, m *recordMem, force bool, r *rand.Rand) []string {
	fp, face := false, false
	switch s {
	case sysVIS, sysEES, sysEurodac:
		fp, face = true, true
	case sysSIS:
		face = force || chance(r, 400)
		fp = face && chance(r, 500)
	case sysECRIS:
		fp = force || chance(r, 600)
	case sysEuropol:
		face = force || chance(r, 300)
	}
	n := 0
	if fp {
		m.bio[n] = biometricRef("fp", id, g.bioKey[0])
		n++
	}
	if face {
		m.bio[n] = biometricRef("face", id, g.bioKey[1])
		n++
	}
	if n == 0 {
		return nil
	}
	return m.bio[:n:n]
}

// details fills the fields of a record that the law of its system gives it.
func (g *gen) details(rec *identity.Record, s int, m *recordMem, r *rand.Rand) {
	c := g.cal
	state := func() string { return g.pop.pickState(r) }
	switch s {
	case sysSIS:
		cats := sisCategoriesTCN
		if g.p.c.eu {
			cats = sisCategoriesEU
		}
		cat := pick(r, cats)
		rec.SIS = &identity.SISAlert{Category: cat, IssuingState: state(), Action: sisActions[cat]}
	case sysVIS:
		v := &identity.VisaFile{ApplicationNumber: rec.ID, Status: pick(r, visStatuses), IssuingState: state()}
		if v.Status == "issued" || v.Status == "extended" {
			v.ValidUntil = c.full[c.today-700+r.IntN(1000)]
		}
		rec.VIS = v
	case sysEES:
		rec.EES = g.travel(r)
	case sysETIAS:
		rec.ETIAS = &identity.Application{Number: rec.ID, Status: pick(r, etiasStatuses)}
	case sysEurodac:
		cat := pick(r, eurodacCats)
		states := g.pop.asylums
		if cat == "irregular-crossing" || cat == "illegal-stay" {
			states = g.pop.arrivals
		}
		rec.Eurodac = &identity.Protection{Category: cat, OriginState: states[r.IntN(len(states))], ReferenceCode: rec.ID}
	case sysECRIS:
		m.states[0] = state()
		n := 1
		if chance(r, 150) {
			if m.states[1] = state(); m.states[1] != m.states[0] {
				n = 2
			}
		}
		rec.ECRIS = &identity.Conviction{ConvictingStates: m.states[:n:n]}
	case sysEuropol:
		rec.Europol = &identity.Intelligence{Role: pick(r, europolRoles), Crime: pick(r, europolCrimes)}
	case sysSLTD:
		reporting := g.p.c.issuer
		if len(rec.Documents) > 0 {
			reporting = rec.Documents[0].IssuingCountry
		}
		rec.SLTD = &identity.LostDocument{Status: pick(r, sltdStatuses), ReportingCountry: reporting}
	}
}

// travel draws the entries and exits of an EES individual file: up to
// four stays in the last three years, an overstay now and then.
func (g *gen) travel(r *rand.Rand) *identity.TravelHistory {
	c := g.cal
	trips := 1 + r.IntN(4)
	h := &identity.TravelHistory{Crossings: make([]identity.Crossing, 0, 2*trips+1), Overstay: chance(r, 30)}
	day := c.today - 1095 + r.IntN(300)
	if chance(r, 20) {
		p := borderPoints[r.IntN(len(borderPoints))]
		h.Crossings = append(h.Crossings, identity.Crossing{Kind: "refusal", Date: c.full[day], State: p[0], Point: p[1]})
		day += 1 + r.IntN(60)
	}
	for t := range trips {
		if day > c.today {
			break
		}
		stay := 2 + r.IntN(30)
		if h.Overstay && t == trips-1 {
			stay = 95 + r.IntN(120)
		}
		in := borderPoints[r.IntN(len(borderPoints))]
		h.Crossings = append(h.Crossings, identity.Crossing{Kind: "entry", Date: c.full[day], State: in[0], Point: in[1]})
		day += stay
		if day > c.today {
			break
		}
		out := in
		if chance(r, 400) {
			out = borderPoints[r.IntN(len(borderPoints))]
		}
		h.Crossings = append(h.Crossings, identity.Crossing{Kind: "exit", Date: c.full[day], State: out[0], Point: out[1]})
		day += 10 + r.IntN(250)
	}
	return h
}

// secondIdentity adds a record in which the person uses another name and
// date of birth, with its own biometrics, and its own passport, a forged
// one, or none.
func (g *gen) secondIdentity(p *person, r *rand.Rand) {
	s := -1
	for _, c := range [...]int{sysEurodac, sysEES, sysVIS, sysSIS, sysECRIS} {
		if p.systems&(1<<c) != 0 {
			s = c
			break
		}
	}
	if s < 0 {
		s = sysEES
		if p.c.eu {
			s = sysSIS
		}
	}
	t := p.c.tables
	gl := p.givenList()
	gi := gl.pick(r)
	given := gl.slots[gi].m
	if given == p.given[0] {
		given = gl.slots[gl.other(r, gi)].m
	}
	k := t.surnames.pick(r)
	surname := t.surnames.slots[k].forSex(p.sex)
	if surname == p.sur[0] {
		surname = t.surnames.slots[t.surnames.other(r, k)].forSex(p.sex)
	}
	birth := g.cal.full[p.birth]
	if chance(r, 500) {
		delta := 1 + r.IntN(6)
		if chance(r, 500) {
			delta = -delta
		}
		y := int(g.cal.year[p.birth]) + delta
		if start := g.cal.yearStart(y); start <= g.cal.today {
			birth = g.cal.full[min(start+r.IntN(365), g.cal.today)]
		}
	}
	m := new(recordMem)
	m.person = identity.Person{Surname: surname.spell[0].text, GivenNames: given.spell[0].text, BirthDate: birth, Sex: sexText(p.sex)}
	m.nat[0] = p.c.code
	m.person.Nationalities = m.nat[:1:1]
	m.noise.add(NoiseSecondIdentity)
	rec := identity.Record{System: identity.Systems[s], ID: g.nextID(s), Person: &m.person}
	switch u := r.IntN(10); {
	case u < 4:
		m.docs[0] = p.docs[0]
		rec.Documents = m.docs[:1:1]
	case u < 7:
		m.docs[0] = g.passport(p.c, p.i, 2, r, false)
		rec.Documents = m.docs[:1:1]
	}
	rec.Biometrics = g.biometrics(rec.ID, s, m, true, r)
	g.details(&rec, s, m, r)
	g.recs = append(g.recs, pending{rec: rec, truth: Truth{Person: p.id, Noise: m.noise.a[:1:1]}})
}

// victimDoc returns the original passport of person j.
func (g *gen) victimDoc(j int) identity.Document {
	if g.aside == nil {
		g.aside = newGen(g.o, g.pop, g.cal)
	}
	g.aside.base(j)
	return g.aside.p.docs[0]
}

// nextID returns a new record ID of system s.
func (g *gen) nextID(s int) string {
	g.count[s]++
	return recordID(prefixes[s], g.count[s], g.idKey[s])
}
