package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"secunion"
	"secunion/access"
	"secunion/audit"
	"secunion/removal"
)

// ThreatTopic is the outbox topic of imminent-threat reports, committed
// with each report, for the outbox's subscribers.
const ThreatTopic = "removal.threat"

// readJSON reads one JSON column into v, NotFound naming what when there
// is no row.
func readJSON(row *sql.Row, v any, what string) error {
	var data string
	err := row.Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return secunion.Errorf(secunion.NotFound, "no %s", what)
	}
	if err != nil {
		return dbError(err, "read "+what)
	}
	if err := json.Unmarshal([]byte(data), v); err != nil {
		return secunion.Wrap(secunion.Internal, err, "a stored "+what+" is damaged")
	}
	return nil
}

// scanAll reads rows of one JSON column into values of T.
func scanAll[T any](rows *sql.Rows, what string) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		var data string
		var v T
		if err := rows.Scan(&data); err != nil {
			return nil, dbError(err, "read "+what)
		}
		if err := json.Unmarshal([]byte(data), &v); err != nil {
			return nil, secunion.Wrap(secunion.Internal, err, "a stored "+what+" is damaged")
		}
		out = append(out, v)
	}
	return out, dbError(rows.Err(), "read "+what)
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic("store: " + err.Error()) // only our own plain types are marshalled
	}
	return string(b)
}

// RecordComplaint records a content provider's complaint about an order,
// as the provider the order was addressed to receives it.
func (db *DB) RecordComplaint(ctx context.Context, actor secunion.Actor, orderID, text string) (removal.Complaint, error) {
	var c removal.Complaint
	if err := db.providerOf(ctx, actor, orderID, "record a complaint about"); err != nil {
		return c, err
	}
	err := db.Write(ctx, func(tx *Tx) error {
		o, err := tx.readOrder(orderID)
		if err != nil {
			return err
		}
		if c, err = removal.NewComplaint(&o, text, tx.Now()); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO removal_complaints (id, order_id, provider, received_ns, data) VALUES (?, ?, ?, ?, ?)`,
			c.ID, c.Order, c.Provider, nanos(c.Received), mustJSON(c)); err != nil {
			return dbError(err, "store complaint")
		}
		return tx.Audit(removalEntry(actor, audit.OpCollection, "complaint about removal order "+o.ID, "complaint:"+c.ID, orderRef(o.ID)))
	})
	return c, err
}

// DecideComplaint records the provider's decision on a complaint; an
// upheld complaint reinstates the content (the order's Reinstate step)
// in the same transaction.
func (db *DB) DecideComplaint(ctx context.Context, actor secunion.Actor, id string, upheld bool, reasons string) (removal.Complaint, error) {
	var c removal.Complaint
	if err := readJSON(db.queryRow(ctx, `SELECT data FROM removal_complaints WHERE id = ?`, id), &c, "complaint "+secunion.Clip(id, 64)); err != nil {
		return c, err
	}
	if err := db.providerOf(ctx, actor, c.Order, "decide a complaint about"); err != nil {
		if secunion.CodeOf(err) == secunion.NotFound {
			// A non-party learns neither the complaint nor its order.
			err = secunion.Audited(secunion.Errorf(secunion.NotFound, "no complaint %s", secunion.Clip(id, 64)))
		}
		return removal.Complaint{}, err
	}
	err := db.Write(ctx, func(tx *Tx) error {
		if err := readJSON(tx.QueryRow(`SELECT data FROM removal_complaints WHERE id = ?`, id), &c, "complaint "+secunion.Clip(id, 64)); err != nil {
			return err
		}
		var err error
		if c, err = c.Decide(upheld, reasons, tx.Now()); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE removal_complaints SET data = ? WHERE id = ?`, mustJSON(c), id); err != nil {
			return dbError(err, "decide complaint")
		}
		if upheld {
			o, err := tx.readOrder(c.Order)
			if err != nil {
				return err
			}
			next, e, err := removal.Next(o, removal.Step{Action: removal.Reinstate, Party: removal.Addressee, Actor: actor.Authority, At: tx.Now(),
				Text: "complaint " + c.ID + " upheld: " + c.Reasons})
			if err != nil {
				return err
			}
			if err := tx.updateOrder(next); err != nil {
				return err
			}
			if err := tx.appendEvent(e); err != nil {
				return err
			}
			if err := tx.disableRemovedHashes(actor, c.Order); err != nil {
				return err
			}
		}
		return tx.Audit(removalEntry(actor, audit.OpAlteration, fmt.Sprintf("complaint decided, upheld %v", upheld), "complaint:"+id, orderRef(c.Order)))
	})
	return c, err
}

// Complaints lists the complaints about orders actor's authority issued
// or received, newest first.
func (db *DB) Complaints(ctx context.Context, actor secunion.Actor) ([]removal.Complaint, error) {
	rows, err := db.query(ctx, `SELECT c.data FROM removal_complaints c JOIN removal_orders o ON o.id = c.order_id
		WHERE o.provider = ? OR o.issuer = ? ORDER BY c.received_ns DESC LIMIT 1000`, actor.Authority, actor.Authority)
	if err != nil {
		return nil, dbError(err, "list complaints")
	}
	return scanAll[removal.Complaint](rows, "complaint")
}

// Refer records a referral from the EU Internet Referral Unit to a
// provider.
func (db *DB) Refer(ctx context.Context, actor secunion.Actor, provider string, items []removal.Item, reasons string) (removal.Referral, error) {
	a, err := db.Authority(ctx, actor.Authority)
	if err != nil {
		return removal.Referral{}, secunion.Errorf(secunion.Forbidden, "referrals come from the EU Internet Referral Unit")
	}
	p, err := db.Provider(ctx, provider)
	if secunion.CodeOf(err) == secunion.NotFound {
		return removal.Referral{}, secunion.Errorf(secunion.Invalid, "referral: provider: %q is not a registered hosting service provider", secunion.Clip(provider, 64))
	}
	if err != nil {
		return removal.Referral{}, err
	}
	var r removal.Referral
	err = db.Write(ctx, func(tx *Tx) error {
		if r, err = removal.NewReferral(a, p, items, reasons, tx.Now()); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO referrals (id, referrer, provider, sent_ns, data) VALUES (?, ?, ?, ?, ?)`,
			r.ID, r.Referrer, r.Provider, nanos(r.Sent), mustJSON(r)); err != nil {
			return dbError(err, "store referral")
		}
		return tx.Audit(removalEntry(actor, audit.OpDisclosure, fmt.Sprintf("referral of %d URLs to %s", len(items), p.Code), "referral:"+r.ID, "provider:"+p.Code))
	})
	return r, err
}

// AssessReferral records the provider's assessment of a referral against
// its terms of service.
func (db *DB) AssessReferral(ctx context.Context, actor secunion.Actor, id string, outcome removal.Outcome, note string) (removal.Referral, error) {
	var r removal.Referral
	if err := readJSON(db.queryRow(ctx, `SELECT data FROM referrals WHERE id = ?`, id), &r, "referral "+secunion.Clip(id, 64)); err != nil {
		return r, err
	}
	what := "assess referral " + r.ID
	switch {
	case r.Referrer == actor.Authority:
		return r, db.deny(ctx, actor, access.Declaration{Purpose: secunion.PurposeTerroristContent}, what, "only the provider the referral went to assesses it")
	case r.Provider != actor.Authority:
		if err := db.RecordDenial(ctx, actor, access.Declaration{Purpose: secunion.PurposeTerroristContent}, what, "not party to the referral"); err != nil {
			return r, err
		}
		return r, secunion.Audited(secunion.Errorf(secunion.NotFound, "no referral %s", r.ID))
	}
	err := db.Write(ctx, func(tx *Tx) error {
		if err := readJSON(tx.QueryRow(`SELECT data FROM referrals WHERE id = ?`, id), &r, "referral "+secunion.Clip(id, 64)); err != nil {
			return err
		}
		var err error
		if r, err = r.Assess(outcome, note, tx.Now()); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE referrals SET data = ? WHERE id = ?`, mustJSON(r), id); err != nil {
			return dbError(err, "assess referral")
		}
		return tx.Audit(removalEntry(actor, audit.OpAlteration, "referral assessed: "+string(outcome), "referral:"+id))
	})
	return r, err
}

// Referrals lists the referrals actor's authority sent or received,
// newest first.
func (db *DB) Referrals(ctx context.Context, actor secunion.Actor) ([]removal.Referral, error) {
	rows, err := db.query(ctx, `SELECT data FROM referrals WHERE provider = ? OR referrer = ? ORDER BY sent_ns DESC LIMIT 1000`, actor.Authority, actor.Authority)
	if err != nil {
		return nil, dbError(err, "list referrals")
	}
	return scanAll[removal.Referral](rows, "referral")
}

// ReportThreat records a provider's report of an imminent threat to life
// and puts it on the outbox at once, for its recipients.
func (db *DB) ReportThreat(ctx context.Context, actor secunion.Actor, states []string, items []removal.Item, description string) (removal.ThreatReport, error) {
	p, err := db.Provider(ctx, actor.Authority)
	if err != nil {
		return removal.ThreatReport{}, secunion.Errorf(secunion.Forbidden, "threat reports come from registered hosting service providers")
	}
	var t removal.ThreatReport
	err = db.Write(ctx, func(tx *Tx) error {
		if t, err = removal.NewThreatReport(p, states, items, description, tx.Now()); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO threat_reports (id, provider, reported_ns, data) VALUES (?, ?, ?, ?)`,
			t.ID, t.Provider, nanos(t.Reported), mustJSON(t)); err != nil {
			return dbError(err, "store threat report")
		}
		if err := tx.Emit(ThreatTopic, t); err != nil {
			return err
		}
		return tx.Audit(removalEntry(actor, audit.OpDisclosure, "imminent threat to life reported to "+fmt.Sprint(t.States)+" and Europol", "threat:"+t.ID))
	})
	return t, err
}

// ThreatReports lists the threat reports actor's authority receives (or,
// for a provider, made), newest first; the reading is audited.
func (db *DB) ThreatReports(ctx context.Context, actor secunion.Actor) ([]removal.ThreatReport, error) {
	a, err := db.Authority(ctx, actor.Authority)
	if err != nil {
		return nil, secunion.Errorf(secunion.Forbidden, "threat reports are for competent authorities, Europol and the providers that made them")
	}
	rows, err := db.query(ctx, `SELECT data FROM threat_reports ORDER BY reported_ns DESC LIMIT 5000`)
	if err != nil {
		return nil, dbError(err, "list threat reports")
	}
	all, err := scanAll[removal.ThreatReport](rows, "threat report")
	if err != nil {
		return nil, err
	}
	out := slices.DeleteFunc(all, func(t removal.ThreatReport) bool { return t.Provider != a.Code && !t.Receives(a) })
	return out, db.Write(ctx, func(tx *Tx) error {
		return tx.Audit(removalEntry(actor, audit.OpConsultation, fmt.Sprintf("threat reports: %d", len(out))))
	})
}

// ordersWhere reads the orders matching a condition on removal_orders.
func (db *DB) ordersWhere(ctx context.Context, cond string, args ...any) ([]removal.Order, error) {
	rows, err := db.query(ctx, `SELECT data FROM removal_orders WHERE `+cond+` ORDER BY issued_ns`, args...)
	if err != nil {
		return nil, dbError(err, "read removal orders")
	}
	return scanAll[removal.Order](rows, "removal order")
}

// DecideExposure records the decision of the competent authority of a
// provider's Member State on whether the provider is exposed to terrorist
// content; designating it needs ExposureThreshold final orders in the
// last twelve months.
func (db *DB) DecideExposure(ctx context.Context, actor secunion.Actor, provider string, exposed bool, reasons string) (removal.Exposure, error) {
	a, err := db.Authority(ctx, actor.Authority)
	if err != nil {
		return removal.Exposure{}, secunion.Errorf(secunion.Forbidden, "exposure decisions are taken by competent authorities")
	}
	p, err := db.Provider(ctx, provider)
	if err != nil {
		return removal.Exposure{}, err
	}
	if a.Kind != access.KindTCOAuthority || a.Country != p.State {
		return removal.Exposure{}, secunion.Errorf(secunion.Forbidden, "the competent authority of %s decides on %s's exposure (Art 5(4))", p.State, p.Code)
	}
	if len(reasons) < 10 || len(reasons) > 2000 {
		return removal.Exposure{}, secunion.Errorf(secunion.Invalid, "exposure: reasons: give the reasons, 10 to 2000 bytes")
	}
	orders, err := db.ordersWhere(ctx, `provider = ?`, p.Code)
	if err != nil {
		return removal.Exposure{}, err
	}
	now := db.clock.Now()
	x := removal.Exposure{Provider: p.Code, DecidedBy: a.Code, Decided: now, Exposed: exposed, FinalOrders: removal.FinalOrders(orders, now), Reasons: reasons}
	if exposed && x.FinalOrders < removal.ExposureThreshold {
		return x, secunion.Errorf(secunion.Conflict, "%s received %d final removal orders in the last 12 months; designation needs %d (Art 5(4))", p.Code, x.FinalOrders, removal.ExposureThreshold)
	}
	err = db.Write(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(`INSERT INTO exposure_decisions (provider, decided_ns, data) VALUES (?, ?, ?)`, p.Code, nanos(now), mustJSON(x)); err != nil {
			return dbError(err, "store exposure decision")
		}
		return tx.Audit(removalEntry(actor, audit.OpAlteration, fmt.Sprintf("exposure to terrorist content decided: %v", exposed), "provider:"+p.Code))
	})
	return x, err
}

// ExposureStatus is a provider's standing under Art 5: its final orders
// in the last twelve months, whether that reaches the threshold, and the
// decisions taken, newest first.
type ExposureStatus struct {
	Provider    string             `json:"provider"`
	FinalOrders int                `json:"final_orders"`
	Flagged     bool               `json:"flagged"` // reaches ExposureThreshold
	Decisions   []removal.Exposure `json:"decisions"`
}

// Exposures returns the standing of every registered provider.
func (db *DB) Exposures(ctx context.Context) ([]ExposureStatus, error) {
	ps, err := db.Providers(ctx)
	if err != nil {
		return nil, err
	}
	now := db.clock.Now()
	var out []ExposureStatus
	for _, p := range ps {
		orders, err := db.ordersWhere(ctx, `provider = ? AND issued_ns > ?`, p.Code, nanos(now.AddDate(-1, 0, 0)))
		if err != nil {
			return nil, err
		}
		rows, err := db.query(ctx, `SELECT data FROM exposure_decisions WHERE provider = ? ORDER BY id DESC`, p.Code)
		if err != nil {
			return nil, dbError(err, "read exposure decisions")
		}
		ds, err := scanAll[removal.Exposure](rows, "exposure decision")
		if err != nil {
			return nil, err
		}
		n := removal.FinalOrders(orders, now)
		out = append(out, ExposureStatus{Provider: p.Code, FinalOrders: n, Flagged: n >= removal.ExposureThreshold, Decisions: ds})
	}
	return out, nil
}

// ProviderReport computes a provider's transparency figures for a year.
func (db *DB) ProviderReport(ctx context.Context, provider string, year int) (removal.ProviderReport, error) {
	if _, err := db.Provider(ctx, provider); err != nil {
		return removal.ProviderReport{}, err
	}
	from, to := yearNanos(year)
	orders, err := db.ordersWhere(ctx, `provider = ? AND issued_ns >= ? AND issued_ns < ?`, provider, from, to)
	if err != nil {
		return removal.ProviderReport{}, err
	}
	rows, err := db.query(ctx, `SELECT data FROM removal_complaints WHERE provider = ? AND received_ns >= ? AND received_ns < ?`, provider, from, to)
	if err != nil {
		return removal.ProviderReport{}, dbError(err, "read complaints")
	}
	complaints, err := scanAll[removal.Complaint](rows, "complaint")
	if err != nil {
		return removal.ProviderReport{}, err
	}
	if rows, err = db.query(ctx, `SELECT data FROM referrals WHERE provider = ? AND sent_ns >= ? AND sent_ns < ?`, provider, from, to); err != nil {
		return removal.ProviderReport{}, dbError(err, "read referrals")
	}
	referrals, err := scanAll[removal.Referral](rows, "referral")
	if err != nil {
		return removal.ProviderReport{}, err
	}
	if rows, err = db.query(ctx, `SELECT data FROM threat_reports WHERE provider = ? AND reported_ns >= ? AND reported_ns < ?`, provider, from, to); err != nil {
		return removal.ProviderReport{}, dbError(err, "read threat reports")
	}
	threats, err := scanAll[removal.ThreatReport](rows, "threat report")
	if err != nil {
		return removal.ProviderReport{}, err
	}
	return removal.ProviderFigures(provider, year, orders, complaints, referrals, threats, db.clock.Now()), nil
}

// AuthorityReport computes a competent authority's transparency figures
// for a year.
func (db *DB) AuthorityReport(ctx context.Context, authority string, year int) (removal.AuthorityReport, error) {
	a, err := db.Authority(ctx, authority)
	if err != nil {
		return removal.AuthorityReport{}, err
	}
	if a.Kind != access.KindTCOAuthority {
		return removal.AuthorityReport{}, secunion.Errorf(secunion.Invalid, "%s is a %s, not a competent authority for removal orders", a.Code, a.Kind)
	}
	from, to := yearNanos(year)
	issued, err := db.ordersWhere(ctx, `issuer = ? AND issued_ns >= ? AND issued_ns < ?`, authority, from, to)
	if err != nil {
		return removal.AuthorityReport{}, err
	}
	// Scrutiny decided this year may concern orders issued the year before.
	hosted, err := db.ordersWhere(ctx, `host_state = ? AND issued_ns >= ? AND issued_ns < ?`, a.Country, from-int64(7*24*time.Hour), to)
	if err != nil {
		return removal.AuthorityReport{}, err
	}
	return removal.AuthorityFigures(authority, year, issued, hosted), nil
}

// ProviderOutcomes adds up, per provider, the orders actor's competent
// authority issued from since on: median time to removal, breaches,
// orders not executed. The figures name no one and are not audited.
func (db *DB) ProviderOutcomes(ctx context.Context, actor secunion.Actor, since time.Time) ([]removal.ProviderOutcome, error) {
	a, err := db.Authority(ctx, actor.Authority)
	if err != nil || a.Kind != access.KindTCOAuthority {
		return nil, secunion.Errorf(secunion.Forbidden, "the figures per provider are those of a competent authority's own orders")
	}
	orders, err := db.ordersWhere(ctx, `issuer = ? AND issued_ns >= ?`, a.Code, nanos(since))
	if err != nil {
		return nil, err
	}
	return removal.ByProvider(orders), nil
}

// yearNanos bounds a calendar year (UTC) in nanoseconds.
func yearNanos(year int) (from, to int64) {
	return nanos(time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)), nanos(time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC))
}
