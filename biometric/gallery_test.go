package biometric

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"secunion"
)

func newGallery(t testing.TB, switchAt, waiting int) *Gallery {
	g, err := NewGallery(Face)
	if err != nil {
		t.Fatal(err)
	}
	g.switchAt, g.maxWaiting = switchAt, waiting
	return g
}

// noisy returns another capture of t's person: t's vector with noise.
func noisy(r *rand.Rand, t Template) Template {
	v := slices.Clone(t.Vector)
	for i, x := range randomVector(r, len(v)) {
		v[i] += x * float32(math.Sqrt(0.4/512))
	}
	return face("", v)
}

// TestGallerySmallIsExact checks that a gallery below the switch answers
// exactly as Exact does, scores and order included, and that deletions
// and replacements apply at once.
func TestGallerySmallIsExact(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	ts := people(r, 2000)
	g := newGallery(t, GallerySwitch, maxWaiting)
	for _, tp := range ts {
		if err := g.Put(tp); err != nil {
			t.Fatal(err)
		}
	}
	x := exactOf(t, ts)
	check := func(when string) {
		t.Helper()
		if g.Len() != x.Len() {
			t.Fatalf("%s: Len = %d, exact %d", when, g.Len(), x.Len())
		}
		for i := 0; i < len(ts); i += 40 {
			p := noisy(r, ts[i])
			for _, floor := range []float32{-1, Threshold(Face)} {
				got, err := g.Identify(p, 10, floor)
				want, _ := x.Identify(p, 10, floor)
				if err != nil || !slices.Equal(got, want) {
					t.Fatalf("%s: probe near %s, floor %v: %v, %v; exact %v", when, ts[i].ID, floor, got, err, want)
				}
			}
			got, err := g.Verify(p, ts[i].ID)
			want, wantErr := x.Verify(p, ts[i].ID)
			if got != want || secunion.CodeOf(err) != secunion.CodeOf(wantErr) {
				t.Fatalf("%s: Verify %s = %v, %v; exact %v, %v", when, ts[i].ID, got, err, want, wantErr)
			}
		}
	}
	check("put")
	for i := 0; i < len(ts); i += 80 {
		g.Delete(ts[i].ID)
		x.Delete(ts[i].ID)
		repl := face(ts[i+1].ID, randomVector(r, 512))
		g.Put(repl)
		x.Put(repl)
	}
	check("after deletes and replacements")
	if g.Approximate() {
		t.Error("a gallery of 2,000 searches a graph")
	}
}

// TestGallerySwitches puts templates one at a time past the switch: the
// gallery starts a graph at the switch, every template is found as
// itself at once (linked or not), deletions apply at once, and once all
// are linked the answers above the threshold are the exact ones.
func TestGallerySwitches(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	ts := people(r, 3000)
	g := newGallery(t, 1000, 200)
	deleted := map[string]bool{}
	switched := false
	for i, tp := range ts {
		if err := g.Put(tp); err != nil {
			t.Fatal(err)
		}
		switched = switched || g.Len() >= 1000
		if g.Approximate() != switched {
			t.Fatalf("holding %d templates, Approximate() = %v", g.Len(), g.Approximate())
		}
		if got, _ := g.Identify(tp, 1, 0.99); len(got) != 1 || got[0].ID != tp.ID {
			t.Fatalf("%s just put: found %v", tp.ID, got)
		}
		if i%10 == 5 { // delete one put a little earlier: waiting, moving or linked
			id := ts[i-5].ID
			if !g.Delete(id) {
				t.Fatalf("delete of %s reported nothing", id)
			}
			deleted[id] = true
			if got, _ := g.Identify(ts[i-5], 5, 0.5); slices.Contains(ids(got), id) {
				t.Fatalf("%s found right after its deletion", id)
			}
		}
		if g.Len() != i+1-len(deleted) {
			t.Fatalf("after %d puts and %d deletes Len = %d", i+1, len(deleted), g.Len())
		}
	}
	g.Settle()
	if n := g.waiting.Len(); n != 0 {
		t.Errorf("%d templates still waiting after linking ended", n)
	}
	x, _ := NewExact(Face)
	for _, tp := range ts {
		if !deleted[tp.ID] {
			x.Put(tp)
		}
	}
	for i := 0; i < len(ts); i += 30 {
		p := noisy(r, ts[i])
		got, err := g.Identify(p, 10, Threshold(Face))
		want, _ := x.Identify(p, 10, Threshold(Face))
		if err != nil || !slices.Equal(ids(got), ids(want)) {
			t.Fatalf("probe near %s: %v, %v; exact %v", ts[i].ID, ids(got), err, ids(want))
		}
		if s, err := g.Verify(p, ts[i].ID); deleted[ts[i].ID] != (secunion.CodeOf(err) == secunion.NotFound) || err == nil && s < 0.5 {
			t.Fatalf("Verify %s (deleted %v): %v, %v", ts[i].ID, deleted[ts[i].ID], s, err)
		}
	}
}

// TestGalleryConcurrent crosses the switch with two writers and two
// searchers (run with -race), then checks the gallery holds exactly what
// was put and not deleted.
func TestGalleryConcurrent(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	ts := people(r, 1000)
	g := newGallery(t, 300, 64)
	deleted := map[string]bool{}
	var wg sync.WaitGroup
	for w := range 2 {
		// Writer w puts the templates of its parity and deletes every
		// third one it put four places before.
		for i := w + 6; i < len(ts); i += 6 {
			deleted[ts[i-4].ID] = true
		}
		wg.Go(func() {
			for i := w; i < len(ts); i += 2 {
				if err := g.Put(ts[i]); err != nil {
					t.Error(err)
				}
				if i%6 == w && i >= 6 && !g.Delete(ts[i-4].ID) {
					t.Errorf("delete of %s reported nothing", ts[i-4].ID)
				}
			}
		})
		wg.Go(func() {
			for i := w; i < len(ts); i += 7 {
				if _, err := g.Identify(ts[i], 5, -1); err != nil {
					t.Error(err)
				}
				g.Verify(ts[i], ts[i].ID)
				g.Len()
			}
		})
	}
	wg.Wait()
	if !g.Approximate() {
		t.Fatal("1,000 templates and no graph")
	}
	if g.Len() != len(ts)-len(deleted) {
		t.Errorf("Len = %d, want %d", g.Len(), len(ts)-len(deleted))
	}
	g.Settle()
	for _, tp := range ts {
		got, err := g.Identify(tp, 1, 0.99)
		if err != nil {
			t.Fatal(err)
		}
		if found := len(got) == 1 && got[0].ID == tp.ID; found == deleted[tp.ID] {
			t.Errorf("%s: found %v, deleted %v", tp.ID, found, deleted[tp.ID])
		}
	}
}

// TestGalleryRefuses checks that bad templates and probes are refused
// with Exact's errors in both modes and change nothing.
func TestGalleryRefuses(t *testing.T) {
	r := rand.New(rand.NewPCG(27, 28))
	if _, err := NewGallery("iris"); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("an iris gallery: %v", err)
	}
	for _, switchAt := range []int{GallerySwitch, 50} {
		g := newGallery(t, switchAt, 64)
		for _, tp := range people(r, 100) {
			if err := g.Put(tp); err != nil {
				t.Fatal(err)
			}
		}
		x, _ := NewExact(Face)
		nan, short := face("N1", randomVector(r, 512)), face("S1", randomVector(r, 64))
		nan.Vector[9] = float32(math.Inf(1))
		fp := Template{ID: "F1", System: "Eurodac", RecordID: "E1", Modality: Fingerprint, Vector: randomVector(r, 256)}
		for _, bad := range []Template{nan, short, fp} {
			err, want := g.Put(bad), x.Put(bad)
			if secunion.CodeOf(err) != secunion.Invalid || err.Error() != want.Error() {
				t.Errorf("switch %d, put %s: %v, want %v", switchAt, bad.ID, err, want)
			}
			_, err = g.Identify(bad, 10, 0)
			_, want = x.Identify(bad, 10, 0)
			if secunion.CodeOf(err) != secunion.Invalid || err.Error() != want.Error() {
				t.Errorf("switch %d, probe %s: %v, want %v", switchAt, bad.ID, err, want)
			}
		}
		if _, err := g.Identify(face("", randomVector(r, 512)), MaxK+1, 0); secunion.CodeOf(err) != secunion.Invalid {
			t.Errorf("switch %d, top-%d: %v", switchAt, MaxK+1, err)
		}
		if g.Len() != 100 {
			t.Errorf("switch %d: refused templates changed Len to %d", switchAt, g.Len())
		}
		if _, err := g.Verify(face("", randomVector(r, 512)), fmt.Sprint("nobody")); secunion.CodeOf(err) != secunion.NotFound {
			t.Errorf("switch %d: Verify of an unknown ID: %v", switchAt, err)
		}
		if err := g.SetEfSearch(maxEf + 1); secunion.CodeOf(err) != secunion.Invalid {
			t.Errorf("switch %d: efSearch %d: %v", switchAt, maxEf+1, err)
		}
	}
}

// TestGalleryEfSearch checks that an efSearch set before the switch
// reaches the graph, and that 0 lets it grow again.
func TestGalleryEfSearch(t *testing.T) {
	r := rand.New(rand.NewPCG(29, 30))
	g := newGallery(t, 50, 64)
	if err := g.SetEfSearch(16); err != nil {
		t.Fatal(err)
	}
	for _, tp := range people(r, 60) {
		if err := g.Put(tp); err != nil {
			t.Fatal(err)
		}
	}
	if ef := g.graph.efSearch.Load(); ef != 16 {
		t.Errorf("the graph's efSearch is %d, want 16", ef)
	}
	if err := g.SetEfSearch(0); err != nil || g.graph.efSearch.Load() != 0 {
		t.Errorf("efSearch 0: %v, the graph's is %d", err, g.graph.efSearch.Load())
	}
}
