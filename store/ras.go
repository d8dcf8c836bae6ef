package store

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"secunion"
	"secunion/access"
	"secunion/alerts"
)

// The Rapid Alert System and the cyber incident reports live in ordinary
// hub collections (package alerts says how): the functions here read
// through the hub's one disclosure path (discloseAlerts, which applies
// Disclose to every object version) and write through AddAlertObjects, so
// TLP, granular markings, handling codes and the origin rule apply as
// they do over TAXII. Each read is audited as a disclosure of the object
// versions the answer is made of.

// RASAlert returns alert id of collection as actor may see it, with where
// its acknowledgements stand.
func (db *DB) RASAlert(ctx context.Context, actor secunion.Actor, decl access.Declaration, collection, id string) (alerts.AlertState, error) {
	v, err := db.readableView(ctx, actor, decl, collection)
	if err != nil {
		return alerts.AlertState{}, err
	}
	st, _, err := db.rasAlert(ctx, actor, decl, v, id)
	return st, err
}

// RaiseRASAlert raises an alert in collection for actor, a person of a
// contact point that writes the collection (access.CanAlertRAS): at the
// stated threshold, with a justification, and with DISARM techniques that
// resolve to attack-patterns in collections actor reads. It is audited
// with the objects' collection; refusals are audited.
func (db *DB) RaiseRASAlert(ctx context.Context, actor secunion.Actor, decl access.Declaration, collection string, in alerts.AlertInput, c alerts.Checker) (alerts.AlertState, error) {
	var st alerts.AlertState
	v, err := db.AlertView(ctx, actor, decl, collection)
	if err != nil {
		return st, err
	}
	if err := db.rasActor(ctx, actor, decl, v, "raise an alert"); err != nil {
		return st, err
	}
	if err := in.Validate(); err != nil {
		return st, err
	}
	techniques, err := db.resolveTechniques(ctx, actor, decl, in.Techniques)
	if err != nil {
		return st, err
	}
	if err := db.checkNarratives(ctx, actor, decl, v, in.Narratives); err != nil {
		return st, err
	}
	r, err := db.raiser(ctx, actor)
	if err != nil {
		return st, err
	}
	raw, err := alerts.NewAlert(in, techniques, r, db.clock.Now())
	if err != nil {
		return st, err
	}
	objs, err := db.addRAS(ctx, actor, decl, v, c, raw)
	if err != nil {
		return st, err
	}
	a, err := alerts.ReadAlert(objs[0])
	if err != nil {
		return st, err
	}
	cps, err := db.contactPoints(ctx, v.Readers)
	return alerts.StateOf(a, nil, cps), err
}

// AcknowledgeRASAlert records that actor's contact point, a reader of
// collection, has the alert: once; acknowledging again changes nothing
// and reports false. A closed alert takes no acknowledgement.
func (db *DB) AcknowledgeRASAlert(ctx context.Context, actor secunion.Actor, decl access.Declaration, collection, id string, c alerts.Checker) (alerts.AlertState, bool, error) {
	var st alerts.AlertState
	v, err := db.readableView(ctx, actor, decl, collection)
	if err != nil {
		return st, false, err
	}
	if err := db.rasActor(ctx, actor, decl, v, "acknowledge alert "+id); err != nil {
		return st, false, err
	}
	st, _, err = db.rasAlert(ctx, actor, decl, v, id)
	switch {
	case err != nil:
		return st, false, err
	case st.RaisedBy == actor.Authority || slices.ContainsFunc(st.Acknowledged, func(k alerts.Ack) bool { return k.ContactPoint == actor.Authority }):
		return st, false, nil
	case st.Closed:
		return st, false, secunion.Errorf(secunion.Conflict, "the alert is closed: %s", st.ClosedReason)
	}
	r, err := db.raiser(ctx, actor)
	if err != nil {
		return st, false, err
	}
	raw, err := alerts.NewAck(st.Alert, r, db.clock.Now())
	if err != nil {
		return st, false, err
	}
	if _, err := db.addRAS(ctx, actor, decl, v, c, raw); err != nil {
		return st, false, err
	}
	st, _, err = db.rasAlert(ctx, actor, decl, v, id)
	return st, true, err
}

// CloseRASAlert closes an alert for reason: the contact point that
// raised it does, by a new version of it.
func (db *DB) CloseRASAlert(ctx context.Context, actor secunion.Actor, decl access.Declaration, collection, id, reason string, c alerts.Checker) (alerts.AlertState, error) {
	var st alerts.AlertState
	v, err := db.readableView(ctx, actor, decl, collection)
	if err != nil {
		return st, err
	}
	if err := db.rasActor(ctx, actor, decl, v, "close alert "+id); err != nil {
		return st, err
	}
	st, o, err := db.rasAlert(ctx, actor, decl, v, id)
	if err != nil {
		return st, err
	}
	if st.RaisedBy != actor.Authority {
		return st, db.deny(ctx, actor, decl, "close alert "+id, "only "+st.RaisedBy+", which raised the alert, closes it")
	}
	raw, err := alerts.CloseAlert(o, reason, db.clock.Now())
	if err != nil {
		return st, err
	}
	if _, err := db.addRAS(ctx, actor, decl, v, c, raw); err != nil {
		return st, err
	}
	st, _, err = db.rasAlert(ctx, actor, decl, v, id)
	return st, err
}

// MaxDashboardDays is the longest window of a dashboard.
const MaxDashboardDays = 366

// RASDashboard returns the dashboard of collection for the last days
// days, of what actor may see in it: open alerts with the contact points
// yet to acknowledge, alerts settled in the window, and the spread of
// narratives and techniques. Every object version it is made of is
// audited as disclosed.
func (db *DB) RASDashboard(ctx context.Context, actor secunion.Actor, decl access.Declaration, collection string, days int) (alerts.Dashboard, error) {
	var d alerts.Dashboard
	if days < 1 || days > MaxDashboardDays {
		return d, secunion.Errorf(secunion.Invalid, "days: 1 to %d", MaxDashboardDays)
	}
	v, err := db.readableView(ctx, actor, decl, collection)
	if err != nil {
		return d, err
	}
	types := append([]string{alerts.RASAlertType, alerts.RASAckType, "sighting"}, alerts.NarrativeTypes...)
	objs, err := db.readDisclosed(ctx, v, alerts.Filter{Types: types, Versions: []string{"last"}}, nil)
	if err != nil {
		return d, err
	}
	var in alerts.DashboardInput
	countries := map[string]string{}
	for _, x := range objs {
		o := x.Object
		switch {
		case o.Type == alerts.RASAlertType:
			if a, err := alerts.ReadAlert(o); err == nil {
				in.Alerts = append(in.Alerts, a)
			}
		case o.Type == alerts.RASAckType:
			if k, ok := alerts.ReadAck(o); ok {
				in.Acks = append(in.Acks, k)
			}
		case o.Type == "sighting":
			country, ok := countries[x.Origin]
			if !ok {
				a, err := db.Authority(ctx, x.Origin)
				if err == nil {
					country = a.Country
				}
				countries[x.Origin] = country
			}
			if s, ok := alerts.ReadSighting(o, country); ok {
				in.Sightings = append(in.Sightings, s)
			}
		default:
			if n, ok := alerts.ReadNarrative(o); ok {
				in.Narratives = append(in.Narratives, n)
			}
		}
	}
	if in.ContactPoints, err = db.contactPoints(ctx, v.Readers); err != nil {
		return d, err
	}
	d = alerts.BuildDashboard(in, db.clock.Now().Add(-time.Duration(days)*24*time.Hour))
	d.Collection = v.Collection.ID
	return d, db.auditDisclosure(ctx, actor, decl, v, "Rapid Alert System dashboard", objs)
}

// ReportIncident stores an incident report of actor's authority, a writer
// of collection: the incident, its indicators and their relationships,
// in one transaction. It returns the report's timeline.
func (db *DB) ReportIncident(ctx context.Context, actor secunion.Actor, decl access.Declaration, collection string, in alerts.IncidentInput, c alerts.Checker) (alerts.Timeline, error) {
	var t alerts.Timeline
	v, err := db.AlertView(ctx, actor, decl, collection)
	if err != nil {
		return t, err
	}
	if err := in.Validate(); err != nil {
		return t, err
	}
	r, err := db.raiser(ctx, actor)
	if err != nil {
		return t, err
	}
	raws, err := alerts.NewIncident(in, r, db.clock.Now())
	if err != nil {
		return t, err
	}
	objs, err := db.addRAS(ctx, actor, decl, v, c, raws...)
	if err != nil {
		return t, err
	}
	origins := make([]string, len(objs))
	for i := range origins {
		origins[i] = actor.Authority
	}
	return alerts.TimelineOf(objs[0].ID, objs, origins)
}

// UpdateIncident adds an update to incident id of collection, by a
// writer of it; a change of status is the reporting authority's. It
// returns the timeline.
func (db *DB) UpdateIncident(ctx context.Context, actor secunion.Actor, decl access.Declaration, collection, id string, in alerts.UpdateInput, c alerts.Checker) (alerts.Timeline, error) {
	var t alerts.Timeline
	v, err := db.readableView(ctx, actor, decl, collection)
	if err != nil {
		return t, err
	}
	if err := in.Validate(); err != nil {
		return t, err
	}
	objs, err := db.readDisclosed(ctx, v, alerts.Filter{IDs: []string{id}, Types: []string{"incident"}, Versions: []string{"last"}}, nil)
	if err != nil {
		return t, err
	}
	if len(objs) == 0 {
		return t, secunion.Errorf(secunion.NotFound, "no incident %s that you may read in this collection", secunion.Clip(id, 100))
	}
	r, err := db.raiser(ctx, actor)
	if err != nil {
		return t, err
	}
	raws, err := alerts.NewUpdate(objs[0].Object, in, r, db.clock.Now())
	if secunion.CodeOf(err) == secunion.Forbidden {
		return t, db.deny(ctx, actor, decl, "update incident "+id, secunion.MessageOf(err))
	}
	if err != nil {
		return t, err
	}
	if _, err := db.addRAS(ctx, actor, decl, v, c, raws...); err != nil {
		return t, err
	}
	return db.incidentTimeline(ctx, actor, decl, v, id)
}

// IncidentTimeline returns the timeline of incident id of collection, of
// what actor may see: its versions, updates, indicators and sightings in
// time order. The object versions it is made of are audited as
// disclosed.
func (db *DB) IncidentTimeline(ctx context.Context, actor secunion.Actor, decl access.Declaration, collection, id string) (alerts.Timeline, error) {
	v, err := db.readableView(ctx, actor, decl, collection)
	if err != nil {
		return alerts.Timeline{}, err
	}
	return db.incidentTimeline(ctx, actor, decl, v, id)
}

func (db *DB) incidentTimeline(ctx context.Context, actor secunion.Actor, decl access.Declaration, v HubView, id string) (alerts.Timeline, error) {
	var t alerts.Timeline
	if alerts.IDType(id) != "incident" {
		return t, secunion.Errorf(secunion.NotFound, "no incident %s that you may read in this collection", secunion.Clip(id, 100))
	}
	objs, err := db.readDisclosed(ctx, v, alerts.Filter{IDs: []string{id}, Versions: []string{"all"}}, nil)
	if err != nil {
		return t, err
	}
	if len(objs) == 0 {
		return t, secunion.Errorf(secunion.NotFound, "no incident %s that you may read in this collection", secunion.Clip(id, 100))
	}
	related := map[string]bool{id: true}
	var indicators []string
	rels, err := db.readDisclosed(ctx, v, alerts.Filter{Types: []string{"relationship", "note"}, Versions: []string{"last"}}, func(o alerts.Object) bool {
		if o.Type == "note" {
			refs, _ := o.Props["object_refs"].([]any)
			return slices.Contains(refs, any(id))
		}
		src, _ := o.Props["source_ref"].(string)
		if o.Props["relationship_type"] != "indicates" || o.Props["target_ref"] != id || alerts.IDType(src) != "indicator" {
			return false
		}
		related[src] = true
		indicators = append(indicators, src)
		return true
	})
	if err != nil {
		return t, err
	}
	objs = append(objs, rels...)
	for chunk := range slices.Chunk(indicators, 100) {
		inds, err := db.readDisclosed(ctx, v, alerts.Filter{IDs: chunk, Types: []string{"indicator"}, Versions: []string{"last"}}, nil)
		if err != nil {
			return t, err
		}
		objs = append(objs, inds...)
	}
	sightings, err := db.readDisclosed(ctx, v, alerts.Filter{Types: []string{"sighting"}, Versions: []string{"last"}}, func(o alerts.Object) bool {
		of, _ := o.Props["sighting_of_ref"].(string)
		return related[of]
	})
	if err != nil {
		return t, err
	}
	objs = append(objs, sightings...)
	list, origins := make([]alerts.Object, len(objs)), make([]string, len(objs))
	for i, o := range objs {
		list[i], origins[i] = o.Object, o.Origin
	}
	if t, err = alerts.TimelineOf(id, list, origins); err != nil {
		return t, err
	}
	return t, db.auditDisclosure(ctx, actor, decl, v, "timeline of "+id, objs)
}

// readableView returns collection as actor may use it, NotFound unless
// actor reads it.
func (db *DB) readableView(ctx context.Context, actor secunion.Actor, decl access.Declaration, collection string) (HubView, error) {
	v, err := db.AlertView(ctx, actor, decl, collection)
	if err == nil && !v.CanRead {
		err = secunion.Errorf(secunion.NotFound, "no collection %q", secunion.Clip(collection, 40))
	}
	return v, err
}

// rasActor refuses, audited, a caller that may not act on alerts: not a
// person of a contact point (access.CanAlertRAS), or not one of the
// collection's writers, whose objects acknowledgements and alerts are.
func (db *DB) rasActor(ctx context.Context, actor secunion.Actor, decl access.Declaration, v HubView, what string) error {
	what += " in collection " + v.Collection.ID
	if err := access.CanAlertRAS(actor); err != nil {
		return db.deny(ctx, actor, decl, what, secunion.MessageOf(err))
	}
	if !v.CanWrite {
		return db.deny(ctx, actor, decl, what, "your contact point is not a writer of this collection")
	}
	return nil
}

// raiser returns who actor is, as the objects it adds say.
func (db *DB) raiser(ctx context.Context, actor secunion.Actor) (alerts.Raiser, error) {
	a, err := db.Authority(ctx, actor.Authority)
	return alerts.Raiser{Authority: actor.Authority, Country: a.Country, User: actor.Login}, err
}

// contactPoints returns the members of g that are contact points of the
// Rapid Alert System.
func (db *DB) contactPoints(ctx context.Context, g alerts.Group) ([]string, error) {
	var out []string
	for _, m := range g.Members {
		a, err := db.Authority(ctx, m)
		if secunion.CodeOf(err) == secunion.NotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		if a.Kind == access.KindRASContact {
			out = append(out, m)
		}
	}
	return out, nil
}

// rasAlert reads alert id of v, as v's recipient may see it, and its
// acknowledgements by the collection's contact points (whose identifiers
// follow from theirs, so no other acknowledgement is read). It is audited.
func (db *DB) rasAlert(ctx context.Context, actor secunion.Actor, decl access.Declaration, v HubView, id string) (alerts.AlertState, alerts.Object, error) {
	var st alerts.AlertState
	notFound := secunion.Errorf(secunion.NotFound, "no alert %s that you may read in this collection", secunion.Clip(id, 100))
	if alerts.IDType(id) != alerts.RASAlertType {
		return st, alerts.Object{}, notFound
	}
	objs, err := db.readDisclosed(ctx, v, alerts.Filter{IDs: []string{id}, Types: []string{alerts.RASAlertType}, Versions: []string{"last"}}, nil)
	if err != nil {
		return st, alerts.Object{}, err
	}
	if len(objs) == 0 {
		return st, alerts.Object{}, notFound
	}
	a, err := alerts.ReadAlert(objs[0].Object)
	if err != nil {
		return st, alerts.Object{}, err
	}
	cps, err := db.contactPoints(ctx, v.Readers)
	if err != nil {
		return st, alerts.Object{}, err
	}
	var acks []alerts.Ack
	ids := make([]string, len(cps))
	for i, cp := range cps {
		ids[i] = alerts.AckID(id, cp)
	}
	for chunk := range slices.Chunk(ids, 100) {
		got, err := db.readDisclosed(ctx, v, alerts.Filter{IDs: chunk, Types: []string{alerts.RASAckType}, Versions: []string{"first"}}, nil)
		if err != nil {
			return st, alerts.Object{}, err
		}
		for _, x := range got {
			if k, ok := alerts.ReadAck(x.Object); ok && k.Alert == id {
				acks = append(acks, k)
			}
		}
		objs = append(objs, got...)
	}
	if err := db.auditDisclosure(ctx, actor, decl, v, "alert "+id, objs); err != nil {
		return st, alerts.Object{}, err
	}
	return alerts.StateOf(a, acks, cps), objs[0].Object, nil
}

// resolveTechniques finds the DISARM techniques refs names among the
// attack-patterns of the collections actor reads; those it finds are
// audited as disclosed.
func (db *DB) resolveTechniques(ctx context.Context, actor secunion.Actor, decl access.Declaration, refs []string) ([]alerts.Technique, error) {
	vs, err := db.VisibleCollections(ctx, actor, decl)
	if err != nil {
		return nil, err
	}
	var held []alerts.Technique
	used := map[string][]disclosed{}
	for _, v := range vs {
		if !v.CanRead {
			continue
		}
		objs, err := db.readDisclosed(ctx, v, alerts.Filter{Types: []string{"attack-pattern"}, Versions: []string{"last"}}, func(o alerts.Object) bool {
			t, ok := alerts.TechniqueOf(o)
			if ok && slices.ContainsFunc(refs, func(r string) bool { return r == t.ID || r == t.Ref }) {
				held = append(held, t)
				return true
			}
			return false
		})
		if err != nil {
			return nil, err
		}
		used[v.Collection.ID] = objs
	}
	techniques, err := alerts.ResolveTechniques(refs, held)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if err := db.auditDisclosure(ctx, actor, decl, v, "DISARM techniques of an alert", used[v.Collection.ID]); err != nil {
			return nil, err
		}
	}
	return techniques, nil
}

// checkNarratives checks that each of ids is a narrative of v that its
// recipient may read.
func (db *DB) checkNarratives(ctx context.Context, actor secunion.Actor, decl access.Declaration, v HubView, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	objs, err := db.readDisclosed(ctx, v, alerts.Filter{IDs: ids, Types: alerts.NarrativeTypes, Versions: []string{"last"}}, nil)
	if err != nil {
		return err
	}
	for i, id := range ids {
		if !slices.ContainsFunc(objs, func(x disclosed) bool { return x.Object.ID == id }) {
			return secunion.Errorf(secunion.Invalid, "narratives[%d]: no narrative %s that you may read in this collection", i, secunion.Clip(id, 100))
		}
	}
	return db.auditDisclosure(ctx, actor, decl, v, "narratives of an alert", objs)
}

// readDisclosed reads every object version of v that f selects and keep
// (when given) keeps, as v's recipient may receive them, page by page.
// It audits nothing: its callers audit what they pass on.
func (db *DB) readDisclosed(ctx context.Context, v HubView, f alerts.Filter, keep func(alerts.Object) bool) ([]disclosed, error) {
	f.Limit = alerts.MaxPage
	var out []disclosed
	for {
		page, objs, err := db.discloseAlerts(ctx, v, f, "")
		if err != nil {
			return nil, err
		}
		for _, x := range objs {
			if keep == nil || keep(x.Object) {
				out = append(out, x)
			}
		}
		if !page.More || page.Next == "" {
			return out, nil
		}
		if f.After, err = alerts.ParseCursor(page.Next); err != nil {
			return nil, err
		}
	}
}

// addRAS checks raws, objects the hub made for actor, and stores them in
// v; an object refused is the request's error.
func (db *DB) addRAS(ctx context.Context, actor secunion.Actor, decl access.Declaration, v HubView, c alerts.Checker, raws ...json.RawMessage) ([]alerts.Object, error) {
	checked := c.Batch(raws)
	if len(checked.Failures) > 0 {
		return nil, secunion.Errorf(secunion.Invalid, "%s", checked.Failures[0].Message)
	}
	st, err := db.AddAlertObjects(ctx, actor, decl, v, checked.Objects, nil)
	if err != nil {
		return nil, err
	}
	if st.FailureCount > 0 {
		return nil, secunion.Errorf(secunion.Conflict, "%s", st.Failures[0].Message)
	}
	return checked.Objects, nil
}
