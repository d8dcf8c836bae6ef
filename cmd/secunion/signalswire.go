package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"time"

	"secunion"
	"secunion/events"
	"secunion/signals"
	"secunion/store"
)

// loadPage is how many bank entries startSignals reads at a time.
const loadPage = 10_000

// startSignals builds the matcher from the enabled entries of the hash
// banks, logging progress, and keeps it current from committed changes:
// an entry added, enabled or disabled counts in lookups once the
// dispatcher has handled its event (a wake-up on this node, a poll for
// changes made by another).
func startSignals(ctx context.Context, db *store.DB, d *events.Dispatcher, log *slog.Logger) (*signals.Matcher, error) {
	// Changes committed during the build are replayed after it: the
	// handler reads the entry's current state, so a replay is harmless.
	last, err := db.LastEventID(ctx)
	if err != nil {
		return nil, err
	}
	m := signals.NewMatcher()
	start, n := time.Now(), 0
	for after := int64(0); ; {
		page, err := db.SignalKeysAfter(ctx, after, loadPage)
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			break
		}
		for _, k := range page {
			if err := m.Apply(k); err != nil {
				return nil, err
			}
			after = k.ID
		}
		if n += len(page); n%100_000 < loadPage {
			log.Info("building the hash matcher", "entries", n)
		}
	}
	log.Info("hash matcher built", "entries", n, "enabled", m.Len(), "seconds", time.Since(start).Seconds())
	host, _ := os.Hostname()
	name := "signals-matcher@" + host
	if err := db.SaveCursor(ctx, events.Cursor{Subscriber: name, LastID: last}); err != nil {
		return nil, err
	}
	d.Subscribe(name, []string{store.SignalTopic}, func(ctx context.Context, ev events.Event) error {
		var se store.SignalEvent
		if err := json.Unmarshal(ev.Payload, &se); err != nil {
			return nil // a malformed event never parses
		}
		e, err := db.Signal(ctx, se.ID)
		switch {
		case secunion.CodeOf(err) == secunion.NotFound:
			return nil
		case err != nil:
			return err
		}
		return m.Apply(e.Key())
	})
	return m, nil
}
