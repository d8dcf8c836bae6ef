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
type Deliverer struct {
	Store   DeliveryStore
	Client  *http.Client // with its timeout
	Clock   secunion.Clock
	Log     *slog.Logger
	Workers int // concurrent pushes

	once sync.Once
	kick chan struct{}
}

// Lease is how long a claimed push is held before another attempt may
// take it, longer than a push's timeout.
const Lease = 30 * time.Second

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
				d.push(ctx, dl)
			}
		})
	}
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

// Once claims the pushes due now and makes them, concurrently, returning
// how many it tried: for tests and tools that drive delivery step by step.
func (d *Deliverer) Once(ctx context.Context) (int, error) {
	batch, err := d.Store.ClaimDeliveries(ctx, 4*max(1, d.Workers), Lease)
	var wg sync.WaitGroup
	for _, dl := range batch {
		wg.Go(func() { d.push(ctx, dl) })
	}
	wg.Wait()
	return len(batch), err
}

// maxPushAnswer bounds what is read of a webhook's answer.
const maxPushAnswer = 64 << 10

// push makes one attempt and records its outcome.
func (d *Deliverer) push(ctx context.Context, dl Delivery) {
	ack, ackErr, err := d.attempt(ctx, dl)
	if err != nil {
		next := d.Clock.Now().Add(Backoff(dl.Attempts))
		d.Log.Warn("removal: webhook push failed", "order", dl.Order.ID, "provider", dl.Order.Provider, "attempt", dl.Attempts, "retry", next, "error", err)
		if err := d.Store.PushFailed(ctx, dl, next, err.Error()); err != nil && ctx.Err() == nil {
			d.Log.Error("removal: record failed push", "order", dl.Order.ID, "error", err)
		}
		return
	}
	if ackErr != nil {
		d.Log.Warn("removal: webhook acknowledgement refused", "order", dl.Order.ID, "provider", dl.Order.Provider, "error", ackErr)
	}
	if err := d.Store.Pushed(ctx, dl, ack, ackErr); err != nil && ctx.Err() == nil {
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
		return ack, nil, fmt.Errorf("webhook answered %s: %s", resp.Status, secunion.Clip(string(answer), 200))
	}
	ack, ackErr = ParseAck(dl.Secret, dl.Order.ID, dl.Nonce, answer)
	return ack, ackErr, nil
}
