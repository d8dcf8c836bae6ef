package access

import (
	"slices"
	"strings"

	"secunion"
)

// The source systems that the European Search Portal can query
// (DOMAIN.md §2).
const (
	SIS      = "SIS"
	VIS      = "VIS"
	EES      = "EES"
	ETIAS    = "ETIAS"
	Eurodac  = "Eurodac"
	ECRISTCN = "ECRIS-TCN"
	Europol  = "Europol"
	SLTD     = "Interpol-SLTD"
)

// The categories of fields a profile may return.
const (
	FieldIdentity      = "identity"        // names, date and place of birth, sex, nationalities, aliases
	FieldDocument      = "travel-document" // type, number, issuing country, expiry
	FieldBiometrics    = "biometrics"      // facial image and fingerprint references
	FieldAlert         = "alert"           // SIS alert category, issuing Member State, action to take
	FieldVisa          = "visa"            // visa applications and decisions
	FieldEntryExit     = "entry-exit"      // EES entries, exits, refusals, overstay
	FieldAuthorisation = "authorisation"   // ETIAS application status
	FieldProtection    = "protection"      // Eurodac category and Member State of origin
	FieldConviction    = "conviction"      // ECRIS-TCN convicting Member State
	FieldCriminalIntel = "criminal-intelligence"
)

// Profile says which source systems an authority kind may query for one
// purpose and which field categories come back (Regulation 2019/817 Art 8).
type Profile struct {
	Kind    Kind             `json:"kind"`
	Purpose secunion.Purpose `json:"purpose"`
	Systems []string         `json:"systems"`
	Fields  []string         `json:"fields"`
}

// Reaches reports whether the profile reaches the source system.
func (p Profile) Reaches(system string) bool { return slices.Contains(p.Systems, system) }

// Grants reports whether the profile returns the field category.
func (p Profile) Grants(field string) bool { return slices.Contains(p.Fields, field) }

// ConsultPurposes are the purposes for which source systems are consulted
// and written: the European Search Portal, record reads and writes,
// templates and biometric matching. Link verification reaches records only
// through the links its authority verifies, and the other purposes reach
// none.
var ConsultPurposes = []secunion.Purpose{
	secunion.PurposeBorderCheck, secunion.PurposeVisa, secunion.PurposeTravelAuth, secunion.PurposeProtection,
	secunion.PurposeIdentityCheck, secunion.PurposeLawEnforcement, secunion.PurposePassengerData,
}

var (
	idDoc   = []string{FieldIdentity, FieldDocument}
	allSyst = []string{SIS, VIS, EES, ETIAS, Eurodac, ECRISTCN, Europol, SLTD}
)

// Profiles is the table of profiles: authority kind × purpose → systems and
// fields. A purpose absent for a kind is refused to that kind. Purposes
// that reach no source system (terrorist content, supervision,
// administration) still appear, with no systems, so that the kind may declare
// them. The rows follow the access rules of Regulations 2019/817 and
// 2019/818, simplified where noted:
//   - Law-enforcement access to the CIR in the Regulations answers only with
//     a flag naming the systems that hold data; secunion returns identity and
//     document fields, the second step that the authority requests from each
//     system under that system's own law, in one go.
//   - Biometrics go only to authorities that capture and compare them at the
//     border, for visas and for international protection.
var Profiles = withAdministration([]Profile{
	{KindBorderGuard, secunion.PurposeBorderCheck, []string{SIS, VIS, EES, ETIAS, SLTD}, []string{FieldIdentity, FieldDocument, FieldBiometrics, FieldAlert, FieldVisa, FieldEntryExit, FieldAuthorisation}},
	{KindBorderGuard, secunion.PurposeIdentityCheck, []string{SIS, VIS, EES, ETIAS, Eurodac, ECRISTCN}, idDoc},
	{KindBorderGuard, secunion.PurposeLinkVerification, []string{EES}, idDoc},
	{KindPolice, secunion.PurposeIdentityCheck, []string{SIS, VIS, EES, ETIAS, Eurodac, ECRISTCN}, idDoc},
	{KindPolice, secunion.PurposeLawEnforcement, allSyst, []string{FieldIdentity, FieldDocument, FieldAlert, FieldVisa, FieldEntryExit, FieldAuthorisation, FieldProtection, FieldConviction, FieldCriminalIntel}},
	{KindSirene, secunion.PurposeLawEnforcement, []string{SIS, Europol, SLTD}, []string{FieldIdentity, FieldDocument, FieldAlert, FieldCriminalIntel}},
	{KindSirene, secunion.PurposeLinkVerification, []string{SIS}, []string{FieldIdentity, FieldDocument, FieldAlert}},
	{KindVisa, secunion.PurposeVisa, []string{VIS, SIS, EES, ETIAS, Eurodac, SLTD}, []string{FieldIdentity, FieldDocument, FieldBiometrics, FieldAlert, FieldVisa, FieldEntryExit, FieldAuthorisation, FieldProtection}},
	{KindVisa, secunion.PurposeLinkVerification, []string{VIS}, idDoc},
	{KindETIASUnit, secunion.PurposeTravelAuth, []string{ETIAS, SIS, VIS, EES, Eurodac, ECRISTCN, Europol, SLTD}, []string{FieldIdentity, FieldDocument, FieldAlert, FieldVisa, FieldEntryExit, FieldAuthorisation, FieldProtection, FieldConviction}},
	{KindETIASUnit, secunion.PurposeLinkVerification, []string{ETIAS}, idDoc},
	{KindETIASCentral, secunion.PurposeTravelAuth, []string{ETIAS, SIS, VIS, EES, Eurodac, ECRISTCN, Europol, SLTD}, []string{FieldIdentity, FieldDocument, FieldAlert, FieldAuthorisation}},
	{KindETIASCentral, secunion.PurposeLinkVerification, []string{ETIAS}, idDoc},
	{KindAsylum, secunion.PurposeProtection, []string{Eurodac, VIS, SIS}, []string{FieldIdentity, FieldDocument, FieldBiometrics, FieldVisa, FieldProtection, FieldAlert}},
	{KindAsylum, secunion.PurposeLinkVerification, []string{Eurodac}, idDoc},
	{KindCriminalRecords, secunion.PurposeLinkVerification, []string{ECRISTCN}, []string{FieldIdentity, FieldDocument, FieldConviction}},
	{KindPIU, secunion.PurposePassengerData, []string{SIS, SLTD, Europol}, []string{FieldIdentity, FieldDocument, FieldAlert}},
	{KindEuropol, secunion.PurposeLawEnforcement, allSyst, []string{FieldIdentity, FieldDocument, FieldAlert, FieldVisa, FieldEntryExit, FieldAuthorisation, FieldProtection, FieldConviction, FieldCriminalIntel}},
	{KindEuropol, secunion.PurposeTerroristContent, nil, nil},
	{KindEuropol, secunion.PurposeAlertSharing, nil, nil},
	{KindPolice, secunion.PurposeAlertSharing, nil, nil},
	{KindCSIRT, secunion.PurposeAlertSharing, nil, nil},
	{KindRASContact, secunion.PurposeAlertSharing, nil, nil},
	{KindCommission, secunion.PurposeAlertSharing, nil, nil},
	{KindPartner, secunion.PurposeAlertSharing, nil, nil},
	{KindPartner, secunion.PurposeLawEnforcement, nil, nil},
	{KindTCOAuthority, secunion.PurposeTerroristContent, nil, nil},
	{KindHostingProvider, secunion.PurposeTerroristContent, nil, nil},
	{KindSupervisory, secunion.PurposeSupervision, nil, nil},
})

// withAdministration adds the administration purpose, with no source
// system, to every kind: each authority's admins manage its own users and
// tokens (access.CanAdminister says whose).
func withAdministration(rows []Profile) []Profile {
	for _, k := range Kinds {
		rows = append(rows, Profile{Kind: k, Purpose: secunion.PurposeAdministration})
	}
	return rows
}

// ProfilesFor returns the profiles of an authority kind, one per purpose it
// may declare.
func ProfilesFor(kind Kind) []Profile {
	var out []Profile
	for _, p := range Profiles {
		if p.Kind == kind {
			out = append(out, p)
		}
	}
	return out
}

// ProfileFor returns the profile that applies to an authority kind acting
// for purpose, and whether there is one.
func ProfileFor(kind Kind, purpose secunion.Purpose) (Profile, bool) {
	for _, p := range Profiles {
		if p.Kind == kind && p.Purpose == purpose {
			return p, true
		}
	}
	return Profile{}, false
}

// Declaration is the purpose and justification a caller gives for a
// request on personal data.
type Declaration struct {
	Purpose       secunion.Purpose `json:"purpose"`
	Justification string           `json:"justification,omitempty"`
	// OnBehalfOf names the end user ("AUTHORITY/login") for whom another
	// secunion node's service user (RoleNode, the only caller who may send
	// it) asks, as that node states it. It grants nothing: the caller's own
	// profile applies. Audit entries record that user as the recipient of
	// the data (Directive 2016/680 Art 25).
	OnBehalfOf string `json:"on_behalf_of,omitempty"`
}

// Recipients returns the recipients of the data to record in an audit
// entry: the end user named by OnBehalfOf, or none when the caller asked
// for itself.
func (d Declaration) Recipients() []string {
	if d.OnBehalfOf == "" {
		return nil
	}
	return []string{d.OnBehalfOf}
}

// ParseOnBehalfOf checks the end user that another node names (an
// authority code and a login, "DE-BPOL/anna"); an empty name is no one.
func ParseOnBehalfOf(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	code, login, ok := strings.Cut(s, "/")
	if !ok || !codePattern.MatchString(code) || !loginPattern.MatchString(login) {
		return "", secunion.Errorf(secunion.Invalid, "X-On-Behalf-Of: name the end user as AUTHORITY/login, e.g. DE-BPOL/anna")
	}
	return s, nil
}

// Declare checks a purpose and justification given by actor and returns the
// declaration and the profile that applies. It refuses (Forbidden) a missing
// purpose, a purpose the actor's authority kind may not declare, and a
// purpose that needs a justification given without one.
func Declare(actor secunion.Actor, purpose, justification string) (Declaration, Profile, error) {
	p, err := secunion.ParsePurpose(purpose)
	if err != nil {
		return Declaration{}, Profile{}, err
	}
	prof, ok := ProfileFor(Kind(actor.AuthorityKind), p)
	if !ok {
		return Declaration{}, Profile{}, secunion.Errorf(secunion.Forbidden, "authorities of kind %s may not act for purpose %s", actor.AuthorityKind, p)
	}
	if len(justification) > 500 {
		return Declaration{}, Profile{}, secunion.Errorf(secunion.Invalid, "justification: at most 500 characters")
	}
	if p.NeedsJustification() && len(justification) < 3 {
		return Declaration{}, Profile{}, secunion.Errorf(secunion.Forbidden, "purpose %s needs a justification such as a case reference", p)
	}
	return Declaration{Purpose: p, Justification: justification}, prof, nil
}
