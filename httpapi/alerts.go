package httpapi

import (
	"net/http"
	"strings"

	"secunion"
	"secunion/alerts"
	"secunion/store"
)

func (s *Server) listAlertGroups(w http.ResponseWriter, r *http.Request) {
	gs, err := s.cfg.DB.AlertGroups(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"groups": nonNil(gs)})
}

func (s *Server) putAlertGroup(w http.ResponseWriter, r *http.Request) {
	var g alerts.Group
	if !s.decode(w, r, &g) {
		return
	}
	if g.Name != "" && g.Name != r.PathValue("name") {
		writeError(w, r, secunion.Errorf(secunion.Invalid, "name: the body names %q, the path %q", secunion.Clip(g.Name, 64), secunion.Clip(r.PathValue("name"), 64)))
		return
	}
	g.Name = r.PathValue("name")
	g, err := s.cfg.DB.PutAlertGroup(r.Context(), actorOf(r), g)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, g)
}

func (s *Server) listAlertCollections(w http.ResponseWriter, r *http.Request) {
	cs, err := s.cfg.DB.AlertCollections(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"collections": nonNil(cs)})
}

func (s *Server) putAlertCollection(w http.ResponseWriter, r *http.Request) {
	var c alerts.Collection
	if !s.decode(w, r, &c) {
		return
	}
	c, err := s.cfg.DB.PutAlertCollection(r.Context(), actorOf(r), c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) listAgreements(w http.ResponseWriter, r *http.Request) {
	as, err := s.cfg.DB.Agreements(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"agreements": nonNil(as)})
}

func (s *Server) putAgreement(w http.ResponseWriter, r *http.Request) {
	var a alerts.Agreement
	if !s.decode(w, r, &a) {
		return
	}
	if a.ID != "" && a.ID != r.PathValue("id") {
		writeError(w, r, secunion.Errorf(secunion.Invalid, "id: the body names %q, the path %q", secunion.Clip(a.ID, 64), secunion.Clip(r.PathValue("id"), 64)))
		return
	}
	a.ID = r.PathValue("id")
	a, err := s.cfg.DB.PutAgreement(r.Context(), actorOf(r), a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// correlate answers which objects the caller may see hold a value. The
// value's kind is told from its form unless kind names it.
func (s *Server) correlate(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	text := q.Get("value")
	if strings.TrimSpace(text) == "" {
		writeError(w, r, secunion.Errorf(secunion.Invalid, "value: give the value to correlate"))
		return
	}
	var v alerts.Value
	var err error
	if kind := q.Get("kind"); kind != "" {
		v, err = alerts.NormalizeValue(kind, text)
	} else {
		v, err = alerts.ParseValue(text)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	limit, err := limitParam(r, 100, store.MaxMatches)
	if err != nil {
		writeError(w, r, err)
		return
	}
	decl, _ := declOf(r)
	c, err := s.cfg.DB.CorrelateAlerts(r.Context(), actorOf(r), decl, v, s.cfg.Warninglists, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// searchAlerts answers which objects the caller may see hold every word
// of q.
func (s *Server) searchAlerts(w http.ResponseWriter, r *http.Request) {
	terms, err := alerts.SearchTerms(r.URL.Query().Get("q"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	limit, err := limitParam(r, 100, store.MaxMatches)
	if err != nil {
		writeError(w, r, err)
		return
	}
	decl, _ := declOf(r)
	res, err := s.cfg.DB.SearchAlerts(r.Context(), actorOf(r), decl, terms, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// alertSchemas are the OpenAPI schemas of the alert hub: TAXII 2.1's
// resources and the hub's sharing scopes.
func alertSchemas() map[string]any {
	tlp := map[string]any{"type": "string", "enum": []string{"clear", "green", "amber", "amber+strict", "red"}}
	objects := map[string]any{"type": "array", "items": map[string]any{"type": "object", "description": "a STIX 2.1 object"}}
	detail := obj([]string{"id", "version"}, map[string]any{"id": str, "version": str, "message": str})
	details := map[string]any{"type": "array", "items": detail}
	collection := obj([]string{"id", "title", "can_read", "can_write", "media_types"}, map[string]any{"id": str, "title": str, "description": str,
		"can_read": boolean, "can_write": boolean, "media_types": strs})
	decay := obj([]string{"score", "base_score", "since", "expires", "expired"}, map[string]any{"score": number, "base_score": number,
		"since": when, "expires": when, "expired": boolean, "reason": str})
	matches := map[string]any{"type": "array", "items": obj(
		[]string{"collection", "id", "type", "version", "date_added", "object"}, map[string]any{"collection": str, "collection_title": str,
			"id": str, "type": str, "version": str, "date_added": str, "decay": decay,
			"object": map[string]any{"type": "object", "description": "the STIX object as the caller receives it"}})}
	return map[string]any{
		"TAXIIDiscovery":   obj([]string{"title", "api_roots"}, map[string]any{"title": str, "description": str, "default": str, "api_roots": strs}),
		"TAXIIAPIRoot":     obj([]string{"title", "versions", "max_content_length"}, map[string]any{"title": str, "versions": strs, "max_content_length": integer}),
		"TAXIICollection":  collection,
		"TAXIICollections": obj([]string{"collections"}, map[string]any{"collections": map[string]any{"type": "array", "items": collection}}),
		"TAXIIEnvelope":    obj([]string{"objects"}, map[string]any{"more": boolean, "next": str, "objects": objects}),
		"TAXIIVersions":    obj([]string{"versions"}, map[string]any{"more": boolean, "next": str, "versions": strs}),
		"TAXIIManifest": obj([]string{"objects"}, map[string]any{"more": boolean, "next": str, "objects": map[string]any{"type": "array", "items": obj(
			[]string{"id", "date_added", "version", "media_type"}, map[string]any{"id": str, "date_added": str, "version": str, "media_type": str})}}),
		"TAXIIStatus": obj([]string{"id", "status", "total_count", "success_count", "failure_count", "pending_count"}, map[string]any{"id": str, "status": str,
			"request_timestamp": str, "total_count": integer, "success_count": integer, "successes": details, "failure_count": integer,
			"failures": details, "pending_count": integer, "pendings": details}),
		"AlertGroup":     obj([]string{"members"}, map[string]any{"name": str, "description": str, "members": strs}),
		"AlertGroupList": list("groups", "AlertGroup"),
		"AlertCollection": obj([]string{"title", "readers", "writers"}, map[string]any{"id": str, "title": str, "description": str,
			"readers": str, "writers": str, "default_tlp": tlp}),
		"AlertCollectionList": list("collections", "AlertCollection"),
		"Agreement": obj([]string{"title", "partner", "purposes", "types", "max_tlp", "collections", "review"}, map[string]any{"id": str, "title": str,
			"partner": str, "purposes": strs, "types": strs, "max_tlp": tlp, "collections": strs, "onward_transfer": boolean, "review": when}),
		"AgreementList": list("agreements", "Agreement"),
		"Correlation": obj([]string{"value", "matches"}, map[string]any{"value": obj([]string{"kind", "value"}, map[string]any{"kind": str, "value": str}),
			"warninglist": str, "more": boolean, "matches": matches}),
		"AlertSearch": obj([]string{"terms", "matches"}, map[string]any{"terms": strs, "more": boolean, "partial": boolean, "matches": matches}),
	}
}
