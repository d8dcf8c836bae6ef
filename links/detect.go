package links

import (
	"context"
	"time"

	"secunion"
	"secunion/access"
	"secunion/biometric"
	"secunion/identity"
	"secunion/search"
)

// Sources is what the detector reads: the name index and the biometric
// service over the stored records, and the stored records and templates.
type Sources struct {
	Index     *search.Index
	Templates *biometric.Service
	Record    func(ctx context.Context, system, id string) (identity.Record, error)
	Template  func(ctx context.Context, id string) (biometric.Template, error)
	Now       func() time.Time
}

// scope lists the systems detection compares with, in a fixed order.
var scope = []string{access.SIS, access.VIS, access.EES, access.ETIAS, access.Eurodac, access.ECRISTCN}

// Candidates per system from the name index, and in all from each
// biometric search.
const (
	candidatesPerSystem = 10
	biometricCandidates = 20
)

// candidate is a record found for the record under detection.
type candidate struct {
	byIndex bool
}

// Detect compares r with the records of the systems in scope and returns
// the links it calls for, each with its evidence, colour and verifier;
// the caller stores them (replacing the undecided links of r it holds).
// A record outside the scope gives none. Detection is a function of the
// stored data: run twice, it gives the same links.
func (s Sources) Detect(ctx context.Context, r identity.Record) ([]Link, error) {
	if !InScope(r.System) {
		return nil, nil
	}
	self := Ref{r.System, r.ID}
	probes := make([]biometric.Template, 0, len(r.Biometrics))
	for _, ref := range r.Biometrics {
		t, err := s.Template(ctx, ref)
		switch {
		case secunion.CodeOf(err) == secunion.NotFound:
			continue // referred to, not enrolled (yet)
		case err != nil:
			return nil, err
		}
		probes = append(probes, t)
	}
	found := map[Ref]*candidate{}
	var order []Ref
	add := func(ref Ref, byIndex bool) {
		if ref == self {
			return
		}
		c, ok := found[ref]
		if !ok {
			c = &candidate{}
			found[ref] = c
			order = append(order, ref)
		}
		c.byIndex = c.byIndex || byIndex
	}
	q, ok := queryOf(r)
	for _, sys := range scope {
		if ok {
			hits, err := s.Index.Find(sys, q, s.Now())
			switch {
			case secunion.CodeOf(err) == secunion.Invalid:
				// Data too thin for a lawful query (a one-letter surname):
				// biometrics alone can link the record.
				ok = false
			case err != nil:
				return nil, err
			}
			for _, h := range hits {
				add(Ref{h.System, h.RecordID}, true)
			}
		}
	}
	for _, p := range probes {
		// One search over every system; matches above the threshold are
		// few (a person's own captures), so those outside the scope cost
		// nothing to drop.
		ms, err := s.Templates.Identify(p, biometricCandidates)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if InScope(m.System) {
				add(Ref{m.System, m.RecordID}, false)
			}
		}
	}
	now := s.Now()
	verifier := Responsible(r)
	var out []Link
	for _, ref := range order {
		other, err := s.Record(ctx, ref.System, ref.ID)
		switch {
		case secunion.CodeOf(err) == secunion.NotFound:
			continue // deleted since it was indexed
		case err != nil:
			return nil, err
		}
		e := Evidence{Document: SameDocument(r, other)}
		e.Identity, e.Name = CompareIdentity(r, other, found[ref].byIndex)
		e.Biometric, e.Modality, e.Score = s.compareBiometrics(probes, other)
		if e.identityOnly() && e.Identity != IdentityNone && e.Identity != IdentityDiffer {
			e.Coincidences = s.Index.Coincidences(r, other)
		}
		colour, reason, ok := Classify(e)
		if !ok {
			continue
		}
		a, b := self, ref
		if b.Less(a) {
			a, b = b, a
		}
		out = append(out, Link{ID: ID(a, b), A: a, B: b, Colour: colour, Evidence: e, Reason: reason,
			Trigger: self, Verifier: verifier, Created: now, Updated: now})
	}
	return out, nil
}

// compareBiometrics compares the probes with every template of other that
// the service holds, modality by modality (1:1), and returns the best
// outcome: a match if one score reaches its threshold, different if some
// modality could be compared and none did.
func (s Sources) compareBiometrics(probes []biometric.Template, other identity.Record) (BioResult, biometric.Modality, float32) {
	result := BioNone
	var mod biometric.Modality
	var best float32
	for _, p := range probes {
		for _, ref := range other.Biometrics {
			m, err := s.Templates.Verify(p, ref)
			if err != nil {
				continue // not enrolled, or another modality
			}
			switch {
			case m.Score >= biometric.Threshold(p.Modality):
				if result != BioMatch || m.Score > best {
					result, mod, best = BioMatch, p.Modality, m.Score
				}
			case result == BioNone:
				result, mod, best = BioDiffer, p.Modality, m.Score
			case result == BioDiffer && m.Score > best:
				mod, best = p.Modality, m.Score
			}
		}
	}
	return result, mod, best
}

// queryOf is the name-index query for r's identity and first travel
// document; false when r holds neither.
func queryOf(r identity.Record) (search.Query, bool) {
	var q search.Query
	if p := r.Person; p != nil {
		q.Surname, q.GivenNames, q.BirthDate, q.Sex = p.Surname, p.GivenNames, p.BirthDate, p.Sex
	}
	if len(r.Documents) > 0 {
		q.DocumentNumber, q.DocumentCountry = r.Documents[0].Number, r.Documents[0].IssuingCountry
	}
	q.Limit = candidatesPerSystem
	return q, q.Surname != "" || q.DocumentNumber != ""
}
