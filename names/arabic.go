package names

import (
	"strings"
	"unicode/utf8"
)

// arabic holds the transliteration of the Arabic block U+0600–U+06FF:
// the consonants of ICAO 9303 Part 3 Table C with its MRZ escape letter X
// dropped (XKH is KH, XH is H, XSS is S, …), systems 1 and 2 the common
// English and French (Maghreb) spellings, and the harakat when written.
// و, ي, ة and ال depend on their neighbours and are read in arabicStep.
var arabic = [256]seg{
	0x0C: sepSeg,                                          // ، comma
	0x1B: sepSeg,                                          // ؛
	0x1F: sepSeg,                                          // ؟
	0x21: s1(""),                                          // ء hamza
	0x22: s1("A", "AA"),                                   // آ
	0x23: s1("A", "O", "E", "I"),                          // أ
	0x24: s1("U", "O"),                                    // ؤ
	0x25: s1("I", "E", "A"),                               // إ
	0x26: s1("I", "Y", "E", ""),                           // ئ
	0x27: s1("A", "AA", "E"),                              // ا
	0x28: s1("B"),                                         // ب
	0x2A: s1("T"),                                         // ت
	0x2B: withExtra(sN("TH", "TH", "T"), "S"),             // ث
	0x2C: withExtra(sN("J", "J", "DJ"), "G"),              // ج
	0x2D: s1("H"),                                         // ح
	0x2E: withExtra(s1("KH"), "H", "CH"),                  // خ
	0x2F: s1("D"),                                         // د
	0x30: withExtra(sN("DH", "DH", "D"), "Z"),             // ذ
	0x31: s1("R"),                                         // ر
	0x32: s1("Z"),                                         // ز
	0x33: s1("S"),                                         // س
	0x34: sN("SH", "SH", "CH"),                            // ش
	0x35: s1("S", "SS"),                                   // ص
	0x36: s1("D", "DH"),                                   // ض
	0x37: s1("T"),                                         // ط
	0x38: s1("Z", "DH"),                                   // ظ
	0x39: withExtra(sN("E", "A", "A"), "", "O", "U", "I"), // ع
	0x3A: withExtra(sN("G", "GH", "GH"), "R"),             // غ
	0x40: dropSeg,                                         // tatweel
	0x41: s1("F"),                                         // ف
	0x42: withExtra(sN("Q", "Q", "K"), "K", "G"),          // ق
	0x43: s1("K"),                                         // ك
	0x44: s1("L"),                                         // ل
	0x45: s1("M"),                                         // م
	0x46: s1("N"),                                         // ن
	0x47: s1("H"),                                         // ه
	0x49: s1("A", "Y", "I"),                               // ى alif maqsura
	0x4B: dropSeg, 0x4C: dropSeg, 0x4D: dropSeg,           // tanwin
	0x4E: s1("A"),      // fatha
	0x4F: s1("U", "O"), // damma
	0x50: s1("I", "E"), // kasra
	0x51: repeatSeg,    // shadda
	0x52: dropSeg,      // sukun
	0x53: dropSeg, 0x54: dropSeg, 0x55: dropSeg,
	0x56: dropSeg, 0x57: dropSeg, 0x58: dropSeg,
	0x60: sepSeg, 0x61: sepSeg, 0x62: sepSeg, 0x63: sepSeg, 0x64: sepSeg, // digits
	0x65: sepSeg, 0x66: sepSeg, 0x67: sepSeg, 0x68: sepSeg, 0x69: sepSeg,
	0x70: s1("A"),                                                        // dagger alif
	0x71: s1("A"),                                                        // alif wasla
	0x79: s1("T"),                                                        // ٹ
	0x7E: s1("P"),                                                        // پ
	0x86: s1("CH"),                                                       // چ
	0x88: s1("D"),                                                        // ڈ
	0x91: s1("R"),                                                        // ڑ
	0x98: s1("ZH", "J"),                                                  // ژ
	0xA4: s1("V"),                                                        // ڤ
	0xA9: s1("K"),                                                        // ک
	0xAF: s1("G"),                                                        // گ
	0xBA: s1("N"),                                                        // ں
	0xBE: s1("H"),                                                        // ھ
	0xC1: s1("H"),                                                        // ہ
	0xD2: s1("E"),                                                        // ے
	0xD5: s1("E"),                                                        // ە
	0xF0: sepSeg, 0xF1: sepSeg, 0xF2: sepSeg, 0xF3: sepSeg, 0xF4: sepSeg, // Persian digits
	0xF5: sepSeg, 0xF6: sepSeg, 0xF7: sepSeg, 0xF8: sepSeg, 0xF9: sepSeg,
}

// Contextual Arabic readings.
var (
	arW       = withExtra(sN("W", "W", "OU"), "V", "U")  // و as a consonant
	arU       = withExtra(sN("U", "OO", "OU"), "O", "W") // و as the long vowel
	arY       = s1("Y", "I", "J")                        // ي as a consonant
	arI       = withExtra(sN("I", "EE", "I"), "Y", "E")  // ي as the long vowel
	arTaFinal = withExtra(sN("A", "AH", "A"), "E", "AT") // ة ending a word (ICAO XAH)
	arTa      = s1("T", "A")                             // ة inside a word (ICAO XTA)
	arArticle = seg{forms: []string{"AL", "AL", "EL"}, extra: []string{"EL"}, brk: true}
)

func isArabicLetter(r rune) bool {
	return (r >= 0x621 && r <= 0x64A) || (r >= 0x671 && r <= 0x6D5)
}

func (c *cursor) arabicStep(i int, r rune, n int) (*seg, int) {
	prev := c.prev
	initial := prev == 0
	next := c.peek(i + n)
	switch r {
	case 0x627: // ا: the article ال opens a word with at least three more letters
		if initial && next == 0x644 && arabicLettersFrom(c.s[i+n+2:]) >= 3 {
			c.prev = 0
			return &arArticle, n + 2
		}
	case 0x648: // و: a consonant at the start, next to alif, before yeh
		c.prev = r
		if initial || next == 0x627 || prev == 0x627 || next == 0x64A || next == 0x6CC {
			return &arW, n
		}
		return &arU, n
	case 0x64A, 0x6CC: // ي, Persian ی
		c.prev = r
		if initial || next == 0x627 || next == 0x648 || prev == 0x627 {
			return &arY, n
		}
		return &arI, n
	case 0x629, 0x6C0: // ة, ۀ
		c.prev = r
		if !isArabicLetter(next) {
			return &arTaFinal, n
		}
		return &arTa, n
	}
	g := &arabic[r-0x600]
	switch {
	case g.forms == nil:
		return &dropSeg, n
	case g.kind == segSep:
		c.prev = 0
	case isArabicLetter(r):
		c.prev = r
	}
	return g, n
}

// arabicLettersFrom counts the Arabic letters at the start of s, up to the
// end of the word.
func arabicLettersFrom(s string) int {
	count := 0
	for _, r := range s {
		if r >= 0x64B && r <= 0x652 { // harakat
			continue
		}
		if !isArabicLetter(r) {
			break
		}
		count++
	}
	return count
}

// shadda is the Arabic sign that doubles the consonant it is written on.
const shadda = 0x651

// shaddaFirst puts each shadda before the vowel marks that share its
// consonant: canonical ordering writes fatha (class 30) before shadda
// (class 33), but the shadda doubles the consonant, not the vowel.
func shaddaFirst(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		j := i
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if !isHaraka(r) {
				break
			}
			j += n
		}
		if j == i {
			_, n := utf8.DecodeRuneInString(s[i:])
			b.WriteString(s[i : i+n])
			i += n
			continue
		}
		marks := s[i:j]
		if strings.ContainsRune(marks, shadda) {
			b.WriteRune(shadda)
			marks = strings.ReplaceAll(marks, string(rune(shadda)), "")
		}
		b.WriteString(marks)
		i = j
	}
	return b.String()
}

// isHaraka reports the Arabic vowel signs, tanwin, shadda and sukun.
func isHaraka(r rune) bool { return (r >= 0x64B && r <= 0x652) || r == 0x670 }

// isBareArabic reports whether r, read as g, is an Arabic consonant
// written without a vowel letter of its own.
func isBareArabic(r rune, g *seg) bool {
	if !isArabicLetter(r) || g == &arU || g == &arI || g == &arTaFinal {
		return false
	}
	switch r {
	case 0x621, 0x622, 0x623, 0x624, 0x625, 0x626, 0x627, 0x649, 0x671:
		return false
	}
	f := g.forms[0]
	return f != "" && !isVowel(f[0])
}
