package biometric

import (
	"cmp"
	"runtime"
	"slices"
	"sync"

	"secunion"
)

// Match is one template found for a probe.
type Match struct {
	ID       string  `json:"id"`
	System   string  `json:"system"`
	RecordID string  `json:"record_id"`
	Score    float32 `json:"score"` // cosine similarity
}

// Exact holds the templates of one modality and searches them by brute
// force: every stored vector is compared with the probe, the work split
// over all cores. It is exact (recall 1 by construction), the reference
// for approximate indexes and the right choice for small sets. Vectors are
// kept in one contiguous slice; a deleted template's place is taken by the
// last one, so that the slice stays dense. Safe for concurrent use.
type Exact struct {
	modality Modality
	dims     int

	mu      sync.RWMutex
	vectors []float32 // len(meta) × dims
	meta    []Match   // ID, system and record of each vector; Score unused
	slot    map[string]int
}

// NewExact returns an empty exact index for templates of modality m.
func NewExact(m Modality) (*Exact, error) {
	dims := Dims(m)
	if dims == 0 {
		return nil, secunion.Errorf(secunion.Invalid, "unknown modality %q: use face or fingerprint", m)
	}
	return &Exact{modality: m, dims: dims, slot: map[string]int{}}, nil
}

// Len returns the number of templates held.
func (x *Exact) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.meta)
}

// Put validates t and stores it at unit length, replacing a template with
// the same ID. The caller's vector is left as it was.
func (x *Exact) Put(t Template) error {
	t.Vector = slices.Clone(t.Vector)
	if err := t.Validate(); err != nil {
		return err
	}
	if t.Modality != x.modality {
		return secunion.Errorf(secunion.Invalid, "template %s is %s, this index holds %s", t.ID, t.Modality, x.modality)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	m := Match{ID: t.ID, System: t.System, RecordID: t.RecordID}
	if i, ok := x.slot[t.ID]; ok {
		copy(x.vectors[i*x.dims:], t.Vector)
		x.meta[i] = m
		return nil
	}
	x.slot[t.ID] = len(x.meta)
	x.meta = append(x.meta, m)
	x.vectors = append(x.vectors, t.Vector...)
	return nil
}

// Delete removes a template at once; it reports whether one was held.
func (x *Exact) Delete(id string) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	i, ok := x.slot[id]
	if !ok {
		return false
	}
	last := len(x.meta) - 1
	if i != last {
		copy(x.vectors[i*x.dims:(i+1)*x.dims], x.vectors[last*x.dims:])
		x.meta[i] = x.meta[last]
		x.slot[x.meta[i].ID] = i
	}
	x.meta = x.meta[:last]
	x.vectors = x.vectors[:last*x.dims]
	delete(x.slot, id)
	return true
}

// Identify returns the k stored templates closest to probe that score at
// least floor, best first (ties by ID). The probe is validated as a stored
// template is.
func (x *Exact) Identify(probe Template, k int, floor float32) ([]Match, error) {
	if err := x.checkProbe(&probe, k); err != nil {
		return nil, err
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	n := len(x.meta)
	workers := max(1, min(runtime.GOMAXPROCS(0), n/4096))
	parts := make([][]Match, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lo, hi := n*w/workers, n*(w+1)/workers
			parts[w] = x.topK(probe.Vector, lo, hi, k, floor)
		}()
	}
	wg.Wait()
	var all []Match
	for _, p := range parts {
		all = append(all, p...)
	}
	sortMatches(all)
	return all[:min(len(all), k)], nil
}

// Verify returns the score of probe against the stored template id (1:1).
func (x *Exact) Verify(probe Template, id string) (float32, error) {
	if err := x.checkProbe(&probe, 1); err != nil {
		return 0, err
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	i, ok := x.slot[id]
	if !ok {
		return 0, secunion.Errorf(secunion.NotFound, "no %s template %s", x.modality, id)
	}
	return dot(probe.Vector, x.vectors[i*x.dims:(i+1)*x.dims]), nil
}

// checkProbe checks a probe for this index and a result size, scaling a
// copy of its vector; a probe needs no reference, only a vector.
func (x *Exact) checkProbe(probe *Template, k int) error {
	probe.Vector = slices.Clone(probe.Vector)
	if err := unitVector(probe.Modality, probe.Vector, "probe"); err != nil {
		return err
	}
	if probe.Modality != x.modality {
		return secunion.Errorf(secunion.Invalid, "the probe is %s, this index holds %s", probe.Modality, x.modality)
	}
	if k < 1 || k > MaxK {
		return secunion.Errorf(secunion.Invalid, "top-k: ask for 1 to %d templates", MaxK)
	}
	return nil
}

// MaxK bounds the number of templates one identification returns.
const MaxK = 1000

// topK scans vectors lo..hi and returns the best k scoring at least floor,
// in no particular order. The k best so far are kept in a min-heap.
func (x *Exact) topK(q []float32, lo, hi, k int, floor float32) []Match {
	h := make([]Match, 0, k)
	for i := lo; i < hi; i++ {
		s := dot(q, x.vectors[i*x.dims:(i+1)*x.dims])
		if s < floor || len(h) == k && s <= h[0].Score {
			continue
		}
		m := x.meta[i]
		m.Score = s
		if len(h) < k {
			h = append(h, m)
			up(h, len(h)-1)
		} else {
			h[0] = m
			down(h, 0)
		}
	}
	return h
}

// up and down keep h a min-heap on Score.
func up(h []Match, i int) {
	for i > 0 {
		p := (i - 1) / 2
		if h[p].Score <= h[i].Score {
			return
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func down(h []Match, i int) {
	for {
		l, small := 2*i+1, i
		if l < len(h) && h[l].Score < h[small].Score {
			small = l
		}
		if r := l + 1; r < len(h) && h[r].Score < h[small].Score {
			small = r
		}
		if small == i {
			return
		}
		h[i], h[small] = h[small], h[i]
		i = small
	}
}

// sortMatches orders matches best first, ties by ID.
func sortMatches(ms []Match) {
	slices.SortFunc(ms, func(a, b Match) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.ID, b.ID))
	})
}

// dotGeneric returns the dot product of two vectors of one length in pure
// Go, summed in eight lanes so that the compiler keeps them in registers:
// dot's fallback where no assembly version runs.
func dotGeneric(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3, s4, s5, s6, s7 float32
	i := 0
	for ; i+8 <= len(a); i += 8 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
		s4 += a[i+4] * b[i+4]
		s5 += a[i+5] * b[i+5]
		s6 += a[i+6] * b[i+6]
		s7 += a[i+7] * b[i+7]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7
}
