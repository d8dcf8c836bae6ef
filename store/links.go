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
	"secunion/identity"
	"secunion/links"
)

func linkRef(id string) string { return "link:" + id }

// SaveLinks stores what detection runs found, in one transaction: new
// links are created, undecided ones take the new evidence and colour (a
// new colour kept in their history; the record that first found a link
// stays its trigger, and its authority the verifier), and undecided links
// that a record found before and no longer finds are erased. Links a
// verifier decided are left as they are. One audit entry names what
// changed. It returns how many links were created, changed and erased.
func (db *DB) SaveLinks(ctx context.Context, runs []links.Run) (created, changed, erased int, err error) {
	err = db.Write(ctx, func(tx *Tx) error {
		created, changed, erased = 0, 0, 0
		var objects []string
		for _, run := range runs {
			c, ch, er, objs, err := tx.saveRun(run)
			if err != nil {
				return err
			}
			created, changed, erased = created+c, changed+ch, erased+er
			objects = append(objects, objs...)
		}
		if len(objects) == 0 {
			return nil
		}
		return tx.Audit(audit.Entry{User: "mid", Operation: audit.OpAlteration, Purpose: string(secunion.PurposeLinkVerification),
			Objects: objects, Results: created + changed + erased, Outcome: "ok",
			Detail: fmt.Sprintf("multiple-identity detection over %d records: %d links created, %d changed, %d erased", len(runs), created, changed, erased)})
	})
	return created, changed, erased, err
}

// saveRun stores one record's detection run; it returns the counts and
// the objects that changed, the record first.
func (t *Tx) saveRun(run links.Run) (created, changed, erased int, objects []string, err error) {
	held, err := t.linksOf(run.Trigger)
	if err != nil {
		return 0, 0, 0, nil, err
	}
	byID := map[string]links.Link{}
	for _, l := range held {
		byID[l.ID] = l
	}
	for _, l := range run.Found {
		old, ok := byID[l.ID]
		delete(byID, l.ID)
		switch {
		case !ok:
			l.History = []links.Decision{{Colour: l.Colour, Reason: l.Reason, At: t.Now()}}
			l.Created, l.Updated = t.Now(), t.Now()
			if err := t.writeLink(l, true); err != nil {
				return 0, 0, 0, nil, err
			}
			created++
		case old.Decided || old.Colour == l.Colour && old.Reason == l.Reason && old.Evidence == l.Evidence:
			continue
		default:
			l.Trigger, l.Verifier = old.Trigger, old.Verifier
			l.Created, l.Updated, l.History = old.Created, t.Now(), old.History
			if old.Colour != l.Colour || old.Reason != l.Reason {
				l.History = append(l.History, links.Decision{Colour: l.Colour, Reason: l.Reason, At: t.Now()})
			}
			if err := t.writeLink(l, false); err != nil {
				return 0, 0, 0, nil, err
			}
			changed++
		}
		objects = append(objects, linkRef(l.ID))
	}
	for id, l := range byID {
		if l.Decided || l.Trigger != run.Trigger {
			continue
		}
		if _, err := t.Exec(`DELETE FROM links WHERE id = ?`, id); err != nil {
			return 0, 0, 0, nil, dbError(err, "erase link")
		}
		erased++
		objects = append(objects, linkRef(id))
	}
	if len(objects) == 0 {
		return 0, 0, 0, nil, nil
	}
	slices.Sort(objects)
	return created, changed, erased, append([]string{recordRef(run.Trigger.System, run.Trigger.ID)}, objects...), nil
}

// writeLink inserts or updates a link.
func (t *Tx) writeLink(l links.Link, insert bool) error {
	data, err := json.Marshal(l)
	if err != nil {
		return fmt.Errorf("store: link: %w", err)
	}
	decided := 0
	if l.Decided {
		decided = 1
	}
	if insert {
		_, err = t.Exec(`INSERT INTO links (id, a_system, a_id, b_system, b_id, colour, verifier_kind, verifier_state, decided, data, created_ns, updated_ns)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, l.ID, l.A.System, l.A.ID, l.B.System, l.B.ID, string(l.Colour),
			string(l.Verifier.Kind), l.Verifier.State, decided, string(data), nanos(l.Created), nanos(l.Updated))
	} else {
		_, err = t.Exec(`UPDATE links SET colour = ?, verifier_kind = ?, verifier_state = ?, decided = ?, data = ?, updated_ns = ? WHERE id = ?`,
			string(l.Colour), string(l.Verifier.Kind), l.Verifier.State, decided, string(data), nanos(l.Updated), l.ID)
	}
	return dbError(err, "write link")
}

// linksOf returns the links of a record within a transaction.
func (t *Tx) linksOf(r links.Ref) ([]links.Link, error) {
	rows, err := t.Query(`SELECT data FROM links WHERE a_system = ? AND a_id = ? UNION ALL SELECT data FROM links WHERE b_system = ? AND b_id = ?`,
		r.System, r.ID, r.System, r.ID)
	if err != nil {
		return nil, dbError(err, "read links")
	}
	return scanLinks(rows)
}

// LinksOf returns the links of a record, unaudited: for the search portal,
// which audits its answers as a whole, and for the detector.
func (db *DB) LinksOf(ctx context.Context, r links.Ref) ([]links.Link, error) {
	rows, err := db.query(ctx, `SELECT data FROM links WHERE a_system = ? AND a_id = ? UNION ALL SELECT data FROM links WHERE b_system = ? AND b_id = ?`,
		r.System, r.ID, r.System, r.ID)
	if err != nil {
		return nil, dbError(err, "read links")
	}
	out, err := scanLinks(rows)
	slices.SortFunc(out, func(a, b links.Link) int { return a.Created.Compare(b.Created) })
	return out, err
}

func scanLinks(rows *sql.Rows) ([]links.Link, error) {
	defer rows.Close()
	var out []links.Link
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, dbError(err, "read links")
		}
		var l links.Link
		if err := json.Unmarshal([]byte(data), &l); err != nil {
			return nil, secunion.Wrap(secunion.Internal, err, "a stored link is damaged")
		}
		out = append(out, l)
	}
	return out, dbError(rows.Err(), "read links")
}

// link returns a stored link.
func (db *DB) link(ctx context.Context, id string) (links.Link, error) {
	var data string
	err := db.queryRow(ctx, `SELECT data FROM links WHERE id = ?`, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return links.Link{}, secunion.Errorf(secunion.NotFound, "no link %s", id)
	}
	if err != nil {
		return links.Link{}, dbError(err, "read link")
	}
	var l links.Link
	if err := json.Unmarshal([]byte(data), &l); err != nil {
		return l, secunion.Wrap(secunion.Internal, err, "a stored link is damaged")
	}
	return l, nil
}

// verifierOf checks that actor belongs to the authority responsible for
// verifying l, auditing a refusal. An unknown link and a link of another
// verifier are refused alike, as not found, so that a link's existence is
// not told to those not entitled to it.
func (db *DB) verifierOf(ctx context.Context, actor secunion.Actor, decl access.Declaration, id, what string) (links.Link, error) {
	l, err := db.link(ctx, id)
	if err != nil && secunion.CodeOf(err) != secunion.NotFound {
		return l, err
	}
	if err == nil {
		a, aerr := db.Authority(ctx, actor.Authority)
		if aerr == nil && l.Verifier.Allows(access.Kind(a.Kind), a.Country) && actor.Has(access.RoleOfficer) {
			return l, nil
		}
	}
	if err := db.RecordDenial(ctx, actor, decl, what+" "+linkRef(id), "not the link's verifier, or no such link"); err != nil {
		return l, err
	}
	return l, secunion.Audited(secunion.Errorf(secunion.NotFound, "no link %s in your verification queue", id))
}

// Comparison is what a verifier sees of a link: the link and, of both
// records, only the linked data — identity, travel documents and
// biometric references — that its profile grants.
type Comparison struct {
	Link links.Link      `json:"link"`
	A    identity.Record `json:"a"`
	B    identity.Record `json:"b"`
}

// linkedFields are the data of linked records a verifier may see.
var linkedFields = []string{access.FieldIdentity, access.FieldDocument, access.FieldBiometrics}

// verifierView is the profile through which a verifier under prof sees a
// link's records: both of their systems, whichever they are (the
// verifier is the link's by the detector's rules), and of their fields
// only the linked data prof grants.
func verifierView(prof access.Profile, l links.Link) access.Profile {
	view := access.Profile{Kind: prof.Kind, Purpose: prof.Purpose, Systems: []string{l.A.System, l.B.System}}
	for _, f := range linkedFields {
		if prof.Grants(f) {
			view.Fields = append(view.Fields, f)
		}
	}
	return view
}

// CompareLink returns a link and the linked data of its records to the
// link's verifier, and records the consultation.
func (db *DB) CompareLink(ctx context.Context, actor secunion.Actor, decl access.Declaration, prof access.Profile, id string) (Comparison, error) {
	l, err := db.verifierOf(ctx, actor, decl, id, "view")
	if err != nil {
		return Comparison{}, err
	}
	c := Comparison{Link: l}
	if c.A, err = db.record(ctx, l.A.System, l.A.ID); err != nil {
		return c, err
	}
	if c.B, err = db.record(ctx, l.B.System, l.B.ID); err != nil {
		return c, err
	}
	view := verifierView(prof, l)
	c.A, _ = identity.View(view, c.A)
	c.B, _ = identity.View(view, c.B)
	err = db.Write(ctx, func(tx *Tx) error {
		return tx.Audit(audit.Entry{Authority: actor.Authority, User: actor.Login, Operation: audit.OpConsultation,
			Purpose: string(decl.Purpose), Justification: decl.Justification,
			Objects:    []string{linkRef(id), recordRef(l.A.System, l.A.ID), recordRef(l.B.System, l.B.ID)},
			Recipients: decl.Recipients(), Categories: view.Fields, Results: 1, Outcome: "ok", Detail: "link verification: comparison"})
	})
	return c, err
}

// DecideLink records a verifier's decision on a yellow link: white, green
// or red, with a reason, kept in the link's history.
func (db *DB) DecideLink(ctx context.Context, actor secunion.Actor, decl access.Declaration, id string, colour links.Colour, reason string) (links.Link, error) {
	l, err := db.verifierOf(ctx, actor, decl, id, "decide")
	if err != nil {
		return l, err
	}
	err = db.Write(ctx, func(tx *Tx) error {
		// Read again inside the transaction: another verifier may have
		// decided in between.
		var data string
		if err := tx.QueryRow(`SELECT data FROM links WHERE id = ?`, id).Scan(&data); err != nil {
			return dbError(err, "read link")
		}
		if err := json.Unmarshal([]byte(data), &l); err != nil {
			return secunion.Wrap(secunion.Internal, err, "a stored link is damaged")
		}
		if err := links.CheckDecision(l, colour, reason); err != nil {
			return err
		}
		l.Colour, l.Decided, l.Updated = colour, true, tx.Now()
		l.History = append(l.History, links.Decision{Colour: colour, Reason: reason, Authority: actor.Authority, User: actor.Login, At: tx.Now()})
		if err := tx.writeLink(l, false); err != nil {
			return err
		}
		return tx.Audit(audit.Entry{Authority: actor.Authority, User: actor.Login, Operation: audit.OpAlteration,
			Purpose: string(decl.Purpose), Justification: decl.Justification,
			Objects: []string{linkRef(id), recordRef(l.A.System, l.A.ID), recordRef(l.B.System, l.B.ID)},
			Results: 1, Outcome: "ok", Detail: "link verification: decided " + string(colour)}, reason)
	})
	return l, err
}

// LinkQueue returns the yellow links that actor's authority is to verify,
// oldest first, at most limit.
func (db *DB) LinkQueue(ctx context.Context, actor secunion.Actor, limit int) ([]links.Link, error) {
	a, err := db.Authority(ctx, actor.Authority)
	if err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, `SELECT data FROM links WHERE colour = ? AND verifier_kind = ? AND (verifier_state = '' OR verifier_state = ?)
		ORDER BY created_ns, id LIMIT ?`, string(links.Yellow), string(a.Kind), a.Country, limit)
	if err != nil {
		return nil, dbError(err, "read the verification queue")
	}
	return scanLinks(rows)
}

// LinkStats are anonymous figures of the detector (as the CRRS keeps
// them): links by colour, the yellow queue per verifier kind with the age
// of its oldest link, and how long verification took.
type LinkStats struct {
	ByColour       map[links.Colour]int `json:"by_colour"`
	Queue          map[access.Kind]int  `json:"queue"`             // yellow links per verifier kind
	OldestYellow   map[access.Kind]int  `json:"oldest_yellow_s"`   // age of the oldest yellow link, seconds
	Decided        int                  `json:"decided"`           // links a verifier decided
	MedianDecision float64              `json:"median_decision_s"` // from detection to decision, seconds
}

// LinkStats counts the links.
func (db *DB) LinkStats(ctx context.Context) (LinkStats, error) {
	st := LinkStats{ByColour: map[links.Colour]int{}, Queue: map[access.Kind]int{}, OldestYellow: map[access.Kind]int{}}
	rows, err := db.query(ctx, `SELECT colour, verifier_kind, COUNT(*), MIN(created_ns) FROM links GROUP BY colour, verifier_kind`)
	if err != nil {
		return st, dbError(err, "count links")
	}
	now := db.clock.Now()
	for rows.Next() {
		var colour, kind string
		var n int
		var oldest int64
		if err := rows.Scan(&colour, &kind, &n, &oldest); err != nil {
			rows.Close()
			return st, dbError(err, "count links")
		}
		st.ByColour[links.Colour(colour)] += n
		if colour == string(links.Yellow) {
			st.Queue[access.Kind(kind)] += n
			st.OldestYellow[access.Kind(kind)] = int(now.Sub(time.Unix(0, oldest)).Seconds())
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, dbError(err, "count links")
	}
	rows, err = db.query(ctx, `SELECT data FROM links WHERE decided = 1`)
	if err != nil {
		return st, dbError(err, "read decided links")
	}
	decided, err := scanLinks(rows)
	if err != nil {
		return st, err
	}
	var took []float64
	for _, l := range decided {
		last := l.History[len(l.History)-1]
		took = append(took, last.At.Sub(l.Created).Seconds())
	}
	st.Decided = len(took)
	if len(took) > 0 {
		slices.Sort(took)
		st.MedianDecision = took[len(took)/2]
	}
	return st, nil
}
