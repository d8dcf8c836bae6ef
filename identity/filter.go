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
func (r Record) cut(keep func(field string) bool) Record {
	out := Record{System: r.System, ID: r.ID, Owner: r.Owner, Updated: r.Updated}
	if keep(access.FieldIdentity) {
		out.Person = r.Person
	}
	if keep(access.FieldDocument) {
		out.Documents = r.Documents
		out.SLTD = r.SLTD // an SLTD entry is document data
	}
	if keep(access.FieldBiometrics) {
		out.Biometrics = r.Biometrics
	}
	if keep(access.FieldAlert) {
		out.SIS = r.SIS
	}
	if keep(access.FieldVisa) {
		out.VIS = r.VIS
	}
	if keep(access.FieldEntryExit) {
		out.EES = r.EES
	}
	if keep(access.FieldAuthorisation) {
		out.ETIAS = r.ETIAS
	}
	if keep(access.FieldProtection) {
		out.Eurodac = r.Eurodac
	}
	if keep(access.FieldConviction) {
		out.ECRIS = r.ECRIS
	}
	if keep(access.FieldCriminalIntel) {
		out.Europol = r.Europol
	}
	return out
}

// Overlay returns r with the field categories prof does not grant taken
// from stored instead: what a writer under prof may replace of a stored
// record is what its profile covers, and the rest stays as it was.
func (r Record) Overlay(prof access.Profile, stored Record) Record {
	mine, kept := r.cut(prof.Grants), stored.cut(func(f string) bool { return !prof.Grants(f) })
	mine.Person, mine.Documents, mine.Biometrics = or(mine.Person, kept.Person), orList(mine.Documents, kept.Documents), orList(mine.Biometrics, kept.Biometrics)
	mine.SIS, mine.VIS, mine.EES, mine.ETIAS = or(mine.SIS, kept.SIS), or(mine.VIS, kept.VIS), or(mine.EES, kept.EES), or(mine.ETIAS, kept.ETIAS)
	mine.Eurodac, mine.ECRIS, mine.Europol, mine.SLTD = or(mine.Eurodac, kept.Eurodac), or(mine.ECRIS, kept.ECRIS), or(mine.Europol, kept.Europol), or(mine.SLTD, kept.SLTD)
	return mine
}

func or[T any](a, b *T) *T {
	if a != nil {
		return a
	}
	return b
}

func orList[T any](a, b []T) []T {
	if a != nil {
		return a
	}
	return b
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
