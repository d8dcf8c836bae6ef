package names

import "unicode"

// cyrLang is the language a Cyrillic name is read in; it changes a few
// letters of the ICAO table (Doc 9303 Part 3 §6, Cyrillic table notes).
type cyrLang uint8

const (
	langRussian cyrLang = iota
	langUkrainian
	langBelarusian
	langBulgarian
	langSerbian
	langMacedonian
)

// cyrillic holds the ICAO 9303 transliteration of the upper-case Cyrillic
// letters U+0400–U+04FF in the Russian reading, with the English, German,
// French and Polish spellings as systems 1–4.
var cyrillic = [256]seg{
	0x00: s1("E"),                                          // Ѐ
	0x01: sN("E", "YO", "JO", "IO", "IO"),                  // Ё
	0x02: s1("D", "DJ"),                                    // Ђ
	0x03: s1("G", "GJ"),                                    // Ѓ
	0x04: sN("IE", "YE", "JE", "IE", "JE"),                 // Є
	0x05: s1("DZ"),                                         // Ѕ
	0x06: s1("I"),                                          // І
	0x07: sN("I", "YI", "JI", "I", "JI"),                   // Ї
	0x08: s1("J"),                                          // Ј
	0x09: s1("LJ"),                                         // Љ
	0x0A: s1("NJ"),                                         // Њ
	0x0B: s1("C", "CH"),                                    // Ћ
	0x0C: s1("K", "KJ"),                                    // Ќ
	0x0D: s1("I"),                                          // Ѝ
	0x0E: s1("U"),                                          // Ў
	0x0F: s1("DZ", "DJ"),                                   // Џ
	0x10: s1("A"),                                          // А
	0x11: s1("B"),                                          // Б
	0x12: sN("V", "V", "W", "V", "W"),                      // В
	0x13: s1("G"),                                          // Г
	0x14: s1("D"),                                          // Д
	0x15: s1("E"),                                          // Е (see cyrE for the word-initial form)
	0x16: withExtra(sN("ZH", "ZH", "SCH", "J", "Z"), "J"),  // Ж
	0x17: sN("Z", "Z", "S", "Z", "Z"),                      // З
	0x18: s1("I", "Y"),                                     // И
	0x19: sN("I", "Y", "J", "I", "J"),                      // Й
	0x1A: s1("K"),                                          // К
	0x1B: s1("L"),                                          // Л
	0x1C: s1("M"),                                          // М
	0x1D: s1("N"),                                          // Н
	0x1E: s1("O"),                                          // О
	0x1F: s1("P"),                                          // П
	0x20: s1("R"),                                          // Р
	0x21: s1("S"),                                          // С
	0x22: s1("T"),                                          // Т
	0x23: sN("U", "U", "U", "OU", "U"),                     // У
	0x24: s1("F"),                                          // Ф
	0x25: withExtra(sN("KH", "KH", "CH", "KH", "CH"), "H"), // Х
	0x26: sN("TS", "TS", "Z", "TS", "C"),                   // Ц
	0x27: sN("CH", "CH", "TSCH", "TCH", "CZ"),              // Ч
	0x28: sN("SH", "SH", "SCH", "CH", "SZ"),                // Ш
	0x29: sN("SHCH", "SHCH", "SCHTSCH", "CHTCH", "SZCZ"),   // Щ
	0x2A: sN("IE", "", "", "", ""),                         // Ъ
	0x2B: s1("Y", "I"),                                     // Ы
	0x2C: s1(""),                                           // Ь
	0x2D: s1("E"),                                          // Э
	0x2E: sN("IU", "YU", "JU", "IOU", "JU"),                // Ю
	0x2F: sN("IA", "YA", "JA", "IA", "JA"),                 // Я
	0x90: s1("G"),                                          // Ґ
	0x92: s1("G", "GH"),                                    // Ғ
	0x9A: s1("K", "Q"),                                     // Қ
	0xA2: s1("N", "NG"),                                    // Ң
	0xAE: s1("U"),                                          // Ү
	0xB0: s1("U"),                                          // Ұ
	0xB2: s1("H", "KH"),                                    // Ҳ
	0xB6: s1("J", "CH"),                                    // Ҷ
	0xBA: s1("H"),                                          // Һ
	0xD8: s1("A"),                                          // Ә
	0xE2: s1("I"),                                          // Ӣ
	0xE8: s1("O"),                                          // Ө
	0xEE: s1("U"),                                          // Ӯ
}

// cyrE is Е at the start of a word or after a vowel, where English,
// German and Polish spellings write a Y or J before it (Елена: ELENA,
// YELENA, JELENA).
var cyrE = withExtra(sN("E", "YE", "JE", "E", "JE"), "IE")

// cyrYo is Ё after Ж, Ч, Ш, Щ, where the other systems write O
// (Хрущёв: KHRUSHCHEV, KHRUSHCHOV, CHRUSCHTSCHOW).
var cyrYo = withExtra(sN("E", "O", "O", "O", "O"), "YO")

// Language-specific readings that replace the Russian one (ICAO 9303
// Cyrillic table notes; the Bulgarian Ъ follows the Bulgarian 2009 law).
// Serbian Г stays G: Serbian Latin spelling writes G and the H of the ICAO
// table's Serbian column would make every Serbian G a mismatch.
var (
	ukrG   = withExtra(s1("H"), "G")
	ukrI   = withExtra(s1("Y"), "I")
	belE   = sN("IO", "YO", "JO", "IO", "IO")
	bulSht = s1("SHT", "SHCH")
	bulA   = s1("A", "U")
	srpZ   = s1("Z", "ZH")
	srpH   = s1("H", "KH")
	srpC   = s1("C", "TS")
	srpCh  = s1("C", "CH")
	srpS   = s1("S", "SH")
	mkdGJ  = s1("GJ", "G")
	mkdKJ  = s1("KJ", "K")
	mkdDJ  = s1("DJ", "DZ")
	mkdCh  = s1("CH", "C")
)

// cyrOverride returns the language-specific reading of upper-case letter u,
// or nil when the Russian table applies.
func cyrOverride(lang cyrLang, u rune) *seg {
	switch lang {
	case langUkrainian:
		switch u {
		case 'Г':
			return &ukrG
		case 'И':
			return &ukrI
		}
	case langBelarusian:
		switch u {
		case 'Г':
			return &ukrG
		case 'Ё':
			return &belE
		}
	case langBulgarian:
		switch u {
		case 'Щ':
			return &bulSht
		case 'Ъ':
			return &bulA
		}
	case langSerbian:
		switch u {
		case 'Ж':
			return &srpZ
		case 'Х':
			return &srpH
		case 'Ц', 'Ћ':
			return &srpC
		case 'Ч':
			return &srpCh
		case 'Ш':
			return &srpS
		}
	case langMacedonian:
		switch u {
		case 'Ѓ':
			return &mkdGJ
		case 'Ќ':
			return &mkdKJ
		case 'Џ':
			return &mkdDJ
		case 'Х':
			return &srpH
		case 'Ц':
			return &srpC
		case 'Ч':
			return &mkdCh
		}
	}
	return nil
}

// cyrUpper upper-cases a Cyrillic letter.
func cyrUpper(r rune) rune {
	switch {
	case r >= 0x430 && r <= 0x44F:
		return r - 0x20
	case r >= 0x450 && r <= 0x45F:
		return r - 0x50
	case r >= 0x460:
		return unicode.ToUpper(r)
	}
	return r
}

func isCyrillic(r rune) bool { return r >= 0x400 && r <= 0x4FF }

// detectCyrillic guesses the language of the Cyrillic letters in s from
// the letters only some alphabets have: Ѓ Ќ Ѕ Macedonian; Ђ Ћ Ј Љ Њ Џ
// Serbian; Ў Belarusian, as is І in a text that also has Ы or Э; Є Ї Ґ and
// other І Ukrainian; Ъ before a consonant Bulgarian. Otherwise Russian.
func detectCyrillic(s string) cyrLang {
	var mk, sr, be, uk, bg, i, yEh bool
	prevHard := false
	for _, r := range s {
		if !isCyrillic(r) {
			prevHard = false
			continue
		}
		u := cyrUpper(r)
		if prevHard && !isCyrVowel(u) {
			bg = true
		}
		prevHard = u == 'Ъ'
		switch u {
		case 'Ѓ', 'Ќ', 'Ѕ':
			mk = true
		case 'Ђ', 'Ћ', 'Ј', 'Љ', 'Њ', 'Џ':
			sr = true
		case 'Ў':
			be = true
		case 'Є', 'Ї', 'Ґ':
			uk = true
		case 'І':
			i = true
		case 'Ы', 'Э':
			yEh = true
		}
	}
	if prevHard {
		bg = true
	}
	switch {
	case mk:
		return langMacedonian
	case sr:
		return langSerbian
	case be, i && yEh:
		return langBelarusian
	case uk, i:
		return langUkrainian
	case bg:
		return langBulgarian
	}
	return langRussian
}

func isCyrVowel(u rune) bool {
	switch u {
	case 'А', 'Е', 'Ё', 'И', 'І', 'Ї', 'О', 'У', 'Ы', 'Э', 'Ю', 'Я', 'Є':
		return true
	}
	return false
}

func (c *cursor) cyrillicStep(r rune) *seg {
	u := cyrUpper(r)
	prev := c.prev
	c.prev = u
	if g := cyrOverride(c.lang, u); g != nil {
		return g
	}
	switch {
	case u == 'Е' && (prev == 0 || isCyrVowel(prev)):
		return &cyrE
	case u == 'Ё' && (prev == 'Ж' || prev == 'Ч' || prev == 'Ш' || prev == 'Щ'):
		return &cyrYo
	}
	g := &cyrillic[u-0x400]
	if g.forms == nil { // historic letters and combining marks
		return &dropSeg
	}
	return g
}

// apostrophe returns dropSeg for an apostrophe of n bytes at i inside a
// Cyrillic word: Ukrainian and Belarusian write one there (Мар'яна) and
// ICAO drops it. Elsewhere an apostrophe separates words (O'BRIEN).
func (c *cursor) apostrophe(i, n int) *seg {
	if isCyrillic(c.prev) && isCyrillic(c.peek(i+n)) {
		return &dropSeg
	}
	return nil
}
