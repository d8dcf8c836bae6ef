package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"secunion"
	"secunion/access"
	"secunion/audit"
	"secunion/crisis"
	"secunion/removal"
	"secunion/signals"
)

// CrisisTopic is the outbox topic of the EU Crisis Protocol: each entry of
// an incident's timeline, committed with it.
const CrisisTopic = "crisis"

func incidentRef(id string) string { return "crisis-incident:" + id }

var crisisDecl = access.Declaration{Purpose: secunion.PurposeTerroristContent}

// crisisEntry is the audit entry of an operation on incident id.
func crisisEntry(actor secunion.Actor, op audit.Operation, detail, id string) audit.Entry {
	return removalEntry(actor, op, detail, incidentRef(id))
}

// Room is an incident as a participant sees it: its participants,
// timeline and figures, the caller's role and the steps it may take now.
type Room struct {
	Incident     crisis.Incident      `json:"incident"`
	Bank         string               `json:"bank"`
	Role         crisis.Role          `json:"role"`
	Allowed      []crisis.Action      `json:"allowed"`
	Participants []crisis.Participant `json:"participants"`
	// Timeline holds the latest RoomTimeline entries, oldest first;
	// Older says how many earlier ones the room does not show.
	Timeline []crisis.Event `json:"timeline"`
	Older    int            `json:"older"`
	Figures  crisis.Figures `json:"figures"`
	// Recent are the last RecentShared hashes and URLs shared, newest
	// first; participants pull the whole list with SharedAfter.
	Recent []crisis.Shared `json:"recent"`
}

// RecentShared is how many of the latest shared items a room shows.
const RecentShared = 100

// RoomTimeline is how many of the latest timeline entries a room shows:
// the timeline grows with every hash and URL shared.
const RoomTimeline = 200

// DeclareIncident records an incident declared by actor's authority (a
// competent authority or Europol), detected and notified: the declaring
// authority, every Europol authority and the authorities named in
// participants take part (at most crisis.MaxParticipants), and each is
// notified. It is audited.
func (db *DB) DeclareIncident(ctx context.Context, actor secunion.Actor, inc crisis.Incident, participants []string) (crisis.Incident, error) {
	if !crisis.CanDeclare(access.Kind(actor.AuthorityKind)) {
		return inc, db.deny(ctx, actor, crisisDecl, "declare a crisis incident", "only a competent authority or Europol declares a crisis incident")
	}
	if err := inc.Validate(); err != nil {
		return inc, err
	}
	if len(participants) > crisis.MaxParticipants {
		return inc, secunion.Errorf(secunion.Invalid, "participants: name at most %d authorities, not %d; add more once the incident is declared", crisis.MaxParticipants, len(participants))
	}
	err := db.Write(ctx, func(tx *Tx) error {
		now := tx.Now()
		inc = crisis.Incident{ID: crisis.NewID(), Title: inc.Title, Description: inc.Description, State: crisis.Detected,
			DeclaredBy: actor.Authority, Detected: now}
		if _, err := tx.Exec(`INSERT INTO crisis_incidents (id, declared_by, state, detected_ns, data) VALUES (?, ?, ?, ?, ?)`,
			inc.ID, inc.DeclaredBy, string(inc.State), nanos(now), mustJSON(inc)); err != nil {
			return dbError(err, "store incident")
		}
		if err := tx.crisisEvent(crisis.Event{Incident: inc.ID, At: now, Action: crisis.Declare, Actor: actor.Authority, To: crisis.Detected, Note: inc.Title}); err != nil {
			return err
		}
		codes := []string{actor.Authority}
		rows, err := tx.Query(`SELECT code FROM authorities WHERE kind = ? ORDER BY code`, string(access.KindEuropol))
		if err != nil {
			return dbError(err, "read Europol")
		}
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return dbError(err, "read Europol")
			}
			codes = append(codes, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return dbError(err, "read Europol")
		}
		for _, c := range append(codes, participants...) {
			if _, err := tx.join(inc, c, actor.Authority, crisis.NotifyDeclared); err != nil {
				return err
			}
		}
		return tx.Audit(crisisEntry(actor, audit.OpCollection, "crisis incident declared: "+inc.Title, inc.ID))
	})
	return inc, err
}

// join makes authority code a participant of inc, notifies it with kind
// and records it on the timeline; joining twice does nothing (false).
func (t *Tx) join(inc crisis.Incident, code, by, kind string) (bool, error) {
	var a access.Authority
	err := t.QueryRow(`SELECT code, name, country, kind FROM authorities WHERE code = ?`, code).Scan(&a.Code, &a.Name, &a.Country, &a.Kind)
	if errors.Is(err, sql.ErrNoRows) {
		return false, secunion.Errorf(secunion.Invalid, "participants: no authority %q", secunion.Clip(code, 64))
	}
	if err != nil {
		return false, dbError(err, "read authority")
	}
	if !crisis.CanParticipate(a.Kind) {
		return false, secunion.Errorf(secunion.Invalid, "participants: %s is a %s; competent authorities, Europol and hosting service providers take part", a.Code, a.Kind)
	}
	p := crisis.Participant{Authority: a.Code, Name: a.Name, Kind: a.Kind, Country: a.Country, Added: t.Now(), AddedBy: by}
	res, err := t.Exec(`INSERT INTO crisis_participants (incident, authority, data) VALUES (?, ?, ?) ON CONFLICT (incident, authority) DO NOTHING`,
		inc.ID, a.Code, mustJSON(p))
	if err != nil {
		return false, dbError(err, "add participant")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	if a.Code != by {
		if err := t.crisisEvent(crisis.Event{Incident: inc.ID, At: t.Now(), Action: crisis.Join, Actor: by, From: inc.State, To: inc.State, Note: a.Code + " (" + string(a.Kind) + ")"}); err != nil {
			return false, err
		}
	}
	return true, t.notify(inc, a, kind)
}

// notify tells participant a about inc: a notification it pulls and, for
// a provider with a webhook while inc is active, a signed push.
func (t *Tx) notify(inc crisis.Incident, a access.Authority, kind string) error {
	n := crisis.Notification{Authority: a.Code, Incident: inc.ID, Title: inc.Title, Kind: kind, State: inc.State, At: t.Now()}
	if _, err := t.Exec(`INSERT INTO crisis_notifications (authority, data) VALUES (?, ?)`, a.Code, mustJSON(n)); err != nil {
		return dbError(err, "notify participant")
	}
	if !inc.State.Sharing() || a.Kind != access.KindHostingProvider {
		return nil
	}
	return t.queuePush(inc, a.Code, crisis.Message{Kind: crisis.MessageActivated, Incident: inc, At: t.Now()})
}

// queuePush queues a signed push of m to provider when it has a webhook.
func (t *Tx) queuePush(inc crisis.Incident, provider string, m crisis.Message) error {
	var data string
	err := t.QueryRow(`SELECT data FROM providers WHERE code = ?`, provider).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // not registered for removal orders: it pulls
	}
	if err != nil {
		return dbError(err, "read provider")
	}
	var p removal.Provider
	if err := json.Unmarshal([]byte(data), &p); err != nil {
		return secunion.Wrap(secunion.Internal, err, "a stored provider is damaged")
	}
	if p.Contact.Webhook == "" {
		return nil
	}
	_, err = t.Exec(`INSERT INTO crisis_pushes (incident, provider, body, attempts, next_ns, nonce, last_error) VALUES (?, ?, ?, 0, ?, '', '')`,
		inc.ID, provider, mustJSON(m), nanos(t.Now()))
	return dbError(err, "queue push")
}

// crisisEvent adds an entry to an incident's timeline and to the outbox.
func (t *Tx) crisisEvent(e crisis.Event) error {
	data := mustJSON(e)
	if _, err := t.Exec(`INSERT INTO crisis_events (incident, data) VALUES (?, ?)`, e.Incident, data); err != nil {
		return dbError(err, "store timeline entry")
	}
	return t.Emit(CrisisTopic, e)
}

// reader runs the queries that read an incident: a write transaction,
// or the database itself for the room's unaudited live refresh.
type reader interface {
	QueryRow(q string, args ...any) *sql.Row
	Query(q string, args ...any) (*sql.Rows, error)
}

// dbReader reads from the database outside any transaction.
type dbReader struct {
	db  *DB
	ctx context.Context
}

// QueryRow runs a query that returns at most one row.
func (r dbReader) QueryRow(q string, args ...any) *sql.Row {
	return r.db.queryRow(r.ctx, q, args...)
}

// Query runs a query.
func (r dbReader) Query(q string, args ...any) (*sql.Rows, error) {
	return r.db.query(r.ctx, q, args...)
}

func readIncident(q reader, id string) (crisis.Incident, error) {
	var inc crisis.Incident
	err := readJSON(q.QueryRow(`SELECT data FROM crisis_incidents WHERE id = ?`, id), &inc, "crisis incident "+secunion.Clip(id, 64))
	return inc, err
}

func (t *Tx) updateIncident(inc crisis.Incident) error {
	_, err := t.Exec(`UPDATE crisis_incidents SET state = ?, data = ? WHERE id = ?`, string(inc.State), mustJSON(inc), inc.ID)
	return dbError(err, "update incident")
}

// roleIn returns actor's role in incident id; a non-participant gets ok
// false (and, from the caller, NotFound).
func roleIn(q reader, actor secunion.Actor, id string) (crisis.Incident, crisis.Role, bool, error) {
	inc, err := readIncident(q, id)
	if err != nil {
		return inc, "", false, err
	}
	var one int
	err = q.QueryRow(`SELECT 1 FROM crisis_participants WHERE incident = ? AND authority = ?`, id, actor.Authority).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) || actor.Authority == "" {
		return inc, "", false, nil
	}
	if err != nil {
		return inc, "", false, dbError(err, "read participants")
	}
	return inc, crisis.RoleOf(inc, actor.Authority, access.Kind(actor.AuthorityKind) == access.KindEuropol), true, nil
}

// crisisWrite runs fn for actor on incident id in a write transaction:
// fn gets the incident and actor's role and returns a refusal (which is
// audited as a denial after the transaction, and changes nothing) or an
// error. A non-participant learns nothing: NotFound, audited.
func (db *DB) crisisWrite(ctx context.Context, actor secunion.Actor, id, what string, fn func(tx *Tx, inc crisis.Incident, role crisis.Role) (refused, err error)) error {
	var refused error
	err := db.Write(ctx, func(tx *Tx) error {
		refused = nil
		inc, role, ok, err := roleIn(tx, actor, id)
		if err != nil {
			if secunion.CodeOf(err) == secunion.NotFound {
				refused = err
				return nil
			}
			return err
		}
		if !ok {
			refused = secunion.Errorf(secunion.NotFound, "no crisis incident %s", secunion.Clip(id, 64))
			return nil
		}
		refused, err = fn(tx, inc, role)
		if refused != nil {
			return errRollback
		}
		return err
	})
	if errors.Is(err, errRollback) {
		err = nil
	}
	if err != nil {
		return err
	}
	if refused != nil {
		why := secunion.MessageOf(refused)
		if secunion.CodeOf(refused) == secunion.NotFound {
			why = "the authority does not take part in the incident, or there is none"
		}
		if err := db.RecordDenial(ctx, actor, crisisDecl, what+" crisis incident "+secunion.Clip(id, 64), why); err != nil {
			return err
		}
		return secunion.Audited(refused)
	}
	return nil
}

// errRollback undoes a write whose step was refused after it began.
var errRollback = errors.New("store: refused, rolled back")

// StepIncident applies a step of the protocol by actor to incident id:
// the state machine decides from actor's role (Europol and the declaring
// authority coordinate); the incident, its timeline and the audit log
// change together. On activation every participant is notified, and
// providers with a webhook get a signed push. A refusal is audited and
// changes nothing.
func (db *DB) StepIncident(ctx context.Context, actor secunion.Actor, id string, s crisis.Step) (crisis.Incident, error) {
	var out crisis.Incident
	err := db.crisisWrite(ctx, actor, id, string(s.Action), func(tx *Tx, inc crisis.Incident, role crisis.Role) (error, error) {
		s.Role, s.Actor, s.At = role, actor.Authority, tx.Now()
		next, e, err := crisis.Next(inc, s)
		if err != nil {
			return err, nil
		}
		if err := tx.updateIncident(next); err != nil {
			return nil, err
		}
		if err := tx.crisisEvent(e); err != nil {
			return nil, err
		}
		if s.Action == crisis.Activate {
			ps, err := participantsOf(tx, id)
			if err != nil {
				return nil, err
			}
			for _, p := range ps {
				if err := tx.notify(next, access.Authority{Code: p.Authority, Kind: p.Kind}, crisis.NotifyActivated); err != nil {
					return nil, err
				}
			}
			if err := tx.crisisEvent(crisis.Event{Incident: id, At: tx.Now(), Action: crisis.Notify, Actor: "node", From: next.State, To: next.State,
				Note: fmt.Sprintf("%d participants notified of the activation", len(ps))}); err != nil {
				return nil, err
			}
		}
		out = next
		return nil, tx.Audit(crisisEntry(actor, audit.OpAlteration, fmt.Sprintf("%s: %s → %s", e.Action, e.From, e.To), id))
	})
	return out, err
}

// AddParticipant adds authority code to incident id (coordinators, while
// the incident is open); it is notified that the incident was declared
// or, once activated, that it joined (a provider with a webhook joining
// an active incident gets a push at once).
func (db *DB) AddParticipant(ctx context.Context, actor secunion.Actor, id, code string) error {
	return db.crisisWrite(ctx, actor, id, "add a participant to", func(tx *Tx, inc crisis.Incident, role crisis.Role) (error, error) {
		if refused := changeable(inc, role); refused != nil {
			return refused, nil
		}
		kind := crisis.NotifyJoined
		if inc.State == crisis.Detected {
			kind = crisis.NotifyDeclared
		}
		added, err := tx.join(inc, code, actor.Authority, kind)
		if secunion.CodeOf(err) == secunion.Invalid {
			return err, nil
		}
		if err != nil {
			return nil, err
		}
		if !added {
			return secunion.Errorf(secunion.Conflict, "%s takes part in incident %s already", secunion.Clip(code, 64), inc.ID), nil
		}
		return nil, tx.Audit(crisisEntry(actor, audit.OpAlteration, "participant added: "+code, id))
	})
}

// RemoveParticipant removes authority code from incident id
// (coordinators, while it is open); the declaring authority stays.
func (db *DB) RemoveParticipant(ctx context.Context, actor secunion.Actor, id, code string) error {
	return db.crisisWrite(ctx, actor, id, "remove a participant from", func(tx *Tx, inc crisis.Incident, role crisis.Role) (error, error) {
		if refused := changeable(inc, role); refused != nil {
			return refused, nil
		}
		if code == inc.DeclaredBy {
			return secunion.Errorf(secunion.Conflict, "%s declared incident %s: it stays a participant", inc.DeclaredBy, inc.ID), nil
		}
		res, err := tx.Exec(`DELETE FROM crisis_participants WHERE incident = ? AND authority = ?`, id, code)
		if err != nil {
			return nil, dbError(err, "remove participant")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return secunion.Errorf(secunion.NotFound, "%s does not take part in incident %s", secunion.Clip(code, 64), inc.ID), nil
		}
		if _, err := tx.Exec(`DELETE FROM crisis_pushes WHERE incident = ? AND provider = ?`, id, code); err != nil {
			return nil, dbError(err, "drop pushes")
		}
		if err := tx.crisisEvent(crisis.Event{Incident: id, At: tx.Now(), Action: crisis.Leave, Actor: actor.Authority, From: inc.State, To: inc.State, Note: code}); err != nil {
			return nil, err
		}
		return nil, tx.Audit(crisisEntry(actor, audit.OpAlteration, "participant removed: "+code, id))
	})
}

// changeable refuses a change of participants by a non-coordinator or of
// a closed incident.
func changeable(inc crisis.Incident, role crisis.Role) error {
	switch {
	case role != crisis.Coordinator:
		return secunion.Errorf(secunion.Forbidden, "incident %s: only Europol or the declaring authority %s changes the participants", inc.ID, inc.DeclaredBy)
	case !inc.State.Open():
		return secunion.Errorf(secunion.Conflict, "incident %s is %s: its participants no longer change", inc.ID, inc.State)
	}
	return nil
}

// sharing refuses to share in an incident that is not active.
func sharing(inc crisis.Incident) error {
	if !inc.State.Sharing() {
		return secunion.Errorf(secunion.Conflict, "incident %s is %s: hashes and URLs are shared while it is activated or coordinated", inc.ID, inc.State)
	}
	return nil
}

// ShareHash puts a hash into incident id's bank (named crisis.Bank(id),
// source incident) for actor, a participant of the active incident —
// providers included, as the protocol shares among platforms. The entry
// goes on the outbox, so every matcher following the banks holds it
// within its next poll; participating providers with a webhook get it
// pushed, signed; the others pull it. created is false when the bank
// held the hash already: nothing changes then.
func (db *DB) ShareHash(ctx context.Context, actor secunion.Actor, id string, e signals.Entry, note string) (crisis.Shared, bool, error) {
	e.Bank, e.Source, e.SourceRef = crisis.Bank(id), signals.SourceIncident, id
	item := crisis.Shared{Kind: crisis.KindHash, Note: note}
	return db.share(ctx, actor, id, item, func(item *crisis.Shared) error {
		if err := e.Validate(); err != nil {
			return err
		}
		item.Algorithm, item.Value, item.Quality, item.Labels = e.Algorithm, e.Value, e.Quality, e.Labels
		return nil
	}, func(tx *Tx) (int64, error) {
		entry, _, err := tx.addSignal(actor, e)
		return entry.ID, err
	})
}

// ShareURL records the URL of content spreading in incident id, for
// actor, a participant of the active incident; participating providers
// with a webhook get it pushed. created is false when the incident holds
// the URL already.
func (db *DB) ShareURL(ctx context.Context, actor secunion.Actor, id, u, note string) (crisis.Shared, bool, error) {
	item := crisis.Shared{Kind: crisis.KindURL, Note: note}
	return db.share(ctx, actor, id, item, func(item *crisis.Shared) error {
		var err error
		item.Value, err = crisis.CheckURL(u)
		return err
	}, nil)
}

// shareActions are the timeline's actions of sharing, by kind of item.
var shareActions = map[string]crisis.Action{crisis.KindHash: crisis.ShareHash, crisis.KindURL: crisis.ShareURL}

// share records item in incident id for actor. check fills in and checks
// the item once actor is known to take part, so that a non-participant
// gets an audited NotFound whatever it sent, and a participant's bad item
// an Invalid error that changes nothing; hash, when set, puts the hash
// into the bank.
func (db *DB) share(ctx context.Context, actor secunion.Actor, id string, item crisis.Shared, check func(*crisis.Shared) error, hash func(*Tx) (int64, error)) (crisis.Shared, bool, error) {
	created := false
	err := db.crisisWrite(ctx, actor, id, "share "+item.Kind+" in", func(tx *Tx, inc crisis.Incident, role crisis.Role) (error, error) {
		item.Note = strings.TrimSpace(item.Note)
		if len(item.Note) > crisis.MaxTitle || !utf8.ValidString(item.Note) {
			return nil, secunion.Errorf(secunion.Invalid, "note: at most %d bytes of UTF-8", crisis.MaxTitle)
		}
		if err := check(&item); err != nil {
			return nil, err
		}
		if refused := sharing(inc); refused != nil {
			return refused, nil
		}
		err := readJSON(tx.QueryRow(`SELECT data FROM crisis_shared WHERE incident = ? AND kind = ? AND value = ?`, id, item.Kind, item.Value), &item, "shared item")
		if err == nil {
			return nil, nil // shared already
		}
		if secunion.CodeOf(err) != secunion.NotFound {
			return nil, err
		}
		if hash != nil {
			if item.Entry, err = hash(tx); err != nil {
				return nil, err
			}
		}
		item.Incident, item.SharedBy, item.Shared = id, actor.Authority, tx.Now()
		if err := tx.QueryRow(`INSERT INTO crisis_shared (incident, kind, value, shared_ns, data) VALUES (?, ?, ?, ?, '') RETURNING seq`,
			id, item.Kind, item.Value, nanos(item.Shared)).Scan(&item.Seq); err != nil {
			return nil, dbError(err, "store shared item")
		}
		if _, err := tx.Exec(`UPDATE crisis_shared SET data = ? WHERE seq = ?`, mustJSON(item), item.Seq); err != nil {
			return nil, dbError(err, "store shared item")
		}
		created = true
		note := string(item.Algorithm) + " " + item.Value
		if item.Kind == crisis.KindURL {
			note = item.Value
		}
		if err := tx.crisisEvent(crisis.Event{Incident: id, At: item.Shared, Action: shareActions[item.Kind], Actor: actor.Authority,
			From: inc.State, To: inc.State, Note: note}); err != nil {
			return nil, err
		}
		ps, err := participantsOf(tx, id)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			if p.Kind == access.KindHostingProvider && p.Authority != actor.Authority {
				if err := tx.queuePush(inc, p.Authority, crisis.Message{Kind: crisis.MessageShared, Incident: inc, Item: &item, At: item.Shared}); err != nil {
					return nil, err
				}
			}
		}
		return nil, tx.Audit(crisisEntry(actor, audit.OpCollection, fmt.Sprintf("%s shared in crisis incident (#%d)", item.Kind, item.Seq), id))
	})
	return item, created, err
}

// participantsOf lists the participants of incident id by code.
func participantsOf(q reader, id string) ([]crisis.Participant, error) {
	rows, err := q.Query(`SELECT data FROM crisis_participants WHERE incident = ? ORDER BY authority`, id)
	if err != nil {
		return nil, dbError(err, "read participants")
	}
	return scanAll[crisis.Participant](rows, "participant")
}

// Incidents lists the incidents actor's authority takes part in, newest
// first, audited as a consultation.
func (db *DB) Incidents(ctx context.Context, actor secunion.Actor) ([]crisis.Incident, error) {
	rows, err := db.query(ctx, `SELECT i.data FROM crisis_incidents i JOIN crisis_participants p ON p.incident = i.id
		WHERE p.authority = ? ORDER BY i.detected_ns DESC, i.id`, actor.Authority)
	if err != nil {
		return nil, dbError(err, "list incidents")
	}
	out, err := scanAll[crisis.Incident](rows, "crisis incident")
	if err != nil {
		return nil, err
	}
	return out, db.Write(ctx, func(tx *Tx) error {
		return tx.Audit(removalEntry(actor, audit.OpConsultation, fmt.Sprintf("list of crisis incidents: %d", len(out))))
	})
}

// IncidentRoom returns incident id as actor, a participant, sees it:
// participants, the latest timeline entries, figures, the latest items
// shared and the steps it may take; audited as a consultation. A
// non-participant gets NotFound, audited.
func (db *DB) IncidentRoom(ctx context.Context, actor secunion.Actor, id string) (Room, error) {
	var room Room
	err := db.crisisWrite(ctx, actor, id, "read", func(tx *Tx, inc crisis.Incident, role crisis.Role) (error, error) {
		var err error
		if room, err = readRoom(tx, inc, role); err != nil {
			return nil, err
		}
		return nil, tx.Audit(crisisEntry(actor, audit.OpConsultation, "crisis incident read", id))
	})
	return room, err
}

// RefreshRoom reads incident id's room again for the live updates of a
// crisis room already open, without an audit entry: the viewer's access
// was logged when it opened the room and its stream (IncidentRoom), and
// the refresh shows the same incident to the same user, who still takes
// part (a non-participant gets NotFound). Writing an entry per change
// per viewer would fill the log with copies of that one access.
func (db *DB) RefreshRoom(ctx context.Context, actor secunion.Actor, id string) (Room, error) {
	q := dbReader{db, ctx}
	inc, role, ok, err := roleIn(q, actor, id)
	if err == nil && !ok {
		err = secunion.Errorf(secunion.NotFound, "no crisis incident %s", secunion.Clip(id, 64))
	}
	if err != nil {
		return Room{}, err
	}
	return readRoom(q, inc, role)
}

// readRoom reads the room of inc for a participant in role.
func readRoom(q reader, inc crisis.Incident, role crisis.Role) (Room, error) {
	room := Room{Incident: inc, Bank: crisis.Bank(inc.ID), Role: role, Allowed: crisis.Allowed(inc, role)}
	var err error
	if room.Participants, err = participantsOf(q, inc.ID); err != nil {
		return room, err
	}
	if room.Timeline, err = timeline(q, inc.ID, 0, RoomTimeline); err != nil {
		return room, err
	}
	slices.Reverse(room.Timeline)
	if len(room.Timeline) == RoomTimeline {
		var all int
		if err := q.QueryRow(`SELECT COUNT(*) FROM crisis_events WHERE incident = ?`, inc.ID).Scan(&all); err != nil {
			return room, dbError(err, "count timeline")
		}
		room.Older = all - RoomTimeline
	}
	if room.Figures, err = figuresOf(q, inc); err != nil {
		return room, err
	}
	rows, err := q.Query(`SELECT data FROM crisis_shared WHERE incident = ? ORDER BY seq DESC LIMIT ?`, inc.ID, RecentShared)
	if err != nil {
		return room, dbError(err, "read shared items")
	}
	if room.Recent, err = scanAll[crisis.Shared](rows, "shared item"); err != nil {
		return room, err
	}
	if room.Recent == nil {
		room.Recent = []crisis.Shared{}
	}
	return room, nil
}

// timeline reads up to limit entries of incident id's timeline numbered
// before before (0: from the latest), newest first.
func timeline(q reader, id string, before int64, limit int) ([]crisis.Event, error) {
	if before <= 0 {
		before = math.MaxInt64
	}
	rows, err := q.Query(`SELECT id, data FROM crisis_events WHERE incident = ? AND id < ? ORDER BY id DESC LIMIT ?`, id, before, limit)
	if err != nil {
		return nil, dbError(err, "read timeline")
	}
	return scanNumbered(rows, "timeline entry", func(e *crisis.Event, n int64) { e.ID = n })
}

// scanNumbered reads rows of a number and a JSON value of T, gives each
// value its number with number, and closes rows; no rows give an empty
// list.
func scanNumbered[T any](rows *sql.Rows, what string, number func(*T, int64)) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		var v T
		var n int64
		var data string
		if err := rows.Scan(&n, &data); err != nil {
			return nil, dbError(err, "read "+what)
		}
		if err := json.Unmarshal([]byte(data), &v); err != nil {
			return nil, secunion.Wrap(secunion.Internal, err, "a stored "+what+" is damaged")
		}
		number(&v, n)
		out = append(out, v)
	}
	return out, dbError(rows.Err(), "read "+what)
}

// maxTimelinePage bounds a page of a timeline.
const maxTimelinePage = 1000

// TimelineBefore returns up to limit entries of incident id's timeline
// numbered before before (0: from the latest), newest first: the entries
// older than a room shows. It is audited as a consultation; a
// non-participant gets NotFound.
func (db *DB) TimelineBefore(ctx context.Context, actor secunion.Actor, id string, before int64, limit int) ([]crisis.Event, error) {
	if limit < 1 || limit > maxTimelinePage {
		return nil, secunion.Errorf(secunion.Invalid, "limit: give 1 to %d", maxTimelinePage)
	}
	var out []crisis.Event
	err := db.crisisWrite(ctx, actor, id, "read the timeline of", func(tx *Tx, inc crisis.Incident, role crisis.Role) (error, error) {
		var err error
		if out, err = timeline(tx, id, before, limit); err != nil {
			return nil, err
		}
		return nil, tx.Audit(crisisEntry(actor, audit.OpConsultation, timelineRead(len(out), before), id))
	})
	return out, err
}

// figuresOf adds up what was shared in inc and blocked on its hashes.
func figuresOf(q reader, inc crisis.Incident) (crisis.Figures, error) {
	var f crisis.Figures
	var first sql.NullInt64
	if err := q.QueryRow(`SELECT COALESCE(SUM(CASE WHEN kind = 'hash' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN kind = 'url' THEN 1 ELSE 0 END), 0),
		MIN(CASE WHEN kind = 'hash' THEN shared_ns END) FROM crisis_shared WHERE incident = ?`, inc.ID).Scan(&f.Hashes, &f.URLs, &first); err != nil {
		return f, dbError(err, "add up shared items")
	}
	if first.Valid {
		f.FirstHash = fromNanos(first.Int64)
		if !inc.Activated.IsZero() {
			f.ToFirstHash = f.FirstHash.Sub(inc.Activated).Seconds()
		}
	}
	rows, err := q.Query(`SELECT provider, COUNT(*) FROM crisis_blocked WHERE incident = ? GROUP BY provider`, inc.ID)
	if err != nil {
		return f, dbError(err, "add up blocked uploads")
	}
	defer rows.Close()
	f.PerProvider = []crisis.Blocked{}
	for rows.Next() {
		var b crisis.Blocked
		if err := rows.Scan(&b.Provider, &b.Attempts); err != nil {
			return f, dbError(err, "add up blocked uploads")
		}
		f.Blocked += b.Attempts
		f.PerProvider = append(f.PerProvider, b)
	}
	slices.SortFunc(f.PerProvider, func(a, b crisis.Blocked) int {
		if a.Attempts != b.Attempts {
			return b.Attempts - a.Attempts
		}
		return strings.Compare(a.Provider, b.Provider)
	})
	return f, dbError(rows.Err(), "add up blocked uploads")
}

// maxSharedPage bounds a page of shared items.
const maxSharedPage = 10_000

// SharedAfter returns up to limit items shared in incident id after
// checkpoint after (a Seq), in order: a participant's pull. It is
// audited as a consultation; a non-participant gets NotFound.
func (db *DB) SharedAfter(ctx context.Context, actor secunion.Actor, id string, after int64, limit int) ([]crisis.Shared, error) {
	if limit < 1 || limit > maxSharedPage {
		return nil, secunion.Errorf(secunion.Invalid, "limit: give 1 to %d", maxSharedPage)
	}
	var out []crisis.Shared
	err := db.crisisWrite(ctx, actor, id, "pull from", func(tx *Tx, inc crisis.Incident, role crisis.Role) (error, error) {
		rows, err := tx.Query(`SELECT data FROM crisis_shared WHERE incident = ? AND seq > ? ORDER BY seq LIMIT ?`, id, after, limit)
		if err != nil {
			return nil, dbError(err, "read shared items")
		}
		if out, err = scanAll[crisis.Shared](rows, "shared item"); err != nil {
			return nil, err
		}
		return nil, tx.Audit(crisisEntry(actor, audit.OpConsultation, fmt.Sprintf("pulled %d shared items after #%d", len(out), after), id))
	})
	return out, err
}

// CrisisNotifications returns up to limit of the notifications of
// actor's authority numbered after after, in order: its pull.
func (db *DB) CrisisNotifications(ctx context.Context, actor secunion.Actor, after int64, limit int) ([]crisis.Notification, error) {
	if limit < 1 || limit > 1000 {
		return nil, secunion.Errorf(secunion.Invalid, "limit: give 1 to 1000")
	}
	rows, err := db.query(ctx, `SELECT id, data FROM crisis_notifications WHERE authority = ? AND id > ? ORDER BY id LIMIT ?`, actor.Authority, after, limit)
	if err != nil {
		return nil, dbError(err, "read notifications")
	}
	return scanNumbered(rows, "notification", func(n *crisis.Notification, id int64) { n.ID = id })
}

// IncidentPulse returns a token that changes whenever incident id's
// state, timeline, shares or blocked uploads change, unaudited, for the
// crisis room's live updates; a non-participant gets NotFound.
func (db *DB) IncidentPulse(ctx context.Context, actor secunion.Actor, id string) (string, error) {
	var state string
	var events, shared, blocked int64
	err := db.queryRow(ctx, `SELECT i.state,
		(SELECT COALESCE(MAX(id), 0) FROM crisis_events WHERE incident = i.id),
		(SELECT COALESCE(MAX(seq), 0) FROM crisis_shared WHERE incident = i.id),
		(SELECT COUNT(*) FROM crisis_blocked WHERE incident = i.id)
		FROM crisis_incidents i JOIN crisis_participants p ON p.incident = i.id WHERE i.id = ? AND p.authority = ?`, id, actor.Authority).
		Scan(&state, &events, &shared, &blocked)
	if errors.Is(err, sql.ErrNoRows) {
		return "", secunion.Errorf(secunion.NotFound, "no crisis incident %s", secunion.Clip(id, 64))
	}
	if err != nil {
		return "", dbError(err, "read incident")
	}
	return fmt.Sprintf("%s.%d.%d.%d", state, events, shared, blocked), nil
}

// NoteBlockedUploads records, for a hosting-provider actor, the hits of
// one lookup as one blocked upload attempt per incident whose bank they
// hit (a file matching an incident's PDQ and its SHA-256 is one attempt),
// recorded with the closest hit, for the incident's figures; hits on
// other banks, and lookups by others, record nothing.
func (db *DB) NoteBlockedUploads(ctx context.Context, actor secunion.Actor, hits []signals.Hit) error {
	if access.Kind(actor.AuthorityKind) != access.KindHostingProvider {
		return nil
	}
	closest := map[string]signals.Hit{}
	for _, h := range hits {
		if id, ok := crisis.OfBank(h.Entry.Bank); ok {
			if c, seen := closest[id]; !seen || h.Distance < c.Distance {
				closest[id] = h
			}
		}
	}
	if len(closest) == 0 {
		return nil
	}
	return db.Write(ctx, func(tx *Tx) error {
		for id, h := range closest {
			if _, err := tx.Exec(`INSERT INTO crisis_blocked (incident, provider, entry, distance, at_ns) VALUES (?, ?, ?, ?, ?)`,
				id, actor.Authority, h.Entry.ID, h.Distance, nanos(tx.Now())); err != nil {
				return dbError(err, "record blocked upload")
			}
		}
		return nil
	})
}

// ClaimCrisisPushes takes up to limit pushes that are due, giving each a
// new nonce and holding it for lease; pushes to a provider that no longer
// has a webhook are dropped (it pulls).
func (db *DB) ClaimCrisisPushes(ctx context.Context, limit int, lease time.Duration) ([]crisis.Push, error) {
	var out []crisis.Push
	err := db.Write(ctx, func(tx *Tx) error {
		out = out[:0]
		rows, err := tx.Query(`SELECT c.id, c.incident, c.provider, c.body, c.attempts, p.data, p.secret FROM crisis_pushes c
			LEFT JOIN providers p ON p.code = c.provider WHERE c.next_ns <= ? ORDER BY c.next_ns, c.id LIMIT ?`, nanos(tx.Now()), limit)
		if err != nil {
			return dbError(err, "claim pushes")
		}
		var due []crisis.Push
		for rows.Next() {
			var ps crisis.Push
			var body string
			var provider, secret sql.NullString
			if err := rows.Scan(&ps.ID, &ps.Incident, &ps.Provider, &body, &ps.Attempts, &provider, &secret); err != nil {
				rows.Close()
				return dbError(err, "claim pushes")
			}
			var p removal.Provider
			if provider.Valid {
				if err := json.Unmarshal([]byte(provider.String), &p); err != nil {
					rows.Close()
					return secunion.Wrap(secunion.Internal, err, "a stored provider is damaged")
				}
			}
			ps.Body, ps.Webhook, ps.Secret = []byte(body), p.Contact.Webhook, secret.String
			due = append(due, ps)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return dbError(err, "claim pushes")
		}
		for _, ps := range due {
			if ps.Webhook == "" {
				if _, err := tx.Exec(`DELETE FROM crisis_pushes WHERE id = ?`, ps.ID); err != nil {
					return dbError(err, "drop push")
				}
				continue
			}
			ps.Attempts++
			ps.Nonce = secunion.NewID("dlv")
			if _, err := tx.Exec(`UPDATE crisis_pushes SET attempts = ?, nonce = ?, next_ns = ? WHERE id = ?`,
				ps.Attempts, ps.Nonce, nanos(tx.Now().Add(lease)), ps.ID); err != nil {
				return dbError(err, "claim push")
			}
			out = append(out, ps)
		}
		return nil
	})
	return out, err
}

// CrisisPushed records that a provider's webhook took a push: it leaves
// the queue, audited as a disclosure to the provider.
func (db *DB) CrisisPushed(ctx context.Context, ps crisis.Push) error {
	return db.Write(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`DELETE FROM crisis_pushes WHERE id = ? AND nonce = ?`, ps.ID, ps.Nonce)
		if err != nil {
			return dbError(err, "record push")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // another attempt came first
		}
		return tx.Audit(crisisEntry(secunion.Actor{Authority: ps.Provider, Login: "webhook"}, audit.OpDisclosure,
			fmt.Sprintf("crisis message pushed to the webhook of %s (attempt %d)", ps.Provider, ps.Attempts), ps.Incident))
	})
}

// CrisisPushFailed records a failed push and when to try again; after
// crisis.MaxAttempts it is given up and the failure put on the
// incident's timeline (the provider still pulls).
func (db *DB) CrisisPushFailed(ctx context.Context, ps crisis.Push, next time.Time, reason string) error {
	return db.Write(ctx, func(tx *Tx) error {
		if ps.Attempts < crisis.MaxAttempts {
			_, err := tx.Exec(`UPDATE crisis_pushes SET next_ns = ?, last_error = ? WHERE id = ? AND nonce = ?`,
				nanos(next), secunion.Clip(reason, 500), ps.ID, ps.Nonce)
			return dbError(err, "record failed push")
		}
		res, err := tx.Exec(`DELETE FROM crisis_pushes WHERE id = ? AND nonce = ?`, ps.ID, ps.Nonce)
		if err != nil {
			return dbError(err, "drop push")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		inc, err := readIncident(tx, ps.Incident)
		if err != nil {
			return err
		}
		return tx.crisisEvent(crisis.Event{Incident: inc.ID, At: tx.Now(), Action: crisis.PushFailed, Actor: "node", From: inc.State, To: inc.State,
			Note: fmt.Sprintf("push to %s given up after %d attempts: %s", ps.Provider, ps.Attempts, secunion.Clip(reason, 200))})
	})
}

// timelineRead is the audit detail of a page of the timeline read.
func timelineRead(n int, before int64) string {
	if before <= 0 {
		return fmt.Sprintf("read the latest %d timeline entries", n)
	}
	return fmt.Sprintf("read %d timeline entries before #%d", n, before)
}
