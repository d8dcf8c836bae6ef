package names

import (
	"fmt"
	"slices"
	"strings"
)

// Name is a person's name as recorded, in any script.
type Name struct {
	Surname string
	Given   string
}

// MatchKind says how a token of one name matched a token of the other.
type MatchKind uint8

// The ways tokens match, from the strongest. Missing and Different are for
// tokens left unmatched.
const (
	MatchExact     MatchKind = iota // the same normalised token
	MatchVariant                    // spellings of one name (Canonical family)
	MatchParticle                   // the same name with or without a particle (VANDERBERG, BERG)
	MatchPhonetic                   // the same phonetic Key (transliteration variants)
	MatchTypo                       // a small edit distance (typing errors, transpositions)
	MatchInitial                    // an initial and a name it can stand for
	MatchMissing                    // a token only one name has (a middle name, a second surname)
	MatchDifferent                  // tokens of both names that match nothing
)

var matchKindNames = [...]string{"exact", "variant", "particle", "phonetic", "typo", "initial", "missing", "different"}

// String returns the kind's name as shown to officers.
func (k MatchKind) String() string {
	if int(k) < len(matchKindNames) {
		return matchKindNames[k]
	}
	return fmt.Sprintf("MatchKind(%d)", uint8(k))
}

// Token scores. A pair of tokens counts as matched at minTokenScore or more.
const (
	scoreVariant      = 0.95
	scoreParticle     = 0.93
	scorePhonetic     = 0.90
	scoreCorePhonetic = 0.88
	scoreTypo1        = 0.90 // one edit; each further edit costs 0.05
	scoreShortTypo    = 0.80 // one edit in a token of two or three letters
	scoreNearKey      = 0.80 // keys one class apart (nearKeys), spellings close (KUZNECOW, KUZNETSOV)
	minNearKeyJW      = 0.85 // the Jaro–Winkler similarity a near key needs
	scoreInitial      = 0.75
	capOtherFamily    = 0.80 // tokens of two different families, one edit apart
	minTokenScore     = 0.70
)

// Name-level weights.
const (
	weightSurname    = 1.25 // a matched or conflicting surname token weighs more than a given name
	swapFactor       = 0.97 // a token matched across surname and given names
	penaltyExtra     = 0.15 // a token only one name has, the other having that part
	penaltyLostField = 0.50 // the first token of a part that matched nothing at all
)

// TokenMatch is one line of a Score's explanation. A or B is empty when
// the token exists in one name only; a token written as two words on one
// side (JOHN PAUL against JOHNPAUL) shows with its space.
type TokenMatch struct {
	A, B    string
	Kind    MatchKind
	Score   float64
	Swapped bool // matched a surname token against a given-name token
}

// Score is the similarity of two names in [0, 1] with its explanation.
type Score struct {
	Value   float64
	Swapped bool // surname and given names matched crosswise
	Tokens  []TokenMatch
}

// String explains the score for an officer, e.g.
// "0.95: SHEVCHENKO = SHEVCHENKO exact; OLEKSANDR ~ ALEKSANDR variant".
func (s Score) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%.2f", s.Value)
	if s.Swapped {
		b.WriteString(" (surname and given names swapped)")
	}
	for i, t := range s.Tokens {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		switch {
		case t.A == "" || t.B == "":
			fmt.Fprintf(&b, "%s%s missing from the other name", t.A, t.B)
		case t.Kind == MatchDifferent:
			fmt.Fprintf(&b, "%s ≠ %s", t.A, t.B)
		case t.Kind == MatchExact:
			fmt.Fprintf(&b, "%s = %s exact", t.A, t.B)
		default:
			fmt.Fprintf(&b, "%s ~ %s %s %.2f", t.A, t.B, t.Kind, t.Score)
		}
	}
	return b.String()
}

// maxTokens is the number of tokens of one name that are compared; later
// tokens are ignored.
const maxTokens = 8

type part uint8

const (
	partSurname part = iota
	partGiven
)

// unit is a token, or two adjacent tokens of one part read as one word
// (JOHN PAUL as JOHNPAUL), ready for comparison.
type unit struct {
	text, core, show string
	key, coreKey     string
	somaliKey        string // key of the Somali reading, when it differs (see somaliReading)
	fam              string
	first, n         uint8
	part             part
}

func (u *unit) mask() uint16 { return (1<<u.n - 1) << u.first }

// Prepared is a name normalised, tokenised and keyed once, so that it can
// be compared with many others. The zero value is an empty name.
type Prepared struct {
	units   [2*maxTokens - 1]unit
	nUnits  uint8
	nTokens uint8
	tokPart [maxTokens]part
	hasPart [2]bool
}

// Prepare normalises, tokenises and keys n for Compare.
func Prepare(n Name) *Prepared {
	p := new(Prepared)
	p.reset(n)
	return p
}

// Set prepares n into p, reusing p: an index that keeps names compact
// prepares each candidate into one scratch value.
func (p *Prepared) Set(n Name) { p.reset(n) }

// Tokens returns the prepared name's tokens, surname first.
func (p *Prepared) Tokens() []string {
	out := make([]string, 0, p.nTokens)
	for i := range p.nUnits {
		if u := &p.units[i]; u.n == 1 {
			out = append(out, u.text)
		}
	}
	return out
}

func (p *Prepared) reset(n Name) {
	// Units past nUnits are never read, so only the counts are cleared.
	p.nUnits, p.nTokens, p.hasPart = 0, 0, [2]bool{}
	var wbuf [maxTokens]word
	ws := appendWords(wbuf[:0], Normalize(n.Surname), true, maxTokens)
	nSur := len(ws)
	ws = appendWords(ws, Normalize(n.Given), false, maxTokens)
	p.nTokens = uint8(len(ws))
	for i := range ws {
		pt := partGiven
		if i < nSur {
			pt = partSurname
		}
		p.tokPart[i] = pt
		p.hasPart[pt] = true
	}
	// Derived strings (keys, joined pairs) go to one arena, converted to a
	// string once, so a prepared name costs one allocation for all of them.
	type span struct{ lo, hi int }
	var spText, spShow, spKey, spCore [len(p.units)]span
	var arenaBuf [512]byte
	arena := arenaBuf[:0]
	for i, w := range ws {
		p.units[i] = unit{text: w.text, core: w.core, show: w.text, first: uint8(i), n: 1, part: p.tokPart[i]}
		lo := len(arena)
		arena = appendKey(arena, w.text)
		spKey[i] = span{lo, len(arena)}
		if w.core != w.text {
			lo = len(arena)
			arena = appendKey(arena, w.core)
			spCore[i] = span{lo, len(arena)}
		}
	}
	p.nUnits = p.nTokens
	for i := 1; i < len(ws); i++ {
		if p.tokPart[i] != p.tokPart[i-1] {
			continue
		}
		a, b, u := ws[i-1], ws[i], p.nUnits
		p.units[u] = unit{first: uint8(i - 1), n: 2, part: p.tokPart[i]}
		p.nUnits++
		lo := len(arena)
		arena = append(append(arena, a.text...), b.text...)
		text := span{lo, len(arena)}
		spText[u] = text
		lo = len(arena)
		arena = append(append(append(arena, a.text...), ' '), b.text...)
		spShow[u] = span{lo, len(arena)}
		lo = len(arena)
		arena = appendKey(arena, arena[text.lo:text.hi])
		spKey[u] = span{lo, len(arena)}
		if a.core != a.text {
			lo = len(arena)
			arena = appendKey(arena, arena[text.lo+len(a.text)-len(a.core):text.hi])
			spCore[u] = span{lo, len(arena)}
		}
	}
	str := string(arena)
	for i := range p.nUnits {
		u := &p.units[i]
		if u.n == 2 {
			u.text = str[spText[i].lo:spText[i].hi]
			u.show = str[spShow[i].lo:spShow[i].hi]
			a := ws[u.first]
			u.core = u.text[len(a.text)-len(a.core):]
		}
		u.key = str[spKey[i].lo:spKey[i].hi]
		u.coreKey = u.key
		if u.core != u.text {
			u.coreKey = str[spCore[i].lo:spCore[i].hi]
		}
		u.fam = familyKeyed(u.text, u.key)
		u.somaliKey = ""
		if u.n == 1 && strings.ContainsAny(u.text, "CX") {
			var rbuf, kbuf [48]byte
			if k := appendKey(kbuf[:0], somaliReading(rbuf[:0], u.text)); string(k) != u.key {
				u.somaliKey = string(k)
			}
		}
	}
}

// Similarity returns how similar two names are, in [0, 1], and why. It
// reads names in any script (see Normalize), and tolerates typing errors
// and transpositions, missing middle names or second surnames, names
// written together or apart (JOHNPAUL, JOHN PAUL), surname and given names
// swapped, particles (VAN DER BERG, VANDERBERG, BERG), spellings of one
// name (Canonical) and transliteration variants (Key). Similarity is
// symmetric.
//
// Tokens are paired greedily, best pair first. A pair scores:
//   - 1 when exact, 0.95 as variants (Canonical), 0.93 with and without a
//     particle;
//   - 0.90 by key (Key); 0.80 for names of five letters or less, with a
//     key of two classes, that differ only inside (NUR, NOOR; LEILA,
//     LAYLA); 0.88 by the key of the Somali reading (XALIIMO, HALIMA; see
//     somaliReading);
//   - 0.90/0.85/0.80 at one/two/three edits (two edits from eight letters,
//     three from twelve); 0.85 and less for a typing error of the name of
//     the other's family (MUHAMMA, MOHAMMED); 0.80 for keys of four classes
//     or more that differ in one class, spellings close (Jaro–Winkler 0.85:
//     KUZNECOW, KUZNETSOV); 0.80 for one edit in a token of two or three
//     letters (SU, SUN);
//   - 0.80 for a given name and its short form of five letters or more
//     (NAJIB, NAJIBULLAH), 0.75 for an initial;
//
// and a pair across surname and given names is worth 3% less. The value is
// the weighted mean of the pairs (surname tokens weigh 1.25, a pair written
// as two words on one side weighs 2) over their weight plus penalties: a
// token of each name left unmatched in the same part (surname, given
// names) counts as a conflict of full weight, a token only one name has
// adds 0.15 (a middle name, a second surname), or 0.5 for the first token
// of a surname or given names that matched nothing at all.
func Similarity(a, b Name) Score {
	var pa, pb Prepared
	pa.reset(a)
	pb.reset(b)
	return Compare(&pa, &pb)
}

type candidate struct {
	score  float64
	weight float64
	kind   MatchKind
	ua, ub uint8
	cross  bool
}

// Compare is Similarity for prepared names.
func Compare(a, b *Prepared) Score {
	var cbuf [len(a.units) * len(a.units)]candidate
	cands := cbuf[:0]
	bothFull := a.hasPart[partSurname] && a.hasPart[partGiven] && b.hasPart[partSurname] && b.hasPart[partGiven]
	for i := range a.nUnits {
		ua := &a.units[i]
		for j := range b.nUnits {
			ub := &b.units[j]
			if ua.n == 2 && ub.n == 2 {
				continue
			}
			s, kind := compareUnits(ua, ub)
			if s < minTokenScore {
				continue
			}
			cross := bothFull && ua.part != ub.part
			if cross {
				s *= swapFactor
			}
			w := float64(max(ua.n, ub.n))
			if ua.part == partSurname || ub.part == partSurname {
				w *= weightSurname
			}
			cands = append(cands, candidate{score: s, weight: w, kind: kind, ua: i, ub: j, cross: cross})
		}
	}
	slices.SortFunc(cands, func(x, y candidate) int {
		return compareCandidates(a, b, &x, &y)
	})
	var usedA, usedB uint16
	chosen := cands[:0]
	for _, c := range cands {
		ma, mb := a.units[c.ua].mask(), b.units[c.ub].mask()
		if usedA&ma != 0 || usedB&mb != 0 {
			continue
		}
		usedA |= ma
		usedB |= mb
		chosen = append(chosen, c)
	}
	slices.SortFunc(chosen, func(x, y candidate) int {
		return int(a.units[x.ua].first) - int(a.units[y.ua].first)
	})

	var num, den float64
	crossed := 0
	var matchedA, matchedB [2]bool // a part of the name has a matched token
	for _, c := range chosen {
		num += c.weight * c.score
		den += c.weight
		if c.cross {
			crossed++
		}
		matchedA[a.units[c.ua].part] = true
		matchedB[b.units[c.ub].part] = true
	}
	var leftA, leftB [2][]uint8
	var leftBuf [2][2][maxTokens]uint8
	leftA[0], leftA[1] = leftBuf[0][0][:0], leftBuf[0][1][:0]
	leftB[0], leftB[1] = leftBuf[1][0][:0], leftBuf[1][1][:0]
	for i := range a.nTokens {
		if usedA&(1<<i) == 0 {
			pt := a.tokPart[i]
			leftA[pt] = append(leftA[pt], i)
		}
	}
	for i := range b.nTokens {
		if usedB&(1<<i) == 0 {
			pt := b.tokPart[i]
			leftB[pt] = append(leftB[pt], i)
		}
	}
	// Conflicts: unmatched tokens of both names in the same part, surname
	// against surname and given name against given name. What is left on
	// one side only is missing from the other: a second surname and a
	// middle name do not contradict each other.
	type pair struct{ a, b int } // token indices, -1 for none
	var pbuf [2 * maxTokens]pair
	pairs := pbuf[:0]
	for _, pt := range []part{partSurname, partGiven} {
		weight := 1.0
		if pt == partSurname {
			weight = weightSurname
		}
		n := min(len(leftA[pt]), len(leftB[pt]))
		for k := range n {
			pairs = append(pairs, pair{int(leftA[pt][k]), int(leftB[pt][k])})
			den += weight
		}
		leftA[pt], leftB[pt] = leftA[pt][n:], leftB[pt][n:]
	}
	for _, pt := range []part{partSurname, partGiven} {
		for _, i := range leftA[pt] {
			pairs = append(pairs, pair{int(i), -1})
			den += extraPenalty(pt, &matchedA)
		}
	}
	for _, pt := range []part{partSurname, partGiven} {
		for _, i := range leftB[pt] {
			pairs = append(pairs, pair{-1, int(i)})
			den += extraPenalty(pt, &matchedB)
		}
	}

	var sc Score
	if len(chosen) > 0 && den > 0 {
		sc.Value = num / den
	}
	sc.Swapped = crossed > 0 && crossed == len(chosen)
	sc.Tokens = make([]TokenMatch, 0, len(chosen)+len(pairs))
	for _, c := range chosen {
		sc.Tokens = append(sc.Tokens, TokenMatch{
			A: a.units[c.ua].show, B: b.units[c.ub].show,
			Kind: c.kind, Score: c.score, Swapped: c.cross,
		})
	}
	for _, p := range pairs {
		t := TokenMatch{Kind: MatchDifferent}
		if p.a >= 0 {
			t.A = a.units[p.a].text
		}
		if p.b >= 0 {
			t.B = b.units[p.b].text
		}
		if p.a < 0 || p.b < 0 {
			t.Kind = MatchMissing
		}
		sc.Tokens = append(sc.Tokens, t)
	}
	return sc
}

// extraPenalty is the cost of an unmatched token in part pt of a name
// whose parts with a match are marked in matched: penaltyLostField for the
// first one of a part without any match (the other name lacks that part),
// penaltyExtra otherwise (a middle name, a second surname).
func extraPenalty(pt part, matched *[2]bool) float64 {
	if !matched[pt] {
		matched[pt] = true
		return penaltyLostField
	}
	return penaltyExtra
}

// compareCandidates orders candidate pairs for the greedy choice: higher
// score first, then pairs within one part of the name (surname with
// surname) before pairs across parts, then single tokens before pairs
// written as one word. Remaining ties break on the texts, parts and
// positions of the two tokens taken without regard to which name each
// came from, so that the choice, and with it the score, is the same
// whichever name is first.
func compareCandidates(a, b *Prepared, x, y *candidate) int {
	if x.score != y.score {
		if x.score > y.score {
			return -1
		}
		return 1
	}
	xa, xb, ya, yb := &a.units[x.ua], &b.units[x.ub], &a.units[y.ua], &b.units[y.ub]
	xSame, ySame := xa.part == xb.part, ya.part == yb.part
	if xSame != ySame {
		if xSame {
			return -1
		}
		return 1
	}
	if c := int(xa.n+xb.n) - int(ya.n+yb.n); c != 0 {
		return c
	}
	if c := strings.Compare(min(xa.text, xb.text), min(ya.text, yb.text)); c != 0 {
		return c
	}
	if c := strings.Compare(max(xa.text, xb.text), max(ya.text, yb.text)); c != 0 {
		return c
	}
	if c := int(min(xa.part, xb.part)) - int(min(ya.part, yb.part)); c != 0 {
		return c
	}
	if c := int(max(xa.part, xb.part)) - int(max(ya.part, yb.part)); c != 0 {
		return c
	}
	if c := int(min(xa.first, xb.first)) - int(min(ya.first, yb.first)); c != 0 {
		return c
	}
	return int(max(xa.first, xb.first)) - int(max(ya.first, yb.first))
}

// compareUnits scores two units and says how they matched.
func compareUnits(x, y *unit) (float64, MatchKind) {
	if x.text == y.text {
		return 1, MatchExact
	}
	if x.fam != "" && x.fam == y.fam {
		return scoreVariant, MatchVariant
	}
	otherFamily := x.fam != "" && y.fam != ""
	particles := x.core != x.text || y.core != y.text
	if particles && (x.core == y.core || x.core == y.text || x.text == y.core) {
		return scoreParticle, MatchParticle
	}
	if !otherFamily && x.key == y.key {
		switch {
		case len(x.key) >= 3 || jaroWinkler(x.text, y.text) >= 0.85:
			return scorePhonetic, MatchPhonetic
		case len(x.key) == 2 && max(len(x.text), len(y.text)) <= 5 && x.text[0] == y.text[0] && x.text[len(x.text)-1] == y.text[len(y.text)-1]:
			// Short names spelt with other vowels inside: NUR, NOOR; BEG,
			// BAIG; LEILA, LAYLA.
			return scoreShortTypo, MatchPhonetic
		}
	}
	if !otherFamily && (x.somaliKey != "" && (x.somaliKey == y.key || x.somaliKey == y.somaliKey) || y.somaliKey != "" && y.somaliKey == x.key) {
		return scoreCorePhonetic, MatchPhonetic
	}
	if particles && !otherFamily && len(x.coreKey) >= 3 && (x.coreKey == y.coreKey || x.coreKey == y.key || x.key == y.coreKey) {
		return scoreCorePhonetic, MatchParticle
	}
	if limit := typoLimit(len(x.text), len(y.text)); limit > 0 {
		if d := editDistance(x.text, y.text, limit); d <= limit {
			s := scoreTypo1 - 0.05*float64(d-1)
			if otherFamily {
				if d > 1 {
					return 0, MatchDifferent
				}
				s = min(s, capOtherFamily)
			}
			return s, MatchTypo
		}
	}
	if s, ok := familyTypo(x, y); ok {
		return s, MatchTypo
	}
	if s, ok := familyTypo(y, x); ok {
		return s, MatchTypo
	}
	if nearKeys(x.key, y.key) && !otherFamily && jaroWinkler(x.text, y.text) >= minNearKeyJW {
		return scoreNearKey, MatchPhonetic
	}
	if shortTypo(x.text, y.text) && !otherFamily && editDistance(x.text, y.text, 1) == 1 {
		return scoreShortTypo, MatchTypo
	}
	if x.n == 1 && y.n == 1 && (len(x.text) == 1) != (len(y.text) == 1) && x.text[0] == y.text[0] {
		return scoreInitial, MatchInitial
	}
	if shortForm(x, y) || shortForm(y, x) {
		return scoreShortTypo, MatchTypo
	}
	return 0, MatchDifferent
}

// familyTypo scores a token x outside any family that is a typing error of
// the name of y's family: MUHAMMA, one letter from MUHAMMAD, against
// MOHAMMED, three letters away.
func familyTypo(x, y *unit) (float64, bool) {
	if x.fam != "" || y.fam == "" || y.fam == y.text {
		return 0, false
	}
	limit := typoLimit(len(x.text), len(y.fam))
	if d := editDistance(x.text, y.fam, limit); limit > 0 && d <= limit {
		return scoreTypo1 - 0.05*float64(d), true // a step further than a typo of y itself
	}
	return 0, false
}

// shortForm reports whether given name x is a short form of given name y
// that keeps y's first five letters or more: NAJIB, NAJIBULLAH; CHRISTOPH,
// CHRISTOPHER. Surnames are left out: MARTIN is not MARTINEZ.
func shortForm(x, y *unit) bool {
	return x.part == partGiven && y.part == partGiven && x.n == 1 && y.n == 1 &&
		len(x.text) >= 5 && len(y.text) > len(x.text) && strings.HasPrefix(y.text, x.text)
}

// somaliReading appends to dst a token read as written in the official
// Somali orthography, where X writes the Arabic ḥ, C the ʿayn (not written
// in other spellings) and doubled vowels are long: XALIIMO → HALIMO, CIISE
// → ISE, CABDI → ABDI, to be keyed against HALIMA, ISSE, ABDI.
func somaliReading(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == 'X':
			dst = append(dst, 'H')
		case c == 'C' && at(s, i+1) != 'H':
		case isVowel(c) && i > 0 && s[i-1] == c:
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// nearKeys reports whether phonetic keys a and b, of four classes or more,
// differ in exactly one class at one place. A class added or dropped does
// not count: it makes other names (MARTIN, MARTINEZ).
func nearKeys(a, b string) bool {
	if len(a) != len(b) || len(a) < 4 {
		return false
	}
	diff := 0
	for i := range len(a) {
		if a[i] != b[i] {
			diff++
		}
	}
	return diff == 1
}

// shortTypo reports whether a and b are short enough that typoLimit
// allows them no edit, yet long enough that one edit is still read as a
// typing error: two or three letters against two to four, not both of two
// (SU and SUN, QIN and QING, HUO and HUI, WOF and WOLF; not LI and LU).
func shortTypo(a, b string) bool {
	lo, hi := min(len(a), len(b)), max(len(a), len(b))
	return lo >= 2 && lo <= 3 && hi >= 3
}

// typoLimit is the number of edits that still count as a typing error
// between tokens of lengths la and lb: none under four letters, one from
// four, two from eight, three from twelve (of the shorter token).
func typoLimit(la, lb int) int {
	switch l := min(la, lb); {
	case l >= 12:
		return 3
	case l >= 8:
		return 2
	case l >= 4:
		return 1
	}
	return 0
}
