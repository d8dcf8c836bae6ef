package synth

import (
	"math"
	"slices"
	"testing"

	"secunion/biometric"
	"secunion/identity"
)

func cosine(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

// meanSD returns the mean and standard deviation of xs.
func meanSD(xs []float64) (float64, float64) {
	var sum, sq float64
	for _, x := range xs {
		sum += x
	}
	mean := sum / float64(len(xs))
	for _, x := range xs {
		sq += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(sq / float64(len(xs)))
}

// TestCaptureScores checks the calibration the model documents: two
// captures of one person score 0.6–0.8 on average, well clear of two
// persons, who score about 0 ± 0.1; the same arguments give the same
// vector, at unit length, of the modality's length.
func TestCaptureScores(t *testing.T) {
	for _, m := range []biometric.Modality{biometric.Face, biometric.Fingerprint} {
		var genuine, impostor []float64
		for i := range 400 {
			a, qa := Capture(7, i, m, "capture-a")
			b, _ := Capture(7, i, m, "capture-b")
			other, _ := Capture(7, i+1000, m, "capture-a")
			if len(a) != biometric.Dims(m) || math.Abs(cosine(a, a)-1) > 1e-5 {
				t.Fatalf("%s: %d values, length² %f", m, len(a), cosine(a, a))
			}
			if qa < 30 || qa > 90 {
				t.Fatalf("%s: quality %d outside 30–90", m, qa)
			}
			genuine = append(genuine, cosine(a, b))
			impostor = append(impostor, cosine(a, other))
		}
		gm, gsd := meanSD(genuine)
		im, isd := meanSD(impostor)
		t.Logf("%s: genuine %.3f ± %.3f (least %.3f), impostor %.3f ± %.3f (most %.3f)", m, gm, gsd, slices.Min(genuine), im, isd, slices.Max(impostor))
		if gm < 0.6 || gm > 0.8 || slices.Min(genuine) < 0.45 {
			t.Errorf("%s: genuine pairs score %.3f on average, least %.3f; want 0.6–0.8", m, gm, slices.Min(genuine))
		}
		if math.Abs(im) > 0.02 || isd > 0.1 || slices.Max(impostor) >= float64(biometric.Threshold(m)) {
			t.Errorf("%s: impostor pairs score %.3f ± %.3f, most %.3f; want about 0 ± 0.1, below the threshold", m, im, isd, slices.Max(impostor))
		}
	}
	a, _ := Capture(7, 3, biometric.Face, "x")
	b, _ := Capture(7, 3, biometric.Face, "x")
	c, _ := Capture(8, 3, biometric.Face, "x")
	if !slices.Equal(a, b) || slices.Equal(a, c) {
		t.Error("Capture is not a function of its arguments")
	}
}

// TestSynthTemplates checks the templates behind generated records: each
// is valid, of the record, and a person's captures match one another
// across records, a second identity's included, while different persons'
// do not.
func TestSynthTemplates(t *testing.T) {
	o := Options{Persons: 3000, Seed: 5, Now: testNow}
	byPersonFace := map[string][][]float32{}
	seconds := 0
	for _, g := range byPerson(generate(t, o)) {
		for _, m := range g {
			tpls, err := Templates(o, m.rec, m.truth)
			if err != nil {
				t.Fatal(err)
			}
			if len(tpls) != len(m.rec.Biometrics) {
				t.Fatalf("%s: %d templates for %d references", m.rec.ID, len(tpls), len(m.rec.Biometrics))
			}
			for _, tp := range tpls {
				if err := tp.Validate(); err != nil {
					t.Fatal(err)
				}
				if tp.RecordID != m.rec.ID || tp.System != m.rec.System {
					t.Fatalf("template %s names record %s/%s, not %s/%s", tp.ID, tp.System, tp.RecordID, m.rec.System, m.rec.ID)
				}
				if tp.Modality != biometric.Face {
					continue
				}
				for _, prev := range byPersonFace[m.truth.Person] {
					if s := cosine(prev, tp.Vector); s < float64(biometric.Threshold(biometric.Face)) {
						t.Errorf("%s: two captures score %.3f, below the threshold", m.truth.Person, s)
					}
				}
				if has(m, NoiseSecondIdentity) && len(byPersonFace[m.truth.Person]) > 0 {
					seconds++
				}
				byPersonFace[m.truth.Person] = append(byPersonFace[m.truth.Person], tp.Vector)
			}
		}
	}
	if len(byPersonFace) < 1000 || seconds == 0 {
		t.Fatalf("%d persons with faces, %d second identities with a face to match", len(byPersonFace), seconds)
	}
	var firsts [][]float32
	for _, fs := range byPersonFace {
		firsts = append(firsts, fs[0])
	}
	for i := 1; i < len(firsts); i++ {
		if s := cosine(firsts[i-1], firsts[i]); s >= float64(biometric.Threshold(biometric.Face)) {
			t.Errorf("two persons' faces score %.3f, at or above the threshold", s)
		}
	}
	rec := identity.Record{System: "VIS", ID: "V1", Biometrics: []string{"face-1"}}
	if _, err := Templates(o, rec, Truth{Person: "nobody"}); err == nil {
		t.Error("a record of no synthetic person gave templates")
	}
	rec.Biometrics = []string{"iris-1"}
	if _, err := Templates(o, rec, Truth{Person: "P0000001"}); err == nil {
		t.Error("a reference synth does not make gave a template")
	}
}
