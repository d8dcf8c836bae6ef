package events_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"secunion"
	"secunion/events"
	"secunion/store"
	"secunion/store/pgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}

// engines runs test on SQLite and on PostgreSQL; open opens (or reopens)
// the same database.
func engines(t *testing.T, test func(t *testing.T, open func() *store.DB)) {
	opener := func(t *testing.T, do func(context.Context, store.Options) (*store.DB, error)) func() *store.DB {
		keys, err := store.LoadKeys(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return func() *store.DB {
			db, err := do(context.Background(), store.Options{Keys: keys, CheckpointEvery: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			return db
		}
	}
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		test(t, opener(t, func(ctx context.Context, o store.Options) (*store.DB, error) { return store.OpenSQLite(ctx, dir, o) }))
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := pgtest.DSN(t)
		test(t, opener(t, func(ctx context.Context, o store.Options) (*store.DB, error) { return store.OpenPostgres(ctx, dsn, o) }))
	})
}

func emit(t *testing.T, db *store.DB, topic string, n int) {
	t.Helper()
	if err := db.Write(context.Background(), func(tx *store.Tx) error { return tx.Emit(topic, map[string]int{"n": n}) }); err != nil {
		t.Fatal(err)
	}
}

// recorder collects delivered events and can be told to fail.
type recorder struct {
	mu    sync.Mutex
	got   []int64
	fails int
	seen  chan struct{}
}

func (r *recorder) handle(_ context.Context, e events.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	defer func() { r.seen <- struct{}{} }()
	if r.fails > 0 {
		r.fails--
		return errors.New("subscriber down")
	}
	r.got = append(r.got, e.ID)
	return nil
}

func (r *recorder) wait(t *testing.T, n int) []int64 {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		r.mu.Lock()
		got := append([]int64(nil), r.got...)
		r.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-r.seen:
		case <-deadline:
			t.Fatalf("delivered %v, want %d events", got, n)
		}
	}
}

// TestDeliveryRetryAndResume: events reach their subscriber in order, a
// failure is retried, other topics are not delivered, and after a restart
// delivery resumes after the last handled event.
func TestDeliveryRetryAndResume(t *testing.T) {
	engines(t, func(t *testing.T, open func() *store.DB) {
		db := open()
		rec := &recorder{fails: 2, seen: make(chan struct{}, 100)}
		d := events.NewDispatcher(db, secunion.SystemClock{}, slog.New(slog.DiscardHandler))
		d.MinBackoff, d.Poll = time.Millisecond, 10*time.Millisecond
		d.Subscribe("links", []string{"identity.created"}, rec.handle)
		db.OnWrite(d.Wake)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { d.Run(ctx); close(done) }()
		emit(t, db, "identity.created", 1)
		emit(t, db, "other.topic", 2)
		emit(t, db, "identity.created", 3)
		got := rec.wait(t, 2)
		if len(got) != 2 || got[0] >= got[1] {
			t.Fatalf("delivered %v", got)
		}
		// The cursor is saved just after the handler returns.
		var c events.Cursor
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if c, _ = db.Cursor(context.Background(), "links"); c.LastID == got[1] {
				break
			}
		}
		if c.LastID != got[1] || c.Attempts != 0 {
			t.Errorf("cursor = %+v, want last ID %d and no pending retry", c, got[1])
		}
		cancel()
		<-done
		db.Close()

		// Events written while the node was down are delivered after restart,
		// and nothing already handled is delivered again.
		db = open()
		defer db.Close()
		emit(t, db, "identity.created", 4)
		rec2 := &recorder{seen: make(chan struct{}, 100)}
		d = events.NewDispatcher(db, secunion.SystemClock{}, slog.New(slog.DiscardHandler))
		d.Subscribe("links", []string{"identity.created"}, rec2.handle)
		ctx, cancel = context.WithCancel(context.Background())
		defer cancel()
		go d.Run(ctx)
		got2 := rec2.wait(t, 1)
		if len(got2) != 1 || got2[0] <= got[1] {
			t.Fatalf("after restart delivered %v (before: %v)", got2, got)
		}
	})
}
