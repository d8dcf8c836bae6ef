package biometric

import (
	"maps"
	"slices"
	"sync"

	"secunion"
)

// Service holds a node's templates: one Gallery per modality (exact while
// small, an HNSW graph when large), each
// template tagged with its source system, so that a search reaches only
// the systems a profile allows. It knows each record's templates, so that
// deleting a record removes them at once. Safe for concurrent use.
//
// One gallery serves every system, rather than one per system, because
// the identity detector compares a record with six systems at once: one
// search instead of six. A search within some systems asks the gallery
// for more candidates (systemFactor×k) and keeps those of the systems
// asked; candidates above the threshold are few (a person's own
// captures), so the widening loses none in practice.
type Service struct {
	// write serialises changes, which may wait on a gallery (Gallery.Put
	// waits while many templates wait to be linked); mu guards the maps
	// for the moments they are read or changed, so searches never wait
	// for a change in progress.
	write     sync.Mutex
	mu        sync.RWMutex
	galleries map[Modality]*Gallery
	where     map[string]placed          // template ID → where it is
	byRecord  map[string]map[string]bool // system/record → template IDs
	count     map[galleryKey]int         // templates per system and modality
}

type galleryKey struct {
	system   string
	modality Modality
}

// placed is a template's system, modality and record.
type placed struct {
	galleryKey
	record string
}

// systemFactor widens a search restricted to some systems.
const systemFactor = 8

// NewService returns an empty service.
func NewService() *Service {
	return &Service{galleries: map[Modality]*Gallery{}, where: map[string]placed{}, byRecord: map[string]map[string]bool{}, count: map[galleryKey]int{}}
}

func recordKey(system, id string) string { return system + "/" + id }

// Put validates t and stores it, replacing a template with the same ID
// (even one of another record or modality).
func (s *Service) Put(t Template) error {
	s.write.Lock()
	defer s.write.Unlock()
	s.mu.RLock()
	g := s.galleries[t.Modality]
	old, had := s.where[t.ID]
	s.mu.RUnlock()
	if g == nil {
		var err error
		if g, err = NewGallery(t.Modality); err != nil {
			return err
		}
	}
	if had && old.modality != t.Modality {
		// Checked first, so that a bad template leaves the old in place.
		c := t
		c.Vector = slices.Clone(t.Vector)
		if err := c.Validate(); err != nil {
			return err
		}
		s.galleries[old.modality].Delete(t.ID)
	}
	if err := g.Put(t); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.galleries[t.Modality] = g
	s.forget(t.ID)
	k := galleryKey{t.System, t.Modality}
	s.where[t.ID] = placed{k, t.RecordID}
	s.count[k]++
	rk := recordKey(t.System, t.RecordID)
	if s.byRecord[rk] == nil {
		s.byRecord[rk] = map[string]bool{}
	}
	s.byRecord[rk][t.ID] = true
	return nil
}

// forget removes template id from its record's list and the counts; the
// caller holds the lock.
func (s *Service) forget(id string) {
	p, ok := s.where[id]
	if !ok {
		return
	}
	s.count[p.galleryKey]--
	rk := recordKey(p.system, p.record)
	delete(s.byRecord[rk], id)
	if len(s.byRecord[rk]) == 0 {
		delete(s.byRecord, rk)
	}
}

// Delete removes a template at once; it reports whether one was held.
func (s *Service) Delete(id string) bool {
	s.write.Lock()
	defer s.write.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.where[id]
	if !ok {
		return false
	}
	s.galleries[p.modality].Delete(id)
	s.forget(id)
	delete(s.where, id)
	return true
}

// DeleteRecord removes every template of a record at once and returns how
// many it removed.
func (s *Service) DeleteRecord(system, recordID string) int {
	s.write.Lock()
	defer s.write.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := s.byRecord[recordKey(system, recordID)]
	n := 0
	for id := range ids {
		p := s.where[id]
		s.galleries[p.modality].Delete(id)
		s.count[p.galleryKey]--
		delete(s.where, id)
		n++
	}
	delete(s.byRecord, recordKey(system, recordID))
	return n
}

// Settle waits until every template put so far is linked into its
// gallery's graph (Gallery.Settle).
func (s *Service) Settle() {
	s.mu.RLock()
	gs := slices.Collect(maps.Values(s.galleries))
	s.mu.RUnlock()
	for _, g := range gs {
		g.Settle()
	}
}

// Len returns the number of templates of a system and modality.
func (s *Service) Len(system string, m Modality) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.count[galleryKey{system, m}]
}

// Identify returns up to k templates of the given systems (all when none
// is given) that match probe at or above the modality's threshold, best
// first. A bad probe is refused even where no templates are.
func (s *Service) Identify(probe Template, k int, systems ...string) ([]Match, error) {
	s.mu.RLock()
	g := s.galleries[probe.Modality]
	s.mu.RUnlock()
	if g == nil {
		// An empty gallery still checks the probe.
		var err error
		if g, err = NewGallery(probe.Modality); err != nil {
			return nil, err
		}
	}
	if len(systems) == 0 {
		return g.Identify(probe, k, Threshold(probe.Modality))
	}
	if k < 1 || k > MaxK {
		return nil, secunion.Errorf(secunion.Invalid, "top-k: ask for 1 to %d templates", MaxK)
	}
	all, err := g.Identify(probe, min(MaxK, k*systemFactor), Threshold(probe.Modality))
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, m := range all {
		if slices.Contains(systems, m.System) && len(out) < k {
			out = append(out, m)
		}
	}
	return out, nil
}

// Verify compares probe with stored template id (1:1) and returns the
// template's record and the score; the caller judges the score against
// Threshold.
func (s *Service) Verify(probe Template, id string) (Match, error) {
	s.mu.RLock()
	p, ok := s.where[id]
	g := s.galleries[p.modality]
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
