package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"secunion"
	"secunion/events"
)

// EventsAfter returns up to limit outbox events with ID > after on topics,
// in ID order. IDs commit in order: every write holds the audit lock.
func (db *DB) EventsAfter(ctx context.Context, after int64, topics []string, limit int) ([]events.Event, error) {
	if len(topics) == 0 {
		return nil, nil
	}
	// One range of the (topic, id) index per topic, each cut at limit, then
	// merged: with topic IN (...), the database reads every event of the
	// topics after the cursor and sorts them all, for each batch.
	const scan = `SELECT id, topic, payload, created_ns FROM outbox WHERE topic = ? AND id > ? ORDER BY id LIMIT ?`
	q, args := scan, []any{topics[0], after, limit}
	if len(topics) > 1 {
		scans := make([]string, len(topics))
		args = args[:0]
		for i, t := range topics {
			scans[i] = fmt.Sprintf("SELECT * FROM (%s) AS t%d", scan, i)
			args = append(args, t, after, limit)
		}
		q = strings.Join(scans, " UNION ALL ") + " ORDER BY id LIMIT ?"
		args = append(args, limit)
	}
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, dbError(err, "events: read outbox")
	}
	defer rows.Close()
	var out []events.Event
	for rows.Next() {
		var e events.Event
		var payload string
		var ns int64
		if err := rows.Scan(&e.ID, &e.Topic, &payload, &ns); err != nil {
			return nil, dbError(err, "events: read outbox")
		}
		e.Payload, e.Created = []byte(payload), fromNanos(ns)
		out = append(out, e)
	}
	return out, dbError(rows.Err(), "events: read outbox")
}

// cursorColumns are the columns scanCursor reads.
const cursorColumns = `subscriber, last_id, attempts, next_ns, last_error, updated_ns`

func scanCursor(row interface{ Scan(...any) error }) (events.Cursor, error) {
	var c events.Cursor
	var next, saved int64
	if err := row.Scan(&c.Subscriber, &c.LastID, &c.Attempts, &next, &c.LastError, &saved); err != nil {
		return c, err
	}
	if next != 0 {
		c.NextTry = fromNanos(next)
	}
	c.Saved = fromNanos(saved)
	return c, nil
}

// Cursor returns a subscriber's delivery cursor.
func (db *DB) Cursor(ctx context.Context, subscriber string) (events.Cursor, error) {
	c, err := scanCursor(db.queryRow(ctx, `SELECT `+cursorColumns+` FROM outbox_cursors WHERE subscriber = ?`, subscriber))
	if errors.Is(err, sql.ErrNoRows) {
		return events.Cursor{Subscriber: subscriber}, nil
	}
	return c, dbError(err, "events: read cursor")
}

// SaveCursor stores a subscriber's delivery cursor, stamped as saved at
// the store's time. It is not a change to personal data and is written
// outside the audited writer.
func (db *DB) SaveCursor(ctx context.Context, c events.Cursor) error {
	var ns int64
	if !c.NextTry.IsZero() {
		ns = nanos(c.NextTry)
	}
	_, err := db.exec(ctx, `INSERT INTO outbox_cursors (subscriber, last_id, attempts, next_ns, last_error, updated_ns)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (subscriber) DO UPDATE SET last_id = excluded.last_id,
		attempts = excluded.attempts, next_ns = excluded.next_ns, last_error = excluded.last_error,
		updated_ns = excluded.updated_ns`,
		c.Subscriber, c.LastID, c.Attempts, ns, c.LastError, nanos(db.clock.Now()))
	return dbError(err, "events: save cursor")
}

// PruneEvents deletes what the outbox no longer needs, judged at the
// store's time: first the cursors not saved for r.StaleAfter, then the
// events older than r.Keep that every remaining cursor has passed. Events
// go in transactions of at most r.Batch deletions through the writer, so
// other writes get in between; the cursors are read again in each, so a
// cursor that appears meanwhile holds back the rest. On an error, the
// result tells what was removed before it.
func (db *DB) PruneEvents(ctx context.Context, r events.Retention) (events.Pruned, error) {
	var p events.Pruned
	if r.Keep <= 0 || r.StaleAfter <= 0 || r.Batch <= 0 {
		return p, secunion.Errorf(secunion.Invalid, "events: prune: retention %s, staleness %s and batch %d must be positive",
			r.Keep, r.StaleAfter, r.Batch)
	}
	now := db.clock.Now()
	var stale []events.Cursor
	err := db.Write(ctx, func(tx *Tx) error {
		rows, err := tx.Query(`DELETE FROM outbox_cursors WHERE updated_ns < ? RETURNING `+cursorColumns, nanos(now.Add(-r.StaleAfter)))
		if err != nil {
			return dbError(err, "events: delete stale cursors")
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanCursor(rows)
			if err != nil {
				return dbError(err, "events: delete stale cursors")
			}
			stale = append(stale, c)
		}
		return dbError(rows.Err(), "events: delete stale cursors")
	})
	if err != nil {
		return p, err
	}
	p.Stale = stale

	// The newest event old enough to go (by time, through the index) bounds
	// the prune, so that no batch reads the newer events. Each batch then
	// takes the next r.Batch IDs from where the last one ended and deletes
	// those of them that are old enough: a range the primary key finds
	// directly. An event whose node's clock ran behind may lie below the
	// bound yet not be old enough; it waits for the next prune.
	before := nanos(now.Add(-r.Keep))
	var old int64
	err = db.queryRow(ctx, `SELECT id FROM outbox WHERE created_ns < ? ORDER BY created_ns DESC LIMIT 1`, before).Scan(&old)
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil
	}
	if err != nil {
		return p, dbError(err, "events: read outbox")
	}
	var from int64
	for last := false; !last; {
		var deleted int64
		err := db.Write(ctx, func(tx *Tx) error {
			var held sql.NullInt64
			if err := tx.QueryRow(`SELECT MIN(last_id) FROM outbox_cursors`).Scan(&held); err != nil {
				return dbError(err, "events: read cursors")
			}
			upTo := old
			if held.Valid {
				upTo = min(upTo, held.Int64)
			}
			var to sql.NullInt64
			var n int
			err := tx.QueryRow(`SELECT MAX(id), COUNT(*) FROM (SELECT id FROM outbox WHERE id > ? AND id <= ? ORDER BY id LIMIT ?) AS b`,
				from, upTo, r.Batch).Scan(&to, &n)
			if err != nil {
				return dbError(err, "events: read outbox")
			}
			if last = n < r.Batch; n == 0 {
				return nil
			}
			res, err := tx.Exec(`DELETE FROM outbox WHERE id > ? AND id <= ? AND created_ns < ?`, from, to.Int64, before)
			if err != nil {
				return dbError(err, "events: delete events")
			}
			from = to.Int64
			deleted, err = res.RowsAffected()
			return dbError(err, "events: delete events")
		})
		if err != nil {
			return p, err
		}
		p.Events += deleted
	}
	return p, nil
}

// Setting returns a stored setting, or "" when it is unset.
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.queryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, dbError(err, "read setting")
}

// SetSetting stores a setting in tx.
func (t *Tx) SetSetting(key, value string) error {
	_, err := t.Exec(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return dbError(err, "store setting")
}
