package store_test

import (
	"context"
	"math"
	"testing"

	"secunion"
	"secunion/access"
	"secunion/audit"
	"secunion/biometric"
	"secunion/identity"
	"secunion/store"
)

func faceTemplate(id, record string, x float32) biometric.Template {
	v := make([]float32, biometric.Dims(biometric.Face))
	v[0], v[1] = 3, x
	return biometric.Template{ID: id, System: access.VIS, RecordID: record, Modality: biometric.Face, Quality: 70, Vector: v}
}

// TestTemplates stores templates of a record on both engines: only for a
// record that lists them, at unit length, bad ones refused with nothing
// written, dropped when the record stops listing them, and erased with
// their record, the erasure audited.
func TestTemplates(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		db := e.open(t, store.Options{})
		seed(t, db)
		rec := visRecord("V1")
		rec.Biometrics = []string{"face-1", "face-2"}
		if _, _, err := db.ImportBatch(ctx, []identity.Record{rec}); err != nil {
			t.Fatal(err)
		}
		decl := access.Declaration{Purpose: secunion.PurposeAdministration}
		if created, err := db.PutTemplate(ctx, admin, decl, access.Profile{}, faceTemplate("face-1", "V1", 4)); err != nil || !created {
			t.Fatalf("put: %v %v", created, err)
		}
		got, err := db.Template(ctx, "face-1")
		if err != nil || got.RecordID != "V1" || got.Quality != 70 || math.Abs(float64(got.Vector[0])-0.6) > 1e-6 || math.Abs(float64(got.Vector[1])-0.8) > 1e-6 {
			t.Fatalf("read back: %+v %v", got.Vector[:2], err)
		}
		before := db.AuditSize()
		bad := []struct {
			name string
			tp   biometric.Template
			code secunion.Code
		}{
			{"not listed by the record", faceTemplate("face-9", "V1", 1), secunion.Conflict},
			{"no such record", faceTemplate("face-2", "V404", 1), secunion.NotFound},
			{"wrong length", func() biometric.Template { x := faceTemplate("face-2", "V1", 1); x.Vector = x.Vector[:128]; return x }(), secunion.Invalid},
			{"NaN", func() biometric.Template {
				x := faceTemplate("face-2", "V1", 1)
				x.Vector[5] = float32(math.NaN())
				return x
			}(), secunion.Invalid},
			{"another record's template", func() biometric.Template {
				x := faceTemplate("face-1", "V2", 1)
				return x
			}(), secunion.NotFound},
		}
		for _, c := range bad {
			if _, err := db.PutTemplate(ctx, admin, decl, access.Profile{}, c.tp); secunion.CodeOf(err) != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			}
		}
		if db.AuditSize() != before {
			t.Errorf("refused templates left %d audit entries", db.AuditSize()-before)
		}
		if _, err := db.Template(ctx, "face-2"); secunion.CodeOf(err) != secunion.NotFound {
			t.Errorf("a refused template was stored: %v", err)
		}
		if _, err := db.PutTemplate(ctx, admin, decl, access.Profile{}, faceTemplate("face-2", "V1", 1)); err != nil {
			t.Fatal(err)
		}
		// The record stops listing face-2: it goes.
		rec.Biometrics = []string{"face-1"}
		if _, _, err := db.ImportBatch(ctx, []identity.Record{rec}); err != nil {
			t.Fatal(err)
		}
		var ids []string
		db.EachTemplate(ctx, func(tp biometric.Template) error { ids = append(ids, tp.ID); return nil })
		if len(ids) != 1 || ids[0] != "face-1" {
			t.Fatalf("templates after the record dropped one: %v", ids)
		}
		if err := db.DeleteRecord(ctx, admin, decl, access.Profile{}, access.VIS, "V1"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Template(ctx, "face-1"); secunion.CodeOf(err) != secunion.NotFound {
			t.Errorf("a template outlived its record: %v", err)
		}
		erasures, _ := db.SearchAudit(ctx, actor(t, db, "dpo"), access.Declaration{Purpose: secunion.PurposeSupervision}, store.AuditFilter{Operation: string(audit.OpErasure)})
		if len(erasures) != 1 || erasures[0].Objects[len(erasures[0].Objects)-1] != "template:face-1" {
			t.Errorf("the record's erasure does not name its template: %+v", erasures)
		}
	})
}
