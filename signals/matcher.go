package signals

import (
	"sync"

	"secunion"
)

// Matcher answers lookups over the enabled entries of the banks: PDQ
// hashes through the multi-index, cryptographic hashes through a table.
// It is built from the store's entries at start and follows their changes
// (Apply), so that an entry disabled or enabled counts from the next
// lookup on.
type Matcher struct {
	mu      sync.RWMutex
	pdq     *Index
	exact   map[exactKey][]int64 // algorithm and value → entry IDs
	entries map[int64]Entry      // the enabled entries, by ID
}

type exactKey struct {
	alg   Algorithm
	value string
}

// NewMatcher returns a matcher holding no entries.
func NewMatcher() *Matcher {
	return &Matcher{pdq: NewIndex(), exact: map[exactKey][]int64{}, entries: map[int64]Entry{}}
}

// Len returns the number of enabled entries held.
func (m *Matcher) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.entries)
}

// Apply takes in the current state of entry e: an enabled entry is held
// (replacing what its ID held), a disabled one dropped.
func (m *Matcher) Apply(e Entry) error {
	var h PDQ
	if e.Algorithm == AlgPDQ {
		var err error
		if h, err = ParsePDQ(e.Value); err != nil {
			return err
		}
	}
	if e.ID <= 0 || e.ID > 1<<32-1 {
		return secunion.Errorf(secunion.Invalid, "bank entry number %d is out of the matcher's range", e.ID)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.drop(e.ID)
	if !e.Enabled {
		return nil
	}
	m.entries[e.ID] = e
	if e.Algorithm == AlgPDQ {
		m.pdq.Add(uint32(e.ID), h)
		return nil
	}
	k := exactKey{e.Algorithm, e.Value}
	m.exact[k] = append(m.exact[k], e.ID)
	return nil
}

// drop forgets entry id. The caller holds the lock.
func (m *Matcher) drop(id int64) {
	old, ok := m.entries[id]
	if !ok {
		return
	}
	delete(m.entries, id)
	if old.Algorithm == AlgPDQ {
		m.pdq.Remove(uint32(id))
		return
	}
	k := exactKey{old.Algorithm, old.Value}
	ids := m.exact[k]
	for i, x := range ids {
		if x == id {
			ids = append(ids[:i:i], ids[i+1:]...)
			break
		}
	}
	if len(ids) == 0 {
		delete(m.exact, k)
	} else {
		m.exact[k] = ids
	}
}

// Hit is an entry a lookup found, with its distance (0 for an exact hash).
type Hit struct {
	Entry    Entry `json:"entry"`
	Distance int   `json:"distance"`
}

// Lookup returns the enabled entries matching value, a hash of algorithm
// alg: for PDQ every entry within distance, nearest first; for a
// cryptographic hash the entries holding it.
func (m *Matcher) Lookup(alg Algorithm, value string, distance int) ([]Hit, error) {
	v, err := alg.CheckValue(value)
	if err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []Hit
	if alg == AlgPDQ {
		h, _ := ParsePDQ(v)
		ms, err := m.pdq.Lookup(h, distance)
		if err != nil {
			return nil, err
		}
		for _, x := range ms {
			out = append(out, Hit{Entry: m.entries[int64(x.ID)], Distance: x.Distance})
		}
		return out, nil
	}
	for _, id := range m.exact[exactKey{alg, v}] {
		out = append(out, Hit{Entry: m.entries[id]})
	}
	return out, nil
}
