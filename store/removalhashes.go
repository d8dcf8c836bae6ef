package store

import (
	"context"

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
// to, once the content is down and while the order stands (not annulled,
// its content not reinstated). Each new entry is audited and reaches the
// matchers through the outbox; a hash the bank holds already is linked to
// the order too, and enabled again if it was disabled. A non-party gets
// NotFound.
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
	err = db.Write(ctx, func(tx *Tx) error {
		o, err := tx.readOrder(id)
		switch {
		case err != nil:
			return err
		case o.RemovedAt.IsZero():
			return secunion.Errorf(secunion.Conflict, "removal order %s: the content has not been removed (state %s)", id, o.State)
		case !standing(o):
			return secunion.Errorf(secunion.Conflict, "removal order %s is %s: its content is no longer to be stopped", id, o.State)
		}
		for i, h := range hs {
			if hs[i], err = tx.bankRemoved(actor, id, h); err != nil {
				return err
			}
		}
		return nil
	})
	return hs, err
}

// standing reports whether order o still stands: neither annulled on
// scrutiny nor its content reinstated.
func standing(o removal.Order) bool {
	return o.State != removal.Annulled && o.State != removal.Reinstated
}

// bankRemoved puts h, a hash of content removed under order id, into the
// TCO bank within the transaction and links the entry to the order. An
// entry of removed content held disabled (its earlier order annulled,
// say) is enabled again: an order that stands now stops that content. An
// entry a curator added by hand keeps the curator's flag.
func (tx *Tx) bankRemoved(actor secunion.Actor, id string, h signals.Entry) (signals.Entry, error) {
	e, created, err := tx.addSignal(actor, h)
	if err != nil {
		return e, err
	}
	if _, err := tx.Exec(`INSERT INTO signal_order_hashes (entry_id, order_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, e.ID, id); err != nil {
		return e, dbError(err, "link a removed content's hash to its order")
	}
	if !created && !e.Enabled && e.Source == signals.SourceRemovalOrder {
		err = tx.setSignalEnabled(actor, &e, true)
	}
	return e, err
}

// disableRemovedHashes disables, within the transaction, the TCO bank's
// entries of order id's removed content (never one a curator added by
// hand) that no other standing order stands for: order id was annulled, or its content reinstated, so that
// content is no longer to be stopped on upload. Each entry is audited and
// reaches the matchers through the outbox.
func (tx *Tx) disableRemovedHashes(actor secunion.Actor, id string) error {
	rows, err := tx.Query(`SELECT e.id, e.enabled, e.data FROM signal_entries e JOIN signal_order_hashes l ON l.entry_id = e.id
		WHERE l.order_id = ? AND e.enabled = 1 AND NOT EXISTS (
			SELECT 1 FROM signal_order_hashes o JOIN removal_orders r ON r.id = o.order_id
			WHERE o.entry_id = e.id AND o.order_id <> ? AND r.state NOT IN (?, ?))`,
		id, id, string(removal.Annulled), string(removal.Reinstated))
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
		if e.Source == signals.SourceRemovalOrder {
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
