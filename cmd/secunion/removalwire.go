package main

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"secunion/removal"
	"secunion/store"
)

// startRemoval runs the removal-order deliverer (webhook pushes from the
// store's queue) and the deadline watcher until ctx ends. It returns the
// function that wakes the deliverer when an order is issued, and the one
// that waits for both to stop.
func startRemoval(ctx context.Context, db *store.DB, log *slog.Logger) (kick func(), wait func()) {
	d := &removal.Deliverer{Store: db, Clock: db.Clock(), Log: log, Workers: 32,
		Client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 8, IdleConnTimeout: time.Minute}}}
	w := &removal.Watcher{Store: db, Clock: db.Clock(), Log: log, Poll: time.Second}
	var wg sync.WaitGroup
	wg.Go(func() { d.Run(ctx) })
	wg.Go(func() { w.Run(ctx) })
	return d.Kick, wg.Wait
}
