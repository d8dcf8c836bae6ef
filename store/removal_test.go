package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/audit"
	"secunion/removal"
	"secunion/store"
)

// TestRemovalOrders runs removal orders through the store on both
// engines: the 12-hour rule, durable delivery queueing, receipt on first
// fetch, the deadline watcher's steps, refusals that change nothing and
// are audited, and what each party sees.
func TestRemovalOrders(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		clock := secunion.NewFakeClock(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC))
		db := e.open(t, store.Options{Clock: clock})
		seed(t, db)
		for _, a := range []access.Authority{
			{Code: "FR-OCLCTIC", Name: "OCLCTIC", Country: "FR", Kind: access.KindTCOAuthority},
			{Code: "IE-GARDA", Name: "Garda", Country: "IE", Kind: access.KindTCOAuthority},
			{Code: "VIDSHARE", Name: "VidShare", Country: "IE", Kind: access.KindHostingProvider},
			{Code: "PICBOARD", Name: "PicBoard", Country: "IE", Kind: access.KindHostingProvider},
		} {
			if _, err := db.CreateAuthority(ctx, admin, a); err != nil {
				t.Fatal(err)
			}
		}
		fr := secunion.Actor{Login: "fr", Authority: "FR-OCLCTIC", AuthorityKind: string(access.KindTCOAuthority), Roles: []string{access.RoleOfficer}}
		ie := secunion.Actor{Login: "ie", Authority: "IE-GARDA", AuthorityKind: string(access.KindTCOAuthority), Roles: []string{access.RoleOfficer}}
		vid := secunion.Actor{Login: "vid", Authority: "VIDSHARE", AuthorityKind: string(access.KindHostingProvider), Roles: []string{access.RoleAdmin, access.RoleOfficer}}
		pic := secunion.Actor{Login: "pic", Authority: "PICBOARD", AuthorityKind: string(access.KindHostingProvider), Roles: []string{access.RoleOfficer}}
		bpol := actor(t, db, "anna")

		hook := removal.Provider{Code: "VIDSHARE", Name: "VidShare Ltd", State: "IE",
			Contact: removal.ContactPoint{Webhook: "https://hooks.vidshare.example/tco", Secret: strings.Repeat("k", 32)}}
		if _, err := db.PutProvider(ctx, pic, hook); secunion.CodeOf(err) != secunion.Forbidden {
			t.Errorf("a provider registered another: %v", err)
		}
		if _, err := db.PutProvider(ctx, admin, removal.Provider{Code: "DE-BPOL", Name: "x", State: "DE"}); secunion.CodeOf(err) != secunion.Invalid {
			t.Errorf("a border guard registered as a provider: %v", err)
		}
		for _, p := range []removal.Provider{hook, {Code: "PICBOARD", Name: "PicBoard", State: "IE"}} {
			if _, err := db.PutProvider(ctx, admin, p); err != nil {
				t.Fatal(err)
			}
		}
		hook.Contact.Secret = "" // a change without a secret keeps it
		if _, err := db.PutProvider(ctx, vid, hook); err != nil {
			t.Fatal(err)
		}
		if p, err := db.Provider(ctx, "VIDSHARE"); err != nil || p.Contact.Secret != strings.Repeat("k", 32) {
			t.Fatalf("provider: %+v %v", p, err)
		}

		order := removal.Order{Reference: "FR-1", Provider: "VIDSHARE", Category: removal.Threat,
			Items:   []removal.Item{{URL: "https://vidshare.example/v/1"}},
			Reasons: "Threatens an attack on a named concert next week.", Redress: "Tribunal administratif de Paris."}
		if _, err := db.IssueOrder(ctx, fr, order); secunion.CodeOf(err) != secunion.Conflict {
			t.Fatalf("first order without procedure information: %v", err)
		}
		if _, err := db.IssueOrder(ctx, bpol, order); secunion.CodeOf(err) != secunion.Forbidden {
			t.Errorf("a border guard issued an order: %v", err)
		}
		if _, err := db.SendProcedureInfo(ctx, fr, "VIDSHARE"); err != nil {
			t.Fatal(err)
		}
		clock.Advance(11 * time.Hour)
		if _, err := db.IssueOrder(ctx, fr, order); secunion.CodeOf(err) != secunion.Conflict {
			t.Fatalf("first order 11 hours after procedure information: %v", err)
		}
		clock.Advance(time.Hour)
		o, err := db.IssueOrder(ctx, fr, order)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.IssueOrder(ctx, fr, order); secunion.CodeOf(err) != secunion.Conflict {
			t.Errorf("the same reference twice: %v", err)
		}
		unknown := order
		unknown.Reference, unknown.Provider = "FR-2", "NOBODY"
		if _, err := db.IssueOrder(ctx, fr, unknown); secunion.CodeOf(err) != secunion.Invalid || !strings.Contains(err.Error(), "provider") {
			t.Errorf("an order to an unknown provider: %v", err)
		}

		// The order is in the inbox at once; the provider's first fetch is the receipt.
		if o.State != removal.Sent || !o.Sent.Equal(clock.Now()) {
			t.Fatalf("issued order: %s, sent %s", o.State, o.Sent)
		}
		if _, _, err := db.Order(ctx, pic, o.ID); secunion.CodeOf(err) != secunion.NotFound {
			t.Errorf("another provider read the order: %v", err)
		}
		if _, err := db.StepOrder(ctx, pic, o.ID, removal.Step{Action: removal.Remove}); secunion.CodeOf(err) != secunion.NotFound {
			t.Errorf("another provider answered: %v", err)
		}
		clock.Advance(2 * time.Minute)
		got, events, err := db.Order(ctx, vid, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != removal.Received || !got.Deadline.Equal(clock.Now().Add(time.Hour)) {
			t.Fatalf("after the first fetch: %s, deadline %s", got.State, got.Deadline)
		}
		if len(events) != 3 || events[2].Action != removal.Acknowledge {
			t.Errorf("timeline %+v", events)
		}

		// The watcher: nothing due until 45 minutes, then the warning, then the breach.
		if ids, _ := db.DueOrders(ctx, clock.Now().Add(44*time.Minute), 10); len(ids) != 0 {
			t.Errorf("due early: %v", ids)
		}
		clock.Advance(45 * time.Minute)
		ids, _ := db.DueOrders(ctx, clock.Now(), 10)
		if len(ids) != 1 || ids[0].ID != o.ID {
			t.Fatalf("due at 45 minutes: %v", ids)
		}
		if _, err := db.NodeStep(ctx, o.ID, removal.Step{Action: removal.Warn}); err != nil {
			t.Fatal(err)
		}
		if next, _ := db.NextDue(ctx); !next.Equal(got.Deadline) {
			t.Errorf("next due %s, deadline %s", next, got.Deadline)
		}
		clock.Advance(20 * time.Minute)
		if _, err := db.NodeStep(ctx, o.ID, removal.Step{Action: removal.Breach}); err != nil {
			t.Fatal(err)
		}
		if next, _ := db.NextDue(ctx); !next.IsZero() {
			t.Errorf("still due at %s after the breach", next)
		}
		done, err := db.StepOrder(ctx, vid, o.ID, removal.Step{Action: removal.Remove})
		if err != nil || done.State != removal.Removed || done.Late() != 5*time.Minute {
			t.Fatalf("late removal: %s, late %s, %v", done.State, done.Late(), err)
		}

		// After removal, a withdrawal is refused, audited, and changes nothing.
		if _, err := db.StepOrder(ctx, fr, o.ID, removal.Step{Action: removal.Withdraw, Text: "changed our mind"}); secunion.CodeOf(err) != secunion.Conflict {
			t.Errorf("withdrawal after removal: %v", err)
		}
		after, events2, _ := db.Order(ctx, fr, o.ID)
		if after.State != removal.Removed || len(events2) != 6 {
			t.Errorf("after a refused step: %s, %d events", after.State, len(events2))
		}
		dpo := actor(t, db, "dpo")
		denied, err := db.SearchAudit(ctx, dpo, access.Declaration{Purpose: secunion.PurposeSupervision}, store.AuditFilter{Operation: string(audit.OpAccessDenied)})
		if err != nil {
			t.Fatal(err)
		}
		var sawWithdraw, sawStranger bool
		for _, d := range denied {
			sawWithdraw = sawWithdraw || strings.Contains(d.Detail, "withdraw removal order "+o.ID)
			sawStranger = sawStranger || d.Authority == "PICBOARD" && strings.Contains(d.Detail, "not party")
		}
		if !sawWithdraw || !sawStranger {
			t.Errorf("denials audited: withdrawal %v, stranger %v", sawWithdraw, sawStranger)
		}

		// Lists: the issuer and the provider see the order, the Irish
		// authority its copy (cross-border), the other provider nothing.
		for who, want := range map[*secunion.Actor]int{&fr: 1, &vid: 1, &ie: 1, &pic: 0} {
			list, err := db.Orders(ctx, *who, store.OrderFilter{})
			if err != nil || len(list) != want {
				t.Errorf("%s lists %d orders, want %d: %v", who.Authority, len(list), want, err)
			}
		}
		if _, err := db.Orders(ctx, secunion.Actor{Authority: "NOBODY"}, store.OrderFilter{}); secunion.CodeOf(err) != secunion.Forbidden {
			t.Errorf("an unknown authority listed orders: %v", err)
		}
	})
}

// TestFirstOrderRule: procedure information must precede only an issuer's
// first order to a provider. Once an emergency opened the way, the issuer's
// next orders to that provider go without it; another issuer's first order
// to the provider, or the issuer's first to another provider, still waits.
func TestFirstOrderRule(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		db := e.open(t, store.Options{})
		seed(t, db)
		fr, ie, _ := removalParties(t, db)
		emergencyOrder(t, db, fr, "FR-1", "PICBOARD", "https://picboard.example/p/1")
		order := func(ref, provider string) removal.Order {
			return removal.Order{Reference: ref, Provider: provider, Category: removal.Threat,
				Items:   []removal.Item{{URL: "https://" + strings.ToLower(provider) + ".example/" + ref}},
				Reasons: "Threatens an attack on a named concert next week.", Redress: "Tribunal administratif de Paris."}
		}
		for _, tc := range []struct {
			name    string
			by      secunion.Actor
			ref, to string
			refused bool
		}{
			{"same issuer, same provider", fr, "FR-2", "PICBOARD", false},
			{"same issuer again", fr, "FR-3", "PICBOARD", false},
			{"another issuer's first", ie, "IE-1", "PICBOARD", true},
			{"the issuer's first to another provider", fr, "FR-4", "VIDSHARE", true},
		} {
			_, err := db.IssueOrder(ctx, tc.by, order(tc.ref, tc.to))
			if refused := secunion.CodeOf(err) == secunion.Conflict; refused != tc.refused || !refused && err != nil {
				t.Errorf("%s: %v; want refused %v", tc.name, err, tc.refused)
			}
		}
	})
}
