package store

import (
	"context"
	"strconv"

	"secunion"
	"secunion/removal"
	"secunion/signals"
)

// maxRemovedHashes bounds the hashes given with one removal or addition.
const maxRemovedHashes = 100

// removedHashes makes hs entries of the TCO bank sourced to order id, and
// checks them, naming the first that is wrong.
func removedHashes(id string, hs []signals.Entry) ([]signals.Entry, error) {
	if len(hs) > maxRemovedHashes {
		return nil, secunion.Errorf(secunion.Invalid, "hashes: at most %d at a time, not %d", maxRemovedHashes, len(hs))
	}
	out := make([]signals.Entry, len(hs))
	for i, h := range hs {
		h.Bank, h.Source, h.SourceRef = signals.BankTCO, signals.SourceRemovalOrder, id
		if err := h.Validate(); err != nil {
			return nil, secunion.Errorf(secunion.Invalid, "hashes[%d]: %s", i, secunion.MessageOf(err))
		}
		out[i] = h
	}
	return out, nil
}

// AddRemovedHashes puts hashes of the content removed under order id into
// the TCO bank, for the order's issuer or the provider it was addressed
// to, once the content is down. Each new entry is audited and reaches
// the matchers through the outbox; a hash the bank holds already is
// answered as held. A non-party gets NotFound.
func (db *DB) AddRemovedHashes(ctx context.Context, actor secunion.Actor, id string, hs []signals.Entry) ([]signals.Entry, error) {
	if len(hs) == 0 {
		return nil, secunion.Errorf(secunion.Invalid, "hashes: give at least one")
	}
	hs, err := removedHashes(id, hs)
	if err != nil {
		return nil, err
	}
	o, err := db.readOrder(ctx, id)
	if err != nil {
		return nil, err
	}
	p, err := db.partyOf(ctx, actor, o, "add hashes to")
	if err != nil {
		return nil, err
	}
	if p != removal.Issuer && p != removal.Addressee {
		return nil, db.deny(ctx, actor, signalDecl, "add hashes of removal order "+id, "only the order's issuer and its provider add the hashes of removed content")
	}
	if o.RemovedAt.IsZero() {
		return nil, secunion.Errorf(secunion.Conflict, "removal order %s: the content has not been removed (state %s)", id, o.State)
	}
	err = db.Write(ctx, func(tx *Tx) error {
		for i, h := range hs {
			held, _, err := tx.addSignal(actor, h)
			if err != nil {
				return err
			}
			hs[i] = held
		}
		return nil
	})
	return hs, err
}

// disableRemovedHashes disables the TCO bank's entries sourced to order
// id, within the transaction: the order was annulled, or its content
// reinstated, so that content is no longer to be stopped on upload. Each
// entry is audited and reaches the matchers through the outbox. The
// entries are found by the source reference in their record, a scan of
// the TCO bank that the rare annulment or reinstatement can afford.
func (tx *Tx) disableRemovedHashes(actor secunion.Actor, id string) error {
	rows, err := tx.Query(`SELECT id, enabled, data FROM signal_entries WHERE bank = ? AND enabled = 1 AND data LIKE ?`,
		signals.BankTCO, `%"source_ref":`+strconv.Quote(id)+`%`)
	if err != nil {
		return dbError(err, "read the removed content's hashes")
	}
	var held []signals.Entry
	for rows.Next() {
		e, err := scanSignal(rows)
		if err != nil {
			rows.Close()
			return err
		}
		if e.Source == signals.SourceRemovalOrder && e.SourceRef == id {
			held = append(held, e)
		}
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return dbError(err, "read the removed content's hashes")
	}
	for i := range held {
		if err := tx.setSignalEnabled(actor, &held[i], false); err != nil {
			return err
		}
	}
	return nil
}
