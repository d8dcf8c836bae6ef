package store_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/audit"
	"secunion/removal"
	"secunion/store"
)

// removalParties registers a French competent authority, the Irish one
// and an Irish provider, and returns actors for them.
func removalParties(t *testing.T, db *store.DB) (fr, ie, vid secunion.Actor) {
	t.Helper()
	ctx := context.Background()
	for _, a := range []access.Authority{
		{Code: "FR-OCLCTIC", Name: "OCLCTIC", Country: "FR", Kind: access.KindTCOAuthority},
		{Code: "IE-CNAM", Name: "Coimisiún na Meán", Country: "IE", Kind: access.KindTCOAuthority},
		{Code: "VIDSHARE", Name: "VidShare", Country: "IE", Kind: access.KindHostingProvider},
		{Code: "PICBOARD", Name: "PicBoard", Country: "NL", Kind: access.KindHostingProvider},
	} {
		if _, err := db.CreateAuthority(ctx, admin, a); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []removal.Provider{{Code: "VIDSHARE", Name: "VidShare", State: "IE"}, {Code: "PICBOARD", Name: "PicBoard", State: "NL"}} {
		if _, err := db.PutProvider(ctx, admin, p); err != nil {
			t.Fatal(err)
		}
	}
	as := func(code, kind string) secunion.Actor {
		return secunion.Actor{Login: strings.ToLower(code), Authority: code, AuthorityKind: kind, Roles: []string{access.RoleOfficer}}
	}
	return as("FR-OCLCTIC", "tco-authority"), as("IE-CNAM", "tco-authority"), as("VIDSHARE", "hosting-provider")
}

// setClock moves clock forward to t.
func setClock(clock *secunion.FakeClock, t time.Time) { clock.Advance(t.Sub(clock.Now())) }

// emergencyOrder issues an emergency order from fr to provider naming
// the given URLs.
func emergencyOrder(t *testing.T, db *store.DB, fr secunion.Actor, ref, provider string, urls ...string) removal.Order {
	t.Helper()
	var items []removal.Item
	for _, u := range urls {
		items = append(items, removal.Item{URL: u, Locator: "from 00:42"})
	}
	o, err := db.IssueOrder(context.Background(), fr, removal.Order{Reference: ref, Provider: provider, Category: removal.Incitement, Items: items,
		Reasons: "The video at " + urls[0] + " calls for attacks on public transport.", Redress: "Tribunal administratif de Paris.",
		Emergency: true, EmergencyJustification: "Shared widely since " + urls[0] + " went up."})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestPreservationRetention runs the retention job of preserved content
// (the Watcher) on a fake clock, on both engines: nothing goes a
// millisecond before six months after removal; then the order's URLs,
// reasons, the parties' notes on its timeline and its complaint's text
// are deleted in one audited erasure, while the transparency figures stay
// the same; an extension defers the erasure by six months; withdrawn
// orders, never preserved, are left alone.
func TestPreservationRetention(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		clock := secunion.NewFakeClock(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC))
		db := e.open(t, store.Options{Clock: clock})
		seed(t, db)
		fr, _, vid := removalParties(t, db)
		w := &removal.Watcher{Store: db, Clock: clock, Log: slog.New(slog.DiscardHandler), Poll: time.Second}
		tick := func(want int) {
			t.Helper()
			if n, err := w.Tick(ctx); err != nil || n != want {
				t.Fatalf("at %s the watcher took %d steps, want %d: %v", clock.Now().Format(time.RFC3339Nano), n, want, err)
			}
		}

		// A: cannot comply, clarified naming the URL, removed, complained about.
		urlA := "https://vidshare.example/v/A"
		a := emergencyOrder(t, db, fr, "FR-A", "VIDSHARE", urlA, "https://vidshare.example/v/A2")
		step := func(who secunion.Actor, id string, s removal.Step) removal.Order {
			t.Helper()
			o, err := db.StepOrder(ctx, who, id, s)
			if err != nil {
				t.Fatalf("%s: %v", s.Action, err)
			}
			return o
		}
		step(vid, a.ID, removal.Step{Action: removal.Refuse, Obstacle: removal.MissingDetails, Text: "Which part of " + urlA + "?"})
		clock.Advance(10 * time.Minute)
		step(fr, a.ID, removal.Step{Action: removal.Clarify, Text: "The clip at 02:13 of " + urlA})
		clock.Advance(5 * time.Minute)
		a = step(vid, a.ID, removal.Step{Action: removal.Remove})
		c, err := db.RecordComplaint(ctx, vid, a.ID, "The uploader says "+urlA+" is news reporting.")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.DecideComplaint(ctx, vid, c.ID, false, "The video at "+urlA+" glorifies the attack."); err != nil {
			t.Fatal(err)
		}
		// B: removed a day later; C: withdrawn.
		clock.Advance(24 * time.Hour)
		b := emergencyOrder(t, db, fr, "FR-B", "VIDSHARE", "https://vidshare.example/v/B")
		b = step(vid, b.ID, removal.Step{Action: removal.Remove})
		cw := emergencyOrder(t, db, fr, "FR-C", "VIDSHARE", "https://vidshare.example/v/C")
		step(fr, cw.ID, removal.Step{Action: removal.Withdraw, Text: "Sent to the wrong provider."})
		before, err := db.ProviderReport(ctx, "VIDSHARE", 2026)
		if err != nil {
			t.Fatal(err)
		}

		if !a.Preserve.Equal(a.RemovedAt.Add(removal.Preservation)) {
			t.Fatalf("A preserved until %s, removed %s", a.Preserve, a.RemovedAt)
		}
		if next, _ := db.NextDue(ctx); !next.Equal(a.Preserve) {
			t.Errorf("the watcher next looks at %s, want the end of A's preservation %s", next, a.Preserve)
		}
		setClock(clock, a.Preserve.Add(-time.Millisecond))
		tick(0)
		// The issuer extends B's preservation a day before it ends.
		setClock(clock, b.Preserve.Add(-24*time.Hour))
		if _, err := db.StepOrder(ctx, fr, b.ID, removal.Step{Action: removal.ExtendPreserve, Text: "Needed for the trial of the uploader."}); err != nil {
			t.Fatal(err)
		}
		setClock(clock, a.Preserve)
		tick(1)

		got, timeline, err := db.Order(ctx, fr, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Items != nil || got.Reasons != "" || got.EmergencyJustification != "" || got.ErasedItems != 2 || !got.Erased.Equal(a.Preserve) {
			t.Errorf("A after its preservation: items %v, reasons %q, justification %q, %d items counted, erased at %s",
				got.Items, got.Reasons, got.EmergencyJustification, got.ErasedItems, got.Erased)
		}
		if got.State != removal.Removed || !got.RemovedAt.Equal(a.RemovedAt) || got.Reference != "FR-A" {
			t.Errorf("A lost its outcome: %s, removed %s, reference %q", got.State, got.RemovedAt, got.Reference)
		}
		last := timeline[len(timeline)-1]
		if last.Action != removal.Erase || last.Party != removal.Node || !strings.Contains(last.Note, "preservation ended") {
			t.Errorf("the timeline ends with %+v", last)
		}
		for _, ev := range timeline {
			if strings.Contains(ev.Note, "vidshare.example") {
				t.Errorf("the timeline still names the content: %+v", ev)
			}
		}
		cs, err := db.Complaints(ctx, vid)
		if err != nil || len(cs) != 1 || cs[0].Text != "" || cs[0].Reasons != "" || cs[0].Decided.IsZero() {
			t.Errorf("the complaint after erasure: %+v %v", cs, err)
		}

		// One audited erasure, by the node, of order A.
		dpo := actor(t, db, "dpo")
		erasures, err := db.SearchAudit(ctx, dpo, access.Declaration{Purpose: secunion.PurposeSupervision}, store.AuditFilter{Operation: string(audit.OpErasure)})
		if err != nil {
			t.Fatal(err)
		}
		if len(erasures) != 1 || !strings.Contains(strings.Join(erasures[0].Objects, " "), a.ID) || !strings.Contains(erasures[0].Detail, "2 URLs") {
			t.Errorf("erasures audited: %+v", erasures)
		}

		// The figures are the same; nothing is preserved of A any more.
		after, err := db.ProviderReport(ctx, "VIDSHARE", 2026)
		if err != nil {
			t.Fatal(err)
		}
		if after.ItemsRemoved != 3 || after.Executed != before.Executed || after.MedianToRemoval != before.MedianToRemoval ||
			after.Complaints != 1 || after.NotExecuted["withdrawn"] != 1 {
			t.Errorf("transparency figures changed by the erasure:\nbefore %+v\nafter  %+v", before, after)
		}
		if _, err := db.StepOrder(ctx, fr, a.ID, removal.Step{Action: removal.ExtendPreserve, Text: "Too late for this."}); secunion.CodeOf(err) != secunion.Conflict {
			t.Errorf("extended after erasure: %v", err)
		}
		tick(0)

		// B's extension holds it six more months; C, withdrawn, stays whole.
		setClock(clock, b.Preserve)
		tick(0)
		if got, _, _ := db.Order(ctx, fr, b.ID); len(got.Items) != 1 || !got.Erased.IsZero() {
			t.Errorf("B erased despite its extension: %+v", got)
		}
		setClock(clock, b.Preserve.Add(removal.Preservation))
		tick(1)
		if got, _, _ := db.Order(ctx, fr, b.ID); got.Items != nil || got.ErasedItems != 1 {
			t.Errorf("B after its extension ended: %+v", got)
		}
		if got, _, _ := db.Order(ctx, fr, cw.ID); len(got.Items) != 1 || got.Reasons == "" {
			t.Errorf("the withdrawn order lost its content reference: %+v", got)
		}
		if next, _ := db.NextDue(ctx); !next.IsZero() {
			t.Errorf("still due at %s with everything erased", next)
		}
	})
}

// TestPreservationMigration checks on both engines that migration 00008
// gives orders removed before it the end of their preservation as the
// watcher's due time, rounded up to the second, so that the retention job
// erases them too.
func TestPreservationMigration(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		clock := secunion.NewFakeClock(time.Date(2026, 5, 4, 9, 0, 0, 500_000_000, time.UTC))
		db := e.open(t, store.Options{Clock: clock})
		seed(t, db)
		fr, _, vid := removalParties(t, db)
		o := emergencyOrder(t, db, fr, "FR-OLD", "VIDSHARE", "https://vidshare.example/v/old")
		clock.Advance(7 * time.Minute)
		o, err := db.StepOrder(ctx, vid, o.ID, removal.Step{Action: removal.Remove})
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		// As an order removed before 00008 was stored, and 00008 not applied
		// (nor the later migrations, which are written to run again).
		for _, q := range []string{`UPDATE removal_orders SET due_ns = 0`, `DELETE FROM goose_db_version WHERE version_id >= 8`} {
			if err := e.raw(t, q); err != nil {
				t.Fatal(err)
			}
		}
		db = e.open(t, store.Options{Clock: clock})
		next, err := db.NextDue(ctx)
		want := o.Preserve.Truncate(time.Second).Add(time.Second)
		if err != nil || !next.Equal(want) {
			t.Fatalf("after the migration the watcher looks at %s, want %s (preserved until %s): %v", next, want, o.Preserve, err)
		}
		setClock(clock, want)
		w := &removal.Watcher{Store: db, Clock: clock, Log: slog.New(slog.DiscardHandler), Poll: time.Second}
		if n, err := w.Tick(ctx); err != nil || n != 1 {
			t.Errorf("the watcher erased %d orders: %v", n, err)
		}
	})
}
