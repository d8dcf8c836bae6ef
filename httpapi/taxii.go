package httpapi

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strings"

	"secunion"
	"secunion/alerts"
	"secunion/store"
)

// TAXIIRoot is the hub's one TAXII 2.1 API root.
const TAXIIRoot = "/taxii2/hub/"

// taxiiAccepts reports whether the request's Accept allows TAXII 2.1
// answers (TAXII 2.1 §1.6.8.1: a server answers 406 otherwise). No
// Accept, */* and application/* allow them.
func taxiiAccepts(r *http.Request) bool {
	h := r.Header.Get("Accept")
	if h == "" {
		return true
	}
	for part := range strings.SplitSeq(h, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "*/*", "application/*":
			return true
		case "application/taxii+json":
			if v, ok := params["version"]; !ok || v == "2.1" {
				return true
			}
		}
	}
	return false
}

// writeTAXII answers v as TAXII 2.1 content.
func writeTAXII(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", alerts.MediaType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// taxii wraps a TAXII handler with the Accept check.
func (s *Server) taxii(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !taxiiAccepts(r) {
			writeError(w, r, errNotAcceptable)
			return
		}
		h(w, r)
	}
}

var errNotAcceptable = errors.New("not acceptable")

func (s *Server) taxiiDiscovery(w http.ResponseWriter, r *http.Request) {
	writeTAXII(w, http.StatusOK, map[string]any{
		"title":       "secunion alert-sharing hub",
		"description": "STIX 2.1 objects shared between the Union's authorities and partners under agreements; every disclosure is audited.",
		"default":     TAXIIRoot,
		"api_roots":   []string{TAXIIRoot},
	})
}

func (s *Server) taxiiAPIRoot(w http.ResponseWriter, r *http.Request) {
	writeTAXII(w, http.StatusOK, map[string]any{
		"title":              "Alert-sharing hub",
		"versions":           []string{alerts.MediaType},
		"max_content_length": s.cfg.MaxAlertBody,
	})
}

// taxiiCollection is a collection as TAXII describes it to a caller.
func taxiiCollection(v store.HubView) map[string]any {
	return map[string]any{"id": v.Collection.ID, "title": v.Collection.Title, "description": v.Collection.Description,
		"can_read": v.CanRead, "can_write": v.CanWrite, "media_types": []string{alerts.STIXMediaType}}
}

func (s *Server) taxiiCollections(w http.ResponseWriter, r *http.Request) {
	decl, _ := declOf(r)
	vs, err := s.cfg.DB.VisibleCollections(r.Context(), actorOf(r), decl)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cs := make([]map[string]any, len(vs))
	for i, v := range vs {
		cs[i] = taxiiCollection(v)
	}
	writeTAXII(w, http.StatusOK, map[string]any{"collections": cs})
}

// view returns the collection of the request as its caller may use it.
func (s *Server) view(w http.ResponseWriter, r *http.Request) (store.HubView, bool) {
	decl, _ := declOf(r)
	v, err := s.cfg.DB.AlertView(r.Context(), actorOf(r), decl, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return v, false
	}
	return v, true
}

func (s *Server) taxiiCollectionInfo(w http.ResponseWriter, r *http.Request) {
	if v, ok := s.view(w, r); ok {
		writeTAXII(w, http.StatusOK, taxiiCollection(v))
	}
}

// page reads the page a GET asks for, of the collection or (with id) of
// one object.
func (s *Server) page(w http.ResponseWriter, r *http.Request, id, defVersion string) (store.AlertPage, bool) {
	v, ok := s.view(w, r)
	if !ok {
		return store.AlertPage{}, false
	}
	f, err := alerts.ParseFilter(r.URL.Query(), defVersion)
	if err != nil {
		writeError(w, r, err)
		return store.AlertPage{}, false
	}
	decl, _ := declOf(r)
	p, err := s.cfg.DB.AlertObjects(r.Context(), actorOf(r), decl, v, f, id)
	if err != nil {
		s.fail(w, r, err)
		return p, false
	}
	if id != "" && len(p.Objects) == 0 && f.After == 0 {
		writeError(w, r, secunion.Errorf(secunion.NotFound, "no object %s that you may read in this collection", secunion.Clip(id, 100)))
		return p, false
	}
	if len(p.Objects) > 0 {
		w.Header().Set("X-TAXII-Date-Added-First", alerts.FormatTime(p.First))
		w.Header().Set("X-TAXII-Date-Added-Last", alerts.FormatTime(p.Last))
	}
	return p, true
}

func envelope(p store.AlertPage) alerts.Envelope {
	e := alerts.Envelope{More: p.More, Next: p.Next, Objects: p.Objects}
	if e.Objects == nil {
		e.Objects = []json.RawMessage{}
	}
	return e
}

func (s *Server) taxiiObjects(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.page(w, r, "", "last"); ok {
		writeTAXII(w, http.StatusOK, envelope(p))
	}
}

func (s *Server) taxiiObject(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.page(w, r, r.PathValue("object"), "last"); ok {
		writeTAXII(w, http.StatusOK, envelope(p))
	}
}

func (s *Server) taxiiVersions(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.page(w, r, r.PathValue("object"), "all"); ok {
		vs := make([]string, len(p.Manifest))
		for i, m := range p.Manifest {
			vs[i] = m.Version
		}
		writeTAXII(w, http.StatusOK, map[string]any{"more": p.More, "next": p.Next, "versions": vs})
	}
}

func (s *Server) taxiiManifest(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.page(w, r, "", "last"); ok {
		m := p.Manifest
		if m == nil {
			m = []alerts.ManifestRecord{}
		}
		writeTAXII(w, http.StatusOK, map[string]any{"more": p.More, "next": p.Next, "objects": m})
	}
}

// taxiiAdd takes a TAXII envelope (or a STIX bundle) of objects: each is
// parsed and checked on its own and stored or refused, and the answer is
// the status resource, complete (TAXII 2.1 §5.4, 202).
func (s *Server) taxiiAdd(w http.ResponseWriter, r *http.Request) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/taxii+json" || (params["version"] != "" && params["version"] != "2.1") {
		writeUnsupported(w, r, "send the objects as "+alerts.MediaType)
		return
	}
	v, ok := s.view(w, r)
	if !ok {
		return
	}
	body := &bodyReader{r: http.MaxBytesReader(w, r.Body, s.cfg.MaxAlertBody)}
	var raws []json.RawMessage
	err = alerts.ReadObjects(body, alerts.MaxEnvelope+1, func(chunk []json.RawMessage) error {
		raws = append(raws, chunk...)
		if len(raws) > alerts.MaxEnvelope {
			return secunion.Errorf(secunion.TooLarge, "objects: at most %d in one request; send the rest in another", alerts.MaxEnvelope)
		}
		return nil
	})
	switch {
	case body.err != nil:
		writeError(w, r, bodyError(body.err, "the envelope exceeds the API root's max_content_length", BodyTimeout))
		return
	case err != nil:
		writeError(w, r, err)
		return
	}
	decl, _ := declOf(r)
	checked := s.checker(r).Batch(raws)
	st, err := s.cfg.DB.AddAlertObjects(r.Context(), actorOf(r), decl, v, checked.Objects, checked.Failures)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeTAXII(w, http.StatusAccepted, st)
}

// checker returns the object checks of the hub, with the markings the
// store holds.
func (s *Server) checker(r *http.Request) alerts.Checker {
	return alerts.Checker{Schemas: s.cfg.Schemas, Marking: s.cfg.DB.MarkingHeld(r.Context())}
}

func (s *Server) taxiiDelete(w http.ResponseWriter, r *http.Request) {
	v, ok := s.view(w, r)
	if !ok {
		return
	}
	f, err := alerts.ParseFilter(r.URL.Query(), "all")
	if err != nil {
		writeError(w, r, err)
		return
	}
	decl, _ := declOf(r)
	if err := s.cfg.DB.DeleteAlertObject(r.Context(), actorOf(r), decl, v, f, r.PathValue("object")); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (s *Server) taxiiStatus(w http.ResponseWriter, r *http.Request) {
	st, err := s.cfg.DB.AlertStatus(r.Context(), actorOf(r), r.PathValue("status"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeTAXII(w, http.StatusOK, st)
}
