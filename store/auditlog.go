package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"secunion"
	"secunion/access"
	"secunion/audit"
)

// loadTree rebuilds the in-memory Merkle tree from the stored leaf hashes
// and refuses to open a log that no longer matches its latest signed
// checkpoint: signing new checkpoints over a damaged log would launder it.
func (db *DB) loadTree(ctx context.Context) error {
	db.tree = audit.NewTree()
	if err := db.syncTree(ctx); err != nil {
		return err
	}
	var max sql.NullInt64
	if err := db.queryRow(ctx, `SELECT MAX(seq) FROM audit_entries`).Scan(&max); err != nil {
		return dbError(err, "audit: open")
	}
	if max.Valid && uint64(max.Int64)+1 != db.tree.Size() {
		return secunion.Errorf(secunion.Internal, "the audit log has a gap after entry %d: run `secunion audit verify`", db.tree.Size())
	}
	text, cp, err := db.latestCheckpoint(ctx)
	if err != nil {
		return err
	}
	if err := db.checkTail(ctx, cp.Size); err != nil {
		return err
	}
	if text == "" {
		return nil
	}
	if cp.Size > db.tree.Size() {
		return secunion.Errorf(secunion.Internal, "the audit log holds %d entries but a checkpoint of size %d was signed: run `secunion audit verify`", db.tree.Size(), cp.Size)
	}
	root, err := db.tree.Root(cp.Size)
	if err != nil {
		return err
	}
	if root != cp.Root {
		return secunion.Errorf(secunion.Internal, "the audit log does not match its checkpoint of size %d: run `secunion audit verify`", cp.Size)
	}
	db.signedSize.Store(cp.Size)
	return nil
}

// checkTail recomputes the leaf hashes of the entries no checkpoint covers
// yet (those written since the last one, e.g. before a crash): they are
// about to be signed, so they must match their content.
func (db *DB) checkTail(ctx context.Context, from uint64) error {
	rows, err := db.query(ctx, `SELECT `+db.entryColumns()+` FROM audit_entries WHERE seq >= ? ORDER BY seq`, int64(from))
	if err != nil {
		return dbError(err, "audit: open")
	}
	defer rows.Close()
	for rows.Next() {
		e, h, err := scanEntry(rows)
		if err != nil {
			return dbError(err, "audit: open")
		}
		if e.LeafHash() != h {
			return secunion.Errorf(secunion.Internal, "audit entry %d does not match its hash: run `secunion audit verify`", e.Seq)
		}
	}
	return dbError(rows.Err(), "audit: open")
}

// syncTree appends to the tree the entries committed since it was last
// read, including those written by other processes or nodes.
func (db *DB) syncTree(ctx context.Context) error {
	db.treeMu.Lock()
	defer db.treeMu.Unlock()
	from := db.tree.Size()
	rows, err := db.query(ctx, `SELECT seq, leaf_hash FROM audit_entries WHERE seq >= ? ORDER BY seq`, int64(from))
	if err != nil {
		return dbError(err, "audit: read leaves")
	}
	defer rows.Close()
	batch := make([][32]byte, 0, 1024)
	next := from
	for rows.Next() {
		var seq int64
		var h []byte
		if err := rows.Scan(&seq, &h); err != nil {
			return dbError(err, "audit: read leaves")
		}
		if uint64(seq) != next || len(h) != 32 {
			// A gap or damaged row: the tree stops before it, no checkpoint
			// is signed past it, and the node reports itself not ready.
			var err error = secunion.Errorf(secunion.Unavailable, "the audit log is damaged at entry %d: run `secunion audit verify`", next)
			db.broken.Store(&err)
			db.log.Error("audit: log damaged", "entry", next)
			break
		}
		batch = append(batch, [32]byte(h))
		next++
		if len(batch) == cap(batch) {
			db.tree.Append(batch...)
			batch = batch[:0]
		}
	}
	db.tree.Append(batch...)
	return dbError(rows.Err(), "audit: read leaves")
}

// appendLeaves adds the leaves a committed transaction wrote, which start
// at sequence number first.
func (db *DB) appendLeaves(ctx context.Context, first uint64, leaves [][32]byte) {
	if len(leaves) == 0 {
		return
	}
	db.treeMu.Lock()
	if db.tree.Size() == first {
		db.tree.Append(leaves...)
		db.treeMu.Unlock()
		return
	}
	db.treeMu.Unlock()
	// Another process wrote entries before this transaction: read them all.
	if err := db.syncTree(ctx); err != nil {
		db.log.Error("audit: sync tree", "err", err)
	}
}

func (db *DB) checkpointer() {
	defer db.wg.Done()
	t := time.NewTicker(db.opts.CheckpointEvery)
	defer t.Stop()
	for {
		select {
		case <-db.stop:
			return
		case <-t.C:
			if err := db.signCheckpoint(context.Background()); err != nil {
				db.log.Error("audit: sign checkpoint", "err", err)
			}
		}
	}
}

// SignCheckpoint signs a checkpoint of the log as it stands now, unless the
// latest one already covers every entry. The server does this every few
// seconds while entries arrive and when it stops.
func (db *DB) SignCheckpoint(ctx context.Context) error { return db.signCheckpoint(ctx) }

func (db *DB) signCheckpoint(ctx context.Context) error {
	if err := db.syncTree(ctx); err != nil {
		return err
	}
	db.treeMu.Lock()
	size := db.tree.Size()
	root, err := db.tree.Root(size)
	db.treeMu.Unlock()
	if err != nil || size == db.signedSize.Load() {
		return err
	}
	cp := audit.Checkpoint{Origin: db.opts.Keys.Signer.Name(), Size: size, Root: root, Time: db.clock.Now().UTC()}
	text, err := cp.Sign(db.opts.Keys.Signer)
	if err != nil {
		return fmt.Errorf("store: sign checkpoint: %w", err)
	}
	// Several nodes may sign the same size; the first one stays.
	_, err = db.exec(ctx, `INSERT INTO audit_checkpoints (size, time_ns, note) VALUES (?, ?, ?) ON CONFLICT (size) DO NOTHING`,
		int64(size), nanos(cp.Time), text)
	if err != nil {
		return dbError(err, "audit: store checkpoint")
	}
	db.signedSize.Store(size)
	return nil
}

// LatestCheckpoint returns the signed note of the largest checkpoint and
// its parsed form. Both are empty when no checkpoint was signed yet.
func (db *DB) LatestCheckpoint(ctx context.Context) (string, audit.Checkpoint, error) {
	return db.latestCheckpoint(ctx)
}

func (db *DB) latestCheckpoint(ctx context.Context) (string, audit.Checkpoint, error) {
	var text string
	err := db.queryRow(ctx, `SELECT note FROM audit_checkpoints ORDER BY size DESC LIMIT 1`).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return "", audit.Checkpoint{}, nil
	}
	if err != nil {
		return "", audit.Checkpoint{}, dbError(err, "audit: read checkpoint")
	}
	cp, err := audit.OpenCheckpoint(text, db.opts.Keys.Verifier)
	if err != nil {
		return "", audit.Checkpoint{}, secunion.Wrap(secunion.Internal, err, "the latest audit checkpoint does not verify: run `secunion audit verify`")
	}
	return text, cp, nil
}

// Checkpoint returns the signed note of the checkpoint of exactly size
// entries.
func (db *DB) Checkpoint(ctx context.Context, size uint64) (string, error) {
	var text string
	err := db.queryRow(ctx, `SELECT note FROM audit_checkpoints WHERE size = ?`, int64(size)).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return "", secunion.Errorf(secunion.NotFound, "no checkpoint of size %d", size)
	}
	return text, dbError(err, "audit: read checkpoint")
}

// InclusionProof returns the proof that entry seq is in the tree of the
// first size entries, as RFC 6962 node hashes.
func (db *DB) InclusionProof(ctx context.Context, seq, size uint64) ([][32]byte, error) {
	if err := db.syncTree(ctx); err != nil {
		return nil, err
	}
	db.treeMu.Lock()
	defer db.treeMu.Unlock()
	if size > db.tree.Size() || seq >= size {
		return nil, secunion.Errorf(secunion.Invalid, "no entry %d in a tree of size %d (the log holds %d entries)", seq, size, db.tree.Size())
	}
	return db.tree.InclusionProof(seq, size)
}

// ConsistencyProof returns the proof that the tree of size2 entries extends
// the tree of size1 entries.
func (db *DB) ConsistencyProof(ctx context.Context, size1, size2 uint64) ([][32]byte, error) {
	if err := db.syncTree(ctx); err != nil {
		return nil, err
	}
	db.treeMu.Lock()
	defer db.treeMu.Unlock()
	if size1 > size2 || size2 > db.tree.Size() {
		return nil, secunion.Errorf(secunion.Invalid, "no consistency proof from size %d to %d (the log holds %d entries)", size1, size2, db.tree.Size())
	}
	return db.tree.ConsistencyProof(size1, size2)
}

// entryColumns selects an entry row: the indexed text columns come joined
// by U+001F, which none of them can hold (logins and codes are patterns,
// other text is clipped to printable), so the join is unambiguous and a
// row costs three fewer column reads, which verification of a large log
// feels.
func (db *DB) entryColumns() string {
	sep := "char(31)"
	if db.engine == Postgres {
		sep = "chr(31)"
	}
	return "seq, time_ns, authority || " + sep + " || user_login || " + sep + " || operation || " + sep + " || purpose, leaf, leaf_hash"
}

type scanner interface{ Scan(...any) error }

// scanEntry reads an entry row: the entry decoded from its leaf, with the
// indexed fields taken from their columns, so that a column changed behind
// the program's back gives an entry whose hash no longer matches.
func scanEntry(s scanner) (audit.Entry, [32]byte, error) {
	var seq, ns int64
	var indexed string
	var leaf, hash []byte
	if err := s.Scan(&seq, &ns, &indexed, &leaf, &hash); err != nil {
		return audit.Entry{}, [32]byte{}, err
	}
	e, err := audit.ParseLeaf(leaf)
	if err != nil {
		// Keep the entry visible as damaged: its hash cannot match.
		e = audit.Entry{Detail: "damaged leaf: " + err.Error()}
	}
	authority, rest, _ := strings.Cut(indexed, "\x1f")
	user, rest, _ := strings.Cut(rest, "\x1f")
	op, purpose, _ := strings.Cut(rest, "\x1f")
	e.Seq, e.Time, e.Authority, e.User, e.Operation, e.Purpose = uint64(seq), fromNanos(ns), authority, user, audit.Operation(op), purpose
	var h [32]byte
	copy(h[:], hash) // a damaged hash of the wrong length stays wrong
	return e, h, nil
}

// VerifyAudit reads the whole log and its checkpoints and verifies them with
// v (see audit.Verify), together with kept: checkpoints a supervisor kept
// outside the node, which catch a log cut back and its checkpoints with it.
// A *audit.Failure names the first bad entry. Rows are read and decoded in
// one goroutine while another hashes, so both cores work.
func (db *DB) VerifyAudit(ctx context.Context, v note.Verifier, kept ...string) (audit.Report, error) {
	notes := kept
	rows, err := db.query(ctx, `SELECT note FROM audit_checkpoints ORDER BY size`)
	if err != nil {
		return audit.Report{}, dbError(err, "audit: read checkpoints")
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return audit.Report{}, dbError(err, "audit: read checkpoints")
		}
		notes = append(notes, n)
	}
	rows.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []verifyItem, 8)
	var readErr error
	go func() {
		defer close(batches)
		readErr = db.readForVerify(ctx, batches)
	}()
	entries := func(yield func(audit.Entry, [32]byte) bool) {
		for batch := range batches {
			for _, it := range batch {
				if !yield(it.e, it.hash) {
					cancel()
					for range batches {
					}
					return
				}
			}
		}
	}
	report, err := audit.Verify(entries, notes, v)
	if readErr != nil && err == nil {
		return report, dbError(readErr, "audit: read entries")
	}
	return report, err
}

type verifyItem struct {
	e    audit.Entry
	hash [32]byte
}

// verifyChunk is how many entries one reader reads at a time.
const verifyChunk = 1 << 15

// readForVerify streams every entry in order, in batches, with its Values
// taken from the audit_values index (so a deleted or altered index row
// shows as a changed entry). The log is read in chunks of sequence numbers
// by two readers at once, each on its own connection, while the caller
// hashes; chunks are handed on in order. Entries appended after the
// verification started are left for the next one.
func (db *DB) readForVerify(ctx context.Context, out chan<- []verifyItem) error {
	var max sql.NullInt64
	if err := db.queryRow(ctx, `SELECT MAX(seq) FROM audit_entries`).Scan(&max); err != nil || !max.Valid {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type chunk struct {
		items chan []verifyItem
		err   chan error
	}
	queue := make(chan chunk, 3) // chunks read ahead, in order
	sem := make(chan struct{}, 2)
	go func() {
		defer close(queue)
		for lo := int64(0); lo <= max.Int64; lo += verifyChunk {
			c := chunk{items: make(chan []verifyItem, 1), err: make(chan error, 1)}
			select {
			case queue <- c:
			case <-ctx.Done():
				return
			}
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			go func(lo int64) {
				defer func() { <-sem }()
				items, err := db.readChunk(ctx, lo, min(lo+verifyChunk, max.Int64+1))
				c.items <- items
				c.err <- err
			}(lo)
		}
	}()
	for c := range queue {
		items := <-c.items
		if err := <-c.err; err != nil {
			return err
		}
		select {
		case out <- items:
		case <-ctx.Done():
			return nil
		}
	}
	return nil
}

// readChunk reads the entries with lo <= seq < hi and their index values.
func (db *DB) readChunk(ctx context.Context, lo, hi int64) ([]verifyItem, error) {
	values := map[int64][]string{}
	vrows, err := db.query(ctx, `SELECT seq, mac FROM audit_values WHERE seq >= ? AND seq < ? ORDER BY seq, mac`, lo, hi)
	if err != nil {
		return nil, err
	}
	for vrows.Next() {
		var seq int64
		var mac string
		if err := vrows.Scan(&seq, &mac); err != nil {
			vrows.Close()
			return nil, err
		}
		values[seq] = append(values[seq], mac)
	}
	vrows.Close()
	if err := vrows.Err(); err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, `SELECT `+db.entryColumns()+` FROM audit_entries WHERE seq >= ? AND seq < ? ORDER BY seq`, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	items := make([]verifyItem, 0, hi-lo)
	for rows.Next() {
		e, h, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		e.Values = values[int64(e.Seq)]
		items = append(items, verifyItem{e, h})
	}
	return items, rows.Err()
}

// AuditFilter selects audit entries for a supervisor.
type AuditFilter struct {
	Authority string
	User      string
	Operation string
	Purpose   string
	From, To  time.Time // To is exclusive
	Value     string    // a personal value: entries whose HMACs include it
	Before    uint64    // entries with a lower sequence number (paging); 0 for the newest
	Limit     int
}

// MaxAuditPage is the largest page of audit entries returned at once.
const MaxAuditPage = 500

// SearchAudit returns entries matching f, newest first, and records the
// consultation itself in the log before returning them. The query runs on
// a read connection, so a slow search never holds up writes. Only
// supervisors may search.
func (db *DB) SearchAudit(ctx context.Context, actor secunion.Actor, decl access.Declaration, f AuditFilter) ([]audit.Entry, error) {
	if !actor.Has(access.RoleSupervisor) || decl.Purpose != secunion.PurposeSupervision {
		return nil, db.deny(ctx, actor, decl, "search the audit log", "only supervisors search the audit log, for the purpose "+string(secunion.PurposeSupervision))
	}
	if f.Limit <= 0 || f.Limit > MaxAuditPage {
		f.Limit = MaxAuditPage
	}
	var where []string
	var args []any
	add := func(cond string, v any) { where = append(where, cond); args = append(args, v) }
	if f.Authority != "" {
		add("authority = ?", f.Authority)
	}
	if f.User != "" {
		add("user_login = ?", f.User)
	}
	if f.Operation != "" {
		add("operation = ?", f.Operation)
	}
	if f.Purpose != "" {
		add("purpose = ?", f.Purpose)
	}
	if !f.From.IsZero() {
		add("time_ns >= ?", nanos(f.From))
	}
	if !f.To.IsZero() {
		add("time_ns < ?", nanos(f.To))
	}
	if f.Before > 0 {
		add("seq < ?", int64(f.Before))
	}
	mac := ""
	if f.Value != "" {
		mac = db.opts.Keys.MAC.MAC(f.Value)
		add("seq IN (SELECT seq FROM audit_values WHERE mac = ?)", mac)
	}
	q := `SELECT ` + db.entryColumns() + ` FROM audit_entries`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq DESC LIMIT ?"
	rows, err := db.query(ctx, q, append(args, f.Limit)...)
	if err != nil {
		return nil, dbError(err, "audit: search")
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		e, _, err := scanEntry(rows)
		if err != nil {
			return nil, dbError(err, "audit: search")
		}
		// The value index is only an index: keep the entries whose own,
		// hashed content holds the value.
		if mac != "" && !slices.Contains(e.Values, mac) {
			continue
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError(err, "audit: search")
	}
	var values []string
	if f.Value != "" {
		values = []string{f.Value}
	}
	err = db.Write(ctx, func(tx *Tx) error {
		return tx.Audit(audit.Entry{
			Authority: actor.Authority, User: actor.Login, Operation: audit.OpConsultation,
			Purpose: string(decl.Purpose), Justification: decl.Justification,
			Objects: []string{"audit-log"}, Categories: f.categories(), Results: len(out), Outcome: "ok",
		}, values...)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// categories names the criteria a search used, for its own audit entry.
func (f AuditFilter) categories() []string {
	var c []string
	for _, x := range []struct {
		set  bool
		name string
	}{
		{f.Authority != "", "authority"}, {f.User != "", "user"}, {f.Operation != "", "operation"},
		{f.Purpose != "", "purpose"}, {!f.From.IsZero() || !f.To.IsZero(), "time"}, {f.Value != "", "personal-value"},
	} {
		if x.set {
			c = append(c, x.name)
		}
	}
	return c
}

// deny records a refused operation in the audit log and returns the
// Forbidden error to give the caller.
func (db *DB) deny(ctx context.Context, actor secunion.Actor, decl access.Declaration, what, why string) error {
	if err := db.RecordDenial(ctx, actor, decl, what, why); err != nil {
		return err
	}
	return secunion.Denied(why)
}

// RecordDenial writes an access-denied entry: who tried what, for which
// purpose, and why it was refused. What the caller sent is clipped to safe
// text first, so that no refusal escapes the log for being malformed.
func (db *DB) RecordDenial(ctx context.Context, actor secunion.Actor, decl access.Declaration, what, why string) error {
	return db.Write(ctx, func(tx *Tx) error {
		return tx.Audit(audit.Entry{
			Authority: secunion.Clip(actor.Authority, 64), User: secunion.Clip(actor.Login, 64), Operation: audit.OpAccessDenied,
			Purpose: secunion.Clip(string(decl.Purpose), 64), Justification: secunion.Clip(decl.Justification, 500),
			Recipients: decl.Recipients(), Outcome: "denied", Detail: secunion.Clip(what+": "+why, 500),
		})
	})
}

// AuditSize returns the number of audit entries this node has in its tree.
func (db *DB) AuditSize() uint64 {
	if db.tree == nil {
		return 0
	}
	return db.tree.Size()
}

// VerifyAuditAs verifies the log for a supervisor and records that they
// did, with the outcome. A *audit.Failure names the first bad entry.
func (db *DB) VerifyAuditAs(ctx context.Context, actor secunion.Actor, v note.Verifier) (audit.Report, error) {
	rep, err := db.VerifyAudit(ctx, v)
	var f *audit.Failure
	if err != nil && !errors.As(err, &f) {
		return rep, err
	}
	if rerr := db.recordVerification(ctx, actor, rep, err); rerr != nil {
		return rep, rerr
	}
	return rep, err
}

func (db *DB) recordVerification(ctx context.Context, actor secunion.Actor, rep audit.Report, verr error) error {
	e := audit.Entry{Authority: actor.Authority, User: actor.Login, Operation: audit.OpAuditVerified,
		Purpose: string(secunion.PurposeSupervision), Objects: []string{"audit-log"}, Results: int(rep.Entries), Outcome: "ok"}
	if verr != nil {
		e.Outcome, e.Detail = "failed", secunion.Clip(verr.Error(), 500)
	}
	return db.Write(ctx, func(tx *Tx) error { return tx.Audit(e) })
}
