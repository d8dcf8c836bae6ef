package biometric

import (
	"sync"

	"secunion"
)

// Service holds a node's templates: one gallery per source system and
// modality, kept apart as the CIR keeps its files apart by system, so that
// a search reaches only the systems a profile allows. It knows each
// record's templates, so that deleting a record removes them at once.
// Safe for concurrent use.
type Service struct {
	mu        sync.RWMutex
	galleries map[galleryKey]*Exact
	where     map[string]placed          // template ID → where it is
	byRecord  map[string]map[string]bool // system/record → template IDs
}

type galleryKey struct {
	system   string
	modality Modality
}

// placed is a template's gallery and record.
type placed struct {
	galleryKey
	record string
}

// NewService returns an empty service.
func NewService() *Service {
	return &Service{galleries: map[galleryKey]*Exact{}, where: map[string]placed{}, byRecord: map[string]map[string]bool{}}
}

func recordKey(system, id string) string { return system + "/" + id }

// Put validates t and stores it, replacing a template with the same ID
// (even one of another record or modality).
func (s *Service) Put(t Template) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := galleryKey{t.System, t.Modality}
	g := s.galleries[k]
	if g == nil {
		var err error
		if g, err = NewExact(t.Modality); err != nil {
			return err
		}
	}
	if err := g.Put(t); err != nil {
		return err
	}
	s.galleries[k] = g
	if old, ok := s.where[t.ID]; ok && old.galleryKey != k {
		s.galleries[old.galleryKey].Delete(t.ID)
	}
	s.forget(t.ID)
	s.where[t.ID] = placed{k, t.RecordID}
	rk := recordKey(t.System, t.RecordID)
	if s.byRecord[rk] == nil {
		s.byRecord[rk] = map[string]bool{}
	}
	s.byRecord[rk][t.ID] = true
	return nil
}

// forget removes template id from its record's list; the caller holds the
// lock.
func (s *Service) forget(id string) {
	p, ok := s.where[id]
	if !ok {
		return
	}
	rk := recordKey(p.system, p.record)
	delete(s.byRecord[rk], id)
	if len(s.byRecord[rk]) == 0 {
		delete(s.byRecord, rk)
	}
}

// Delete removes a template at once; it reports whether one was held.
func (s *Service) Delete(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.delete(id)
}

func (s *Service) delete(id string) bool {
	p, ok := s.where[id]
	if !ok {
		return false
	}
	s.galleries[p.galleryKey].Delete(id)
	s.forget(id)
	delete(s.where, id)
	return true
}

// DeleteRecord removes every template of a record at once and returns how
// many it removed.
func (s *Service) DeleteRecord(system, recordID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := s.byRecord[recordKey(system, recordID)]
	n := 0
	for id := range ids {
		s.galleries[s.where[id].galleryKey].Delete(id)
		delete(s.where, id)
		n++
	}
	delete(s.byRecord, recordKey(system, recordID))
	return n
}

// Len returns the number of templates of a system and modality.
func (s *Service) Len(system string, m Modality) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if g := s.galleries[galleryKey{system, m}]; g != nil {
		return g.Len()
	}
	return 0
}

// Identify returns up to k templates of system that match probe at or
// above the modality's threshold, best first. A system with no templates
// answers no match; a bad probe is refused even then.
func (s *Service) Identify(system string, probe Template, k int) ([]Match, error) {
	s.mu.RLock()
	g := s.galleries[galleryKey{system, probe.Modality}]
	s.mu.RUnlock()
	if g == nil {
		// An empty gallery still checks the probe.
		var err error
		if g, err = NewExact(probe.Modality); err != nil {
			return nil, err
		}
	}
	return g.Identify(probe, k, Threshold(probe.Modality))
}

// Verify compares probe with stored template id (1:1) and returns the
// template's record and the score; the caller judges the score against
// Threshold.
func (s *Service) Verify(probe Template, id string) (Match, error) {
	s.mu.RLock()
	p, ok := s.where[id]
	g := s.galleries[p.galleryKey]
	s.mu.RUnlock()
	if !ok {
		return Match{}, secunion.Errorf(secunion.NotFound, "no template %s", id)
	}
	if probe.Modality != p.modality {
		return Match{}, secunion.Errorf(secunion.Invalid, "template %s is %s, the probe %s", id, p.modality, probe.Modality)
	}
	score, err := g.Verify(probe, id)
	if err != nil {
		return Match{}, err
	}
	return Match{ID: id, System: p.system, RecordID: p.record, Score: score}, nil
}

// CheckProbe checks a probe — a modality and a vector, no reference — and
// scales its vector to unit length in place.
func CheckProbe(probe *Template) error {
	return unitVector(probe.Modality, probe.Vector, "probe")
}
