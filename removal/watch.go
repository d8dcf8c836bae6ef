package removal

import (
	"context"
	"log/slog"
	"time"

	"secunion"
)

// WatchStore is what the Watcher needs of the store.
type WatchStore interface {
	DueOrders(ctx context.Context, now time.Time, limit int) ([]Order, error)
	NodeStep(ctx context.Context, id string, s Step) (Order, error)
	NextDue(ctx context.Context) (time.Time, error)
}

// Watcher keeps the one-hour rule: it warns WarnBefore the deadline of
// every order whose hour runs, and records a breach at the deadline, on
// the store's clock. It is also the retention job of preserved content
// (Art 6(2)): when an order's preservation period ends, six months after
// removal or later as extended, it erases the order's content reference
// (Erase). The store keeps one due time per order for both.
type Watcher struct {
	Store WatchStore
	Clock secunion.Clock
	Log   *slog.Logger
	// Poll bounds how long the watcher sleeps, so that it notices the
	// hours started meanwhile.
	Poll time.Duration
}

// Tick warns, records breaches and erases preserved content for every
// order due by now, and returns how many steps it took.
func (w *Watcher) Tick(ctx context.Context) (int, error) {
	n := 0
	for {
		now := w.Clock.Now()
		due, err := w.Store.DueOrders(ctx, now, 500)
		if err != nil {
			return n, err
		}
		for _, o := range due {
			a := Warn
			switch {
			case o.State != Received:
				a = Erase
			case !now.Before(o.Deadline):
				a = Breach
			}
			// A conflict means the order moved on meanwhile (answered,
			// withdrawn, preserved longer): nothing to do.
			if _, err := w.Store.NodeStep(ctx, o.ID, Step{Action: a, At: now}); secunion.CodeOf(err) == secunion.Conflict {
				continue
			} else if err != nil {
				return n, err
			}
			n++
			switch a {
			case Breach:
				w.Log.Warn("removal: one-hour deadline breached", "order", o.ID, "provider", o.Provider, "deadline", o.Deadline)
			case Erase:
				w.Log.Info("removal: preservation ended, content reference erased", "order", o.ID, "preserved_until", o.Preserve)
			}
		}
		if len(due) < 500 {
			return n, nil
		}
	}
}

// Run watches until ctx ends.
func (w *Watcher) Run(ctx context.Context) {
	for {
		// After a failed tick the watcher waits the whole poll, rather
		// than spin on an order that is due.
		wait := w.Poll
		if _, err := w.Tick(ctx); err != nil {
			if ctx.Err() == nil {
				w.Log.Error("removal: deadline watcher", "error", err)
			}
		} else if next, err := w.Store.NextDue(ctx); err == nil && !next.IsZero() {
			wait = min(wait, max(0, next.Sub(w.Clock.Now())))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		t.Stop()
	}
}
