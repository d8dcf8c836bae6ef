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

// pushWorkers is how many webhook pushes a node makes at once, at most
// removal.DefaultPerProvider of them to one provider.
const pushWorkers = 32

// startRemoval runs the removal-order deliverer (webhook pushes from the
// store's queue) and the deadline watcher until ctx ends. It returns the
// function that wakes the deliverer when an order is issued, and the one
// that waits for both to stop.
func startRemoval(ctx context.Context, db *store.DB, log *slog.Logger) (kick func(), wait func()) {
	// Several providers may share a host (a platform's webhooks, or the
	// simulator's): keep a connection for every worker.
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: pushWorkers, IdleConnTimeout: time.Minute}}
	d := &removal.Deliverer{Store: db, Clock: db.Clock(), Log: log, Workers: pushWorkers, Client: client}
	w := &removal.Watcher{Store: db, Clock: db.Clock(), Log: log, Poll: time.Second}
	var wg sync.WaitGroup
	wg.Go(func() { d.Run(ctx) })
	wg.Go(func() { w.Run(ctx) })
	return d.Kick, wg.Wait
}
