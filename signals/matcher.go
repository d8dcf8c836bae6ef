package signals

import (
	"cmp"
	"encoding/hex"
	"fmt"
	"slices"
	"sync"

	"secunion"
)

// Matcher answers lookups over the enabled entries of the banks: PDQ
// hashes through the multi-index, cryptographic hashes through a table.
// It is built from the store's entries at start and follows their changes
// (Apply), so that an entry disabled or enabled counts from the next
// lookup on.
//
// It holds only what matching needs, an entry's number and hash (about 100
// bytes an entry with the index's postings), so that ten million entries
// fit in memory; the store gives the entries that matched (bank, labels,
// source) after a lookup.
type Matcher struct {
	mu    sync.RWMutex
	pdq   *Index
	exact map[string][]uint32 // algorithm and raw digest → entry numbers
	nexct int                 // entries held in exact
}

// Key is what the matcher needs of a bank entry: its number, its hash and
// whether it is enabled. An entry's hash never changes; only the flag does.
type Key struct {
	ID        int64
	Algorithm Algorithm
	Value     string // lowercase hex
	Enabled   bool
}

// Key returns what the matcher needs of e.
func (e Entry) Key() Key {
	return Key{ID: e.ID, Algorithm: e.Algorithm, Value: e.Value, Enabled: e.Enabled}
}

// Hit is an entry a lookup found, with its distance (0 for an exact hash).
type Hit struct {
	Entry    Entry `json:"entry"`
	Distance int   `json:"distance"`
}

// NewMatcher returns a matcher holding no entries.
func NewMatcher() *Matcher {
	return &Matcher{pdq: NewIndex(), exact: map[string][]uint32{}}
}

// Len returns the number of enabled entries held.
func (m *Matcher) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.pdq.Len() + m.nexct
}

// Apply takes in the current state of entry k: an enabled entry is held,
// a disabled one dropped. Applying the same state twice changes nothing.
func (m *Matcher) Apply(k Key) error {
	if k.ID <= 0 || k.ID > 1<<32-1 {
		return secunion.Errorf(secunion.Invalid, "bank entry number %d is out of the matcher's range", k.ID)
	}
	id := uint32(k.ID)
	if k.Algorithm == AlgPDQ {
		h, err := ParsePDQ(k.Value)
		if err != nil {
			return err
		}
		m.mu.Lock()
		defer m.mu.Unlock()
		m.pdq.Remove(id, h)
		if k.Enabled {
			m.pdq.Add(id, h)
		}
		return nil
	}
	key, err := exactKey(k.Algorithm, k.Value)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	ids := m.exact[key]
	i := slices.Index(ids, id)
	switch {
	case k.Enabled && i < 0:
		m.exact[key] = append(ids, id)
		m.nexct++
	case !k.Enabled && i >= 0:
		if ids = slices.Delete(ids, i, i+1); len(ids) == 0 {
			delete(m.exact, key)
		} else {
			m.exact[key] = ids
		}
		m.nexct--
	}
	return nil
}

// exactKey is the table key of a cryptographic hash: the algorithm's name
// and the raw digest.
func exactKey(alg Algorithm, value string) (string, error) {
	v, err := alg.CheckValue(value)
	if err != nil {
		return "", err
	}
	raw, _ := hex.DecodeString(v)
	return string(alg) + ":" + string(raw), nil
}

// Lookup returns the enabled entries matching value, a hash of algorithm
// alg: for PDQ every entry within distance, nearest first; for a
// cryptographic hash the entries holding it, at distance 0.
func (m *Matcher) Lookup(alg Algorithm, value string, distance int) ([]Match, error) {
	if alg == AlgPDQ {
		v, err := alg.CheckValue(value)
		if err != nil {
			return nil, err
		}
		h, _ := ParsePDQ(v)
		return m.LookupPDQ([]PDQ{h}, distance)
	}
	key, err := exactKey(alg, value)
	if err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []Match
	for _, id := range m.exact[key] {
		out = append(out, Match{ID: id})
	}
	return out, nil
}

// LookupPDQ returns every enabled PDQ entry within distance of any of
// hs (say the eight dihedral hashes of an upload, so that a rotated or
// mirrored copy is found), each once at its smallest distance, nearest
// first.
func (m *Matcher) LookupPDQ(hs []PDQ, distance int) ([]Match, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []Match
	for _, h := range hs {
		ms, err := m.pdq.Lookup(h, distance)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	if len(hs) > 1 {
		slices.SortFunc(out, func(a, b Match) int { return cmp.Or(cmp.Compare(a.ID, b.ID), a.Distance-b.Distance) })
		out = slices.CompactFunc(out, func(a, b Match) bool { return a.ID == b.ID })
		slices.SortFunc(out, func(a, b Match) int { return cmp.Or(a.Distance-b.Distance, cmp.Compare(a.ID, b.ID)) })
	}
	return out, nil
}

// MinQuality is the PDQ quality below which a hash is not trusted: such
// hashes, of flat or nearly blank images, match unrelated images.
const MinQuality = 50

// LookupContent looks up every hash of a file at once: its cryptographic
// hashes exactly and, when its PDQ quality is MinQuality or more, its
// eight dihedral PDQ hashes within distance, so that a rotated or
// mirrored copy is found too. note says why a PDQ hash was not looked
// up.
func (m *Matcher) LookupContent(c ContentHashes, distance int) (ms []Match, note string, err error) {
	for _, x := range []struct {
		alg   Algorithm
		value string
	}{{AlgMD5, c.MD5}, {AlgSHA256, c.SHA256}, {AlgSHA512, c.SHA512}} {
		found, err := m.Lookup(x.alg, x.value, 0)
		if err != nil {
			return nil, "", err
		}
		ms = append(ms, found...)
	}
	switch {
	case c.PDQ == nil:
	case c.Quality < MinQuality:
		note = fmt.Sprintf("not looked up: its quality %d is below %d, too low to be trusted", c.Quality, MinQuality)
	default:
		found, err := m.LookupPDQ(c.PDQ, distance)
		if err != nil {
			return nil, "", err
		}
		ms = append(ms, found...)
	}
	return ms, note, nil
}
