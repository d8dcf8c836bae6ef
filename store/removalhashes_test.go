package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/removal"
	"secunion/signals"
	"secunion/store"
)

// TestRemovedHashes: a provider's removal carries the hashes of the
// removed content into the TCO bank in the same transaction; a bad hash
// refuses the whole step and changes nothing; the issuer adds more once
// the content is down; other parties and other steps cannot. When the
// content is reinstated, its hashes are disabled unless another standing
// order stands for them; a later removal carrying a disabled hash enables
// it again; a reinstated order takes no more hashes.
func TestRemovedHashes(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		clock := secunion.NewFakeClock(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC))
		db := e.open(t, store.Options{Clock: clock})
		seed(t, db)
		fr, _, vid := removalParties(t, db)
		pic := secunion.Actor{Login: "pic", Authority: "PICBOARD", AuthorityKind: string(access.KindHostingProvider), Roles: []string{access.RoleOfficer}}
		if _, err := db.SendProcedureInfo(ctx, fr, "VIDSHARE"); err != nil {
			t.Fatal(err)
		}
		clock.Advance(12 * time.Hour)
		issue := func(ref string) removal.Order {
			t.Helper()
			o, err := db.IssueOrder(ctx, fr, removal.Order{Reference: ref, Provider: "VIDSHARE", Category: removal.Threat,
				Items:   []removal.Item{{URL: "https://vidshare.example/v/" + ref}},
				Reasons: "Threatens an attack on a named concert next week.", Redress: "Tribunal administratif de Paris."})
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		reinstate := func(id string) {
			t.Helper()
			c, err := db.RecordComplaint(ctx, vid, id, "The video was news reporting on the attack, not propaganda.")
			if err == nil {
				_, err = db.DecideComplaint(ctx, vid, c.ID, true, "Journalistic reporting, protected under Art 1(3).")
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		enabled := func(id int64) bool {
			t.Helper()
			en, err := db.Signal(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return en.Enabled
		}
		o := issue("FR-9")
		const pdq = "f8f8f0cee0f4a84f06370a22038f67f0b36e2ed596621e1d33e6339c4e9c9b22"
		const md5 = "900150983cd24fb0d6963f7d28e17f72"
		bankSize := func() int {
			ks, err := db.SignalKeysAfter(ctx, 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			return len(ks)
		}

		if _, err := db.AddRemovedHashes(ctx, fr, o.ID, []signals.Entry{{Algorithm: signals.AlgMD5, Value: md5}}); secunion.CodeOf(err) != secunion.Conflict {
			t.Errorf("hashes before the removal: %v", err)
		}
		bad := []signals.Entry{{Algorithm: signals.AlgPDQ, Value: pdq}, {Algorithm: signals.AlgMD5, Value: "123"}}
		if _, err := db.StepOrder(ctx, vid, o.ID, removal.Step{Action: removal.Remove}, bad...); secunion.CodeOf(err) != secunion.Invalid || !strings.Contains(err.Error(), "hashes[1]: value") {
			t.Errorf("a removal with a bad hash: %v", err)
		}
		if _, err := db.StepOrder(ctx, vid, o.ID, removal.Step{Action: removal.Acknowledge}, bad[0]); secunion.CodeOf(err) != secunion.Invalid {
			t.Errorf("hashes with an acknowledgement: %v", err)
		}
		if got, _, _ := db.Order(ctx, fr, o.ID); got.State != removal.Sent || bankSize() != 0 {
			t.Fatalf("after refusals: %s, %d bank entries", got.State, bankSize())
		}

		removed, err := db.StepOrder(ctx, vid, o.ID, removal.Step{Action: removal.Remove},
			signals.Entry{Algorithm: signals.AlgPDQ, Value: strings.ToUpper(pdq), Quality: 90, Labels: signals.Labels{ContentType: "video"}},
			signals.Entry{Algorithm: "MD5", Value: md5, Source: signals.SourceManual})
		if err != nil || removed.State != removal.Removed {
			t.Fatalf("removal: %v %s", err, removed.State)
		}
		ks, _ := db.SignalKeysAfter(ctx, 0, 100)
		if len(ks) != 2 {
			t.Fatalf("bank after the removal: %+v", ks)
		}
		for _, k := range ks {
			en, err := db.Signal(ctx, k.ID)
			if err != nil || en.Bank != signals.BankTCO || en.Source != signals.SourceRemovalOrder || en.SourceRef != o.ID || en.AddedBy != vid.Authority+"/"+vid.Login || !en.Enabled {
				t.Errorf("entry %d: %+v %v", k.ID, en, err)
			}
		}

		if _, err := db.AddRemovedHashes(ctx, pic, o.ID, []signals.Entry{{Algorithm: signals.AlgMD5, Value: md5}}); secunion.CodeOf(err) != secunion.NotFound {
			t.Errorf("another provider added hashes: %v", err)
		}
		more, err := db.AddRemovedHashes(ctx, fr, o.ID, []signals.Entry{{Algorithm: signals.AlgSHA256, Value: strings.Repeat("ab", 32)}, {Algorithm: signals.AlgMD5, Value: md5}})
		if err != nil || len(more) != 2 || more[1].ID != ks[1].ID || more[0].AddedBy != fr.Authority+"/"+fr.Login || bankSize() != 3 {
			t.Errorf("the issuer's hashes: %v %+v", err, more)
		}

		// A lookup answers enabled entries only, in the matcher's order.
		if _, err := db.SetSignalEnabled(ctx, fr, ks[0].ID, false); err != nil {
			t.Fatal(err)
		}
		hits, err := db.SignalHits(ctx, []signals.Match{{ID: uint32(more[0].ID), Distance: 0}, {ID: uint32(ks[0].ID), Distance: 3}, {ID: uint32(ks[1].ID)}})
		if err != nil || len(hits) != 2 || hits[0].Entry.ID != more[0].ID || hits[1].Entry.ID != ks[1].ID {
			t.Errorf("hits: %v %+v", err, hits)
		}

		// An upheld complaint reinstates the content: its hashes stop
		// matching; another bank's entry of the same hash stays.
		other, _, err := db.AddSignal(ctx, fr, signals.Entry{Bank: "partner-list", Algorithm: signals.AlgMD5, Value: md5, Source: signals.SourceImport, SourceRef: o.ID})
		if err != nil {
			t.Fatal(err)
		}
		// Order B's removal carries the same MD5 and a new SHA-256; order C's
		// carries that SHA-256 too.
		const sha = "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
		b, c := issue("FR-10"), issue("FR-11")
		for _, x := range []removal.Order{b, c} {
			if _, err := db.StepOrder(ctx, vid, x.ID, removal.Step{Action: removal.Remove},
				signals.Entry{Algorithm: signals.AlgMD5, Value: md5}, signals.Entry{Algorithm: signals.AlgSHA256, Value: sha}); err != nil {
				t.Fatal(err)
			}
		}
		reinstate(o.ID)
		if enabled(more[0].ID) {
			t.Error("order A's own hash still enabled after its content was reinstated")
		}
		if !enabled(ks[1].ID) {
			t.Error("the MD5 that orders B and C stand for was disabled with order A's content")
		}
		if !enabled(other.ID) {
			t.Error("another bank's entry was disabled with the reinstated content's")
		}
		if _, err := db.AddRemovedHashes(ctx, fr, o.ID, []signals.Entry{{Algorithm: signals.AlgMD5, Value: strings.Repeat("12", 16)}}); secunion.CodeOf(err) != secunion.Conflict {
			t.Errorf("hashes added to a reinstated order: %v", err)
		}
		shaEntry, _, _ := db.AddSignal(ctx, fr, signals.Entry{Bank: signals.BankTCO, Algorithm: signals.AlgSHA256, Value: sha, Source: signals.SourceManual})
		reinstate(b.ID)
		if !enabled(shaEntry.ID) || !enabled(ks[1].ID) {
			t.Error("order C still stands for the SHA-256 and the MD5, yet one was disabled")
		}
		reinstate(c.ID)
		if enabled(shaEntry.ID) || enabled(ks[1].ID) {
			t.Error("no order stands for the SHA-256 and the MD5 any more, yet one is enabled")
		}

		// A hash a curator put into the TCO bank by hand, given again with a
		// removal, keeps standing when that order's content is reinstated.
		const manual = "efefefefefefefefefefefefefefefefefefefefefefefefefefefefefefefef"
		byHand, _, err := db.AddSignal(ctx, fr, signals.Entry{Bank: signals.BankTCO, Algorithm: signals.AlgSHA256, Value: manual, Source: signals.SourceManual})
		if err != nil {
			t.Fatal(err)
		}
		f := issue("FR-13")
		if _, err := db.StepOrder(ctx, vid, f.ID, removal.Step{Action: removal.Remove}, signals.Entry{Algorithm: signals.AlgSHA256, Value: manual}); err != nil {
			t.Fatal(err)
		}
		reinstate(f.ID)
		if !enabled(byHand.ID) {
			t.Error("a hash a curator added by hand was disabled with an order's reinstated content")
		}
		// No list may be imported into the TCO bank.
		if _, err := db.ImportSignals(ctx, fr, store.SignalImportInput{Bank: signals.BankTCO, Items: []signals.Item{{Entry: signals.Entry{Algorithm: signals.AlgMD5, Value: md5}, Deleted: true}}}); secunion.CodeOf(err) != secunion.Invalid {
			t.Errorf("a list imported into the TCO bank: %v", err)
		}

		// A new order's removal carrying a hash held disabled enables it.
		d := issue("FR-12")
		if _, err := db.StepOrder(ctx, vid, d.ID, removal.Step{Action: removal.Remove}, signals.Entry{Algorithm: signals.AlgMD5, Value: md5}); err != nil {
			t.Fatal(err)
		}
		if !enabled(ks[1].ID) {
			t.Error("the MD5 given again with order D's removal stays disabled")
		}
	})
}
