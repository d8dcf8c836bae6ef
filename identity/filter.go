package identity

import (
	"slices"

	"secunion/access"
)

// Filter returns the record with only the field categories a profile
// allows (access.Field*). The system, the ID and the time of the last
// change always stay: an answer names its source.
func (r Record) Filter(fields []string) Record {
	out := Record{System: r.System, ID: r.ID, Updated: r.Updated}
	has := func(f string) bool { return slices.Contains(fields, f) }
	if has(access.FieldIdentity) {
		out.Person = r.Person
	}
	if has(access.FieldDocument) {
		out.Documents = r.Documents
		out.SLTD = r.SLTD // an SLTD entry is document data
	}
	if has(access.FieldBiometrics) {
		out.Biometrics = r.Biometrics
	}
	if has(access.FieldAlert) {
		out.SIS = r.SIS
	}
	if has(access.FieldVisa) {
		out.VIS = r.VIS
	}
	if has(access.FieldEntryExit) {
		out.EES = r.EES
	}
	if has(access.FieldAuthorisation) {
		out.ETIAS = r.ETIAS
	}
	if has(access.FieldProtection) {
		out.Eurodac = r.Eurodac
	}
	if has(access.FieldConviction) {
		out.ECRIS = r.ECRIS
	}
	if has(access.FieldCriminalIntel) {
		out.Europol = r.Europol
	}
	return out
}

// Categories names the data categories a record holds (identity, travel
// document, biometrics), for the audit entries about it.
func (r Record) Categories() []string {
	var c []string
	if r.Person != nil {
		c = append(c, access.FieldIdentity)
	}
	if len(r.Documents) > 0 {
		c = append(c, access.FieldDocument)
	}
	if len(r.Biometrics) > 0 {
		c = append(c, access.FieldBiometrics)
	}
	return c
}

// CIRFile is an individual file of the Common Identity Repository: the
// identity, travel-document and biometric data of one source record, kept
// apart per system, with the reference to its source.
type CIRFile struct {
	System     string     `json:"system"`
	RecordID   string     `json:"record_id"`
	Person     *Person    `json:"person,omitempty"`
	Documents  []Document `json:"documents,omitempty"`
	Biometrics []string   `json:"biometrics,omitempty"`
}

// CIRFile returns the CIR individual file of r and whether its system
// keeps one.
func (r Record) CIRFile() (CIRFile, bool) {
	if !InCIR(r.System) {
		return CIRFile{}, false
	}
	return CIRFile{System: r.System, RecordID: r.ID, Person: r.Person, Documents: r.Documents, Biometrics: r.Biometrics}, true
}

// PersonalValues returns the names and document numbers of a record: what
// an audit entry about it may hold only as keyed HMACs.
func (r Record) PersonalValues() []string {
	var v []string
	if r.Person != nil {
		v = append(v, r.Person.Surname, r.Person.GivenNames)
		for _, a := range r.Person.Aliases {
			v = append(v, a.Surname)
		}
	}
	for _, d := range r.Documents {
		v = append(v, d.Number)
	}
	return v
}
