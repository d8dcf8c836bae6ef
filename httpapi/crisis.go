package httpapi

import (
	"fmt"
	"net/http"
	"strconv"

	"secunion"
	"secunion/crisis"
	"secunion/signals"
	"secunion/store"
)

// crisisSchemas are the OpenAPI schemas of the EU Crisis Protocol.
func crisisSchemas() map[string]any {
	states := make([]string, len(crisis.States))
	for i, st := range crisis.States {
		states[i] = string(st)
	}
	steps := make([]string, len(crisis.Steps))
	for i, a := range crisis.Steps {
		steps[i] = string(a)
	}
	state := map[string]any{"type": "string", "enum": states}
	labels := map[string]any{"type": "object", "additionalProperties": str}
	return map[string]any{
		"CrisisIncidentInput": obj([]string{"title", "description"}, map[string]any{
			"title":        map[string]any{"type": "string", "maxLength": crisis.MaxTitle},
			"description":  map[string]any{"type": "string", "minLength": 10, "maxLength": crisis.MaxText},
			"participants": map[string]any{"type": "array", "items": str, "maxItems": crisis.MaxParticipants, "description": "codes of further competent authorities and providers; the declaring authority and Europol take part anyway"}}),
		"CrisisIncident": obj([]string{"id", "title", "description", "state", "declared_by", "detected"}, map[string]any{
			"id": str, "title": str, "description": str, "state": state, "declared_by": str,
			"detected": when, "activated": when, "coordinated": when, "deactivated": when, "debriefed": when, "conclusions": str}),
		"CrisisIncidentList": list("incidents", "CrisisIncident"),
		"CrisisParticipant":  obj([]string{"authority", "kind", "added"}, map[string]any{"authority": str, "name": str, "kind": str, "country": str, "added": when, "added_by": str}),
		"CrisisEvent": obj([]string{"id", "incident", "at", "action", "actor"}, map[string]any{"id": integer, "incident": str, "at": when, "action": str, "actor": str,
			"from": state, "to": state, "note": str}),
		"CrisisTimelinePage": obj([]string{"events", "next"}, map[string]any{"events": map[string]any{"type": "array", "items": ref("CrisisEvent")},
			"next": map[string]any{"type": "integer", "description": "the before of the next page: the id of the oldest entry read"}}),
		"CrisisFigures": obj([]string{"hashes", "urls", "blocked", "per_provider"}, map[string]any{
			"first_hash":      when,
			"to_first_hash_s": map[string]any{"type": "number", "description": "seconds from activation to the first hash shared"},
			"hashes":          integer, "urls": integer, "blocked": integer,
			"per_provider": map[string]any{"type": "array", "items": obj([]string{"provider", "attempts"}, map[string]any{"provider": str, "attempts": integer})}}),
		"CrisisRoom": obj([]string{"incident", "bank", "role", "allowed", "participants", "timeline", "older", "figures", "recent"}, map[string]any{
			"incident": ref("CrisisIncident"), "bank": str,
			"role":         map[string]any{"type": "string", "enum": []string{string(crisis.Coordinator), string(crisis.Member)}},
			"allowed":      map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": steps}},
			"participants": map[string]any{"type": "array", "items": ref("CrisisParticipant")},
			"timeline":     map[string]any{"type": "array", "items": ref("CrisisEvent"), "description": fmt.Sprintf("the latest %d entries, oldest first", store.RoomTimeline)},
			"older":        map[string]any{"type": "integer", "description": "how many earlier timeline entries are not shown"},
			"figures":      ref("CrisisFigures"),
			"recent":       map[string]any{"type": "array", "items": ref("CrisisShared"), "description": fmt.Sprintf("the latest %d hashes and URLs shared, newest first", store.RecentShared)}}),
		"CrisisStep": obj([]string{"action"}, map[string]any{"action": map[string]any{"type": "string", "enum": steps},
			"text": map[string]any{"type": "string", "maxLength": crisis.MaxText, "description": "deactivate: the reason; debrief: the conclusions; note: the note"}}),
		"CrisisParticipantInput": obj([]string{"authority"}, map[string]any{"authority": str}),
		"CrisisHashInput": obj([]string{"algorithm", "value"}, map[string]any{"algorithm": str, "value": str, "quality": integer, "labels": labels,
			"note": map[string]any{"type": "string", "maxLength": crisis.MaxTitle}}),
		"CrisisURLInput": obj([]string{"url"}, map[string]any{"url": map[string]any{"type": "string", "maxLength": crisis.MaxURL},
			"note": map[string]any{"type": "string", "maxLength": crisis.MaxTitle}}),
		"CrisisShared": obj([]string{"seq", "incident", "kind", "value", "shared_by", "shared"}, map[string]any{"seq": integer, "incident": str,
			"kind": map[string]any{"type": "string", "enum": []string{crisis.KindHash, crisis.KindURL}}, "algorithm": str, "value": str,
			"entry": map[string]any{"type": "integer", "description": "the hash's entry in the incident's bank"}, "quality": integer, "labels": labels,
			"note": str, "shared_by": str, "shared": when}),
		"CrisisSharedPage": obj([]string{"items", "next"}, map[string]any{"items": map[string]any{"type": "array", "items": ref("CrisisShared")}, "next": integer}),
		"CrisisNotification": obj([]string{"id", "authority", "incident", "kind", "state", "at"}, map[string]any{"id": integer, "authority": str,
			"incident": str, "title": str, "kind": map[string]any{"type": "string", "enum": []string{crisis.NotifyDeclared, crisis.NotifyActivated, crisis.NotifyJoined}},
			"state": state, "at": when}),
		"CrisisNotificationPage": obj([]string{"notifications", "next"}, map[string]any{"notifications": map[string]any{"type": "array", "items": ref("CrisisNotification")}, "next": integer}),
	}
}

// declareIncident declares an incident.
func (s *Server) declareIncident(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Title        string   `json:"title"`
		Description  string   `json:"description"`
		Participants []string `json:"participants"`
	}
	if !s.decode(w, r, &in) {
		return
	}
	inc, err := s.cfg.DB.DeclareIncident(r.Context(), actorOf(r), crisis.Incident{Title: in.Title, Description: in.Description}, in.Participants)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, inc)
}

// listIncidents lists the caller's incidents.
func (s *Server) listIncidents(w http.ResponseWriter, r *http.Request) {
	list, err := s.cfg.DB.Incidents(r.Context(), actorOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if list == nil {
		list = []crisis.Incident{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"incidents": list})
}

// getIncident returns an incident's room.
func (s *Server) getIncident(w http.ResponseWriter, r *http.Request) {
	room, err := s.cfg.DB.IncidentRoom(r.Context(), actorOf(r), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if room.Allowed == nil {
		room.Allowed = []crisis.Action{}
	}
	writeJSON(w, http.StatusOK, room)
}

// timelineBefore pages back through an incident's timeline.
func (s *Server) timelineBefore(w http.ResponseWriter, r *http.Request) {
	before, limit, err := page(r, "before", store.RoomTimeline, 1000)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	events, err := s.cfg.DB.TimelineBefore(r.Context(), actorOf(r), r.PathValue("id"), before, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	next := before
	if len(events) > 0 {
		next = events[len(events)-1].ID
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": events, "next": next})
}

// stepIncident applies a step of the protocol.
func (s *Server) stepIncident(w http.ResponseWriter, r *http.Request) {
	var in crisis.Step
	if !s.decode(w, r, &in) {
		return
	}
	if in.Action == "" {
		s.fail(w, r, secunion.Errorf(secunion.Invalid, "action: give one of activate, coordinate, deactivate, debrief, note"))
		return
	}
	inc, err := s.cfg.DB.StepIncident(r.Context(), actorOf(r), r.PathValue("id"), crisis.Step{Action: in.Action, Text: in.Text})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, inc)
}

// addParticipant adds a participant.
func (s *Server) addParticipant(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Authority string `json:"authority"`
	}
	if !s.decode(w, r, &in) {
		return
	}
	if in.Authority == "" {
		s.fail(w, r, secunion.Errorf(secunion.Invalid, "authority: name the authority's code"))
		return
	}
	if err := s.cfg.DB.AddParticipant(r.Context(), actorOf(r), r.PathValue("id"), in.Authority); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// removeParticipant removes a participant.
func (s *Server) removeParticipant(w http.ResponseWriter, r *http.Request) {
	if err := s.cfg.DB.RemoveParticipant(r.Context(), actorOf(r), r.PathValue("id"), r.PathValue("code")); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// shareHash shares a hash in an incident.
func (s *Server) shareHash(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Algorithm string         `json:"algorithm"`
		Value     string         `json:"value"`
		Quality   int            `json:"quality"`
		Labels    signals.Labels `json:"labels"`
		Note      string         `json:"note"`
	}
	if !s.decode(w, r, &in) {
		return
	}
	item, created, err := s.cfg.DB.ShareHash(r.Context(), actorOf(r), r.PathValue("id"),
		signals.Entry{Algorithm: signals.Algorithm(in.Algorithm), Value: in.Value, Quality: in.Quality, Labels: in.Labels}, in.Note)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, createdStatus(created), item)
}

// shareURL shares a URL in an incident.
func (s *Server) shareURL(w http.ResponseWriter, r *http.Request) {
	var in struct {
		URL  string `json:"url"`
		Note string `json:"note"`
	}
	if !s.decode(w, r, &in) {
		return
	}
	item, created, err := s.cfg.DB.ShareURL(r.Context(), actorOf(r), r.PathValue("id"), in.URL, in.Note)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, createdStatus(created), item)
}

// checkpoint reads the after and limit parameters of a pull.
func checkpoint(r *http.Request, defLimit, maxLimit int) (int64, int, error) {
	return page(r, "after", defLimit, maxLimit)
}

// page reads the checkpoint parameter from (after, or before to page
// back) and limit of a page.
func page(r *http.Request, from string, defLimit, maxLimit int) (int64, int, error) {
	var at int64
	var err error
	if v := r.URL.Query().Get(from); v != "" {
		if at, err = strconv.ParseInt(v, 10, 64); err != nil || at < 0 {
			return 0, 0, secunion.Errorf(secunion.Invalid, "%s: give the number of the last item read, or nothing", from)
		}
	}
	limit, err := limitParam(r, defLimit, maxLimit)
	return at, limit, err
}

// limitParam reads the limit parameter: defLimit if absent.
func limitParam(r *http.Request, defLimit, maxLimit int) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return defLimit, nil
	}
	limit, err := strconv.Atoi(v)
	if err != nil || limit < 1 || limit > maxLimit {
		return 0, secunion.Errorf(secunion.Invalid, "limit: give 1 to %d", maxLimit)
	}
	return limit, nil
}

// sharedAfter is a participant's pull of an incident's hashes and URLs.
func (s *Server) sharedAfter(w http.ResponseWriter, r *http.Request) {
	after, limit, err := checkpoint(r, 1000, 10_000)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, err := s.cfg.DB.SharedAfter(r.Context(), actorOf(r), r.PathValue("id"), after, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	next := after
	if len(items) > 0 {
		next = items[len(items)-1].Seq
	}
	if items == nil {
		items = []crisis.Shared{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next": next})
}

// crisisNotifications is a participant's pull of its notifications.
func (s *Server) crisisNotifications(w http.ResponseWriter, r *http.Request) {
	after, limit, err := checkpoint(r, 100, 1000)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ns, err := s.cfg.DB.CrisisNotifications(r.Context(), actorOf(r), after, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	next := after
	if len(ns) > 0 {
		next = ns[len(ns)-1].ID
	}
	writeJSON(w, http.StatusOK, map[string]any{"notifications": ns, "next": next})
}
