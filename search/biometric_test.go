package search

import (
	"context"
	"strings"
	"testing"

	"secunion"
	"secunion/access"
	"secunion/biometric"
	"secunion/synth"
)

// TestBiometricSearch asks the portal with a face template: the records
// holding a capture of the same person answer, another person's do not, a
// record found by name and face too is one hit with both reasons, a
// record deleted since is left out, and a profile without biometrics or a
// bad template is refused before anything is asked.
func TestBiometricSearch(t *testing.T) {
	x, recs := fixture()
	svc := biometric.NewService()
	capture := func(person int, key string) []float32 {
		v, _ := synth.Capture(1, person, biometric.Face, key)
		return v
	}
	for _, tp := range []biometric.Template{
		{ID: "face-s1", System: "SIS", RecordID: "S1", Modality: biometric.Face, Quality: 80, Vector: capture(1, "a")},
		{ID: "face-s2", System: "SIS", RecordID: "S2", Modality: biometric.Face, Quality: 80, Vector: capture(2, "a")},
		{ID: "face-v1", System: "VIS", RecordID: "V1", Modality: biometric.Face, Quality: 80, Vector: capture(1, "b")},
		{ID: "face-gone", System: "SIS", RecordID: "S9", Modality: biometric.Face, Quality: 80, Vector: capture(1, "c")},
	} {
		if err := svc.Put(tp); err != nil {
			t.Fatal(err)
		}
	}
	log := &auditLog{}
	p := &Portal{Clock: clock, Audit: log.append, Sources: map[string]Source{
		"SIS": Local{System: "SIS", Index: x, Templates: svc, Records: recs, Clock: clock},
		"VIS": Local{System: "VIS", Index: x, Templates: svc, Records: recs, Clock: clock},
	}}
	prof := access.Profile{Systems: []string{"SIS", "VIS"}, Fields: []string{access.FieldIdentity, access.FieldBiometrics}}
	actor := secunion.Actor{Login: "anna", Authority: "DE-BPOL"}
	decl := access.Declaration{Purpose: secunion.PurposeBorderCheck}
	ask := func(q Query) map[string]Answer {
		t.Helper()
		ch, err := p.Search(context.Background(), actor, decl, prof, q)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]Answer{}
		for a := range ch {
			out[a.System] = a
		}
		return out
	}
	probe := &Probe{Modality: biometric.Face, Vector: capture(1, "border")}
	got := ask(Query{Biometric: probe})
	if ids(got["SIS"].Hits) != "S1" || ids(got["VIS"].Hits) != "V1" {
		t.Fatalf("face search: SIS %q, VIS %q", ids(got["SIS"].Hits), ids(got["VIS"].Hits))
	}
	if h := got["SIS"].Hits[0]; h.Score < 0.4 || !strings.Contains(h.Why[0], "face template face-s1 scores") {
		t.Errorf("hit: %+v", h)
	}
	if c := log.entries[0].Categories; len(c) != 1 || c[0] != access.FieldBiometrics {
		t.Errorf("audited categories %v", c)
	}
	// Name and face together: one hit per record, both reasons.
	got = ask(Query{Surname: "Shevchenko", GivenNames: "Oleksandr", Biometric: probe})
	h := got["SIS"].Hits[0]
	if h.RecordID != "S1" || len(h.Why) < 2 || !strings.Contains(strings.Join(h.Why, ";"), "face template") {
		t.Errorf("name and face: %+v", got["SIS"].Hits)
	}
	// Without biometrics in the profile, or with a bad template: refused.
	noBio := prof
	noBio.Fields = []string{access.FieldIdentity}
	n := len(log.entries)
	if _, err := p.Search(context.Background(), actor, decl, noBio, Query{Biometric: probe}); secunion.CodeOf(err) != secunion.Forbidden {
		t.Errorf("profile without biometrics: %v", err)
	}
	for name, bad := range map[string]*Probe{
		"short":       {Modality: biometric.Face, Vector: make([]float32, 10)},
		"fingerprint": {Modality: biometric.Fingerprint, Vector: capture(1, "x")},
		"iris":        {Modality: "iris", Vector: capture(1, "x")},
	} {
		if _, err := p.Search(context.Background(), actor, decl, prof, Query{Biometric: bad}); secunion.CodeOf(err) != secunion.Invalid {
			t.Errorf("%s probe: %v", name, err)
		}
	}
	if len(log.entries) != n {
		t.Errorf("refused queries were logged as consultations: %d", len(log.entries)-n)
	}
}
