// Package removal carries removal orders for terrorist content between the
// competent authorities of the Member States and hosting service providers
// (Regulation (EU) 2021/784, DOMAIN.md §4): the order and its Annex I
// fields, the provider's answers (Annex II, Annex III), the one-hour rule
// and the other deadlines of the Regulation, all enforced by one state
// machine (Next) on a clock the caller passes in, so that every rule is
// tested with a fake clock.
package removal

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"secunion"
	"secunion/access"
)

// Category is the kind of terrorist content an order names (Art 2(7)).
type Category string

// The categories of terrorist content, Art 2(7)(a)–(e).
const (
	Incitement    Category = "incitement"    // incites the commission of terrorist offences
	Solicitation  Category = "solicitation"  // solicits someone to commit or contribute to them
	Participation Category = "participation" // solicits participation in a terrorist group
	Instruction   Category = "instruction"   // instructs on explosives, weapons or other methods
	Threat        Category = "threat"        // threatens to commit a terrorist offence
)

// Categories lists every category, in the order of Art 2(7).
var Categories = []Category{Incitement, Solicitation, Participation, Instruction, Threat}

// Item is one piece of content an order names: its exact URL and any
// further information that locates it (e.g. "video at 02:13", a post ID).
type Item struct {
	URL     string `json:"url"`
	Locator string `json:"locator,omitempty"`
}

// Limits on an order, generous for real orders and small enough that a
// hostile request cannot grow the store without bound.
const (
	MaxItems     = 100
	maxURL       = 2048
	maxLocator   = 500
	maxReasons   = 10_000
	maxReference = 64
	maxText      = 2_000
)

// Order is a removal order (Art 3; the fields of Annex I) and where it
// stands. The issuer fills the fields up to Emergency; the rest is kept by
// Next.
type Order struct {
	ID        string `json:"id"`
	Reference string `json:"reference"` // the issuer's reference number

	Issuer        string `json:"issuer"`         // issuing authority's code
	IssuerState   string `json:"issuer_state"`   // its Member State
	Provider      string `json:"provider"`       // addressee: the provider's code
	ContactPoint  string `json:"contact_point"`  // the provider's contact point as the order was sent
	ProviderState string `json:"provider_state"` // Member State of main establishment or legal representative

	Items    []Item   `json:"items"`
	Category Category `json:"category"`
	Reasons  string   `json:"reasons"` // statement of reasons
	Redress  string   `json:"redress"` // information on redress for the provider and the content provider

	// DelayNotice asks the provider not to tell the content provider of
	// the removal (Art 11(3)) for six weeks from issue, renewable once.
	DelayNotice bool `json:"delay_notice"`
	// Emergency lets a first order to a provider go without procedure
	// information sent 12 hours earlier (Art 3(2)); it needs a
	// justification.
	Emergency              bool   `json:"emergency"`
	EmergencyJustification string `json:"emergency_justification,omitempty"`

	Issued time.Time `json:"issued"`
	State  State     `json:"state"`
	Clock
	Answer
	Scrutiny   Scrutiny  `json:"scrutiny"`
	NoticeFrom time.Time `json:"notice_from"` // when the content provider may be told (Art 11)
	Renewed    bool      `json:"notice_delay_renewed,omitempty"`
	Preserve   time.Time `json:"preserve_until,omitzero"` // removed content is kept until then (Art 6)
}

// CrossBorder reports whether the provider's main establishment is in
// another Member State than the issuer's (Art 4): that State's authority
// gets a copy and may scrutinise the order.
func (o *Order) CrossBorder() bool { return o.ProviderState != o.IssuerState }

// Validate reports the first field of an issued order that is missing or
// wrong, as an Invalid error naming the field.
func (o *Order) Validate() error {
	bad := func(field, format string, args ...any) error {
		return secunion.Errorf(secunion.Invalid, "removal order: "+field+": "+format, args...)
	}
	switch {
	case strings.TrimSpace(o.Reference) == "" || len(o.Reference) > maxReference || !utf8.ValidString(o.Reference):
		return bad("reference", "give the issuer's reference number, 1–%d characters", maxReference)
	case o.Provider == "":
		return bad("provider", "name the hosting service provider the order is addressed to")
	case len(o.Items) == 0:
		return bad("items", "name at least one URL of the content")
	case len(o.Items) > MaxItems:
		return bad("items", "%d URLs; one order names at most %d", len(o.Items), MaxItems)
	case !slices.Contains(Categories, o.Category):
		return bad("category", "%q is not one of incitement, solicitation, participation, instruction, threat (Art 2(7))", o.Category)
	case len(strings.TrimSpace(o.Reasons)) < 20:
		return bad("reasons", "give a statement of reasons of at least 20 characters: why the content is terrorist content")
	case len(o.Reasons) > maxReasons || !utf8.ValidString(o.Reasons):
		return bad("reasons", "at most %d bytes of UTF-8", maxReasons)
	case strings.TrimSpace(o.Redress) == "":
		return bad("redress", "give the information on redress open to the provider and the content provider")
	case len(o.Redress) > maxText || !utf8.ValidString(o.Redress):
		return bad("redress", "at most %d bytes of UTF-8", maxText)
	case o.Emergency && strings.TrimSpace(o.EmergencyJustification) == "":
		return bad("emergency_justification", "an emergency order needs a justification")
	case len(o.EmergencyJustification) > maxText || !utf8.ValidString(o.EmergencyJustification):
		return bad("emergency_justification", "at most %d bytes of UTF-8", maxText)
	}
	seen := map[string]bool{}
	for i, it := range o.Items {
		if err := checkURL(it.URL); err != nil {
			return bad("items["+strconv.Itoa(i)+"].url", "%s", err)
		}
		if len(it.Locator) > maxLocator || !utf8.ValidString(it.Locator) {
			return bad("items["+strconv.Itoa(i)+"].locator", "at most %d bytes of UTF-8", maxLocator)
		}
		if seen[it.URL] {
			return bad("items["+strconv.Itoa(i)+"].url", "%s is named twice", it.URL)
		}
		seen[it.URL] = true
	}
	return nil
}

// checkURL accepts an absolute http or https URL with a host and without
// credentials: the exact location of content on a provider's service.
func checkURL(s string) error {
	if s == "" {
		return secunion.Errorf(secunion.Invalid, "missing")
	}
	if len(s) > maxURL {
		return secunion.Errorf(secunion.Invalid, "%d bytes; a URL has at most %d", len(s), maxURL)
	}
	if !utf8.ValidString(s) || strings.ContainsAny(s, " \t\r\n") {
		return secunion.Errorf(secunion.Invalid, "%q holds spaces, control characters or invalid UTF-8", secunion.Clip(s, 100))
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return secunion.Errorf(secunion.Invalid, "%q is not a URL", secunion.Clip(s, 100))
	case u.Scheme != "http" && u.Scheme != "https":
		return secunion.Errorf(secunion.Invalid, "%q: give an absolute http or https URL", secunion.Clip(s, 100))
	case u.Hostname() == "":
		return secunion.Errorf(secunion.Invalid, "%q has no host", secunion.Clip(s, 100))
	case u.User != nil:
		return secunion.Errorf(secunion.Invalid, "%q holds credentials; name the content, not a login", secunion.Clip(s, 100))
	}
	return nil
}

// Issue checks an order an authority issues to a provider and completes
// it: identifier, issuer, the provider's state and contact point, the
// time of issue and the notice delay. The issuer must be a competent
// authority of a Member State, the provider a known one; a first order
// from this authority to the provider needs procedure information sent at
// least 12 hours earlier (noticeSent, zero when none was) or an emergency
// (Art 3(2)).
func Issue(o Order, issuer access.Authority, p Provider, noticeSent time.Time, now time.Time, first bool) (Order, error) {
	if issuer.Kind != access.KindTCOAuthority || !access.IsMemberState(issuer.Country) {
		return o, secunion.Errorf(secunion.Forbidden, "removal order: %s is a %s; only a competent authority of a Member State issues removal orders", issuer.Code, issuer.Kind)
	}
	if err := o.Validate(); err != nil {
		return o, err
	}
	if o.Provider != p.Code {
		return o, secunion.Errorf(secunion.Invalid, "removal order: provider: %q is not a known hosting service provider", o.Provider)
	}
	if first && !o.Emergency {
		if noticeSent.IsZero() {
			return o, secunion.Errorf(secunion.Conflict, "removal order: this is the first order from %s to %s: send the information on procedures and deadlines at least 12 hours before, or mark an emergency with a justification (Art 3(2))", issuer.Code, p.Code)
		}
		if wait := noticeSent.Add(NoticeLead).Sub(now); wait > 0 {
			return o, secunion.Errorf(secunion.Conflict, "removal order: procedure information went to %s at %s; a first order may follow 12 hours later, in %s, unless it is an emergency (Art 3(2))", p.Code, noticeSent.Format(time.RFC3339), wait.Round(time.Minute))
		}
	}
	o.ID = secunion.NewID("ro")
	o.Issuer, o.IssuerState = issuer.Code, issuer.Country
	o.ProviderState, o.ContactPoint = p.State, p.Contact.String()
	o.Issued, o.State = now, Issued
	o.Clock, o.Answer, o.Scrutiny, o.Renewed, o.Preserve = Clock{}, Answer{}, Scrutiny{}, false, time.Time{}
	o.NoticeFrom = now
	if o.DelayNotice {
		o.NoticeFrom = now.Add(NoticeDelay)
	}
	return o, nil
}
