package store_test

import (
	"context"
	"testing"

	"secunion"
	"secunion/access"
	"secunion/audit"
	"secunion/identity"
	"secunion/store"
)

func visRecord(id string) identity.Record {
	return identity.Record{System: access.VIS, ID: id,
		Person:    &identity.Person{Surname: "Eriksson", GivenNames: "Anna", BirthDate: "1974-08-12", Sex: "F", Nationalities: []string{"SWE"}},
		Documents: []identity.Document{{Type: "P", Number: "L898902C3", IssuingCountry: "UTO"}},
		VIS:       &identity.VisaFile{ApplicationNumber: "IT-2026-1", Status: "issued", IssuingState: "IT"}}
}

func TestRecordsAndCIR(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		db := e.open(t, store.Options{})
		seed(t, db)
		if _, err := db.CreateAuthority(ctx, admin, access.Authority{Code: "IT-VISA", Name: "Visa", Country: "IT", Kind: access.KindVisa}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateUser(ctx, admin, access.User{Login: "giulia", Name: "Giulia", Authority: "IT-VISA", Roles: []string{"officer"}}, "correct horse battery"); err != nil {
			t.Fatal(err)
		}
		visa, anna := actor(t, db, "giulia"), actor(t, db, "anna")
		decl := access.Declaration{Purpose: secunion.PurposeVisa}
		visaProf, _ := access.ProfileFor(access.KindVisa, secunion.PurposeVisa)
		prof, _ := access.ProfileFor(access.KindBorderGuard, secunion.PurposeBorderCheck)

		// A border guard does not enter VIS data; the refusal is audited.
		if _, _, err := db.PutRecord(ctx, anna, access.Declaration{Purpose: secunion.PurposeBorderCheck}, prof, visRecord("V1")); secunion.CodeOf(err) != secunion.Forbidden {
			t.Fatalf("border guard writing VIS: %v", err)
		}
		_, created, err := db.PutRecord(ctx, visa, decl, visaProf, visRecord("V1"))
		if err != nil || !created {
			t.Fatalf("put: %v %v", created, err)
		}
		if f, err := db.CIRFile(ctx, access.VIS, "V1"); err != nil || f.Person.Surname != "Eriksson" {
			t.Fatalf("CIR file: %+v %v", f, err)
		}
		if n, err := db.CountRecords(ctx, access.VIS); n != 1 || err != nil {
			t.Errorf("VIS records counted: %d %v", n, err)
		}
		if n, err := db.CountRecords(ctx, access.SIS); n != 0 || err != nil {
			t.Errorf("SIS records counted: %d %v", n, err)
		}
		changed := visRecord("V1")
		changed.VIS.Status = "revoked"
		if _, created, err := db.PutRecord(ctx, visa, decl, visaProf, changed); err != nil || created {
			t.Fatalf("update: %v %v", created, err)
		}

		// The border guard's profile sees VIS, but not biometrics nor, here,
		// more than its field categories allow.
		got, err := db.GetRecord(ctx, anna, access.Declaration{Purpose: secunion.PurposeBorderCheck}, prof, access.VIS, "V1")
		if err != nil || got.VIS == nil || got.VIS.Status != "revoked" || got.Person == nil {
			t.Fatalf("get: %+v %v", got, err)
		}
		idProf, _ := access.ProfileFor(access.KindBorderGuard, secunion.PurposeIdentityCheck)
		got, err = db.GetRecord(ctx, anna, access.Declaration{Purpose: secunion.PurposeIdentityCheck}, idProf, access.VIS, "V1")
		if err != nil || got.VIS != nil || got.Person == nil {
			t.Fatalf("identity-check profile sees visa data: %+v %v", got, err)
		}
		// A system outside the profile answers as if it did not exist.
		if _, err := db.GetRecord(ctx, anna, access.Declaration{Purpose: secunion.PurposeBorderCheck}, prof, access.Eurodac, "V1"); secunion.CodeOf(err) != secunion.NotFound {
			t.Errorf("system outside the profile: %v", err)
		}

		if err := db.DeleteRecord(ctx, visa, decl, visaProf, access.VIS, "V1"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CIRFile(ctx, access.VIS, "V1"); secunion.CodeOf(err) != secunion.NotFound {
			t.Errorf("CIR file outlived its record: %v", err)
		}
		// collection, alteration, 2 consultations, erasure (+ denials).
		entries, err := db.SearchAudit(ctx, actor(t, db, "dpo"), access.Declaration{Purpose: secunion.PurposeSupervision}, store.AuditFilter{Value: "L898902C3"})
		if err != nil || len(entries) != 2 || entries[0].Operation != audit.OpAlteration || entries[1].Operation != audit.OpCollection {
			t.Errorf("entries holding the document number: %+v %v", entries, err)
		}
		erasures, _ := db.SearchAudit(ctx, actor(t, db, "dpo"), access.Declaration{Purpose: secunion.PurposeSupervision}, store.AuditFilter{Operation: string(audit.OpErasure)})
		if len(erasures) != 1 || len(erasures[0].Objects) != 2 || erasures[0].Objects[1] != "cir:VIS/V1" {
			t.Errorf("erasure entry: %+v", erasures)
		}
	})
}

func TestImportBatchIdempotent(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		db := e.open(t, store.Options{})
		batch := []identity.Record{visRecord("V1"), visRecord("V2")}
		if c, ch, err := db.ImportBatch(ctx, batch); err != nil || c != 2 || ch != 0 {
			t.Fatalf("first import: %d %d %v", c, ch, err)
		}
		before := db.AuditSize()
		if c, ch, err := db.ImportBatch(ctx, batch); err != nil || c != 0 || ch != 0 || db.AuditSize() != before {
			t.Fatalf("same import again: %d created %d changed, %d new entries, %v", c, ch, db.AuditSize()-before, err)
		}
		batch[1].VIS.Status = "refused"
		if c, ch, err := db.ImportBatch(ctx, batch); err != nil || c != 0 || ch != 1 {
			t.Fatalf("one changed: %d %d %v", c, ch, err)
		}
	})
}
