package biometric

import (
	"math/rand/v2"
	"testing"

	"secunion"
)

// TestService keeps templates apart by system: an identification reaches
// one system's gallery, deleting a record removes its templates at once,
// and a template moved to another record is found only there.
func TestService(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	v1, v2 := randomVector(r, 512), randomVector(r, 512)
	s := NewService()
	for _, tp := range []Template{
		{ID: "f1", System: "VIS", RecordID: "V1", Modality: Face, Quality: 80, Vector: v1},
		{ID: "f2", System: "VIS", RecordID: "V1", Modality: Face, Quality: 80, Vector: v2},
		{ID: "f3", System: "EES", RecordID: "E1", Modality: Face, Quality: 80, Vector: v1},
	} {
		if err := s.Put(tp); err != nil {
			t.Fatal(err)
		}
	}
	probe := Template{Modality: Face, Vector: v1}
	got, err := s.Identify(probe, 10, "VIS")
	if err != nil || len(got) != 1 || got[0].ID != "f1" || got[0].RecordID != "V1" {
		t.Fatalf("VIS: %+v %v", got, err)
	}
	if got, _ := s.Identify(probe, 10, "EES"); len(got) != 1 || got[0].ID != "f3" {
		t.Fatalf("EES: %+v", got)
	}
	if got, err := s.Identify(probe, 10, "SIS"); err != nil || len(got) != 0 {
		t.Fatalf("a system without templates: %+v %v", got, err)
	}
	if got, err := s.Identify(probe, 10); err != nil || len(got) != 2 || got[0].ID != "f1" && got[0].ID != "f3" {
		t.Fatalf("every system: %+v %v", got, err)
	}
	if _, err := s.Identify(Template{Modality: Fingerprint, Vector: v1[:3]}, 10, "SIS"); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("a bad probe passed where no templates are: %v", err)
	}
	if m, err := s.Verify(Template{Modality: Face, Vector: v2}, "f2"); err != nil || m.Score < 0.999 || m.RecordID != "V1" || m.System != "VIS" {
		t.Errorf("verify: %+v %v", m, err)
	}
	if _, err := s.Verify(Template{Modality: Fingerprint, Vector: v2[:256]}, "f2"); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("a fingerprint probe against a face: %v", err)
	}
	if n := s.DeleteRecord("VIS", "V1"); n != 2 || s.Len("VIS", Face) != 0 {
		t.Fatalf("record delete removed %d, %d left", n, s.Len("VIS", Face))
	}
	if _, err := s.Verify(probe, "f1"); secunion.CodeOf(err) != secunion.NotFound {
		t.Errorf("a deleted template verified: %v", err)
	}
	// f3 moves to a SIS record: EES no longer holds it.
	if err := s.Put(Template{ID: "f3", System: "SIS", RecordID: "S1", Modality: Face, Quality: 80, Vector: v1}); err != nil {
		t.Fatal(err)
	}
	if s.Len("EES", Face) != 0 || s.Len("SIS", Face) != 1 {
		t.Errorf("moved template: EES %d, SIS %d", s.Len("EES", Face), s.Len("SIS", Face))
	}
	if s.DeleteRecord("EES", "E1") != 0 || !s.Delete("f3") || s.Delete("f3") {
		t.Error("deletes after the move")
	}
}
