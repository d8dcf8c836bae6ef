package httpapi

import (
	"net/http"
	"strconv"

	"secunion"
	"secunion/links"
)

// linkQueue lists the yellow links the caller's authority is to verify,
// oldest first.
func (s *Server) linkQueue(w http.ResponseWriter, r *http.Request) {
	limit := 100
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			writeError(w, r, secunion.Errorf(secunion.Invalid, "limit: give 1 to 1000"))
			return
		}
		limit = n
	}
	q, err := s.cfg.DB.LinkQueue(r.Context(), actorOf(r), limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if q == nil {
		q = []links.Link{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"links": q})
}

// compareLink shows a link and the linked data of its records to its
// verifier; audited as consultation.
func (s *Server) compareLink(w http.ResponseWriter, r *http.Request) {
	decl, prof := declOf(r)
	c, err := s.cfg.DB.CompareLink(r.Context(), actorOf(r), decl, prof, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// decisionInput is a verifier's decision.
type decisionInput struct {
	Colour links.Colour `json:"colour"`
	Reason string       `json:"reason"`
}

// decideLink records the verifier's decision on a yellow link.
func (s *Server) decideLink(w http.ResponseWriter, r *http.Request) {
	var in decisionInput
	if !s.decode(w, r, &in) {
		return
	}
	decl, _ := declOf(r)
	l, err := s.cfg.DB.DecideLink(r.Context(), actorOf(r), decl, r.PathValue("id"), in.Colour, in.Reason)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, l)
}

// linkStats answers the detector's anonymous figures.
func (s *Server) linkStats(w http.ResponseWriter, r *http.Request) {
	st, err := s.cfg.DB.LinkStats(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}
