package names

import (
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// seg is one transliterated piece of input: a letter, a digraph read as one
// sound, or a mark. forms[0] is the primary form, the one Normalize writes;
// forms[i] is the form in variant system i (see numSystems) and falls back
// to forms[0] where the systems agree. extra lists further letter-level
// spellings that Variants tries one at a time.
type seg struct {
	forms []string
	extra []string
	kind  segKind
	brk   bool // a word break follows (the Arabic article)
	mrz   bool // forms[1] is the ICAO MRZ spelling of a Latin letter
}

// segKind tells text from the two segments that write no letters of their
// own: a word break, and "double the previous letter" (the Arabic shadda).
type segKind uint8

const (
	segText segKind = iota
	segSep
	segRepeat
)

// form returns the segment's spelling in variant system sys.
func (g *seg) form(sys int) string {
	if sys < len(g.forms) {
		return g.forms[sys]
	}
	return g.forms[0]
}

// numSystems is the number of whole-name transliteration systems Variants
// spells out. For Cyrillic they are ICAO 9303, English (BGN/PCGN style),
// German, French and Polish; for Greek ICAO/ELOT 743, simplified phonetic
// and classical; for Arabic ICAO consonants, English and French (Maghreb)
// usage; for Latin the plain form and the ICAO MRZ form of Ä, Ö, Ü, Å, Ø.
const numSystems = 5

// sepSeg breaks words, repeatSeg doubles the previous letter, dropSeg
// writes nothing and keeps the word together (marks, soft signs).
var (
	sepSeg    = seg{forms: []string{""}, kind: segSep}
	repeatSeg = seg{forms: []string{""}, kind: segRepeat}
	dropSeg   = seg{forms: []string{""}}
)

func s1(f string, extra ...string) seg { return seg{forms: []string{f}, extra: extra} }

func sN(forms ...string) seg { return seg{forms: forms} }

func mrzSeg(plain, mrz string) seg { return seg{forms: []string{plain, mrz}, mrz: true} }

// withExtra returns g with extra alternatives.
func withExtra(g seg, extra ...string) seg { g.extra = extra; return g }

var asciiSegs = [26]seg{
	s1("A"), s1("B"), s1("C"), s1("D"), s1("E"), s1("F"), s1("G"), s1("H"), s1("I"),
	s1("J"), s1("K"), s1("L"), s1("M"), s1("N"), s1("O"), s1("P"), s1("Q"), s1("R"),
	s1("S"), s1("T"), s1("U"), s1("V"), s1("W"), s1("X"), s1("Y"), s1("Z"),
}

// Latin letters that NFD does not reduce to an ASCII letter, and the
// letters whose ICAO MRZ spelling differs from the plain one (Doc 9303
// Part 3 §6.A: Ä→AE, Å→AA, Ö→OE, Ø→OE, Ü→UE).
var (
	segSS = s1("SS")
	segAE = s1("AE")
	segOE = s1("OE")
	segTH = s1("TH")
	segD  = s1("D", "DJ")
	segL  = s1("L")
	segO  = mrzSeg("O", "OE")
	segAu = mrzSeg("A", "AE")
	segOu = mrzSeg("O", "OE")
	segUu = mrzSeg("U", "UE")
	segAr = mrzSeg("A", "AA")
	segN  = s1("N", "NG")
	segIJ = s1("IJ")
)

// latinSpecial maps letters that canonical decomposition leaves alone.
func latinSpecial(r rune) *seg {
	switch r {
	case 'ß', 'ẞ':
		return &segSS
	case 'Ø', 'ø':
		return &segO
	case 'Æ', 'æ':
		return &segAE
	case 'Œ', 'œ':
		return &segOE
	case 'Ł', 'ł':
		return &segL
	case 'Đ', 'đ', 'Ð', 'ð':
		return &segD
	case 'Þ', 'þ':
		return &segTH
	case 'Ä', 'ä':
		return &segAu
	case 'Ö', 'ö':
		return &segOu
	case 'Ü', 'ü':
		return &segUu
	case 'Å', 'å':
		return &segAr
	case 'Ŋ', 'ŋ':
		return &segN
	case 'ı':
		return &asciiSegs['I'-'A']
	case 'Ħ', 'ħ':
		return &asciiSegs['H'-'A']
	case 'Ŧ', 'ŧ':
		return &asciiSegs['T'-'A']
	case 'ĸ':
		return &asciiSegs['K'-'A']
	case 'ſ':
		return &asciiSegs['S'-'A']
	case 'ƒ':
		return &asciiSegs['F'-'A']
	case 'Ĳ', 'ĳ':
		return &segIJ
	}
	return nil
}

// cursor walks a string segment by segment; prev is the previous letter
// (0 at the start of a word), lang the reading of Cyrillic letters.
type cursor struct {
	s    string
	lang cyrLang
	prev rune
}

func (c *cursor) peek(i int) rune {
	if i >= len(c.s) {
		return 0
	}
	r, _ := utf8.DecodeRuneInString(c.s[i:])
	return r
}

// next returns the segment that starts at byte i and its length in bytes.
func (c *cursor) next(i int) (*seg, int) {
	b := c.s[i]
	if b < utf8.RuneSelf {
		switch {
		case b >= 'A' && b <= 'Z':
			c.prev = rune(b)
			return &asciiSegs[b-'A'], 1
		case b >= 'a' && b <= 'z':
			c.prev = rune(b)
			return &asciiSegs[b-'a'], 1
		case b == '\'' || b == '`':
			if g := c.apostrophe(i, 1); g != nil {
				return g, 1
			}
		}
		c.prev = 0
		return &sepSeg, 1
	}
	r, n := utf8.DecodeRuneInString(c.s[i:])
	switch {
	case isCyrillic(r):
		return c.cyrillicStep(r), n
	case (r >= 0x370 && r <= 0x3FF) || (r >= 0x1F00 && r <= 0x1FFF):
		return c.greekStep(i, r, n)
	case r >= 0x600 && r <= 0x6FF:
		return c.arabicStep(i, r, n)
	}
	return c.otherStep(i, r), n
}

func (c *cursor) otherStep(i int, r rune) *seg {
	if isApostrophe(r) {
		if g := c.apostrophe(i, utf8.RuneLen(r)); g != nil {
			return g
		}
	}
	var g *seg
	switch {
	case r < 0x250:
		g = loadLatinTable().low[r]
	case r >= 0x1E00 && r < 0x1F00:
		g = loadLatinTable().extended[r-0x1E00]
	default:
		g = latinLetter(r)
	}
	if g != nil {
		c.prev = r
		return g
	}
	if unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc, unicode.Cf) {
		return &dropSeg
	}
	// Letters of scripts without a table here, digits, punctuation and
	// spaces all separate words.
	c.prev = 0
	return &sepSeg
}

// latinTable holds latinLetter precomputed for Latin-1, Latin Extended-A
// and -B (below U+0250) and Latin Extended Additional (U+1E00–U+1EFF,
// Vietnamese among others).
type latinTable struct {
	low      [0x250]*seg
	extended [0x100]*seg
}

var loadLatinTable = sync.OnceValue(func() *latinTable {
	t := new(latinTable)
	for r := rune(0x80); r < 0x250; r++ {
		t.low[r] = latinLetter(r)
	}
	for i := range t.extended {
		t.extended[i] = latinLetter(0x1E00 + rune(i))
	}
	return t
})

// latinLetter returns the segment of a Latin letter outside ASCII: its
// spelled-out form, or the ASCII letter its canonical decomposition starts
// with (é is e and a combining acute). It returns nil for anything else.
func latinLetter(r rune) *seg {
	if g := latinSpecial(r); g != nil {
		return g
	}
	var buf [4]byte
	n := utf8.EncodeRune(buf[:], r)
	d := norm.NFD.Properties(buf[:n]).Decomposition()
	if len(d) == 0 {
		return nil
	}
	base, _ := utf8.DecodeRune(d)
	switch {
	case base >= 'A' && base <= 'Z':
		return &asciiSegs[base-'A']
	case base >= 'a' && base <= 'z':
		return &asciiSegs[base-'a']
	}
	return latinSpecial(base)
}

func isApostrophe(r rune) bool {
	switch r {
	case '’', 'ʼ', '´', 'ʻ', '‘':
		return true
	}
	return false
}
