// Package store keeps secunion's data in SQLite (embedded, one data folder)
// or PostgreSQL (shared by several nodes) through database/sql, with one SQL
// text where the dialects agree and embedded migrations per dialect.
//
// Every write goes through one writer per node that groups concurrent
// writes into one transaction (group commit): each write runs in its own
// savepoint, so a failing write is rolled back alone, and no write is
// acknowledged before the transaction commits. Audit entries are appended in
// the same transaction as the operation they record (DOMAIN.md §9): if the
// entry cannot be written, the operation fails.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"secunion"
	"secunion/audit"
)

// Engine names a database engine.
type Engine string

// The supported engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

//go:embed migrations
var migrations embed.FS

// Options configure a DB.
type Options struct {
	// Keys sign checkpoints and key the HMACs of personal values. Required
	// unless Inspect is set.
	Keys *Keys
	// Clock tells the time of entries and rules; the system clock if nil.
	Clock secunion.Clock
	// Logger receives operational logs; discarded if nil.
	Logger *slog.Logger
	// CheckpointEvery is how often a checkpoint is signed while entries
	// arrive; two seconds if zero.
	CheckpointEvery time.Duration
	// MaxBatch caps how many writes share one transaction; 256 if zero. One
	// turns group commit off (used as the peer in benchmarks).
	MaxBatch int
	// Inspect opens the database for reading and verification only: no
	// writer, no checkpoints, no check of the log at open. `secunion audit
	// verify` opens a damaged log this way.
	Inspect bool
}

// DB is an open secunion database.
type DB struct {
	sql    *sql.DB
	engine Engine
	opts   Options
	clock  secunion.Clock
	log    *slog.Logger
	tree   *audit.Tree
	treeMu sync.Mutex // orders appends to tree; tree itself is safe for readers

	signedSize atomic.Uint64 // size of the latest checkpoint this node knows
	writes     chan *writeReq
	stop       chan struct{}
	// writerDone closes when the writer has drained its queue for good.
	writerDone chan struct{}
	// broken holds why the log stopped growing in memory (a gap or a
	// damaged row met while syncing); readiness reports it.
	broken atomic.Pointer[error]
	wg     sync.WaitGroup

	hookMu  sync.Mutex
	onWrite []func()

	// stmtMu guards stmts: the statements prepared so far, by query text
	// as written (before rebind); nil once the DB is closed.
	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt

	closeOnce sync.Once

	// hub is the correlation index of the alert hub's values.
	hub hubIndex
}

// SQLiteFile is the database file's name inside a data folder.
const SQLiteFile = "secunion.db"

// OpenSQLite opens (creating if needed) the SQLite database in the data
// folder dir and applies the migrations.
func OpenSQLite(ctx context.Context, dir string, opts Options) (*DB, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, secunion.Wrap(secunion.Unavailable, err, "cannot create data folder "+dir)
	}
	path := filepath.Join(dir, SQLiteFile)
	if opts.Inspect {
		if _, err := os.Stat(path); err != nil {
			return nil, secunion.Wrap(secunion.NotFound, err, "no secunion database in "+dir)
		}
	}
	// WAL with synchronous=FULL: a commit returns only after the WAL is on
	// disk. BEGIN IMMEDIATE takes the write lock up front so two processes
	// (a server and an admin command) queue on busy_timeout instead of
	// failing on lock upgrade.
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_pragma=temp_store(MEMORY)&_txlock=immediate"
	if opts.Inspect {
		// Inspection must not change the evidence it examines.
		dsn = "file:" + path + "?mode=ro&_pragma=busy_timeout(10000)"
	}
	sdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, secunion.Wrap(secunion.Unavailable, err, "cannot open SQLite database")
	}
	sdb.SetMaxOpenConns(8)
	sdb.SetMaxIdleConns(8)
	return open(ctx, sdb, SQLite, opts)
}

// OpenPostgres connects to PostgreSQL at dsn and applies the migrations.
func OpenPostgres(ctx context.Context, dsn string, opts Options) (*DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, secunion.Wrap(secunion.Invalid, err, "bad PostgreSQL connection string")
	}
	if opts.Inspect {
		cfg.RuntimeParams["default_transaction_read_only"] = "on"
	}
	sdb := stdlib.OpenDB(*cfg)
	sdb.SetMaxOpenConns(16)
	sdb.SetMaxIdleConns(16)
	return open(ctx, sdb, Postgres, opts)
}

func open(ctx context.Context, sdb *sql.DB, engine Engine, opts Options) (*DB, error) {
	if err := sdb.PingContext(ctx); err != nil {
		sdb.Close()
		return nil, secunion.Wrap(secunion.Unavailable, err, "cannot reach the "+string(engine)+" database")
	}
	db := &DB{sql: sdb, engine: engine, opts: opts, clock: opts.Clock, log: opts.Logger, stop: make(chan struct{}),
		stmts: map[string]*sql.Stmt{}}
	if db.clock == nil {
		db.clock = secunion.SystemClock{}
	}
	if db.log == nil {
		db.log = slog.New(slog.DiscardHandler)
	}
	if opts.Inspect {
		return db, nil
	}
	if err := db.migrate(ctx); err != nil {
		sdb.Close()
		return nil, err
	}
	if opts.Keys == nil {
		sdb.Close()
		return nil, errors.New("store: open: no keys")
	}
	if db.opts.MaxBatch <= 0 {
		db.opts.MaxBatch = 256
	}
	if db.opts.CheckpointEvery <= 0 {
		db.opts.CheckpointEvery = 2 * time.Second
	}
	if err := db.loadTree(ctx); err != nil {
		sdb.Close()
		return nil, err
	}
	db.writes = make(chan *writeReq, 1024)
	db.writerDone = make(chan struct{})
	db.hub.pending = make(chan []indexed, 64)
	db.wg.Add(3)
	go db.writer()
	go db.checkpointer()
	go db.indexer()
	return db, nil
}

func (db *DB) migrate(ctx context.Context) error {
	dialect, dir := goose.DialectSQLite3, "migrations/sqlite"
	if db.engine == Postgres {
		dialect, dir = goose.DialectPostgres, "migrations/postgres"
	}
	fsys, err := fs.Sub(migrations, dir)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	p, err := goose.NewProvider(dialect, db.sql, fsys)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	if db.engine == Postgres {
		// Several nodes may start at once: one migrates, the others wait.
		if _, err := db.sql.ExecContext(ctx, "SELECT pg_advisory_lock(7366532)"); err != nil {
			return secunion.Wrap(secunion.Unavailable, err, "cannot lock for migrations")
		}
		defer db.sql.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(7366532)")
	}
	if _, err := p.Up(ctx); err != nil {
		return secunion.Wrap(secunion.Unavailable, err, "cannot apply database migrations")
	}
	return nil
}

// Engine returns the database engine.
func (db *DB) Engine() Engine { return db.engine }

// Clock returns the clock the store uses.
func (db *DB) Clock() secunion.Clock { return db.clock }

// Ping checks that the database answers and that the audit log in memory
// still follows the stored one.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.broken.Load(); err != nil {
		return *err
	}
	return db.sql.PingContext(ctx)
}

// OnWrite registers f to be called after every committed transaction, e.g.
// to wake the event dispatcher. f must not block.
func (db *DB) OnWrite(f func()) {
	db.hookMu.Lock()
	db.onWrite = append(db.onWrite, f)
	db.hookMu.Unlock()
}

// Close stops the writer after the writes already queued, signs a last
// checkpoint, closes the prepared statements and closes the database.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		if db.writes != nil {
			close(db.stop)
			db.wg.Wait()
		}
		db.stmtMu.Lock()
		stmts := db.stmts
		db.stmts = nil
		db.stmtMu.Unlock()
		for _, s := range stmts {
			s.Close()
		}
	})
	return db.sql.Close()
}

// rebind turns the ? placeholders of SQL shared by both dialects into
// PostgreSQL's $n. The SQL of this package never has ? inside literals.
func (db *DB) rebind(q string) string {
	if db.engine != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// stmt returns q prepared, once per DB and then once per connection that
// runs it: parsing SQL on every statement took a fifth of a busy node's
// CPU. Every distinct text stays prepared until Close, so q must not embed
// values; they go in the arguments.
func (db *DB) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	db.stmtMu.Lock()
	s, ok := db.stmts[q]
	db.stmtMu.Unlock()
	if ok {
		return s, nil
	}
	// Prepared without the lock: preparing waits for a free connection, and
	// those holding connections may be looking up statements.
	s, err := db.sql.PrepareContext(ctx, db.rebind(q))
	if err != nil {
		return nil, err
	}
	db.stmtMu.Lock()
	defer db.stmtMu.Unlock()
	if db.stmts == nil {
		s.Close()
		return nil, secunion.Errorf(secunion.Unavailable, "the database is closed")
	}
	if prev, ok := db.stmts[q]; ok {
		s.Close() // another caller prepared it meanwhile
		return prev, nil
	}
	db.stmts[q] = s
	return s, nil
}

func (db *DB) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	s, err := db.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(ctx, args...)
}

// queryRow runs q prepared. When q cannot be prepared, it runs unprepared,
// so that the error reaches the caller through the Row's Scan.
func (db *DB) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	s, err := db.stmt(ctx, q)
	if err != nil {
		return db.sql.QueryRowContext(ctx, db.rebind(q), args...)
	}
	return s.QueryRowContext(ctx, args...)
}

func (db *DB) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	s, err := db.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(ctx, args...)
}

// dbError wraps a database failure as Unavailable, keeping the cause for
// the logs.
func dbError(err error, what string) error {
	if err == nil {
		return nil
	}
	var e *secunion.Error
	if errors.As(err, &e) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return secunion.Wrap(secunion.Unavailable, err, what+": request cancelled or timed out")
	}
	return secunion.Wrap(secunion.Unavailable, err, what+": database error")
}

func nanos(t time.Time) int64 { return t.UnixNano() }

func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }
