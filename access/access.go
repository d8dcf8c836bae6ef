// Package access holds who may use secunion and for what: authorities, their
// users and roles, API tokens, console sessions, passwords, and the search
// profiles that say which source systems and fields an authority kind may see
// for each purpose (DOMAIN.md §1, §2 "profile"; Directive 2016/680 Art 29 on
// user and data-access control).
//
// The package holds types and rules only; the store persists them and writes
// the audit entry for every change in the same transaction.
package access

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"secunion"
)

// Kind is the kind of an authority. It decides which purposes the authority
// may declare and, with the purpose, which profile applies.
type Kind string

// The authority kinds.
const (
	KindBorderGuard     Kind = "border-guard"
	KindPolice          Kind = "police"
	KindSirene          Kind = "sirene"
	KindVisa            Kind = "visa"
	KindETIASUnit       Kind = "etias-unit"
	KindETIASCentral    Kind = "etias-central-unit"
	KindAsylum          Kind = "asylum"
	KindCriminalRecords Kind = "criminal-records"
	KindPIU             Kind = "passenger-information-unit"
	KindEuropol         Kind = "europol"
	KindTCOAuthority    Kind = "tco-authority" // competent authority under Regulation 2021/784
	KindHostingProvider Kind = "hosting-provider"
	KindSupervisory     Kind = "supervisory"
	KindCommission      Kind = "commission"
	KindAdministrator   Kind = "administrator"
)

// Kinds lists every authority kind.
var Kinds = []Kind{
	KindBorderGuard, KindPolice, KindSirene, KindVisa, KindETIASUnit, KindETIASCentral,
	KindAsylum, KindCriminalRecords, KindPIU, KindEuropol, KindTCOAuthority,
	KindHostingProvider, KindSupervisory, KindCommission, KindAdministrator,
}

// The roles a user can hold.
const (
	// RoleAdmin manages users and tokens of its own authority; in an
	// administrator authority it manages every authority, user and token.
	RoleAdmin = "admin"
	// RoleOfficer uses the tools of its authority for the purposes its
	// kind may declare.
	RoleOfficer = "officer"
	// RoleSupervisor reads, searches and verifies the audit log. Only users
	// of a supervisory authority may hold it.
	RoleSupervisor = "supervisor"
)

// Roles lists every role.
var Roles = []string{RoleAdmin, RoleOfficer, RoleSupervisor}

// Authority is a national authority, EU body or hosting service provider
// that uses secunion.
type Authority struct {
	Code    string    `json:"code"`    // e.g. "DE-BPOL"
	Name    string    `json:"name"`    // e.g. "Bundespolizei"
	Country string    `json:"country"` // ISO 3166-1 alpha-2 Member State code, or "EU" for an EU body
	Kind    Kind      `json:"kind"`
	Created time.Time `json:"created"`
}

var (
	codePattern  = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{1,31}$`)
	loginPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)
)

// memberStates are the ISO codes of the Member States; "EU" stands for an EU
// body and "XX" for an organisation outside the Union (e.g. a provider's
// main establishment abroad).
var memberStates = []string{
	"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
	"IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
	"EU", "XX",
}

// IsMemberState reports whether code is the ISO code of one of the 27
// Member States (not EU or XX).
func IsMemberState(code string) bool {
	return len(code) == 2 && code != "EU" && code != "XX" && slices.Contains(memberStates, code)
}

// Validate reports the first thing wrong with a, as an Invalid error.
func (a Authority) Validate() error {
	switch {
	case !codePattern.MatchString(a.Code):
		return secunion.Errorf(secunion.Invalid, "authority code %q: use 2–32 capital letters, digits and hyphens, e.g. DE-BPOL", a.Code)
	case strings.TrimSpace(a.Name) == "" || utf8.RuneCountInString(a.Name) > 200:
		return secunion.Errorf(secunion.Invalid, "authority name: give 1–200 characters")
	case !slices.Contains(memberStates, a.Country):
		return secunion.Errorf(secunion.Invalid, "authority country %q: use a Member State's ISO code (e.g. DE), EU for an EU body or XX for outside the Union", a.Country)
	case !slices.Contains(Kinds, a.Kind):
		return secunion.Errorf(secunion.Invalid, "authority kind %q is not one of %s", a.Kind, joinKinds())
	}
	return nil
}

func joinKinds() string {
	s := make([]string, len(Kinds))
	for i, k := range Kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// User is a person who works for an authority.
type User struct {
	ID        int64     `json:"id"`
	Login     string    `json:"login"`
	Name      string    `json:"name"`
	Authority string    `json:"authority"`
	Roles     []string  `json:"roles"`
	Disabled  bool      `json:"disabled"`
	Created   time.Time `json:"created"`
}

// Validate reports the first thing wrong with u for an authority of the
// given kind, as an Invalid error.
func (u User) Validate(kind Kind) error {
	if !loginPattern.MatchString(u.Login) {
		return secunion.Errorf(secunion.Invalid, "login %q: use 2–64 lower-case letters, digits, dots, hyphens or underscores", u.Login)
	}
	if strings.TrimSpace(u.Name) == "" || utf8.RuneCountInString(u.Name) > 200 {
		return secunion.Errorf(secunion.Invalid, "user name: give 1–200 characters")
	}
	if len(u.Roles) == 0 {
		return secunion.Errorf(secunion.Invalid, "user %s: give at least one role (%s)", u.Login, strings.Join(Roles, ", "))
	}
	for _, r := range u.Roles {
		if !slices.Contains(Roles, r) {
			return secunion.Errorf(secunion.Invalid, "role %q is not one of %s", r, strings.Join(Roles, ", "))
		}
		if r == RoleSupervisor && kind != KindSupervisory {
			return secunion.Errorf(secunion.Invalid, "role supervisor is reserved to users of a supervisory authority")
		}
	}
	return nil
}

// CanAdminister reports whether actor may see and manage (list, disable,
// revoke tokens of) the users of the authority with the given code: the
// local operator, an admin of an administrator authority, or an admin of
// that authority.
func CanAdminister(actor secunion.Actor, authority string) bool {
	if actor.Local {
		return true
	}
	if !actor.Has(RoleAdmin) {
		return false
	}
	return Kind(actor.AuthorityKind) == KindAdministrator || actor.Authority == authority
}

// CanManageAuthorities reports whether actor may create authorities.
func CanManageAuthorities(actor secunion.Actor) bool {
	return actor.Local || (actor.Has(RoleAdmin) && Kind(actor.AuthorityKind) == KindAdministrator)
}

// CanMatchHashes reports whether actor may hash content and look hashes
// up in the hash banks: hosting service providers (on upload), competent
// authorities for terrorist content and Europol.
func CanMatchHashes(actor secunion.Actor) bool {
	switch Kind(actor.AuthorityKind) {
	case KindHostingProvider, KindTCOAuthority, KindEuropol:
		return true
	}
	return false
}

// CanCurateHashes reports whether actor may add to the hash banks and
// enable or disable their entries: competent authorities for terrorist
// content, Europol (its EU IRU), and the local operator.
func CanCurateHashes(actor secunion.Actor) bool {
	k := Kind(actor.AuthorityKind)
	return actor.Local || k == KindTCOAuthority || k == KindEuropol
}

// CanGrant says whether actor may create a user holding roles in the
// authority with the given code and kind, and if not, why. Each authority
// manages its own people: an administrator authority's admin may create any
// authority's first admin but no officer or supervisor elsewhere (who could
// then act as that authority), and only a supervisory authority's admin (or
// the local operator) may make supervisors, who read everyone's logs.
func CanGrant(actor secunion.Actor, authority string, kind Kind, roles []string) error {
	if actor.Local {
		return nil
	}
	if !actor.Has(RoleAdmin) {
		return secunion.Errorf(secunion.Forbidden, "only admins may create users")
	}
	own := actor.Authority == authority
	for _, r := range roles {
		switch {
		case r == RoleSupervisor && !(own && kind == KindSupervisory):
			return secunion.Errorf(secunion.Forbidden, "only an admin of the supervisory authority itself may make supervisors")
		case !own && !(r == RoleAdmin && Kind(actor.AuthorityKind) == KindAdministrator):
			return secunion.Errorf(secunion.Forbidden, "you may not create %s users in authority %s: each authority creates its own people", r, authority)
		}
	}
	return nil
}
