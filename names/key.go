package names

// Key returns the phonetic key of a normalised token (letters outside A–Z
// are skipped). The key is this package's own consonant skeleton, built
// for names that reach Latin letters through different transliteration
// systems:
//
//   - vowels are dropped, except that a word-initial vowel is kept as A;
//     a word-initial I, Y or J before a vowel is the glide J (IURII, YURI,
//     JURIJ → JR), but before E the glide goes, since the Cyrillic Е and Є
//     that begin a name are written E, YE, JE or IE (ELENA, YELENA, JELENA
//     → ALN); inside a word I, Y and J are vowels (SERGEI, SERGEY, SERGEJ
//     → SRK; FJODOROW, FEDOROV → FTRF, as German and Polish write Ё, Ю, Я);
//   - consonants fall into classes that transliterations confuse: B P → P;
//     F V W PH → F; D T TH DH DT → T; G K C(hard) Q CK GH → K; S Z TS TZ
//     C(soft, before E I Y) → S; X → KS; SH SCH SZ CZ TCH TSCH SHCH and CH
//     before a vowel or at the end → X; ZH DJ DZ and an initial J → J; KH,
//     H and CH before a consonant → H; L, M, N, R stay;
//   - a doubled letter counts once, as does a class repeated with no vowel
//     between (MOHAMMED, MUHAMAD → MHMT), and a final H is silent
//     (ABDULLAH, ABDULLA → APTL).
//
// So SHEVCHENKO, SCHEWTSCHENKO (German) and SZEWCZENKO (Polish) all give
// XFXNK, KHRUSHCHEV and CHRUSCHTSCHOW give HRXF, MHMD (Arabic محمد without
// vowels) and MEHMET give MHMT.
//
// Why not an existing scheme: Soundex keeps the first letter verbatim (so
// KHALED/HALED, YURI/IURII/JURI split) and is too coarse after that;
// Double Metaphone is tuned to English spelling and its silent-letter rules
// hurt transliterated names; Daitch–Mokotoff gives several six-digit codes
// per name and is built for Slavic and Yiddish surnames only. One short key
// per token also keeps an index over millions of names small.
func Key(token string) string {
	var buf [48]byte
	return string(appendKey(buf[:0], token))
}

// appendKey appends the key of s to dst.
func appendKey[T string | []byte](dst []byte, s T) []byte {
	start := len(dst)
	var last byte // last class written, 0 after a vowel
	seen := false // a letter has been read
	for i := 0; i < len(s); {
		c := s[i]
		if c < 'A' || c > 'Z' {
			i++
			continue
		}
		initial := !seen
		seen = true
		nx := at(s, i+1)
		if i > 0 && s[i-1] == c && !isVowel(c) {
			i++ // doubled consonant
			continue
		}
		code, n := byte(0), 1
		switch c {
		case 'A', 'E', 'O', 'U':
			if initial {
				code = 'A'
			}
		case 'I', 'Y':
			switch {
			case initial && nx == 'E':
				code = 'A' // the glide of Cyrillic Е, Є: YELENA, IEVGEN
			case initial && isVowel(nx):
				code = 'J'
			case initial:
				code = 'A'
			}
		case 'J':
			switch {
			case initial && nx == 'E':
				code = 'A' // JELENA, JEGOROW
			case initial:
				code = 'J'
			}
		case 'B', 'P':
			code = 'P'
			if c == 'P' && nx == 'H' {
				code, n = 'F', 2
			}
		case 'F', 'V', 'W':
			code = 'F'
		case 'D':
			code = 'T'
			switch nx {
			case 'T', 'H':
				n = 2
			case 'J':
				code, n = 'J', 2
			case 'Z':
				code, n = 'J', 2
				if at(s, i+2) == 'H' {
					n = 3
				}
			}
		case 'T':
			code = 'T'
			switch {
			case nx == 'S' && at(s, i+2) == 'C' && at(s, i+3) == 'H':
				code, n = 'X', 4
			case nx == 'C' && at(s, i+2) == 'H':
				code, n = 'X', 3
			case nx == 'H':
				n = 2
			case nx == 'S' || nx == 'Z':
				code, n = 'S', 2
			}
		case 'G':
			code = 'K'
			if nx == 'H' {
				n = 2
			}
		case 'K':
			code = 'K'
			if nx == 'H' {
				code, n = 'H', 2
			}
		case 'Q':
			code = 'K'
		case 'C':
			switch nx {
			case 'H':
				code, n = 'X', 2
				if a := at(s, i+2); a != 0 && !isVowel(a) {
					code = 'H'
				}
			case 'K':
				code, n = 'K', 2
			case 'Z':
				code, n = 'X', 2
			case 'E', 'I', 'Y':
				code = 'S'
			default:
				code = 'K'
			}
		case 'S':
			code = 'S'
			switch {
			case nx == 'C' && at(s, i+2) == 'H':
				code, n = 'X', 3
			case nx == 'H':
				code, n = 'X', 2
				if at(s, i+2) == 'C' && at(s, i+3) == 'H' {
					n = 4
				}
			case nx == 'Z':
				code, n = 'X', 2
			}
		case 'X':
			dst = appendCode(dst, &last, 'K')
			code = 'S'
		case 'Z':
			code = 'S'
			if nx == 'H' {
				code, n = 'J', 2
			}
		case 'H':
			if nx != 0 {
				code = 'H'
			}
		default: // L M N R
			code = c
		}
		vowel := isVowel(c) || (c == 'J' && code == 0)
		switch {
		case code != 0:
			dst = appendCode(dst, &last, code)
		case vowel:
			last = 0
		}
		i += n
	}
	if len(dst) == start && seen {
		// A name of vowels and silent letters keeps one letter.
		dst = append(dst, 'A')
	}
	return dst
}

func appendCode(dst []byte, last *byte, code byte) []byte {
	if code != *last {
		dst = append(dst, code)
	}
	*last = code
	return dst
}

// at returns s[i], or 0 past the end or on a byte outside A–Z.
func at[T string | []byte](s T, i int) byte {
	if i < len(s) && s[i] >= 'A' && s[i] <= 'Z' {
		return s[i]
	}
	return 0
}
