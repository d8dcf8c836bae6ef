package main

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"secunion/crisis"
	"secunion/events"
	"secunion/removal"
	"secunion/store"
)

// pushWorkers is how many webhook pushes a node makes at once, at most
// removal.DefaultPerProvider of them to one provider.
const pushWorkers = 32

// startRemoval runs the removal-order deliverer (webhook pushes from the
// store's queue), the deadline watcher and the crisis pusher (crisis
// activations and shared hashes and URLs, to the participating providers'
// webhooks; woken by each crisis event the dispatcher handles, and
// looking for work every second besides) until ctx ends. It returns the
// function that wakes the deliverer when an order is issued, and the one
// that waits for all three to stop.
func startRemoval(ctx context.Context, db *store.DB, d *events.Dispatcher, log *slog.Logger) (kick func(), wait func()) {
	// Several providers may share a host (a platform's webhooks, or the
	// simulator's): keep a connection for every worker.
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: pushWorkers, IdleConnTimeout: time.Minute}}
	del := &removal.Deliverer{Store: db, Clock: db.Clock(), Log: log, Workers: pushWorkers, Client: client}
	w := &removal.Watcher{Store: db, Clock: db.Clock(), Log: log, Poll: time.Second}
	p := &crisis.Pusher{Store: db, Client: client, Clock: db.Clock(), Log: log, Workers: pushWorkers / 4}
	var wg sync.WaitGroup
	host, _ := os.Hostname()
	d.Subscribe("crisis-pusher@"+host, []string{store.CrisisTopic}, func(context.Context, events.Event) error {
		p.Kick()
		return nil
	})
	wg.Go(func() { del.Run(ctx) })
	wg.Go(func() { w.Run(ctx) })
	wg.Go(func() { p.Run(ctx) })
	return del.Kick, wg.Wait
}
