package biometric

import (
	"cmp"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"secunion"
)

// HNSW is an approximate 1:N index: a Hierarchical Navigable Small World
// graph (Malkov and Yashunin, "Efficient and robust approximate nearest
// neighbor search using Hierarchical Navigable Small World graphs", 2018)
// over the unit-length vectors of one modality, searched by inner product
// (= cosine). Written here rather than taken from a library: no Go
// package offers an HNSW with immediate deletes, compact storage and
// concurrent inserts beside searches without cgo.
//
// Every template is a node on layer 0 and, with probability 1/M per
// further layer, on the layers above; a search descends greedily through
// the upper layers and explores layer 0 best-first, keeping the efSearch
// best nodes found. A new node takes its links by the paper's heuristic
// (spread in all directions), filled up with its closest other
// candidates; a full list drops its farthest link, but never a node's
// last way in, so that no node becomes unreachable.
//
// Storage is compact, so that the index costs little more than its
// vectors (at most 1.2×; 1.13× at a million face templates): vectors lie
// contiguously in chunks of 4,096, layer-0 links in fixed blocks of a
// count and 2·M uint32 beside them, upper-layer links only for the nodes
// that have them, and a template's ID, system and record in one string
// whose ID part is also the key of the ID map.
//
// Delete takes effect at once: a deleted node is never returned, though
// searches still pass through it. Once deleted nodes exceed a quarter of
// all nodes the graph is rebuilt from the live ones in the background
// (compaction): meanwhile searches and writes go to the old graph, writes
// are also noted and replayed onto the new one, and the new graph takes
// over under a short write lock. A compaction needs memory for both
// graphs while it runs.
//
// HNSW is safe for concurrent use. Searches run beside each other and
// beside the linking of new nodes (links are read and written under
// striped per-node locks); a write holds the write lock only to place a
// node and its vector, or to mark a deletion.
type HNSW struct {
	modality Modality
	params   HNSWParams
	efSearch atomic.Int64 // 0: grows with the graph (efFor)
	pool     searcherPool

	mu         sync.RWMutex
	g          *graph
	levels     *rand.Rand    // draws nodes' top layers; guarded by mu
	compacting chan struct{} // closed when the running compaction ends; nil when none runs
	journal    []change      // writes since the running compaction's snapshot
}

// HNSWParams are the parameters of an HNSW graph; a zero field takes its
// default.
type HNSWParams struct {
	// M is the number of links a node keeps on each upper layer; it keeps
	// 2·M on layer 0. More links find more true neighbours at the cost of
	// memory (8·M bytes a node) and of time per search step and insert.
	M int
	// EfConstruction is the number of candidates kept while linking a new
	// node: larger builds a better graph, more slowly.
	EfConstruction int
	// EfSearch is the number of candidates kept while searching, at least
	// the k asked for: larger finds more of the true top k, more slowly.
	// Zero lets it grow with the graph: DefaultEfSearch, and one more per
	// EfSearchNodes templates held.
	EfSearch int
}

// The default HNSW parameters, chosen with BenchmarkIdentify and
// BenchmarkGallerySwitch on synthetic face templates (BENCHMARKS.md).
//
// M = 16 keeps memory at 1.13× the vectors; 32 found the probe's mates
// with about half the distance computations at 100,000 templates, but
// costs 1.18× and twice the build time. efSearch must grow with the
// gallery for a search to find the probe's mates, which score 0.56–0.83
// among a million impostors scoring 0 ± 0.07: nothing in the impostors'
// links points towards them, so the search must cover more of the
// gallery as it grows. One candidate per 160 templates finds 99% of the
// matches above Threshold at 10,000 to 1,000,000 templates.
const (
	DefaultM              = 16
	DefaultEfConstruction = 100
	DefaultEfSearch       = 64
	EfSearchNodes         = 160
)

// efFor returns the efSearch of a graph of n templates whose EfSearch
// grows with it.
func efFor(n int) int {
	return min(maxEf, max(DefaultEfSearch, n/EfSearchNodes))
}

// compactShare is the share of deleted nodes beyond which the graph is
// rebuilt: a quarter wastes at most a third of the live nodes' memory on
// the dead, and keeps a search's detours through deleted nodes few, while
// a heavily edited gallery is rebuilt at most once per quarter of its
// size written.
const compactShare = 0.25

// NewHNSW returns an empty graph index for templates of modality m.
func NewHNSW(m Modality, p HNSWParams) (*HNSW, error) {
	dims := Dims(m)
	if dims == 0 {
		return nil, secunion.Errorf(secunion.Invalid, "unknown modality %q: use face or fingerprint", m)
	}
	p.M = cmp.Or(p.M, DefaultM)
	p.EfConstruction = cmp.Or(p.EfConstruction, DefaultEfConstruction)
	switch {
	case p.M < 2 || p.M > 128:
		return nil, secunion.Errorf(secunion.Invalid, "hnsw: M %d is not 2–128", p.M)
	case p.EfConstruction < p.M || p.EfConstruction > 4096:
		return nil, secunion.Errorf(secunion.Invalid, "hnsw: efConstruction %d is not M (%d) to 4096", p.EfConstruction, p.M)
	}
	if err := checkEf(p.EfSearch); err != nil {
		return nil, err
	}
	h := &HNSW{
		modality: m,
		params:   p,
		g:        newGraph(dims, p.M, p.EfConstruction),
		levels:   rand.New(rand.NewPCG(uint64(dims), uint64(p.M))),
	}
	h.efSearch.Store(int64(p.EfSearch))
	return h, nil
}

// maxEf bounds EfSearch: beyond it a search costs as much as a scan.
const maxEf = 1 << 16

// SetEfSearch sets the number of candidates a search keeps (1–65536),
// trading speed for recall, or with 0 lets it grow with the graph;
// searches under way keep the old value.
func (h *HNSW) SetEfSearch(ef int) error {
	if err := checkEf(ef); err != nil {
		return err
	}
	h.efSearch.Store(int64(ef))
	return nil
}

// checkEf refuses an efSearch outside 0–maxEf.
func checkEf(ef int) error {
	if ef < 0 || ef > maxEf {
		return secunion.Errorf(secunion.Invalid, "hnsw: efSearch %d is not 1–%d (0: growing with the graph)", ef, maxEf)
	}
	return nil
}

// Len returns the number of templates held.
func (h *HNSW) Len() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.g.slot)
}

// Put validates t and stores it at unit length, replacing a template with
// the same ID. The caller's vector is left as it was.
func (h *HNSW) Put(t Template) error {
	return h.PutMany([]Template{t}, nil)
}

// PutMany stores many templates as Put does, linking them into the graph
// on all cores; a later template replaces an earlier one with its ID.
// Either all are stored or, when one is refused, none. progress, when not
// nil, is called (never concurrently) about every percent with the number
// of templates linked so far. The templates' vectors are copied first, so
// a caller loading millions should pass them in batches (of say 10,000).
func (h *HNSW) PutMany(ts []Template, progress func(done, total int)) error {
	ts = slices.Clone(ts)
	for i := range ts {
		if err := prepare(h.modality, &ts[i]); err != nil {
			return err
		}
	}
	g, nodes := h.place(ts)
	h.linkAll(g, nodes, true, progress)
	return nil
}

// prepare validates t for an index of modality m, scaling a copy of its
// vector to unit length: the checks and messages of Exact.Put.
func prepare(m Modality, t *Template) error {
	t.Vector = slices.Clone(t.Vector)
	if err := t.Validate(); err != nil {
		return err
	}
	if t.Modality != m {
		return secunion.Errorf(secunion.Invalid, "template %s is %s, this index holds %s", t.ID, t.Modality, m)
	}
	return nil
}

// place adds validated templates to the graph as unlinked nodes, deleting
// the nodes they replace, and returns the graph and the new nodes.
func (h *HNSW) place(ts []Template) (*graph, []uint32) {
	h.mu.Lock()
	defer h.mu.Unlock()
	g := h.g
	nodes := make([]uint32, len(ts))
	for i, t := range ts {
		n := g.add(t.Vector, packMeta(t), h.level())
		nodes[i] = n
		if h.compacting != nil {
			h.journal = append(h.journal, change{vec: g.vector(n), meta: g.meta[n], level: g.level[n]})
		}
	}
	h.maybeCompact()
	return g, nodes
}

// level draws a new node's top layer: layer l with probability
// (1/M)^l·(1−1/M), as the paper's mL = 1/ln M gives.
func (h *HNSW) level() uint8 {
	l := -math.Log(1-h.levels.Float64()) / math.Log(float64(h.params.M))
	return uint8(min(l, maxLevel))
}

// maxLevel bounds a node's top layer; at M ≥ 2 a graph reaches it only
// beyond 2^maxLevel nodes.
const maxLevel = 31

// linkAll links nodes into g on all cores. When shared, g may be h's
// graph, read by searches: each node is linked under the read lock and
// skipped once a compaction has replaced g (the compaction placed it in
// the new graph from its journal).
func (h *HNSW) linkAll(g *graph, nodes []uint32, shared bool, progress func(done, total int)) {
	var next, done atomic.Int64
	var report sync.Mutex
	step := max(1, int64(len(nodes))/100)
	work := func() {
		s := h.pool.get(0)
		defer h.pool.put(s)
		for {
			i := next.Add(1) - 1
			if i >= int64(len(nodes)) {
				return
			}
			if shared {
				h.mu.RLock()
				if h.g == g {
					s.fit(g.n())
					g.link(s, nodes[i])
				}
				h.mu.RUnlock()
			} else {
				s.fit(g.n())
				g.link(s, nodes[i])
			}
			if d := done.Add(1); progress != nil && (d%step == 0 || d == int64(len(nodes))) {
				report.Lock()
				progress(int(d), len(nodes))
				report.Unlock()
			}
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(nodes))
	if workers <= 1 {
		work()
		return
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(work)
	}
	wg.Wait()
}

// Delete removes a template at once; it reports whether one was held.
func (h *HNSW) Delete(id string) bool {
	// Most IDs a gallery deletes on a put are new: looked up under the
	// read lock, they do not stop searches and links.
	h.mu.RLock()
	_, ok := h.g.slot[id]
	h.mu.RUnlock()
	if !ok {
		return false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.g.kill(id) {
		return false
	}
	if h.compacting != nil {
		h.journal = append(h.journal, change{id: id})
	}
	h.maybeCompact()
	return true
}

// Identify returns the k stored templates closest to probe that score at
// least floor, best first (ties by ID), as far as the graph finds them:
// the search keeps max(k, efSearch) candidates. The probe is validated as
// Exact validates it.
func (h *HNSW) Identify(probe Template, k int, floor float32) ([]Match, error) {
	if err := h.checkProbe(&probe, k); err != nil {
		return nil, err
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	g := h.g
	ef := int(h.efSearch.Load())
	if ef == 0 {
		ef = efFor(len(g.slot))
	}
	ef = max(k, ef)
	s := h.pool.get(g.n())
	defer h.pool.put(s)
	best := s.order[:0]
	for _, c := range g.search(s, probe.Vector, ef) {
		if c.s >= floor {
			best = append(best, c)
		}
	}
	// The k best, with any tied with the k-th, which sortMatches orders
	// by ID.
	sortScored(best)
	if len(best) > k {
		end := k
		for end < len(best) && best[end].s == best[k-1].s {
			end++
		}
		best = best[:end]
	}
	out := make([]Match, len(best))
	for i, c := range best {
		id, system, record := unpackMeta(g.meta[c.n])
		out[i] = Match{ID: id, System: system, RecordID: record, Score: c.s}
	}
	s.order = best
	sortMatches(out)
	return out[:min(len(out), k)], nil
}

// Verify returns the score of probe against the stored template id (1:1).
func (h *HNSW) Verify(probe Template, id string) (float32, error) {
	if err := h.checkProbe(&probe, 1); err != nil {
		return 0, err
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	n, ok := h.g.slot[id]
	if !ok {
		return 0, secunion.Errorf(secunion.NotFound, "no %s template %s", h.modality, id)
	}
	return dot(probe.Vector, h.g.vector(n)), nil
}

// checkProbe checks a probe and a result size with Exact's rules and
// messages, scaling a copy of the probe's vector.
func (h *HNSW) checkProbe(probe *Template, k int) error {
	x := Exact{modality: h.modality}
	return x.checkProbe(probe, k)
}

// change is a write noted during a compaction: a node placed (its vector,
// packed reference and layer) or, when id is set, a deletion.
type change struct {
	vec   []float32
	meta  string
	level uint8
	id    string
}

// maybeCompact starts a compaction when deleted nodes exceed
// compactShare of the graph and none runs. The caller holds the write
// lock.
func (h *HNSW) maybeCompact() {
	g := h.g
	if h.compacting != nil || float64(g.dead) <= compactShare*float64(g.n()) {
		return
	}
	done := make(chan struct{})
	h.compacting, h.journal = done, nil
	// The live nodes in the old graph's order, which keeps the vectors of
	// templates put together near each other in memory.
	items := make([]change, 0, len(g.slot))
	for n := range uint32(g.n()) {
		if !g.isDead(n) {
			items = append(items, change{vec: g.vector(n), meta: g.meta[n], level: g.level[n]})
		}
	}
	go h.compact(g, items, done)
}

// compact builds a new graph from the live nodes of old (items) and
// swaps it in once it has caught up with the writes noted meanwhile:
// while many are noted they are replayed without the lock, the last few
// under the write lock, so that nothing written is lost.
func (h *HNSW) compact(old *graph, items []change, done chan struct{}) {
	defer close(done)
	ng := newGraph(old.dims, old.m, old.efc)
	for {
		var nodes []uint32
		for _, c := range items {
			if c.id != "" {
				ng.kill(c.id)
			} else {
				nodes = append(nodes, ng.add(c.vec, c.meta, c.level))
			}
		}
		h.linkAll(ng, nodes, false, nil)
		h.mu.Lock()
		items, h.journal = h.journal, nil
		if len(items) <= 64 {
			s := h.pool.get(0)
			for _, c := range items {
				if c.id != "" {
					ng.kill(c.id)
					continue
				}
				n := ng.add(c.vec, c.meta, c.level)
				s.fit(ng.n())
				ng.link(s, n)
			}
			h.pool.put(s)
			h.g, h.compacting = ng, nil
			h.maybeCompact()
			h.mu.Unlock()
			return
		}
		h.mu.Unlock()
	}
}

// packMeta packs a template's ID, system and record into one string: the
// two lengths as varints, then the three texts.
func packMeta(t Template) string {
	b := make([]byte, 0, 2*binary.MaxVarintLen32+len(t.ID)+len(t.System)+len(t.RecordID))
	b = binary.AppendUvarint(b, uint64(len(t.ID)))
	b = binary.AppendUvarint(b, uint64(len(t.System)))
	b = append(b, t.ID...)
	b = append(b, t.System...)
	b = append(b, t.RecordID...)
	return string(b)
}

// unpackMeta returns the ID, system and record packed by packMeta; they
// share the packed string's memory.
func unpackMeta(s string) (id, system, record string) {
	nid, a := uvarint(s)
	nsys, b := uvarint(s[a:])
	s = s[a+b:]
	return s[:nid], s[nid : nid+nsys], s[nid+nsys:]
}

// uvarint decodes the varint at the start of s (written by
// binary.AppendUvarint) and returns it and its length.
func uvarint(s string) (v, n int) {
	for shift := 0; ; shift += 7 {
		c := s[n]
		n++
		v |= int(c&0x7f) << shift
		if c < 0x80 {
			return v, n
		}
	}
}

// The layout of a graph's storage.
const (
	chunkBits   = 12 // 4,096 nodes a chunk: 8 MB of face vectors
	chunkSize   = 1 << chunkBits
	chunkMask   = chunkSize - 1
	lockStripes = 4096 // mutexes guarding nodes' links, node n under n % lockStripes
)

// graph is the storage and the algorithms of an HNSW graph. Its nodes are
// numbered from 0 in the order added; a node's vector and reference never
// change. The caller of add and kill has the graph to itself; link and
// search run concurrently with each other, guarding links with the
// striped locks.
type graph struct {
	dims, m, m0, efc int

	vec   [][]float32         // chunks of chunkSize vectors; the last grows up to that
	link0 [][]uint32          // layer-0 links beside them: per node a count and up to m0 nodes
	upper map[uint32][]uint32 // per node above layer 0: layers 1..top, each a count and up to m nodes
	level []uint8             // each node's top layer
	indeg []uint32            // each node's number of links in on layer 0 (atomic)
	meta  []string            // each node's packed ID, system and record (packMeta)
	gone  []uint64            // a bit per deleted node
	dead  int                 // the number of deleted nodes
	slot  map[string]uint32   // live template ID (a part of its meta) → node

	locks [lockStripes]sync.Mutex
	epMu  sync.Mutex    // held by a link that may raise the entry point, for its whole length
	entry atomic.Uint64 // node<<8 | top layer+1 of the entry point; 0 when empty
}

func newGraph(dims, m, efc int) *graph {
	return &graph{dims: dims, m: m, m0: 2 * m, efc: efc, upper: map[uint32][]uint32{}, slot: map[string]uint32{}}
}

// n returns the number of nodes, deleted ones included.
func (g *graph) n() int { return len(g.level) }

// add places a new node, not yet linked, for a unit-length vector with
// its packed reference and top layer; a live node with the same ID is
// deleted. It returns the new node.
func (g *graph) add(vec []float32, meta string, level uint8) uint32 {
	n := uint32(len(g.level))
	c := int(n >> chunkBits)
	if c == len(g.vec) {
		g.vec, g.link0 = append(g.vec, nil), append(g.link0, nil)
	}
	g.vec[c] = grow(g.vec[c], g.dims, chunkSize*g.dims)
	copy(g.vec[c][len(g.vec[c])-g.dims:], vec)
	g.link0[c] = grow(g.link0[c], g.m0+1, chunkSize*(g.m0+1))
	if level > 0 {
		g.upper[n] = make([]uint32, int(level)*(g.m+1))
	}
	g.level = append(g.level, level)
	g.indeg = append(g.indeg, 0)
	g.meta = append(g.meta, meta)
	if n%64 == 0 {
		g.gone = append(g.gone, 0)
	}
	id, _, _ := unpackMeta(meta)
	if old, ok := g.slot[id]; ok {
		g.gone[old/64] |= 1 << (old % 64)
		g.dead++
	}
	g.slot[id] = n
	return n
}

// grow returns s with k more zero elements, its capacity doubling up to
// limit and never beyond it, so that a full chunk wastes nothing.
func grow[T any](s []T, k, limit int) []T {
	if len(s)+k > cap(s) {
		t := make([]T, len(s), min(limit, max(2*cap(s), 16*k)))
		copy(t, s)
		s = t
	}
	return s[:len(s)+k]
}

// kill deletes the live node of template id; it reports whether there
// was one.
func (g *graph) kill(id string) bool {
	n, ok := g.slot[id]
	if !ok {
		return false
	}
	delete(g.slot, id)
	g.gone[n/64] |= 1 << (n % 64)
	g.dead++
	return true
}

// isDead reports whether node n was deleted or replaced.
func (g *graph) isDead(n uint32) bool { return g.gone[n/64]&(1<<(n%64)) != 0 }

// vector returns node n's vector.
func (g *graph) vector(n uint32) []float32 {
	o := int(n&chunkMask) * g.dims
	return g.vec[n>>chunkBits][o : o+g.dims : o+g.dims]
}

// block returns node n's links on layer l: a count, then the nodes.
func (g *graph) block(n uint32, l int) []uint32 {
	if l == 0 {
		o := int(n&chunkMask) * (g.m0 + 1)
		return g.link0[n>>chunkBits][o : o+g.m0+1]
	}
	o := (l - 1) * (g.m + 1)
	return g.upper[n][o : o+g.m+1]
}

// degree returns the most links a node keeps on layer l.
func (g *graph) degree(l int) int {
	if l == 0 {
		return g.m0
	}
	return g.m
}

// neighbours copies node n's links on layer l into s.links, under n's lock.
func (g *graph) neighbours(s *searcher, n uint32, l int) []uint32 {
	mu := &g.locks[n%lockStripes]
	mu.Lock()
	b := g.block(n, l)
	s.links = append(s.links[:0], b[1:1+b[0]]...)
	mu.Unlock()
	return s.links
}

// entryPoint returns the node searches start from and its top layer, −1
// when the graph has no linked node.
func (g *graph) entryPoint() (uint32, int) {
	e := g.entry.Load()
	return uint32(e >> 8), int(e&0xff) - 1
}

// search returns up to ef live nodes closest to q, in no order.
func (g *graph) search(s *searcher, q []float32, ef int) []scored {
	ep, top := g.entryPoint()
	if top < 0 {
		return nil
	}
	cur := scored{dot(q, g.vector(ep)), ep}
	for l := top; l > 0; l-- {
		cur = g.greedy(s, q, cur, l)
	}
	g.searchLayer(s, q, cur, ef, 0, true)
	return s.res
}

// greedy walks layer l from cur to the node closest to q that has no
// closer neighbour: the descent through the upper layers (ef = 1).
func (g *graph) greedy(s *searcher, q []float32, cur scored, l int) scored {
	for {
		best := cur
		for _, e := range g.neighbours(s, cur.n, l) {
			if v := dot(q, g.vector(e)); v > best.s {
				best = scored{v, e}
			}
		}
		if best.n == cur.n {
			return cur
		}
		cur = best
	}
}

// searchLayer explores layer l best-first from ep and leaves in s.res (a
// min-heap) the ef nodes closest to q that it found; with live, deleted
// nodes are passed through but not kept. It stops when the closest
// candidate left is farther than the farthest of ef kept.
func (g *graph) searchLayer(s *searcher, q []float32, ep scored, ef, l int, live bool) {
	s.reset()
	s.seen(ep.n)
	s.cand = pushHeap(s.cand[:0], scored{-ep.s, ep.n})
	s.res = s.res[:0]
	if !live || !g.isDead(ep.n) {
		s.res = pushHeap(s.res, ep)
	}
	for len(s.cand) > 0 {
		var c scored
		c, s.cand = popHeap(s.cand)
		if len(s.res) >= ef && -c.s < s.res[0].s {
			break
		}
		s.todo = s.todo[:0]
		for _, e := range g.neighbours(s, c.n, l) {
			if !s.seen(e) {
				s.todo = append(s.todo, e)
			}
		}
		// Start fetching every vector before comparing any; the first 512
		// bytes of each are enough for the CPU's stream prefetcher to
		// follow on (at 400,000 templates a search takes 0.7 of the time
		// it takes without, 0.8 of the time prefetching each whole vector
		// just before its comparison).
		for _, e := range s.todo {
			prefetch(g.vector(e)[:min(g.dims, 128)])
		}
		for _, e := range s.todo {
			v := dot(q, g.vector(e))
			if len(s.res) >= ef && v <= s.res[0].s {
				continue
			}
			s.cand = pushHeap(s.cand, scored{-v, e})
			if live && g.isDead(e) {
				continue
			}
			s.res = pushHeap(s.res, scored{v, e})
			if len(s.res) > ef {
				_, s.res = popHeap(s.res)
			}
		}
	}
}

// link connects node q, placed by add, to the graph: on each of its
// layers to nodes chosen by selectNeighbours among the closest a search
// with efConstruction finds, and those nodes back to q (addLink).
func (g *graph) link(s *searcher, q uint32) {
	vq := g.vector(q)
	lvl := int(g.level[q])
	g.epMu.Lock()
	ep, top := g.entryPoint()
	if lvl > top {
		// q becomes the entry point once linked; until then other links
		// wait here, so that none starts from a node without links.
		defer func() {
			g.entry.Store(uint64(q)<<8 | uint64(lvl+1))
			g.epMu.Unlock()
		}()
	} else {
		g.epMu.Unlock()
	}
	if top < 0 {
		return
	}
	cur := scored{dot(vq, g.vector(ep)), ep}
	for l := top; l > lvl; l-- {
		cur = g.greedy(s, vq, cur, l)
	}
	// Choose q's links on every layer first, then write them from layer 0
	// up: a search that reaches q through a link written on some layer
	// then always finds q's layer-0 links complete.
	low := min(top, lvl)
	s.chosen = s.chosen[:0]
	s.ends = s.ends[:0]
	for l := low; l >= 0; l-- {
		g.searchLayer(s, vq, cur, g.efc, l, false)
		s.order = s.order[:0]
		for _, c := range s.res {
			if c.n != q {
				s.order = append(s.order, c)
			}
		}
		sortScored(s.order)
		s.chosen = g.selectNeighbours(s.order, g.degree(l), s.chosen)
		s.ends = append(s.ends, len(s.chosen))
		if len(s.order) > 0 {
			cur = s.order[0]
		}
	}
	for l := 0; l <= low; l++ {
		from := 0
		if i := low - l; i > 0 {
			from = s.ends[i-1]
		}
		chosen := s.chosen[from:s.ends[low-l]]
		// Nodes linked meanwhile may have linked q already, from a search
		// that passed through it: q's links are added to theirs.
		mu := &g.locks[q%lockStripes]
		mu.Lock()
		for _, c := range chosen {
			g.addLink(s, q, c.n, c.s, l)
		}
		mu.Unlock()
		for _, c := range chosen {
			mu := &g.locks[c.n%lockStripes]
			mu.Lock()
			g.addLink(s, c.n, q, c.s, l)
			mu.Unlock()
		}
	}
}

// selectNeighbours appends to out up to max of cands (best first) by the
// paper's heuristic: a candidate is taken first when it is closer to the
// base than to every candidate taken before it, so that links spread in
// all directions rather than bunching in one cluster; the places left
// are filled with the closest of the others ("keepPrunedConnections"),
// since in a space of ~200 effective dimensions most candidates are
// about as far from each other as from the base, and the heuristic alone
// leaves nodes with a link or two.
func (g *graph) selectNeighbours(cands []scored, max int, out []scored) []scored {
	start := len(out)
	max += start
	pruned := 0
	for _, c := range cands {
		if len(out) == max {
			break
		}
		vc, keep := g.vector(c.n), true
		for _, r := range out[start:] {
			if dot(vc, g.vector(r.n)) > c.s {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, c)
		} else {
			cands[pruned] = c
			pruned++
		}
	}
	return append(out, cands[:min(pruned, max-len(out))]...)
}

// addLink adds a link from e to q (score sq) on layer l; the caller holds
// e's lock. When e's block is full, the farthest of its links and q is
// dropped, on layer 0 among those that keep another link in.
func (g *graph) addLink(s *searcher, e, q uint32, sq float32, l int) {
	b := g.block(e, l)
	if slices.Contains(b[1:1+b[0]], q) {
		return
	}
	if n := int(b[0]); n < g.degree(l) {
		b[1+n] = q
		b[0]++
		if l == 0 {
			atomic.AddUint32(&g.indeg[q], 1)
		}
		return
	}
	// Full: drop one of e's links and q, the farthest from e that has
	// another way in on layer 0, so that no node is left unreachable.
	ve := g.vector(e)
	s.shrink = s.shrink[:0]
	for _, x := range b[1 : 1+b[0]] {
		s.shrink = append(s.shrink, scored{dot(ve, g.vector(x)), x})
	}
	s.shrink = append(s.shrink, scored{sq, q})
	sortScored(s.shrink)
	drop := len(s.shrink) - 1
	if l == 0 {
		for i := drop; i >= 0; i-- {
			x := s.shrink[i].n
			others := atomic.LoadUint32(&g.indeg[x])
			if x != q {
				others--
			}
			if others > 0 {
				drop = i
				break
			}
		}
		if x := s.shrink[drop].n; x != q {
			atomic.AddUint32(&g.indeg[x], ^uint32(0))
			atomic.AddUint32(&g.indeg[q], 1)
		}
	}
	s.shrink = slices.Delete(s.shrink, drop, drop+1)
	for i, c := range s.shrink {
		b[1+i] = c.n
	}
}

// scored is a node with its score against a query.
type scored struct {
	s float32
	n uint32
}

// sortScored orders nodes best first.
func sortScored(c []scored) {
	slices.SortFunc(c, func(a, b scored) int { return cmp.Compare(b.s, a.s) })
}

// pushHeap and popHeap keep h a min-heap on score.
func pushHeap(h []scored, x scored) []scored {
	h = append(h, x)
	for i := len(h) - 1; i > 0; {
		p := (i - 1) / 2
		if h[p].s <= h[i].s {
			break
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
	return h
}

func popHeap(h []scored) (scored, []scored) {
	top, last := h[0], len(h)-1
	h[0] = h[last]
	h = h[:last]
	for i := 0; ; {
		l, small := 2*i+1, i
		if l < last && h[l].s < h[small].s {
			small = l
		}
		if r := l + 1; r < last && h[r].s < h[small].s {
			small = r
		}
		if small == i {
			return top, h
		}
		h[i], h[small] = h[small], h[i]
		i = small
	}
}

// searcher is one goroutine's working memory for searches and links,
// reused through a searcherPool: the visited marks (a byte per node,
// cleared only when the mark wraps, every 255 searches) and the heaps
// and lists.
type searcher struct {
	visited []uint8
	mark    uint8
	cand    []scored // candidates, a min-heap on negated score
	res     []scored // results, a min-heap on score
	order   []scored
	chosen  []scored // links chosen on each layer, top first
	ends    []int    // where each layer's links end in chosen
	shrink  []scored
	pruned  []scored
	links   []uint32
	todo    []uint32
}

// fit makes room for marks of n nodes.
func (s *searcher) fit(n int) {
	if len(s.visited) < n {
		s.visited, s.mark = make([]uint8, n+n/8), 0
	}
}

// reset starts a new search: every node unvisited.
func (s *searcher) reset() {
	s.mark++
	if s.mark == 0 {
		clear(s.visited)
		s.mark = 1
	}
}

// seen marks node n visited and reports whether it already was.
func (s *searcher) seen(n uint32) bool {
	if s.visited[n] == s.mark {
		return true
	}
	s.visited[n] = s.mark
	return false
}

// searcherPool keeps idle searchers, at most two per core: the visited
// marks of a million nodes take a megabyte, too much to make per search.
type searcherPool struct {
	mu   sync.Mutex
	free []*searcher
}

// get returns a searcher with room for n nodes.
func (p *searcherPool) get(n int) *searcher {
	p.mu.Lock()
	var s *searcher
	if k := len(p.free); k > 0 {
		s, p.free = p.free[k-1], p.free[:k-1]
	}
	p.mu.Unlock()
	if s == nil {
		s = &searcher{}
	}
	s.fit(n)
	return s
}

// put returns s to the pool.
func (p *searcherPool) put(s *searcher) {
	p.mu.Lock()
	if len(p.free) < 2*runtime.GOMAXPROCS(0) {
		p.free = append(p.free, s)
	}
	p.mu.Unlock()
}
