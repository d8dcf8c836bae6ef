package store

import (
	"context"
	"slices"
	"strings"

	"secunion/signals"
)

// BankSummary counts the entries of one hash bank.
type BankSummary struct {
	Bank        string
	Entries     int            // all entries, enabled or not
	Enabled     int            // enabled entries
	ByAlgorithm map[string]int // entries per algorithm
}

// SignalBanks counts the entries of every hash bank, by name.
func (db *DB) SignalBanks(ctx context.Context) ([]BankSummary, error) {
	rows, err := db.query(ctx, `SELECT bank, algorithm, enabled, COUNT(*) FROM signal_entries GROUP BY bank, algorithm, enabled`)
	if err != nil {
		return nil, dbError(err, "count bank entries")
	}
	defer rows.Close()
	byBank := map[string]*BankSummary{}
	for rows.Next() {
		var bank, alg string
		var enabled, n int
		if err := rows.Scan(&bank, &alg, &enabled, &n); err != nil {
			return nil, dbError(err, "count bank entries")
		}
		b := byBank[bank]
		if b == nil {
			b = &BankSummary{Bank: bank, ByAlgorithm: map[string]int{}}
			byBank[bank] = b
		}
		b.Entries += n
		b.ByAlgorithm[alg] += n
		if enabled == 1 {
			b.Enabled += n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, dbError(err, "count bank entries")
	}
	out := make([]BankSummary, 0, len(byBank))
	for _, b := range byBank {
		out = append(out, *b)
	}
	slices.SortFunc(out, func(a, b BankSummary) int { return strings.Compare(a.Bank, b.Bank) })
	return out, nil
}

// BankEntries returns up to limit entries of bank numbered below before
// (all when before is 0), newest first: a page of the bank browser.
func (db *DB) BankEntries(ctx context.Context, bank string, before int64, limit int) ([]signals.Entry, error) {
	if before <= 0 {
		before = 1 << 62
	}
	rows, err := db.query(ctx, `SELECT id, enabled, data FROM signal_entries WHERE bank = ? AND id < ? ORDER BY id DESC LIMIT ?`, bank, before, limit)
	if err != nil {
		return nil, dbError(err, "read bank entries")
	}
	var out []signals.Entry
	err = scanSignals(rows, "read bank entries", nil, func(e signals.Entry) { out = append(out, e) })
	return out, err
}
