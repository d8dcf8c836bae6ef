package names

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// greek holds the ICAO 9303 / ELOT 743 transliteration of the upper-case
// Greek letters Α–Ω (U+0391–U+03A9); system 1 is the simplified phonetic
// spelling (Η, Υ, ΟΙ all I), system 2 the classical one (Β B, Η E, Φ PH).
var greek = [25]seg{
	s1("A"),                              // Α
	withExtra(sN("V", "V", "B"), "B"),    // Β
	withExtra(s1("G"), "GH", "Y"),        // Γ
	withExtra(s1("D"), "DH"),             // Δ
	s1("E"),                              // Ε
	s1("Z"),                              // Ζ
	withExtra(sN("I", "I", "E"), "E"),    // Η
	s1("TH", "T"),                        // Θ
	s1("I"),                              // Ι
	s1("K", "C"),                         // Κ
	s1("L"),                              // Λ
	s1("M"),                              // Μ
	s1("N"),                              // Ν
	s1("X", "KS"),                        // Ξ
	s1("O"),                              // Ο
	s1("P"),                              // Π
	s1("R"),                              // Ρ
	s1(""),                               // U+03A2 is unassigned
	s1("S"),                              // Σ
	s1("T"),                              // Τ
	withExtra(sN("Y", "I", "Y"), "I"),    // Υ
	sN("F", "F", "PH"),                   // Φ
	withExtra(sN("CH", "H", "CH"), "KH"), // Χ
	s1("PS"),                             // Ψ
	s1("O"),                              // Ω
}

// Greek digraphs (ELOT 743, which Greek passports apply).
var (
	grOU    = sN("OU", "U", "OU")
	grAI    = withExtra(sN("AI", "E", "AI"), "AE")
	grEI    = sN("EI", "I", "EI")
	grOI    = sN("OI", "I", "OI")
	grAV    = withExtra(sN("AV", "AV", "AU"), "AF")
	grAF    = withExtra(sN("AF", "AF", "AU"), "AV")
	grEV    = withExtra(sN("EV", "EV", "EU"), "EF")
	grEF    = withExtra(sN("EF", "EF", "EU"), "EV")
	grIV    = sN("IV", "IV", "EU")
	grIF    = sN("IF", "IF", "EU")
	grMPi   = withExtra(sN("B", "B", "MP"), "MP")
	grMP    = withExtra(sN("MP", "MB", "MP"), "B")
	grNTi   = withExtra(sN("D", "D", "NT"), "NT")
	grNT    = withExtra(sN("NT", "ND", "NT"), "D")
	grNG    = s1("NG", "GG")
	grGKi   = withExtra(sN("G", "G", "GK"), "GK")
	grGK    = s1("NG", "GK")
	grNX    = s1("NX", "NKS")
	grNCH   = s1("NCH", "NKH")
	grGIvow = s1("GI", "Y", "I", "J", "YI")
)

// greekBase returns the upper-case base letter of a Greek letter (Α–Ω),
// whether it carries a diaeresis (which stops it joining a digraph), and
// false for runes that are not Greek letters.
func greekBase(r rune) (rune, bool, bool) {
	switch {
	case r >= 0x391 && r <= 0x3A9 && r != 0x3A2:
		return r, false, true
	case r >= 0x3B1 && r <= 0x3C9:
		if r == 0x3C2 { // ς
			return 'Σ', false, true
		}
		return r - 0x20, false, true
	}
	if b, diaer := greekAccented(r); b != 0 {
		return b, diaer, true
	}
	switch {
	case (r >= 0x370 && r <= 0x3FF) || (r >= 0x1F00 && r <= 0x1FFF):
		var buf [4]byte
		n := utf8.EncodeRune(buf[:], r)
		d := norm.NFD.Properties(buf[:n]).Decomposition()
		if len(d) == 0 {
			return 0, false, false
		}
		b, size := utf8.DecodeRune(d)
		diaer := false
		for rest := d[size:]; len(rest) > 0; {
			m, k := utf8.DecodeRune(rest)
			diaer = diaer || m == 0x308
			rest = rest[k:]
		}
		base, _, ok := greekBase(b)
		return base, diaer, ok
	}
	return 0, false, false
}

// greekAccented reads the monotonic Greek letters with tonos or
// diaeresis without a decomposition lookup.
func greekAccented(r rune) (rune, bool) {
	switch r {
	case 'Ά', 'ά':
		return 'Α', false
	case 'Έ', 'έ':
		return 'Ε', false
	case 'Ή', 'ή':
		return 'Η', false
	case 'Ί', 'ί':
		return 'Ι', false
	case 'Ό', 'ό':
		return 'Ο', false
	case 'Ύ', 'ύ':
		return 'Υ', false
	case 'Ώ', 'ώ':
		return 'Ω', false
	case 'Ϊ', 'ϊ', 'ΐ':
		return 'Ι', true
	case 'Ϋ', 'ϋ', 'ΰ':
		return 'Υ', true
	}
	return 0, false
}

func greekVoiceless(b rune) bool {
	switch b {
	case 'Θ', 'Κ', 'Ξ', 'Π', 'Σ', 'Τ', 'Φ', 'Χ', 'Ψ':
		return true
	}
	return false
}

func greekVowel(b rune) bool {
	switch b {
	case 'Α', 'Ε', 'Η', 'Ι', 'Ο', 'Υ', 'Ω':
		return true
	}
	return false
}

func (c *cursor) greekStep(i int, r rune, n int) (*seg, int) {
	b, _, ok := greekBase(r)
	if !ok {
		if unicode.IsMark(r) {
			return &dropSeg, n
		}
		c.prev = 0
		return &sepSeg, n
	}
	initial := c.prev == 0
	c.prev = b
	r2, n2 := utf8.DecodeRuneInString(c.s[i+n:])
	b2, d2, ok2 := greekBase(r2)
	if !ok2 {
		return &greek[b-'Α'], n
	}
	b3, _, ok3 := greekBase(c.peek(i + n + n2))
	if !ok3 {
		b3 = 0
	}
	two := n + n2
	switch {
	case b2 == 'Υ' && !d2 && (b == 'Α' || b == 'Ε' || b == 'Η'):
		c.prev = b2
		f := b3 == 0 || greekVoiceless(b3)
		switch {
		case b == 'Α' && f:
			return &grAF, two
		case b == 'Α':
			return &grAV, two
		case b == 'Ε' && f:
			return &grEF, two
		case b == 'Ε':
			return &grEV, two
		case f:
			return &grIF, two
		}
		return &grIV, two
	case b == 'Ο' && b2 == 'Υ' && !d2:
		c.prev = b2
		return &grOU, two
	case b2 == 'Ι' && !d2 && (b == 'Α' || b == 'Ε' || b == 'Ο'):
		c.prev = b2
		switch b {
		case 'Α':
			return &grAI, two
		case 'Ε':
			return &grEI, two
		}
		return &grOI, two
	case b == 'Μ' && b2 == 'Π':
		c.prev = b2
		if initial {
			return &grMPi, two
		}
		return &grMP, two
	case b == 'Ν' && b2 == 'Τ':
		c.prev = b2
		if initial {
			return &grNTi, two
		}
		return &grNT, two
	case b == 'Γ' && b2 == 'Γ':
		c.prev = b2
		return &grNG, two
	case b == 'Γ' && b2 == 'Κ':
		c.prev = b2
		if initial {
			return &grGKi, two
		}
		return &grGK, two
	case b == 'Γ' && b2 == 'Ξ':
		c.prev = b2
		return &grNX, two
	case b == 'Γ' && b2 == 'Χ':
		c.prev = b2
		return &grNCH, two
	case b == 'Γ' && b2 == 'Ι' && !d2 && b3 != 0 && greekVowel(b3):
		c.prev = b2
		return &grGIvow, two
	}
	return &greek[b-'Α'], n
}
