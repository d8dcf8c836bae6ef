package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"secunion"
	"secunion/access"
	"secunion/signals"
)

// SignalChange is a bank entry as its latest change left it: the change's
// number in the change feed (one sequence over every bank, given at the
// entry's insertion and again at each enabling or disabling) and its time.
type SignalChange struct {
	Change  int64         `json:"change"`
	Updated time.Time     `json:"updated"`
	Entry   signals.Entry `json:"entry"`
}

// Item is c as an item of an exchanged list: a disabled entry is a
// deleted one, numbered by its change.
func (c SignalChange) Item() signals.Item {
	return signals.Item{Entry: c.Entry, Deleted: !c.Entry.Enabled, Updated: c.Updated, Seq: c.Change}
}

// SignalChangesAfter returns up to limit bank entries changed after
// change number `after`, in the order of their latest change, of bank (of
// every bank when bank is ""). A reader that keeps the number of the last
// change it read sees every later addition, enabling and disabling: writes
// are serialized (one writer; on PostgreSQL an advisory lock in every
// write), so numbers are committed in order and none appears behind one
// already read.
func (db *DB) SignalChangesAfter(ctx context.Context, bank string, after int64, limit int) ([]SignalChange, error) {
	q := `SELECT c.change, e.updated_ns, e.id, e.enabled, e.data FROM signal_changes c JOIN signal_entries e ON e.id = c.entry_id WHERE c.change > ?`
	args := []any{after}
	if bank != "" {
		q += ` AND e.bank = ?`
		args = append(args, bank)
	}
	rows, err := db.query(ctx, q+` ORDER BY c.change LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, dbError(err, "read bank changes")
	}
	var out []SignalChange
	var change, updated int64
	err = scanSignals(rows, "read bank changes", []any{&change, &updated}, func(e signals.Entry) {
		out = append(out, SignalChange{Change: change, Updated: fromNanos(updated), Entry: e})
	})
	return out, err
}

// SignalImport counts what importing a list into a bank did.
type SignalImport struct {
	Added     int `json:"added"`     // new to the bank, enabled
	Enabled   int `json:"enabled"`   // held disabled, enabled again as the list holds them
	Disabled  int `json:"disabled"`  // deleted by the list, disabled here
	Unchanged int `json:"unchanged"` // held as the list has them, or deleted and never held
}

// PullStep ties an imported page to the pull it belongs to: the partner
// (its list's URL), the checkpoint the page was asked after and the one
// it ends at.
type PullStep struct {
	Source, Prev, Next string
}

// SignalImportInput is a list to import into a bank.
type SignalImportInput struct {
	Bank  string
	Ref   string // what the list is (a file, a partner's URL): source_ref of the entries it adds
	Items []signals.Item
	Pull  *PullStep // for a pull: its checkpoint moves in the same transaction
}

// ImportSignals brings bank in line with a list, in one transaction: all
// of it or, on any error, none. A hash the list holds is added (source
// import, audited, on the outbox) or, held but disabled, enabled again; a
// hash the list deleted is disabled. A bank fed by a list thus follows
// it: a hash the list changes again is set as the list says, whatever was
// done to it here; labels of a held hash are kept. With in.Pull, the
// pull's checkpoint is set to Pull.Next in the same transaction, so that a
// crash resumes after the last page stored and no page is taken twice;
// a Conflict error means another node stored this page first (its
// checkpoint is no longer Pull.Prev). Curators only; an incident's bank
// and the TCO bank are refused (CheckListBank).
//
// The one transaction is what keeps a bad list from changing anything,
// and it has a cost: it holds the node's only writer for the whole list,
// so every other write waits while a list of a million hashes is stored
// (and the list is held in memory meanwhile). The HTTP route therefore
// takes one import at a time.
func (db *DB) ImportSignals(ctx context.Context, actor secunion.Actor, in SignalImportInput) (SignalImport, error) {
	var st SignalImport
	if !access.CanCurateHashes(actor) {
		return st, db.deny(ctx, actor, signalDecl, "import a list into bank "+in.Bank, "only competent authorities and Europol curate the hash banks")
	}
	if err := signals.CheckBankName(in.Bank); err != nil {
		return st, err
	}
	if err := CheckListBank(in.Bank); err != nil {
		return st, err
	}
	if len(in.Items) > signals.MaxListItems {
		return st, secunion.Errorf(secunion.TooLarge, "a list imports at most %d hashes at once", signals.MaxListItems)
	}
	ref := secunion.Clip(in.Ref, 200)
	entries := make([]signals.Entry, len(in.Items))
	for i, it := range in.Items {
		e := it.Entry
		e.ID, e.Bank, e.Source, e.SourceRef = 0, in.Bank, signals.SourceImport, ref
		if err := e.Validate(); err != nil {
			return st, secunion.Errorf(secunion.Invalid, "item %d: %s (nothing was imported)", i+1, secunion.MessageOf(err))
		}
		entries[i] = e
	}
	err := db.Write(ctx, func(tx *Tx) error {
		st = SignalImport{}
		for i, e := range entries {
			if err := tx.importSignal(actor, e, in.Items[i].Deleted, &st); err != nil {
				return err
			}
		}
		if in.Pull != nil {
			return tx.movePull(in.Bank, *in.Pull)
		}
		return nil
	})
	if err != nil {
		return SignalImport{}, err
	}
	return st, nil
}

// importSignal brings checked entry e of the bank in line with a list
// that holds it, or deleted it.
func (tx *Tx) importSignal(actor secunion.Actor, e signals.Entry, deleted bool, st *SignalImport) error {
	if deleted {
		held, err := signalWhere(tx.QueryRow(`SELECT id, enabled, data FROM signal_entries WHERE bank = ? AND algorithm = ? AND value = ?`, e.Bank, e.Algorithm, e.Value))
		switch {
		case secunion.CodeOf(err) == secunion.NotFound || err == nil && !held.Enabled:
			st.Unchanged++
			return nil
		case err != nil:
			return err
		}
		st.Disabled++
		return tx.setSignalEnabled(actor, &held, false)
	}
	held, created, err := tx.addSignal(actor, e)
	switch {
	case err != nil:
		return err
	case created:
		st.Added++
	case !held.Enabled:
		st.Enabled++
		return tx.setSignalEnabled(actor, &held, true)
	default:
		st.Unchanged++
	}
	return nil
}

// movePull sets the pull's checkpoint to step.Next if it is still
// step.Prev.
func (tx *Tx) movePull(bank string, step PullStep) error {
	var cur string
	err := tx.QueryRow(`SELECT checkpoint FROM signal_pulls WHERE bank = ? AND source = ?`, bank, step.Source).Scan(&cur)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return dbError(err, "read a pull's checkpoint")
	}
	if cur != step.Prev {
		return secunion.Errorf(secunion.Conflict, "the pull of %s into bank %s has moved on since (another node stored this page)", secunion.Clip(step.Source, 200), bank)
	}
	_, err = tx.Exec(`INSERT INTO signal_pulls (bank, source, checkpoint, pages, updated_ns) VALUES (?, ?, ?, 1, ?)
		ON CONFLICT (bank, source) DO UPDATE SET checkpoint = excluded.checkpoint, pages = signal_pulls.pages + 1, updated_ns = excluded.updated_ns`,
		bank, step.Source, step.Next, nanos(tx.Now()))
	return dbError(err, "store a pull's checkpoint")
}

// PullState is where a pull of a partner's list into a bank has got to.
type PullState struct {
	Checkpoint string // the `after` of the next page; "" before the first
	Pages      int64  // pages stored
}

// PullState returns where the pull of source into bank has got to; the
// zero state before its first page.
func (db *DB) PullState(ctx context.Context, bank, source string) (PullState, error) {
	var ps PullState
	err := db.queryRow(ctx, `SELECT checkpoint, pages FROM signal_pulls WHERE bank = ? AND source = ?`, bank, source).Scan(&ps.Checkpoint, &ps.Pages)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return PullState{}, nil
	case err != nil:
		return ps, dbError(err, "read a pull's checkpoint")
	}
	return ps, nil
}

// String says what an import did, for logs and the command line.
func (s SignalImport) String() string {
	return fmt.Sprintf("%d added, %d enabled again, %d disabled, %d unchanged", s.Added, s.Enabled, s.Disabled, s.Unchanged)
}

// SignalBankSize returns how many entries bank holds, enabled or not.
func (db *DB) SignalBankSize(ctx context.Context, bank string) (int, error) {
	var n int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM signal_entries WHERE bank = ?`, bank).Scan(&n); err != nil {
		return 0, dbError(err, "count bank entries")
	}
	return n, nil
}
