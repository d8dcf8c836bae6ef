package removal

import (
	"strings"
	"testing"
	"time"

	"secunion"
	"secunion/access"
)

// TestValidate refuses each malformed order with the field it names.
func TestValidate(t *testing.T) {
	for _, c := range []struct {
		field string
		edit  func(o *Order)
	}{
		{"reference", func(o *Order) { o.Reference = " " }},
		{"reference", func(o *Order) { o.Reference = strings.Repeat("x", 65) }},
		{"provider", func(o *Order) { o.Provider = "" }},
		{"items", func(o *Order) { o.Items = nil }},
		{"items", func(o *Order) { o.Items = make([]Item, MaxItems+1) }},
		{"items[0].url", func(o *Order) { o.Items[0].URL = "" }},
		{"items[0].url", func(o *Order) { o.Items[0].URL = "vidshare.example/v/1" }},
		{"items[0].url", func(o *Order) { o.Items[0].URL = "ftp://vidshare.example/v/1" }},
		{"items[0].url", func(o *Order) { o.Items[0].URL = "https:///v/1" }},
		{"items[0].url", func(o *Order) { o.Items[0].URL = "https://user:pw@vidshare.example/v/1" }},
		{"items[0].url", func(o *Order) { o.Items[0].URL = "https://vidshare.example/v/1 2" }},
		{"items[0].url", func(o *Order) { o.Items[0].URL = "https://vidshare.example/" + strings.Repeat("a", 2048) }},
		{"items[0].url", func(o *Order) { o.Items[0].URL = "https://vidshare.example/\xff" }},
		{"items[1].url", func(o *Order) { o.Items = append(o.Items, o.Items[0]) }},
		{"items[0].locator", func(o *Order) { o.Items[0].Locator = strings.Repeat("l", 501) }},
		{"category", func(o *Order) { o.Category = "propaganda" }},
		{"reasons", func(o *Order) { o.Reasons = "bad" }},
		{"reasons", func(o *Order) { o.Reasons = strings.Repeat("r", 10_001) }},
		{"redress", func(o *Order) { o.Redress = "" }},
		{"emergency_justification", func(o *Order) { o.Emergency = true }},
	} {
		o := sampleOrder()
		c.edit(&o)
		err := o.Validate()
		if secunion.CodeOf(err) != secunion.Invalid || !strings.Contains(err.Error(), c.field+":") {
			t.Errorf("%s: %v", c.field, err)
		}
	}
	o := sampleOrder()
	if err := o.Validate(); err != nil {
		t.Fatalf("a good order: %v", err)
	}
}

// TestIssue checks who may issue and the 12-hour rule for a first order
// to a provider (Art 3(2)).
func TestIssue(t *testing.T) {
	o, err := Issue(sampleOrder(), police, platform, t0.Add(-12*time.Hour), t0, true)
	if err != nil {
		t.Fatal(err)
	}
	if o.ID == "" || o.State != Issued || o.Issuer != police.Code || o.IssuerState != "FR" || o.ProviderState != "IE" || !o.CrossBorder() || !o.Issued.Equal(t0) {
		t.Errorf("issued: %+v", o)
	}
	if o.ContactPoint != "webhook https://hooks.vidshare.example/tco and inbox" {
		t.Errorf("contact point %q", o.ContactPoint)
	}
	for name, c := range map[string]struct {
		issuer access.Authority
		order  func(*Order)
		notice time.Time
		first  bool
		code   secunion.Code
	}{
		"police of the wrong kind": {access.Authority{Code: "FR-POL", Country: "FR", Kind: access.KindPolice}, nil, time.Time{}, false, secunion.Forbidden},
		"an EU body":               {access.Authority{Code: "EU-IRU", Country: "EU", Kind: access.KindTCOAuthority}, nil, time.Time{}, false, secunion.Forbidden},
		"another provider":         {police, func(o *Order) { o.Provider = "OTHER" }, time.Time{}, false, secunion.Invalid},
		"first, no notice":         {police, nil, time.Time{}, true, secunion.Conflict},
		"first, notice 11 h 59":    {police, nil, t0.Add(-12*time.Hour + time.Minute), true, secunion.Conflict},
		"bad order":                {police, func(o *Order) { o.Category = "" }, time.Time{}, false, secunion.Invalid},
	} {
		in := sampleOrder()
		if c.order != nil {
			c.order(&in)
		}
		if _, err := Issue(in, c.issuer, platform, c.notice, t0, c.first); secunion.CodeOf(err) != c.code {
			t.Errorf("%s: %v, want %s", name, err, c.code)
		}
	}
	emergency := sampleOrder()
	emergency.Emergency, emergency.EmergencyJustification = true, "Livestream of an ongoing attack."
	if _, err := Issue(emergency, police, platform, time.Time{}, t0, true); err != nil {
		t.Errorf("an emergency first order: %v", err)
	}
}

// TestProvider refuses providers that cannot be reached safely or lack
// what the Regulation asks.
func TestProvider(t *testing.T) {
	if err := platform.Validate(); err != nil {
		t.Fatal(err)
	}
	local := platform
	local.Contact.Webhook = "http://127.0.0.1:8099/hook"
	if err := local.Validate(); err != nil {
		t.Errorf("a loopback webhook: %v", err)
	}
	for field, edit := range map[string]func(p *Provider){
		"state":                func(p *Provider) { p.State = "US" },
		"legal_representative": func(p *Provider) { p.OutsideUnion = true },
		"contact.webhook":      func(p *Provider) { p.Contact.Webhook = "http://hooks.vidshare.example/tco" },
		"contact.secret":       func(p *Provider) { p.Contact.Secret = "short" },
		"name":                 func(p *Provider) { p.Name = "" },
	} {
		p := platform
		edit(&p)
		if err := p.Validate(); secunion.CodeOf(err) != secunion.Invalid || !strings.Contains(err.Error(), field+":") {
			t.Errorf("%s: %v", field, err)
		}
	}
}
