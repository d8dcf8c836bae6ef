package names

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"secunion"
)

// MaxBytes is the longest name part Check accepts, in bytes of UTF-8.
const MaxBytes = 200

// Check reports, as an Invalid *secunion.Error, why s cannot be a name
// part: longer than MaxBytes, not valid UTF-8, or holding a control
// character (C0/C1 controls, tabs and newlines included, and the
// bidirectional overrides and isolates that can disguise text). The
// message never repeats s.
func Check(s string) error {
	if len(s) > MaxBytes {
		return secunion.Errorf(secunion.Invalid, "name is %d bytes long; at most %d bytes are accepted", len(s), MaxBytes)
	}
	if !utf8.ValidString(s) {
		return secunion.Errorf(secunion.Invalid, "name is not valid UTF-8")
	}
	for i, r := range s {
		if unicode.IsControl(r) || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) {
			return secunion.Errorf(secunion.Invalid, "name has a control character U+%04X at byte %d", r, i)
		}
	}
	return nil
}

// Normalize returns s in the matching alphabet: upper-case A–Z words
// separated by single spaces. It applies Unicode NFKC (full-width letters,
// ligatures and Arabic presentation forms become plain letters), removes
// diacritics through canonical decomposition (José → JOSE, Müller →
// MULLER), spells out the Latin letters that do not decompose (ß → SS,
// Ø → O, Æ → AE, Ł → L, Đ → D, Þ → TH), transliterates Cyrillic, Greek and
// Arabic with the primary tables of this package, and turns everything
// else — spaces, hyphens, apostrophes, dots, digits, letters of other
// scripts — into word breaks. Normalize never fails; call Check first to
// refuse bad input. Normalize(Normalize(s)) == Normalize(s).
func Normalize(s string) string {
	switch {
	case isNormal(s):
		return s
	case isASCII(s):
		return normalizeASCII(s)
	}
	return transliterate(s, false)
}

// normalizeASCII is Normalize for ASCII text: letters upper-cased, every
// other byte a word break.
func normalizeASCII(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		case c >= 'A' && c <= 'Z':
		default:
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteByte(c)
	}
	return b.String()
}

// normalizeMRZ is Normalize with the ICAO MRZ spelling of Ä, Ö, Ü, Å and Ø
// (AE, OE, UE, AA, OE; Doc 9303 Part 3 §6.A).
func normalizeMRZ(s string) string { return transliterate(s, true) }

// normalizeOther is Normalize with Cyrillic read the other way round (see
// otherReading), or "" when s has no Cyrillic.
func normalizeOther(s string) string {
	c := newCursor(s)
	if !hasCyrillic(c.s) {
		return ""
	}
	return write(otherReading(c), false)
}

// otherReading returns c set to read Cyrillic in Ukrainian if it was to
// read it in Russian (or Bulgarian, Serbian, Macedonian), and in Russian
// otherwise: a Ukrainian name need not have a letter Russian lacks.
func otherReading(c cursor) cursor {
	c.prev = 0
	if c.lang == langUkrainian || c.lang == langBelarusian {
		c.lang = langRussian
	} else {
		c.lang = langUkrainian
	}
	return c
}

// transliterate writes s in the matching alphabet, in the primary forms,
// or with mrz in the ICAO MRZ forms of the Latin letters that have one.
func transliterate(s string, mrz bool) string { return write(newCursor(s), mrz) }

// write is transliterate for a prepared cursor.
func write(c cursor, mrz bool) string {
	s := c.s
	var b strings.Builder
	b.Grow(len(s) + 8)
	space := false
	var last *seg
	for i := 0; i < len(s); {
		g, n := c.next(i)
		i += n
		switch g.kind {
		case segSep:
			space = b.Len() > 0
			c.prev = 0
			continue
		case segRepeat:
			if last == nil {
				continue
			}
			g = last
		}
		f := g.forms[0]
		if mrz && g.mrz {
			f = g.forms[1]
		}
		if f != "" {
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteString(f)
			last = g
		}
		if g.brk {
			space = b.Len() > 0
		}
	}
	return b.String()
}

// newCursor prepares s for transliteration: NFKC when needed, the Arabic
// shadda moved next to its consonant, the Cyrillic language detected.
func newCursor(s string) cursor {
	if isASCII(s) {
		return cursor{s: s}
	}
	if needsNFKC(s) {
		s = norm.NFKC.String(s)
	}
	if strings.ContainsRune(s, shadda) {
		s = shaddaFirst(s)
	}
	c := cursor{s: s}
	if hasCyrillic(s) {
		c.lang = detectCyrillic(s)
	}
	return c
}

// isNormal reports whether s is already in the matching alphabet, so that
// Normalize can return it without copying.
func isNormal(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' {
			if i == 0 || i == len(s)-1 || s[i-1] == ' ' {
				return false
			}
			continue
		}
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

// needsNFKC reports whether s may change under NFKC. It says no, without
// the cost of the full quick check, for text made only of the letters
// names mostly use, which are already NFKC: ASCII, precomposed Latin
// (Vietnamese included) without compatibility decompositions, basic
// Greek, Cyrillic and Arabic
// (without the madda and hamza marks that compose with alif, waw and yeh).
// Marks in those blocks may still be out of canonical order; the one
// order that matters, the shadda's, is fixed by shaddaFirst.
func needsNFKC(s string) bool {
	for _, r := range s {
		switch {
		case r < 0x80,
			r >= 0xC0 && r < 0x250 && !latinCompat(r),
			r >= 0x1E00 && r <= 0x1EFF && r != 0x1E9A && r != 0x1E9B,
			r == 0x386 || r >= 0x388 && r <= 0x3CE,
			r >= 0x400 && r <= 0x4FF,
			r >= 0x600 && r <= 0x6FF && (r < 0x653 || r > 0x655) && (r < 0x675 || r > 0x678):
			continue
		}
		return true
	}
	return false
}

// latinCompat reports the Latin letters below U+0250 that have a
// compatibility decomposition (Ĳ, Ŀ, ŉ, ſ, Ǆ–ǌ, Ǳ–ǳ).
func latinCompat(r rune) bool {
	switch {
	case r == 0x132, r == 0x133, r == 0x13F, r == 0x140, r == 0x149, r == 0x17F,
		r >= 0x1C4 && r <= 0x1CC, r >= 0x1F1 && r <= 0x1F3:
		return true
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func hasCyrillic(s string) bool {
	for i := 0; i < len(s); i++ {
		// Cyrillic U+0400–U+04FF is encoded with lead bytes 0xD0–0xD3.
		if c := s[i]; c >= 0xD0 && c <= 0xD3 {
			return true
		}
	}
	return false
}
