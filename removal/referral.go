package removal

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"secunion"
	"secunion/access"
)

// Referral is content the EU Internet Referral Unit at Europol flags to a
// provider for voluntary assessment against its terms of service: no
// legal deadline, the outcome tracked so that the removal rate can be
// counted.
type Referral struct {
	ID       string    `json:"id"`
	Referrer string    `json:"referrer"` // the referring unit's authority code
	Provider string    `json:"provider"`
	Items    []Item    `json:"items"`
	Reasons  string    `json:"reasons"` // why the unit considers it terrorist content
	Sent     time.Time `json:"sent"`
	Assessed time.Time `json:"assessed,omitzero"`
	Outcome  Outcome   `json:"outcome,omitempty"`
	Note     string    `json:"note,omitempty"` // the provider's explanation
}

// Outcome is what a provider did with a referral.
type Outcome string

// The outcomes of a referral.
const (
	Taken Outcome = "removed" // removed or disabled under the terms of service
	Kept  Outcome = "kept"    // not against the terms of service
)

// NewReferral checks a referral from an authority of kind europol to
// provider p at now, and completes it.
func NewReferral(referrer access.Authority, p Provider, items []Item, reasons string, now time.Time) (Referral, error) {
	if referrer.Kind != access.KindEuropol {
		return Referral{}, secunion.Errorf(secunion.Forbidden, "referral: %s is a %s; referrals come from the EU Internet Referral Unit (Europol)", referrer.Code, referrer.Kind)
	}
	o := Order{Reference: "referral", Provider: p.Code, Items: items, Category: Incitement, Reasons: reasons, Redress: "none: a referral is voluntary"}
	if err := o.Validate(); err != nil {
		return Referral{}, secunion.Errorf(secunion.Invalid, "%s", strings.Replace(secunion.MessageOf(err), "removal order", "referral", 1))
	}
	return Referral{ID: secunion.NewID("ref"), Referrer: referrer.Code, Provider: p.Code, Items: items, Reasons: strings.TrimSpace(reasons), Sent: now}, nil
}

// Assess records the provider's assessment of a referral.
func (r Referral) Assess(outcome Outcome, note string, now time.Time) (Referral, error) {
	switch {
	case !r.Assessed.IsZero():
		return r, secunion.Errorf(secunion.Conflict, "referral %s was assessed at %s", r.ID, r.Assessed.Format(time.RFC3339))
	case outcome != Taken && outcome != Kept:
		return r, secunion.Errorf(secunion.Invalid, "referral %s: outcome: %q is not removed or kept", r.ID, secunion.Clip(string(outcome), 40))
	case len(note) > maxNote || !utf8.ValidString(note):
		return r, secunion.Errorf(secunion.Invalid, "referral %s: note: at most %d bytes of UTF-8", r.ID, maxNote)
	}
	r.Assessed, r.Outcome, r.Note = now, outcome, strings.TrimSpace(note)
	return r, nil
}

// ThreatReport is a provider's report of content involving an imminent
// threat to life (Art 14(5)): it reaches the competent authorities of the
// Member States concerned and Europol at once, marked urgent.
type ThreatReport struct {
	ID          string    `json:"id"`
	Provider    string    `json:"provider"`
	States      []string  `json:"states"` // the Member States concerned
	Items       []Item    `json:"items"`
	Description string    `json:"description"`
	Reported    time.Time `json:"reported"`
	Urgent      bool      `json:"urgent"` // always: the law asks for it at once
}

// NewThreatReport checks a provider's report at now, and completes it.
func NewThreatReport(p Provider, states []string, items []Item, description string, now time.Time) (ThreatReport, error) {
	if len(states) == 0 {
		return ThreatReport{}, secunion.Errorf(secunion.Invalid, "threat report: states: name the Member States concerned (where the threat is, or where you are established: %s)", p.State)
	}
	for _, s := range states {
		if !access.IsMemberState(s) {
			return ThreatReport{}, secunion.Errorf(secunion.Invalid, "threat report: states: %q is not a Member State's code", secunion.Clip(s, 8))
		}
	}
	o := Order{Reference: "threat", Provider: p.Code, Items: items, Category: Threat, Reasons: description, Redress: "none"}
	if err := o.Validate(); err != nil {
		return ThreatReport{}, secunion.Errorf(secunion.Invalid, "%s", strings.NewReplacer("removal order", "threat report", "reasons", "description").Replace(secunion.MessageOf(err)))
	}
	states = slices.Compact(slices.Sorted(slices.Values(states)))
	return ThreatReport{ID: secunion.NewID("thr"), Provider: p.Code, States: states, Items: items, Description: strings.TrimSpace(description), Reported: now, Urgent: true}, nil
}

// Receives reports whether authority a is a recipient of report t: a
// competent authority (for removal orders or criminal investigation) of a
// Member State concerned, or Europol.
func (t ThreatReport) Receives(a access.Authority) bool {
	switch a.Kind {
	case access.KindEuropol:
		return true
	case access.KindTCOAuthority, access.KindPolice:
		return slices.Contains(t.States, a.Country)
	}
	return false
}
