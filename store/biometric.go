package store

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"

	"secunion"
	"secunion/access"
	"secunion/audit"
	"secunion/biometric"
)

// TemplateTopic is the outbox topic of template changes. Templates deleted
// with their record are told by the record's own event.
const TemplateTopic = "biometric.template"

// TemplateEvent says that a template was written or deleted.
type TemplateEvent struct {
	ID      string `json:"id"`
	Deleted bool   `json:"deleted,omitempty"`
}

func templateRef(id string) string { return "template:" + id }

// PutTemplate stores a template of a record that lists it among its
// biometrics, replacing one with the same ID, and records the collection
// or alteration. It reports whether the template is new. The template is
// validated (and scaled to unit length) first. Only the record's owner
// enrols its templates, under a purpose whose profile reaches the system
// and its biometrics.
func (db *DB) PutTemplate(ctx context.Context, actor secunion.Actor, decl access.Declaration, prof access.Profile, t biometric.Template) (bool, error) {
	t.Vector = slices.Clone(t.Vector)
	if err := t.Validate(); err != nil {
		return false, err
	}
	what := "write " + templateRef(t.ID)
	if why := mayEnterBiometrics(actor, decl, prof, t.System); why != "" {
		return false, db.deny(ctx, actor, decl, what, why)
	}
	var created bool
	err := db.Write(ctx, func(tx *Tx) error {
		if stored, found, err := tx.storedRecord(t.System, t.RecordID); err != nil || (found && !owns(actor, stored)) {
			return cmp.Or(err, errRefused)
		}
		var changed bool
		var err error
		if created, changed, err = tx.putTemplate(t); err != nil || !changed {
			return err
		}
		op := audit.OpAlteration
		if created {
			op = audit.OpCollection
		}
		return tx.Audit(audit.Entry{Authority: actor.Authority, User: actor.Login, Operation: op,
			Purpose: string(decl.Purpose), Justification: decl.Justification,
			Objects: []string{templateRef(t.ID), recordRef(t.System, t.RecordID)}, Categories: []string{access.FieldBiometrics}, Results: 1, Outcome: "ok"})
	})
	if errors.Is(err, errRefused) {
		return false, db.deny(ctx, actor, decl, what, notOwner(t.System, t.RecordID))
	}
	return created, err
}

// mayEnterBiometrics says why actor may not enrol or erase templates of
// system under prof, or "" when it may: as for the system's records, and
// the profile must grant biometrics.
func mayEnterBiometrics(actor secunion.Actor, decl access.Declaration, prof access.Profile, system string) string {
	if why := mayEnter(actor, decl, prof, system); why != "" || actor.Local {
		return why
	}
	if !prof.Grants(access.FieldBiometrics) {
		return "purpose " + string(decl.Purpose) + " does not let you enter biometric data"
	}
	return ""
}

// putTemplate writes a validated template; it reports whether it is new
// and whether anything changed.
func (t *Tx) putTemplate(tp biometric.Template) (created, changed bool, err error) {
	var data string
	err = t.QueryRow(`SELECT data FROM records WHERE system = ? AND id = ?`, tp.System, tp.RecordID).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return false, false, secunion.Errorf(secunion.NotFound, "template %s: no record %s in %s", tp.ID, tp.RecordID, tp.System)
	}
	if err != nil {
		return false, false, dbError(err, "read record")
	}
	r, err := decodeRecord(data)
	if err != nil {
		return false, false, err
	}
	if !slices.Contains(r.Biometrics, tp.ID) {
		return false, false, secunion.Errorf(secunion.Conflict, "template %s is not among the biometrics of record %s in %s: add its reference to the record first", tp.ID, tp.RecordID, tp.System)
	}
	var owner, ownerSystem, modality string
	var quality int
	var oldVec []byte
	err = t.QueryRow(`SELECT record_id, system, modality, quality, vector FROM templates WHERE id = ?`, tp.ID).Scan(&owner, &ownerSystem, &modality, &quality, &oldVec)
	created = errors.Is(err, sql.ErrNoRows)
	switch {
	case err != nil && !created:
		return false, false, dbError(err, "read template")
	case !created && (owner != tp.RecordID || ownerSystem != tp.System):
		return false, false, secunion.Errorf(secunion.Conflict, "template %s belongs to record %s in %s", tp.ID, owner, ownerSystem)
	}
	vec := encodeVector(tp.Vector)
	if !created && modality == string(tp.Modality) && quality == tp.Quality && bytes.Equal(oldVec, vec) {
		return false, false, nil // enrolled again unchanged
	}
	if created {
		_, err = t.Exec(`INSERT INTO templates (id, system, record_id, modality, quality, vector, created_ns) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			tp.ID, tp.System, tp.RecordID, string(tp.Modality), tp.Quality, vec, nanos(t.Now()))
	} else {
		_, err = t.Exec(`UPDATE templates SET modality = ?, quality = ?, vector = ? WHERE id = ?`, string(tp.Modality), tp.Quality, vec, tp.ID)
	}
	if err != nil {
		return false, false, dbError(err, "write template")
	}
	return created, true, t.Emit(TemplateTopic, TemplateEvent{ID: tp.ID})
}

// dropUnlisted deletes the templates of record r that it no longer lists,
// telling the index by events.
func (t *Tx) dropUnlisted(system, id string, listed []string) error {
	held, err := t.templatesOf(system, id)
	if err != nil {
		return err
	}
	for _, tid := range held {
		if slices.Contains(listed, tid) {
			continue
		}
		if _, err := t.Exec(`DELETE FROM templates WHERE id = ?`, tid); err != nil {
			return dbError(err, "delete template")
		}
		if err := t.Emit(TemplateTopic, TemplateEvent{ID: tid, Deleted: true}); err != nil {
			return err
		}
	}
	return nil
}

// templatesOf returns the IDs of a record's stored templates.
func (t *Tx) templatesOf(system, id string) ([]string, error) {
	rows, err := t.Query(`SELECT id FROM templates WHERE system = ? AND record_id = ? ORDER BY id`, system, id)
	if err != nil {
		return nil, dbError(err, "read templates")
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var tid string
		if err := rows.Scan(&tid); err != nil {
			return nil, dbError(err, "read templates")
		}
		ids = append(ids, tid)
	}
	return ids, dbError(rows.Err(), "read templates")
}

// DeleteTemplate erases a template and records the erasure. The record
// keeps its reference: the template can be enrolled again.
func (db *DB) DeleteTemplate(ctx context.Context, actor secunion.Actor, decl access.Declaration, prof access.Profile, id string) error {
	what := "delete " + templateRef(id)
	tp, err := db.Template(ctx, id)
	if secunion.CodeOf(err) == secunion.NotFound || (err == nil && !prof.Reaches(tp.System) && !actor.Local) {
		// A template of a system outside the profile does not exist for
		// the caller.
		if err := db.RecordDenial(ctx, actor, decl, what, "no such template, or its system is outside the profile"); err != nil {
			return err
		}
		return secunion.Audited(secunion.Errorf(secunion.NotFound, "no template %s", id))
	}
	if err != nil {
		return err
	}
	if why := mayEnterBiometrics(actor, decl, prof, tp.System); why != "" {
		return db.deny(ctx, actor, decl, what, why)
	}
	err = db.Write(ctx, func(tx *Tx) error {
		if stored, found, err := tx.storedRecord(tp.System, tp.RecordID); err != nil || (found && !owns(actor, stored)) {
			return cmp.Or(err, errRefused)
		}
		res, err := tx.Exec(`DELETE FROM templates WHERE id = ?`, id)
		if err != nil {
			return dbError(err, "delete template")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return secunion.Errorf(secunion.NotFound, "no template %s", id)
		}
		if err := tx.Emit(TemplateTopic, TemplateEvent{ID: id, Deleted: true}); err != nil {
			return err
		}
		return tx.Audit(audit.Entry{Authority: actor.Authority, User: actor.Login, Operation: audit.OpErasure,
			Purpose: string(decl.Purpose), Justification: decl.Justification,
			Objects: []string{templateRef(id), recordRef(tp.System, tp.RecordID)}, Categories: []string{access.FieldBiometrics}, Results: 1, Outcome: "ok"})
	})
	if errors.Is(err, errRefused) {
		return db.deny(ctx, actor, decl, what, notOwner(tp.System, tp.RecordID))
	}
	return err
}

// Template returns a stored template, unaudited: for the index and for
// the services that audit their own use of it.
func (db *DB) Template(ctx context.Context, id string) (biometric.Template, error) {
	row := db.queryRow(ctx, `SELECT id, system, record_id, modality, quality, vector FROM templates WHERE id = ?`, id)
	tp, err := scanTemplate(row.Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return tp, secunion.Errorf(secunion.NotFound, "no template %s", id)
	}
	return tp, err
}

// EachTemplate calls fn with every stored template until fn returns an
// error. It is how the biometric index is built at start.
func (db *DB) EachTemplate(ctx context.Context, fn func(biometric.Template) error) error {
	rows, err := db.query(ctx, `SELECT id, system, record_id, modality, quality, vector FROM templates ORDER BY id`)
	if err != nil {
		return dbError(err, "read templates")
	}
	defer rows.Close()
	for rows.Next() {
		tp, err := scanTemplate(rows.Scan)
		if err != nil {
			return err
		}
		if err := fn(tp); err != nil {
			return err
		}
	}
	return dbError(rows.Err(), "read templates")
}

// ImportTemplates writes templates of one import as the local operator in
// one transaction, with one audit entry naming those that changed. It
// returns how many were new and how many replaced; templates enrolled
// again unchanged are neither.
func (db *DB) ImportTemplates(ctx context.Context, tps []biometric.Template) (created, changed int, err error) {
	for i := range tps {
		tps[i].Vector = slices.Clone(tps[i].Vector)
		if err := tps[i].Validate(); err != nil {
			return 0, 0, err
		}
	}
	err = db.Write(ctx, func(tx *Tx) error {
		created, changed = 0, 0
		objects := make([]string, 0, len(tps))
		for _, tp := range tps {
			c, ch, err := tx.putTemplate(tp)
			switch {
			case err != nil:
				return err
			case c:
				created++
			case ch:
				changed++
			default:
				continue
			}
			objects = append(objects, templateRef(tp.ID))
		}
		if len(objects) == 0 {
			return nil
		}
		op := secunion.LocalOperator
		return tx.Audit(audit.Entry{User: op.Login, Operation: audit.OpCollection, Purpose: string(secunion.PurposeAdministration),
			Objects: objects, Categories: []string{access.FieldBiometrics}, Results: len(objects), Outcome: "ok",
			Detail: fmt.Sprintf("import: %d templates created, %d changed", created, changed)})
	})
	return created, changed, err
}

func scanTemplate(scan func(...any) error) (biometric.Template, error) {
	var tp biometric.Template
	var modality string
	var vec []byte
	if err := scan(&tp.ID, &tp.System, &tp.RecordID, &modality, &tp.Quality, &vec); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return tp, err
		}
		return tp, dbError(err, "read template")
	}
	tp.Modality = biometric.Modality(modality)
	if len(vec)%4 != 0 || len(vec)/4 != biometric.Dims(tp.Modality) {
		return tp, secunion.Errorf(secunion.Internal, "stored template %s is damaged: %d bytes for a %s template", tp.ID, len(vec), modality)
	}
	tp.Vector = make([]float32, len(vec)/4)
	for i := range tp.Vector {
		tp.Vector[i] = math.Float32frombits(binary.LittleEndian.Uint32(vec[4*i:]))
	}
	return tp, nil
}

func encodeVector(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}
