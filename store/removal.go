package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"secunion"
	"secunion/access"
	"secunion/audit"
	"secunion/removal"
	"secunion/signals"
)

// RemovalTopic is the outbox topic of removal-order events: each step of
// an order's timeline, committed with it, for the outbox's subscribers.
const RemovalTopic = "removal"

func orderRef(id string) string { return "removal-order:" + id }

// removalEntry is the audit entry of a step on orders by actor.
func removalEntry(actor secunion.Actor, op audit.Operation, detail string, objects ...string) audit.Entry {
	user := actor.Login
	if user == "" {
		user = "removal"
	}
	return audit.Entry{Authority: actor.Authority, User: user, Operation: op, Purpose: string(secunion.PurposeTerroristContent),
		Objects: objects, Results: len(objects), Outcome: "ok", Detail: secunion.Clip(detail, 500)}
}

// PutProvider registers a hosting service provider or changes its
// contact point; the provider's authority must exist and be of kind
// hosting-provider. An administrator or the provider itself may do it. A
// secret left empty on a change keeps the one held.
func (db *DB) PutProvider(ctx context.Context, actor secunion.Actor, p removal.Provider) (removal.Provider, error) {
	if !actor.Local && !access.CanAdminister(actor, p.Code) {
		return p, secunion.Errorf(secunion.Forbidden, "only an administrator or the provider itself registers provider %s", p.Code)
	}
	// Once registered, the contact point is the provider's own: whoever
	// set its webhook and secret would receive its orders and could
	// acknowledge them in its name.
	if _, err := db.Provider(ctx, p.Code); err == nil && !actor.Local && actor.Authority != p.Code {
		return p, secunion.Errorf(secunion.Forbidden, "provider %s is registered: only its own admins change its contact point", p.Code)
	}
	a, err := db.Authority(ctx, p.Code)
	if err != nil {
		return p, err
	}
	if a.Kind != access.KindHostingProvider {
		return p, secunion.Errorf(secunion.Invalid, "provider: code: %s is a %s, not a hosting-provider authority", p.Code, a.Kind)
	}
	if p.Contact.Secret == "" {
		if old, err := db.Provider(ctx, p.Code); err == nil {
			p.Contact.Secret = old.Contact.Secret
		}
	}
	if err := p.Validate(); err != nil {
		return p, err
	}
	data, _ := json.Marshal(p)
	err = db.Write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`INSERT INTO providers (code, data, secret, updated_ns) VALUES (?, ?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET data = excluded.data, secret = excluded.secret, updated_ns = excluded.updated_ns`,
			p.Code, string(data), p.Contact.Secret, nanos(tx.Now()))
		if err != nil {
			return dbError(err, "register provider")
		}
		return tx.Audit(auditEntry(actor, audit.OpAlteration, "provider:"+p.Code))
	})
	return p, err
}

// Provider returns a registered provider, its webhook secret included.
func (db *DB) Provider(ctx context.Context, code string) (removal.Provider, error) {
	var p removal.Provider
	var data, secret string
	err := db.queryRow(ctx, `SELECT data, secret FROM providers WHERE code = ?`, code).Scan(&data, &secret)
	if errors.Is(err, sql.ErrNoRows) {
		return p, secunion.Errorf(secunion.NotFound, "no hosting service provider %s", code)
	}
	if err != nil {
		return p, dbError(err, "read provider")
	}
	if err := json.Unmarshal([]byte(data), &p); err != nil {
		return p, secunion.Wrap(secunion.Internal, err, "a stored provider is damaged")
	}
	p.Contact.Secret = secret
	return p, nil
}

// Providers lists the registered providers, without their secrets.
func (db *DB) Providers(ctx context.Context) ([]removal.Provider, error) {
	rows, err := db.query(ctx, `SELECT data FROM providers ORDER BY code`)
	if err != nil {
		return nil, dbError(err, "list providers")
	}
	defer rows.Close()
	var out []removal.Provider
	for rows.Next() {
		var data string
		var p removal.Provider
		if err := rows.Scan(&data); err != nil {
			return nil, dbError(err, "list providers")
		}
		if err := json.Unmarshal([]byte(data), &p); err != nil {
			return nil, secunion.Wrap(secunion.Internal, err, "a stored provider is damaged")
		}
		out = append(out, p)
	}
	return out, dbError(rows.Err(), "list providers")
}

// SendProcedureInfo records that actor's authority sent provider its
// information on procedures and deadlines (Art 3(2)); a first order may
// follow 12 hours later. It returns the time recorded.
func (db *DB) SendProcedureInfo(ctx context.Context, actor secunion.Actor, provider string) (time.Time, error) {
	if _, err := db.Provider(ctx, provider); err != nil {
		return time.Time{}, err
	}
	issuer, err := db.Authority(ctx, actor.Authority)
	if err != nil {
		return time.Time{}, err
	}
	if issuer.Kind != access.KindTCOAuthority {
		return time.Time{}, secunion.Errorf(secunion.Forbidden, "%s is a %s; only a competent authority sends procedure information", issuer.Code, issuer.Kind)
	}
	var at time.Time
	err = db.Write(ctx, func(tx *Tx) error {
		at = tx.Now()
		_, err := tx.Exec(`INSERT INTO procedure_notices (authority, provider, sent_ns) VALUES (?, ?, ?)
			ON CONFLICT (authority, provider) DO NOTHING`, issuer.Code, provider, nanos(at))
		if err != nil {
			return dbError(err, "record procedure information")
		}
		if err := tx.QueryRow(`SELECT sent_ns FROM procedure_notices WHERE authority = ? AND provider = ?`, issuer.Code, provider).Scan(new(int64)); err != nil {
			return dbError(err, "record procedure information")
		}
		return tx.Audit(removalEntry(actor, audit.OpDisclosure, "procedure information on removal orders sent to "+provider, "provider:"+provider))
	})
	return at, err
}

// IssueOrder checks and stores a removal order from actor's authority,
// puts it in the provider's inbox (state sent), queues its webhook push
// when the provider has a webhook, and audits it, in one transaction:
// once it returns, the order is durable and will be delivered.
func (db *DB) IssueOrder(ctx context.Context, actor secunion.Actor, o removal.Order) (removal.Order, error) {
	issuer, err := db.Authority(ctx, actor.Authority)
	if err != nil {
		return o, secunion.Errorf(secunion.Forbidden, "only a competent authority issues removal orders")
	}
	p, err := db.Provider(ctx, o.Provider)
	if secunion.CodeOf(err) == secunion.NotFound {
		return o, secunion.Errorf(secunion.Invalid, "removal order: provider: %q is not a registered hosting service provider", secunion.Clip(o.Provider, 64))
	}
	if err != nil {
		return o, err
	}
	var out removal.Order
	err = db.Write(ctx, func(tx *Tx) error {
		var sentNs int64
		err := tx.QueryRow(`SELECT sent_ns FROM procedure_notices WHERE authority = ? AND provider = ?`, issuer.Code, p.Code).Scan(&sentNs)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return dbError(err, "read procedure information")
		}
		var notice time.Time
		if err == nil {
			notice = fromNanos(sentNs)
		}
		var earlier bool
		if err := tx.QueryRow(`SELECT EXISTS (SELECT 1 FROM removal_orders WHERE provider = ? AND issuer = ?)`, p.Code, issuer.Code).Scan(&earlier); err != nil {
			return dbError(err, "read earlier orders")
		}
		if out, err = removal.Issue(o, issuer, p, notice, tx.Now(), !earlier); err != nil {
			return err
		}
		e := removal.Event{Order: out.ID, At: out.Issued, Action: "issue", Party: removal.Issuer, Actor: issuer.Code, To: removal.Issued,
			Note: "to " + out.ContactPoint}
		if out.CrossBorder() {
			e.Note += "; copy to the competent authorities of " + out.ProviderState + " (Art 4(1))"
		}
		if err := tx.insertOrder(out, e); err != nil {
			return err
		}
		// The order is in the provider's inbox at once; a webhook push,
		// when the provider has one, follows from the delivery queue.
		sent, e, err := removal.Next(out, removal.Step{Action: removal.Deliver, Party: removal.Node, Actor: "node", At: tx.Now(), Text: "in the provider's inbox"})
		if err != nil {
			return err
		}
		if err := tx.updateOrder(sent); err != nil {
			return err
		}
		if err := tx.appendEvent(e); err != nil {
			return err
		}
		out = sent
		if p.Contact.Webhook != "" {
			if _, err := tx.Exec(`INSERT INTO removal_deliveries (order_id, attempts, next_ns, nonce, last_error) VALUES (?, 0, ?, '', '')`,
				out.ID, nanos(tx.Now())); err != nil {
				return dbError(err, "queue delivery")
			}
		}
		return tx.Audit(removalEntry(actor, audit.OpCollection, fmt.Sprintf("removal order %s issued to %s, %d URLs", out.Reference, p.Code, len(out.Items)),
			orderRef(out.ID), "provider:"+p.Code))
	})
	if isUniqueViolation(err) {
		return o, secunion.Errorf(secunion.Conflict, "removal order: reference: %s already issued an order with reference %q", issuer.Code, secunion.Clip(o.Reference, 64))
	}
	return out, err
}

// insertOrder stores a new order and its first event.
func (t *Tx) insertOrder(o removal.Order, e removal.Event) error {
	data, err := json.Marshal(o)
	if err != nil {
		return fmt.Errorf("store: removal order: %w", err)
	}
	_, err = t.Exec(`INSERT INTO removal_orders (id, issuer, provider, host_state, reference, state, issued_ns, due_ns, data)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, o.ID, o.Issuer, o.Provider, o.ProviderState, o.Reference, string(o.State),
		nanos(o.Issued), dueNanos(o), string(data))
	if err != nil {
		return dbError(err, "store removal order")
	}
	return t.appendEvent(e)
}

// appendEvent adds an event to an order's timeline and to the outbox.
func (t *Tx) appendEvent(e removal.Event) error {
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("store: removal event: %w", err)
	}
	if _, err := t.Exec(`INSERT INTO removal_events (order_id, at_ns, data) VALUES (?, ?, ?)`, e.Order, nanos(e.At), string(data)); err != nil {
		return dbError(err, "store removal event")
	}
	return t.Emit(RemovalTopic, e)
}

// dueNanos is when the watcher must next look at o: while the hour runs,
// the warning before the deadline, then the deadline itself; once content
// is preserved, the end of preservation, when it is erased; 0 when there
// is nothing to watch (waiting for receipt, stopped, withdrawn, recorded
// or erased).
func dueNanos(o removal.Order) int64 {
	switch {
	case o.State != removal.Received:
		if !o.Preserve.IsZero() && o.Erased.IsZero() {
			return nanos(o.Preserve)
		}
		return 0
	case o.Deadline.IsZero() || !o.Breached.IsZero() && !o.Breached.Before(o.Started):
		return 0
	case o.Warned.IsZero() || o.Warned.Before(o.Started):
		return nanos(o.Deadline.Add(-removal.WarnBefore))
	}
	return nanos(o.Deadline)
}

// readOrder reads one order.
func (db *DB) readOrder(ctx context.Context, id string) (removal.Order, error) {
	var o removal.Order
	err := readJSON(db.queryRow(ctx, `SELECT data FROM removal_orders WHERE id = ?`, id), &o, "removal order "+secunion.Clip(id, 64))
	return o, err
}

// readOrder reads one order inside a transaction.
func (t *Tx) readOrder(id string) (removal.Order, error) {
	var o removal.Order
	err := readJSON(t.QueryRow(`SELECT data FROM removal_orders WHERE id = ?`, id), &o, "removal order "+secunion.Clip(id, 64))
	return o, err
}

// partyOf returns the part actor plays for order id, or a NotFound error
// (an authority not party to an order does not learn it exists), which
// is audited as a denial.
func (db *DB) partyOf(ctx context.Context, actor secunion.Actor, o removal.Order, what string) (removal.Party, error) {
	a, err := db.Authority(ctx, actor.Authority)
	if err == nil {
		if p, ok := removal.PartyOf(&o, a); ok {
			return p, nil
		}
	}
	if err := db.RecordDenial(ctx, actor, access.Declaration{Purpose: secunion.PurposeTerroristContent}, what+" removal order "+o.ID,
		"the authority is not party to the order"); err != nil {
		return "", err
	}
	return "", secunion.Audited(secunion.Errorf(secunion.NotFound, "no removal order %s", o.ID))
}

// providerOf refuses what an order's party other than its provider asks
// to do on it (403), and a non-party (404, as for partyOf); both audited.
func (db *DB) providerOf(ctx context.Context, actor secunion.Actor, orderID, what string) error {
	o, err := db.readOrder(ctx, orderID)
	if err != nil {
		return err
	}
	p, err := db.partyOf(ctx, actor, o, what)
	if err != nil || p == removal.Addressee {
		return err
	}
	return db.deny(ctx, actor, access.Declaration{Purpose: secunion.PurposeTerroristContent}, what+" removal order "+o.ID, "only the order's provider may "+what+" it")
}

// Order returns an order and its timeline to a party to it, audited as a
// consultation. A provider's first read of an order sent to it is its
// receipt: the hour starts.
func (db *DB) Order(ctx context.Context, actor secunion.Actor, id string) (removal.Order, []removal.Event, error) {
	o, err := db.readOrder(ctx, id)
	if err != nil {
		return o, nil, err
	}
	p, err := db.partyOf(ctx, actor, o, "read")
	if err != nil {
		return o, nil, err
	}
	if p == removal.Addressee && o.State == removal.Sent {
		if o, err = db.StepOrder(ctx, actor, id, removal.Step{Action: removal.Acknowledge, Text: "first fetch"}); err != nil && secunion.CodeOf(err) != secunion.Conflict {
			return o, nil, err
		}
	}
	var events []removal.Event
	err = db.Write(ctx, func(tx *Tx) error {
		if o, err = tx.readOrder(id); err != nil {
			return err
		}
		if events, err = tx.orderEvents(id); err != nil {
			return err
		}
		return tx.Audit(removalEntry(actor, audit.OpConsultation, "removal order read by the "+string(p), orderRef(id)))
	})
	return o, events, err
}

// orderEvents returns an order's timeline, oldest first.
func (t *Tx) orderEvents(id string) ([]removal.Event, error) {
	rows, err := t.Query(`SELECT data FROM removal_events WHERE order_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, dbError(err, "read timeline")
	}
	defer rows.Close()
	var out []removal.Event
	for rows.Next() {
		var data string
		var e removal.Event
		if err := rows.Scan(&data); err != nil {
			return nil, dbError(err, "read timeline")
		}
		if err := json.Unmarshal([]byte(data), &e); err != nil {
			return nil, secunion.Wrap(secunion.Internal, err, "a stored removal event is damaged")
		}
		out = append(out, e)
	}
	return out, dbError(rows.Err(), "read timeline")
}

// StepOrder applies one step by actor to order id: actor's part (issuer,
// provider, host State) is found here, the state machine decides, and the
// order, its timeline and the audit log change together or not at all. A
// refused step is audited as a denial and changes nothing.
func (db *DB) StepOrder(ctx context.Context, actor secunion.Actor, id string, s removal.Step, removed ...signals.Entry) (removal.Order, error) {
	if len(removed) > 0 && s.Action != removal.Remove {
		return removal.Order{}, secunion.Errorf(secunion.Invalid, "hashes: only a removal carries the hashes of the removed content")
	}
	removed, err := removedHashes(id, removed)
	if err != nil {
		return removal.Order{}, err
	}
	o, err := db.readOrder(ctx, id)
	if err != nil {
		return o, err
	}
	if s.Party, err = db.partyOf(ctx, actor, o, string(s.Action)); err != nil {
		return o, err
	}
	s.Actor = actor.Authority
	return db.step(ctx, actor, id, s, removed)
}

// NodeStep applies a step the node itself takes: delivery, the deadline
// watcher's warnings and breaches, and the erasure of preserved content
// once its period ended, which also deletes the texts of the order's
// timeline and complaints (eraseRelated) and is audited as an erasure, in
// the same transaction.
func (db *DB) NodeStep(ctx context.Context, id string, s removal.Step) (removal.Order, error) {
	s.Party, s.Actor = removal.Node, "node"
	return db.step(ctx, secunion.Actor{Login: "removal"}, id, s, nil)
}

// step applies s to order id; the hashes of removed content a removal
// carries enter the TCO bank in the same transaction.
func (db *DB) step(ctx context.Context, actor secunion.Actor, id string, s removal.Step, removed []signals.Entry) (removal.Order, error) {
	var out removal.Order
	var refused error
	err := db.Write(ctx, func(tx *Tx) error {
		o, err := tx.readOrder(id)
		if err != nil {
			return err
		}
		if s.At.IsZero() {
			s.At = tx.Now()
		}
		next, e, err := removal.Next(o, s)
		if err != nil {
			refused = err
			return nil
		}
		if err := tx.updateOrder(next); err != nil {
			return err
		}
		op, detail := audit.OpAlteration, fmt.Sprintf("%s: %s → %s", e.Action, e.From, e.To)
		if e.Action == removal.Erase {
			complaints, err := tx.eraseRelated(id)
			if err != nil {
				return err
			}
			op, detail = audit.OpErasure, fmt.Sprintf("preservation of removed content ended %s: %d URLs, the reasons, timeline notes and %d complaints' texts deleted",
				o.Preserve.Format(time.RFC3339), next.ErasedItems, complaints)
		}
		if err := tx.appendEvent(e); err != nil {
			return err
		}
		for _, h := range removed {
			if _, err := tx.bankRemoved(actor, id, h); err != nil {
				return err
			}
		}
		if e.To != e.From && (e.To == removal.Annulled || e.To == removal.Reinstated) {
			if err := tx.disableRemovedHashes(actor, id); err != nil {
				return err
			}
		}
		out = next
		return tx.Audit(removalEntry(actor, op, detail, orderRef(id)))
	})
	if err != nil {
		return out, err
	}
	if refused != nil {
		if s.Party != removal.Node {
			if err := db.RecordDenial(ctx, actor, access.Declaration{Purpose: secunion.PurposeTerroristContent},
				string(s.Action)+" removal order "+id, secunion.MessageOf(refused)); err != nil {
				return out, err
			}
			return out, secunion.Audited(refused)
		}
		return out, refused
	}
	return out, nil
}

// updateOrder writes an order's new state.
func (t *Tx) updateOrder(o removal.Order) error {
	data, err := json.Marshal(o)
	if err != nil {
		return fmt.Errorf("store: removal order: %w", err)
	}
	_, err = t.Exec(`UPDATE removal_orders SET state = ?, due_ns = ?, data = ? WHERE id = ?`, string(o.State), dueNanos(o), string(data), o.ID)
	return dbError(err, "update removal order")
}

// OrderFilter selects orders for a list.
type OrderFilter struct {
	State removal.State // "" for any
	Limit int           // 1–1000, default 100
}

// Orders lists the orders actor's authority is party to, newest first:
// those it issued, those addressed to it (a provider's inbox) and, for a
// competent authority, copies of cross-border orders to providers of its
// Member State. The list is audited as a consultation.
func (db *DB) Orders(ctx context.Context, actor secunion.Actor, f OrderFilter) ([]removal.Order, error) {
	out, err := db.ordersOf(ctx, actor, f)
	if err != nil {
		return nil, err
	}
	return out, db.Write(ctx, func(tx *Tx) error {
		return tx.Audit(removalEntry(actor, audit.OpConsultation, fmt.Sprintf("list of removal orders: %d", len(out))))
	})
}

// OrderStates lists the same orders as Orders, unaudited, for the
// console's live countdowns, which show only their states and deadlines.
func (db *DB) OrderStates(ctx context.Context, actor secunion.Actor, limit int) ([]removal.Order, error) {
	return db.ordersOf(ctx, actor, OrderFilter{Limit: limit})
}

func (db *DB) ordersOf(ctx context.Context, actor secunion.Actor, f OrderFilter) ([]removal.Order, error) {
	a, err := db.Authority(ctx, actor.Authority)
	if err != nil {
		return nil, secunion.Errorf(secunion.Forbidden, "removal orders are for competent authorities and hosting service providers")
	}
	if f.Limit < 1 || f.Limit > 1000 {
		f.Limit = 100
	}
	host := ""
	if a.Kind == access.KindTCOAuthority {
		host = a.Country
	}
	rows, err := db.query(ctx, `SELECT data FROM removal_orders
		WHERE (issuer = ? OR provider = ? OR (host_state = ? AND issuer NOT IN (SELECT code FROM authorities WHERE country = ?)))
		AND (? = '' OR state = ?) ORDER BY issued_ns DESC, id LIMIT ?`,
		a.Code, a.Code, host, host, string(f.State), string(f.State), f.Limit)
	if err != nil {
		return nil, dbError(err, "list removal orders")
	}
	return scanAll[removal.Order](rows, "removal order")
}

// DueOrders returns the orders the deadline watcher must look at by now,
// soonest first.
func (db *DB) DueOrders(ctx context.Context, now time.Time, limit int) ([]removal.Order, error) {
	rows, err := db.query(ctx, `SELECT data FROM removal_orders WHERE due_ns > 0 AND due_ns <= ? ORDER BY due_ns LIMIT ?`, nanos(now), limit)
	if err != nil {
		return nil, dbError(err, "read due orders")
	}
	return scanAll[removal.Order](rows, "removal order")
}

// NextDue returns when the deadline watcher must next look, zero when no
// order's hour runs.
func (db *DB) NextDue(ctx context.Context) (time.Time, error) {
	var ns sql.NullInt64
	if err := db.queryRow(ctx, `SELECT MIN(due_ns) FROM removal_orders WHERE due_ns > 0`).Scan(&ns); err != nil {
		return time.Time{}, dbError(err, "read next deadline")
	}
	if !ns.Valid {
		return time.Time{}, nil
	}
	return fromNanos(ns.Int64), nil
}

// ClaimDeliveries takes up to limit webhook pushes that are due, giving
// each a new nonce and holding it for lease (a node that dies mid-push
// leaves it to be tried again after the lease; the idempotency key keeps
// the provider from acting twice). Pushes of orders no longer waiting for
// receipt (fetched, answered, withdrawn) are dropped.
func (db *DB) ClaimDeliveries(ctx context.Context, limit int, lease time.Duration) ([]removal.Delivery, error) {
	var out []removal.Delivery
	err := db.Write(ctx, func(tx *Tx) error {
		out = out[:0]
		rows, err := tx.Query(`SELECT d.order_id, d.attempts, o.data, p.data, p.secret FROM removal_deliveries d
			JOIN removal_orders o ON o.id = d.order_id JOIN providers p ON p.code = o.provider
			WHERE d.next_ns <= ? ORDER BY d.next_ns LIMIT ?`, nanos(tx.Now()), limit)
		if err != nil {
			return dbError(err, "claim deliveries")
		}
		var due []removal.Delivery
		for rows.Next() {
			var d removal.Delivery
			var order, provider string
			if err := rows.Scan(&d.Order.ID, &d.Attempts, &order, &provider, &d.Secret); err != nil {
				rows.Close()
				return dbError(err, "claim deliveries")
			}
			var p removal.Provider
			if err := json.Unmarshal([]byte(order), &d.Order); err != nil {
				rows.Close()
				return secunion.Wrap(secunion.Internal, err, "a stored removal order is damaged")
			}
			if err := json.Unmarshal([]byte(provider), &p); err != nil {
				rows.Close()
				return secunion.Wrap(secunion.Internal, err, "a stored provider is damaged")
			}
			d.Webhook = p.Contact.Webhook
			due = append(due, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return dbError(err, "claim deliveries")
		}
		for _, d := range due {
			if d.Order.State != removal.Sent || d.Webhook == "" {
				if _, err := tx.Exec(`DELETE FROM removal_deliveries WHERE order_id = ?`, d.Order.ID); err != nil {
					return dbError(err, "drop delivery")
				}
				continue
			}
			d.Attempts++
			d.Nonce = secunion.NewID("dlv")
			if _, err := tx.Exec(`UPDATE removal_deliveries SET attempts = ?, nonce = ?, next_ns = ? WHERE order_id = ?`,
				d.Attempts, d.Nonce, nanos(tx.Now().Add(lease)), d.Order.ID); err != nil {
				return dbError(err, "claim delivery")
			}
			out = append(out, d)
		}
		return nil
	})
	return out, err
}

// Pushed records a push the webhook took (2xx): the push on the timeline
// and, when ackErr is nil, the signed acknowledgement as the receipt, at
// the node's time; the delivery leaves the queue. An acknowledgement that
// failed its check (forged, replayed, malformed) is audited as a denial
// and the order waits in the inbox for receipt.
func (db *DB) Pushed(ctx context.Context, d removal.Delivery, ack removal.Ack, ackErr error) error {
	provider := secunion.Actor{Authority: d.Order.Provider, Login: "webhook"}
	err := db.Write(ctx, func(tx *Tx) error {
		var nonce string
		err := tx.QueryRow(`SELECT nonce FROM removal_deliveries WHERE order_id = ?`, d.Order.ID).Scan(&nonce)
		if errors.Is(err, sql.ErrNoRows) || err == nil && nonce != d.Nonce {
			return nil // another attempt, or an answer from the inbox, came first
		}
		if err != nil {
			return dbError(err, "read delivery")
		}
		if _, err := tx.Exec(`DELETE FROM removal_deliveries WHERE order_id = ?`, d.Order.ID); err != nil {
			return dbError(err, "drop delivery")
		}
		o, err := tx.readOrder(d.Order.ID)
		if err != nil {
			return err
		}
		if _, _, err := removal.Next(o, removal.Step{Action: removal.Push, Party: removal.Node, At: tx.Now()}); err != nil {
			return nil // withdrawn or ended meanwhile: nothing to record
		}
		// The provider may have fetched or answered the order from its
		// inbox while the push was under way: the push is recorded, the
		// acknowledgement only as a receipt not yet given.
		steps := []removal.Step{{Action: removal.Push, Party: removal.Node, Actor: "node", At: tx.Now(), Text: fmt.Sprintf("attempt %d", d.Attempts)}}
		if ackErr == nil && o.State == removal.Sent {
			steps = append(steps, removal.Step{Action: removal.Acknowledge, Party: removal.Addressee, Actor: o.Provider, At: tx.Now(),
				Text: "signed acknowledgement of the webhook push; the provider's clock said " + ack.Received.Format(time.RFC3339Nano)})
		}
		for _, s := range steps {
			next, e, err := removal.Next(o, s)
			if err != nil {
				return err
			}
			if err := tx.appendEvent(e); err != nil {
				return err
			}
			o = next
		}
		if err := tx.updateOrder(o); err != nil {
			return err
		}
		return tx.Audit(removalEntry(provider, audit.OpDisclosure, "removal order pushed to the webhook of "+o.Provider, orderRef(o.ID)))
	})
	if err == nil && ackErr != nil {
		err = db.RecordDenial(ctx, provider, access.Declaration{Purpose: secunion.PurposeTerroristContent},
			"acknowledge removal order "+d.Order.ID, secunion.MessageOf(ackErr))
	}
	return err
}

// PushFailed records a failed push and when to try again.
func (db *DB) PushFailed(ctx context.Context, d removal.Delivery, next time.Time, reason string) error {
	return db.Write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`UPDATE removal_deliveries SET next_ns = ?, last_error = ? WHERE order_id = ? AND nonce = ?`,
			nanos(next), secunion.Clip(reason, 500), d.Order.ID, d.Nonce)
		return dbError(err, "record failed delivery")
	})
}
