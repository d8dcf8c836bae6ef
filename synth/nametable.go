package synth

import (
	"math/rand/v2"
	"strings"
	"sync"
	"unicode/utf8"

	"secunion/names"
)

// maxSpellings caps the Latin spellings kept per name: the rarer ones
// that names.Variants produces are not worth drawing.
const maxSpellings = 6

// spelling is one Latin spelling of a name.
type spelling struct {
	text  string // as written by hand: "García", "Shevchenko", "Al-Hassan"
	ascii string // without diacritics: "Garcia", "Al Hassan"
	upper string // as in a machine-readable zone and after names.Normalize: "GARCIA"
}

// entry is one name with its spellings.
type entry struct {
	native     string     // in its own script (Cyrillic, Greek, Arabic), or ""
	nativeSame bool       // names.Normalize(native) is the primary spelling
	spell      []spelling // the primary spelling first
}

// slot is one name of a list, in its male and female forms (the same
// entry when the name has one form).
type slot struct{ m, f *entry }

// forSex returns the form of the name for sex.
func (s slot) forSex(sex byte) *entry {
	if sex == 'F' {
		return s.f
	}
	return s.m
}

// nameList is a list of names drawn with a Zipf-like law: the name of rank
// r (from 0) has weight 1/(r+3), so common names repeat and namesakes occur
// without a few names taking everything.
type nameList struct {
	slots []slot
	cum   []uint32 // cumulative weights
}

// pick draws a name's index.
func (l *nameList) pick(r *rand.Rand) int {
	u := r.Uint32N(l.cum[len(l.cum)-1])
	lo, hi := 0, len(l.cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if l.cum[mid] > u {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// other draws a name's index other than not.
func (l *nameList) other(r *rand.Rand, not int) int {
	if len(l.slots) < 2 {
		return not
	}
	for {
		if i := l.pick(r); i != not {
			return i
		}
	}
}

// nameTables are the parsed lists of one nameSet.
type nameTables struct {
	male, female, surnames, middleM, middleF *nameList
}

// country is a countrySpec with its parsed tables.
type country struct {
	*countrySpec
	index  int
	tables *nameTables
	places []string
	cum    []uint32 // cumulative Zipf weights of places
}

// population holds every table the generator draws from, built once.
type population struct {
	countries []country
	cum       []uint32 // cumulative country weights
	states    []string // memberStates
	stateCum  []uint32 // their cumulative Zipf weights
	arrivals  []string
	asylums   []string
}

var loadPopulation = sync.OnceValue(func() *population {
	p := &population{
		states:   strings.Fields(memberStates),
		arrivals: strings.Fields(arrivalStates),
		asylums:  strings.Fields(asylumStates),
	}
	p.stateCum = zipf(len(p.states))
	parsed := map[*nameSet]*nameTables{}
	total := uint32(0)
	for i := range countrySpecs {
		spec := &countrySpecs[i]
		t, ok := parsed[spec.names]
		if !ok {
			t = parseTables(spec.names)
			parsed[spec.names] = t
		}
		c := country{countrySpec: spec, index: i, tables: t, places: strings.Split(spec.places, "|")}
		c.cum = zipf(len(c.places))
		p.countries = append(p.countries, c)
		total += uint32(spec.weight)
		p.cum = append(p.cum, total)
	}
	return p
})

// pickCountry draws a nationality by weight.
func (p *population) pickCountry(r *rand.Rand) *country {
	u := r.Uint32N(p.cum[len(p.cum)-1])
	for i, c := range p.cum {
		if u < c {
			return &p.countries[i]
		}
	}
	panic("unreachable")
}

// pickState draws a Member State, the busiest most often.
func (p *population) pickState(r *rand.Rand) string {
	l := nameList{cum: p.stateCum}
	return p.states[l.pick(r)]
}

// pickPlace draws a place of birth in c.
func (c *country) pickPlace(r *rand.Rand) string {
	l := nameList{cum: c.cum}
	return c.places[l.pick(r)]
}

func parseTables(s *nameSet) *nameTables {
	t := &nameTables{male: parseList(s.male), female: parseList(s.female), surnames: parseList(s.surnames)}
	if s.middleM != "" {
		t.middleM, t.middleF = parseList(s.middleM), parseList(s.middleF)
	}
	return t
}

// parseList reads a list in the syntax described in namedata.go.
func parseList(text string) *nameList {
	l := &nameList{}
	for _, tok := range strings.Fields(text) {
		male, female, gendered := strings.Cut(tok, "/")
		m := parseEntry(male)
		f := m
		if gendered {
			if suffix, ok := strings.CutPrefix(female, "+"); ok {
				female = male + suffix
			}
			f = parseEntry(female)
		}
		l.slots = append(l.slots, slot{m: m, f: f})
	}
	l.cum = zipf(len(l.slots))
	return l
}

// zipf returns cumulative weights 1/(r+3), scaled to integers.
func zipf(n int) []uint32 {
	cum := make([]uint32, n)
	total := uint32(0)
	for r := range n {
		total += uint32(1 << 20 / (r + 3))
		cum[r] = total
	}
	return cum
}

// parseEntry reads one name: "Latin,Latin=native", "Latin,Latin", a name
// in Latin script, or a name in another script.
func parseEntry(tok string) *entry {
	tok = strings.ReplaceAll(tok, "_", " ")
	latin, native, explicit := strings.Cut(tok, "=")
	if !explicit && !isLatin(tok) {
		latin, native = "", tok
	}
	e := &entry{native: native}
	add := func(text, ascii, upper string) {
		if upper == "" || len(e.spell) == maxSpellings {
			return
		}
		for _, s := range e.spell {
			if s.upper == upper {
				return
			}
		}
		e.spell = append(e.spell, spelling{text: text, ascii: ascii, upper: upper})
	}
	switch {
	case latin != "":
		spellings := strings.Split(latin, ",")
		for _, s := range spellings {
			n := names.Normalize(s)
			add(s, title(n), n)
		}
		if len(spellings) == 1 && native == "" {
			// A name written in Latin letters with diacritics has the ICAO
			// machine-readable spellings too (Müller, MUELLER).
			for _, v := range names.Variants(latin)[1:] {
				add(title(v), title(v), v)
			}
		}
	default:
		for _, v := range names.Variants(native) {
			add(title(v), title(v), v)
		}
	}
	if native != "" {
		e.nativeSame = names.Normalize(native) == e.spell[0].upper
	}
	return e
}

// isLatin reports whether s starts with a letter of the Latin script.
func isLatin(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return r < 0x0370
}

// title writes an upper-case ASCII name with capitals only at the start
// of each word: AL HASSAN → Al Hassan.
func title(s string) string {
	b := []byte(s)
	start := true
	for i, c := range b {
		switch {
		case c >= 'A' && c <= 'Z':
			if !start {
				b[i] = c + 'a' - 'A'
			}
			start = false
		default:
			start = true
		}
	}
	return string(b)
}
