package store

import (
	"context"
	"strings"

	"secunion/signals"
)

// SignalKeysAfter returns what a matcher holds of up to limit bank
// entries numbered after id, in order, without reading their whole
// records: the matcher is built from them at start, page by page.
func (db *DB) SignalKeysAfter(ctx context.Context, id int64, limit int) ([]signals.Key, error) {
	rows, err := db.query(ctx, `SELECT id, algorithm, value, enabled FROM signal_entries WHERE id > ? ORDER BY id LIMIT ?`, id, limit)
	if err != nil {
		return nil, dbError(err, "read bank entries")
	}
	defer rows.Close()
	var out []signals.Key
	for rows.Next() {
		var k signals.Key
		var enabled int
		if err := rows.Scan(&k.ID, &k.Algorithm, &k.Value, &enabled); err != nil {
			return nil, dbError(err, "read bank entries")
		}
		k.Enabled = enabled == 1
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError(err, "read bank entries")
	}
	return out, nil
}

// hitChunk is how many entries SignalHits reads in one query.
const hitChunk = 500

// SignalHits returns the entries a matcher found, in the order found,
// each with its distance. An entry disabled since the matcher last heard
// of it is left out, so that a lookup never answers with one.
func (db *DB) SignalHits(ctx context.Context, ms []signals.Match) ([]signals.Hit, error) {
	byID := make(map[int64]signals.Entry, len(ms))
	for start := 0; start < len(ms); start += hitChunk {
		part := ms[start:min(start+hitChunk, len(ms))]
		args := make([]any, len(part))
		for i, m := range part {
			args[i] = int64(m.ID)
		}
		rows, err := db.query(ctx, `SELECT id, enabled, data FROM signal_entries WHERE id IN (?`+strings.Repeat(", ?", len(part)-1)+`)`, args...)
		if err != nil {
			return nil, dbError(err, "read matched bank entries")
		}
		if err := scanSignals(rows, "read matched bank entries", nil, func(e signals.Entry) { byID[e.ID] = e }); err != nil {
			return nil, err
		}
	}
	hits := make([]signals.Hit, 0, len(ms))
	for _, m := range ms {
		if e, ok := byID[int64(m.ID)]; ok && e.Enabled {
			hits = append(hits, signals.Hit{Entry: e, Distance: m.Distance})
		}
	}
	return hits, nil
}
