package httpapi

import (
	"net/http"
	"strconv"

	"secunion"
	"secunion/alerts"
	"secunion/store"
)

// The Rapid Alert System and cyber incident reports over the hub's
// collections: the path names the collection, which an administrator
// sets up as any other (readers and writers are the contact points, or
// the CSIRTs), so one node can keep several — a RAS per region, a
// national CSIRT's own — without configuration.

// defaultDashboardDays is the window of a dashboard when the query names
// none.
const defaultDashboardDays = 7

func (s *Server) rasDashboard(w http.ResponseWriter, r *http.Request) {
	days := defaultDashboardDays
	if v := r.URL.Query().Get("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > store.MaxDashboardDays {
			writeError(w, r, secunion.Errorf(secunion.Invalid, "days: give 1 to %d", store.MaxDashboardDays))
			return
		}
		days = n
	}
	decl, _ := declOf(r)
	d, err := s.cfg.DB.RASDashboard(r.Context(), actorOf(r), decl, r.PathValue("collection"), days)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (s *Server) raiseRASAlert(w http.ResponseWriter, r *http.Request) {
	var in alerts.AlertInput
	if !s.decode(w, r, &in) {
		return
	}
	decl, _ := declOf(r)
	st, err := s.cfg.DB.RaiseRASAlert(r.Context(), actorOf(r), decl, r.PathValue("collection"), in, s.checker(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, st)
}

func (s *Server) getRASAlert(w http.ResponseWriter, r *http.Request) {
	decl, _ := declOf(r)
	st, err := s.cfg.DB.RASAlert(r.Context(), actorOf(r), decl, r.PathValue("collection"), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (s *Server) acknowledgeRASAlert(w http.ResponseWriter, r *http.Request) {
	decl, _ := declOf(r)
	st, created, err := s.cfg.DB.AcknowledgeRASAlert(r.Context(), actorOf(r), decl, r.PathValue("collection"), r.PathValue("id"), s.checker(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, st)
}

// rasClose is the body of a closing.
type rasClose struct {
	Reason string `json:"reason"`
}

func (s *Server) closeRASAlert(w http.ResponseWriter, r *http.Request) {
	var in rasClose
	if !s.decode(w, r, &in) {
		return
	}
	decl, _ := declOf(r)
	st, err := s.cfg.DB.CloseRASAlert(r.Context(), actorOf(r), decl, r.PathValue("collection"), r.PathValue("id"), in.Reason, s.checker(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (s *Server) reportIncident(w http.ResponseWriter, r *http.Request) {
	var in alerts.IncidentInput
	if !s.decode(w, r, &in) {
		return
	}
	decl, _ := declOf(r)
	t, err := s.cfg.DB.ReportIncident(r.Context(), actorOf(r), decl, r.PathValue("collection"), in, s.checker(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, t)
}

func (s *Server) updateIncident(w http.ResponseWriter, r *http.Request) {
	var in alerts.UpdateInput
	if !s.decode(w, r, &in) {
		return
	}
	decl, _ := declOf(r)
	t, err := s.cfg.DB.UpdateIncident(r.Context(), actorOf(r), decl, r.PathValue("collection"), r.PathValue("id"), in, s.checker(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, t)
}

func (s *Server) incidentTimeline(w http.ResponseWriter, r *http.Request) {
	decl, _ := declOf(r)
	t, err := s.cfg.DB.IncidentTimeline(r.Context(), actorOf(r), decl, r.PathValue("collection"), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// rasSchemas are the OpenAPI schemas of the Rapid Alert System and of
// incident reports.
func rasSchemas() map[string]any {
	tlp := map[string]any{"type": "string", "enum": []string{"clear", "green", "amber", "amber+strict", "red"}}
	technique := obj([]string{"ref", "id", "name"}, map[string]any{"ref": str, "id": str, "name": str})
	ack := obj([]string{"id", "alert", "contact_point", "at"}, map[string]any{"id": str, "alert": str, "contact_point": str, "user": str, "at": when})
	state := obj([]string{"id", "title", "threshold", "justification", "techniques", "raised_by", "raised", "tlp", "status", "acknowledged", "outstanding"}, map[string]any{
		"id": str, "title": str, "description": str, "threshold": str, "justification": str,
		"techniques": map[string]any{"type": "array", "items": technique}, "narratives": strs, "raised_by": str, "raised_by_user": str,
		"member_state": str, "raised": when, "modified": when, "tlp": tlp, "closed": boolean, "closed_reason": str,
		"status":       map[string]any{"type": "string", "enum": []string{alerts.AlertOpen, alerts.AlertAcknowledged, alerts.AlertClosed}},
		"acknowledged": map[string]any{"type": "array", "items": ack}, "outstanding": strs})
	spread := obj([]string{"ref", "name", "states", "alerts", "sightings"}, map[string]any{"ref": str, "id": str, "name": str, "states": strs,
		"alerts": integer, "sightings": integer, "last": when})
	spreads := map[string]any{"type": "array", "items": spread}
	states := map[string]any{"type": "array", "items": state}
	ioc := obj([]string{"pattern"}, map[string]any{"pattern": map[string]any{"type": "string", "description": "a STIX 2.1 pattern, e.g. [ipv4-addr:value = '198.51.100.7']"},
		"name": str, "description": str})
	iocs := map[string]any{"type": "array", "items": ioc}
	entry := obj([]string{"at", "kind", "object"}, map[string]any{"at": when,
		"kind":   map[string]any{"type": "string", "enum": []string{"reported", "version", "update", "indicator", "sighting"}},
		"object": str, "authority": str, "text": str, "status": str, "pattern": str, "count": integer})
	return map[string]any{
		"RASAlertInput": obj([]string{"title", "threshold", "justification", "techniques"}, map[string]any{"title": str, "description": str,
			"threshold":     map[string]any{"type": "string", "enum": []string{alerts.Threshold}},
			"justification": str, "techniques": map[string]any{"type": "array", "items": str, "description": "DISARM ids (T0049) or attack-pattern identifiers"},
			"narratives": map[string]any{"type": "array", "items": str, "description": "identifiers of campaign or x-narrative objects of the collection"},
			"tlp":        map[string]any{"type": "string", "enum": []string{"clear", "green", "amber", "amber+strict"}}}),
		"RASAlert": state,
		"RASClose": obj([]string{"reason"}, map[string]any{"reason": str}),
		"RASDashboard": obj([]string{"collection", "since", "open", "settled", "narratives", "techniques"}, map[string]any{"collection": str, "since": when,
			"open": states, "settled": states, "narratives": spreads, "techniques": spreads}),
		"IncidentInput": obj([]string{"title", "tlp", "sectors"}, map[string]any{"title": str, "description": str, "tlp": tlp,
			"sectors": map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": alerts.NIS2Sectors}}, "iocs": iocs}),
		"IncidentUpdate": obj([]string{"text"}, map[string]any{"text": str, "iocs": iocs,
			"status": map[string]any{"type": "string", "enum": alerts.IncidentStatuses}}),
		"IncidentTimeline": obj([]string{"incident", "entries"}, map[string]any{
			"incident": obj([]string{"id", "title", "tlp", "sectors", "status", "reported_by", "reported"}, map[string]any{"id": str, "title": str,
				"description": str, "tlp": tlp, "sectors": strs, "status": str, "reported_by": str, "member_state": str, "reported": when, "modified": when,
				"indicators": strs}),
			"entries": map[string]any{"type": "array", "items": entry}}),
	}
}
