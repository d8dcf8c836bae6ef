package biometric

import (
	"sync"

	"secunion"
)

// GallerySwitch is the number of templates from which a Gallery searches
// an HNSW graph rather than comparing the probe with every template.
//
// BenchmarkGallerySwitch measures both, one search at a time with the
// service's threshold, at 1,000 to 50,000 synthetic face templates: the
// scan over both cores and the graph on one core cost about the same
// around 2,000 templates, and from 5,000 on the graph is the faster, with
// the matches above the threshold all found. Below the switch the scan is
// exact, as fast, and needs no graph, whose links cost memory and whose
// inserts cost time.
const GallerySwitch = 5_000

// maxWaiting bounds the templates put into a graph-searching Gallery and
// not yet linked into its graph: they are searched by scanning, so a
// search costs at most about one scan of 4,096 templates more, and a
// loader putting faster than the graph links waits for it.
const maxWaiting = 4096

// Gallery holds the templates of one modality and answers 1:N and 1:1
// searches, exactly while it is small and through an HNSW graph once it
// holds GallerySwitch templates; it does not switch back when it shrinks
// (the graph's compaction keeps it small instead). It is the index the
// service uses.
//
// Above the switch a search is approximate. At a million synthetic face
// templates the graph answers at the default efSearch in 68 ms (median,
// one core) where the scan over both cores takes about 190, and finds
// 99% of the matches above Threshold that the scan finds (BENCHMARKS.md).
//
// A template put is at once searchable: it is held in a small exact index
// (waiting) until a background goroutine has linked it into the graph,
// using all cores, so that templates put one at a time by a loader are
// linked in parallel. A deletion or replacement applies at once in both
// places. Safe for concurrent use.
type Gallery struct {
	modality   Modality
	switchAt   int // GallerySwitch, smaller in tests
	maxWaiting int // maxWaiting, smaller in tests

	mu      sync.RWMutex
	room    *sync.Cond      // signalled when waiting templates leave or linking ends
	waiting *Exact          // every template while small; then those not yet linked
	graph   *HNSW           // nil below GallerySwitch
	moving  map[string]bool // the batch being linked: in waiting and, the same, in graph
	linking bool            // a goroutine links waiting templates into graph
	ef      int             // the graph's efSearch, 0 growing with it
}

// NewGallery returns an empty gallery for templates of modality m.
func NewGallery(m Modality) (*Gallery, error) {
	x, err := NewExact(m)
	if err != nil {
		return nil, err
	}
	g := &Gallery{modality: m, switchAt: GallerySwitch, maxWaiting: maxWaiting, waiting: x}
	g.room = sync.NewCond(&g.mu)
	return g, nil
}

// Approximate reports whether the gallery searches an HNSW graph, having
// reached GallerySwitch templates.
func (g *Gallery) Approximate() bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.graph != nil
}

// SetEfSearch sets the number of candidates the gallery's graph keeps
// while searching, now or once the gallery has one: 1–65536 trades speed
// for recall (a caller that needs only the matches well above Threshold
// may find a small value enough on its data; BENCHMARKS.md has the
// figures on synthetic faces), 0 (the default) lets it grow with the
// graph, one per EfSearchNodes templates and at least DefaultEfSearch.
func (g *Gallery) SetEfSearch(ef int) error {
	if err := checkEf(ef); err != nil {
		return err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.ef = ef
	if g.graph != nil {
		return g.graph.SetEfSearch(ef)
	}
	return nil
}

// Len returns the number of templates held.
func (g *Gallery) Len() int {
	g.mu.RLock()
	defer g.mu.RUnlock()
	n := g.waiting.Len()
	if g.graph != nil {
		n += g.graph.Len() - len(g.moving)
	}
	return n
}

// Put validates t and stores it at unit length, replacing a template with
// the same ID. The caller's vector is left as it was. When many templates
// wait to be linked into the graph, Put waits for room.
func (g *Gallery) Put(t Template) error {
	// Checked on a copy first, so that a bad template is refused before
	// waiting for room; waiting.Put scales the original once.
	c := t
	if err := prepare(g.modality, &c); err != nil {
		return err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for g.graph != nil && g.waiting.Len()-len(g.moving) >= g.maxWaiting {
		g.room.Wait()
	}
	if err := g.waiting.Put(t); err != nil {
		return err
	}
	if g.graph != nil {
		g.graph.Delete(t.ID)
		delete(g.moving, t.ID)
	} else if g.waiting.Len() >= g.switchAt {
		g.graph, _ = NewHNSW(g.modality, HNSWParams{EfSearch: g.ef})
	}
	if g.graph != nil && !g.linking {
		g.linking = true
		go g.link()
	}
	return nil
}

// link moves the waiting templates into the graph, a batch at a time,
// until none waits. A batch is placed in the graph under the lock, linked
// without it (searches meanwhile find its templates in waiting and skip
// them in the graph), then leaves waiting, except for templates replaced
// or deleted meanwhile.
func (g *Gallery) link() {
	for {
		g.mu.Lock()
		x := g.waiting
		if len(x.meta) == 0 {
			g.linking = false
			g.room.Broadcast()
			g.mu.Unlock()
			return
		}
		batch := make([]Template, len(x.meta))
		g.moving = make(map[string]bool, len(x.meta))
		for i, m := range x.meta {
			batch[i] = Template{ID: m.ID, System: m.System, RecordID: m.RecordID, Vector: x.vectors[i*x.dims : (i+1)*x.dims]}
			g.moving[m.ID] = true
		}
		graph, nodes := g.graph.place(batch)
		g.mu.Unlock()

		g.graph.linkAll(graph, nodes, true, nil)

		g.mu.Lock()
		for id := range g.moving {
			x.Delete(id)
		}
		g.moving = nil
		g.room.Broadcast()
		g.mu.Unlock()
	}
}

// Settle waits until every template put so far is linked into the graph,
// so that searches are as fast as the graph makes them (a loader calls
// it before a node reports itself ready, a benchmark before timing).
func (g *Gallery) Settle() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for g.linking {
		g.room.Wait()
	}
}

// Delete removes a template at once; it reports whether one was held.
func (g *Gallery) Delete(id string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	found := g.waiting.Delete(id)
	if g.graph != nil {
		found = g.graph.Delete(id) || found
		delete(g.moving, id)
		g.room.Broadcast()
	}
	return found
}

// Identify returns the k stored templates closest to probe that score at
// least floor, best first (ties by ID): exact while the gallery is small,
// as far as the graph finds them once it is large. The probe is validated
// as Exact validates it.
func (g *Gallery) Identify(probe Template, k int, floor float32) ([]Match, error) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	found, err := g.waiting.Identify(probe, k, floor)
	if err != nil || g.graph == nil {
		return found, err
	}
	linked, err := g.graph.Identify(probe, k, floor)
	if err != nil {
		return nil, err
	}
	for _, m := range linked {
		if !g.moving[m.ID] {
			found = append(found, m)
		}
	}
	sortMatches(found)
	return found[:min(len(found), k)], nil
}

// Verify returns the score of probe against the stored template id (1:1).
func (g *Gallery) Verify(probe Template, id string) (float32, error) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	score, err := g.waiting.Verify(probe, id)
	if secunion.CodeOf(err) == secunion.NotFound && g.graph != nil {
		return g.graph.Verify(probe, id)
	}
	return score, err
}
