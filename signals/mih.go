package signals

import (
	"math"
	"math/bits"
	"runtime"
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
// by multi-index hashing (Norouzi, Punjani and Fleet): each hash is cut
// into m slots, and each slot value lists the hashes holding it. Two
// hashes at distance d agree within r_i bits in slot i for some i, for any
// radii with Σ(r_i+1) > d (were every slot r_i+1 bits apart or more, they
// would be more than d apart); so probing each slot with the query's value
// and every value within r_i bits of it finds every candidate, which is
// then checked whole.
//
// The slots are as wide as the index is large (about log₂ of the number
// of hashes bits each, 16 to 24, so that a list holds about one hash):
// 16 slots of 16 bits for small indexes, 11 of 23–24 bits at ten million
// hashes, where a lookup at distance 31 probes about 2,800 lists and checks
// about 3,000 hashes, instead of 40,000 with 16-bit slots. Memory reads
// from scattered places are what a lookup costs, so their number is what
// the slots are chosen for.
//
// The lists are built in one piece (compressed rows: per slot, where each
// value's positions start, and the positions) over the hashes held when
// they were last built; hashes added since sit in a tail, listed by 16
// slots of 16 bits in chains, and are merged into the lists when the tail
// grows past a sixty-fourth of them, in place. Hashes are kept in
// fixed-size chunks, numbered by position, and there is no table from ID to
// position: Remove finds an entry through its hash's slots.
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

	slots []slot // the lists over positions [0, built)
	built uint32
	tail  *[16][1 << 16]uint32 // 16-bit slot, value → newest tail entry listing it, plus 1 (0: none)
	next  [16][]uint32         // tail entry → the entry before it in its list, plus 1
	sort  []uint64             // merge's scratch
	spare []uint64

	lookups sync.Pool // of *lookup: buffers kept between queries
}

// slot is the bits [start, start+width) of a hash and their lists: the
// positions holding value v are pos[off[v]:off[v+1]].
type slot struct {
	start, width uint
	off          []uint32
	pos          positions
}

// positions is a growable array of positions kept in fixed-size chunks,
// so that growing it copies nothing.
type positions []*[chunk]uint32

// Hashes and positions are kept in chunks of chunk; the tail is merged
// when it holds more than tailMin positions and a sixty-fourth of the
// lists.
const (
	chunkShift = 16
	chunk      = 1 << chunkShift
	tailMin    = 1 << 12
)

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{tail: new([16][1 << 16]uint32)}
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
	x.insert(id, h)
	if x.n-x.built > max(tailMin, x.built/64) {
		x.build()
	}
}

// insert puts h under id at the next position, in the tail. The caller
// holds the lock.
func (x *Index) insert(id uint32, h PDQ) {
	p := x.n
	if p%chunk == 0 && int(p/chunk) == len(x.words) {
		x.words = append(x.words, new([chunk * 4]uint64))
		x.ids = append(x.ids, new([chunk]uint32))
	}
	*x.hash(p) = h.words()
	x.ids[p/chunk][p%chunk] = id
	if p%64 == 0 {
		x.dead = append(x.dead, 0)
	}
	x.n++
	e := p - x.built
	for s, v := range h {
		x.next[s] = append(x.next[s], x.tail[s][v])
		x.tail[s][v] = e + 1
	}
}

// hash returns the four words at position p.
func (x *Index) hash(p uint32) *[4]uint64 {
	return (*[4]uint64)(x.words[p/chunk][p%chunk*4:])
}

func (x *Index) isDead(p uint32) bool { return x.dead[p/64]&(1<<(p%64)) != 0 }

// Remove drops id, which holds h; it does nothing if id does not hold h.
// The entry is found among the positions listing h's value in the first
// slot (or, in the tail, its first 16 bits). Its place stays taken until
// removed entries are a quarter of all places; then the index is
// compacted.
func (x *Index) Remove(id uint32, h PDQ) {
	x.mu.Lock()
	defer x.mu.Unlock()
	w := h.words()
	drop := func(p uint32) bool {
		if x.ids[p/chunk][p%chunk] != id || *x.hash(p) != w || x.isDead(p) {
			return false
		}
		x.dead[p/64] |= 1 << (p % 64)
		x.removed++
		return true
	}
	found := false
	for e := x.tail[0][h[0]]; e != 0 && !found; e = x.next[0][e-1] {
		found = drop(x.built + e - 1)
	}
	if !found && len(x.slots) > 0 {
		s := &x.slots[0]
		v := s.value(&w)
		for i := s.off[v]; i < s.off[v+1]; i++ {
			if drop(s.pos.at(i)) {
				break
			}
		}
	}
	// Removed hashes are given back once they are a quarter of those
	// held, and at least tailMin: a small index does not rebuild its
	// lists at every few removals.
	if x.removed >= max(tailMin, x.n/4) {
		x.compact()
		x.rebuild(slotCount(x.n))
		x.emptyTail()
	}
}

// value returns slot s of the hash held as w.
func (s *slot) value(w *[4]uint64) uint32 {
	i, o := s.start/64, s.start%64
	v := w[i] >> o
	if o+s.width > 64 {
		v |= w[i+1] << (64 - o)
	}
	return uint32(v & (1<<s.width - 1))
}

func (ps positions) at(i uint32) uint32 { return ps[i/chunk][i%chunk] }

// Lookup returns every stored hash within distance of q, nearest first
// (then by ID). A distance outside 0–MaxDistance is refused.
func (x *Index) Lookup(q PDQ, distance int) ([]Match, error) {
	if distance < 0 || distance > MaxDistance {
		return nil, secunion.Errorf(secunion.Invalid, "a PDQ lookup's distance is 0 to %d, not %d", MaxDistance, distance)
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	l, _ := x.lookups.Get().(*lookup)
	if l == nil {
		l = new(lookup)
	}
	defer x.lookups.Put(l)
	l.x, l.qw, l.distance, l.out = x, q.words(), distance, nil
	l.radii = radii(l.radii[:0], len(x.slots), distance)
	l.values = l.values[:0]
	for i := range x.slots {
		l.values = append(l.values, x.slots[i].value(&l.qw))
		l.probeSlot(i)
	}
	l.probeTail(q)
	out := l.out
	l.x, l.out = nil, nil
	slices.SortFunc(out, func(a, b Match) int {
		if a.Distance != b.Distance {
			return a.Distance - b.Distance
		}
		return int(a.ID) - int(b.ID)
	})
	return out, nil
}

// lookup is one query under way.
type lookup struct {
	x        *Index
	qw       [4]uint64
	distance int
	radii    []int    // per slot; -1: not probed
	values   []uint32 // the query's value per slot
	masks    []uint32
	ranges   [][2]uint32
	out      []Match
	warm     uint32 // what reading ahead read, kept so that it is not skipped
}

// radii returns, for m slots, the radius each is probed at so that their
// Σ(r_i+1) is distance+1: as even as can be, the larger radii on the
// narrower slots (the first ones).
func radii(rs []int, m, distance int) []int {
	for i := range m {
		r := (distance+1)/m - 1
		if i < (distance+1)%m {
			r++
		}
		rs = append(rs, r)
	}
	return rs
}

// flips returns every mask of up to r of the low width bits.
func flips(ms []uint32, width uint, r int) []uint32 {
	ms = append(ms[:0], 0)
	var grow func(from uint, left int, m uint32)
	grow = func(from uint, left int, m uint32) {
		for b := from; b < width; b++ {
			ms = append(ms, m|1<<b)
			if left > 1 {
				grow(b+1, left-1, m|1<<b)
			}
		}
	}
	if r > 0 {
		grow(0, r, 0)
	}
	return ms
}

// probeSlot checks the lists of slot i within its radius of the query's
// value. Where each list lies, and its first position, are read for all
// before any is checked, so that those reads from memory overlap.
func (l *lookup) probeSlot(i int) {
	if l.radii[i] < 0 {
		return
	}
	s := &l.x.slots[i]
	l.masks = flips(l.masks, s.width, l.radii[i])
	l.ranges = l.ranges[:0]
	for _, m := range l.masks {
		v := l.values[i] ^ m
		l.ranges = append(l.ranges, [2]uint32{s.off[v], s.off[v+1]})
	}
	for _, r := range l.ranges {
		if r[0] < r[1] {
			l.warm += s.pos.at(r[0])
		}
	}
	for _, r := range l.ranges {
		for lo := r[0]; lo < r[1]; {
			c := s.pos[lo/chunk]
			hi := min(r[1], lo/chunk*chunk+chunk)
			for _, p := range c[lo%chunk : hi-(lo/chunk*chunk)] {
				if d := l.distanceTo(p); d >= 0 && l.firstSlot(p, i) {
					l.keep(p, d)
				}
			}
			lo = hi
		}
	}
}

// distanceTo returns the distance of the hash at p to the query, or -1
// when it is beyond the lookup's distance. Nearly all are: the first two
// words, from one cache line, decide that.
func (l *lookup) distanceTo(p uint32) int {
	c := l.x.words[p>>chunkShift]
	o := p % chunk * 4
	d := bits.OnesCount64(c[o]^l.qw[0]) + bits.OnesCount64(c[o+1]^l.qw[1])
	if d > l.distance {
		return -1
	}
	d += bits.OnesCount64(c[o+2]^l.qw[2]) + bits.OnesCount64(c[o+3]^l.qw[3])
	if d > l.distance {
		return -1
	}
	return d
}

// firstSlot reports whether slot i is the first probed slot where the hash
// at p is within the radius, the one where it is met first, so that no
// table of those already found is needed.
func (l *lookup) firstSlot(p uint32, i int) bool {
	w := l.x.hash(p)
	for j := range i {
		if r := l.radii[j]; r >= 0 && bits.OnesCount32(l.x.slots[j].value(w)^l.values[j]) <= r {
			return false
		}
	}
	return true
}

// probeTail checks the tail's lists, 16 slots of 16 bits probed within
// ⌊distance/16⌋ bits, each hash kept from the first slot within it.
func (l *lookup) probeTail(q PDQ) {
	x := l.x
	radius := l.distance / 16
	l.masks = flips(l.masks, 16, radius)
	for s, v := range q {
		for _, m := range l.masks {
			for e := x.tail[s][v^uint16(m)]; e != 0; e = x.next[s][e-1] {
				p := x.built + e - 1
				d := l.distanceTo(p)
				if d < 0 {
					continue
				}
				h := pdqOf(x.hash(p))
				first := true
				for t := range s {
					first = first && bits.OnesCount16(h[t]^q[t]) > radius
				}
				if first {
					l.keep(p, d)
				}
			}
		}
	}
}

// keep adds the hash at p, at distance d, to the answer unless removed.
func (l *lookup) keep(p uint32, d int) {
	x := l.x
	if !x.isDead(p) {
		l.out = append(l.out, Match{ID: x.ids[p/chunk][p%chunk], Hash: pdqOf(x.hash(p)), Distance: d})
	}
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

// slotCount returns how many slots the lists over n hashes are cut into:
// about 256 / log₂ n, from 16 (16-bit slots) down to 11.
func slotCount(n uint32) int {
	if n < 1<<16 {
		return 16
	}
	return min(16, max(11, int(math.Round(256/math.Log2(float64(n))))))
}

// build merges the tail into the lists, or builds them anew when the
// index has grown into another number of slots. The caller holds the lock.
func (x *Index) build() {
	if m := slotCount(x.n); m != len(x.slots) {
		x.rebuild(m)
	} else {
		for i := range x.slots {
			x.merge(&x.slots[i])
		}
	}
	x.emptyTail()
}

// emptyTail starts a new tail after the lists cover every position.
func (x *Index) emptyTail() {
	x.built = x.n
	clear(x.tail[:])
	for s := range x.next {
		x.next[s] = x.next[s][:0]
	}
}

// rebuild builds the lists of m slots over every position held, reusing
// the arrays of the old ones where it can. The caller holds the lock.
func (x *Index) rebuild(m int) {
	old := x.slots
	x.slots = make([]slot, m)
	start := uint(0)
	for i := range x.slots {
		s := &x.slots[i]
		// The narrower slots first (they take the larger radii).
		s.start, s.width = start, uint(256/m)
		if i >= m-256%m {
			s.width++
		}
		start += s.width
		if i < len(old) && old[i].width == s.width {
			s.off, s.pos = old[i].off, old[i].pos
			clear(s.off)
		} else {
			s.off = make([]uint32, 1<<s.width+1)
			if i < len(old) {
				s.pos = old[i].pos
			}
		}
		// Counting sort, each value's start moving to its end as its
		// positions are placed, then shifted back.
		for p := range x.n {
			if !x.isDead(p) {
				s.off[s.value(x.hash(p))+1]++
			}
		}
		for v := 1; v < len(s.off); v++ {
			s.off[v] += s.off[v-1]
		}
		s.pos.grow(s.off[len(s.off)-1])
		for p := range x.n {
			if !x.isDead(p) {
				v := s.value(x.hash(p))
				s.pos.set(s.off[v], p)
				s.off[v]++
			}
		}
		copy(s.off[1:], s.off)
		s.off[0] = 0
	}
	// The arrays a large index lets go are large: give their memory back
	// now rather than when the heap next doubles. (A small one's are not
	// worth a collection under the lock.)
	if x.n >= 1<<20 {
		runtime.GC()
	}
}

// merge adds the tail's live positions to the lists of s, in place: from
// the top down, each older list moves up by the number of tail positions
// with a smaller value, and those positions go in after it.
func (x *Index) merge(s *slot) {
	t := x.sort[:0]
	for p := x.built; p < x.n; p++ {
		if !x.isDead(p) {
			t = append(t, uint64(s.value(x.hash(p)))<<32|uint64(p))
		}
	}
	t, x.spare = sortByValue(t, x.spare)
	x.sort = t
	held := s.off[len(s.off)-1]
	top := held + uint32(len(t))
	s.pos.grow(top)
	read := held
	for j := len(t) - 1; j >= 0; j-- {
		end := s.off[t[j]>>32+1]
		s.pos.moveUp(top-(read-end), end, read-end)
		top -= read - end
		read = end
		top--
		s.pos.set(top, uint32(t[j]))
	}
	from := 0
	for j, e := range t {
		v := int(e >> 32)
		add(s.off[from:v+1], uint32(j))
		from = v + 1
	}
	add(s.off[from:], uint32(len(t)))
}

// add adds k to every offset of off.
func add(off []uint32, k uint32) {
	for i := range off {
		off[i] += k
	}
}

// sortByValue sorts t by the value in the high half of each entry (of at
// most 24 bits), keeping entries of one value in their order: two passes
// of a radix sort through spare. It returns the sorted entries and the
// spare buffer.
func sortByValue(t, spare []uint64) ([]uint64, []uint64) {
	spare = slices.Grow(spare[:0], len(t))[:len(t)]
	for shift := 32; shift < 56; shift += 12 {
		var count [1<<12 + 1]int
		for _, e := range t {
			count[e>>shift&(1<<12-1)+1]++
		}
		for k := 1; k < len(count); k++ {
			count[k] += count[k-1]
		}
		for _, e := range t {
			k := e >> shift & (1<<12 - 1)
			spare[count[k]] = e
			count[k]++
		}
		t, spare = spare, t
	}
	return t, spare
}

// grow makes room for n positions.
func (ps *positions) grow(n uint32) {
	for len(*ps) < int((n+chunk-1)/chunk) {
		*ps = append(*ps, new([chunk]uint32))
	}
}

func (ps positions) set(i, p uint32) { ps[i/chunk][i%chunk] = p }

// moveUp copies the n positions from src to dst ≥ src, the last first, so
// that the ranges may overlap.
func (ps positions) moveUp(dst, src, n uint32) {
	for n > 0 {
		s, d := src+n-1, dst+n-1
		k := min(s%chunk, d%chunk) + 1
		k = min(k, n)
		copy(ps[d/chunk][d%chunk+1-k:d%chunk+1], ps[s/chunk][s%chunk+1-k:s%chunk+1])
		n -= k
	}
}

// compact gives back the places of removed entries: the live hashes move
// down over them, in place, and chunks no longer needed are let go; the
// lists must then be rebuilt. The caller holds the lock.
func (x *Index) compact() {
	n := uint32(0)
	for p := range x.n {
		if x.isDead(p) {
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
	for i := range x.slots {
		s := &x.slots[i]
		if len(s.pos) > chunks { // an emptied slot, or one behind the tail, has fewer
			clear(s.pos[chunks:])
			s.pos = s.pos[:chunks]
		}
	}
}
