package names

import "strings"

// Identity is the identity data the multiple-identity detector compares.
type Identity struct {
	Name          Name
	Birth         Date
	Sex           string   // "M", "F"; anything else (X, U, <, "") is unknown
	Nationalities []string // ICAO 9303 codes (ISO 3166-1 alpha-3, D for Germany)
}

// Thresholds of the Similar rule on Similarity values.
const (
	// SimilarName is the least name similarity for similar identities: two
	// exact tokens and a missing middle name and second surname (José
	// María García López, Jose Garcia: 0.88) pass, a conflicting surname
	// (Anna Schmidt, Hanna Schneider: 0.40; Anna Schmidt, Maria Schmidt:
	// 0.56) does not.
	SimilarName = 0.85
	// StrongName is the name similarity at which a date of birth with one
	// wrong digit, or a missing one, is still similar.
	StrongName = 0.92
)

// Same reports whether a and b hold the same identity data, modelled on
// Commission Delegated Regulations (EU) 2023/332 and 2023/333 (multiple-
// identity detection), field by field:
//
//   - names: after Normalize (transliteration, no diacritics, upper case)
//     and Tokens (particles joined), the surnames are the same tokens in
//     the same order and the given names the same tokens in any order; a
//     token spelled with the ICAO MRZ form of an umlaut or Å equals the
//     plain one (MÜLLER, MUELLER, MULLER), and Cyrillic read by the ICAO
//     table in Russian or in Ukrainian is the same (Олександр Петрович is
//     OLEKSANDR PETROVICH and OLEKSANDR PETROVYCH);
//   - date of birth: known on both sides and DateExact or DateCompatible
//     (a partial date that agrees where known);
//   - sex: equal, or unknown on one side;
//   - nationalities: at least one in common, or none recorded on one side.
func Same(a, b Identity) bool {
	if !sexAgrees(a.Sex, b.Sex) || !nationalitiesAgree(a.Nationalities, b.Nationalities) {
		return false
	}
	switch CompareDates(a.Birth, b.Birth) {
	case DateExact, DateCompatible:
	default:
		return false
	}
	return sameName(a.Name, b.Name)
}

// Similar reports whether a and b hold the same or similar identity data:
// Same, or all of
//
//   - names: Similarity at least SimilarName (typing errors, variants,
//     transliterations, particles, order swaps, a missing middle name);
//   - date of birth: DateExact, DateCompatible, DateDayMonthSwapped or
//     DateOffByOneYear; or, with names at least StrongName, DateDigitTypo
//     or a date missing on one side;
//   - sex and nationalities as for Same.
//
// Identities that are neither Same nor Similar but still matched (for
// instance by biometrics) are for manual verification (a yellow link).
func Similar(a, b Identity) bool {
	if Same(a, b) {
		return true
	}
	if !sexAgrees(a.Sex, b.Sex) || !nationalitiesAgree(a.Nationalities, b.Nationalities) {
		return false
	}
	v := Similarity(a.Name, b.Name).Value
	if v < SimilarName {
		return false
	}
	switch CompareDates(a.Birth, b.Birth) {
	case DateExact, DateCompatible, DateDayMonthSwapped, DateOffByOneYear:
		return true
	case DateDigitTypo, DateMissing:
		return v >= StrongName
	}
	return false
}

// sameName applies the names rule of Same.
func sameName(a, b Name) bool {
	sa, sb := nameForms(a.Surname, true), nameForms(b.Surname, true)
	ga, gb := nameForms(a.Given, false), nameForms(b.Given, false)
	if len(sa)+len(ga) == 0 || len(sa) != len(sb) || len(ga) != len(gb) {
		return false
	}
	for i := range sa {
		if !sa[i].equal(sb[i]) {
			return false
		}
	}
	used := make([]bool, len(gb))
next:
	for _, x := range ga {
		for j, y := range gb {
			if !used[j] && x.equal(y) {
				used[j] = true
				continue next
			}
		}
		return false
	}
	return true
}

// tokenForms is a token in its primary spelling, its ICAO MRZ spelling
// (Ä, Ö, Ü, Å, Ø as AE, OE, UE, AA, OE) and, for Cyrillic, its spelling
// read the other way round, Russian or Ukrainian. Forms that do not differ
// repeat the primary one.
type tokenForms [3]string

func (x tokenForms) equal(y tokenForms) bool {
	for _, a := range x {
		for _, b := range y {
			if a == b {
				return true
			}
		}
	}
	return false
}

func nameForms(s string, surname bool) []tokenForms {
	plain := appendWords(nil, Normalize(s), surname, -1)
	mrz := appendWords(nil, normalizeMRZ(s), surname, -1)
	other := appendWords(nil, normalizeOther(s), surname, -1)
	out := make([]tokenForms, len(plain))
	for i, w := range plain {
		out[i] = tokenForms{w.text, w.text, w.text}
		if len(mrz) == len(plain) {
			out[i][1] = mrz[i].text
		}
		if len(other) == len(plain) {
			out[i][2] = other[i].text
		}
	}
	return out
}

func sexAgrees(a, b string) bool {
	x, y := sexOf(a), sexOf(b)
	return x == 0 || y == 0 || x == y
}

// sexOf returns 'M' or 'F', or 0 when s says neither.
func sexOf(s string) byte {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "M", "MALE":
		return 'M'
	case "F", "FEMALE":
		return 'F'
	}
	return 0
}

func nationalitiesAgree(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return true
	}
	for _, x := range a {
		for _, y := range b {
			if nationalityCode(x) == nationalityCode(y) {
				return true
			}
		}
	}
	return false
}

// nationalityCode upper-cases a code and reads Germany's MRZ code D as DEU.
func nationalityCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "D" {
		return "DEU"
	}
	return s
}
