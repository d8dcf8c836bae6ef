package httpapi

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"time"

	"secunion"
	"secunion/removal"
)

// complaintInput is a complaint as the provider records it.
type complaintInput struct {
	Text string `json:"text"`
}

// recordComplaint records a content provider's complaint about an order.
func (s *Server) recordComplaint(w http.ResponseWriter, r *http.Request) {
	var in complaintInput
	if !s.decode(w, r, &in) {
		return
	}
	c, err := s.cfg.DB.RecordComplaint(r.Context(), actorOf(r), r.PathValue("id"), in.Text)
	s.answer(w, r, http.StatusCreated, c, err)
}

// complaintDecision is the provider's decision on a complaint.
type complaintDecision struct {
	Upheld  bool   `json:"upheld"`
	Reasons string `json:"reasons"`
}

// decideComplaint records the provider's decision on a complaint.
func (s *Server) decideComplaint(w http.ResponseWriter, r *http.Request) {
	var in complaintDecision
	if !s.decode(w, r, &in) {
		return
	}
	c, err := s.cfg.DB.DecideComplaint(r.Context(), actorOf(r), r.PathValue("id"), in.Upheld, in.Reasons)
	s.answer(w, r, http.StatusOK, c, err)
}

// listComplaints lists the complaints about the caller's orders.
func (s *Server) listComplaints(w http.ResponseWriter, r *http.Request) {
	cs, err := s.cfg.DB.Complaints(r.Context(), actorOf(r))
	s.answer(w, r, http.StatusOK, map[string]any{"complaints": orEmpty(cs)}, err)
}

// referralInput is a referral from the EU IRU.
type referralInput struct {
	Provider string         `json:"provider"`
	Items    []removal.Item `json:"items"`
	Reasons  string         `json:"reasons"`
}

// refer records a referral.
func (s *Server) refer(w http.ResponseWriter, r *http.Request) {
	var in referralInput
	if !s.decode(w, r, &in) {
		return
	}
	ref, err := s.cfg.DB.Refer(r.Context(), actorOf(r), in.Provider, in.Items, in.Reasons)
	s.answer(w, r, http.StatusCreated, ref, err)
}

// assessmentInput is a provider's assessment of a referral.
type assessmentInput struct {
	Outcome removal.Outcome `json:"outcome"`
	Note    string          `json:"note"`
}

// assessReferral records a provider's assessment of a referral.
func (s *Server) assessReferral(w http.ResponseWriter, r *http.Request) {
	var in assessmentInput
	if !s.decode(w, r, &in) {
		return
	}
	ref, err := s.cfg.DB.AssessReferral(r.Context(), actorOf(r), r.PathValue("id"), in.Outcome, in.Note)
	s.answer(w, r, http.StatusOK, ref, err)
}

// listReferrals lists the caller's referrals with the removal rate.
func (s *Server) listReferrals(w http.ResponseWriter, r *http.Request) {
	rs, err := s.cfg.DB.Referrals(r.Context(), actorOf(r))
	assessed, removed := 0, 0
	for _, x := range rs {
		if !x.Assessed.IsZero() {
			assessed++
			if x.Outcome == removal.Taken {
				removed++
			}
		}
	}
	rate := 0.0
	if assessed > 0 {
		rate = float64(removed) / float64(assessed)
	}
	s.answer(w, r, http.StatusOK, map[string]any{"referrals": orEmpty(rs), "assessed": assessed, "removed": removed, "removal_rate": rate}, err)
}

// threatInput is a provider's report of an imminent threat to life.
type threatInput struct {
	States      []string       `json:"states"`
	Items       []removal.Item `json:"items"`
	Description string         `json:"description"`
}

// reportThreat records a threat report and passes it on at once.
func (s *Server) reportThreat(w http.ResponseWriter, r *http.Request) {
	var in threatInput
	if !s.decode(w, r, &in) {
		return
	}
	t, err := s.cfg.DB.ReportThreat(r.Context(), actorOf(r), in.States, in.Items, in.Description)
	s.answer(w, r, http.StatusCreated, t, err)
}

// listThreats lists the threat reports the caller receives.
func (s *Server) listThreats(w http.ResponseWriter, r *http.Request) {
	ts, err := s.cfg.DB.ThreatReports(r.Context(), actorOf(r))
	s.answer(w, r, http.StatusOK, map[string]any{"threat_reports": orEmpty(ts)}, err)
}

// listExposures gives every provider's standing under Art 5.
func (s *Server) listExposures(w http.ResponseWriter, r *http.Request) {
	xs, err := s.cfg.DB.Exposures(r.Context())
	s.answer(w, r, http.StatusOK, map[string]any{"providers": orEmpty(xs)}, err)
}

// exposureInput is a decision on a provider's exposure.
type exposureInput struct {
	Exposed bool   `json:"exposed"`
	Reasons string `json:"reasons"`
}

// decideExposure records a decision on a provider's exposure.
func (s *Server) decideExposure(w http.ResponseWriter, r *http.Request) {
	var in exposureInput
	if !s.decode(w, r, &in) {
		return
	}
	x, err := s.cfg.DB.DecideExposure(r.Context(), actorOf(r), r.PathValue("code"), in.Exposed, in.Reasons)
	s.answer(w, r, http.StatusOK, x, err)
}

// reportYear reads ?year=, the current year by default.
func reportYear(r *http.Request, now time.Time) (int, error) {
	v := r.URL.Query().Get("year")
	if v == "" {
		return now.Year(), nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 2022 || y > now.Year() {
		return 0, secunion.Errorf(secunion.Invalid, "year: give a year from 2022 (the Regulation applies since 7 June 2022) to %d", now.Year())
	}
	return y, nil
}

// providerTransparency answers a provider's yearly figures as JSON, or
// as CSV with ?format=csv.
func (s *Server) providerTransparency(w http.ResponseWriter, r *http.Request) {
	y, err := reportYear(r, s.cfg.DB.Clock().Now())
	if err != nil {
		writeError(w, r, err)
		return
	}
	rep, err := s.cfg.DB.ProviderReport(r.Context(), r.PathValue("code"), y)
	s.report(w, r, rep, err)
}

// authorityTransparency answers a competent authority's yearly figures.
func (s *Server) authorityTransparency(w http.ResponseWriter, r *http.Request) {
	y, err := reportYear(r, s.cfg.DB.Clock().Now())
	if err != nil {
		writeError(w, r, err)
		return
	}
	rep, err := s.cfg.DB.AuthorityReport(r.Context(), r.PathValue("code"), y)
	s.report(w, r, rep, err)
}

// report writes a transparency report as JSON or, with ?format=csv, as a
// CSV of figure and value rows.
func (s *Server) report(w http.ResponseWriter, r *http.Request, rep any, err error) {
	if err != nil {
		s.fail(w, r, err)
		return
	}
	switch r.URL.Query().Get("format") {
	case "", "json":
		writeJSON(w, http.StatusOK, rep)
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		cw := csv.NewWriter(w)
		cw.Write([]string{"figure", "value"})
		for _, row := range removal.Rows(rep) {
			cw.Write(row[:])
		}
		cw.Flush()
	default:
		writeError(w, r, secunion.Errorf(secunion.Invalid, "format: json or csv"))
	}
}

// orEmpty makes a nil list an empty one, for JSON.
func orEmpty[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// answer writes v with status, or the error.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, status, v)
}
