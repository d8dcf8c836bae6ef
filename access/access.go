// Package access holds who may use secunion and for what: authorities, their
// users and roles, API tokens, console sessions, passwords, enrolment codes,
// and the search profiles that say which source systems and fields an
// authority kind may see for each purpose (DOMAIN.md §1, §2 "profile";
// Directive 2016/680 Art 29 on user and data-access control).
//
// The model, as a data-protection officer would audit it:
//   - Roles. Officers act on data, admins administer people, supervisors
//     supervise, and a node's service user (role node) asks on behalf of
//     another node's end users. Each API route states the roles and purposes
//     it takes (httpapi/routes.go); the console applies the same roles.
//   - Purposes. Every request on personal data declares a purpose its
//     authority's kind may declare, and one the route takes; the profile of
//     kind × purpose then decides which systems and field categories the
//     caller reaches. identity.View is the one function that cuts a record
//     to a profile, for every read path.
//   - Owners. A source-system record belongs to the authority that created
//     it. Only that authority (or the node's operator) replaces or erases it
//     or enrols its templates, under a purpose whose profile reaches the
//     system and covers what it writes; the owner, too, reads it only
//     through its profile.
//   - Administration scope. Each authority's admins manage its own people.
//     An administrator authority's admin creates authorities and an
//     authority's first admin, only while that authority has none, and
//     never for a supervisory or administrator authority (those and
//     service users are made at the node's command line). Nobody sets
//     another user's password: a user created through the API or console
//     sets their own with a one-time enrolment code.
//
// The package holds types and rules only; the store persists them and writes
// the audit entry for every change, and for every refusal, in the same
// transaction.
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
	KindCSIRT           Kind = "csirt"                 // a national CSIRT or CERT-EU, in the CSIRTs network
	KindRASContact      Kind = "ras-contact-point"     // a Member State's or institution's contact point of the Rapid Alert System
	KindPartner         Kind = "third-country-partner" // an authority of a third country, receiving only under an agreement (package alerts)
	KindSupervisory     Kind = "supervisory"
	KindCommission      Kind = "commission"
	KindAdministrator   Kind = "administrator"
)

// Kinds lists every authority kind.
var Kinds = []Kind{
	KindBorderGuard, KindPolice, KindSirene, KindVisa, KindETIASUnit, KindETIASCentral,
	KindAsylum, KindCriminalRecords, KindPIU, KindEuropol, KindTCOAuthority,
	KindHostingProvider, KindCSIRT, KindRASContact, KindPartner, KindSupervisory, KindCommission, KindAdministrator,
}

// The roles a user can hold.
const (
	// RoleAdmin manages users and tokens of its own authority; in an
	// administrator authority it also creates authorities and their first
	// admins, lists users anywhere, and disables users and revokes tokens
	// outside supervisory authorities (CanGrant, CanAdminister,
	// CanDisable).
	RoleAdmin = "admin"
	// RoleOfficer uses the tools of its authority for the purposes its
	// kind may declare.
	RoleOfficer = "officer"
	// RoleSupervisor reads, searches and verifies the audit log. Only users
	// of a supervisory authority may hold it.
	RoleSupervisor = "supervisor"
	// RoleNode is the service user through which another secunion node
	// consults this node's source systems on behalf of its own end users.
	// It alone may name an end user (X-On-Behalf-Of) and must name one; it
	// holds no other role, uses API tokens only, and is made at the node's
	// command line.
	RoleNode = "node"
)

// Roles lists every role.
var Roles = []string{RoleAdmin, RoleOfficer, RoleSupervisor, RoleNode}

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
		if r == RoleNode && len(u.Roles) > 1 {
			return secunion.Errorf(secunion.Invalid, "role node is a service user's alone: give it no other role")
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

// CanDisable reports whether actor may disable a user of the authority
// with the given code and kind, or revoke its tokens (disable), or enable
// it again: the local operator and the authority's own admins; an
// administrator authority's admin may also disable the users of other
// authorities, which grants it nothing, but never enable them (their
// authority may have disabled them) nor touch those of a supervisory
// authority, which checks the administrators.
func CanDisable(actor secunion.Actor, authority string, kind Kind, disable bool) bool {
	switch {
	case actor.Local || (actor.Has(RoleAdmin) && actor.Authority == authority):
		return true
	case !disable || kind == KindSupervisory:
		return false
	}
	return CanManageAuthorities(actor)
}

// CanManageAuthorities reports whether actor administers every authority:
// the local operator or an admin of an administrator authority.
func CanManageAuthorities(actor secunion.Actor) bool {
	return actor.Local || (actor.Has(RoleAdmin) && Kind(actor.AuthorityKind) == KindAdministrator)
}

// CanCreateAuthority says whether actor may create an authority of kind,
// and if not, why. Administrators create authorities, but not supervisory
// or administrator ones: a supervisory authority checks the
// administrators, and a second administrator authority would be a way
// round the first-admin rule (CanGrant). Those are created at the node's
// command line.
func CanCreateAuthority(actor secunion.Actor, kind Kind) error {
	switch {
	case actor.Local:
		return nil
	case !CanManageAuthorities(actor):
		return secunion.Errorf(secunion.Forbidden, "only admins of an administrator authority may create authorities")
	case kind == KindSupervisory || kind == KindAdministrator:
		return secunion.Errorf(secunion.Forbidden, "authorities of kind %s are created at the node's command line (secunion admin authority create)", kind)
	}
	return nil
}

// CanAlertRAS says whether actor may raise, acknowledge or close an alert
// of the Rapid Alert System, and if not, why: an alert is a person's
// judgement for a contact point, so it takes an officer of an authority of
// kind ras-contact-point, never a node's service user (which acts for
// people elsewhere) nor the node's operator (who is no contact point).
func CanAlertRAS(actor secunion.Actor) error {
	switch {
	case actor.Has(RoleNode):
		return secunion.Errorf(secunion.Forbidden, "an alert of the Rapid Alert System is raised and acknowledged by a person: a node's service user may not")
	case actor.Local || !actor.Has(RoleOfficer):
		return secunion.Errorf(secunion.Forbidden, "an alert of the Rapid Alert System is raised and acknowledged by an officer of a contact point")
	case Kind(actor.AuthorityKind) != KindRASContact:
		return secunion.Errorf(secunion.Forbidden, "only contact points of the Rapid Alert System (authorities of kind %s) raise and acknowledge alerts", KindRASContact)
	}
	return nil
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
// authority with the given code and kind, which holds an admin already or
// not, and if not, why. Each authority manages its own people. An
// administrator authority's admin may create another authority's first
// admin, and nothing more: no officer or supervisor elsewhere (who could
// then act as that authority), no second admin (who could then create
// them), and no admin of a supervisory or administrator authority. Only a
// supervisory authority's own admin (or the local operator) makes
// supervisors, who read everyone's logs, and only the local operator makes
// service users of other nodes.
func CanGrant(actor secunion.Actor, authority string, kind Kind, roles []string, hasAdmin bool) error {
	if actor.Local {
		return nil
	}
	if !actor.Has(RoleAdmin) {
		return secunion.Errorf(secunion.Forbidden, "only admins may create users")
	}
	if slices.Contains(roles, RoleNode) {
		return secunion.Errorf(secunion.Forbidden, "service users of other nodes are made at the node's command line (secunion admin user create --roles node)")
	}
	if actor.Authority == authority {
		return nil // User.Validate keeps supervisors to supervisory authorities
	}
	switch {
	case Kind(actor.AuthorityKind) != KindAdministrator:
		return secunion.Errorf(secunion.Forbidden, "you may not create users in authority %s: each authority creates its own people", authority)
	case kind == KindSupervisory || kind == KindAdministrator:
		return secunion.Errorf(secunion.Forbidden, "the admins of %s authorities are made at the node's command line", kind)
	case len(roles) != 1 || roles[0] != RoleAdmin:
		return secunion.Errorf(secunion.Forbidden, "you may create only the first admin of authority %s: its own admins create its officers", authority)
	case hasAdmin:
		return secunion.Errorf(secunion.Forbidden, "authority %s has an admin already: its own admins create its people", authority)
	}
	return nil
}
