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

func randomVector(r *rand.Rand, dims int) []float32 {
	v := make([]float32, dims)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

// unit returns v scaled to unit length.
func unit(v []float32) []float32 {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = x / float32(math.Sqrt(sum))
	}
	return out
}

func face(id string, v []float32) Template {
	return Template{ID: id, System: "VIS", RecordID: "R-" + id, Modality: Face, Quality: 80, Vector: v}
}

func TestValidate(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	good := func() Template { return face("T1", randomVector(r, 512)) }
	nan, inf, zero := good(), good(), good()
	nan.Vector[7] = float32(math.NaN())
	inf.Vector[0] = float32(math.Inf(-1))
	zero.Vector = make([]float32, 512)
	short, wrong, quality, noRecord := good(), good(), good(), good()
	short.Vector = short.Vector[:128]
	wrong.Modality = "iris"
	quality.Quality = 101
	noRecord.RecordID = ""
	for _, tc := range []struct {
		name string
		t    Template
		want string
	}{
		{"NaN", nan, "value 7 is NaN"},
		{"infinite", inf, "value 0 is -Inf"},
		{"all zero", zero, "all-zero"},
		{"wrong length", short, "a face template has 512 values, not 128"},
		{"unknown modality", wrong, `unknown modality "iris"`},
		{"quality", quality, "quality 101"},
		{"no record", noRecord, "give the system and record"},
	} {
		err := tc.t.Validate()
		if secunion.CodeOf(err) != secunion.Invalid || !strings.Contains(secunion.MessageOf(err), tc.want) {
			t.Errorf("%s: got %v, want an Invalid error saying %q", tc.name, err, tc.want)
		}
	}
	ok := good()
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	if n := dot(ok.Vector, ok.Vector); math.Abs(float64(n)-1) > 1e-5 {
		t.Errorf("a validated vector has squared length %v, want 1", n)
	}
}

func TestRefuseImage(t *testing.T) {
	for name, b := range map[string][]byte{
		"JPEG": {0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10},
		"PNG":  []byte("\x89PNG\r\n\x1a\n"),
		"WSQ":  {0xFF, 0xA0, 0xFF, 0xA8},
	} {
		if err := RefuseImage(b); secunion.CodeOf(err) != secunion.Invalid || !strings.Contains(secunion.MessageOf(err), "templates only") {
			t.Errorf("%s: got %v", name, err)
		}
	}
	if err := RefuseImage([]byte(`{"id":"T1","vector":[0.1]}`)); err != nil {
		t.Errorf("a JSON template refused as an image: %v", err)
	}
}

// TestExactIdentify checks 1:N answers against a plain sort of every
// score, the threshold, replacement and deletion, over enough templates
// that the scan is split across goroutines.
func TestExactIdentify(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	x, err := NewExact(Face)
	if err != nil {
		t.Fatal(err)
	}
	const n = 20_000
	stored := map[string][]float32{}
	for i := range n {
		tp := face(fmt.Sprint("T", i), randomVector(r, 512))
		if err := x.Put(tp); err != nil {
			t.Fatal(err)
		}
		stored[tp.ID] = unit(tp.Vector)
	}
	// A second capture of T77: its vector with noise, cosine about 0.7.
	probe := face("", slices.Clone(stored["T77"]))
	noise := randomVector(r, 512)
	for i := range probe.Vector {
		probe.Vector[i] += noise[i] / float32(math.Sqrt(512))
	}
	got, err := x.Identify(probe, 10, -1)
	if err != nil {
		t.Fatal(err)
	}
	check := face("check", slices.Clone(probe.Vector))
	if err := check.Validate(); err != nil {
		t.Fatal(err)
	}
	var want []Match
	for id, v := range stored {
		want = append(want, Match{ID: id, Score: dot(check.Vector, v)})
	}
	sortMatches(want)
	if len(got) != 10 || got[0].ID != "T77" || got[0].RecordID != "R-T77" || got[0].Score < 0.6 || got[0].Score > 0.8 {
		t.Fatalf("top match %+v, want T77 scoring 0.6–0.8", got)
	}
	for i := range got {
		if got[i].ID != want[i].ID {
			t.Fatalf("match %d is %s, exact order has %s", i, got[i].ID, want[i].ID)
		}
	}
	if above, _ := x.Identify(probe, 10, Threshold(Face)); len(above) != 1 || above[0].ID != "T77" {
		t.Errorf("above the face threshold: %+v, want T77 alone", above)
	}
	if s, err := x.Verify(probe, "T77"); err != nil || s != got[0].Score {
		t.Errorf("Verify = %v, %v; want %v", s, err, got[0].Score)
	}
	if !x.Delete("T77") || x.Delete("T77") {
		t.Fatal("delete of T77 not reported once")
	}
	if after, _ := x.Identify(probe, 10, Threshold(Face)); len(after) != 0 {
		t.Errorf("a deleted template still found: %+v", after)
	}
	if _, err := x.Verify(probe, "T77"); secunion.CodeOf(err) != secunion.NotFound {
		t.Errorf("Verify of a deleted template: %v", err)
	}
	// The template moved into T77's place is still found, under its own ID.
	last := fmt.Sprint("T", n-1)
	if m, _ := x.Identify(face("", slices.Clone(stored[last])), 1, 0.99); len(m) != 1 || m[0].ID != last {
		t.Errorf("the last template after a delete: %+v", m)
	}
	if x.Len() != n-1 {
		t.Errorf("Len = %d, want %d", x.Len(), n-1)
	}
}

func TestExactRefuses(t *testing.T) {
	x, _ := NewExact(Face)
	r := rand.New(rand.NewPCG(5, 6))
	fp := Template{ID: "F1", System: "Eurodac", RecordID: "E1", Modality: Fingerprint, Vector: randomVector(r, 256)}
	if err := x.Put(fp); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("a fingerprint in a face index: %v", err)
	}
	if _, err := x.Identify(face("", randomVector(r, 512)), 0, 0); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("top-0: %v", err)
	}
	if _, err := NewExact("iris"); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("an iris index: %v", err)
	}
	if x.Len() != 0 {
		t.Errorf("refused templates were stored: %d", x.Len())
	}
}

// TestExactConcurrent runs identifications while templates are added and
// deleted (run with -race).
func TestExactConcurrent(t *testing.T) {
	x, _ := NewExact(Face)
	r := rand.New(rand.NewPCG(7, 8))
	var vs [][]float32
	for range 200 {
		vs = append(vs, randomVector(r, 512))
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i, v := range vs {
			if err := x.Put(face(fmt.Sprint("T", i), slices.Clone(v))); err != nil {
				t.Error(err)
			}
			if i%3 == 0 {
				x.Delete(fmt.Sprint("T", i/2))
			}
		}
	}()
	go func() {
		defer wg.Done()
		for _, v := range vs {
			if _, err := x.Identify(face("", slices.Clone(v)), 5, -1); err != nil {
				t.Error(err)
			}
		}
	}()
	wg.Wait()
	// Afterwards the index holds exactly the templates put and not
	// deleted, each found as itself.
	deleted := map[int]bool{}
	for i := range vs {
		if i%3 == 0 {
			deleted[i/2] = true
		}
	}
	if x.Len() != len(vs)-len(deleted) {
		t.Fatalf("Len = %d, want %d", x.Len(), len(vs)-len(deleted))
	}
	for i, v := range vs {
		m, err := x.Identify(face("", slices.Clone(v)), 1, 0.99)
		if err != nil {
			t.Fatal(err)
		}
		if found := len(m) == 1 && m[0].ID == fmt.Sprint("T", i); found == deleted[i] {
			t.Errorf("T%d: found %v, deleted %v (%+v)", i, found, deleted[i], m)
		}
	}
}

// BenchmarkExactIdentify measures one 1:N top-10 search over 100,000 face
// templates, the scan split over all cores.
func BenchmarkExactIdentify(b *testing.B) {
	r := rand.New(rand.NewPCG(9, 10))
	x, _ := NewExact(Face)
	for i := range 100_000 {
		if err := x.Put(face(fmt.Sprint("T", i), randomVector(r, 512))); err != nil {
			b.Fatal(err)
		}
	}
	probe := face("", randomVector(r, 512))
	b.ResetTimer()
	for b.Loop() {
		if _, err := x.Identify(probe, 10, -1); err != nil {
			b.Fatal(err)
		}
	}
}
