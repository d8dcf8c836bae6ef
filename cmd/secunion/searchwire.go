package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"time"

	"secunion"
	"secunion/events"
	"secunion/identity"
	"secunion/search"
	"secunion/store"
)

// startSearch builds the search index from the stored records, keeps it
// current from committed record changes, and returns the portal over the
// systems this node holds.
func startSearch(ctx context.Context, db *store.DB, d *events.Dispatcher, log *slog.Logger) (*search.Portal, error) {
	index := search.NewIndex()
	// Changes committed while the index is built are replayed after: the
	// handler reads each record's current state, so a replay is harmless.
	last, err := db.LastEventID(ctx)
	if err != nil {
		return nil, err
	}
	start, n := time.Now(), 0
	err = db.EachRecord(ctx, func(r identity.Record) error {
		index.Put(r)
		if n++; n%100_000 == 0 {
			log.Info("building search index", "records", n)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	log.Info("search index built", "records", n, "seconds", time.Since(start).Seconds())
	host, _ := os.Hostname()
	name := "search-index@" + host
	if err := db.SaveCursor(ctx, events.Cursor{Subscriber: name, LastID: last}); err != nil {
		return nil, err
	}
	d.Subscribe(name, []string{store.RecordTopic}, func(ctx context.Context, e events.Event) error {
		var re store.RecordEvent
		if err := json.Unmarshal(e.Payload, &re); err != nil {
			return nil // not ours to retry: a malformed event never parses
		}
		r, err := db.Record(ctx, re.System, re.ID)
		switch {
		case secunion.CodeOf(err) == secunion.NotFound:
			index.Delete(re.System, re.ID)
		case err != nil:
			return err
		default:
			index.Put(r)
		}
		return nil
	})
	p := &search.Portal{Sources: map[string]search.Source{}, Clock: db.Clock(), Audit: db.Append}
	for _, sys := range identity.Systems {
		p.Sources[sys] = search.Local{System: sys, Index: index, Records: db, Clock: db.Clock()}
	}
	return p, nil
}
