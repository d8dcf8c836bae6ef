package httpapi

import (
	"net/http"

	"secunion"
	"secunion/identity"
)

type systemInfo struct {
	Name  string `json:"name"`
	InCIR bool   `json:"in_cir"`
}

func (s *Server) listSystems(w http.ResponseWriter, r *http.Request) {
	_, prof := declOf(r)
	out := []systemInfo{}
	for _, sys := range identity.Systems {
		for _, p := range prof.Systems {
			if p == sys {
				out = append(out, systemInfo{Name: sys, InCIR: identity.InCIR(sys)})
			}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"systems": out})
}

// recordPath returns the system and record ID of a records route.
func recordPath(r *http.Request) (string, string, error) {
	sys, err := identity.ParseSystem(r.PathValue("system"))
	return sys, r.PathValue("id"), err
}

// heldHere refuses a write to a system this node sends to another node:
// there it would be stored where no search reads it.
func (s *Server) heldHere(system string) error {
	if s.cfg.Portal != nil && s.cfg.Portal.Remote(system) {
		return secunion.Errorf(secunion.Conflict, "%s is held by another node: write its records there", system)
	}
	return nil
}

func (s *Server) putRecord(w http.ResponseWriter, r *http.Request) {
	sys, id, err := recordPath(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	var rec identity.Record
	if !s.decode(w, r, &rec) {
		return
	}
	if rec.System == "" {
		rec.System = sys
	}
	if rec.ID == "" {
		rec.ID = id
	}
	if rec.System != sys || rec.ID != id {
		writeError(w, r, secunion.Errorf(secunion.Invalid, "the body names %s/%s but the path %s/%s", rec.System, rec.ID, sys, id))
		return
	}
	if err := s.heldHere(sys); err != nil {
		writeError(w, r, err)
		return
	}
	decl, prof := declOf(r)
	stored, created, err := s.cfg.DB.PutRecord(r.Context(), actorOf(r), decl, prof, rec)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, createdStatus(created), stored)
}

func (s *Server) getRecord(w http.ResponseWriter, r *http.Request) {
	sys, id, err := recordPath(r)
	if err != nil {
		writeError(w, r, secunion.Errorf(secunion.NotFound, "no such system"))
		return
	}
	decl, prof := declOf(r)
	var rec identity.Record
	if s.cfg.Portal != nil && s.cfg.Portal.Remote(sys) {
		rec, err = s.cfg.Portal.Record(r.Context(), actorOf(r), decl, prof, sys, id)
	} else {
		rec, err = s.cfg.DB.GetRecord(r.Context(), actorOf(r), decl, prof, sys, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rec)
}

func (s *Server) deleteRecord(w http.ResponseWriter, r *http.Request) {
	sys, id, err := recordPath(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if err := s.heldHere(sys); err != nil {
		writeError(w, r, err)
		return
	}
	decl, prof := declOf(r)
	if err := s.cfg.DB.DeleteRecord(r.Context(), actorOf(r), decl, prof, sys, id); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// systemStatus says whether a source system of the caller's profile
// answers. A system outside the profile is answered as if it did not exist.
func (s *Server) systemStatus(w http.ResponseWriter, r *http.Request) {
	sys, err := identity.ParseSystem(r.PathValue("system"))
	if err != nil {
		writeError(w, r, secunion.Errorf(secunion.NotFound, "no such system"))
		return
	}
	if s.cfg.Portal == nil {
		writeError(w, r, secunion.Errorf(secunion.Unavailable, "this node runs no search portal"))
		return
	}
	decl, prof := declOf(r)
	st, err := s.cfg.Portal.Status(r.Context(), actorOf(r), decl, prof, sys)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}
