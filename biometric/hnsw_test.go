package biometric

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"secunion"
)

// TestDot compares dot (AVX2 where the CPU has it) with the pure-Go loop
// and with a float64 sum, over lengths around the assembly's steps of 32
// and 8 and slices that start off alignment.
func TestDot(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	lengths := []int{255, 256, 257, 511, 512, 513, 1000}
	for n := range 70 {
		lengths = append(lengths, n)
	}
	for _, n := range lengths {
		for _, off := range []int{0, 1, 3} {
			a := randomVector(r, n+off)[off:]
			b := randomVector(r, n+off+5)[off:] // longer than a: only len(a) counts
			var want float64
			for i := range a {
				want += float64(a[i]) * float64(b[i])
			}
			tol := 1e-5 * (1 + math.Sqrt(float64(n)))
			if got := dot(a, b); math.Abs(float64(got)-want) > tol {
				t.Errorf("dot, length %d offset %d: %v, want %v", n, off, got, want)
			}
			if got := dotGeneric(a, b); math.Abs(float64(got)-want) > tol {
				t.Errorf("dotGeneric, length %d offset %d: %v, want %v", n, off, got, want)
			}
			prefetch(a) // must not fault, at any length
		}
	}
}

// people returns n templates of persons with two captures each (T<i>a,
// T<i>b): a latent vector per person plus noise, cosine about 0.7, as
// genuine pairs score; persons are random to each other.
func people(r *rand.Rand, n int) []Template {
	var out []Template
	for i := 0; len(out) < n; i++ {
		latent := unit(randomVector(r, 512))
		for _, c := range []string{"a", "b"} {
			v := slices.Clone(latent)
			noise := randomVector(r, 512)
			for j := range v {
				v[j] += noise[j] * float32(math.Sqrt(0.4/512))
			}
			out = append(out, face(fmt.Sprint("T", i, c), v))
		}
	}
	return out[:n]
}

func newHNSW(t testing.TB) *HNSW {
	h, err := NewHNSW(Face, HNSWParams{})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestHNSWIdentify checks that the graph finds each template's mate above
// the threshold as the exact index does, that a deletion is never
// returned, even with the deleted vector itself as the probe, and that a
// replaced ID answers with its new vector.
func TestHNSWIdentify(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	ts := people(r, 3000)
	h, x := newHNSW(t), exactOf(t, ts)
	var progress []int
	if err := h.PutMany(ts, func(done, total int) {
		if total != len(ts) {
			t.Errorf("progress total %d, want %d", total, len(ts))
		}
		progress = append(progress, done)
	}); err != nil {
		t.Fatal(err)
	}
	if len(progress) < 10 || progress[len(progress)-1] != len(ts) || !slices.IsSorted(progress) {
		t.Errorf("progress reports %v: want about every percent, ending at %d", progress, len(ts))
	}
	if h.Len() != len(ts) {
		t.Fatalf("Len = %d, want %d", h.Len(), len(ts))
	}
	for i := 0; i < len(ts); i += 7 {
		want, _ := x.Identify(ts[i], 10, Threshold(Face))
		got, err := h.Identify(ts[i], 10, Threshold(Face))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(got), ids(want)) {
			t.Fatalf("%s: graph found %v, exact %v", ts[i].ID, ids(got), ids(want))
		}
		if got[0].ID != ts[i].ID || got[0].RecordID != ts[i].RecordID || got[0].System != "VIS" || got[0].Score < 0.9999 {
			t.Fatalf("%s: best match %+v, want itself", ts[i].ID, got[0])
		}
	}

	// Delete a third of the templates, the entry point's among them.
	ep, _ := h.g.entryPoint()
	epID, _, _ := unpackMeta(h.g.meta[ep])
	deleted := map[string]bool{epID: true}
	for i := 0; i < len(ts); i += 3 {
		deleted[ts[i].ID] = true
	}
	for id := range deleted {
		if !h.Delete(id) || h.Delete(id) {
			t.Fatalf("delete of %s not reported once", id)
		}
	}
	if h.Len() != len(ts)-len(deleted) {
		t.Errorf("Len after deletes = %d, want %d", h.Len(), len(ts)-len(deleted))
	}
	for _, tp := range ts {
		got, err := h.Identify(tp, 50, -1)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range got {
			if deleted[m.ID] {
				t.Fatalf("probe %s: deleted %s returned", tp.ID, m.ID)
			}
		}
		if !deleted[tp.ID] && got[0].ID != tp.ID {
			t.Fatalf("probe %s: best match %s after deletes", tp.ID, got[0].ID)
		}
		if _, err := h.Verify(tp, tp.ID); deleted[tp.ID] != (secunion.CodeOf(err) == secunion.NotFound) {
			t.Fatalf("Verify %s (deleted %v): %v", tp.ID, deleted[tp.ID], err)
		}
	}

	// Replace a template: its ID answers with the new vector only.
	old := ts[1]
	repl := face(old.ID, randomVector(r, 512))
	repl.RecordID = "R-new"
	if err := h.Put(repl); err != nil {
		t.Fatal(err)
	}
	if got, _ := h.Identify(repl, 1, 0.99); len(got) != 1 || got[0].ID != old.ID || got[0].RecordID != "R-new" {
		t.Errorf("the new vector finds %+v, want %s of R-new", got, old.ID)
	}
	if got, _ := h.Identify(old, 5, 0.99); len(got) != 0 {
		t.Errorf("the old vector still finds %+v", got)
	}
	if s, err := h.Verify(old, old.ID); err != nil || s > 0.3 {
		t.Errorf("Verify of the old vector against the replaced ID: %v, %v", s, err)
	}
	if h.Len() != len(ts)-len(deleted) {
		t.Errorf("Len after a replacement = %d, want %d", h.Len(), len(ts)-len(deleted))
	}
}

func exactOf(t testing.TB, ts []Template) *Exact {
	x, _ := NewExact(Face)
	for _, tp := range ts {
		if err := x.Put(tp); err != nil {
			t.Fatal(err)
		}
	}
	return x
}

func ids(ms []Match) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

// TestHNSWRefuses checks that bad templates and probes are refused as
// Exact refuses them, with the same messages, and change nothing: a
// batch with one bad template stores none.
func TestHNSWRefuses(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	h, x := newHNSW(t), exactOf(t, nil)
	good := face("G1", randomVector(r, 512))
	orig := slices.Clone(good.Vector)
	nan, short, fp, noID := face("N1", randomVector(r, 512)), face("S1", randomVector(r, 100)), good, good
	nan.Vector[3] = float32(math.NaN())
	fp.ID, fp.Modality, fp.Vector = "F1", Fingerprint, randomVector(r, 256)
	noID.ID = ""
	for _, bad := range []Template{nan, short, fp, noID} {
		err := h.PutMany([]Template{good, bad}, nil)
		want := x.Put(bad)
		if secunion.CodeOf(err) != secunion.Invalid || err.Error() != want.Error() {
			t.Errorf("%q: got %v, want Exact's %v", bad.ID, err, want)
		}
	}
	probe := face("", randomVector(r, 512))
	for _, k := range []int{0, -1, MaxK + 1} {
		if _, err := h.Identify(probe, k, 0); secunion.CodeOf(err) != secunion.Invalid || !strings.Contains(err.Error(), "top-k") {
			t.Errorf("k = %d: %v", k, err)
		}
	}
	for _, p := range []Template{nan, short, fp} {
		_, err := h.Identify(p, 10, 0)
		_, want := x.Identify(p, 10, 0)
		if secunion.CodeOf(err) != secunion.Invalid || err.Error() != want.Error() {
			t.Errorf("probe %q: got %v, want Exact's %v", p.ID, err, want)
		}
		if _, err := h.Verify(p, "G1"); secunion.CodeOf(err) != secunion.Invalid {
			t.Errorf("Verify with probe %q: %v", p.ID, err)
		}
	}
	if h.Len() != 0 {
		t.Errorf("refused batches stored %d templates", h.Len())
	}
	if _, err := h.Verify(good, "G1"); secunion.CodeOf(err) != secunion.NotFound {
		t.Errorf("the good template of a refused batch: %v", err)
	}
	if got, err := h.Identify(good, 10, -1); err != nil || len(got) != 0 {
		t.Errorf("an empty graph answers %v, %v", got, err)
	}
	if !slices.Equal(good.Vector, orig) {
		t.Error("the caller's vector was changed")
	}
	for _, p := range []HNSWParams{{M: 1}, {M: 200}, {M: 16, EfConstruction: 8}, {EfSearch: maxEf + 1}} {
		if _, err := NewHNSW(Face, p); secunion.CodeOf(err) != secunion.Invalid {
			t.Errorf("params %+v: %v", p, err)
		}
	}
	if _, err := NewHNSW("iris", HNSWParams{}); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("an iris graph: %v", err)
	}
	if err := h.SetEfSearch(-1); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("efSearch -1: %v", err)
	}
}

// TestHNSWConcurrent puts, replaces and deletes templates from two
// goroutines while two others search (run with -race), then checks that
// the graph holds exactly what was put and not deleted.
func TestHNSWConcurrent(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	ts := people(r, 1200)
	h := newHNSW(t)
	if err := h.PutMany(ts[:400], nil); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() { // batches
		for i := 400; i < 800; i += 100 {
			if err := h.PutMany(ts[i:i+100], nil); err != nil {
				t.Error(err)
			}
		}
	})
	wg.Go(func() { // one at a time, deleting every third template put before
		for i := 800; i < len(ts); i++ {
			if err := h.Put(ts[i]); err != nil {
				t.Error(err)
			}
			if i%3 == 0 {
				h.Delete(ts[i-800].ID)
			}
		}
	})
	for range 2 {
		wg.Go(func() {
			for i := 0; i < len(ts); i += 5 {
				if _, err := h.Identify(ts[i], 5, -1); err != nil {
					t.Error(err)
				}
				h.Verify(ts[i], ts[i].ID)
				h.Len()
			}
		})
	}
	wg.Wait()
	deleted := map[string]bool{}
	for i := 800; i < len(ts); i++ {
		if i%3 == 0 {
			deleted[ts[i-800].ID] = true
		}
	}
	if h.Len() != len(ts)-len(deleted) {
		t.Fatalf("Len = %d, want %d", h.Len(), len(ts)-len(deleted))
	}
	for _, tp := range ts {
		got, err := h.Identify(tp, 1, 0.99)
		if err != nil {
			t.Fatal(err)
		}
		if found := len(got) == 1 && got[0].ID == tp.ID; found == deleted[tp.ID] {
			t.Errorf("%s: found %v, deleted %v", tp.ID, found, deleted[tp.ID])
		}
	}
}

// TestHNSWCompaction deletes more than a quarter of the templates, which
// rebuilds the graph in the background, and keeps writing meanwhile: the
// rebuilt graph holds no deleted node and every write made.
func TestHNSWCompaction(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	ts := people(r, 2400)
	h := newHNSW(t)
	if err := h.PutMany(ts[:2000], nil); err != nil {
		t.Fatal(err)
	}
	deleted := map[string]bool{}
	for i := 0; len(deleted)*4 <= 2000; i += 2 {
		deleted[ts[i].ID] = true
		h.Delete(ts[i].ID)
	}
	h.mu.RLock()
	done := h.compacting
	h.mu.RUnlock()
	if done == nil {
		t.Fatalf("%d of 2,000 deleted and no compaction started", len(deleted))
	}
	// Writes while the compaction runs go to both graphs.
	if err := h.PutMany(ts[2000:], nil); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < 100; i += 2 {
		deleted[ts[i].ID] = true
		h.Delete(ts[i].ID)
	}
	moved := face(ts[101].ID, randomVector(r, 512))
	if err := h.Put(moved); err != nil {
		t.Fatal(err)
	}
	<-done
	h.mu.RLock()
	dead, n := h.g.dead, h.g.n()
	h.mu.RUnlock()
	if float64(dead) > compactShare*float64(n) {
		t.Errorf("after compaction %d of %d nodes are dead", dead, n)
	}
	if h.Len() != len(ts)-len(deleted) {
		t.Errorf("Len = %d, want %d", h.Len(), len(ts)-len(deleted))
	}
	for _, tp := range ts {
		if tp.ID == moved.ID {
			tp = moved
		}
		got, _ := h.Identify(tp, 1, 0.99)
		if found := len(got) == 1 && got[0].ID == tp.ID; found == deleted[tp.ID] {
			t.Errorf("%s: found %v, deleted %v", tp.ID, found, deleted[tp.ID])
		}
	}
}

// TestMeta checks the packing of a template's reference.
func TestMeta(t *testing.T) {
	long := strings.Repeat("x", 300)
	for _, tc := range [][3]string{{"T1", "VIS", "R1"}, {"face-1", long, ""}, {long[:100], "EES", long}} {
		id, sys, rec := unpackMeta(packMeta(Template{ID: tc[0], System: tc[1], RecordID: tc[2]}))
		if id != tc[0] || sys != tc[1] || rec != tc[2] {
			t.Errorf("%q → %q %q %q", tc, id, sys, rec)
		}
	}
}
