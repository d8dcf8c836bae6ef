package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/removal"
	"secunion/store"
)

// TestProviderOutcomes computes an issuing authority's figures per
// provider on both engines: median minutes from receipt to removal,
// breaches, orders not executed and pending, over its own orders issued
// since a date; another authority's orders and older ones do not count.
func TestProviderOutcomes(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		clock := secunion.NewFakeClock(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC))
		db := e.open(t, store.Options{Clock: clock})
		seed(t, db)
		fr, ie, vid := removalParties(t, db)
		pic := secunion.Actor{Login: "pic", Authority: "PICBOARD", AuthorityKind: string(access.KindHostingProvider), Roles: []string{access.RoleOfficer}}
		step := func(who secunion.Actor, id string, s removal.Step) {
			t.Helper()
			if _, err := db.StepOrder(ctx, who, id, s); err != nil {
				t.Fatalf("%s: %v", s.Action, err)
			}
		}
		receive := func(who secunion.Actor, id string) {
			t.Helper()
			if _, _, err := db.Order(ctx, who, id); err != nil {
				t.Fatal(err)
			}
		}
		old := emergencyOrder(t, db, fr, "FR-OLD", "VIDSHARE", "https://vidshare.example/v/old")
		receive(vid, old.ID)
		clock.Advance(48 * time.Hour)
		since := clock.Now()

		fast := emergencyOrder(t, db, fr, "FR-1", "VIDSHARE", "https://vidshare.example/v/1")
		late := emergencyOrder(t, db, fr, "FR-2", "VIDSHARE", "https://vidshare.example/v/2")
		emergencyOrder(t, db, fr, "FR-3", "VIDSHARE", "https://vidshare.example/v/3") // pending
		refused := emergencyOrder(t, db, fr, "FR-4", "PICBOARD", "https://picboard.example/p/4")
		withdrawn := emergencyOrder(t, db, fr, "FR-5", "PICBOARD", "https://picboard.example/p/5")
		other := emergencyOrder(t, db, ie, "IE-1", "VIDSHARE", "https://vidshare.example/v/ie")
		for _, o := range []removal.Order{fast, late, other} {
			receive(vid, o.ID)
		}
		step(pic, refused.ID, removal.Step{Action: removal.Refuse, Obstacle: removal.ManifestError, Text: "No such post on our service."})
		step(fr, withdrawn.ID, removal.Step{Action: removal.Withdraw, Text: "Sent to the wrong provider."})
		clock.Advance(10 * time.Minute)
		step(vid, fast.ID, removal.Step{Action: removal.Remove})
		step(vid, other.ID, removal.Step{Action: removal.Remove})
		clock.Advance(60 * time.Minute)
		step(vid, late.ID, removal.Step{Action: removal.Remove})

		got, err := db.ProviderOutcomes(ctx, fr, since)
		if err != nil {
			t.Fatal(err)
		}
		want := []removal.ProviderOutcome{
			{Provider: "PICBOARD", Orders: 2, NotExecuted: 2},
			{Provider: "VIDSHARE", Orders: 3, Executed: 2, WithinHour: 1, MedianToRemoval: 40, Breaches: 1, Pending: 1},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("FR's figures per provider\n got %+v\nwant %+v", got, want)
		}
		if got, err := db.ProviderOutcomes(ctx, ie, since); err != nil || len(got) != 1 || got[0].Orders != 1 || got[0].MedianToRemoval != 10 {
			t.Errorf("IE's figures: %+v %v", got, err)
		}
		if got, _ := db.ProviderOutcomes(ctx, fr, since.Add(-72*time.Hour)); len(got) != 2 || got[1].Orders != 4 {
			t.Errorf("FR's figures over five days: %+v", got)
		}
		if _, err := db.ProviderOutcomes(ctx, vid, since); secunion.CodeOf(err) != secunion.Forbidden {
			t.Errorf("a provider asked for an authority's figures: %v", err)
		}
	})
}
