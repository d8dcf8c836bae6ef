package alerts

import (
	"hash/maphash"
	"slices"
	"sync"
	"time"

	"secunion"
)

// Index answers "which object versions hold this value" for the
// correlation of observables. It keeps, per value, the list of object
// versions (by their sequence numbers in the store) that hold it: memory
// grows with the values held, one posting per value and object version,
// never with the pairs of objects that share a value. MISP stores the
// pairs, and its correlation table grows with the square of a popular
// value's fan-out (150 million rows for 1.3 million attributes).
//
// A value is keyed by a 64-bit hash with a per-index random seed, so
// that nobody can craft colliding values; the index is an accelerator
// whose answers the caller checks against the objects themselves, so a
// collision could only add a candidate that the check then drops. A
// value held by more object versions than the cap keeps the newest of
// them and counts the rest, as MISP stops correlating an
// over-correlating value: memory stays bounded by the cap per value, and
// the last sightings of an indicator are the ones kept.
//
// An Index is safe for concurrent use.
type Index struct {
	mu   sync.RWMutex
	seed maphash.Seed
	cap  int
	// heads maps a value's hash to its single posting, or, with the top
	// bit set, to its list in lists.
	heads    map[uint64]uint32
	lists    []posting
	postings int
}

// posting is the list of a value held by more than one object version.
type posting struct {
	seqs  []uint32
	total int
}

// listBit marks a head that points into lists.
const listBit = 1 << 31

// MaxIndexSeq is the largest sequence number an Index holds.
const MaxIndexSeq = listBit - 1

// DefaultCap is the fan-out cap of an index made with cap 0.
const DefaultCap = 1000

// NewIndex returns an empty index whose values keep at most limit
// postings (DefaultCap when limit is 0).
func NewIndex(limit int) *Index {
	if limit <= 0 {
		limit = DefaultCap
	}
	return &Index{seed: maphash.MakeSeed(), cap: limit, heads: map[uint64]uint32{}}
}

// key returns v's hash.
func (x *Index) key(v Value) uint64 {
	var h maphash.Hash
	h.SetSeed(x.seed)
	h.WriteString(v.Kind)
	h.WriteByte(0)
	h.WriteString(v.Text)
	return h.Sum64()
}

// Add records that the object version seq holds values. Sequence numbers
// must grow from one call to the next (the store adds versions in the
// order they were committed), which keeps every list sorted.
func (x *Index) Add(seq int64, values []Value) error {
	if seq < 1 || seq > MaxIndexSeq {
		return secunion.Errorf(secunion.Invalid, "index: sequence number %d outside 1..%d", seq, MaxIndexSeq)
	}
	s := uint32(seq)
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, v := range values {
		k := x.key(v)
		head, ok := x.heads[k]
		switch {
		case !ok:
			x.heads[k] = s
			x.postings++
		case head&listBit == 0:
			if head == s {
				continue
			}
			if len(x.lists) >= listBit-1 {
				return secunion.Errorf(secunion.Unavailable, "index: full")
			}
			x.lists = append(x.lists, posting{seqs: []uint32{head, s}, total: 2})
			x.heads[k] = listBit | uint32(len(x.lists)-1)
			x.postings++
		default:
			p := &x.lists[head&^listBit]
			if p.seqs[len(p.seqs)-1] == s {
				continue
			}
			p.total++
			if len(p.seqs) < x.cap {
				x.postings++
			} else {
				// The oldest goes: slicing it off and appending past
				// the end never writes an element a reader may hold.
				p.seqs = p.seqs[1:]
			}
			p.seqs = append(p.seqs, s)
		}
	}
	return nil
}

// Lookup returns the sequence numbers of the object versions that hold
// v (the newest, at most the cap, oldest first) and how many hold it in
// all. The
// slice is the index's own: the caller reads it and never writes it
// (later additions go past its end, so it never changes under a reader).
func (x *Index) Lookup(v Value) (seqs []uint32, total int) {
	k := x.key(v)
	x.mu.RLock()
	defer x.mu.RUnlock()
	head, ok := x.heads[k]
	switch {
	case !ok:
		return nil, 0
	case head&listBit == 0:
		return []uint32{head}, 1
	}
	p := x.lists[head&^listBit]
	return p.seqs[:len(p.seqs):len(p.seqs)], p.total
}

// IndexStats describes an index's size.
type IndexStats struct {
	Values   int `json:"values"`   // distinct values
	Postings int `json:"postings"` // value × object version pairs kept
	Capped   int `json:"capped"`   // values whose fan-out reached the cap
}

// Stats returns the index's size.
func (x *Index) Stats() IndexStats {
	x.mu.RLock()
	defer x.mu.RUnlock()
	st := IndexStats{Values: len(x.heads), Postings: x.postings}
	for _, p := range x.lists {
		if p.total > len(p.seqs) {
			st.Capped++
		}
	}
	return st
}

// IndexValues returns what the index keeps of o: its observable values
// and, for a sighting, the indicator or other object it sighted, so that
// the last sighting of an indicator is found without a scan.
func IndexValues(o Object) []Value {
	vs := Values(o)
	if ref, ok := o.Props["sighting_of_ref"].(string); ok && o.Type == "sighting" {
		vs = append(vs, SightingOf(ref))
	}
	return vs
}

// SightingOf is the index's key of the sightings of object id. It is no
// kind of value a user looks up.
func SightingOf(id string) Value { return Value{Kind: "sighting-of", Text: id} }

// LastSeen returns when sighting o last saw its object: last_seen, else
// first_seen, else when it was created.
func LastSeen(o Object) time.Time {
	for _, p := range []string{"last_seen", "first_seen"} {
		if s, ok := o.Props[p].(string); ok {
			if t, err := ParseTime(s); err == nil {
				return t
			}
		}
	}
	return o.Created
}

// HasValue reports whether o, as disclosed, holds v: the check of a
// candidate the index gave.
func HasValue(o Object, v Value) bool { return slices.Contains(Values(o), v) }
