package httpapi

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"

	"secunion"
	"secunion/access"
	"secunion/audit"
	"secunion/biometric"
	"secunion/identity"
)

// refuseImage answers a raw image sent where a template belongs — by its
// media type or its first bytes — with an error that says so, and reports
// whether it did. The body stays readable.
func refuseImage(w http.ResponseWriter, r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if strings.HasPrefix(mt, "image/") {
		writeError(w, r, secunion.Errorf(secunion.Invalid, "this is an image (%s): the biometric service stores templates only, never images; extract the template first", mt))
		return true
	}
	head := make([]byte, 16)
	n, _ := io.ReadFull(r.Body, head)
	head = head[:n]
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), r.Body), r.Body}
	if err := biometric.RefuseImage(head); err != nil {
		writeError(w, r, err)
		return true
	}
	return false
}

func (s *Server) putTemplate(w http.ResponseWriter, r *http.Request) {
	if refuseImage(w, r) {
		return
	}
	var t biometric.Template
	if !s.decode(w, r, &t) {
		return
	}
	id := r.PathValue("id")
	if t.ID == "" {
		t.ID = id
	}
	if t.ID != id {
		writeError(w, r, secunion.Errorf(secunion.Invalid, "the body names template %s but the path %s", t.ID, id))
		return
	}
	if sys, err := identity.ParseSystem(t.System); err == nil {
		t.System = sys
		if err := s.heldHere(sys); err != nil {
			writeError(w, r, err)
			return
		}
	}
	decl, prof := declOf(r)
	created, err := s.cfg.DB.PutTemplate(r.Context(), actorOf(r), decl, prof, t)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, createdStatus(created), templateInfo{ID: t.ID, System: t.System, RecordID: t.RecordID, Modality: t.Modality, Quality: t.Quality})
}

// templateInfo is a stored template as the API confirms it: the vector is
// never sent back.
type templateInfo struct {
	ID       string             `json:"id"`
	System   string             `json:"system"`
	RecordID string             `json:"record_id"`
	Modality biometric.Modality `json:"modality"`
	Quality  int                `json:"quality"`
}

func (s *Server) deleteTemplate(w http.ResponseWriter, r *http.Request) {
	decl, prof := declOf(r)
	if err := s.cfg.DB.DeleteTemplate(r.Context(), actorOf(r), decl, prof, r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// identifyRequest is a 1:N identification: a probe, how many candidates,
// and optionally which systems of the profile.
type identifyRequest struct {
	Modality biometric.Modality `json:"modality"`
	Vector   []float32          `json:"vector"`
	K        int                `json:"k,omitempty"` // candidates; 10 if zero
	Systems  []string           `json:"systems,omitempty"`
}

// verifyRequest is a 1:1 verification of a probe against one template.
type verifyRequest struct {
	Modality   biometric.Modality `json:"modality"`
	Vector     []float32          `json:"vector"`
	TemplateID string             `json:"template_id"`
}

type verifyResult struct {
	biometric.Match
	Threshold float32 `json:"threshold"`
	Same      bool    `json:"same"` // the score reaches the threshold
}

// biometricProfile returns the systems of the profile a biometric request
// may reach, refusing a profile that does not see biometrics.
func biometricProfile(r *http.Request, asked []string) ([]string, error) {
	decl, prof := declOf(r)
	if !slices.Contains(prof.Fields, access.FieldBiometrics) {
		return nil, secunion.Errorf(secunion.Forbidden, "purpose %s does not allow biometric searches", decl.Purpose)
	}
	if len(asked) == 0 {
		return prof.Systems, nil
	}
	var out []string
	for _, a := range asked {
		sys, err := identity.ParseSystem(a)
		if err != nil || !slices.Contains(prof.Systems, sys) {
			return nil, secunion.Errorf(secunion.Invalid, "unknown system %q", a)
		}
		out = append(out, sys)
	}
	return out, nil
}

// identify runs a 1:N identification over the templates of the systems
// the profile allows: the best k candidates at or above the modality's
// threshold, audited as a consultation before the answer leaves.
func (s *Server) identify(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Templates == nil {
		writeError(w, r, secunion.Errorf(secunion.Unavailable, "this node runs no biometric matching service"))
		return
	}
	if refuseImage(w, r) {
		return
	}
	var req identifyRequest
	if !s.decode(w, r, &req) {
		return
	}
	systems, err := biometricProfile(r, req.Systems)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if req.K == 0 {
		req.K = 10
	}
	probe := biometric.Template{Modality: req.Modality, Vector: req.Vector}
	matches, err := s.cfg.Templates.Identify(probe, req.K, systems...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if matches == nil {
		matches = []biometric.Match{}
	}
	objects := []string{}
	for _, sys := range systems {
		objects = append(objects, "system:"+sys)
	}
	decl, _ := declOf(r)
	actor := actorOf(r)
	err = s.cfg.DB.Append(r.Context(), audit.Entry{Authority: actor.Authority, User: actor.Login, Operation: audit.OpConsultation,
		Purpose: string(decl.Purpose), Justification: decl.Justification, Objects: objects, Recipients: decl.Recipients(),
		Categories: []string{access.FieldBiometrics}, Results: len(matches), Outcome: "ok", Detail: "biometric identification (" + string(req.Modality) + ")"})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"matches": matches, "threshold": biometric.Threshold(req.Modality)})
}

// verify compares a probe with one stored template of a system the profile
// allows (1:1), audited as a consultation of that template.
func (s *Server) verify(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Templates == nil {
		writeError(w, r, secunion.Errorf(secunion.Unavailable, "this node runs no biometric matching service"))
		return
	}
	if refuseImage(w, r) {
		return
	}
	var req verifyRequest
	if !s.decode(w, r, &req) {
		return
	}
	systems, err := biometricProfile(r, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m, err := s.cfg.Templates.Verify(biometric.Template{Modality: req.Modality, Vector: req.Vector}, req.TemplateID)
	if err == nil && !slices.Contains(systems, m.System) {
		// A template of a system outside the profile does not exist for
		// the caller.
		err = secunion.Errorf(secunion.NotFound, "no template %s", req.TemplateID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	decl, _ := declOf(r)
	actor := actorOf(r)
	err = s.cfg.DB.Append(r.Context(), audit.Entry{Authority: actor.Authority, User: actor.Login, Operation: audit.OpConsultation,
		Purpose: string(decl.Purpose), Justification: decl.Justification, Objects: []string{"template:" + m.ID, "record:" + m.System + "/" + m.RecordID},
		Recipients: decl.Recipients(), Categories: []string{access.FieldBiometrics}, Results: 1, Outcome: "ok", Detail: "biometric verification"})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	th := biometric.Threshold(req.Modality)
	writeJSON(w, http.StatusOK, verifyResult{Match: m, Threshold: th, Same: m.Score >= th})
}
