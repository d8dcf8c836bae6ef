package store_test

import (
	"context"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/audit"
	"secunion/identity"
	"secunion/links"
	"secunion/store"
)

// TestLinks stores identity confirmation files on both engines: detection
// runs create, change and erase undecided links; only the responsible
// authority sees the comparison and decides a yellow link; a decision is
// final against later runs; erasing a record erases its links, audited.
func TestLinks(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		clock := secunion.NewFakeClock(time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC))
		db := e.open(t, store.Options{Clock: clock})
		seed(t, db)
		op := secunion.LocalOperator
		for _, a := range []access.Authority{
			{Code: "IT-VISA", Name: "Visti", Country: "IT", Kind: access.KindVisa},
			{Code: "FR-VISA", Name: "Visas", Country: "FR", Kind: access.KindVisa},
		} {
			if _, err := db.CreateAuthority(ctx, op, a); err != nil {
				t.Fatal(err)
			}
		}
		for _, u := range []access.User{
			{Login: "giulia", Name: "Giulia", Authority: "IT-VISA", Roles: []string{access.RoleOfficer}},
			{Login: "jean", Name: "Jean", Authority: "FR-VISA", Roles: []string{access.RoleOfficer}},
		} {
			if _, err := db.CreateUser(ctx, op, u, "correct horse battery"); err != nil {
				t.Fatal(err)
			}
		}
		v1, v2, v3 := visRecord("V1"), visRecord("V2"), visRecord("V3")
		v3.Person.Surname = "Andersson"
		if _, _, err := db.ImportBatch(ctx, []identity.Record{v1, v2, v3}); err != nil {
			t.Fatal(err)
		}
		a, b, c := links.Ref{System: "VIS", ID: "V1"}, links.Ref{System: "VIS", ID: "V2"}, links.Ref{System: "VIS", ID: "V3"}
		it := links.Verifier{Kind: access.KindVisa, State: "IT"}
		yellow := links.Link{ID: links.ID(a, c), A: a, B: c, Colour: links.Yellow, Reason: "the same travel document with different identity data",
			Evidence: links.Evidence{Document: true, Identity: links.IdentityDiffer}, Trigger: a, Verifier: it}
		white := links.Link{ID: links.ID(a, b), A: a, B: b, Colour: links.White, Reason: "the same identity data",
			Evidence: links.Evidence{Identity: links.IdentitySame}, Trigger: a, Verifier: it}
		if cr, ch, er, err := db.SaveLinks(ctx, []links.Run{{Trigger: a, Found: []links.Link{yellow, white}}}); err != nil || cr != 2 || ch != 0 || er != 0 {
			t.Fatalf("first run: %d %d %d %v", cr, ch, er, err)
		}
		// V3's own run misses the link V1 found: the link stays.
		if _, _, er, err := db.SaveLinks(ctx, []links.Run{{Trigger: c}}); err != nil || er != 0 {
			t.Fatalf("the other record's run erased %d links: %v", er, err)
		}
		before := db.AuditSize()
		if cr, ch, er, err := db.SaveLinks(ctx, []links.Run{{Trigger: a, Found: []links.Link{yellow, white}}}); err != nil || cr+ch+er != 0 || db.AuditSize() != before {
			t.Fatalf("the same run again: %d %d %d %v, %d audit entries", cr, ch, er, err, db.AuditSize()-before)
		}

		giulia, jean := actor(t, db, "giulia"), actor(t, db, "jean")
		decl := access.Declaration{Purpose: secunion.PurposeLinkVerification}
		prof, _ := access.ProfileFor(access.KindVisa, secunion.PurposeLinkVerification)
		q, err := db.LinkQueue(ctx, giulia, 10)
		if err != nil || len(q) != 1 || q[0].ID != yellow.ID {
			t.Fatalf("Italian visa queue: %+v %v", q, err)
		}
		if q, _ := db.LinkQueue(ctx, jean, 10); len(q) != 0 {
			t.Errorf("the French visa authority's queue holds %d links", len(q))
		}
		cmp, err := db.CompareLink(ctx, giulia, decl, prof, yellow.ID)
		if err != nil || cmp.A.Person == nil || cmp.A.VIS != nil || len(cmp.B.Documents) != 1 {
			t.Fatalf("comparison shows more or less than the linked data: %+v %v", cmp, err)
		}
		// Refusals change nothing.
		before = db.AuditSize()
		if _, err := db.CompareLink(ctx, jean, decl, prof, yellow.ID); secunion.CodeOf(err) != secunion.NotFound {
			t.Errorf("another authority's view: %v", err)
		}
		if _, err := db.DecideLink(ctx, jean, decl, yellow.ID, links.Red, "fraud"); secunion.CodeOf(err) != secunion.NotFound {
			t.Errorf("another authority's decision: %v", err)
		}
		if _, err := db.DecideLink(ctx, giulia, decl, "MID-0000000000000000", links.Red, "fraud"); secunion.CodeOf(err) != secunion.NotFound {
			t.Errorf("an unknown link: %v", err)
		}
		if _, err := db.DecideLink(ctx, giulia, decl, white.ID, links.Red, "fraud"); secunion.CodeOf(err) != secunion.Conflict {
			t.Errorf("a white link decided: %v", err)
		}
		if _, err := db.DecideLink(ctx, giulia, decl, yellow.ID, links.Yellow, "still unsure"); secunion.CodeOf(err) != secunion.Invalid {
			t.Errorf("decided yellow: %v", err)
		}
		if _, err := db.DecideLink(ctx, giulia, decl, yellow.ID, links.Red, " "); secunion.CodeOf(err) != secunion.Invalid {
			t.Errorf("no reason: %v", err)
		}
		if n := db.AuditSize() - before; n != 3 { // the three denials
			t.Errorf("%d audit entries for the refusals, want 3 denials", n)
		}
		clock.Advance(2 * time.Hour)
		got, err := db.DecideLink(ctx, giulia, decl, yellow.ID, links.Red, "passport photo shows another person")
		if err != nil || got.Colour != links.Red || !got.Decided || len(got.History) != 2 || got.History[1].User != "giulia" {
			t.Fatalf("decision: %+v %v", got, err)
		}
		if _, err := db.DecideLink(ctx, giulia, decl, yellow.ID, links.Green, "second thoughts"); secunion.CodeOf(err) != secunion.Conflict {
			t.Errorf("a decided link decided again: %v", err)
		}
		// A later run that no longer finds either link erases the
		// undecided one and keeps the decision.
		if _, _, er, err := db.SaveLinks(ctx, []links.Run{{Trigger: a}}); err != nil || er != 1 {
			t.Fatalf("empty run: erased %d, %v", er, err)
		}
		held, _ := db.LinksOf(ctx, a)
		if len(held) != 1 || held[0].Colour != links.Red {
			t.Fatalf("after the empty run: %+v", held)
		}
		st, err := db.LinkStats(ctx)
		if err != nil || st.ByColour[links.Red] != 1 || st.Decided != 1 || st.MedianDecision != 7200 {
			t.Errorf("stats: %+v %v", st, err)
		}
		// Erasing V3 leaves V1 linked to nothing: the link goes, named in
		// the erasure.
		if err := db.DeleteRecord(ctx, op, access.Declaration{Purpose: secunion.PurposeAdministration}, access.Profile{}, "VIS", "V3"); err != nil {
			t.Fatal(err)
		}
		if held, _ := db.LinksOf(ctx, a); len(held) != 0 {
			t.Errorf("a link outlived its record: %+v", held)
		}
		erasures, _ := db.SearchAudit(ctx, actor(t, db, "dpo"), access.Declaration{Purpose: secunion.PurposeSupervision}, store.AuditFilter{Operation: string(audit.OpErasure)})
		if len(erasures) != 1 || erasures[0].Objects[len(erasures[0].Objects)-1] != "link:"+yellow.ID {
			t.Errorf("erasure entry: %+v", erasures)
		}
	})
}
