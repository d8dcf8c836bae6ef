package removal

import (
	"strings"
	"time"
	"unicode/utf8"

	"secunion"
)

// ComplaintDue is how long a provider has to answer a content provider's
// complaint about a removal (Art 10(2): without undue delay, within two
// weeks).
const ComplaintDue = 14 * 24 * time.Hour

// Complaint is a content provider's complaint to the hosting provider
// about content removed under an order (Art 10), recorded by the provider.
// An upheld complaint reinstates the content.
type Complaint struct {
	ID       string    `json:"id"`
	Order    string    `json:"order"`
	Provider string    `json:"provider"`
	Received time.Time `json:"received"`
	Due      time.Time `json:"due"`
	Text     string    `json:"text"` // the complaint as the provider summarises it
	Decided  time.Time `json:"decided,omitzero"`
	Upheld   bool      `json:"upheld,omitempty"`
	Reasons  string    `json:"reasons,omitempty"`
}

// NewComplaint checks a complaint a provider records about order o at
// now, and completes it.
func NewComplaint(o *Order, text string, now time.Time) (Complaint, error) {
	switch {
	case o.RemovedAt.IsZero():
		return Complaint{}, secunion.Errorf(secunion.Conflict, "removal order %s: nothing was removed, so there is nothing to complain about", o.ID)
	case len(strings.TrimSpace(text)) < 10 || len(text) > maxNote || !utf8.ValidString(text):
		return Complaint{}, secunion.Errorf(secunion.Invalid, "complaint: text: summarise the complaint in 10 to %d bytes of UTF-8", maxNote)
	}
	return Complaint{ID: secunion.NewID("cpl"), Order: o.ID, Provider: o.Provider, Received: now, Due: now.Add(ComplaintDue), Text: strings.TrimSpace(text)}, nil
}

// Decide records the provider's decision on a complaint.
func (c Complaint) Decide(upheld bool, reasons string, now time.Time) (Complaint, error) {
	switch {
	case !c.Decided.IsZero():
		return c, secunion.Errorf(secunion.Conflict, "complaint %s was decided at %s", c.ID, c.Decided.Format(time.RFC3339))
	case len(strings.TrimSpace(reasons)) < 10 || len(reasons) > maxNote || !utf8.ValidString(reasons):
		return c, secunion.Errorf(secunion.Invalid, "complaint %s: reasons: give the reasons of the decision, 10 to %d bytes", c.ID, maxNote)
	}
	c.Decided, c.Upheld, c.Reasons = now, upheld, strings.TrimSpace(reasons)
	return c, nil
}

// Late reports whether the complaint was, or is at now, past its due
// time without a decision.
func (c Complaint) Late(now time.Time) bool {
	if !c.Decided.IsZero() {
		return c.Decided.After(c.Due)
	}
	return now.After(c.Due)
}
