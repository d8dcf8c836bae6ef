package synth

import (
	"math/rand/v2"
	"strings"
	"unicode"
)

// The kinds of noise a record or a query may carry, relative to the true
// identity of its person, as Truth.Noise and Query.Noise name them.
const (
	NoiseTypoSurname    = "typo:surname"           // a letter of the surname deleted, doubled, swapped or mistyped
	NoiseTypoGiven      = "typo:given"             // the same in the given names
	NoiseTranslit       = "translit"               // another transliteration or spelling (Schewtschenko, Muhammad, MUELLER), or the name in Arabic script
	NoiseSwapOrder      = "swap-order"             // surname and given names exchanged
	NoiseMissingGiven   = "missing-given"          // no given names
	NoiseMissingMiddle  = "missing-middle"         // only one of several given names
	NoiseMissingSurname = "missing-second-surname" // only the first of two surnames
	NoiseDayMonthSwap   = "date:day-month-swap"    // day and month of birth exchanged
	NoiseYearOff        = "date:year±1"            // year of birth one off
	NoiseUnknownDay     = "date:unknown-day"       // date of birth without the day (YYYY-MM)
	NoiseYearOnly       = "date:year-only"         // date of birth as a year only
	NoiseAlias          = "alias"                  // the record lists another name; a query uses it
	NoiseNewPassport    = "new-passport"           // a renewed passport, not the one first issued
	NoiseSharedDocument = "fraud:shared-document"  // the passport of another person
	NoiseSecondIdentity = "fraud:second-identity"  // another name and date of birth, with the person's biometrics
)

// NoiseKinds returns every kind of noise, in the order of the constants.
func NoiseKinds() []string {
	return []string{
		NoiseTypoSurname, NoiseTypoGiven, NoiseTranslit, NoiseSwapOrder, NoiseMissingGiven,
		NoiseMissingMiddle, NoiseMissingSurname, NoiseDayMonthSwap, NoiseYearOff, NoiseUnknownDay,
		NoiseYearOnly, NoiseAlias, NoiseNewPassport, NoiseSharedDocument, NoiseSecondIdentity,
	}
}

// labels collects the noise applied to one record or query: at most nine
// kinds, one per part of the record that noise can touch.
type labels struct {
	a [9]string
	n int
}

func (l *labels) add(kind string) {
	l.a[l.n] = kind
	l.n++
}

// writeMode is how a record writes names.
type writeMode uint8

const (
	writeMixed writeMode = iota // as written by hand, with diacritics
	writeASCII                  // by hand, without diacritics
	writeUpper                  // as read from a machine-readable zone
)

// dateNoise is an error in a date of birth.
type dateNoise uint8

const (
	dateExact dateNoise = iota
	dateSwap
	dateYear
	dateDay
	dateYearOnly
)

// rates are the chances, per mille, of each kind of noise in a record.
type rates struct {
	translit, typoSurname, typoGiven, swap, noGiven, dropMiddle, dropSurname int
	dateSwap, dateYear, dateDay, dateYearOnly                                int
}

var (
	// mrzRates apply to records filled from a travel document: mostly
	// clean, but older passports and applicants spell differently.
	mrzRates = rates{translit: 50, typoSurname: 8, typoGiven: 8, swap: 5, noGiven: 5, dropMiddle: 60, dropSurname: 40,
		dateSwap: 4, dateYear: 3, dateDay: 6}
	// typedRates apply to records typed by officers from what a person
	// says or another file holds.
	typedRates = rates{translit: 150, typoSurname: 50, typoGiven: 45, swap: 40, noGiven: 25, dropMiddle: 150, dropSurname: 150,
		dateSwap: 30, dateYear: 30, dateDay: 40, dateYearOnly: 20}
	// eurodacRates apply to persons registered at arrival, often
	// without documents.
	eurodacRates = rates{translit: 180, typoSurname: 60, typoGiven: 50, swap: 40, noGiven: 20, dropMiddle: 200, dropSurname: 150,
		dateSwap: 30, dateYear: 40, dateDay: 60, dateYearOnly: 60}
)

// plan is the noise chosen for one rendering of a person's identity.
type plan struct {
	mode        writeMode
	native      bool // names in their own script
	alt         int  // token (given names first, then surnames) spelled otherwise, or -1
	altK        int  // which spelling
	dropMiddle  bool
	dropSurname bool
	noGiven     bool
	typoSurname bool
	typoGiven   bool
	swap        bool
	date        dateNoise
}

// drawPlan draws the noise of one record.
func drawPlan(p *person, rt *rates, mode writeMode, nativeOdds int, r *rand.Rand) plan {
	pl := plan{mode: mode, alt: -1}
	if nativeOdds > 0 && p.c.native > 0 {
		pl.native = chance(r, nativeOdds)
	}
	if !pl.native && chance(r, rt.translit) {
		pl.alt, pl.altK = pickAlt(p, r)
	}
	pl.dropMiddle = p.ng > 1 && chance(r, rt.dropMiddle)
	pl.dropSurname = p.ns > 1 && chance(r, rt.dropSurname)
	pl.noGiven = chance(r, rt.noGiven)
	pl.typoSurname = chance(r, rt.typoSurname)
	pl.typoGiven = chance(r, rt.typoGiven)
	swap := rt.swap
	if p.c.swaps {
		swap *= 3
	}
	pl.swap = chance(r, swap)
	switch {
	case chance(r, rt.dateSwap):
		pl.date = dateSwap
	case chance(r, rt.dateYear):
		pl.date = dateYear
	case chance(r, rt.dateDay):
		pl.date = dateDay
	case chance(r, rt.dateYearOnly):
		pl.date = dateYearOnly
	}
	return pl
}

// pickAlt draws a name token that has other spellings, and one of them;
// it returns -1 when no token has any.
func pickAlt(p *person, r *rand.Rand) (token, k int) {
	var with [5]int
	n := 0
	for t := range p.ng + p.ns {
		if len(p.token(t).spell) > 1 {
			with[n] = t
			n++
		}
	}
	if n == 0 {
		return -1, 0
	}
	token = with[r.IntN(n)]
	spells := len(p.token(token).spell)
	k = 1
	if spells > 2 && chance(r, 350) {
		k = 2
		if spells > 3 && chance(r, 300) {
			k = 3
		}
	}
	return token, k
}

// token returns name token t: given names first, then surnames.
func (p *person) token(t int) *entry {
	if t < p.ng {
		return p.given[t]
	}
	return p.sur[t-p.ng]
}

// render writes p's names as pl says and records the noise applied.
func render(p *person, pl *plan, l *labels, r *rand.Rand) (surname, given string) {
	translit := false
	write := func(t int) string {
		e := p.token(t)
		if pl.native && e.native != "" {
			translit = translit || !e.nativeSame
			return e.native
		}
		s := e.spell[0]
		if t == pl.alt {
			s = e.spell[pl.altK]
			translit = true
		}
		switch pl.mode {
		case writeUpper:
			return s.upper
		case writeASCII:
			return s.ascii
		}
		return s.text
	}
	if pl.dropSurname {
		surname = write(p.ng)
	} else {
		surname = join(write, p.ng, p.ng+p.ns)
	}
	switch {
	case pl.noGiven:
	case pl.dropMiddle:
		given = write(p.keep)
	default:
		given = join(write, 0, p.ng)
	}
	if translit {
		l.add(NoiseTranslit)
	}
	switch {
	case pl.noGiven:
		l.add(NoiseMissingGiven)
	case pl.dropMiddle:
		l.add(NoiseMissingMiddle)
	}
	if pl.dropSurname {
		l.add(NoiseMissingSurname)
	}
	var changed bool
	if pl.typoSurname {
		if surname, changed = typo(surname, r); changed {
			l.add(NoiseTypoSurname)
		}
	}
	if pl.typoGiven && given != "" {
		if given, changed = typo(given, r); changed {
			l.add(NoiseTypoGiven)
		}
	}
	if pl.swap && given != "" {
		surname, given = given, surname
		l.add(NoiseSwapOrder)
	}
	return surname, given
}

// join writes tokens from to to−1 separated by spaces.
func join(write func(int) string, from, to int) string {
	if to-from == 1 {
		return write(from)
	}
	var b strings.Builder
	for t := from; t < to; t++ {
		if t > from {
			b.WriteByte(' ')
		}
		b.WriteString(write(t))
	}
	return b.String()
}

// birthText writes p's date of birth with the noise n, if it applies.
func (g *gen) birthText(p *person, n dateNoise, l *labels) string {
	c := g.cal
	y, m, d := int(c.year[p.birth]), int(c.month[p.birth]), int(c.day[p.birth])
	switch n {
	case dateSwap:
		if d <= 12 && d != m && c.index(y, d, m) <= c.today {
			l.add(NoiseDayMonthSwap)
			return c.date(y, d, m)
		}
	case dateYear:
		if m != 2 || d != 29 {
			y2 := y + 1
			if c.index(y2, m, d) > c.today {
				y2 = y - 1
			}
			l.add(NoiseYearOff)
			return c.date(y2, m, d)
		}
	case dateDay:
		l.add(NoiseUnknownDay)
		return c.date(y, m, 0)
	case dateYearOnly:
		l.add(NoiseYearOnly)
		return c.date(y, 0, 0)
	}
	return c.full[p.birth]
}

// neighbours are the keys next to each letter on a QWERTY keyboard.
var neighbours = [26]string{
	"qwsz", "vghn", "xdfv", "serfcx", "wsdr", "drtgvc", "ftyhbv", "gyujnb", "ujko", "huikmn", "jiolm", "kop", "njk",
	"bhjm", "iklp", "ol", "wa", "edft", "awedxz", "rfgy", "yhji", "cfgb", "qase", "zsdc", "tghu", "asx",
}

// typo makes one typing error in a letter of s: a deletion, a doubling,
// a swap of neighbours or a key next to the right one. The first letter
// is rarely touched, as in real data. It reports false, leaving s alone,
// when s has fewer than three letters.
func typo(s string, r *rand.Rand) (string, bool) {
	var buf [64]rune
	rs := buf[:0]
	var pos [64]uint8
	np := 0
	for _, c := range s {
		if len(rs) == len(buf) {
			return s, false
		}
		if unicode.IsLetter(c) {
			pos[np] = uint8(len(rs))
			np++
		}
		rs = append(rs, c)
	}
	if np < 3 {
		return s, false
	}
	k := 1 + r.IntN(np-1)
	if chance(r, 80) {
		k = 0
	}
	at := int(pos[k])
	c := rs[at]
	switch op := r.IntN(4); {
	case op == 1:
		rs = append(rs[:at+1], rs[at:]...)
	case op == 2 && at+1 < len(rs) && unicode.IsLetter(rs[at+1]) && rs[at+1] != c:
		rs[at], rs[at+1] = rs[at+1], c
	case op == 3 && c < 0x80 && unicode.IsLetter(c):
		lower := unicode.ToLower(c)
		alt := neighbours[lower-'a']
		n := rune(alt[r.IntN(len(alt))])
		if c != lower {
			n = unicode.ToUpper(n)
		}
		rs[at] = n
	default:
		rs = append(rs[:at], rs[at+1:]...)
	}
	return string(rs), true
}
