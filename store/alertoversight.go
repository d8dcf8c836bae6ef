package store

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"slices"
	"strings"
	"time"

	"secunion"
	"secunion/access"
	"secunion/alerts"
	"secunion/audit"
)

// Reach is what one recipient would receive of an object version: the
// decision of alerts.Disclose, without the object.
type Reach struct {
	Authority string
	// Partner marks a third-country partner, which receives only under
	// Agreement (empty when it has none reaching the collection).
	Partner   bool
	Agreement string
	Purpose   secunion.Purpose
	// Redacted are the selectors cut out; Withheld says why nothing is
	// received ("" when the object is).
	Redacted []string
	Withheld string
}

// AlertAudience returns who would receive version (zero: the latest) of
// object id in collection, and what: alerts.Disclose run for the object's
// origin, each authority of the collection's reader group, each recipient
// its handling names, and each partner under each purpose of each
// agreement that reaches the collection (a partner reader that none
// reaches, once). No content leaves the store, only the decisions.
//
// The answer names the reader group's members and the agreements with
// third countries, which only the hub's administrators otherwise see (the
// API lists groups and agreements to them alone); so besides them only
// the authority that added the object may ask, as the sender choosing its
// markings needs to know where they let it go, and only if it is a Union
// authority: a third-country partner learns nothing of the Union's groups
// or of other partners' agreements. A refusal is audited and the same
// whether the object exists or not.
func (db *DB) AlertAudience(ctx context.Context, actor secunion.Actor, decl access.Declaration, collection, id string, version time.Time) ([]Reach, error) {
	refuse := func() ([]Reach, error) {
		return nil, db.deny(ctx, actor, decl, "see who may receive "+id,
			"only the authority that added an object and the hub's administrators see who may receive it")
	}
	q := `SELECT added_ns, origin, from_partner, onward, data FROM alert_objects WHERE collection = ? AND id = ? AND latest = 1`
	args := []any{collection, id}
	if !version.IsZero() {
		q = `SELECT added_ns, origin, from_partner, onward, data FROM alert_objects WHERE collection = ? AND id = ? AND version_ns = ?`
		args = append(args, nanos(version))
	}
	var st alerts.Stored
	var addedNs int64
	var partner, onward int
	var data string
	err := db.queryRow(ctx, q, args...).Scan(&addedNs, &st.Origin, &partner, &onward, &data)
	switch {
	case errors.Is(err, sql.ErrNoRows) && !canRunHub(actor):
		return refuse()
	case errors.Is(err, sql.ErrNoRows):
		return nil, secunion.Errorf(secunion.NotFound, "no object %s in this collection", secunion.Clip(id, 100))
	case err != nil:
		return nil, dbError(err, "read object")
	case !canRunHub(actor) && (st.Origin != actor.Authority || access.Kind(actor.AuthorityKind) == access.KindPartner):
		return refuse()
	}
	st.Added, st.FromPartner, st.Onward, st.Collection = fromNanos(addedNs), partner == 1, onward == 1, collection
	if st.Object, err = alerts.ParseObject([]byte(data)); err != nil {
		return nil, secunion.Wrap(secunion.Internal, err, "a stored object does not parse")
	}
	c, err := db.alertCollection(ctx, collection)
	if err != nil {
		return nil, err
	}
	readers, err := db.AlertGroup(ctx, c.Readers)
	if err != nil {
		return nil, err
	}
	agreements, err := db.Agreements(ctx)
	if err != nil {
		return nil, err
	}
	h, _ := alerts.HandlingOf(st.Object)
	now := db.clock.Now()
	var out []Reach
	reach := func(to alerts.Recipient) {
		d := alerts.Disclose(st, c, readers, to, now)
		r := Reach{Authority: to.Authority, Partner: to.Partner, Purpose: to.Purpose, Redacted: d.Redacted, Withheld: d.Withheld}
		if to.Agreement != nil {
			r.Agreement = to.Agreement.ID
		}
		out = append(out, r)
	}
	codes := slices.Concat([]string{st.Origin}, readers.Members, h.Recipients)
	var partners []string
	for i, code := range codes {
		if slices.Contains(codes[:i], code) {
			continue
		}
		a, err := db.Authority(ctx, code)
		if secunion.CodeOf(err) == secunion.NotFound {
			continue // a handling recipient the hub does not know receives nothing
		}
		if err != nil {
			return nil, err
		}
		if a.Kind == access.KindPartner {
			partners = append(partners, code)
			continue
		}
		reach(alerts.Recipient{Authority: code, Purpose: decl.Purpose})
	}
	covered := map[string]bool{}
	for _, a := range agreements {
		if !slices.Contains(a.Collections, c.ID) {
			continue
		}
		covered[a.Partner] = true
		for _, p := range a.Purposes {
			reach(alerts.Recipient{Authority: a.Partner, Partner: true, Agreement: &a, Purpose: p})
		}
	}
	// A partner in the reader group that no agreement reaches this
	// collection under: Disclose says why, as for its reads.
	for _, p := range partners {
		if covered[p] {
			continue
		}
		to := alerts.Recipient{Authority: p, Partner: true, Purpose: decl.Purpose}
		if i := slices.IndexFunc(agreements, func(a alerts.Agreement) bool { return a.Partner == p }); i >= 0 {
			to.Agreement = &agreements[i]
		}
		reach(to)
	}
	return out, nil
}

// Agreement returns agreement id, or NotFound.
func (db *DB) Agreement(ctx context.Context, id string) (alerts.Agreement, error) {
	var a alerts.Agreement
	err := db.readJSON(ctx, `SELECT data FROM alert_agreements WHERE id = ?`, &a, id)
	if errors.Is(err, sql.ErrNoRows) {
		return a, secunion.Errorf(secunion.NotFound, "no agreement %q", secunion.Clip(id, 64))
	}
	return a, err
}

// AgreementDisclosures returns, newest first, at most limit of the audit
// entries that AlertObjects wrote when objects went out under agreement
// id (those with detail "…; agreement <id>"), among the entries before
// sequence number before (0: the newest). next is the before of the
// following page, 0 at the log's start. A page reads at most a bounded
// number of entries, so it may hold fewer than limit with next set.
//
// The hub's administrators read them for administration, supervisors for
// supervision; the consultation is itself audited. Entries are looked up
// under the agreement's partner as it is now: disclosures to a partner
// the agreement named before are in the audit log, not here.
func (db *DB) AgreementDisclosures(ctx context.Context, actor secunion.Actor, decl access.Declaration, id string, before uint64, limit int) (entries []audit.Entry, next uint64, err error) {
	admin := canRunHub(actor) && decl.Purpose == secunion.PurposeAdministration
	supervisor := actor.Has(access.RoleSupervisor) && decl.Purpose == secunion.PurposeSupervision
	if !admin && !supervisor {
		return nil, 0, db.deny(ctx, actor, decl, "read the disclosures under agreement "+id,
			"only the hub's administrators, for administration, and supervisors, for supervision, read what went out under an agreement")
	}
	a, err := db.Agreement(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > MaxAuditPage {
		limit = MaxAuditPage
	}
	cursor := int64(math.MaxInt64)
	if before > 0 {
		cursor = int64(before)
	}
	suffix := "; agreement " + a.ID
	q := `SELECT ` + db.entryColumns() + ` FROM audit_entries WHERE authority = ? AND operation = ? AND seq < ? ORDER BY seq DESC LIMIT ?`
	for scanned, done := 0, false; !done && len(entries) < limit && scanned < 10*limit+MaxScan; {
		rows, err := db.query(ctx, q, a.Partner, string(audit.OpDisclosure), cursor, limit)
		if err != nil {
			return nil, 0, dbError(err, "audit: read disclosures")
		}
		n := 0
		for len(entries) < limit && rows.Next() {
			e, _, err := scanEntry(rows)
			if err != nil {
				rows.Close()
				return nil, 0, dbError(err, "audit: read disclosures")
			}
			n, scanned, cursor = n+1, scanned+1, int64(e.Seq)
			if strings.HasSuffix(e.Detail, suffix) {
				entries = append(entries, e)
			}
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, 0, dbError(err, "audit: read disclosures")
		}
		done = n < limit && len(entries) < limit
	}
	if cursor > 0 && cursor != math.MaxInt64 {
		var older int
		if err := db.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM audit_entries WHERE authority = ? AND operation = ? AND seq < ? LIMIT 1) o`,
			a.Partner, string(audit.OpDisclosure), cursor).Scan(&older); err != nil {
			return nil, 0, dbError(err, "audit: read disclosures")
		}
		if older > 0 {
			next = uint64(cursor)
		}
	}
	err = db.Write(ctx, func(tx *Tx) error {
		return tx.Audit(audit.Entry{Authority: actor.Authority, User: actor.Login, Operation: audit.OpConsultation,
			Purpose: string(decl.Purpose), Justification: decl.Justification, Objects: []string{"agreement:" + a.ID},
			Results: len(entries), Outcome: "ok", Detail: "disclosures under agreement " + a.ID})
	})
	return entries, next, err
}
