package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"secunion"
	"secunion/access"
	"secunion/audit"
	"secunion/crisis"
	"secunion/signals"
)

// SignalTopic is the outbox topic of bank entries added, enabled or
// disabled: a node's matcher follows it to keep its index current.
const SignalTopic = "signals.entry"

// SignalEvent names the bank entry that changed.
type SignalEvent struct {
	ID int64 `json:"id"`
}

// AddSignal puts e into its bank, enabled and numbered, and returns it
// with created true; a bank holding the same hash already returns that
// entry, unchanged, with created false. The addition is audited and put
// on the outbox in the same transaction.
func (db *DB) AddSignal(ctx context.Context, actor secunion.Actor, e signals.Entry) (signals.Entry, bool, error) {
	if !access.CanCurateHashes(actor) {
		return e, false, db.deny(ctx, actor, signalDecl, "add to bank "+e.Bank, "only competent authorities and Europol curate the hash banks")
	}
	if err := e.Validate(); err != nil {
		return e, false, err
	}
	if err := CheckCuratedBank(e.Bank); err != nil {
		return e, false, err
	}
	created := false
	err := db.Write(ctx, func(tx *Tx) error {
		var err error
		e, created, err = tx.addSignal(actor, e)
		return err
	})
	return e, created, err
}

// CheckCuratedBank refuses a bank curators may not write by hand: an
// incident's bank is filled only through the crisis protocol, whose
// sharing is checked and audited as the incident's.
func CheckCuratedBank(bank string) error {
	if strings.HasPrefix(bank, crisis.BankPrefix) {
		return secunion.Errorf(secunion.Invalid, "bank %s: banks named %s… are incidents' banks, filled through the crisis protocol (share a hash on the incident)", bank, crisis.BankPrefix)
	}
	return nil
}

// CheckListBank refuses a bank a list may not be imported or pulled
// into: an incident's bank (CheckCuratedBank), and the TCO bank, whose
// entries are linked to the removal orders that gave them, so that a
// partner's list cannot disable a hash a standing order stands for, nor
// enable one an annulment disabled.
func CheckListBank(bank string) error {
	if bank == signals.BankTCO {
		return secunion.Errorf(secunion.Invalid, "bank %s holds the content removed under removal orders, linked to them: import the list into a bank of its own", bank)
	}
	return CheckCuratedBank(bank)
}

// addSignal puts checked entry e into its bank within the transaction,
// audited and put on the outbox, unless the bank holds its hash already:
// then it returns the held entry with created false.
func (tx *Tx) addSignal(actor secunion.Actor, e signals.Entry) (signals.Entry, bool, error) {
	held, err := signalWhere(tx.QueryRow(`SELECT id, enabled, data FROM signal_entries WHERE bank = ? AND algorithm = ? AND value = ?`, e.Bank, e.Algorithm, e.Value))
	if err == nil {
		return held, false, nil
	}
	if secunion.CodeOf(err) != secunion.NotFound {
		return e, false, err
	}
	e.Added, e.Enabled, e.AddedBy = tx.Now(), true, actor.Authority+"/"+actor.Login
	if err := tx.QueryRow(`INSERT INTO signal_entries (bank, algorithm, value, enabled, updated_ns, data) VALUES (?, ?, ?, 1, ?, ?) RETURNING id`,
		e.Bank, e.Algorithm, e.Value, nanos(e.Added), mustJSON(e)).Scan(&e.ID); err != nil {
		return e, false, dbError(err, "store bank entry")
	}
	if _, err := tx.Exec(`INSERT INTO signal_changes (entry_id, change) SELECT ?, COALESCE(MAX(change), 0) + 1 FROM signal_changes`, e.ID); err != nil {
		return e, false, dbError(err, "number a bank change")
	}
	if err := tx.Emit(SignalTopic, SignalEvent{ID: e.ID}); err != nil {
		return e, false, err
	}
	return e, true, tx.Audit(signalEntry(actor, audit.OpCollection, fmt.Sprintf("%s hash added to bank %s (%s)", e.Algorithm, e.Bank, e.Source), e.ID))
}

// SetSignalEnabled enables or disables bank entry id, audited and put on
// the outbox, so that matchers follow within their next poll.
func (db *DB) SetSignalEnabled(ctx context.Context, actor secunion.Actor, id int64, enabled bool) (signals.Entry, error) {
	if !access.CanCurateHashes(actor) {
		return signals.Entry{}, db.deny(ctx, actor, signalDecl, fmt.Sprintf("set bank entry %d enabled=%v", id, enabled), "only competent authorities and Europol curate the hash banks")
	}
	var e signals.Entry
	err := db.Write(ctx, func(tx *Tx) error {
		var err error
		if e, err = signalWhere(tx.QueryRow(`SELECT id, enabled, data FROM signal_entries WHERE id = ?`, id)); err != nil {
			return err
		}
		return tx.setSignalEnabled(actor, &e, enabled)
	})
	return e, err
}

// setSignalEnabled sets held entry e's flag within the transaction, unless
// it is set already: the change is numbered in the change feed, audited
// and put on the outbox.
func (tx *Tx) setSignalEnabled(actor secunion.Actor, e *signals.Entry, enabled bool) error {
	if e.Enabled == enabled {
		return nil
	}
	e.Enabled = enabled
	flag := 0
	if enabled {
		flag = 1
	}
	if _, err := tx.Exec(`UPDATE signal_entries SET enabled = ?, updated_ns = ? WHERE id = ?`, flag, nanos(tx.Now()), e.ID); err != nil {
		return dbError(err, "change bank entry")
	}
	// An entry stored by a binary older than the change feed has no
	// change row yet: it gets one. (WHERE true lets SQLite parse the
	// upsert of a SELECT.)
	if _, err := tx.Exec(`INSERT INTO signal_changes (entry_id, change) SELECT ?, COALESCE(MAX(change), 0) + 1 FROM signal_changes WHERE true
		ON CONFLICT (entry_id) DO UPDATE SET change = excluded.change`, e.ID); err != nil {
		return dbError(err, "number a bank change")
	}
	if err := tx.Emit(SignalTopic, SignalEvent{ID: e.ID}); err != nil {
		return err
	}
	return tx.Audit(signalEntry(actor, audit.OpAlteration, fmt.Sprintf("bank entry enabled=%v", enabled), e.ID))
}

// Signal returns bank entry id.
func (db *DB) Signal(ctx context.Context, id int64) (signals.Entry, error) {
	return signalWhere(db.queryRow(ctx, `SELECT id, enabled, data FROM signal_entries WHERE id = ?`, id))
}

// SignalsAfter returns up to limit bank entries numbered after id, in
// order: a matcher builds its index from them at start, page by page.
func (db *DB) SignalsAfter(ctx context.Context, id int64, limit int) ([]signals.Entry, error) {
	rows, err := db.query(ctx, `SELECT id, enabled, data FROM signal_entries WHERE id > ? ORDER BY id LIMIT ?`, id, limit)
	if err != nil {
		return nil, dbError(err, "read bank entries")
	}
	var out []signals.Entry
	err = scanSignals(rows, "read bank entries", nil, func(e signals.Entry) { out = append(out, e) })
	return out, err
}

// scanSignals reads each row of (lead..., id, enabled, data), hands its
// entry to add once the lead columns are scanned into lead, and closes
// rows; what names the reading in an error.
func scanSignals(rows *sql.Rows, what string, lead []any, add func(signals.Entry)) error {
	defer rows.Close()
	for rows.Next() {
		e, err := scanSignal(scanFunc(func(dest ...any) error { return rows.Scan(append(lead[:len(lead):len(lead)], dest...)...) }))
		if err != nil {
			return err
		}
		add(e)
	}
	if err := rows.Err(); err != nil {
		return dbError(err, what)
	}
	return nil
}

// scanFunc lets a function stand for a row.
type scanFunc func(dest ...any) error

func (s scanFunc) Scan(dest ...any) error { return s(dest...) }

// signalWhere reads the entry row selects (id, enabled, data), or a
// NotFound error.
func signalWhere(row *sql.Row) (signals.Entry, error) {
	e, err := scanSignal(row)
	if errors.Is(err, sql.ErrNoRows) {
		return e, secunion.Errorf(secunion.NotFound, "no such bank entry")
	}
	return e, err
}

// scanSignal reads an entry from its id, enabled and data columns; the
// columns are authoritative over the JSON for the number and the flag.
func scanSignal(row interface{ Scan(...any) error }) (signals.Entry, error) {
	var e signals.Entry
	var id int64
	var enabled int
	var data string
	if err := row.Scan(&id, &enabled, &data); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return e, err
		}
		return e, dbError(err, "read bank entry")
	}
	if err := json.Unmarshal([]byte(data), &e); err != nil {
		return e, secunion.Wrap(secunion.Internal, err, "a stored bank entry is damaged")
	}
	e.ID, e.Enabled = id, enabled == 1
	return e, nil
}

// signalDecl is what a refused bank change is audited under.
var signalDecl = access.Declaration{Purpose: secunion.PurposeTerroristContent}

// signalEntry is the audit entry of a bank change.
func signalEntry(actor secunion.Actor, op audit.Operation, detail string, id int64) audit.Entry {
	return removalEntry(actor, op, detail, fmt.Sprintf("signal:%d", id))
}
