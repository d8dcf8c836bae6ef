package links

import (
	"fmt"

	"secunion/biometric"
	"secunion/identity"
	"secunion/names"
	"secunion/search"
)

// Biometric comparison of two records.
type BioResult string

// The outcomes of comparing two records' biometrics.
const (
	BioNone   BioResult = ""       // no modality on both sides: no comparison
	BioMatch  BioResult = "match"  // a shared modality scores at or above its threshold
	BioDiffer BioResult = "differ" // every shared modality scores below it
)

// IdentityResult is how two records' identity data compare.
type IdentityResult string

// The outcomes of comparing identity data (names.Same, names.Similar).
const (
	IdentityNone    IdentityResult = ""        // one record holds no identity data
	IdentitySame    IdentityResult = "same"    // names.Same
	IdentitySimilar IdentityResult = "similar" // names.Similar, not Same
	IdentityMatch   IdentityResult = "match"   // the name index matched them, neither same nor similar
	IdentityDiffer  IdentityResult = "differ"  // the identity data do not match
)

// Evidence is what the detector found about a pair of records.
type Evidence struct {
	Biometric BioResult          `json:"biometric,omitempty"`
	Modality  biometric.Modality `json:"modality,omitempty"` // of the best biometric score
	Score     float32            `json:"score,omitempty"`    // that score
	Identity  IdentityResult     `json:"identity,omitempty"`
	Name      float64            `json:"name,omitempty"` // name similarity
	Document  bool               `json:"document"`       // the same travel document (number and issuing country)
	// Coincidences, for identity data compared without biometrics or a
	// shared document, is how many of the records held would agree that
	// closely by chance (search.Index.Coincidences).
	Coincidences float64 `json:"coincidences,omitempty"`
}

// identityOnly reports whether e rests on identity data alone: no
// biometrics compared, no shared document.
func (e Evidence) identityOnly() bool { return e.Biometric == BioNone && !e.Document }

// MaxCoincidences is the most namesakes expected by chance for which same
// or similar identity data alone make a link: above it, such a match is
// about as likely a namesake as the person, among the records held. Same
// identity data then make a yellow link instead of a white one, similar
// ones none. Identity data that match without being same or similar need
// matchRarity times fewer.
const MaxCoincidences = 0.05

// matchRarity: a person's own records rarely differ so much that they
// match without being same or similar. In an exploratory run on the
// synthetic set (package synth, 300,000 records, 4,000 of them checked),
// identity-only links of that kind were one person 2 times where similar
// identity data were 70 times; they need that much more evidence against
// a namesake.
const matchRarity = 32

// tooCommon reports whether identity data alone, in e, are too likely to
// agree by chance to make a link of their own.
func (e Evidence) tooCommon() bool {
	limit := MaxCoincidences
	if e.Identity == IdentityMatch {
		limit /= matchRarity
	}
	return e.identityOnly() && e.Coincidences > limit
}

// Classify returns the colour of a link with evidence e and why, or false
// when e calls for no link (see the package doc for the rules).
func Classify(e Evidence) (Colour, string, bool) {
	alike := e.Identity == IdentitySame || e.Identity == IdentitySimilar
	switch {
	case e.Biometric == BioMatch && alike:
		return White, fmt.Sprintf("same biometrics (%s %.2f) and %s identity data", e.Modality, e.Score, e.Identity), true
	case e.Biometric == BioMatch:
		return Yellow, fmt.Sprintf("biometrics match (%s %.2f) but the identity data differ", e.Modality, e.Score), true
	case e.Document && e.Biometric == BioDiffer:
		return Yellow, "the same travel document with different biometrics", true
	case e.Document && !alike:
		return Yellow, "the same travel document with different identity data", true
	case alike && e.Biometric == BioDiffer:
		return Yellow, fmt.Sprintf("%s identity data with different biometrics", e.Identity), true
	case alike && e.Document:
		return White, fmt.Sprintf("%s identity data and the same travel document", e.Identity), true
	case e.Identity == IdentitySame && e.tooCommon():
		return Yellow, fmt.Sprintf("the same identity data, but %.2g namesakes are expected by chance among the records held", e.Coincidences), true
	case e.Identity == IdentitySame:
		return White, "the same identity data", true
	case e.tooCommon():
		return "", "", false
	case e.Identity == IdentitySimilar:
		return Yellow, "similar identity data, not confirmed by biometrics or a travel document", true
	case e.Identity == IdentityMatch && e.Biometric == BioNone:
		return Yellow, fmt.Sprintf("identity data match (name %.2f) without being the same or similar", e.Name), true
	}
	return "", "", false
}

// CompareIdentity compares the identity data of two records by the rules
// of names.Same and names.Similar; matched says the name index found the
// pair, which makes identities that are neither same nor similar a match.
func CompareIdentity(a, b identity.Record, matched bool) (IdentityResult, float64) {
	if a.Person == nil || b.Person == nil {
		return IdentityNone, 0
	}
	x, y := identityOf(a.Person), identityOf(b.Person)
	v := names.Similarity(x.Name, y.Name).Value
	switch {
	case names.Same(x, y):
		return IdentitySame, v
	case names.Similar(x, y):
		return IdentitySimilar, v
	case matched:
		return IdentityMatch, v
	}
	return IdentityDiffer, v
}

func identityOf(p *identity.Person) names.Identity {
	id := names.Identity{Name: names.Name{Surname: p.Surname, Given: p.GivenNames}, Sex: p.Sex, Nationalities: p.Nationalities}
	id.Birth = names.StoredDate(p.BirthDate)
	return id
}

// SameDocument reports whether two records hold one travel document:
// the same number (as search.DocumentKey reads it) from the same issuing
// country.
func SameDocument(a, b identity.Record) bool {
	for _, x := range a.Documents {
		for _, y := range b.Documents {
			if search.DocumentKey(x.Number) == search.DocumentKey(y.Number) && x.IssuingCountry == y.IssuingCountry && search.DocumentKey(x.Number) != "" {
				return true
			}
		}
	}
	return false
}
