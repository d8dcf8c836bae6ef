package synth

import (
	"math/bits"
	"math/rand/v2"

	"secunion/identity"
)

// The systems by their position in identity.Systems, for bit masks.
const (
	sysSIS = iota
	sysVIS
	sysEES
	sysETIAS
	sysEurodac
	sysECRIS
	sysEuropol
	sysSLTD
	numSystems
)

// typed reports whether records of system s are typed by an officer from
// what a person says or another file holds, rather than read from a
// document's machine-readable zone: such records are noisier.
func typed(s int) bool {
	return s == sysSIS || s == sysEurodac || s == sysECRIS || s == sysEuropol
}

// person is the true identity of a synthetic person and the facts that
// decide which records it has.
type person struct {
	i       int
	id      string
	c       *country
	sex     byte // 'M', 'F' or 'X'
	given   [3]*entry
	ng      int
	keep    int // the given name kept when the others go missing
	sur     [2]*entry
	ns      int
	birth   int // day number
	place   string
	systems uint16 // bit mask of sys*
	docs    [2]identity.Document
	renewed bool // docs[1] replaced docs[0]
	alias   bool
	aliasS  *entry
	aliasG  *entry
	victim  int // -1, or the person whose passport this one uses
	second  bool
}

// chance reports true with a probability of perMille/1000.
func chance(r *rand.Rand, perMille int) bool { return r.IntN(1000) < perMille }

// base draws person i's identity and passports.
func (g *gen) base(i int) {
	g.seed(i)
	r := g.r
	p := &g.p
	*p = person{i: i, victim: -1}
	p.c = g.pop.pickCountry(r)
	p.systems = drawSystems(p.c, r)
	p.id = personID(i)

	male := 500
	switch {
	case p.systems&(1<<sysEurodac) != 0:
		male = 700
	case p.systems&(1<<sysSIS|1<<sysECRIS|1<<sysEuropol) != 0:
		male = 750
	}
	switch {
	case chance(r, 1):
		p.sex = 'X'
	case chance(r, male):
		p.sex = 'M'
	default:
		p.sex = 'F'
	}
	drawNames(p, r)
	g.drawBirth(p, r)
	p.place = p.c.pickPlace(r)

	p.renewed = chance(r, 180)
	p.docs[0] = g.passport(p.c, i, 0, r, p.renewed)
	if p.renewed {
		p.docs[1] = g.passport(p.c, i, 1, r, false)
	}
	if p.systems&(1<<sysSIS|1<<sysEurodac|1<<sysECRIS|1<<sysEuropol) != 0 {
		odds := 250
		if p.systems&(1<<sysEuropol) != 0 {
			odds = 500
		}
		if p.alias = chance(r, odds); p.alias {
			l := p.c.tables.surnames
			k := l.pick(r)
			if l.slots[k].forSex(p.sex) == p.sur[0] {
				k = l.other(r, k)
			}
			p.aliasS = l.slots[k].forSex(p.sex)
			p.aliasG = p.given[p.keep]
			if chance(r, 400) {
				gl := p.givenList()
				p.aliasG = gl.slots[gl.pick(r)].m
			}
		}
	}
	if i > 0 && chance(r, 3) && p.systems&(1<<sysVIS|1<<sysEES|1<<sysETIAS|1<<sysSIS) != 0 {
		p.victim = i - 1 - r.IntN(min(i, 5000))
	}
	p.second = chance(r, 3)
}

// drawSystems draws the systems a person of c appears in: one to four.
func drawSystems(c *country, r *rand.Rand) uint16 {
	var m uint16
	set := func(s int, perMille int) {
		if chance(r, perMille) {
			m |= 1 << s
		}
	}
	if c.eu {
		set(sysSIS, 550)
		set(sysSLTD, 450)
		set(sysEuropol, 150)
		if m == 0 {
			m = 1 << sysSIS
		}
		return m
	}
	travel, ees := 1000, 700
	if chance(r, c.asylum) {
		m |= 1 << sysEurodac
		travel, ees = 250, 200
	}
	if c.visa {
		set(sysVIS, travel*85/100)
	} else {
		set(sysETIAS, travel*90/100)
	}
	set(sysEES, ees)
	sis := 40
	if m&(1<<sysEurodac) != 0 {
		sis = 100
	}
	set(sysSIS, sis)
	set(sysECRIS, 20)
	set(sysEuropol, 10)
	set(sysSLTD, 30)
	if m == 0 {
		m = 1 << sysEES
	}
	for _, s := range [...]int{sysSLTD, sysEES, sysETIAS, sysVIS} {
		if bits.OnesCount16(m) <= 4 {
			break
		}
		m &^= 1 << s
	}
	return m
}

// givenList returns the given names for p's sex (men's for X).
func (p *person) givenList() *nameList {
	if p.sex == 'F' {
		return p.c.tables.female
	}
	return p.c.tables.male
}

// drawNames draws given names and surnames by the country's style.
func drawNames(p *person, r *rand.Rand) {
	t := p.c.tables
	list := p.givenList()
	first := list.pick(r)
	p.given[0], p.ng = list.slots[first].m, 1
	second := func(perMille int) {
		if chance(r, perMille) {
			p.given[p.ng] = list.slots[list.other(r, first)].m
			p.ng++
		}
	}
	father := func(perMille int) {
		if chance(r, perMille) {
			p.given[p.ng] = t.male.slots[t.male.pick(r)].m
			p.ng++
		}
	}
	switch p.c.style {
	case styleWestern:
		second(250)
	case styleSlavic:
		second(30)
	case styleHispanic:
		second(400)
	case styleLusophone:
		second(300)
	case styleArabic:
		father(350)
	case styleHorn:
		father(700)
	case stylePakistani:
		if p.sex == 'M' && first != 0 && chance(r, 300) {
			p.given[1], p.given[0] = p.given[0], t.male.slots[0].m // Muhammad
			p.ng, p.keep = 2, 1
		} else {
			second(200)
		}
	case styleVietnamese:
		middle := t.middleM
		if p.sex == 'F' {
			middle = t.middleF
		}
		p.given[1], p.given[0] = p.given[0], middle.slots[middle.pick(r)].m
		p.ng, p.keep = 2, 1
	}

	s := t.surnames.pick(r)
	p.sur[0], p.ns = t.surnames.slots[s].forSex(p.sex), 1
	double := 0
	switch p.c.style {
	case styleHispanic:
		double = 900
	case styleLusophone:
		double = 600
	}
	if chance(r, double) {
		p.sur[1] = t.surnames.slots[t.surnames.other(r, s)].forSex(p.sex)
		p.ns = 2
	}
}

// drawBirth draws a date of birth: most travellers are of working age.
func (g *gen) drawBirth(p *person, r *rand.Rand) {
	var lo, hi int
	switch u := r.IntN(1000); {
	case u < 60:
		lo, hi = 1, 17
	case u < 700:
		lo, hi = 18, 44
	case u < 930:
		lo, hi = 45, 64
	default:
		lo, hi = 65, 84
	}
	y := int(g.cal.year[g.cal.today]) - lo - r.IntN(hi-lo+1)
	start := g.cal.yearStart(y)
	d := start + r.IntN(g.cal.yearStart(y+1)-start)
	if chance(r, p.c.dayOne) {
		d = start
	}
	p.birth = min(d, g.cal.today)
}

// passport draws passport k of person i: an original issued up to ten
// years ago (more than eight when it has since been renewed), a renewal
// issued within four years, or a forgery.
func (g *gen) passport(c *country, i, k int, r *rand.Rand, old bool) identity.Document {
	var issued int
	switch {
	case old:
		issued = g.cal.today - 2920 - r.IntN(1095)
	case k == 1:
		issued = g.cal.today - r.IntN(1460)
	default:
		issued = g.cal.today - r.IntN(3620)
	}
	return identity.Document{
		Type:           "P",
		Number:         passportNumber(c.passport, g.passportKey(c), i, k),
		IssuingCountry: c.issuer,
		Expiry:         g.cal.full[issued+3652],
	}
}

// passportKey is the permutation key of c's passport numbers.
func (g *gen) passportKey(c *country) uint64 {
	return mix64(g.o.Seed ^ 0x7061737370 ^ uint64(c.index)<<48)
}
