package events_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"slices"
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
// the same database, on the system clock if clock is nil.
func engines(t *testing.T, test func(t *testing.T, open func(clock secunion.Clock) *store.DB)) {
	opener := func(t *testing.T, do func(context.Context, store.Options) (*store.DB, error)) func(secunion.Clock) *store.DB {
		keys, err := store.LoadKeys(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return func(clock secunion.Clock) *store.DB {
			db, err := do(context.Background(), store.Options{Keys: keys, Clock: clock, CheckpointEvery: time.Hour})
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

// recorder collects delivered events and can be told to fail: the next
// fails calls, and every call for an event with an ID from failFrom on
// while failFrom is not 0.
type recorder struct {
	mu       sync.Mutex
	got      []int64
	fails    int
	failFrom int64
	seen     chan struct{}
}

func (r *recorder) handle(_ context.Context, e events.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	defer func() {
		select {
		case r.seen <- struct{}{}:
		default:
		}
	}()
	if r.fails > 0 {
		r.fails--
		return errors.New("subscriber down")
	}
	if r.failFrom != 0 && e.ID >= r.failFrom {
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
	engines(t, func(t *testing.T, open func(secunion.Clock) *store.DB) {
		db := open(nil)
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
		db = open(nil)
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

const day = 24 * time.Hour

var epoch = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

// logs keeps the dispatcher's log records so tests can wait for a prune.
type logs struct {
	mu   sync.Mutex
	recs []slog.Record
	seen chan struct{}
}

func newLogs() *logs { return &logs{seen: make(chan struct{}, 1)} }

func (l *logs) Enabled(context.Context, slog.Level) bool { return true }

func (l *logs) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	l.recs = append(l.recs, r.Clone())
	l.mu.Unlock()
	select {
	case l.seen <- struct{}{}:
	default:
	}
	return nil
}

func (l *logs) WithAttrs([]slog.Attr) slog.Handler { return l }

func (l *logs) WithGroup(string) slog.Handler { return l }

// wait returns the attributes of the nth record (from 1) with message msg.
func (l *logs) wait(t *testing.T, msg string, n int) map[string]slog.Value {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		l.mu.Lock()
		k := 0
		for _, r := range l.recs {
			if r.Message != msg {
				continue
			}
			if k++; k == n {
				attrs := map[string]slog.Value{}
				r.Attrs(func(a slog.Attr) bool { attrs[a.Key] = a.Value; return true })
				l.mu.Unlock()
				return attrs
			}
		}
		l.mu.Unlock()
		select {
		case <-l.seen:
		case <-deadline:
			t.Fatalf("no %d. log record %q", n, msg)
		}
	}
}

// waitCursor waits until subscriber's cursor stands at last.
func waitCursor(t *testing.T, db *store.DB, subscriber string, last int64) {
	t.Helper()
	var c events.Cursor
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if c, _ = db.Cursor(context.Background(), subscriber); c.LastID == last {
			return
		}
	}
	t.Fatalf("cursor of %s = %+v, want last ID %d", subscriber, c, last)
}

func outboxIDs(t *testing.T, db *store.DB, topics ...string) []int64 {
	t.Helper()
	evs, err := db.EventsAfter(context.Background(), 0, topics, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, e := range evs {
		ids = append(ids, e.ID)
	}
	return ids
}

func start(t *testing.T, d *events.Dispatcher) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

// TestPruneKeepsWhatSubscribersNeed: the dispatcher prunes the outbox on its
// clock, but never an event a subscriber has not handled nor one younger
// than the retention, so a subscriber that was down receives every event,
// in order, across prunes.
func TestPruneKeepsWhatSubscribersNeed(t *testing.T) {
	engines(t, func(t *testing.T, open func(secunion.Clock) *store.DB) {
		clock := secunion.NewFakeClock(epoch)
		db := open(clock)
		t.Cleanup(func() { db.Close() }) // after the dispatcher stops
		for i := range 5 {
			emit(t, db, "t", i)
		}
		old := outboxIDs(t, db, "t")
		log := newLogs()
		d := events.NewDispatcher(db, clock, slog.New(log))
		d.Poll = 5 * time.Millisecond
		fast := &recorder{seen: make(chan struct{}, 1)}
		slow := &recorder{failFrom: old[2], seen: make(chan struct{}, 1)}
		d.Subscribe("fast", []string{"t"}, fast.handle)
		d.Subscribe("slow", []string{"t"}, slow.handle)
		db.OnWrite(d.Wake)
		start(t, d)
		fast.wait(t, 5)
		slow.wait(t, 2)
		waitCursor(t, db, "fast", old[4])
		waitCursor(t, db, "slow", old[1])

		// Eight days on, only what both handled goes.
		clock.Advance(8 * day)
		d.Wake()
		if got := log.wait(t, "events: pruned outbox", 1); got["events"].Int64() != 2 {
			t.Fatalf("first prune: %v, want 2 events deleted", got)
		}
		if left := outboxIDs(t, db, "t"); !slices.Equal(left, old[2:]) {
			t.Fatalf("left %v, want the events slow has not handled: %v", left, old[2:])
		}
		emit(t, db, "t", 5)
		all := slices.Concat(old, outboxIDs(t, db, "t")[3:])
		fast.wait(t, 6)
		waitCursor(t, db, "fast", all[5])

		// The slow subscriber recovers and gets the rest in order.
		slow.mu.Lock()
		slow.failFrom = 0
		slow.mu.Unlock()
		clock.Advance(time.Hour)
		d.Wake()
		if got := slow.wait(t, 6); !slices.Equal(got, all) {
			t.Fatalf("slow received %v, want %v", got, all)
		}
		waitCursor(t, db, "slow", all[5])
		// Every hour brings one prune; the one of this hour may have run
		// before slow caught up, the next one certainly after. The event of
		// day 8 is still recent.
		second := log.wait(t, "events: pruned outbox", 2)
		clock.Advance(time.Hour)
		d.Wake()
		third := log.wait(t, "events: pruned outbox", 3)
		if n := second["events"].Int64() + third["events"].Int64(); n != 3 {
			t.Fatalf("second and third prunes deleted %d events, want 3", n)
		}
		if left := outboxIDs(t, db, "t"); !slices.Equal(left, all[5:]) {
			t.Fatalf("left %v, want the recent event %d kept", left, all[5])
		}
		clock.Advance(8 * day)
		d.Wake()
		if got := log.wait(t, "events: pruned outbox", 4); got["events"].Int64() != 1 {
			t.Fatalf("fourth prune: %v, want 1 event deleted", got)
		}
		// Delivery goes on after the outbox was emptied.
		emit(t, db, "t", 6)
		if got := slow.wait(t, 7); got[6] <= all[5] {
			t.Fatalf("after the prunes slow received %v", got)
		}
	})
}

// TestPruneStaleAndIdleSubscribers: an idle subscriber stays live and does
// not hold back the events of other topics, while the cursor of a node that
// is gone holds back pruning only until it is stale, then is deleted with a
// log line naming it.
func TestPruneStaleAndIdleSubscribers(t *testing.T) {
	engines(t, func(t *testing.T, open func(secunion.Clock) *store.DB) {
		ctx := context.Background()
		clock := secunion.NewFakeClock(epoch)
		db := open(clock)
		t.Cleanup(func() { db.Close() }) // after the dispatcher stops
		emit(t, db, "x", 0)
		for i := range 3 {
			emit(t, db, "y", i)
		}
		if err := db.SaveCursor(ctx, events.Cursor{Subscriber: "search-index@gone", LastID: 0}); err != nil {
			t.Fatal(err)
		}
		log := newLogs()
		d := events.NewDispatcher(db, clock, slog.New(log))
		d.Poll = 5 * time.Millisecond
		idle := &recorder{seen: make(chan struct{}, 1)}
		busy := &recorder{seen: make(chan struct{}, 1)}
		d.Subscribe("links", []string{"x"}, idle.handle)
		d.Subscribe("search-index@here", []string{"y"}, busy.handle)
		db.OnWrite(d.Wake)
		start(t, d)
		idle.wait(t, 1)
		busy.wait(t, 3)
		head, err := db.LastEventID(ctx)
		if err != nil {
			t.Fatal(err)
		}
		waitCursor(t, db, "search-index@here", head)

		// Shortly after start the first prune runs; the gone node's cursor
		// still holds everything back.
		clock.Advance(d.FirstPrune)
		d.Wake()
		if got := log.wait(t, "events: pruned outbox", 1); got["events"].Int64() != 0 {
			t.Fatalf("first prune: %v, want nothing deleted", got)
		}

		// A month on, with nothing new for either live subscriber, the gone
		// node's cursor is stale and goes; the live ones stay.
		clock.Advance(31 * day)
		d.Wake()
		got := log.wait(t, "events: pruned outbox", 2)
		if got["events"].Int64() != 4 || got["stale_cursors"].Int64() != 1 {
			t.Fatalf("second prune: %v, want 4 events and 1 stale cursor deleted", got)
		}
		if stale := log.wait(t, "events: deleted stale cursor", 1); stale["subscriber"].String() != "search-index@gone" {
			t.Fatalf("stale cursor log: %v", stale)
		}
		for _, name := range []string{"links", "search-index@here"} {
			if c, err := db.Cursor(ctx, name); err != nil || c.LastID != head || !c.Saved.Equal(clock.Now()) {
				t.Errorf("cursor %s = %+v, %v; want it kept at %d, saved now", name, c, err, head)
			}
		}
		// The idle subscriber still gets what comes next.
		emit(t, db, "x", 1)
		if got := idle.wait(t, 2); got[1] <= head {
			t.Fatalf("idle subscriber received %v", got)
		}
	})
}

// afterReads is a store that records where the dispatcher last read each
// subscriber's topics from, by their first topic.
type afterReads struct {
	*store.DB
	mu    sync.Mutex
	after map[string]int64
}

func (r *afterReads) EventsAfter(ctx context.Context, after int64, topics []string, limit int) ([]events.Event, error) {
	r.mu.Lock()
	r.after[topics[0]] = after
	r.mu.Unlock()
	return r.DB.EventsAfter(ctx, after, topics, limit)
}

// TestQuietTopicReadFromHead: a subscriber whose topics are quiet while
// others are busy reads on from the newest event, not from its cursor
// again on every pass (which would read every busy event since, each
// time); it still receives every event on its topics, in order.
func TestQuietTopicReadFromHead(t *testing.T) {
	engines(t, func(t *testing.T, open func(secunion.Clock) *store.DB) {
		ctx := context.Background()
		clock := secunion.NewFakeClock(epoch) // stands still: no prune moves cursors
		db := open(clock)
		t.Cleanup(func() { db.Close() }) // after the dispatcher stops
		emit(t, db, "quiet", 0)
		reads := &afterReads{DB: db, after: map[string]int64{}}
		d := events.NewDispatcher(reads, clock, slog.New(slog.DiscardHandler))
		d.Poll = 5 * time.Millisecond
		quiet := &recorder{seen: make(chan struct{}, 1)}
		busy := &recorder{seen: make(chan struct{}, 1)}
		d.Subscribe("quiet", []string{"quiet"}, quiet.handle)
		d.Subscribe("busy", []string{"busy"}, busy.handle)
		db.OnWrite(d.Wake)
		start(t, d)
		quiet.wait(t, 1)
		for i := range 20 {
			emit(t, db, "busy", i)
		}
		busy.wait(t, 20)
		head, err := db.LastEventID(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var after int64
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && after != head; time.Sleep(5 * time.Millisecond) {
			reads.mu.Lock()
			after = reads.after["quiet"]
			reads.mu.Unlock()
		}
		if after != head {
			t.Fatalf("the quiet subscriber reads after %d, want after the newest event %d", after, head)
		}

		emit(t, db, "quiet", 1)
		emit(t, db, "busy", 20)
		emit(t, db, "quiet", 2)
		got := quiet.wait(t, 3)
		if want := outboxIDs(t, db, "quiet"); !slices.Equal(got, want) {
			t.Fatalf("the quiet subscriber received %v, want %v", got, want)
		}
	})
}
