// Package crisis runs the EU Crisis Protocol (DOMAIN.md §4): the voluntary
// rapid response of Member States, Europol and hosting service providers
// after an attack whose content spreads virally online.
//
// An incident goes through detection and notification, activation, a
// coordinated response, de-activation when the volume falls, and a
// debrief. Its participants are competent authorities of the Member
// States, Europol and providers; while it is active they share hashes
// (into the incident's own bank, which every matcher follows) and URLs,
// and a timeline records every step with its time.
//
// Who does what:
//   - a competent authority or Europol declares an incident, and is its
//     declaring authority;
//   - the coordinators are Europol, as the protocol's coordinator at EU
//     level, and the declaring authority: they activate it, start the
//     coordinated response, de-activate it, add and remove participants
//     and close the debrief with its conclusions;
//   - every participant, providers included, shares hashes and URLs while
//     the incident is active and writes notes on the timeline, which after
//     de-activation are the debrief's notes.
package crisis

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"secunion"
	"secunion/access"
)

// Incident is one activation, or candidate activation, of the protocol.
type Incident struct {
	ID          string `json:"id"` // "inc-" and 16 letters and digits
	Title       string `json:"title"`
	Description string `json:"description"`
	State       State  `json:"state"`
	DeclaredBy  string `json:"declared_by"` // the declaring authority's code
	// The times the incident entered each state.
	Detected    time.Time `json:"detected"`
	Activated   time.Time `json:"activated,omitzero"`
	Coordinated time.Time `json:"coordinated,omitzero"`
	Deactivated time.Time `json:"deactivated,omitzero"`
	Debriefed   time.Time `json:"debriefed,omitzero"`
	Conclusions string    `json:"conclusions,omitempty"` // of the debrief
}

// Participant is an authority taking part in an incident.
type Participant struct {
	Authority string      `json:"authority"`
	Name      string      `json:"name"`
	Kind      access.Kind `json:"kind"`
	Country   string      `json:"country"`
	Added     time.Time   `json:"added"`
	AddedBy   string      `json:"added_by"`
}

// CanDeclare reports whether an authority of kind k may declare an
// incident: a competent authority of a Member State or Europol.
func CanDeclare(k access.Kind) bool {
	return k == access.KindTCOAuthority || k == access.KindEuropol
}

// CanParticipate reports whether an authority of kind k may take part in
// an incident: competent authorities, Europol and hosting service
// providers.
func CanParticipate(k access.Kind) bool {
	return CanDeclare(k) || k == access.KindHostingProvider
}

// Limits of an incident's texts, and of the participants named when it
// is declared.
const (
	MaxTitle        = 200
	MaxText         = 4000
	MaxURL          = 2000
	MaxParticipants = 100
)

// NewID returns a new incident identifier, usable in a bank's name.
func NewID() string {
	return "inc-" + strings.TrimPrefix(secunion.NewID("x"), "x_")
}

// BankPrefix starts the name of every incident's bank.
const BankPrefix = "incident-"

// Bank returns the name of incident id's hash bank.
func Bank(id string) string { return BankPrefix + strings.TrimPrefix(id, "inc-") }

// OfBank returns the incident whose bank is named bank, if it is one.
func OfBank(bank string) (string, bool) {
	rest, ok := strings.CutPrefix(bank, BankPrefix)
	if !ok || rest == "" {
		return "", false
	}
	return "inc-" + rest, true
}

// Validate checks what a declaring authority writes of an incident,
// naming the field at fault, and trims its texts.
func (i *Incident) Validate() error {
	i.Title, i.Description = strings.TrimSpace(i.Title), strings.TrimSpace(i.Description)
	switch {
	case i.Title == "" || utf8.RuneCountInString(i.Title) > MaxTitle || !utf8.ValidString(i.Title):
		return secunion.Errorf(secunion.Invalid, "incident: title: give 1 to %d characters", MaxTitle)
	case len(i.Description) < 10:
		return secunion.Errorf(secunion.Invalid, "incident: description: say what happened and what spreads, at least 10 characters")
	case len(i.Description) > MaxText || !utf8.ValidString(i.Description):
		return secunion.Errorf(secunion.Invalid, "incident: description: at most %d bytes of UTF-8", MaxText)
	}
	return nil
}

// CheckURL returns the URL of content shared in an incident, trimmed, or
// an Invalid error naming what is wrong with it: an http or https address
// with a host.
func CheckURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > MaxURL {
		return "", secunion.Errorf(secunion.Invalid, "url: give the address of the content, at most %d characters", MaxURL)
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", secunion.Errorf(secunion.Invalid, "url: %q is not an http or https address", secunion.Clip(s, 100))
	}
	return s, nil
}
