// Package names compares the identity data of persons across EU
// information systems: it normalises and transliterates names, keys them
// phonetically, scores how similar two names are and why, compares
// partial dates of birth, and decides whether two identities hold the same
// or similar identity data (DOMAIN.md §2, multiple-identity detection).
// It backs the in-memory name index and the MID link rules.
//
// # Normalisation
//
// Normalize writes every name in one matching alphabet: upper-case A–Z
// words separated by single spaces. Unicode NFKC folds compatibility forms
// (full-width letters, ligatures, Arabic presentation forms), canonical
// decomposition removes diacritics, and letters that do not decompose are
// spelled out (ß SS, Ø O, Æ AE, Œ OE, Ł L, Đ D, Þ TH). Hyphens,
// apostrophes, dots, digits and letters of scripts without a table here
// break words. Check refuses input that is longer than MaxBytes, not
// UTF-8, or holds control characters.
//
// # Transliteration
//
// Cyrillic follows ICAO Doc 9303 Part 3 §6 (Х KH, Ц TS, Ч CH, Ш SH, Щ SHCH,
// Ю IU, Я IA, Й I) with the language notes of its table: the language is
// recognised from letters only it has (Ukrainian Г H, И Y; Belarusian Г H,
// Ё IO; Bulgarian Щ SHT, Ъ A; Serbian and Macedonian letters). Greek
// follows ICAO 9303 / ELOT 743 as Greek passports apply it (Β V, Η I,
// Υ Y, Χ CH, ΟΥ OU, ΑΥ AV or AF, ΜΠ B at the start of a word). Arabic
// follows the consonants of ICAO 9303 Part 3 Table C without the MRZ
// escape letter X (ح H, خ KH, ث TH, ش SH, ع E, غ G, ق Q), reads و and ي
// as the long vowels U and I inside a word, ة at the end of a word as A,
// doubles a letter under shadda, writes written short vowels, and splits
// the article ال off as AL. Unwritten short vowels are left out: the
// phonetic key ignores vowels, and Variants adds the reading with a's.
// Variants spells a name in the other national systems (English, German,
// French, Polish for Cyrillic; phonetic and classical for Greek; English
// and French usage for Arabic; the ICAO MRZ umlauts for Latin) and with
// single-letter alternatives, at most MaxVariants spellings.
//
// # Tokens, particles, keys and spelling families
//
// Tokens joins particles to the name they precede (VAN DER BERG and
// VANDERBERG are one token VANDERBERG, whose core BERG matches BERG;
// AL-HASSAN, ALHASSAN and HASSAN likewise; Mc is written Mac). Key is a
// consonant-skeleton phonetic key designed here for transliterated names
// (its doc explains the classes and why not Soundex, Double Metaphone or
// Daitch–Mokotoff). Canonical maps a token to its spelling family among
// common given names (MOHAMMED, MUHAMMAD, MEHMET → MUHAMMAD).
//
// # Similarity
//
// Similarity scores two names in [0, 1] and explains which tokens matched
// how (exact, variant, particle, phonetic, typo, initial) and which are
// missing or different; its doc gives the scores and weights. It is
// symmetric, finds names written together or apart (JOHNPAUL, JOHN PAUL)
// and surname and given names swapped. Prepare and Compare let an index
// prepare each stored name once.
//
// # Dates of birth
//
// ParseDate reads YYYY-MM-DD, YYYY-MM and YYYY (00 or XX for unknown),
// refusing impossible and future dates; CompareDates says whether two
// dates are exact, compatible (partial and agreeing), day and month
// swapped, a year apart, one digit apart, different, or missing.
//
// # Same and similar identity data
//
// Same and Similar are this package's reading of Commission Delegated
// Regulations (EU) 2023/332 and 2023/333, whose annexes define same and
// similar identity data field by field (names after transliteration and
// normalisation, date of birth, sex, nationality); the annex text was not
// at hand word for word, so the rules are stated in full in the functions'
// docs and tested. In short: same means equal normalised names (given
// names in any order), an exact or compatible date of birth, sex not
// contradicting and a shared nationality where both have one; similar
// means Same, or a name Similarity of at least SimilarName (0.85) with a
// date of birth exact, compatible, day/month swapped or a year apart (a
// one-digit difference or a missing date only from StrongName, 0.92), and
// the same sex and nationality conditions.
package names
