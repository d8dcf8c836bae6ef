// Package links is the Multiple Identity Detector (MID; Regulation
// 2019/817 Art 25–36, DOMAIN.md §2). When a record of EES, VIS, ETIAS,
// Eurodac, ECRIS-TCN or SIS is written, the detector compares it with what
// those systems hold — biometrics through the shared Biometric Matching
// Service, identity and travel-document data through the name index — and
// records each match as a link with a colour, in an identity confirmation
// file with a single identification number, both record references, the
// authority responsible for manual verification, and dates.
//
// The colour rules (Classify) read DOMAIN.md §2 as follows, with the
// evidence of one pair of records:
//
//   - white: the same biometrics and the same or similar identity data; or
//     the same or similar identity data and the same travel document where
//     a biometric comparison is not possible (one record lacks the
//     modality); or the same identity data (names equal after
//     normalisation, date of birth exact) where neither biometrics nor a
//     document can say more;
//   - yellow, for manual verification: biometrics match but the identity
//     data differ (several identities); the same travel document with
//     different biometrics or different identity data (several people, one
//     document); same or similar identity data with different biometrics
//     (several people, one identity); identity data that match without
//     being the same or similar; similar (not same) identity data with
//     nothing else to confirm them;
//   - green and red only by a verifier's decision on a yellow link: two
//     people who legitimately share data (green), identity fraud (red), or
//     white for one person lawfully using different data.
//
// Records whose biometrics differ and whose identity data are merely
// alike (neither same nor similar) are different people: no link.
//
// Identity data alone (no biometrics compared, no shared document) are
// weighed against the size of the set searched: a common name with a date
// of birth one digit off agrees with several records of a million by
// chance. When more than MaxCoincidences namesakes are expected by chance
// (search.Index.Coincidences; fewer for identity data that match without
// being same or similar), same identity data make a yellow link instead
// of a white one, and similar or matching identity data no link:
// at that rate a link would point at a namesake as often as at the person,
// and a verifier's queue would fill with them.
package links

import (
	"strings"
	"time"

	"secunion"
	"secunion/access"
	"secunion/identity"
)

// Colour is the state of a link.
type Colour string

// The colours of links.
const (
	White  Colour = "white"
	Yellow Colour = "yellow"
	Green  Colour = "green"
	Red    Colour = "red"
)

// InScope reports whether records of system take part in detection: the
// systems of the CIR and SIS. Europol data and Interpol's SLTD do not.
func InScope(system string) bool {
	switch system {
	case access.SIS, access.VIS, access.EES, access.ETIAS, access.Eurodac, access.ECRISTCN:
		return true
	}
	return false
}

// Ref names one record.
type Ref struct {
	System string `json:"system"`
	ID     string `json:"id"`
}

func (r Ref) String() string { return r.System + "/" + r.ID }

// Less orders refs, so that a link stores its pair in one order.
func (r Ref) Less(o Ref) bool {
	if r.System != o.System {
		return r.System < o.System
	}
	return r.ID < o.ID
}

// Verifier is the authority responsible for the manual verification of a
// link: a kind of authority and, where the law names one, its Member State
// ("" for any authority of the kind).
type Verifier struct {
	Kind  access.Kind `json:"kind"`
	State string      `json:"state,omitempty"`
}

// Responsible returns the verifier of links that a record of its system
// triggered (DOMAIN.md §2): for EES the border authority, for VIS the visa
// authority of the issuing state, for ETIAS the ETIAS Central Unit, for
// Eurodac the asylum authority of the state of origin, for SIS the SIRENE
// bureau of the issuing state, for ECRIS-TCN the central authority of the
// (first) convicting state. A state is kept when written as a two-letter
// Member State code.
func Responsible(r identity.Record) Verifier {
	state := func(s string) string {
		if len(s) == 2 {
			return strings.ToUpper(s)
		}
		return ""
	}
	switch r.System {
	case access.SIS:
		if r.SIS != nil {
			return Verifier{access.KindSirene, state(r.SIS.IssuingState)}
		}
		return Verifier{Kind: access.KindSirene}
	case access.VIS:
		if r.VIS != nil {
			return Verifier{access.KindVisa, state(r.VIS.IssuingState)}
		}
		return Verifier{Kind: access.KindVisa}
	case access.ETIAS:
		return Verifier{Kind: access.KindETIASCentral}
	case access.Eurodac:
		if r.Eurodac != nil {
			return Verifier{access.KindAsylum, state(r.Eurodac.OriginState)}
		}
		return Verifier{Kind: access.KindAsylum}
	case access.ECRISTCN:
		if r.ECRIS != nil && len(r.ECRIS.ConvictingStates) > 0 {
			return Verifier{access.KindCriminalRecords, state(r.ECRIS.ConvictingStates[0])}
		}
		return Verifier{Kind: access.KindCriminalRecords}
	}
	if r.EES != nil && len(r.EES.Crossings) > 0 {
		return Verifier{access.KindBorderGuard, state(r.EES.Crossings[0].State)}
	}
	return Verifier{Kind: access.KindBorderGuard}
}

// Allows reports whether an authority of kind and country is the verifier.
func (v Verifier) Allows(kind access.Kind, country string) bool {
	return kind == v.Kind && (v.State == "" || v.State == country)
}

// Link is an identity confirmation file: one link between two records,
// with its single identification number.
type Link struct {
	ID       string     `json:"id"` // "MID-" and 16 hexadecimal digits, from the pair
	A        Ref        `json:"a"`  // A.Less(B)
	B        Ref        `json:"b"`
	Colour   Colour     `json:"colour"`
	Evidence Evidence   `json:"evidence"`
	Reason   string     `json:"reason"`  // why it has its colour
	Trigger  Ref        `json:"trigger"` // the record whose write found the link
	Verifier Verifier   `json:"verifier"`
	Created  time.Time  `json:"created"`
	Updated  time.Time  `json:"updated"`
	Decided  bool       `json:"decided"` // a verifier set the colour
	History  []Decision `json:"history,omitempty"`
}

// Run is what one detection run over a record found.
type Run struct {
	Trigger Ref
	Found   []Link
}

// Decision is one step of a link's history: the colour set, why, by whom.
type Decision struct {
	Colour    Colour    `json:"colour"`
	Reason    string    `json:"reason"`
	Authority string    `json:"authority,omitempty"` // empty for the detector
	User      string    `json:"user,omitempty"`
	At        time.Time `json:"at"`
}

// ID returns the single identification number of the link between a and
// b, the same whichever comes first.
func ID(a, b Ref) string {
	if b.Less(a) {
		a, b = b, a
	}
	h := uint64(14695981039346656037)
	for _, s := range []string{a.System, "\x00", a.ID, "\x00", b.System, "\x00", b.ID} {
		for i := 0; i < len(s); i++ {
			h = (h ^ uint64(s[i])) * 1099511628211
		}
	}
	const hex = "0123456789abcdef"
	out := []byte("MID-")
	for shift := 60; shift >= 0; shift -= 4 {
		out = append(out, hex[h>>uint(shift)&15])
	}
	return string(out)
}

// MaxReason bounds the reason a verifier gives for a decision.
const MaxReason = 1000

// CheckDecision checks a verifier's decision on link l: only a yellow link
// is decided, only as white, green or red, with a reason.
func CheckDecision(l Link, c Colour, reason string) error {
	switch {
	case l.Colour != Yellow:
		return secunion.Errorf(secunion.Conflict, "link %s is %s, not yellow: only yellow links are verified", l.ID, l.Colour)
	case c != White && c != Green && c != Red:
		return secunion.Errorf(secunion.Invalid, "decide white (same person, lawfully), green (different people, lawfully) or red (identity fraud), not %q", c)
	case strings.TrimSpace(reason) == "":
		return secunion.Errorf(secunion.Invalid, "give the reason for the decision")
	case len(reason) > MaxReason:
		return secunion.Errorf(secunion.Invalid, "the reason is longer than %d bytes", MaxReason)
	}
	return nil
}
