package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"secunion/events"
)

// EventsAfter returns up to limit outbox events with ID > after on topics,
// in ID order. IDs commit in order: every write holds the audit lock.
func (db *DB) EventsAfter(ctx context.Context, after int64, topics []string, limit int) ([]events.Event, error) {
	if len(topics) == 0 {
		return nil, nil
	}
	args := []any{after}
	for _, t := range topics {
		args = append(args, t)
	}
	args = append(args, limit)
	rows, err := db.query(ctx, `SELECT id, topic, payload, created_ns FROM outbox WHERE id > ? AND topic IN (?`+
		strings.Repeat(", ?", len(topics)-1)+`) ORDER BY id LIMIT ?`, args...)
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

// Cursor returns a subscriber's delivery cursor.
func (db *DB) Cursor(ctx context.Context, subscriber string) (events.Cursor, error) {
	c := events.Cursor{Subscriber: subscriber}
	var ns int64
	err := db.queryRow(ctx, `SELECT last_id, attempts, next_ns, last_error FROM outbox_cursors WHERE subscriber = ?`, subscriber).
		Scan(&c.LastID, &c.Attempts, &ns, &c.LastError)
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil
	}
	if ns != 0 {
		c.NextTry = fromNanos(ns)
	}
	return c, dbError(err, "events: read cursor")
}

// SaveCursor stores a subscriber's delivery cursor. It is not a change to
// personal data and is written outside the audited writer.
func (db *DB) SaveCursor(ctx context.Context, c events.Cursor) error {
	var ns int64
	if !c.NextTry.IsZero() {
		ns = nanos(c.NextTry)
	}
	_, err := db.sql.ExecContext(ctx, db.rebind(`INSERT INTO outbox_cursors (subscriber, last_id, attempts, next_ns, last_error)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (subscriber) DO UPDATE SET last_id = excluded.last_id,
		attempts = excluded.attempts, next_ns = excluded.next_ns, last_error = excluded.last_error`),
		c.Subscriber, c.LastID, c.Attempts, ns, c.LastError)
	return dbError(err, "events: save cursor")
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
