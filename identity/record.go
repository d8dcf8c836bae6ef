// Package identity holds the records of the EU information systems that
// secunion interconnects (Regulations (EU) 2019/817 and 2019/818; DOMAIN.md
// §2): SIS, VIS, EES, ETIAS, Eurodac, ECRIS-TCN, Europol data and Interpol's
// SLTD. Each record keeps the identity and travel-document data common to
// all systems and the fields its own law gives it; the Common Identity
// Repository (CIR) keeps one individual file per EES, VIS, ETIAS, Eurodac
// and ECRIS-TCN record.
//
// Rules chosen where the acts leave room:
//   - A record is identified by its system and its source record ID; writing
//     the same ID again replaces the record (idempotent import).
//   - Dates of birth may be partial (YYYY or YYYY-MM) as in the systems;
//     names are kept as written, in any script, and normalised only for
//     matching (package names).
//   - Biometric data are references to templates in the shared biometric
//     matching service, never images.
package identity

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"secunion"
	"secunion/access"
	"secunion/mrz"
	"secunion/names"
)

// Systems lists the source systems in the order answers are shown.
var Systems = []string{access.SIS, access.VIS, access.EES, access.ETIAS, access.Eurodac, access.ECRISTCN, access.Europol, access.SLTD}

// InCIR reports whether the CIR keeps an individual file for records of
// system (Art 17 of Regulation 2019/817 and of 2019/818).
func InCIR(system string) bool {
	switch system {
	case access.EES, access.VIS, access.ETIAS, access.Eurodac, access.ECRISTCN:
		return true
	}
	return false
}

// Writers says which kinds of authority create, change and delete the
// records of each system: those that enter data under the system's own law.
var Writers = map[string][]access.Kind{
	access.SIS:      {access.KindSirene, access.KindPolice, access.KindBorderGuard},
	access.VIS:      {access.KindVisa},
	access.EES:      {access.KindBorderGuard},
	access.ETIAS:    {access.KindETIASCentral, access.KindETIASUnit},
	access.Eurodac:  {access.KindAsylum},
	access.ECRISTCN: {access.KindCriminalRecords},
	access.Europol:  {access.KindEuropol},
	access.SLTD:     {access.KindPolice, access.KindSirene},
}

// ParseSystem returns the canonical name of a system, matched without
// regard to case, or an Invalid error listing the systems.
func ParseSystem(s string) (string, error) {
	for _, sys := range Systems {
		if strings.EqualFold(s, sys) {
			return sys, nil
		}
	}
	return "", secunion.Errorf(secunion.Invalid, "unknown system %q: use one of %s", s, strings.Join(Systems, ", "))
}

// Record is one record of a source system.
type Record struct {
	System     string     `json:"system"`
	ID         string     `json:"id"` // source record ID, unique in its system
	Person     *Person    `json:"person,omitempty"`
	Documents  []Document `json:"documents,omitempty"`
	Biometrics []string   `json:"biometrics,omitempty"` // template references in the sBMS

	SIS     *SISAlert      `json:"sis,omitempty"`
	VIS     *VisaFile      `json:"vis,omitempty"`
	EES     *TravelHistory `json:"ees,omitempty"`
	ETIAS   *Application   `json:"etias,omitempty"`
	Eurodac *Protection    `json:"eurodac,omitempty"`
	ECRIS   *Conviction    `json:"ecris,omitempty"`
	Europol *Intelligence  `json:"europol,omitempty"`
	SLTD    *LostDocument  `json:"sltd,omitempty"`

	// Owner is the authority that created the record: set by secunion from
	// the writer's authority, never by the writer, and never changed by a
	// replace. Only the owner (or the node's operator) replaces or erases
	// the record. Nil for a record the node's operator loaded without
	// naming an owner: then only the operator changes it.
	Owner   *Owner    `json:"owner,omitempty"`
	Updated time.Time `json:"updated,omitzero"`
}

// Owner is the authority that owns a record, and its Member State.
type Owner struct {
	Authority string `json:"authority"`
	Country   string `json:"country"`
}

// CheckOwner checks that authority a, the one o names, may own records
// of system: o gives its country, and its kind enters the system's data.
func CheckOwner(system string, o Owner, a access.Authority) error {
	switch {
	case a.Country != o.Country:
		return secunion.Errorf(secunion.Invalid, "owner: authority %s is of %s, not %s", a.Code, a.Country, o.Country)
	case !slices.Contains(Writers[system], a.Kind):
		return secunion.Errorf(secunion.Invalid, "owner: authority %s is of kind %s, which does not enter %s data", a.Code, a.Kind, system)
	}
	return nil
}

// Person is the identity data of a record.
type Person struct {
	Surname       string   `json:"surname"`
	GivenNames    string   `json:"given_names,omitempty"`
	BirthDate     string   `json:"birth_date,omitempty"` // YYYY-MM-DD, YYYY-MM or YYYY
	Sex           string   `json:"sex,omitempty"`        // M, F, X; empty if unknown
	Nationalities []string `json:"nationalities,omitempty"`
	PlaceOfBirth  string   `json:"place_of_birth,omitempty"`
	Aliases       []Alias  `json:"aliases,omitempty"` // previous names and aliases
}

// Alias is another name a person used or is known by.
type Alias struct {
	Surname    string `json:"surname"`
	GivenNames string `json:"given_names,omitempty"`
}

// Document is travel-document data.
type Document struct {
	Type           string `json:"type"` // P passport, I identity card, V visa, …
	Number         string `json:"number"`
	IssuingCountry string `json:"issuing_country"` // ICAO code
	Expiry         string `json:"expiry,omitempty"`
}

// SISAlert is a SIS alert on a person or a document.
type SISAlert struct {
	Category     string `json:"category"`      // arrest, missing, discreet-check, specific-check, refusal-of-entry, return, stolen-document
	IssuingState string `json:"issuing_state"` // Member State that issued the alert
	Action       string `json:"action,omitempty"`
}

// VisaFile is a VIS application file.
type VisaFile struct {
	ApplicationNumber string `json:"application_number"`
	Status            string `json:"status"` // lodged, issued, refused, annulled, revoked, extended
	IssuingState      string `json:"issuing_state"`
	ValidUntil        string `json:"valid_until,omitempty"`
}

// TravelHistory is an EES individual file's entries and exits.
type TravelHistory struct {
	Crossings []Crossing `json:"crossings"`
	Overstay  bool       `json:"overstay"`
}

// Crossing is one entry, exit or refusal at an external border.
type Crossing struct {
	Kind  string `json:"kind"` // entry, exit, refusal
	Date  string `json:"date"` // YYYY-MM-DD
	State string `json:"state"`
	Point string `json:"border_point,omitempty"`
}

// Application is an ETIAS application.
type Application struct {
	Number string `json:"number"`
	Status string `json:"status"` // submitted, manual-processing, granted, refused, revoked, annulled
}

// Protection is a Eurodac data set.
type Protection struct {
	Category      string `json:"category"` // applicant, irregular-crossing, illegal-stay, resettlement
	OriginState   string `json:"origin_state"`
	ReferenceCode string `json:"reference,omitempty"`
}

// Conviction is an ECRIS-TCN record: which Member States hold convictions.
type Conviction struct {
	ConvictingStates []string `json:"convicting_states"`
}

// Intelligence is a Europol person of interest.
type Intelligence struct {
	Role  string `json:"role"`  // suspect, convicted, contact, witness
	Crime string `json:"crime"` // area of crime, e.g. terrorism
}

// LostDocument is an Interpol SLTD entry: a document, not a person.
type LostDocument struct {
	Status           string `json:"status"` // stolen, lost, revoked, invalid
	ReportingCountry string `json:"reporting_country"`
}

// Limits of a record.
const (
	maxText      = 200
	maxList      = 20
	maxCrossings = 500
)

// Validate checks a record against now and returns the first problem as an
// Invalid error naming the field.
func (r Record) Validate(now time.Time) error {
	if _, err := ParseSystem(r.System); err != nil {
		return err
	}
	if r.ID == "" || len(r.ID) > 64 || strings.ContainsAny(r.ID, "/?#% \t\r\n") || !utf8.ValidString(r.ID) {
		return secunion.Errorf(secunion.Invalid, "id: give 1–64 characters without spaces, '/', '?', '#' or '%%'")
	}
	details := map[string]bool{
		access.SIS: r.SIS != nil, access.VIS: r.VIS != nil, access.EES: r.EES != nil, access.ETIAS: r.ETIAS != nil,
		access.Eurodac: r.Eurodac != nil, access.ECRISTCN: r.ECRIS != nil, access.Europol: r.Europol != nil, access.SLTD: r.SLTD != nil,
	}
	for sys, set := range details {
		if set && sys != r.System {
			return secunion.Errorf(secunion.Invalid, "a %s record cannot carry %s fields", r.System, sys)
		}
	}
	if !details[r.System] {
		return secunion.Errorf(secunion.Invalid, "a %s record needs its %s fields", r.System, detailField(r.System))
	}
	if r.Person == nil && r.System != access.SLTD {
		return secunion.Errorf(secunion.Invalid, "person: a %s record needs identity data", r.System)
	}
	if r.System == access.SLTD && len(r.Documents) == 0 {
		return secunion.Errorf(secunion.Invalid, "documents: an SLTD record needs the lost or stolen document")
	}
	if r.Person != nil {
		if err := r.Person.validate(now); err != nil {
			return err
		}
	}
	if len(r.Documents) > maxList || len(r.Biometrics) > maxList {
		return secunion.Errorf(secunion.Invalid, "at most %d documents and %d biometric references", maxList, maxList)
	}
	for i, d := range r.Documents {
		if err := d.validate(); err != nil {
			return secunion.Errorf(secunion.Invalid, "documents[%d]: %s", i, secunion.MessageOf(err))
		}
	}
	for _, b := range r.Biometrics {
		if err := text("biometrics", b, 100, true); err != nil {
			return err
		}
	}
	return r.validateDetails()
}

func detailField(system string) string {
	switch system {
	case access.ECRISTCN:
		return "ecris"
	}
	return strings.ToLower(system)
}

func (p Person) validate(now time.Time) error {
	if err := text("person.surname", p.Surname, maxText, true); err != nil {
		return err
	}
	if err := names.Check(p.Surname); err != nil {
		return secunion.Errorf(secunion.Invalid, "person.surname: %s", secunion.MessageOf(err))
	}
	if err := text("person.given_names", p.GivenNames, maxText, false); err != nil {
		return err
	}
	if p.BirthDate != "" {
		if _, err := names.ParseDate(p.BirthDate, now); err != nil {
			return secunion.Errorf(secunion.Invalid, "person.birth_date: %s", secunion.MessageOf(err))
		}
	}
	if p.Sex != "" && p.Sex != "M" && p.Sex != "F" && p.Sex != "X" {
		return secunion.Errorf(secunion.Invalid, "person.sex %q: use M, F or X", p.Sex)
	}
	if len(p.Nationalities) > 5 || len(p.Aliases) > maxList {
		return secunion.Errorf(secunion.Invalid, "person: at most 5 nationalities and %d aliases", maxList)
	}
	for _, n := range p.Nationalities {
		if !country(n) {
			return secunion.Errorf(secunion.Invalid, "person.nationalities: %q is not an ICAO country code (e.g. DEU, or XXA for stateless)", n)
		}
	}
	if err := text("person.place_of_birth", p.PlaceOfBirth, maxText, false); err != nil {
		return err
	}
	for _, a := range p.Aliases {
		if err := text("person.aliases.surname", a.Surname, maxText, true); err != nil {
			return err
		}
		if err := text("person.aliases.given_names", a.GivenNames, maxText, false); err != nil {
			return err
		}
	}
	return nil
}

func (d Document) validate() error {
	if !slices.Contains([]string{"P", "I", "ID", "V", "A", "C", "AC", "R"}, d.Type) {
		return secunion.Errorf(secunion.Invalid, "type %q: use P, I, ID, A, C, AC, V or R", d.Type)
	}
	if d.Number == "" || len(d.Number) > 20 || strings.Trim(d.Number, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" {
		return secunion.Errorf(secunion.Invalid, "number %q: 1–20 capital letters and digits", d.Number)
	}
	if !country(d.IssuingCountry) {
		return secunion.Errorf(secunion.Invalid, "issuing_country %q is not an ICAO country code (e.g. FRA, D)", d.IssuingCountry)
	}
	if d.Expiry != "" {
		if _, err := time.Parse(time.DateOnly, d.Expiry); err != nil {
			return secunion.Errorf(secunion.Invalid, "expiry %q: give YYYY-MM-DD", d.Expiry)
		}
	}
	return nil
}

func (r Record) validateDetails() error {
	oneOf := func(field, v string, allowed ...string) error {
		if !slices.Contains(allowed, v) {
			return secunion.Errorf(secunion.Invalid, "%s %q: use one of %s", field, v, strings.Join(allowed, ", "))
		}
		return nil
	}
	state := func(field, v string) error {
		if !country(v) && !(len(v) == 2 && strings.ToUpper(v) == v) {
			return secunion.Errorf(secunion.Invalid, "%s %q: give a Member State (DE) or ICAO country code (DEU)", field, v)
		}
		return nil
	}
	switch {
	case r.SIS != nil:
		if err := oneOf("sis.category", r.SIS.Category, "arrest", "missing", "discreet-check", "specific-check", "inquiry-check", "refusal-of-entry", "return", "stolen-document"); err != nil {
			return err
		}
		return state("sis.issuing_state", r.SIS.IssuingState)
	case r.VIS != nil:
		if err := oneOf("vis.status", r.VIS.Status, "lodged", "issued", "refused", "annulled", "revoked", "extended"); err != nil {
			return err
		}
		return state("vis.issuing_state", r.VIS.IssuingState)
	case r.EES != nil:
		if len(r.EES.Crossings) > maxCrossings {
			return secunion.Errorf(secunion.Invalid, "ees.crossings: at most %d", maxCrossings)
		}
		for _, c := range r.EES.Crossings {
			if err := oneOf("ees.crossings.kind", c.Kind, "entry", "exit", "refusal"); err != nil {
				return err
			}
			if _, err := time.Parse(time.DateOnly, c.Date); err != nil {
				return secunion.Errorf(secunion.Invalid, "ees.crossings.date %q: give YYYY-MM-DD", c.Date)
			}
		}
	case r.ETIAS != nil:
		return oneOf("etias.status", r.ETIAS.Status, "submitted", "manual-processing", "granted", "refused", "revoked", "annulled")
	case r.Eurodac != nil:
		if err := oneOf("eurodac.category", r.Eurodac.Category, "applicant", "irregular-crossing", "illegal-stay", "resettlement"); err != nil {
			return err
		}
		return state("eurodac.origin_state", r.Eurodac.OriginState)
	case r.ECRIS != nil:
		if len(r.ECRIS.ConvictingStates) == 0 {
			return secunion.Errorf(secunion.Invalid, "ecris.convicting_states: name at least one Member State")
		}
		for _, s := range r.ECRIS.ConvictingStates {
			if err := state("ecris.convicting_states", s); err != nil {
				return err
			}
		}
	case r.Europol != nil:
		return oneOf("europol.role", r.Europol.Role, "suspect", "convicted", "contact", "witness", "victim")
	case r.SLTD != nil:
		if err := oneOf("sltd.status", r.SLTD.Status, "stolen", "lost", "revoked", "invalid"); err != nil {
			return err
		}
		return state("sltd.reporting_country", r.SLTD.ReportingCountry)
	}
	return nil
}

func text(field, s string, max int, required bool) error {
	switch {
	case required && strings.TrimSpace(s) == "":
		return secunion.Errorf(secunion.Invalid, "%s: required", field)
	case len(s) > max:
		return secunion.Errorf(secunion.Invalid, "%s: at most %d bytes", field, max)
	case !utf8.ValidString(s):
		return secunion.Errorf(secunion.Invalid, "%s: not valid UTF-8", field)
	case strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return secunion.Errorf(secunion.Invalid, "%s: control characters are not allowed", field)
	}
	return nil
}

// country reports whether c is a country code of ICAO Doc 9303 (ISO 3166-1
// alpha-3 or one of ICAO's own, such as D for Germany or XXA for stateless).
func country(c string) bool { return mrz.ValidCountry(c) }
