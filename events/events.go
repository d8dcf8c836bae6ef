// Package events is the transactional outbox: domain changes write their
// events in the same transaction as the change (store.Tx.Emit), and a
// Dispatcher delivers them, at least once and in order, to in-process
// subscribers, retrying with backoff and resuming after a restart from
// each subscriber's durable cursor. Between nodes, events will travel over
// NATS JetStream (DESIGN.md §1); this package is the in-process half.
package events

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"secunion"
)

// Event is one committed domain event.
type Event struct {
	ID      int64           `json:"id"`
	Topic   string          `json:"topic"`
	Payload json.RawMessage `json:"payload"`
	Created time.Time       `json:"created"`
}

// Cursor is a subscriber's durable progress: the last event it handled and
// the state of retries of the next one.
type Cursor struct {
	Subscriber string
	LastID     int64
	Attempts   int
	NextTry    time.Time
	LastError  string
}

// Store is what the dispatcher needs from the database.
type Store interface {
	// EventsAfter returns up to limit events with ID > after on the given
	// topics, in ID order.
	EventsAfter(ctx context.Context, after int64, topics []string, limit int) ([]Event, error)
	// Cursor returns a subscriber's cursor; a new subscriber starts at 0.
	Cursor(ctx context.Context, subscriber string) (Cursor, error)
	// SaveCursor stores a subscriber's cursor durably.
	SaveCursor(ctx context.Context, c Cursor) error
}

// Handler handles one event. An error makes the dispatcher retry the same
// event later; handlers must therefore be idempotent.
type Handler func(ctx context.Context, e Event) error

type subscriber struct {
	name    string
	topics  []string
	handler Handler
}

// Dispatcher delivers outbox events to subscribers.
type Dispatcher struct {
	store Store
	clock secunion.Clock
	log   *slog.Logger
	wake  chan struct{}

	mu   sync.Mutex
	subs []subscriber

	// Poll is how often the outbox is read when nothing wakes the
	// dispatcher (events written by another process or node).
	Poll time.Duration
	// MinBackoff and MaxBackoff bound the wait before retrying a failed
	// event; the wait doubles with every failure.
	MinBackoff, MaxBackoff time.Duration
}

// NewDispatcher returns a dispatcher reading events from store.
func NewDispatcher(store Store, clock secunion.Clock, log *slog.Logger) *Dispatcher {
	return &Dispatcher{store: store, clock: clock, log: log, wake: make(chan struct{}, 1),
		Poll: time.Second, MinBackoff: time.Second, MaxBackoff: 5 * time.Minute}
}

// Subscribe registers handler under a durable name for events on topics.
// The name keys the subscriber's cursor: keep it stable across releases.
// Subscribe before Run.
func (d *Dispatcher) Subscribe(name string, topics []string, handler Handler) {
	d.mu.Lock()
	d.subs = append(d.subs, subscriber{name: name, topics: topics, handler: handler})
	d.mu.Unlock()
}

// Wake tells the dispatcher that new events were committed. It never
// blocks.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run delivers events until ctx ends.
func (d *Dispatcher) Run(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-d.wake:
		case <-timer.C:
		}
		wait := d.Poll
		d.mu.Lock()
		subs := append([]subscriber(nil), d.subs...)
		d.mu.Unlock()
		for _, s := range subs {
			if w := d.deliver(ctx, s); w > 0 && w < wait {
				wait = w
			}
		}
		timer.Reset(wait)
	}
}

// deliver hands a subscriber its pending events in order, stopping at the
// first failure. It returns how long until the subscriber's next retry, or
// zero when it has nothing left to retry.
func (d *Dispatcher) deliver(ctx context.Context, s subscriber) time.Duration {
	c, err := d.store.Cursor(ctx, s.name)
	if err != nil {
		d.log.Error("events: read cursor", "subscriber", s.name, "err", err)
		return 0
	}
	if now := d.clock.Now(); now.Before(c.NextTry) {
		return c.NextTry.Sub(now)
	}
	for {
		evs, err := d.store.EventsAfter(ctx, c.LastID, s.topics, 100)
		if err != nil {
			d.log.Error("events: read outbox", "subscriber", s.name, "err", err)
			return 0
		}
		if len(evs) == 0 {
			return 0
		}
		for _, e := range evs {
			if err := d.call(ctx, s, e); err != nil {
				c.Attempts++
				backoff := d.MinBackoff << min(c.Attempts-1, 20)
				if backoff > d.MaxBackoff {
					backoff = d.MaxBackoff
				}
				c.NextTry, c.LastError = d.clock.Now().Add(backoff), err.Error()
				d.log.Warn("events: delivery failed", "subscriber", s.name, "event", e.ID, "attempts", c.Attempts, "retry_in", backoff.String(), "err", err)
				if err := d.store.SaveCursor(ctx, c); err != nil {
					d.log.Error("events: save cursor", "subscriber", s.name, "err", err)
				}
				return backoff
			}
			c = Cursor{Subscriber: s.name, LastID: e.ID}
			if err := d.store.SaveCursor(ctx, c); err != nil {
				d.log.Error("events: save cursor", "subscriber", s.name, "err", err)
				return 0
			}
		}
	}
}

func (d *Dispatcher) call(ctx context.Context, s subscriber, e Event) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = secunion.Errorf(secunion.Internal, "handler panicked: %v", p)
		}
	}()
	return s.handler(ctx, e)
}
