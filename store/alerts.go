package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"secunion"
	"secunion/access"
	"secunion/alerts"
	"secunion/audit"
)

// alertEntry is the audit entry of an operation of the alert hub.
func alertEntry(actor secunion.Actor, decl access.Declaration, op audit.Operation, detail string, objects ...string) audit.Entry {
	user := actor.Login
	if user == "" {
		user = "alerts"
	}
	purpose := decl.Purpose
	if purpose == "" {
		purpose = secunion.PurposeAlertSharing
	}
	return audit.Entry{Authority: actor.Authority, User: user, Operation: op, Purpose: string(purpose), Justification: decl.Justification,
		Objects: objects, Results: len(objects), Outcome: "ok", Detail: secunion.Clip(detail, 500)}
}

// canRunHub reports whether actor sets up sharing groups, collections and
// agreements: the node's operator or an administrator authority's admin.
func canRunHub(actor secunion.Actor) bool { return access.CanManageAuthorities(actor) }

// PutAlertGroup creates or replaces a sharing group; its members must be
// authorities. It is audited.
func (db *DB) PutAlertGroup(ctx context.Context, actor secunion.Actor, g alerts.Group) (alerts.Group, error) {
	if !canRunHub(actor) {
		return g, db.deny(ctx, actor, access.Declaration{Purpose: secunion.PurposeAdministration}, "alert sharing group "+g.Name, "only the hub's administrators set sharing groups")
	}
	if err := g.Validate(); err != nil {
		return g, err
	}
	err := db.Write(ctx, func(tx *Tx) error {
		for _, m := range g.Members {
			if err := tx.authorityExists(m, "members"); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(`INSERT INTO alert_groups (name, data) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET data = excluded.data`, g.Name, mustJSON(g)); err != nil {
			return dbError(err, "store sharing group")
		}
		return tx.Audit(alertEntry(actor, access.Declaration{Purpose: secunion.PurposeAdministration}, audit.OpAlteration,
			fmt.Sprintf("sharing group %s: %d members", g.Name, len(g.Members)), "alert-group:"+g.Name))
	})
	return g, err
}

func (t *Tx) authorityExists(code, field string) error {
	var n int
	err := t.QueryRow(`SELECT COUNT(*) FROM authorities WHERE code = ?`, code).Scan(&n)
	if err != nil {
		return dbError(err, "read authority")
	}
	if n == 0 {
		return secunion.Errorf(secunion.Invalid, "%s: no authority %q", field, secunion.Clip(code, 64))
	}
	return nil
}

// AlertGroup returns a sharing group; an unknown name is an empty group,
// which shares with nobody.
func (db *DB) AlertGroup(ctx context.Context, name string) (alerts.Group, error) {
	g := alerts.Group{Name: name}
	err := db.readJSON(ctx, `SELECT data FROM alert_groups WHERE name = ?`, &g, name)
	if errors.Is(err, sql.ErrNoRows) {
		return g, nil
	}
	return g, err
}

// AlertGroups returns every sharing group, by name.
func (db *DB) AlertGroups(ctx context.Context) ([]alerts.Group, error) {
	return readAllJSON[alerts.Group](ctx, db, `SELECT data FROM alert_groups ORDER BY name`)
}

// PutAlertCollection creates or changes a collection; its groups must
// exist and, for a new collection, its id is given here. It is audited.
func (db *DB) PutAlertCollection(ctx context.Context, actor secunion.Actor, c alerts.Collection) (alerts.Collection, error) {
	decl := access.Declaration{Purpose: secunion.PurposeAdministration}
	if !canRunHub(actor) {
		return c, db.deny(ctx, actor, decl, "alert collection "+c.Title, "only the hub's administrators set collections")
	}
	if c.ID == "" {
		c.ID = alerts.NewCollectionID()
	}
	if err := c.Validate(); err != nil {
		return c, err
	}
	err := db.Write(ctx, func(tx *Tx) error {
		for _, g := range []string{c.Readers, c.Writers} {
			var n int
			if err := tx.QueryRow(`SELECT COUNT(*) FROM alert_groups WHERE name = ?`, g).Scan(&n); err != nil {
				return dbError(err, "read sharing group")
			}
			if n == 0 {
				return secunion.Errorf(secunion.Invalid, "no sharing group %q: create it first", g)
			}
		}
		if _, err := tx.Exec(`INSERT INTO alert_collections (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data`, c.ID, mustJSON(c)); err != nil {
			return dbError(err, "store collection")
		}
		return tx.Audit(alertEntry(actor, decl, audit.OpAlteration, "collection "+c.Title+": readers "+c.Readers+", writers "+c.Writers, "alert-collection:"+c.ID))
	})
	return c, err
}

// AlertCollections returns every collection, by title.
func (db *DB) AlertCollections(ctx context.Context) ([]alerts.Collection, error) {
	cs, err := readAllJSON[alerts.Collection](ctx, db, `SELECT data FROM alert_collections`)
	slices.SortFunc(cs, func(a, b alerts.Collection) int { return strings.Compare(a.Title, b.Title) })
	return cs, err
}

// alertCollection returns collection id, or NotFound.
func (db *DB) alertCollection(ctx context.Context, id string) (alerts.Collection, error) {
	var c alerts.Collection
	err := db.readJSON(ctx, `SELECT data FROM alert_collections WHERE id = ?`, &c, id)
	if errors.Is(err, sql.ErrNoRows) {
		return c, secunion.Errorf(secunion.NotFound, "no collection %q", secunion.Clip(id, 40))
	}
	return c, err
}

// PutAgreement creates or changes an agreement with a third-country
// partner; the partner must be an authority of kind third-country-partner
// and the collections must exist. It is audited.
func (db *DB) PutAgreement(ctx context.Context, actor secunion.Actor, a alerts.Agreement) (alerts.Agreement, error) {
	decl := access.Declaration{Purpose: secunion.PurposeAdministration}
	if !canRunHub(actor) {
		return a, db.deny(ctx, actor, decl, "agreement "+a.ID, "only the hub's administrators set agreements")
	}
	if err := a.Validate(); err != nil {
		return a, err
	}
	partner, err := db.Authority(ctx, a.Partner)
	if err != nil {
		return a, err
	}
	if partner.Kind != access.KindPartner {
		return a, secunion.Errorf(secunion.Invalid, "partner: %s is a %s, not a %s", partner.Code, partner.Kind, access.KindPartner)
	}
	for _, id := range a.Collections {
		if _, err := db.alertCollection(ctx, id); err != nil {
			return a, err
		}
	}
	err = db.Write(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(`INSERT INTO alert_agreements (id, partner, data) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET partner = excluded.partner, data = excluded.data`,
			a.ID, a.Partner, mustJSON(a)); err != nil {
			return dbError(err, "store agreement")
		}
		return tx.Audit(alertEntry(actor, decl, audit.OpAlteration, fmt.Sprintf("agreement %s with %s: up to TLP:%s, review by %s", a.ID, a.Partner,
			strings.ToUpper(a.MaxTLP.String()), a.Review.Format(time.DateOnly)), "agreement:"+a.ID))
	})
	return a, err
}

// Agreements returns every agreement, by id.
func (db *DB) Agreements(ctx context.Context) ([]alerts.Agreement, error) {
	return readAllJSON[alerts.Agreement](ctx, db, `SELECT data FROM alert_agreements ORDER BY id`)
}

// agreementFor returns the agreement in force under which partner
// receives from collection for purpose, or nil.
func (db *DB) agreementFor(ctx context.Context, partner, collection string, purpose secunion.Purpose) (*alerts.Agreement, error) {
	as, err := readAllJSON[alerts.Agreement](ctx, db, `SELECT data FROM alert_agreements WHERE partner = ? ORDER BY id`, partner)
	if err != nil {
		return nil, err
	}
	now := db.clock.Now()
	for _, a := range as {
		if a.InForce(now) && slices.Contains(a.Collections, collection) && slices.Contains(a.Purposes, purpose) {
			return &a, nil
		}
	}
	if len(as) > 0 {
		return &as[0], nil // Disclose says why it does not cover this
	}
	return nil, nil
}

// HubView is what a caller may do with a collection.
type HubView struct {
	Collection alerts.Collection
	Readers    alerts.Group
	Writers    alerts.Group
	Recipient  alerts.Recipient
	CanRead    bool
	CanWrite   bool
}

// AlertView returns what actor may do with collection id under decl: a
// collection it may neither read nor write is NotFound, as if it did not
// exist. A third-country partner reads and writes only collections an
// agreement reaches.
func (db *DB) AlertView(ctx context.Context, actor secunion.Actor, decl access.Declaration, id string) (HubView, error) {
	var v HubView
	c, err := db.alertCollection(ctx, id)
	if err != nil {
		return v, err
	}
	if v.Readers, err = db.AlertGroup(ctx, c.Readers); err != nil {
		return v, err
	}
	if v.Writers, err = db.AlertGroup(ctx, c.Writers); err != nil {
		return v, err
	}
	v.Collection = c
	v.Recipient = alerts.Recipient{Authority: actor.Authority, Purpose: decl.Purpose, Node: actor.Has(access.RoleNode),
		Partner: access.Kind(actor.AuthorityKind) == access.KindPartner}
	v.CanRead, v.CanWrite = actor.Local || v.Readers.Has(actor.Authority), actor.Local || v.Writers.Has(actor.Authority)
	if v.Recipient.Partner {
		a, err := db.agreementFor(ctx, actor.Authority, c.ID, decl.Purpose)
		if err != nil {
			return v, err
		}
		v.Recipient.Agreement = a
		if a == nil || !a.InForce(db.clock.Now()) || !slices.Contains(a.Collections, c.ID) {
			v.CanRead, v.CanWrite = false, false
		}
	}
	if !v.CanRead && !v.CanWrite {
		return v, secunion.Errorf(secunion.NotFound, "no collection %q", secunion.Clip(id, 40))
	}
	return v, nil
}

// VisibleCollections returns the collections actor may read or write
// under decl.
func (db *DB) VisibleCollections(ctx context.Context, actor secunion.Actor, decl access.Declaration) ([]HubView, error) {
	cs, err := db.AlertCollections(ctx)
	if err != nil {
		return nil, err
	}
	var out []HubView
	for _, c := range cs {
		v, err := db.AlertView(ctx, actor, decl, c.ID)
		if secunion.CodeOf(err) == secunion.NotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// alertMarkingHeld reports whether a marking definition is held in any
// collection.
func (db *DB) alertMarkingHeld(ctx context.Context, id string) bool {
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM alert_markings WHERE id = ?`, id).Scan(&n)
	return err == nil && n > 0
}

// MarkingHeld returns a function that reports whether a marking
// definition is held, for alerts.Checker.
func (db *DB) MarkingHeld(ctx context.Context) func(string) bool {
	return func(id string) bool { return db.alertMarkingHeld(ctx, id) }
}

// AddAlertObjects stores objects, already parsed and checked, in the
// collection v describes, as actor's: each object is a success or a
// failure of its own, as TAXII's status resource reports. A version held
// already with the same content is a success and changes nothing, so a
// sender that retries after a crash doubles nothing; a version held with
// other content, or a new version of an object another authority added,
// is a failure: only the authority that added an object adds its
// versions (a sync user cannot overwrite others' objects, as in MISP). The
// batch is one transaction with one audit entry, and the status is kept
// for GET status.
func (db *DB) AddAlertObjects(ctx context.Context, actor secunion.Actor, decl access.Declaration, v HubView, objs []alerts.Object, failures []alerts.StatusDetail) (alerts.Status, error) {
	return db.addAlerts(ctx, actor, decl, v, objs, failures, nil)
}

// PullAlertObjects stores a page pulled from peer (a federation source's
// URL) into the collection v describes, as AddAlertObjects stores a
// POST, and moves the peer's cursor from prev to next in the same
// transaction: a pull that stops at any point resumes after the last page
// stored. A cursor that is no longer prev (another puller moved it) is a
// Conflict and stores nothing.
func (db *DB) PullAlertObjects(ctx context.Context, actor secunion.Actor, decl access.Declaration, v HubView, peer, prev, next string, objs []alerts.Object, failures []alerts.StatusDetail) (alerts.Status, error) {
	return db.addAlerts(ctx, actor, decl, v, objs, failures, func(tx *Tx) error {
		return tx.moveCursor(peer, v.Collection.ID, prev, next)
	})
}

// MoveAlertCursor moves the cursor of the federation with peer over
// collection from prev to next: a push moves it once the peer has taken
// a page. A cursor that is no longer prev is a Conflict.
func (db *DB) MoveAlertCursor(ctx context.Context, peer, collection, prev, next string) error {
	return db.Write(ctx, func(tx *Tx) error { return tx.moveCursor(peer, collection, prev, next) })
}

// moveCursor moves a federation cursor from prev to next, or says that
// another puller or pusher moved it meanwhile.
func (t *Tx) moveCursor(peer, collection, prev, next string) error {
	var held string
	err := t.QueryRow(`SELECT cursor FROM alert_cursors WHERE peer = ? AND collection = ?`, peer, collection).Scan(&held)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return dbError(err, "read cursor")
	}
	if held != prev {
		return secunion.Errorf(secunion.Conflict, "the federation with %s has moved on meanwhile", secunion.Clip(peer, 100))
	}
	_, err = t.Exec(`INSERT INTO alert_cursors (peer, collection, cursor) VALUES (?, ?, ?) ON CONFLICT (peer, collection) DO UPDATE SET cursor = excluded.cursor`,
		peer, collection, next)
	return dbError(err, "store cursor")
}

// AlertCursor returns how far the federation with peer over collection
// has got ("" when it has not started).
func (db *DB) AlertCursor(ctx context.Context, peer, collection string) (string, error) {
	var c string
	err := db.queryRow(ctx, `SELECT cursor FROM alert_cursors WHERE peer = ? AND collection = ?`, peer, collection).Scan(&c)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return c, dbError(err, "read cursor")
}

// addAlerts stores objs and runs step, if any, in the same transaction.
func (db *DB) addAlerts(ctx context.Context, actor secunion.Actor, decl access.Declaration, v HubView, objs []alerts.Object, failures []alerts.StatusDetail, step func(*Tx) error) (alerts.Status, error) {
	now := db.clock.Now()
	st := alerts.Status{ID: uuid.NewString(), Status: "complete", RequestTimestamp: alerts.FormatTime(now), Failures: failures}
	if !v.CanWrite {
		return st, db.deny(ctx, actor, decl, "add objects to collection "+v.Collection.ID, "you are not a writer of this collection")
	}
	onward := false
	if v.Recipient.Partner && v.Recipient.Agreement != nil {
		onward = v.Recipient.Agreement.Onward
	}
	// fresh are the versions stored, for the correlation index once
	// committed.
	var fresh []indexed
	err := db.Write(ctx, func(tx *Tx) error {
		st.Successes, st.Failures, fresh = nil, failures, nil
		if tx.db.engine == Postgres {
			// PostgreSQL keeps a plan of a prepared statement once it has
			// run a few times, and one planned while the table was small
			// scans it whole: a collection that grows from empty in one
			// import would slow down as it grows. Plan each time here.
			if _, err := tx.Exec(`SET LOCAL plan_cache_mode = force_custom_plan`); err != nil {
				return dbError(err, "plan")
			}
		}
		last, err := tx.lastAdded()
		if err != nil {
			return err
		}
		ids := make([]string, len(objs))
		for i, o := range objs {
			ids[i] = o.ID
		}
		held, err := tx.heldVersions(v.Collection.ID, ids)
		if err != nil {
			return err
		}
		var stored []string
		for _, o := range objs {
			added := tx.Now()
			if !added.After(last) {
				// Strictly increasing, a microsecond apart at least: an
				// exclusive added_after at a page's last date then skips
				// nothing added in the same instant.
				added = last.Add(time.Microsecond)
			}
			version := o.Version(added)
			detail := alerts.StatusDetail{ID: o.ID, Version: alerts.FormatTime(version)}
			msg, seq, err := tx.addAlertObject(v.Collection.ID, o, version, added, actor.Authority, v.Recipient.Partner, onward, held)
			if err != nil {
				return err
			}
			if seq != 0 {
				fresh = append(fresh, indexed{seq, o})
			}
			if msg != "" {
				detail.Message = msg
				st.Failures = append(st.Failures, detail)
				continue
			}
			st.Successes = append(st.Successes, detail)
			stored = append(stored, "stix:"+o.ID+"@"+detail.Version)
			last = added
		}
		st.TotalCount = len(st.Successes) + len(st.Failures)
		st.SuccessCount, st.FailureCount = len(st.Successes), len(st.Failures)
		if step != nil {
			if err := step(tx); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(`INSERT INTO alert_status (id, authority, data) VALUES (?, ?, ?)`, st.ID, actor.Authority, mustJSON(st)); err != nil {
			return dbError(err, "store status")
		}
		e := alertEntry(actor, decl, audit.OpCollection, fmt.Sprintf("collection %s: %d objects stored, %d refused", v.Collection.ID, st.SuccessCount, st.FailureCount))
		e.Results = len(stored)
		if len(stored) <= maxAuditObjects {
			e.Objects = stored
		}
		return tx.Audit(e)
	})
	if err == nil {
		db.hub.offer(fresh)
	}
	return st, err
}

// maxAuditObjects is how many object versions one audit entry lists; a
// larger batch is counted, its versions are in the status resource.
const maxAuditObjects = 2000

// lastAdded returns the date added of the newest object held.
func (t *Tx) lastAdded() (time.Time, error) {
	var ns int64
	err := t.QueryRow(`SELECT added_ns FROM alert_objects ORDER BY seq DESC LIMIT 1`).Scan(&ns)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	return fromNanos(ns), dbError(err, "read objects")
}

// heldVersion is a version of an object the collection holds.
type heldVersion struct {
	origin string
	ns     int64
	data   string
}

// heldVersions returns the versions the collection holds of each of ids,
// newest first: one query for a batch, where most objects are new.
func (t *Tx) heldVersions(collection string, ids []string) (map[string][]heldVersion, error) {
	held := map[string][]heldVersion{}
	for chunk := range slices.Chunk(ids, 500) {
		args := []any{collection}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := t.Query(`SELECT id, origin, version_ns, data FROM alert_objects WHERE collection = ? AND id IN (`+
			strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ")+`) ORDER BY id, version_ns DESC`, args...)
		if err != nil {
			return nil, dbError(err, "read objects")
		}
		for rows.Next() {
			var id string
			var h heldVersion
			if err := rows.Scan(&id, &h.origin, &h.ns, &h.data); err != nil {
				rows.Close()
				return nil, dbError(err, "read objects")
			}
			held[id] = append(held[id], h)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, dbError(err, "read objects")
		}
	}
	return held, nil
}

// addAlertObject stores one object version, or returns why not; held are
// the versions held of the object, newest first, and the version stored
// joins them. seq is the version's sequence number, 0 when it was held
// already.
func (t *Tx) addAlertObject(collection string, o alerts.Object, version, added time.Time, origin string, partner, onward bool, held map[string][]heldVersion) (msg string, seq int64, err error) {
	versions := held[o.ID]
	var heldOrigin, same string
	var newest int64
	found := false
	if len(versions) > 0 {
		heldOrigin, newest = versions[0].origin, versions[0].ns
	}
	for _, h := range versions {
		// An object without dates (a cyber-observable) has the time it
		// was added as its version: the same content again is the same
		// object, not a new version.
		if h.ns == nanos(version) || (o.Modified.IsZero() && o.Created.IsZero() && h.data == string(o.Raw)) {
			same, found = h.data, true
		}
	}
	switch {
	case heldOrigin != "" && heldOrigin != origin:
		return "only " + heldOrigin + ", which added this object, adds versions of it", 0, nil
	case found && same == string(o.Raw):
		return "", 0, nil
	case found:
		return "another object with this id and version is held; a change is a new version (a later modified)", 0, nil
	}
	latest := newest == 0 || nanos(version) > newest
	if latest && newest != 0 {
		if _, err := t.Exec(`UPDATE alert_objects SET latest = 0 WHERE collection = ? AND id = ? AND version_ns = ?`, collection, o.ID, newest); err != nil {
			return "", 0, dbError(err, "store object")
		}
	}
	err = t.QueryRow(`INSERT INTO alert_objects (collection, id, type, version_ns, added_ns, spec_version, origin, from_partner, onward, latest, data)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
		collection, o.ID, o.Type, nanos(version), nanos(added), o.SpecVersion, origin, boolInt(partner), boolInt(onward), boolInt(latest), string(o.Raw)).Scan(&seq)
	if err == nil && o.Type == "marking-definition" {
		_, err = t.Exec(`INSERT INTO alert_markings (id) VALUES (?) ON CONFLICT (id) DO NOTHING`, o.ID)
	}
	if err != nil {
		return "", 0, dbError(err, "store object")
	}
	h := heldVersion{origin: origin, ns: nanos(version), data: string(o.Raw)}
	i := 0
	for i < len(versions) && versions[i].ns > h.ns {
		i++
	}
	held[o.ID] = slices.Insert(versions, i, h)
	return "", seq, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// AlertStatus returns the status of a POST by actor's authority.
func (db *DB) AlertStatus(ctx context.Context, actor secunion.Actor, id string) (alerts.Status, error) {
	var st alerts.Status
	err := db.readJSON(ctx, `SELECT data FROM alert_status WHERE id = ? AND authority = ?`, &st, id, actor.Authority)
	if errors.Is(err, sql.ErrNoRows) {
		return st, secunion.Errorf(secunion.NotFound, "no status %q of your authority", secunion.Clip(id, 40))
	}
	return st, err
}

// AlertPage is one page of a collection as a recipient receives it.
type AlertPage struct {
	Objects  []json.RawMessage
	Manifest []alerts.ManifestRecord
	// Origins and Redacted describe Objects one by one: the authority
	// that added each, and the selectors of its granular markings cut out
	// for this recipient (nil when nothing was).
	Origins  []string
	Redacted [][]string
	// Withheld counts the objects passed over for this recipient.
	Withheld    int
	More        bool
	Next        string
	First, Last time.Time
}

// AlertObjects returns a page of the collection v describes, as its
// recipient may receive it (alerts.Disclose decides object by object),
// after f's cursor. Rows are read in the order of their sequence numbers,
// which is the order of commits: a cursor never skips an object added
// while a client pages, nor repeats one. The disclosure is audited: who
// received which object versions, for which purpose, under which
// agreement.
func (db *DB) AlertObjects(ctx context.Context, actor secunion.Actor, decl access.Declaration, v HubView, f alerts.Filter, id string) (AlertPage, error) {
	if !v.CanRead {
		return AlertPage{}, db.deny(ctx, actor, decl, "read collection "+v.Collection.ID, "you are not a reader of this collection")
	}
	page, objs, err := db.discloseAlerts(ctx, v, f, id)
	if err != nil {
		return page, err
	}
	return page, db.auditDisclosure(ctx, actor, decl, v, "", objs)
}

// disclosed is an object version as a recipient may receive it, and the
// authority that added it.
type disclosed struct {
	// Object is the object as disclosed, without the properties its
	// granular markings keep from the recipient.
	Object  alerts.Object
	Origin  string
	Version string
}

// discloseAlerts reads the page AlertObjects answers, without auditing
// it: its callers audit what they pass on.
func (db *DB) discloseAlerts(ctx context.Context, v HubView, f alerts.Filter, id string) (AlertPage, []disclosed, error) {
	var page AlertPage
	var objs []disclosed
	if !f.WantsSpec() {
		return page, nil, nil
	}
	q, args := alertQuery(v.Collection.ID, f, id)
	now := db.clock.Now()
	after := f.After
	// Read a page's worth of rows at a time until the page is full; a
	// recipient that may see little still gets an answer in bounded time.
	for scanned := 0; ; {
		rows, err := db.sql.QueryContext(ctx, db.rebind(q), append(args, after, f.Limit)...)
		if err != nil {
			return page, nil, dbError(err, "read objects")
		}
		n := 0
		for len(page.Objects) < f.Limit && rows.Next() {
			n++
			var seq, versionNs, addedNs int64
			var st alerts.Stored
			var partner, onward int
			var data string
			if err := rows.Scan(&seq, &versionNs, &addedNs, &st.Origin, &partner, &onward, &data); err != nil {
				rows.Close()
				return page, nil, dbError(err, "read objects")
			}
			after, scanned = seq, scanned+1
			st.FromPartner, st.Onward, st.Added, st.Collection = partner == 1, onward == 1, fromNanos(addedNs), v.Collection.ID
			if st.Object, err = alerts.ParseObject([]byte(data)); err != nil {
				rows.Close()
				return page, nil, secunion.Wrap(secunion.Internal, err, "a stored object does not parse")
			}
			d := alerts.Disclose(st, v.Collection, v.Readers, v.Recipient, now)
			if d.Withheld != "" {
				page.Withheld++
				continue
			}
			version := alerts.FormatTime(fromNanos(versionNs))
			page.Objects = append(page.Objects, d.Object)
			page.Manifest = append(page.Manifest, alerts.ManifestRecord{ID: st.Object.ID, DateAdded: alerts.FormatTime(st.Added), Version: version, MediaType: alerts.STIXMediaType})
			page.Origins, page.Redacted = append(page.Origins, st.Origin), append(page.Redacted, d.Redacted)
			o := st.Object
			if d.Redacted != nil {
				if o, err = alerts.ParseObject(d.Object); err != nil {
					rows.Close()
					return page, nil, secunion.Wrap(secunion.Internal, err, "a redacted object does not parse")
				}
			}
			objs = append(objs, disclosed{Object: o, Origin: st.Origin, Version: "stix:" + st.Object.ID + "@" + version})
			if page.First.IsZero() {
				page.First = st.Added
			}
			page.Last = st.Added
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return page, nil, dbError(err, "read objects")
		}
		if n < f.Limit && len(page.Objects) < f.Limit {
			break // the collection holds no more
		}
		if len(page.Objects) == f.Limit || scanned >= 10*f.Limit+MaxScan {
			var one int64
			err := db.sql.QueryRowContext(ctx, db.rebind(q), append(args, after, 1)...).Scan(&one, new(int64), new(int64), new(string), new(int), new(int), new(string))
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return page, nil, dbError(err, "read objects")
			}
			page.More = err == nil
			break
		}
	}
	// The cursor is given whenever the page moved on, at its end too:
	// a client that polls later resumes exactly there.
	if after > f.After {
		page.Next = alerts.Cursor(after)
	}
	return page, objs, nil
}

// auditDisclosure writes the disclosure of objs to actor (nothing when
// there are none), with what in detail.
func (db *DB) auditDisclosure(ctx context.Context, actor secunion.Actor, decl access.Declaration, v HubView, what string, objs []disclosed) error {
	if len(objs) == 0 {
		return nil
	}
	versions := make([]string, len(objs))
	for i, o := range objs {
		versions[i] = o.Version
	}
	detail := "collection " + v.Collection.ID
	if a := v.Recipient.Agreement; a != nil {
		detail += "; agreement " + a.ID
	}
	if what != "" {
		detail += "; " + what
	}
	return db.Write(ctx, func(tx *Tx) error {
		e := alertEntry(actor, decl, audit.OpDisclosure, detail, versions...)
		e.Recipients = []string{actor.Authority}
		return tx.Audit(e)
	})
}

// MaxScan bounds the rows one page reads beyond ten times its limit.
const MaxScan = 10000

// alertQuery returns the query of a page of collection under f (and of
// one object's versions when id is set); its last two arguments, the
// cursor and the limit, are the caller's.
func alertQuery(collection string, f alerts.Filter, id string) (string, []any) {
	var b strings.Builder
	b.WriteString(`SELECT seq, version_ns, added_ns, origin, from_partner, onward, data FROM alert_objects a WHERE collection = ?`)
	args := []any{collection}
	in := func(col string, vals []string) {
		if len(vals) == 0 {
			return
		}
		b.WriteString(" AND " + col + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ") + ")")
		for _, v := range vals {
			args = append(args, v)
		}
	}
	if id != "" {
		in("id", []string{id})
	}
	in("id", f.IDs)
	in("type", f.Types)
	if !f.AddedAfter.IsZero() {
		b.WriteString(" AND added_ns > ?")
		args = append(args, nanos(f.AddedAfter))
	}
	if !slices.Contains(f.Versions, "all") {
		var or []string
		for _, v := range f.Versions {
			switch v {
			case "last":
				or = append(or, "latest = 1")
			case "first":
				or = append(or, "NOT EXISTS (SELECT 1 FROM alert_objects b WHERE b.collection = a.collection AND b.id = a.id AND b.version_ns < a.version_ns)")
			default:
				t, _ := alerts.ParseTime(v)
				or = append(or, "version_ns = ?")
				args = append(args, nanos(t))
			}
		}
		b.WriteString(" AND (" + strings.Join(or, " OR ") + ")")
	}
	b.WriteString(" AND seq > ? ORDER BY seq LIMIT ?")
	return b.String(), args
}

// DeleteAlertObject deletes the versions of object id that f selects
// from the collection v describes; only the authority that added the
// object does. It is audited.
func (db *DB) DeleteAlertObject(ctx context.Context, actor secunion.Actor, decl access.Declaration, v HubView, f alerts.Filter, id string) error {
	if !v.CanWrite {
		return db.deny(ctx, actor, decl, "delete "+id, "you are not a writer of this collection")
	}
	var origin string
	err := db.queryRow(ctx, `SELECT origin FROM alert_objects WHERE collection = ? AND id = ? ORDER BY version_ns DESC LIMIT 1`, v.Collection.ID, id).Scan(&origin)
	if errors.Is(err, sql.ErrNoRows) {
		return secunion.Errorf(secunion.NotFound, "no object %s in this collection", id)
	}
	if err != nil {
		return dbError(err, "read object")
	}
	if origin != actor.Authority {
		return db.deny(ctx, actor, decl, "delete "+id, "only "+origin+", which added this object, deletes it")
	}
	f.Limit = alerts.MaxPage
	return db.Write(ctx, func(tx *Tx) error {
		q, args := alertQuery(v.Collection.ID, f, id)
		q = strings.Replace(q, "SELECT seq, version_ns, added_ns, origin, from_partner, onward, data FROM", "SELECT seq FROM", 1)
		rows, err := tx.tx.QueryContext(tx.ctx, db.rebind(q), append(args, 0, alerts.MaxPage)...)
		if err != nil {
			return dbError(err, "read object")
		}
		var seqs []int64
		for rows.Next() {
			var s int64
			if err := rows.Scan(&s); err != nil {
				rows.Close()
				return dbError(err, "read object")
			}
			seqs = append(seqs, s)
		}
		rows.Close()
		if len(seqs) == 0 {
			return secunion.Errorf(secunion.NotFound, "no version of %s matches", id)
		}
		for _, s := range seqs {
			if _, err := tx.Exec(`DELETE FROM alert_objects WHERE seq = ?`, s); err != nil {
				return dbError(err, "delete object")
			}
		}
		// The newest remaining version becomes the latest.
		if _, err := tx.Exec(`UPDATE alert_objects SET latest = 1 WHERE seq = (SELECT MAX(seq) FROM alert_objects b WHERE b.collection = ? AND b.id = ? AND b.version_ns = (SELECT MAX(version_ns) FROM alert_objects c WHERE c.collection = ? AND c.id = ?))`,
			v.Collection.ID, id, v.Collection.ID, id); err != nil {
			return dbError(err, "delete object")
		}
		return tx.Audit(alertEntry(actor, decl, audit.OpErasure, fmt.Sprintf("collection %s: %d versions deleted", v.Collection.ID, len(seqs)), "stix:"+id))
	})
}

// readJSON reads one JSON column into out.
func (db *DB) readJSON(ctx context.Context, q string, out any, args ...any) error {
	var data string
	if err := db.queryRow(ctx, q, args...).Scan(&data); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return err
		}
		return dbError(err, "read")
	}
	return json.Unmarshal([]byte(data), out)
}

// readAllJSON reads every row of one JSON column.
func readAllJSON[T any](ctx context.Context, db *DB, q string, args ...any) ([]T, error) {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, dbError(err, "read")
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var data string
		var v T
		if err := rows.Scan(&data); err != nil {
			return nil, dbError(err, "read")
		}
		if err := json.Unmarshal([]byte(data), &v); err != nil {
			return nil, secunion.Wrap(secunion.Internal, err, "a stored row does not parse")
		}
		out = append(out, v)
	}
	return out, dbError(rows.Err(), "read")
}

// IngestChunk is how many objects IngestAlerts checks and stores in one
// transaction.
const IngestChunk = 1000

// IngestAlerts streams a STIX bundle from r into the collection v
// describes, as AddAlertObjects stores a POST, chunk by chunk: one
// goroutine reads, a worker per core parses and checks chunks (schemas
// included, the costly part), and this goroutine resolves each chunk's
// markings and stores it, in the order read. A marking definition
// resolves the markings of objects in its chunk and in later ones. done
// is called with each chunk's status. An error stops the import; the
// chunks stored before it stay stored, and importing the bundle again
// doubles nothing.
func (db *DB) IngestAlerts(ctx context.Context, actor secunion.Actor, decl access.Declaration, v HubView, r io.Reader, c alerts.Checker, done func(alerts.Status)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type job struct {
		raws []json.RawMessage
		out  chan alerts.Prepared
	}
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan job)
	// inOrder holds each chunk's answer in the order read; its buffer
	// lets the workers run ahead of the store by a few chunks.
	inOrder := make(chan chan alerts.Prepared, 2*workers)
	read := make(chan error, 1)
	go func() {
		defer close(jobs)
		defer close(inOrder)
		read <- alerts.ReadObjects(r, IngestChunk, func(raws []json.RawMessage) error {
			j := job{raws, make(chan alerts.Prepared, 1)}
			select {
			case inOrder <- j.out:
			case <-ctx.Done():
				return ctx.Err()
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				return ctx.Err()
			}
			return nil
		})
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				j.out <- c.Prepare(j.raws)
			}
		})
	}
	defer wg.Wait()
	for out := range inOrder {
		checked := c.Resolve(<-out)
		st, err := db.AddAlertObjects(ctx, actor, decl, v, checked.Objects, checked.Failures)
		if err != nil {
			cancel()
			for range inOrder {
			}
			<-read
			return err
		}
		done(st)
	}
	return <-read
}
