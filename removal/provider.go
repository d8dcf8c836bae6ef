package removal

import (
	"net"
	"net/url"
	"strings"
	"unicode/utf8"

	"secunion"
	"secunion/access"
)

// Provider is a hosting service provider that receives removal orders:
// an authority of kind hosting-provider, with where it is established and
// how it is reached at any hour.
type Provider struct {
	Code string `json:"code"` // its authority code
	Name string `json:"name"`
	// State is the Member State of the provider's main establishment or,
	// for a provider established outside the Union, of its legal
	// representative (Art 17); it decides cross-border scrutiny (Art 4).
	State               string       `json:"state"`
	LegalRepresentative string       `json:"legal_representative,omitempty"` // required outside the Union
	OutsideUnion        bool         `json:"outside_union,omitempty"`
	Contact             ContactPoint `json:"contact"`
}

// ContactPoint is a provider's 24/7 point of contact for removal orders
// (Art 15): a webhook that orders are pushed to, signed with a shared
// secret, and always the inbox the provider polls through the API.
type ContactPoint struct {
	Webhook string `json:"webhook,omitempty"` // empty: the inbox only
	// Secret signs each webhook delivery (HMAC-SHA256) and the provider's
	// acknowledgement of it. It is kept as given, since signing needs it,
	// and never shown again.
	Secret string `json:"-"`
	Phone  string `json:"phone,omitempty"` // for people, e.g. "+353 1 555 0100"
}

// MinSecret is the least length of a webhook signing secret, in bytes.
const MinSecret = 32

// String describes the contact point as an order records it.
func (c ContactPoint) String() string {
	if c.Webhook == "" {
		return "inbox"
	}
	return "webhook " + c.Webhook + " and inbox"
}

// Validate reports the first thing wrong with p, naming the field.
func (p Provider) Validate() error {
	bad := func(field, format string, args ...any) error {
		return secunion.Errorf(secunion.Invalid, "provider: "+field+": "+format, args...)
	}
	switch {
	case p.Code == "":
		return bad("code", "name the provider's authority code")
	case strings.TrimSpace(p.Name) == "" || utf8.RuneCountInString(p.Name) > 200:
		return bad("name", "give 1–200 characters")
	case !access.IsMemberState(p.State):
		return bad("state", "%q: give the Member State of the main establishment or of the legal representative (Art 17), e.g. IE", p.State)
	case p.OutsideUnion && strings.TrimSpace(p.LegalRepresentative) == "":
		return bad("legal_representative", "a provider established outside the Union names its legal representative (Art 17)")
	case len(p.LegalRepresentative) > 200 || len(p.Contact.Phone) > 40:
		return bad("legal_representative", "at most 200 characters, and the phone at most 40")
	}
	if p.Contact.Webhook != "" {
		if err := checkWebhook(p.Contact.Webhook); err != nil {
			return bad("contact.webhook", "%s", secunion.MessageOf(err))
		}
		if len(p.Contact.Secret) < MinSecret {
			return bad("contact.secret", "a webhook needs a signing secret of at least %d bytes", MinSecret)
		}
	}
	return nil
}

// checkWebhook accepts an https URL, or an http one on a loopback address
// (the provider simulator and tests): orders carry personal data and
// never travel in clear over a network.
func checkWebhook(s string) error {
	if err := checkURL(s); err != nil {
		return err
	}
	u, _ := url.Parse(s)
	if u.Scheme == "https" {
		return nil
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); host == "localhost" || ip != nil && ip.IsLoopback() {
		return nil
	}
	return secunion.Errorf(secunion.Invalid, "%q: a webhook is https, or http on a loopback address", secunion.Clip(s, 100))
}
