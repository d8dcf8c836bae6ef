package removal

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"secunion"
)

// DeliveryStore is what the Deliverer needs of the store.
type DeliveryStore interface {
	ClaimDeliveries(ctx context.Context, limit int, lease time.Duration) ([]Delivery, error)
	Pushed(ctx context.Context, d Delivery, ack Ack, ackErr error) error
	PushFailed(ctx context.Context, d Delivery, next time.Time, reason string) error
}

// Deliverer pushes orders to providers' webhooks from the store's durable
// queue, with retries and backoff, and records what the webhook answered.
// At most PerProvider pushes to one provider are under way at once: a
// provider whose webhook is slow holds that many workers, and the others
// go on delivering to everyone else.
type Deliverer struct {
	Store       DeliveryStore
	Client      *http.Client // each push is bounded by PushTimeout
	Clock       secunion.Clock
	Log         *slog.Logger
	Workers     int // concurrent pushes in all
	PerProvider int // concurrent pushes to one provider; 0 means DefaultPerProvider

	once    sync.Once
	kick    chan struct{}
	lanes   lanes
	records sync.WaitGroup // outcomes of pushes being written
}

// DefaultPerProvider is how many pushes to one provider may be under way
// at once when the Deliverer does not say.
const DefaultPerProvider = 4

// PushTimeout bounds one push, from the request to the webhook's answer.
const PushTimeout = 10 * time.Second

// Lease is how long a claimed push is held before another attempt may
// take it: longer than a push may take, with time to write its outcome,
// so that a push under way is not made twice; and short, since the pushes
// a node claimed when it died wait out their lease.
const Lease = PushTimeout + 5*time.Second

// maxBackoff bounds the wait between attempts.
const maxBackoff = 5 * time.Minute

// Backoff returns the wait before attempt n+1 after n failed ones: one
// second doubled each time up to five minutes, with up to a fifth of
// jitter so that many orders to one recovering provider spread out.
func Backoff(n int) time.Duration {
	d := maxBackoff
	if n < 20 {
		d = min(maxBackoff, time.Second<<(n-1))
	}
	return d + time.Duration(rand.Int64N(int64(d)/5+1))
}

func (d *Deliverer) init() {
	d.once.Do(func() { d.kick = make(chan struct{}, 1) })
}

// Kick wakes the deliverer at once: an order was issued.
func (d *Deliverer) Kick() {
	d.init()
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

func (d *Deliverer) perProvider() int {
	if d.PerProvider > 0 {
		return d.PerProvider
	}
	return DefaultPerProvider
}

// Run delivers until ctx ends, looking for due pushes when kicked and at
// least every second.
func (d *Deliverer) Run(ctx context.Context) {
	d.init()
	workers := max(1, d.Workers)
	jobs := make(chan Delivery)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for dl := range jobs {
				d.pushLane(ctx, dl)
			}
		})
	}
	defer d.records.Wait()
	defer wg.Wait()
	defer close(jobs)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		batch, err := d.Store.ClaimDeliveries(ctx, 4*workers, Lease)
		if err != nil && ctx.Err() == nil {
			d.Log.Error("removal: claim deliveries", "error", err)
		}
		for _, dl := range batch {
			if !d.lanes.admit(dl, d.perProvider()) {
				continue // it waits for a push to its provider to end
			}
			select {
			case jobs <- dl:
			case <-ctx.Done():
				return
			}
		}
		if len(batch) == 4*workers {
			continue // more may be due
		}
		select {
		case <-ctx.Done():
			return
		case <-d.kick:
		case <-tick.C:
		}
	}
}

// Once claims the pushes due now and makes them, concurrently within the
// limit per provider, returning how many it claimed: for tests and tools
// that drive delivery step by step.
func (d *Deliverer) Once(ctx context.Context) (int, error) {
	batch, err := d.Store.ClaimDeliveries(ctx, 4*max(1, d.Workers), Lease)
	var wg sync.WaitGroup
	for _, dl := range batch {
		if d.lanes.admit(dl, d.perProvider()) {
			wg.Go(func() { d.pushLane(ctx, dl) })
		}
	}
	wg.Wait()
	d.records.Wait()
	return len(batch), err
}

// pushLane makes dl's push, then those waiting for the same provider, in
// the order they were claimed, until none is left.
func (d *Deliverer) pushLane(ctx context.Context, dl Delivery) {
	for {
		if ctx.Err() == nil {
			d.push(ctx, dl)
		}
		next, ok := d.lanes.done(dl.Order.Provider)
		if !ok {
			return
		}
		dl = next
	}
}

// lanes holds claimed pushes by provider: those under way, at most the
// limit for each provider, and those waiting for one of them to end.
type lanes struct {
	mu      sync.Mutex
	busy    map[string]int         // pushes under way, by provider
	waiting map[string][]*Delivery // by provider, in the order claimed
	held    map[string]*Delivery   // the waiting ones, by order
}

// admit reports whether dl's push may start now, taking one of its
// provider's places; otherwise dl waits for a place.
func (l *lanes) admit(dl Delivery, limit int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.busy == nil {
		l.busy, l.waiting, l.held = map[string]int{}, map[string][]*Delivery{}, map[string]*Delivery{}
	}
	if w := l.held[dl.Order.ID]; w != nil {
		// Claimed again while it waited here, its lease over: the store
		// now expects the new claim's nonce. No push was made meanwhile,
		// so it stays the same attempt.
		w.Nonce = dl.Nonce
		return false
	}
	p := dl.Order.Provider
	if l.busy[p] < limit {
		l.busy[p]++
		return true
	}
	l.held[dl.Order.ID] = &dl
	l.waiting[p] = append(l.waiting[p], &dl)
	return false
}

// done ends a push to provider p and returns the next waiting for p,
// which takes over its place, or frees the place when none waits.
func (l *lanes) done(p string) (Delivery, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if q := l.waiting[p]; len(q) > 0 {
		next := q[0]
		if len(q) == 1 {
			delete(l.waiting, p)
		} else {
			l.waiting[p] = q[1:]
		}
		delete(l.held, next.Order.ID)
		return *next, true
	}
	if l.busy[p]--; l.busy[p] <= 0 {
		delete(l.busy, p)
	}
	return Delivery{}, false
}

// maxPushAnswer bounds what is read of a webhook's answer.
const maxPushAnswer = 64 << 10

// push makes one attempt and has its outcome recorded meanwhile: the
// worker and the provider's place are held for the exchange with the
// webhook, not for the store's write. The write goes on if ctx ends, so
// that a node shutting down keeps the receipts it got.
func (d *Deliverer) push(ctx context.Context, dl Delivery) {
	ack, ackErr, err := d.attempt(ctx, dl)
	d.records.Go(func() { d.record(context.WithoutCancel(ctx), dl, ack, ackErr, err) })
}

// record writes the outcome of an attempt: a failure with the time of
// the next, or what the webhook answered.
func (d *Deliverer) record(ctx context.Context, dl Delivery, ack Ack, ackErr, err error) {
	if err != nil {
		next := d.Clock.Now().Add(Backoff(dl.Attempts))
		d.Log.Warn("removal: webhook push failed", "order", dl.Order.ID, "provider", dl.Order.Provider, "attempt", dl.Attempts, "retry", next, "error", err)
		if err := d.Store.PushFailed(ctx, dl, next, err.Error()); err != nil {
			d.Log.Error("removal: record failed push", "order", dl.Order.ID, "error", err)
		}
		return
	}
	if ackErr != nil {
		d.Log.Warn("removal: webhook acknowledgement refused", "order", dl.Order.ID, "provider", dl.Order.Provider, "error", ackErr)
	}
	if err := d.Store.Pushed(ctx, dl, ack, ackErr); err != nil {
		d.Log.Error("removal: record push", "order", dl.Order.ID, "error", err)
	}
}

// attempt POSTs the order; err is a failed push (to retry), ackErr an
// answer that is not a valid acknowledgement of this push.
func (d *Deliverer) attempt(ctx context.Context, dl Delivery) (ack Ack, ackErr, err error) {
	body, err := json.Marshal(dl.Order)
	if err != nil {
		return ack, nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, PushTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, dl.Webhook, bytes.NewReader(body))
	if err != nil {
		return ack, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderIdempotency, dl.Order.ID)
	req.Header.Set(HeaderDelivery, dl.Nonce)
	req.Header.Set(HeaderSignature, Sign(dl.Secret, d.Clock.Now(), dl.Nonce, body))
	resp, err := d.Client.Do(req)
	if err != nil {
		return ack, nil, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxPushAnswer))
	if err != nil {
		return ack, nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return ack, nil, fmt.Errorf("webhook answered %s: %s", resp.Status, secunion.Clip(strings.TrimSpace(string(answer)), 200))
	}
	ack, ackErr = ParseAck(dl.Secret, dl.Order.ID, dl.Nonce, answer)
	return ack, ackErr, nil
}
