package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"secunion"
	"secunion/events"
	"secunion/store"
)

const day = 24 * time.Hour

// emitEvents writes n events on topic, one transaction each, and returns
// their IDs.
func emitEvents(t *testing.T, db *store.DB, topic string, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	for i := range n {
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.Emit(topic, map[string]int{"n": i}) }); err != nil {
			t.Fatal(err)
		}
		id, err := db.LastEventID(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// outboxIDs returns the IDs of the events left on topic.
func outboxIDs(t *testing.T, db *store.DB, topic string) []int64 {
	t.Helper()
	evs, err := db.EventsAfter(context.Background(), 0, []string{topic}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, e := range evs {
		ids = append(ids, e.ID)
	}
	return ids
}

func saveCursor(t *testing.T, db *store.DB, subscriber string, last int64) {
	t.Helper()
	if err := db.SaveCursor(context.Background(), events.Cursor{Subscriber: subscriber, LastID: last}); err != nil {
		t.Fatal(err)
	}
}

func prune(t *testing.T, db *store.DB, r events.Retention) events.Pruned {
	t.Helper()
	p, err := db.PruneEvents(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPruneEvents: a prune deletes only the events that every cursor has
// passed and that are older than the retention, in as many batches as it
// takes.
func TestPruneEvents(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		db := e.open(t, store.Options{})
		r := events.Retention{Keep: 7 * day, StaleAfter: 30 * day, Batch: 2}
		old := emitEvents(t, db, "t", 5)
		saveCursor(t, db, "fast", old[4])
		saveCursor(t, db, "slow", old[1]) // has not handled old[2:]
		e.clock.Advance(8 * day)
		recent := emitEvents(t, db, "t", 2)
		saveCursor(t, db, "fast", recent[1])
		saveCursor(t, db, "slow", old[1])

		p := prune(t, db, r)
		if want := slices.Concat(old[2:], recent); p.Events != 2 || len(p.Stale) != 0 || !slices.Equal(outboxIDs(t, db, "t"), want) {
			t.Fatalf("pruned %+v, left %v; want 2 deleted and %v left (undelivered and recent events kept)", p, outboxIDs(t, db, "t"), want)
		}

		// Once the slow subscriber catches up, the rest of the old events
		// go, two per transaction; the recent ones stay although delivered.
		saveCursor(t, db, "slow", recent[1])
		if p := prune(t, db, r); p.Events != 3 || !slices.Equal(outboxIDs(t, db, "t"), recent) {
			t.Fatalf("pruned %+v, left %v; want 3 deleted and %v left", p, outboxIDs(t, db, "t"), recent)
		}
		e.clock.Advance(7*day + time.Second)
		if p := prune(t, db, r); p.Events != 2 || len(outboxIDs(t, db, "t")) != 0 {
			t.Fatalf("pruned %+v, left %v; want everything deleted", p, outboxIDs(t, db, "t"))
		}
		if p := prune(t, db, r); p.Events != 0 {
			t.Fatalf("pruning an empty outbox deleted %d", p.Events)
		}
		if _, err := db.PruneEvents(context.Background(), events.Retention{}); secunion.CodeOf(err) != secunion.Invalid {
			t.Errorf("prune without a retention: %v, want invalid", err)
		}
	})
}

// TestPruneStaleCursor: the cursor of a subscriber that is gone holds back
// pruning only until it is stale; then the prune deletes it and names it.
func TestPruneStaleCursor(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		db := e.open(t, store.Options{})
		r := events.Retention{Keep: 7 * day, StaleAfter: 30 * day, Batch: 10_000}
		ids := emitEvents(t, db, "t", 3)
		goneSaved := e.clock.Now()
		saveCursor(t, db, "search-index@gone", ids[0])
		saveCursor(t, db, "live", ids[2])

		e.clock.Advance(29 * day)
		saveCursor(t, db, "live", ids[2]) // the live subscriber's dispatcher re-saves it
		if p := prune(t, db, r); p.Events != 1 || len(p.Stale) != 0 || !slices.Equal(outboxIDs(t, db, "t"), ids[1:]) {
			t.Fatalf("pruned %+v, left %v before the cursor was stale; want only %d deleted", p, outboxIDs(t, db, "t"), ids[0])
		}

		e.clock.Advance(2 * day)
		saveCursor(t, db, "live", ids[2])
		p := prune(t, db, r)
		if len(p.Stale) != 1 || p.Stale[0].Subscriber != "search-index@gone" || p.Stale[0].LastID != ids[0] || !p.Stale[0].Saved.Equal(goneSaved) {
			t.Fatalf("stale cursors = %+v, want search-index@gone at %d saved %v", p.Stale, ids[0], goneSaved)
		}
		if p.Events != 2 || len(outboxIDs(t, db, "t")) != 0 {
			t.Fatalf("pruned %d events, left %v; the stale cursor still holds them back", p.Events, outboxIDs(t, db, "t"))
		}
		if c, err := db.Cursor(ctx, "search-index@gone"); err != nil || !c.Saved.IsZero() || c.LastID != 0 {
			t.Errorf("stale cursor after prune = %+v, %v; want it gone", c, err)
		}
		if c, err := db.Cursor(ctx, "live"); err != nil || c.LastID != ids[2] || !c.Saved.Equal(e.clock.Now()) {
			t.Errorf("live cursor after prune = %+v, %v; want it kept", c, err)
		}
	})
}

// TestPruneClockSkew: nodes' clocks differ, so commit times need not follow
// IDs; an event that is recent stays even when older events surround it.
func TestPruneClockSkew(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		db := e.open(t, store.Options{})
		now := e.clock.Now()
		for _, created := range []time.Time{now.Add(-9 * day), now.Add(-time.Hour), now.Add(-8 * day)} {
			if err := e.raw(t, fmt.Sprintf(`INSERT INTO outbox (topic, payload, created_ns) VALUES ('t', '{}', %d)`, created.UnixNano())); err != nil {
				t.Fatal(err)
			}
		}
		ids := outboxIDs(t, db, "t")
		saveCursor(t, db, "all", ids[2])
		p := prune(t, db, events.Retention{Keep: 7 * day, StaleAfter: 30 * day, Batch: 10_000})
		if left := outboxIDs(t, db, "t"); p.Events != 2 || !slices.Equal(left, ids[1:2]) {
			t.Fatalf("pruned %d, left %v; want the recent event %d kept", p.Events, left, ids[1])
		}
	})
}

// TestEventsAfterTopics: a subscriber reads the events of its topics after
// its cursor, merged in ID order and cut at the limit, whatever the events
// of other topics between them.
func TestEventsAfterTopics(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		db := e.open(t, store.Options{})
		var a, b []int64
		for range 3 {
			emitEvents(t, db, "other", 5)
			a = append(a, emitEvents(t, db, "a", 2)...)
			b = append(b, emitEvents(t, db, "b", 1)...)
		}
		ab := slices.Sorted(slices.Values(slices.Concat(a, b)))
		for _, tc := range []struct {
			topics []string
			after  int64
			limit  int
			want   []int64
		}{
			{[]string{"a"}, 0, 100, a},
			{[]string{"a"}, a[2], 2, a[3:5]},
			{[]string{"a", "b"}, 0, 100, ab},
			{[]string{"b", "a"}, ab[1], 4, ab[2:6]},
			{[]string{"a", "b"}, ab[len(ab)-1], 10, nil},
			{[]string{"a", "b", "none"}, ab[3], 3, ab[4:7]},
		} {
			evs, err := db.EventsAfter(ctx, tc.after, tc.topics, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, ev := range evs {
				if !slices.Contains(tc.topics, ev.Topic) {
					t.Errorf("%v after %d: event %d on %s", tc.topics, tc.after, ev.ID, ev.Topic)
				}
				got = append(got, ev.ID)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("%v after %d, limit %d: %v, want %v", tc.topics, tc.after, tc.limit, got, tc.want)
			}
		}
	})
}
