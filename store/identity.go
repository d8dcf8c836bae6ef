package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"secunion"
	"secunion/access"
	"secunion/audit"
	"secunion/identity"
	"secunion/links"
)

// mayEnter says why actor may not create, change or delete records of
// system under prof, or "" when it may: the local operator, or an officer
// of an authority of a kind that enters that system's data (identity.Writers)
// acting for a purpose whose profile reaches the system.
func mayEnter(actor secunion.Actor, decl access.Declaration, prof access.Profile, system string) string {
	switch {
	case actor.Local:
		return ""
	case !actor.Has(access.RoleOfficer):
		return "only officers enter data into the source systems"
	case !slices.Contains(identity.Writers[system], access.Kind(actor.AuthorityKind)):
		return "authorities of kind " + actor.AuthorityKind + " do not enter " + system + " data"
	case !prof.Reaches(system):
		return "purpose " + string(decl.Purpose) + " does not reach " + system
	}
	return ""
}

// owns reports whether actor may replace or erase a stored record: the
// local operator, or an officer of the authority that owns it.
func owns(actor secunion.Actor, r identity.Record) bool {
	return actor.Local || (r.Owner != nil && r.Owner.Authority == actor.Authority)
}

// notOwner is why a writer who does not own a record may not change it.
func notOwner(system, id string) string {
	return "only the authority that created record " + system + "/" + id + " (or the node's operator) may replace or erase it"
}

func recordRef(system, id string) string { return "record:" + system + "/" + id }

// errRefused ends a write transaction that found the caller may not make
// it; the refusal is audited once the transaction is rolled back.
var errRefused = errors.New("store: refused")

// PutRecord creates or replaces a record and its CIR individual file, and
// records the collection (new record) or alteration in the same
// transaction. It returns the record as stored, cut to the writer's
// profile, and whether it is new. A writer enters
// only the field categories its profile grants; replacing a record, it
// changes only those and the others stay as stored. The writer's
// authority owns a record it creates; only the owner replaces it.
func (db *DB) PutRecord(ctx context.Context, actor secunion.Actor, decl access.Declaration, prof access.Profile, r identity.Record) (identity.Record, bool, error) {
	if err := r.Validate(db.clock.Now()); err != nil {
		return identity.Record{}, false, err
	}
	what := "write " + recordRef(r.System, r.ID)
	if why := mayEnter(actor, decl, prof, r.System); why != "" {
		return identity.Record{}, false, db.deny(ctx, actor, decl, what, why)
	}
	if !actor.Local {
		var outside []string
		for _, c := range r.Categories() {
			if !prof.Grants(c) {
				outside = append(outside, c)
			}
		}
		if len(outside) > 0 {
			return identity.Record{}, false, db.deny(ctx, actor, decl, what, fmt.Sprintf("purpose %s does not let you enter %s data in %s", decl.Purpose, strings.Join(outside, ", "), r.System))
		}
		a, err := db.Authority(ctx, actor.Authority)
		if err != nil {
			return identity.Record{}, false, err
		}
		if r.Owner != nil && *r.Owner != (identity.Owner{Authority: a.Code, Country: a.Country}) {
			return identity.Record{}, false, secunion.Errorf(secunion.Invalid, "owner: secunion sets a record's owner from the authority that creates it; leave owner out")
		}
		r.Owner = &identity.Owner{Authority: a.Code, Country: a.Country}
	}
	var created bool
	var written identity.Record
	err := db.Write(ctx, func(tx *Tx) error {
		stored, found, err := tx.storedRecord(r.System, r.ID)
		if err != nil {
			return err
		}
		merged := r
		if found {
			if !owns(actor, stored) {
				return errRefused
			}
			if !actor.Local {
				merged = r.Overlay(prof, stored)
			}
		}
		written, created, _, err = tx.putRecord(merged, stored, found)
		if err != nil {
			return err
		}
		op := audit.OpAlteration
		if created {
			op = audit.OpCollection
		}
		objects := []string{recordRef(r.System, r.ID)}
		if identity.InCIR(r.System) {
			objects = append(objects, "cir:"+r.System+"/"+r.ID)
		}
		// The entry records what the writer entered, within its profile.
		return tx.Audit(audit.Entry{Authority: actor.Authority, User: actor.Login, Operation: op,
			Purpose: string(decl.Purpose), Justification: decl.Justification, Objects: objects,
			Categories: r.Categories(), Results: 1, Outcome: "ok"}, r.PersonalValues()...)
	})
	if errors.Is(err, errRefused) {
		return identity.Record{}, false, db.deny(ctx, actor, decl, what, notOwner(r.System, r.ID))
	}
	if !actor.Local {
		written, _ = identity.View(prof, written)
	}
	return written, created, err
}

// storedRecord reads a record inside a transaction.
func (t *Tx) storedRecord(system, id string) (identity.Record, bool, error) {
	var data string
	err := t.QueryRow(`SELECT data FROM records WHERE system = ? AND id = ?`, system, id).Scan(&data)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return identity.Record{}, false, nil
	case err != nil:
		return identity.Record{}, false, dbError(err, "read record")
	}
	r, err := decodeRecord(data)
	return r, err == nil, err
}

// putRecord writes r and its CIR file over stored, the record of that
// system and ID, if found; it returns the record as written and reports
// whether it is new and whether anything changed.
func (t *Tx) putRecord(r, stored identity.Record, found bool) (written identity.Record, created, changed bool, err error) {
	r.Updated = t.Now()
	created = !found
	if found {
		// A replace never changes the owner; a record without one (loaded
		// before owners, or by an import that named none) takes the one
		// the operator's import names now.
		if stored.Owner != nil {
			r.Owner = stored.Owner
		}
		if sameContent(stored, r) {
			return r, false, false, nil
		}
	}
	data, err := json.Marshal(r)
	if err != nil {
		return r, false, false, fmt.Errorf("store: record: %w", err)
	}
	if created {
		_, err = t.Exec(`INSERT INTO records (system, id, data, created_ns, updated_ns) VALUES (?, ?, ?, ?, ?)`, r.System, r.ID, string(data), nanos(r.Updated), nanos(r.Updated))
	} else {
		_, err = t.Exec(`UPDATE records SET data = ?, updated_ns = ? WHERE system = ? AND id = ?`, string(data), nanos(r.Updated), r.System, r.ID)
	}
	if err != nil {
		return r, false, false, dbError(err, "write record")
	}
	if !created {
		// Templates the record no longer refers to go.
		if err := t.dropUnlisted(r.System, r.ID, r.Biometrics); err != nil {
			return r, false, false, err
		}
	}
	if err := t.Emit(RecordTopic, RecordEvent{System: r.System, ID: r.ID}); err != nil {
		return r, false, false, err
	}
	if f, ok := r.CIRFile(); ok {
		fdata, _ := json.Marshal(f)
		_, err = t.Exec(`INSERT INTO cir_files (system, record_id, data, created_ns) VALUES (?, ?, ?, ?)
			ON CONFLICT (system, record_id) DO UPDATE SET data = excluded.data`, r.System, r.ID, string(fdata), nanos(r.Updated))
		if err != nil {
			return r, false, false, dbError(err, "write CIR file")
		}
	}
	return r, created, true, nil
}

// sameContent reports whether the stored record holds r, leaving aside
// the time of the last change: re-importing a record unchanged is a no-op.
func sameContent(stored, r identity.Record) bool {
	stored.Updated = r.Updated
	a, _ := json.Marshal(stored)
	b, _ := json.Marshal(r)
	return string(a) == string(b)
}

// GetRecord returns a record of a system in actor's profile, cut to the
// fields the profile allows (identity.View), and records the consultation.
// The owner reads it through its profile like everyone else. A record of
// a system outside the profile is refused as if the system did not exist.
func (db *DB) GetRecord(ctx context.Context, actor secunion.Actor, decl access.Declaration, prof access.Profile, system, id string) (identity.Record, error) {
	if !prof.Reaches(system) {
		if err := db.RecordDenial(ctx, actor, decl, "read "+recordRef(system, id), "system outside the profile"); err != nil {
			return identity.Record{}, err
		}
		return identity.Record{}, secunion.Audited(secunion.Errorf(secunion.NotFound, "no record %s in %s", id, system))
	}
	r, err := db.record(ctx, system, id)
	if err != nil {
		return r, err
	}
	out, _ := identity.View(prof, r)
	err = db.Write(ctx, func(tx *Tx) error {
		return tx.Audit(audit.Entry{Authority: actor.Authority, User: actor.Login, Operation: audit.OpConsultation,
			Purpose: string(decl.Purpose), Justification: decl.Justification, Objects: []string{recordRef(system, id)},
			Recipients: decl.Recipients(), Categories: out.Categories(), Results: 1, Outcome: "ok"})
	})
	return out, err
}

// Record returns a stored record as it is, unaudited: for the search
// portal, which audits the query as a whole.
func (db *DB) Record(ctx context.Context, system, id string) (identity.Record, error) {
	return db.record(ctx, system, id)
}

// CountRecords returns how many records of system this node holds.
func (db *DB) CountRecords(ctx context.Context, system string) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM records WHERE system = ?`, system).Scan(&n)
	return n, dbError(err, "count records")
}

func (db *DB) record(ctx context.Context, system, id string) (identity.Record, error) {
	var data string
	err := db.queryRow(ctx, `SELECT data FROM records WHERE system = ? AND id = ?`, system, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return identity.Record{}, secunion.Errorf(secunion.NotFound, "no record %s in %s", id, system)
	}
	if err != nil {
		return identity.Record{}, dbError(err, "read record")
	}
	return decodeRecord(data)
}

// decodeRecord reads a stored record.
func decodeRecord(data string) (identity.Record, error) {
	var r identity.Record
	if err := json.Unmarshal([]byte(data), &r); err != nil {
		return r, secunion.Wrap(secunion.Internal, err, "a stored record is damaged")
	}
	return r, nil
}

// DeleteRecord erases a record and with it its CIR individual file, and
// records the erasure of both.
func (db *DB) DeleteRecord(ctx context.Context, actor secunion.Actor, decl access.Declaration, prof access.Profile, system, id string) error {
	what := "delete " + recordRef(system, id)
	if why := mayEnter(actor, decl, prof, system); why != "" {
		return db.deny(ctx, actor, decl, what, why)
	}
	err := db.Write(ctx, func(tx *Tx) error {
		stored, found, err := tx.storedRecord(system, id)
		switch {
		case err != nil:
			return err
		case !found:
			return secunion.Errorf(secunion.NotFound, "no record %s in %s", id, system)
		case !owns(actor, stored):
			return errRefused
		}
		templates, err := tx.templatesOf(system, id)
		if err != nil {
			return err
		}
		linked, err := tx.linksOf(links.Ref{System: system, ID: id})
		if err != nil {
			return err
		}
		res, err := tx.Exec(`DELETE FROM records WHERE system = ? AND id = ?`, system, id)
		if err != nil {
			return dbError(err, "delete record")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return secunion.Errorf(secunion.NotFound, "no record %s in %s", id, system)
		}
		if err := tx.Emit(RecordTopic, RecordEvent{System: system, ID: id, Deleted: true}); err != nil {
			return err
		}
		objects := []string{recordRef(system, id)}
		if identity.InCIR(system) {
			// The file goes with its record (ON DELETE CASCADE).
			objects = append(objects, "cir:"+system+"/"+id)
		}
		// So do its templates; the record's event tells the index.
		for _, tid := range templates {
			objects = append(objects, templateRef(tid))
		}
		// And its links: one record alone is linked to nothing.
		for _, l := range linked {
			objects = append(objects, linkRef(l.ID))
		}
		return tx.Audit(audit.Entry{Authority: actor.Authority, User: actor.Login, Operation: audit.OpErasure,
			Purpose: string(decl.Purpose), Justification: decl.Justification, Objects: objects, Results: 1, Outcome: "ok"})
	})
	if errors.Is(err, errRefused) {
		return db.deny(ctx, actor, decl, what, notOwner(system, id))
	}
	return err
}

// CIRFile returns the CIR individual file of a source record.
func (db *DB) CIRFile(ctx context.Context, system, id string) (identity.CIRFile, error) {
	var data string
	err := db.queryRow(ctx, `SELECT data FROM cir_files WHERE system = ? AND record_id = ?`, system, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return identity.CIRFile{}, secunion.Errorf(secunion.NotFound, "no CIR file for %s in %s", id, system)
	}
	if err != nil {
		return identity.CIRFile{}, dbError(err, "read CIR file")
	}
	var f identity.CIRFile
	if err := json.Unmarshal([]byte(data), &f); err != nil {
		return f, secunion.Wrap(secunion.Internal, err, "a stored CIR file is damaged")
	}
	return f, nil
}

// ImportBatch writes records of one import as the local operator in one
// transaction, with one audit entry naming them all. Records whose content
// did not change are skipped. It returns how many were created and changed.
func (db *DB) ImportBatch(ctx context.Context, records []identity.Record) (created, changed int, err error) {
	err = db.Write(ctx, func(tx *Tx) error {
		created, changed = 0, 0
		var objects, values []string
		type systemOwner struct {
			system string
			owner  identity.Owner
		}
		owners := map[systemOwner]bool{}
		for _, r := range records {
			if r.Owner != nil && !owners[systemOwner{r.System, *r.Owner}] {
				if err := tx.checkOwner(r.System, *r.Owner); err != nil {
					return err
				}
				owners[systemOwner{r.System, *r.Owner}] = true
			}
			stored, found, err := tx.storedRecord(r.System, r.ID)
			if err != nil {
				return err
			}
			_, c, ch, err := tx.putRecord(r, stored, found)
			if err != nil {
				return err
			}
			if !ch {
				continue
			}
			if c {
				created++
			} else {
				changed++
			}
			objects = append(objects, recordRef(r.System, r.ID))
			values = append(values, r.PersonalValues()...)
		}
		if len(objects) == 0 {
			return nil
		}
		op := secunion.LocalOperator
		return tx.Audit(audit.Entry{User: op.Login, Operation: audit.OpCollection, Purpose: string(secunion.PurposeAdministration),
			Objects: objects, Results: len(objects), Outcome: "ok", Detail: fmt.Sprintf("import: %d created, %d changed", created, changed)}, values...)
	})
	return created, changed, err
}

// checkOwner checks that o names an authority that may own records of
// system (identity.CheckOwner).
func (t *Tx) checkOwner(system string, o identity.Owner) error {
	a := access.Authority{Code: o.Authority}
	err := t.QueryRow(`SELECT country, kind FROM authorities WHERE code = ?`, o.Authority).Scan(&a.Country, &a.Kind)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return secunion.Errorf(secunion.Invalid, "owner: no authority %s", o.Authority)
	case err != nil:
		return dbError(err, "read authority")
	}
	return identity.CheckOwner(system, o, a)
}

// RecordTopic is the outbox topic of record changes.
const RecordTopic = "identity.record"

// RecordEvent says that a record was written or deleted.
type RecordEvent struct {
	System  string `json:"system"`
	ID      string `json:"id"`
	Deleted bool   `json:"deleted,omitempty"`
}

// EachRecord calls fn with every stored record, system by system, until fn
// returns an error. It is how the search index is rebuilt at start.
func (db *DB) EachRecord(ctx context.Context, fn func(identity.Record) error) error {
	rows, err := db.query(ctx, `SELECT data FROM records ORDER BY system, id`)
	if err != nil {
		return dbError(err, "read records")
	}
	defer rows.Close()
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return dbError(err, "read records")
		}
		r, err := decodeRecord(data)
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return dbError(rows.Err(), "read records")
}

// LastEventID returns the ID of the newest outbox event, 0 if none.
func (db *DB) LastEventID(ctx context.Context) (int64, error) {
	var id int64
	err := db.queryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM outbox`).Scan(&id)
	return id, dbError(err, "read outbox")
}

// Append writes one audit entry on its own and returns once it is durable.
func (db *DB) Append(ctx context.Context, e audit.Entry, values ...string) error {
	return db.Write(ctx, func(tx *Tx) error { return tx.Audit(e, values...) })
}
