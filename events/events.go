// Package events is the transactional outbox: domain changes write their
// events in the same transaction as the change (store.Tx.Emit), and a
// Dispatcher delivers them, at least once and in order, to in-process
// subscribers, retrying with backoff and resuming after a restart from
// each subscriber's durable cursor. Between nodes, events will travel over
// NATS JetStream (DESIGN.md §1); this package is the in-process half.
//
// The dispatcher also keeps the outbox from growing forever: periodically it
// deletes the events every subscriber has handled once they are older than a
// retention, and forgets the cursors of subscribers that are gone (see
// Retention).
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

// Cursor is a subscriber's durable progress: every event on its topics up
// to LastID has been handled, and Attempts, NextTry and LastError tell the
// state of retries of the next one.
type Cursor struct {
	Subscriber string
	LastID     int64
	Attempts   int
	NextTry    time.Time
	LastError  string
	// Saved is when the cursor was last stored. The store sets it on every
	// save; it tells live subscribers from gone ones (Retention.StaleAfter).
	Saved time.Time
}

// Retention bounds what the outbox keeps of delivered events.
//
// A cursor is judged stale by when it was last saved, not by when it last
// moved: a live subscriber with nothing to handle does not move, so the
// dispatcher re-saves each of its subscribers' cursors before every prune,
// and moves the cursor of a subscriber with nothing pending to the newest
// event (on any topic), so that an idle subscriber neither goes stale nor
// holds back the events of topics it does not follow. Only the cursor of a
// subscriber that no dispatcher runs any more (a node taken out of service,
// a subscriber renamed) ages. StaleAfter must therefore be far longer than
// the dispatcher's PruneEvery.
type Retention struct {
	// Keep is how long an event stays after its commit even once every
	// subscriber has handled it, so that a node that restarts, or a new
	// subscriber that replays from a recent point, still finds it.
	Keep time.Duration
	// StaleAfter is how long a cursor may go unsaved before its subscriber
	// counts as gone: the prune deletes the cursor, which then no longer
	// holds back pruning. A subscriber that comes back after that starts
	// again from the oldest event left.
	StaleAfter time.Duration
	// Batch caps the events deleted in one transaction, so that pruning
	// never holds the single writer for long.
	Batch int
}

// Pruned tells what one prune removed.
type Pruned struct {
	// Events is how many events were deleted.
	Events int64
	// Stale are the cursors deleted as stale, as they were last saved.
	Stale []Cursor
}

// Store is what the dispatcher needs from the database.
type Store interface {
	// EventsAfter returns up to limit events with ID > after on the given
	// topics, in ID order.
	EventsAfter(ctx context.Context, after int64, topics []string, limit int) ([]Event, error)
	// Cursor returns a subscriber's cursor; a new subscriber starts at 0.
	Cursor(ctx context.Context, subscriber string) (Cursor, error)
	// SaveCursor stores a subscriber's cursor durably and stamps it as
	// saved now.
	SaveCursor(ctx context.Context, c Cursor) error
	// LastEventID returns the ID of the newest event, 0 if none.
	LastEventID(ctx context.Context) (int64, error)
	// PruneEvents deletes the cursors not saved for r.StaleAfter, then, in
	// transactions of at most r.Batch events, the events older than r.Keep
	// that every remaining cursor has passed.
	PruneEvents(ctx context.Context, r Retention) (Pruned, error)
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
	// Retention is what the outbox keeps: delivered events for 7 days,
	// cursors unsaved for 30 days count as gone, 10,000 deletions per
	// transaction.
	Retention Retention
	// PruneEvery is how often the dispatcher re-saves its subscribers'
	// cursors and prunes the outbox (one hour); FirstPrune is how long
	// after Run starts it first does so (one minute, to keep it out of a
	// node's start). Both are read from the dispatcher's clock.
	PruneEvery, FirstPrune time.Duration
}

// NewDispatcher returns a dispatcher reading events from store.
func NewDispatcher(store Store, clock secunion.Clock, log *slog.Logger) *Dispatcher {
	return &Dispatcher{store: store, clock: clock, log: log, wake: make(chan struct{}, 1),
		Poll: time.Second, MinBackoff: time.Second, MaxBackoff: 5 * time.Minute,
		Retention:  Retention{Keep: 7 * 24 * time.Hour, StaleAfter: 30 * 24 * time.Hour, Batch: 10_000},
		PruneEvery: time.Hour, FirstPrune: time.Minute}
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

// Run delivers events, and prunes the outbox, until ctx ends. It returns
// once a prune under way has stopped too.
func (d *Dispatcher) Run(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	// Prunes run beside delivery, which must not wait for them: a large
	// backlog takes many transactions. A prune asked for while one runs
	// waits for it; further asks meanwhile add nothing.
	prunes := make(chan struct{}, 1)
	var pruner sync.WaitGroup
	defer pruner.Wait()
	pruner.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-prunes:
				d.prune(ctx)
			}
		}
	})
	// caughtUp holds, by subscriber, an event ID up to which it has handled
	// every event on its topics, when that lies past its cursor. The cursor
	// of a subscriber whose topics are quiet moves only at prune time;
	// reading from it on every pass would go over every event since then,
	// on all topics, again and again.
	caughtUp := map[string]int64{}
	nextPrune := d.clock.Now().Add(d.FirstPrune)
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
		// The newest ID is read before the subscribers' events: IDs commit
		// in order, so a subscriber with nothing pending after this read has
		// nothing up to head still to come.
		head, err := d.store.LastEventID(ctx)
		if err != nil {
			d.log.Error("events: read outbox", "err", err)
		}
		for _, s := range subs {
			w, idle := d.deliver(ctx, s, caughtUp[s.name])
			if w > 0 && w < wait {
				wait = w
			}
			if idle && head > caughtUp[s.name] {
				caughtUp[s.name] = head
			}
		}
		if now := d.clock.Now(); !now.Before(nextPrune) {
			nextPrune = now.Add(d.PruneEvery)
			// Cursors are re-saved here, in the goroutine that delivers, so
			// that the two never race.
			if d.touch(ctx, subs, caughtUp) {
				select {
				case prunes <- struct{}{}:
				default:
				}
			}
		}
		timer.Reset(wait)
	}
}

// touch re-saves the cursor of every subscriber so that it does not go
// stale while the subscriber has nothing to handle, and moves the cursor of
// a subscriber with nothing pending to the newest event, so that it does
// not hold back the pruning of topics it does not follow. Pending events
// are looked for after the cursor or caughtUp, whichever is further. It
// reports whether every cursor was saved: the outbox is pruned only then.
func (d *Dispatcher) touch(ctx context.Context, subs []subscriber, caughtUp map[string]int64) bool {
	// The newest ID is read before the subscriber's pending events: IDs
	// commit in order, so if none is pending after this read, none up to
	// head can still arrive.
	head, err := d.store.LastEventID(ctx)
	if err != nil {
		d.log.Error("events: read outbox", "err", err)
		return false
	}
	ok := true
	for _, s := range subs {
		c, err := d.store.Cursor(ctx, s.name)
		if err != nil {
			d.log.Error("events: read cursor", "subscriber", s.name, "err", err)
			ok = false
			continue
		}
		pending, err := d.store.EventsAfter(ctx, max(c.LastID, caughtUp[s.name]), s.topics, 1)
		if err != nil {
			d.log.Error("events: read outbox", "subscriber", s.name, "err", err)
			ok = false
			continue
		}
		if len(pending) == 0 && head > c.LastID {
			c = Cursor{Subscriber: s.name, LastID: head}
		}
		if err := d.store.SaveCursor(ctx, c); err != nil {
			d.log.Error("events: save cursor", "subscriber", s.name, "err", err)
			ok = false
		}
	}
	return ok
}

// prune deletes stale cursors and the events no subscriber needs any more,
// and logs what it removed.
func (d *Dispatcher) prune(ctx context.Context) {
	p, err := d.store.PruneEvents(ctx, d.Retention)
	for _, c := range p.Stale {
		d.log.Warn("events: deleted stale cursor", "subscriber", c.Subscriber, "last_id", c.LastID,
			"saved", c.Saved, "stale_after", d.Retention.StaleAfter.String())
	}
	if err != nil {
		if ctx.Err() == nil {
			d.log.Error("events: prune outbox", "events", p.Events, "stale_cursors", len(p.Stale), "err", err)
		}
		return
	}
	d.log.Info("events: pruned outbox", "events", p.Events, "stale_cursors", len(p.Stale))
}

// deliver hands a subscriber its pending events in order, stopping at the
// first failure; it reads them after its cursor, or after caughtUp when
// that is further. It returns how long until the subscriber's next retry,
// or zero when it has nothing left to retry, and whether it handled every
// event that was pending.
func (d *Dispatcher) deliver(ctx context.Context, s subscriber, caughtUp int64) (time.Duration, bool) {
	c, err := d.store.Cursor(ctx, s.name)
	if err != nil {
		d.log.Error("events: read cursor", "subscriber", s.name, "err", err)
		return 0, false
	}
	if now := d.clock.Now(); now.Before(c.NextTry) {
		return c.NextTry.Sub(now), false
	}
	after := max(c.LastID, caughtUp)
	for {
		evs, err := d.store.EventsAfter(ctx, after, s.topics, 100)
		if err != nil {
			d.log.Error("events: read outbox", "subscriber", s.name, "err", err)
			return 0, false
		}
		if len(evs) == 0 {
			return 0, true
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
				return backoff, false
			}
			c = Cursor{Subscriber: s.name, LastID: e.ID}
			if err := d.store.SaveCursor(ctx, c); err != nil {
				d.log.Error("events: save cursor", "subscriber", s.name, "err", err)
				return 0, false
			}
			after = e.ID
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
