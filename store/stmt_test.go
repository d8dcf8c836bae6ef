package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"secunion"
	"secunion/events"
	"secunion/store/pgtest"
)

// eachEngine runs test on a new database of each engine. (The contract
// suite's helpers live in package store_test; these tests reach inside.)
func eachEngine(t *testing.T, test func(t *testing.T, db *DB)) {
	for _, engine := range []Engine{SQLite, Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			keys, err := LoadKeys(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			opts := Options{Keys: keys, CheckpointEvery: time.Hour}
			var db *DB
			if engine == SQLite {
				db, err = OpenSQLite(context.Background(), t.TempDir(), opts)
			} else {
				db, err = OpenPostgres(context.Background(), pgtest.DSN(t), opts)
			}
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			test(t, db)
		})
	}
}

// TestStatementsConcurrent: the same prepared statements serve many
// callers at once, on several connections and in the writer's
// transactions, and each caller reads back what it wrote. Closing the
// database closes them; a read afterwards fails as unavailable.
func TestStatementsConcurrent(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		for g := range 16 {
			wg.Go(func() {
				key := fmt.Sprintf("k%d", g)
				for i := range 20 {
					want := fmt.Sprint(i)
					if err := db.Write(ctx, func(tx *Tx) error { return tx.SetSetting(key, want) }); err != nil {
						t.Error(err)
						return
					}
					if err := db.SaveCursor(ctx, events.Cursor{Subscriber: key, LastID: int64(i)}); err != nil {
						t.Error(err)
						return
					}
					v, err := db.Setting(ctx, key)
					c, cerr := db.Cursor(ctx, key)
					if err != nil || cerr != nil || v != want || c.LastID != int64(i) {
						t.Errorf("%s after writing %d: setting %q (%v), cursor %d (%v)", key, i, v, err, c.LastID, cerr)
						return
					}
				}
			})
		}
		wg.Wait()
		if err := db.Close(); err != nil {
			t.Fatalf("close: %v", err)
		}
		if _, err := db.Setting(ctx, "k0"); secunion.CodeOf(err) != secunion.Unavailable {
			t.Errorf("read after close: %v, want unavailable", err)
		}
	})
}

// TestFailedWriteSparesGroupedWrites: on PostgreSQL, a failed statement
// aborts the shared transaction until its write is rolled back, and a
// statement that write prepares meanwhile fails. The writes grouped with
// it prepare theirs again and run.
func TestFailedWriteSparesGroupedWrites(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		if err := db.Write(ctx, func(tx *Tx) error { return tx.SetSetting("taken", "yes") }); err != nil {
			t.Fatal(err)
		}
		const count = `SELECT COUNT(*) FROM settings WHERE key = ? AND value = ?` // prepared by no one before
		refused := errors.New("refused")
		first := &writeReq{ctx: ctx, done: make(chan error, 1), fn: func(tx *Tx) error {
			if _, err := tx.Exec(`INSERT INTO settings (key, value) VALUES ('taken', 'again')`); err == nil {
				return errors.New("a duplicate key was accepted")
			}
			var n int
			return errors.Join(refused, tx.QueryRow(count, "taken", "yes").Scan(&n))
		}}
		second := &writeReq{ctx: ctx, done: make(chan error, 1), fn: func(tx *Tx) error {
			var n int
			if err := tx.QueryRow(count, "taken", "yes").Scan(&n); err != nil {
				return err
			}
			return tx.SetSetting("second", fmt.Sprint(n))
		}}
		// Both in one transaction, as the writer groups them.
		db.commit([]*writeReq{first, second})
		if err := <-first.done; !errors.Is(err, refused) {
			t.Errorf("first write: %v, want refused", err)
		}
		if err := <-second.done; err != nil {
			t.Fatalf("second write: %v", err)
		}
		if v, err := db.Setting(ctx, "second"); err != nil || v != "1" {
			t.Errorf("second write left %q, %v; want 1", v, err)
		}
	})
}
