package httpapi

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"secunion"
	"secunion/access"
	"secunion/audit"
	"secunion/store"
)

type status struct {
	Status  string `json:"status"`
	Version string `json:"version,omitempty"`
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, status{Status: "ok", Version: s.cfg.Version})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if err := s.cfg.DB.Ping(r.Context()); err != nil {
		s.fail(w, r, secunion.Wrap(secunion.Unavailable, err, "the database does not answer"))
		return
	}
	writeJSON(w, http.StatusOK, status{Status: "ready", Version: s.cfg.Version})
}

type me struct {
	User      access.User      `json:"user"`
	Authority access.Authority `json:"authority"`
	Profiles  []access.Profile `json:"profiles"`
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	u, err := s.cfg.DB.User(r.Context(), a.Login)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	auth, err := s.cfg.DB.Authority(r.Context(), a.Authority)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, me{User: u, Authority: auth, Profiles: nonNil(access.ProfilesFor(auth.Kind))})
}

type purposeInfo struct {
	Name               secunion.Purpose `json:"name"`
	NeedsJustification bool             `json:"needs_justification"`
}

func (s *Server) purposes(w http.ResponseWriter, r *http.Request) {
	out := make([]purposeInfo, len(secunion.Purposes))
	for i, p := range secunion.Purposes {
		out[i] = purposeInfo{p, p.NeedsJustification()}
	}
	writeJSON(w, http.StatusOK, map[string]any{"purposes": out})
}

func (s *Server) profiles(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"profiles": access.Profiles})
}

func (s *Server) listAuthorities(w http.ResponseWriter, r *http.Request) {
	as, err := s.cfg.DB.Authorities(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"authorities": nonNil(as)})
}

type authorityInput struct {
	Code    string      `json:"code"`
	Name    string      `json:"name"`
	Country string      `json:"country"`
	Kind    access.Kind `json:"kind"`
}

func (s *Server) createAuthority(w http.ResponseWriter, r *http.Request) {
	var in authorityInput
	if !s.decode(w, r, &in) {
		return
	}
	a, err := s.cfg.DB.CreateAuthority(r.Context(), actorOf(r), access.Authority{Code: in.Code, Name: in.Name, Country: in.Country, Kind: in.Kind})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, a)
}

func (s *Server) getAuthority(w http.ResponseWriter, r *http.Request) {
	a, err := s.cfg.DB.Authority(r.Context(), r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	decl, _ := declOf(r)
	authority := r.URL.Query().Get("authority")
	if authority == "" && !access.CanManageAuthorities(a) {
		authority = a.Authority
	}
	us, err := s.cfg.DB.ListUsers(r.Context(), a, decl, authority)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": nonNil(us)})
}

type userInput struct {
	Login     string   `json:"login"`
	Name      string   `json:"name"`
	Authority string   `json:"authority"`
	Roles     []string `json:"roles"`
}

// newUser is a user as created, with the enrolment code to pass on.
type newUser struct {
	access.User
	Enrolment access.Enrolment `json:"enrolment"`
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	var in userInput
	if !s.decode(w, r, &in) {
		return
	}
	u, e, err := s.cfg.DB.InviteUser(r.Context(), actorOf(r), access.User{Login: in.Login, Name: in.Name, Authority: in.Authority, Roles: in.Roles})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, newUser{User: u, Enrolment: e})
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) {
	decl, _ := declOf(r)
	u, err := s.cfg.DB.ReadUser(r.Context(), actorOf(r), decl, r.PathValue("login"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}

func (s *Server) disableUser(w http.ResponseWriter, r *http.Request) {
	s.setDisabled(w, r, true)
}

func (s *Server) enableUser(w http.ResponseWriter, r *http.Request) {
	s.setDisabled(w, r, false)
}

func (s *Server) setDisabled(w http.ResponseWriter, r *http.Request, disabled bool) {
	if err := s.cfg.DB.SetDisabled(r.Context(), actorOf(r), r.PathValue("login"), disabled); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) reissueEnrolment(w http.ResponseWriter, r *http.Request) {
	e, err := s.cfg.DB.ReissueEnrolment(r.Context(), actorOf(r), r.PathValue("login"))
	s.answer(w, r, http.StatusOK, e, err)
}

// enrolInput is what a new user sends to set their password.
type enrolInput struct {
	Code     string `json:"code"`
	Password string `json:"password"`
}

// enrol sets a new user's password from their enrolment code. Bad codes
// are throttled per address like bad tokens.
func (s *Server) enrol(w http.ResponseWriter, r *http.Request) {
	var in enrolInput
	if !s.decode(w, r, &in) {
		return
	}
	host := RemoteHost(r)
	key := "enrol:" + host
	now := s.cfg.DB.Clock().Now()
	if wait := s.throttle.Begin(now, key); wait > 0 {
		e := secunion.Errorf(secunion.RateLimited, "too many bad enrolment codes from your address: wait %d seconds", seconds(wait))
		e.RetryAfter = wait
		writeError(w, r, e)
		return
	}
	u, err := s.cfg.DB.Enrol(r.Context(), strings.TrimSpace(in.Code), in.Password, host)
	if secunion.CodeOf(err) != secunion.Unauthenticated {
		s.throttle.Forgive(key) // only bad codes count
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("user enrolled", "user", u.Login, "authority", u.Authority)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	login := r.URL.Query().Get("user")
	if login == "" {
		login = a.Login
	}
	if login != a.Login {
		u, err := s.cfg.DB.User(r.Context(), login)
		if err == nil && !access.CanAdminister(a, u.Authority) {
			if err := s.cfg.DB.RecordDenial(r.Context(), a, access.Declaration{}, "list tokens of "+login, "not an admin of the user's authority"); err != nil {
				s.fail(w, r, err)
				return
			}
			err = secunion.Errorf(secunion.NotFound, "no user %s", login) // as if absent
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	ts, err := s.cfg.DB.Tokens(r.Context(), login)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": nonNil(ts)})
}

type tokenInput struct {
	User         string `json:"user,omitempty"`
	Name         string `json:"name"`
	LifetimeDays int    `json:"lifetime_days,omitempty"`
}

type newToken struct {
	access.Token
	Secret string `json:"token"`
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	var in tokenInput
	if !s.decode(w, r, &in) {
		return
	}
	a := actorOf(r)
	if in.User == "" {
		in.User = a.Login
	}
	if in.LifetimeDays < 0 || in.LifetimeDays > 366 {
		writeError(w, r, secunion.Errorf(secunion.Invalid, "lifetime_days: between 1 and 366"))
		return
	}
	secret, t, err := s.cfg.DB.CreateToken(r.Context(), a, in.User, in.Name, time.Duration(in.LifetimeDays)*24*time.Hour)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, newToken{Token: t, Secret: secret})
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	if err := s.cfg.DB.RevokeToken(r.Context(), actorOf(r), r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type checkpointOut struct {
	Note        string    `json:"note"`
	Origin      string    `json:"origin"`
	Size        uint64    `json:"size"`
	Root        string    `json:"root"` // standard base64, as in the note
	Time        time.Time `json:"time"`
	VerifierKey string    `json:"verifier_key"`
}

func (s *Server) writeCheckpoint(w http.ResponseWriter, r *http.Request, text string) {
	cp, err := audit.OpenCheckpoint(text, s.cfg.Verifier)
	if err != nil {
		s.fail(w, r, secunion.Wrap(secunion.Internal, err, "a stored checkpoint does not verify: run secunion audit verify"))
		return
	}
	writeJSON(w, http.StatusOK, checkpointOut{Note: text, Origin: cp.Origin, Size: cp.Size,
		Root: base64.StdEncoding.EncodeToString(cp.Root[:]), Time: cp.Time, VerifierKey: s.cfg.VerifierKey})
}

func (s *Server) latestCheckpoint(w http.ResponseWriter, r *http.Request) {
	text, _, err := s.cfg.DB.LatestCheckpoint(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if text == "" {
		writeError(w, r, secunion.Errorf(secunion.NotFound, "no checkpoint has been signed yet"))
		return
	}
	s.writeCheckpoint(w, r, text)
}

func (s *Server) checkpointOfSize(w http.ResponseWriter, r *http.Request) {
	size, err := uintParam(r.PathValue("size"), "size")
	if err != nil {
		writeError(w, r, err)
		return
	}
	text, err := s.cfg.DB.Checkpoint(r.Context(), size)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeCheckpoint(w, r, text)
}

type proofOut struct {
	Hashes []string `json:"hashes"` // standard base64, from the leaf (or smaller tree) upwards
}

func proofBody(p [][32]byte) proofOut {
	out := proofOut{Hashes: make([]string, len(p))}
	for i, h := range p {
		out.Hashes[i] = base64.StdEncoding.EncodeToString(h[:])
	}
	return out
}

func uintParam(v, name string) (uint64, error) {
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, secunion.Errorf(secunion.Invalid, "%s: give a non-negative integer", name)
	}
	return n, nil
}

func (s *Server) inclusionProof(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	seq, err := uintParam(q.Get("seq"), "seq")
	if err != nil {
		writeError(w, r, err)
		return
	}
	size, err := uintParam(q.Get("size"), "size")
	if err != nil {
		writeError(w, r, err)
		return
	}
	p, err := s.cfg.DB.InclusionProof(r.Context(), seq, size)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, proofBody(p))
}

func (s *Server) consistencyProof(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	from, err := uintParam(q.Get("from"), "from")
	if err != nil {
		writeError(w, r, err)
		return
	}
	to, err := uintParam(q.Get("to"), "to")
	if err != nil {
		writeError(w, r, err)
		return
	}
	p, err := s.cfg.DB.ConsistencyProof(r.Context(), from, to)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, proofBody(p))
}

type auditFilter struct {
	Authority string    `json:"authority,omitempty"`
	User      string    `json:"user,omitempty"`
	Operation string    `json:"operation,omitempty"`
	Purpose   string    `json:"purpose,omitempty"`
	From      time.Time `json:"from,omitzero"`
	To        time.Time `json:"to,omitzero"`
	Value     string    `json:"value,omitempty"`
	Before    uint64    `json:"before,omitempty"`
	Limit     int       `json:"limit,omitempty"`
}

type auditEntryOut struct {
	audit.Entry
	LeafHash string `json:"leaf_hash"` // standard base64 RFC 6962 leaf hash, for inclusion proofs
}

func (s *Server) searchAudit(w http.ResponseWriter, r *http.Request) {
	var in auditFilter
	if !s.decode(w, r, &in) {
		return
	}
	if in.Limit < 0 || in.Limit > store.MaxAuditPage {
		writeError(w, r, secunion.Errorf(secunion.Invalid, "limit: between 1 and %d", store.MaxAuditPage))
		return
	}
	decl, _ := declOf(r)
	entries, err := s.cfg.DB.SearchAudit(r.Context(), actorOf(r), decl, store.AuditFilter(in))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]auditEntryOut, len(entries))
	for i, e := range entries {
		h := e.LeafHash()
		out[i] = auditEntryOut{Entry: e, LeafHash: base64.StdEncoding.EncodeToString(h[:])}
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": out})
}

type verifyOut struct {
	Intact      bool   `json:"intact"`
	Entries     uint64 `json:"entries"`
	Checkpoints int    `json:"checkpoints"`
	LatestSize  uint64 `json:"latest_checkpoint_size,omitempty"`
	FirstBad    *int64 `json:"first_bad_entry,omitempty"`
	Problem     string `json:"problem,omitempty"`
}

func (s *Server) verifyAudit(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	rep, err := s.cfg.DB.VerifyAuditAs(r.Context(), a, s.cfg.Verifier)
	out := verifyOut{Intact: err == nil, Entries: rep.Entries, Checkpoints: rep.Checkpoints}
	if rep.Latest != nil {
		out.LatestSize = rep.Latest.Size
	}
	var f *audit.Failure
	if errors.As(err, &f) {
		seq := int64(f.Seq)
		out.FirstBad, out.Problem = &seq, f.Error()
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// nonNil makes empty lists encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
