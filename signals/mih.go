package signals

import (
	"math/bits"
	"slices"
	"sync"

	"secunion"
)

// MaxDistance is the largest Hamming distance an Index answers exactly;
// DefaultDistance the one a lookup uses when it does not say (Meta's
// recommended PDQ match threshold).
const (
	DefaultDistance = 31
	MaxDistance     = 47
)

// Match is a stored hash found within a lookup's distance.
type Match struct {
	ID       uint32 `json:"id"`
	Hash     PDQ    `json:"-"`
	Distance int    `json:"distance"`
}

// Index finds every stored PDQ hash within a distance of a query, exactly,
// by multi-index hashing: each hash is cut into 16 slots of 16 bits, and
// each slot value lists the hashes holding it. Two hashes at distance d
// differ by at most ⌊d/16⌋ bits in one slot at least (were every slot
// ⌊d/16⌋+1 bits apart, they would be 16·(⌊d/16⌋+1) > d apart), so probing
// each slot with the query's value and every value within ⌊d/16⌋ bits of it
// finds every candidate, which is then checked whole. Up to distance 31
// that is 17 probes a slot, up to 47 (MaxDistance) 137.
//
// Entries are added with a caller's number (a bank entry's ID) and
// removed by it; a removed entry's postings stay until Compact. An Index
// is safe for concurrent use: lookups share it, changes take it alone.
type Index struct {
	mu      sync.RWMutex
	words   [][4]uint64 // the hashes, as four words each
	ids     []uint32
	live    []bool
	pos     map[uint32]uint32 // ID → position
	slots   [16][][]uint32    // slot → its 16-bit value → positions
	removed int
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	x := &Index{pos: map[uint32]uint32{}}
	for s := range x.slots {
		x.slots[s] = make([][]uint32, 1<<16)
	}
	return x
}

// Len returns the number of hashes held.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.pos)
}

// Add stores h under id, replacing what id held.
func (x *Index) Add(id uint32, h PDQ) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.remove(id)
	x.insert(id, h)
}

// insert appends h under id. The caller holds the lock.
func (x *Index) insert(id uint32, h PDQ) {
	p := uint32(len(x.words))
	x.words = append(x.words, h.words())
	x.ids = append(x.ids, id)
	x.live = append(x.live, true)
	x.pos[id] = p
	for s, v := range h {
		x.slots[s][v] = append(x.slots[s][v], p)
	}
}

// Remove drops the hash stored under id, if any.
func (x *Index) Remove(id uint32) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.remove(id)
}

func (x *Index) remove(id uint32) {
	if p, ok := x.pos[id]; ok {
		x.live[p] = false
		delete(x.pos, id)
		x.removed++
	}
}

// Lookup returns every stored hash within distance of q, nearest first
// (then by ID). A distance outside 0–MaxDistance is refused.
func (x *Index) Lookup(q PDQ, distance int) ([]Match, error) {
	if distance < 0 || distance > MaxDistance {
		return nil, secunion.Errorf(secunion.Invalid, "a PDQ lookup's distance is 0 to %d, not %d", MaxDistance, distance)
	}
	radius := distance / 16
	x.mu.RLock()
	defer x.mu.RUnlock()
	qw := q.words()
	var out []Match
	// A candidate is checked whole at once; one found in several slots
	// (a near hash, seldom) is dropped again after sorting.
	check := func(list []uint32) {
		for _, p := range list {
			w := &x.words[p]
			d := bits.OnesCount64(w[0]^qw[0]) + bits.OnesCount64(w[1]^qw[1]) + bits.OnesCount64(w[2]^qw[2]) + bits.OnesCount64(w[3]^qw[3])
			if d <= distance && x.live[p] {
				out = append(out, Match{ID: x.ids[p], Hash: pdqOf(w), Distance: d})
			}
		}
	}
	for s, v := range q {
		check(x.slots[s][v])
		for i := range 16 {
			if radius == 0 {
				break
			}
			vi := v ^ 1<<i
			check(x.slots[s][vi])
			if radius < 2 {
				continue
			}
			for j := i + 1; j < 16; j++ {
				check(x.slots[s][vi^1<<j])
			}
		}
	}
	slices.SortFunc(out, func(a, b Match) int {
		if a.Distance != b.Distance {
			return a.Distance - b.Distance
		}
		return int(a.ID) - int(b.ID)
	})
	return slices.CompactFunc(out, func(a, b Match) bool { return a.ID == b.ID }), nil
}

// pdqOf is the hash held as w.
func pdqOf(w *[4]uint64) PDQ {
	var h PDQ
	for i := range h {
		h[i] = uint16(w[i/4] >> (16 * (i % 4)))
	}
	return h
}

// words returns h as four 64-bit words.
func (h PDQ) words() [4]uint64 {
	var w [4]uint64
	for i, v := range h {
		w[i/4] |= uint64(v) << (16 * (i % 4))
	}
	return w
}

// Compact drops the postings of removed entries, when they are at least
// a quarter of those held, so that memory follows the live hashes.
func (x *Index) Compact() {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.removed == 0 || x.removed*4 < len(x.words) {
		return
	}
	fresh := NewIndex()
	for p, w := range x.words {
		if x.live[p] {
			fresh.insert(x.ids[p], pdqOf(&w))
		}
	}
	x.words, x.ids, x.live, x.pos, x.slots, x.removed = fresh.words, fresh.ids, fresh.live, fresh.pos, fresh.slots, 0
}
