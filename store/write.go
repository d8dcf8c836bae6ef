package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"secunion"
	"secunion/audit"
)

// auditLockKey is the PostgreSQL advisory lock that orders the audit log
// across nodes sharing one database: each write transaction holds it, so
// sequence numbers are given out and committed in order, with no gap.
const auditLockKey = 7366533

type writeReq struct {
	ctx  context.Context
	fn   func(*Tx) error
	done chan error
}

// Tx is one write inside a group-committed transaction. Its methods take
// SQL with ? placeholders. A Tx must not be kept after its function returns.
type Tx struct {
	db     *DB
	tx     *sql.Tx
	ctx    context.Context
	now    time.Time
	next   uint64     // sequence number of the next audit entry
	leaves [][32]byte // leaf hashes appended in this transaction
	// stmts are the DB's prepared statements bound to this transaction,
	// by query text; the transaction closes them when it ends.
	stmts map[string]*sql.Stmt
}

// Now returns the time of the transaction.
func (t *Tx) Now() time.Time { return t.now }

// stmt returns q prepared and bound to the transaction. A group-committed
// transaction runs the same statements for each of its writes: each is
// bound once.
func (t *Tx) stmt(q string) (*sql.Stmt, error) {
	if s, ok := t.stmts[q]; ok {
		return s, nil
	}
	s, err := t.db.stmt(t.ctx, q)
	if err != nil {
		return nil, err
	}
	s = t.tx.StmtContext(t.ctx, s)
	t.stmts[q] = s
	return s, nil
}

// Exec runs a statement.
func (t *Tx) Exec(q string, args ...any) (sql.Result, error) {
	s, err := t.stmt(q)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(t.ctx, args...)
}

// QueryRow runs a query that returns at most one row. When q cannot be
// prepared, it runs unprepared, so that the error reaches the caller
// through the Row's Scan.
func (t *Tx) QueryRow(q string, args ...any) *sql.Row {
	s, err := t.stmt(q)
	if err != nil {
		return t.tx.QueryRowContext(t.ctx, t.db.rebind(q), args...)
	}
	return s.QueryRowContext(t.ctx, args...)
}

// Query runs a query.
func (t *Tx) Query(q string, args ...any) (*sql.Rows, error) {
	s, err := t.stmt(q)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(t.ctx, args...)
}

// Audit appends e to the audit log in this transaction. values are the
// personal values the operation used (names, document numbers): the log
// keeps only their keyed HMACs. The sequence number is assigned here; a
// zero time becomes the transaction's time.
func (t *Tx) Audit(e audit.Entry, values ...string) error {
	e.Seq = t.next
	if e.Time.IsZero() {
		e.Time = t.now
	}
	e.Time = e.Time.UTC()
	if len(values) > 0 {
		e.Values = t.db.opts.Keys.MAC.MACs(values...)
	}
	if err := e.Validate(); err != nil {
		return err
	}
	leaf := e.Leaf()
	h := e.LeafHash()
	_, err := t.Exec(`INSERT INTO audit_entries (seq, time_ns, authority, user_login, operation, purpose, leaf, leaf_hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		int64(e.Seq), nanos(e.Time), e.Authority, e.User, string(e.Operation), e.Purpose, leaf, h[:])
	if err != nil {
		return dbError(err, "audit: append entry")
	}
	for _, m := range e.Values {
		if _, err := t.Exec(`INSERT INTO audit_values (mac, seq) VALUES (?, ?)`, m, int64(e.Seq)); err != nil {
			return dbError(err, "audit: append entry")
		}
	}
	t.next++
	t.leaves = append(t.leaves, h)
	return nil
}

// Emit writes an event to the outbox in this transaction; the dispatcher
// delivers it after the commit.
func (t *Tx) Emit(topic string, payload any) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("store: emit %s: %w", topic, err)
	}
	_, err = t.Exec(`INSERT INTO outbox (topic, payload, created_ns) VALUES (?, ?, ?)`, topic, string(b), nanos(t.now))
	return dbError(err, "events: emit")
}

// Write runs fn in a write transaction and returns once that transaction
// has committed (nil) or fn's error or the commit's. Writes from concurrent
// callers share one transaction (group commit); each runs in a savepoint so
// that an error in one undoes only that one.
func (db *DB) Write(ctx context.Context, fn func(*Tx) error) error {
	if db.writes == nil {
		return secunion.Errorf(secunion.Unavailable, "the database is open for inspection only")
	}
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case db.writes <- req:
	case <-db.stop:
		return secunion.Errorf(secunion.Unavailable, "the server is shutting down")
	case <-ctx.Done():
		return dbError(ctx.Err(), "write")
	}
	// Wait for the outcome even if ctx ends: the write may already be in a
	// transaction, and the caller must not believe it failed if it commits.
	select {
	case err := <-req.done:
		return err
	case <-db.writerDone:
		// Queued after the writer's last drain: it never ran.
		select {
		case err := <-req.done:
			return err
		default:
			return secunion.Errorf(secunion.Unavailable, "the server is shutting down")
		}
	}
}

func (db *DB) writer() {
	defer db.wg.Done()
	defer close(db.writerDone)
	batch := make([]*writeReq, 0, db.opts.MaxBatch)
	for {
		var first *writeReq
		select {
		case first = <-db.writes:
		case <-db.stop:
			db.drainOnStop(batch)
			return
		}
		batch = append(batch[:0], first)
	fill:
		for len(batch) < db.opts.MaxBatch {
			select {
			case r := <-db.writes:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		db.commit(batch)
	}
}

// drainOnStop runs the writes already queued, then signs a last checkpoint.
func (db *DB) drainOnStop(batch []*writeReq) {
	for {
		select {
		case r := <-db.writes:
			db.commit(append(batch[:0], r))
		default:
			if err := db.signCheckpoint(context.Background()); err != nil {
				db.log.Error("audit: last checkpoint", "err", err)
			}
			return
		}
	}
}

func (db *DB) commit(batch []*writeReq) {
	results := make([]error, len(batch))
	finish := func(err error) {
		for i, r := range batch {
			if err != nil {
				results[i] = err
			}
			r.done <- results[i]
		}
	}
	ctx := context.Background()
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		finish(dbError(err, "begin transaction"))
		return
	}
	t := &Tx{db: db, tx: tx, ctx: ctx, now: db.clock.Now().UTC(), stmts: map[string]*sql.Stmt{}}
	if err := t.start(); err != nil {
		tx.Rollback()
		finish(err)
		return
	}
	first := t.next
	grouped := len(batch) > 1
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i] = dbError(err, "write")
			continue
		}
		results[i] = t.run(r, grouped)
		var lost errBatchLost
		if errors.As(results[i], &lost) {
			// The transaction's state is unknown: give it up whole.
			tx.Rollback()
			finish(lost.err)
			return
		}
	}
	if len(t.leaves) == 0 && allFailed(results) {
		// Nothing to keep; on PostgreSQL the transaction may also be
		// aborted, and its commit error would hide the writes' own errors.
		tx.Rollback()
		finish(nil)
		return
	}
	if err := tx.Commit(); err != nil {
		finish(dbError(err, "commit"))
		return
	}
	db.appendLeaves(ctx, first, t.leaves)
	db.hookMu.Lock()
	hooks := db.onWrite
	db.hookMu.Unlock()
	for _, h := range hooks {
		h()
	}
	finish(nil)
}

// start takes the audit lock (PostgreSQL) and reads where the log ends.
func (t *Tx) start() error {
	if t.db.engine == Postgres {
		if _, err := t.Exec(`SELECT pg_advisory_xact_lock(?)`, auditLockKey); err != nil {
			return dbError(err, "audit: lock")
		}
	}
	var next int64
	if err := t.QueryRow(`SELECT COALESCE(MAX(seq) + 1, 0) FROM audit_entries`).Scan(&next); err != nil {
		return dbError(err, "audit: read log end")
	}
	t.next = uint64(next)
	return nil
}

// run runs one write, in a savepoint when it shares the transaction.
func (t *Tx) run(r *writeReq, grouped bool) (err error) {
	// Statements run without the caller's cancellation: a client that goes
	// away mid-statement would otherwise interrupt the whole shared
	// transaction (SQLite rolls it all back; pgx drops the connection).
	t.ctx = context.WithoutCancel(r.ctx)
	defer func() { t.ctx = context.Background() }()
	next, nleaves := t.next, len(t.leaves)
	if grouped {
		if _, err := t.tx.ExecContext(context.Background(), "SAVEPOINT w"); err != nil {
			return dbError(err, "savepoint")
		}
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("store: write panicked: %v", p)
		}
		if err != nil {
			t.next, t.leaves = next, t.leaves[:nleaves]
			// A statement this write could not prepare (PostgreSQL refuses
			// to while the transaction is aborted) keeps that error: the
			// writes after it prepare theirs again.
			clear(t.stmts)
			if grouped {
				if _, rerr := t.tx.ExecContext(context.Background(), "ROLLBACK TO SAVEPOINT w"); rerr != nil {
					err = errBatchLost{dbError(rerr, "rollback to savepoint")}
				}
			}
			return
		}
		if grouped {
			if _, rerr := t.tx.ExecContext(context.Background(), "RELEASE SAVEPOINT w"); rerr != nil {
				err = errBatchLost{dbError(rerr, "release savepoint")}
			}
		}
	}()
	return r.fn(t)
}

func allFailed(results []error) bool {
	for _, err := range results {
		if err == nil {
			return false
		}
	}
	return true
}

// errBatchLost means a savepoint could not be released or rolled back, so
// the shared transaction can no longer be trusted.
type errBatchLost struct{ err error }

func (e errBatchLost) Error() string { return e.err.Error() }
