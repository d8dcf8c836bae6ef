package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"secunion"
	"secunion/signals"
	"secunion/store"
)

// TestSignalBanks adds, deduplicates, disables and lists bank entries on
// both engines: each change audited and on the outbox; a provider may not
// curate, and a bad entry changes nothing.
func TestSignalBanks(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		clock := secunion.NewFakeClock(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC))
		db := e.open(t, store.Options{Clock: clock})
		seed(t, db)
		fr, _, vid := removalParties(t, db)
		pdq := signals.Entry{Bank: "tco-removed", Algorithm: "PDQ", Value: strings.ToUpper("f8f8f0cee0f4a84f06370a22038f67f0b36e2ed596621e1d33e6339c4e9c9b22"),
			Quality: 100, Source: signals.SourceRemovalOrder, SourceRef: "order-1", Labels: signals.Labels{ContentType: "image", Ideology: "jihadist"}}
		audit0 := db.AuditSize()
		got, created, err := db.AddSignal(ctx, fr, pdq)
		if err != nil || !created || got.ID == 0 || !got.Enabled || got.AddedBy != "FR-OCLCTIC/fr-oclctic" || got.Value != strings.ToLower(pdq.Value) {
			t.Fatalf("add: %v %v %+v", err, created, got)
		}
		again, created, err := db.AddSignal(ctx, fr, pdq)
		if err != nil || created || again.ID != got.ID {
			t.Errorf("the same hash again: %v %v %+v", err, created, again)
		}
		md5 := signals.Entry{Bank: "tco-removed", Algorithm: "md5", Value: "900150983cd24fb0d6963f7d28e17f72", Source: signals.SourceManual}
		second, _, err := db.AddSignal(ctx, fr, md5)
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Second)
		off, err := db.SetSignalEnabled(ctx, fr, got.ID, false)
		if err != nil || off.Enabled {
			t.Fatalf("disable: %v %+v", err, off)
		}
		if read, err := db.Signal(ctx, got.ID); err != nil || read.Enabled || read.Labels.Ideology != "jihadist" {
			t.Errorf("read back: %v %+v", err, read)
		}
		list, err := db.SignalsAfter(ctx, 0, 10)
		if err != nil || len(list) != 2 || list[0].ID != got.ID || list[1].ID != second.ID || list[0].Enabled || !list[1].Enabled {
			t.Errorf("list: %v %+v", err, list)
		}
		if after, _ := db.SignalsAfter(ctx, got.ID, 10); len(after) != 1 {
			t.Errorf("after the first: %+v", after)
		}
		evs, err := db.EventsAfter(ctx, 0, []string{store.SignalTopic}, 10)
		if err != nil || len(evs) != 3 {
			t.Errorf("outbox: %v, %d events, want 3 (two additions, one change)", err, len(evs))
		}
		if db.AuditSize() != audit0+3 {
			t.Errorf("audit grew by %d, want 3", db.AuditSize()-audit0)
		}

		// Refusals change nothing.
		before := db.AuditSize()
		if _, _, err := db.AddSignal(ctx, vid, md5); secunion.CodeOf(err) != secunion.Forbidden {
			t.Errorf("a provider curating: %v", err)
		}
		if _, err := db.SetSignalEnabled(ctx, vid, got.ID, true); secunion.CodeOf(err) != secunion.Forbidden {
			t.Errorf("a provider enabling: %v", err)
		}
		bad := md5
		bad.Value = "12345"
		if _, _, err := db.AddSignal(ctx, fr, bad); secunion.CodeOf(err) != secunion.Invalid || !strings.Contains(secunion.MessageOf(err), "value") {
			t.Errorf("a short MD5: %v", err)
		}
		if _, err := db.SetSignalEnabled(ctx, fr, 999, true); secunion.CodeOf(err) != secunion.NotFound {
			t.Errorf("an unknown entry: %v", err)
		}
		if list, _ := db.SignalsAfter(ctx, 0, 10); len(list) != 2 || list[0].Enabled {
			t.Errorf("after refusals: %+v", list)
		}
		if db.AuditSize() != before+2 {
			t.Errorf("refusals audited %d times, want the 2 denials", db.AuditSize()-before)
		}
	})
}
