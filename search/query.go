// Package search is the European Search Portal (Regulation 2019/817 Art
// 6–11; DOMAIN.md §2): one query — identity data, travel-document data or a
// document's MRZ — runs at once against every source system the caller's
// profile allows; each system answers on its own, a slow or failed one is
// reported as such and holds up no other, and each hit says why it matched.
//
// Rules chosen here:
//   - A lawful query names a person or a document: a surname (two letters
//     at least), a document number, or an MRZ. Sex, nationality or a date of
//     birth alone are refused as too broad.
//   - A hit on identity data needs a name similarity of at least MinName
//     (names.Similarity) and, when both dates of birth are known, dates that
//     are exact, compatible, swapped, one year apart or one digit apart;
//     contradicting sexes exclude a hit. A document number matches exactly
//     (after removing fillers and spaces), optionally with its country.
//   - The score of a hit is 0.7 × name similarity + 0.3 × date agreement,
//     or 1 for a document-number match.
//   - A biometric template alone is a lawful query, for a profile that
//     sees biometrics. Its hits are the records holding a template that
//     scores at least biometric.Threshold, their score the template's
//     cosine similarity; a record found both ways keeps the higher score
//     and both reasons.
//   - A hit lists its identity links (colour, linked system and record)
//     to records of the systems in the caller's profile, whatever their
//     colour: a yellow link tells the officer a verification is pending,
//     a red one that identity fraud was found.
package search

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"secunion"
	"secunion/access"
	"secunion/biometric"
	"secunion/mrz"
	"secunion/names"
)

// Query is what an officer searches for.
type Query struct {
	Surname         string `json:"surname,omitempty"`
	GivenNames      string `json:"given_names,omitempty"`
	BirthDate       string `json:"birth_date,omitempty"` // YYYY-MM-DD, YYYY-MM or YYYY
	Sex             string `json:"sex,omitempty"`
	Nationality     string `json:"nationality,omitempty"`
	DocumentNumber  string `json:"document_number,omitempty"`
	DocumentCountry string `json:"document_country,omitempty"`
	MRZ             string `json:"mrz,omitempty"` // the 2 or 3 lines of a machine-readable zone
	// Biometric is a face or fingerprint template to identify: hits are the
	// records whose templates score at or above the modality's threshold.
	Biometric *Probe   `json:"biometric,omitempty"`
	Systems   []string `json:"systems,omitempty"` // a subset of the profile's systems; all when empty
	Limit     int      `json:"limit,omitempty"`   // hits per system; DefaultLimit when zero
}

// Probe is a biometric template to search for, as an extractor made it
// from a capture: a modality and its vector (biometric.Dims values).
type Probe struct {
	Modality biometric.Modality `json:"modality"`
	Vector   []float32          `json:"vector"`
}

// Hits per system.
const (
	DefaultLimit = 10
	MaxLimit     = 100
)

// parsed is a query checked and prepared for matching.
type parsed struct {
	name     *names.Prepared
	surname  *names.Prepared // the surname alone
	given    *names.Prepared // the given names alone, as a surname
	hasName  bool
	hasGiven bool
	birth    names.Date
	sex      string
	nat      string
	doc      string
	docCtry  string
	probe    *biometric.Template // at unit length
	limit    int
}

// parse checks q and prepares it, reading the MRZ if one is given.
func (q Query) parse(now time.Time) (parsed, error) {
	p := parsed{limit: q.Limit}
	if p.limit == 0 {
		p.limit = DefaultLimit
	}
	if p.limit < 0 || p.limit > MaxLimit {
		return p, secunion.Errorf(secunion.Invalid, "limit: between 1 and %d hits per system", MaxLimit)
	}
	for _, f := range []struct{ name, v string }{{"surname", q.Surname}, {"given_names", q.GivenNames}, {"document_number", q.DocumentNumber}} {
		if len(f.v) > names.MaxBytes || !utf8.ValidString(f.v) {
			return p, secunion.Errorf(secunion.Invalid, "%s: at most %d bytes of UTF-8 text", f.name, names.MaxBytes)
		}
	}
	if q.MRZ != "" {
		d, err := mrz.Parse(q.MRZ)
		if err != nil {
			return p, err
		}
		if q.Surname == "" {
			q.Surname, q.GivenNames = d.Surname, d.GivenNames
		}
		if q.BirthDate == "" && d.BirthDate.Year != 0 {
			q.BirthDate = d.BirthDate.String()
		}
		if q.Sex == "" && d.Sex != "X" {
			q.Sex = d.Sex
		}
		if q.Nationality == "" {
			q.Nationality = d.Nationality
		}
		if q.DocumentNumber == "" {
			q.DocumentNumber, q.DocumentCountry = d.DocumentNumber, d.IssuingState
		}
	}
	if q.Surname != "" {
		if err := names.Check(q.Surname); err != nil {
			return p, secunion.Errorf(secunion.Invalid, "surname: %s", secunion.MessageOf(err))
		}
		if len(names.Normalize(q.Surname)) < 2 {
			return p, secunion.Errorf(secunion.Invalid, "surname: give at least two letters")
		}
		p.name, p.hasName = names.Prepare(names.Name{Surname: q.Surname, Given: q.GivenNames}), true
		p.surname = names.Prepare(names.Name{Surname: q.Surname})
		p.given = names.Prepare(names.Name{Surname: q.GivenNames})
		p.hasGiven = strings.TrimSpace(q.GivenNames) != ""
	}
	if q.BirthDate != "" {
		d, err := names.ParseDate(q.BirthDate, now)
		if err != nil {
			return p, secunion.Errorf(secunion.Invalid, "birth_date: %s", secunion.MessageOf(err))
		}
		p.birth = d
	}
	switch q.Sex {
	case "", "M", "F", "X":
		p.sex = q.Sex
	default:
		return p, secunion.Errorf(secunion.Invalid, "sex %q: use M, F or X", q.Sex)
	}
	if q.Nationality != "" && !mrz.ValidCountry(q.Nationality) {
		return p, secunion.Errorf(secunion.Invalid, "nationality %q is not an ICAO country code", q.Nationality)
	}
	p.nat = q.Nationality
	p.doc = DocumentKey(q.DocumentNumber)
	if q.DocumentNumber != "" && p.doc == "" {
		return p, secunion.Errorf(secunion.Invalid, "document_number %q holds no letter or digit", q.DocumentNumber)
	}
	if q.DocumentCountry != "" && !mrz.ValidCountry(q.DocumentCountry) {
		return p, secunion.Errorf(secunion.Invalid, "document_country %q is not an ICAO country code", q.DocumentCountry)
	}
	p.docCtry = q.DocumentCountry
	if q.Biometric != nil {
		p.probe = &biometric.Template{Modality: q.Biometric.Modality, Vector: slices.Clone(q.Biometric.Vector)}
		if err := biometric.CheckProbe(p.probe); err != nil {
			return p, secunion.Errorf(secunion.Invalid, "biometric: %s", secunion.MessageOf(err))
		}
	}
	if !p.hasName && p.doc == "" && p.probe == nil {
		return p, secunion.Errorf(secunion.Invalid, "the query is too broad to be lawful: give a surname, a document number, an MRZ or a biometric template")
	}
	return p, nil
}

// categories names the data categories a query used, for its audit entry.
func (q Query) categories() []string {
	var c []string
	if q.Surname != "" || q.GivenNames != "" || q.BirthDate != "" || q.Sex != "" || q.Nationality != "" {
		c = append(c, "identity")
	}
	if q.DocumentNumber != "" || q.DocumentCountry != "" {
		c = append(c, "travel-document")
	}
	if q.MRZ != "" {
		c = append(c, "mrz")
	}
	if q.Biometric != nil {
		c = append(c, access.FieldBiometrics)
	}
	return c
}

// values are the personal values of a query: the log keeps only their
// keyed HMACs.
func (q Query) values() []string {
	v := []string{q.Surname, q.GivenNames, q.DocumentNumber}
	if q.MRZ != "" {
		if d, err := mrz.Parse(q.MRZ); err == nil {
			v = append(v, d.Surname, d.GivenNames, d.DocumentNumber)
		}
	}
	return v
}

// DocumentKey is a document number as matched: capital letters and digits
// only, so that fillers, spaces and hyphens do not matter.
func DocumentKey(number string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return -1
	}, number)
}
