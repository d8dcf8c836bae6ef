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
// Memory is what ten million hashes need and little more: the hashes sit
// in fixed-size chunks, numbered by position, and each slot value's list
// of positions is a chain of fixed-size blocks drawn from one pool, so
// that neither growing nor compacting copies an array into a larger one
// and leaves the old one to the garbage collector. There is no table from
// ID to position: Remove finds an entry through its hash's first slot.
//
// An Index is safe for concurrent use: lookups share it, changes take it
// alone.
type Index struct {
	mu      sync.RWMutex
	words   []*[chunk * 4]uint64 // position p's hash: four words from words[p/chunk][p%chunk*4]
	ids     []*[chunk]uint32
	dead    []uint64 // bit p: position p was removed
	n       uint32   // positions used
	removed uint32
	buckets *[16][1 << 16]bucket // slot, value → its list of positions
	pool    []*[poolBlocks * blockLen]uint32
	blocks  uint32 // blocks of the pool in use
}

// Positions are kept in chunks of chunk; a list's blocks hold the number
// of the next (older) block, then perBlock positions.
const (
	chunkShift = 16
	chunk      = 1 << chunkShift
	blockLen   = 32
	perBlock   = blockLen - 1
	poolShift  = 14
	poolBlocks = 1 << poolShift
)

// bucket is one slot value's list: n positions in a chain of blocks, the
// newest, holding the last (n-1)%perBlock+1, first.
type bucket struct {
	head, n uint32
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{buckets: new([16][1 << 16]bucket)}
}

// Len returns the number of hashes held.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return int(x.n - x.removed)
}

// Add stores h under id. An ID holds one hash at a time: to give id
// another hash, Remove the old one first.
func (x *Index) Add(id uint32, h PDQ) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.insert(id, h.words())
}

// insert appends w under id at the next position. The caller holds the
// lock.
func (x *Index) insert(id uint32, w [4]uint64) {
	p := x.n
	if p%chunk == 0 && int(p/chunk) == len(x.words) {
		x.words = append(x.words, new([chunk * 4]uint64))
		x.ids = append(x.ids, new([chunk]uint32))
	}
	copy(x.words[p/chunk][p%chunk*4:], w[:])
	x.ids[p/chunk][p%chunk] = id
	if p%64 == 0 {
		x.dead = append(x.dead, 0)
	}
	x.n++
	x.list(p, w)
}

// list adds position p, holding w, to the list of its value in every
// slot.
func (x *Index) list(p uint32, w [4]uint64) {
	for s := range 16 {
		x.link(s, uint16(w[s/4]>>(16*(s%4))), p)
	}
}

// link adds position p to the list of value v in slot s.
func (x *Index) link(s int, v uint16, p uint32) {
	b := &x.buckets[s][v]
	k := b.n % perBlock
	if k == 0 {
		nb := x.newBlock()
		x.block(nb)[0] = b.head
		b.head = nb
	}
	x.block(b.head)[1+k] = p
	b.n++
}

// newBlock takes the next block of the pool, growing it by a chunk when
// all are in use.
func (x *Index) newBlock() uint32 {
	if x.blocks%poolBlocks == 0 && int(x.blocks/poolBlocks) == len(x.pool) {
		x.pool = append(x.pool, new([poolBlocks * blockLen]uint32))
	}
	x.blocks++
	return x.blocks - 1
}

// block returns block b of the pool.
func (x *Index) block(b uint32) []uint32 {
	o := b % poolBlocks * blockLen
	return x.pool[b/poolBlocks][o : o+blockLen : o+blockLen]
}

// hash returns the four words at position p.
func (x *Index) hash(p uint32) *[4]uint64 {
	return (*[4]uint64)(x.words[p/chunk][p%chunk*4:])
}

// Remove drops id, which holds h; it does nothing if id does not hold h.
// The entry is found among the positions listing h's first slot value.
// Its place stays taken until removed entries are a quarter of all
// places; then the index is compacted.
func (x *Index) Remove(id uint32, h PDQ) {
	x.mu.Lock()
	defer x.mu.Unlock()
	w := h.words()
	x.each(x.buckets[0][h[0]], func(p uint32) bool {
		if x.ids[p/chunk][p%chunk] != id || *x.hash(p) != w || x.dead[p/64]&(1<<(p%64)) != 0 {
			return true
		}
		x.dead[p/64] |= 1 << (p % 64)
		x.removed++
		return false
	})
	if x.removed > 0 && x.removed*4 >= x.n {
		x.compact()
	}
}

// each calls f with the positions of b's list until f returns false.
func (x *Index) each(b bucket, f func(p uint32) bool) {
	for n, blk := b.n, b.head; n > 0; {
		e := x.block(blk)
		k := (n-1)%perBlock + 1
		for _, p := range e[1 : 1+k] {
			if !f(p) {
				return
			}
		}
		n -= k
		blk = e[0]
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
	l := lookup{x: x, q: q, qw: q.words(), distance: distance, radius: radius}
	masks := make([]uint16, 1, 137)
	for i := range 16 {
		if radius >= 1 {
			masks = append(masks, 1<<i)
		}
		for j := i + 1; j < 16 && radius >= 2; j++ {
			masks = append(masks, 1<<i|1<<j)
		}
	}
	// A slot's lists are located, and their first blocks read, before any
	// is scanned, so that those reads from memory overlap.
	var heads [137]bucket
	for s, v := range q {
		hs := heads[:len(masks)]
		for i, m := range masks {
			hs[i] = x.buckets[s][v^m]
		}
		for _, b := range hs {
			if b.n > 0 {
				l.warm += x.block(b.head)[1]
			}
		}
		for _, b := range hs {
			l.scan(s, b)
		}
	}
	slices.SortFunc(l.out, func(a, b Match) int {
		if a.Distance != b.Distance {
			return a.Distance - b.Distance
		}
		return int(a.ID) - int(b.ID)
	})
	return l.out, nil
}

// lookup is one query under way.
type lookup struct {
	x                *Index
	q                PDQ
	qw               [4]uint64
	distance, radius int
	out              []Match
	warm             uint32 // what reading ahead read, kept so that it is not skipped
}

// scan checks the positions of list b, of slot s. Nearly all are
// far: the first two words decide that, from one cache line. A hash
// within the distance is kept only if s is the first slot within the
// radius of the query's, the one where it was met first, so that no
// table of those already found is needed.
func (l *lookup) scan(s int, b bucket) {
	x := l.x
	words, distance := x.words, l.distance
	q0, q1, q2, q3 := l.qw[0], l.qw[1], l.qw[2], l.qw[3]
	for n, blk := b.n, b.head; n > 0; {
		e := x.block(blk)
		k := (n-1)%perBlock + 1
		for _, p := range e[1 : 1+k] {
			c := words[p>>chunkShift]
			o := p % chunk * 4
			d := bits.OnesCount64(c[o]^q0) + bits.OnesCount64(c[o+1]^q1)
			if d > distance {
				continue
			}
			d += bits.OnesCount64(c[o+2]^q2) + bits.OnesCount64(c[o+3]^q3)
			if d <= distance {
				l.found(s, p, d)
			}
		}
		n -= k
		blk = e[0]
	}
}

// found keeps position p, at distance d, met in slot s.
func (l *lookup) found(s int, p uint32, d int) {
	x := l.x
	if x.dead[p/64]&(1<<(p%64)) != 0 {
		return
	}
	h := pdqOf(x.hash(p))
	for t := range s {
		if bits.OnesCount16(h[t]^l.q[t]) <= l.radius {
			return
		}
	}
	l.out = append(l.out, Match{ID: x.ids[p/chunk][p%chunk], Hash: h, Distance: d})
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

// compact gives back the places of removed entries: the live hashes move
// down over them, in place, and the lists are rebuilt in the blocks
// already held; chunks no longer needed are let go. The caller holds the
// lock.
func (x *Index) compact() {
	n := uint32(0)
	for p := range x.n {
		if x.dead[p/64]&(1<<(p%64)) != 0 {
			continue
		}
		*x.hash(n) = *x.hash(p)
		x.ids[n/chunk][n%chunk] = x.ids[p/chunk][p%chunk]
		n++
	}
	chunks := int((n + chunk - 1) / chunk)
	clear(x.words[chunks:])
	clear(x.ids[chunks:])
	x.words, x.ids = x.words[:chunks], x.ids[:chunks]
	x.dead = make([]uint64, (n+63)/64)
	x.n, x.removed = n, 0
	*x.buckets = [16][1 << 16]bucket{}
	x.blocks = 0
	for p := range n {
		x.list(p, *x.hash(p))
	}
	used := int((x.blocks + poolBlocks - 1) / poolBlocks)
	clear(x.pool[used:])
	x.pool = x.pool[:used]
}
