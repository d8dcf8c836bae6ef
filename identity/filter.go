package identity

import (
	"secunion/access"
)

// View returns r as a caller under prof sees it, and false when r's system
// is outside the profile: then the caller sees nothing of it, not even
// that it exists. Otherwise only the field categories the profile grants
// stay (access.Field*), with the system, the ID, the owner and the time of
// the last change, so that an answer names its source. It is the one
// function that decides the visible fields: the search portal's answers,
// record reads here and on other nodes, and link comparisons all pass
// through it.
func View(prof access.Profile, r Record) (Record, bool) {
	if !prof.Reaches(r.System) {
		return Record{}, false
	}
	return r.cut(prof.Grants), true
}

// cut returns r with the field categories for which keep is true.
func (r Record) cut(keep func(field string) bool) Record { return pick(r, Record{}, keep) }

// Overlay returns r with the field categories prof does not grant taken
// from stored instead: what a writer under prof may replace of a stored
// record is what its profile covers, and the rest stays as it was.
func (r Record) Overlay(prof access.Profile, stored Record) Record {
	return pick(r, stored, prof.Grants)
}

// pick returns a's system, ID, owner and time, with each field category
// taken from a where fromA says so and from b elsewhere.
func pick(a, b Record, fromA func(field string) bool) Record {
	from := func(field string) *Record {
		if fromA(field) {
			return &a
		}
		return &b
	}
	doc := from(access.FieldDocument) // an SLTD entry is document data
	return Record{System: a.System, ID: a.ID, Owner: a.Owner, Updated: a.Updated,
		Person: from(access.FieldIdentity).Person, Documents: doc.Documents, SLTD: doc.SLTD,
		Biometrics: from(access.FieldBiometrics).Biometrics, SIS: from(access.FieldAlert).SIS,
		VIS: from(access.FieldVisa).VIS, EES: from(access.FieldEntryExit).EES, ETIAS: from(access.FieldAuthorisation).ETIAS,
		Eurodac: from(access.FieldProtection).Eurodac, ECRIS: from(access.FieldConviction).ECRIS, Europol: from(access.FieldCriminalIntel).Europol}
}

// Categories names the field categories a record holds (access.Field*),
// for the audit entries about it and the checks of what a writer enters.
func (r Record) Categories() []string {
	var c []string
	add := func(field string, held bool) {
		if held {
			c = append(c, field)
		}
	}
	add(access.FieldIdentity, r.Person != nil)
	add(access.FieldDocument, len(r.Documents) > 0 || r.SLTD != nil)
	add(access.FieldBiometrics, len(r.Biometrics) > 0)
	add(access.FieldAlert, r.SIS != nil)
	add(access.FieldVisa, r.VIS != nil)
	add(access.FieldEntryExit, r.EES != nil)
	add(access.FieldAuthorisation, r.ETIAS != nil)
	add(access.FieldProtection, r.Eurodac != nil)
	add(access.FieldConviction, r.ECRIS != nil)
	add(access.FieldCriminalIntel, r.Europol != nil)
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
