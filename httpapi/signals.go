package httpapi

import (
	"net/http"
	"strconv"

	"secunion"
	"secunion/access"
	"secunion/signals"
)

// canLookUp reports whether actor may look hashes up in the banks:
// hosting service providers (on upload), competent authorities for
// terrorist content and Europol.
func canLookUp(actor secunion.Actor) bool {
	switch access.Kind(actor.AuthorityKind) {
	case access.KindHostingProvider, access.KindTCOAuthority, access.KindEuropol:
		return true
	}
	return false
}

// signalLookup is the answer of a hash lookup.
type signalLookup struct {
	Algorithm signals.Algorithm `json:"algorithm"`
	Value     string            `json:"value"`
	Distance  int               `json:"distance"`
	Matches   []signals.Hit     `json:"matches"`
}

// lookupSignal answers whether a hash is in the enabled entries of the
// banks (HMA's lookup): for PDQ every entry within the distance (31 by
// default, at most 47), nearest first. Every lookup is counted, every
// match logged.
func (s *Server) lookupSignal(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Signals == nil {
		writeError(w, r, secunion.Errorf(secunion.Unavailable, "this node runs no hash matcher"))
		return
	}
	actor := actorOf(r)
	if !canLookUp(actor) {
		s.fail(w, r, secunion.Errorf(secunion.Forbidden, "hash lookups are for hosting service providers, competent authorities and Europol"))
		return
	}
	q := r.URL.Query()
	alg, err := signals.ParseAlgorithm(q.Get("algorithm"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	distance := signals.DefaultDistance
	if d := q.Get("distance"); d != "" {
		if distance, err = strconv.Atoi(d); err != nil {
			s.fail(w, r, secunion.Errorf(secunion.Invalid, "distance: give a whole number from 0 to %d", signals.MaxDistance))
			return
		}
	}
	value, err := alg.CheckValue(q.Get("value"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	hits, err := s.cfg.Signals.Lookup(alg, value, distance)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	outcome := "none"
	if len(hits) > 0 {
		outcome = "match"
		for _, h := range hits {
			s.log.Info("signals: match", "authority", actor.Authority, "algorithm", alg, "entry", h.Entry.ID, "bank", h.Entry.Bank, "distance", h.Distance)
		}
	}
	s.metrics.lookups.WithLabelValues(string(alg), outcome).Inc()
	if hits == nil {
		hits = []signals.Hit{}
	}
	writeJSON(w, http.StatusOK, signalLookup{Algorithm: alg, Value: value, Distance: distance, Matches: hits})
}

// signalIndex is the matcher's status (HMA's index status).
type signalIndex struct {
	Entries int `json:"entries"` // enabled entries held
}

// signalIndexStatus says how many enabled entries the matcher holds.
func (s *Server) signalIndexStatus(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Signals == nil {
		writeError(w, r, secunion.Errorf(secunion.Unavailable, "this node runs no hash matcher"))
		return
	}
	writeJSON(w, http.StatusOK, signalIndex{Entries: s.cfg.Signals.Len()})
}

// signalInput is a hash to add to a bank.
type signalInput struct {
	Algorithm string         `json:"algorithm"`
	Value     string         `json:"value"`
	Quality   int            `json:"quality"`
	Labels    signals.Labels `json:"labels"`
	Source    string         `json:"source"`
	SourceRef string         `json:"source_ref"`
}

// addSignal adds a hash to the bank named in the path (competent
// authorities and Europol): 201 with the new entry, or 200 with the one
// the bank already holds for that hash.
func (s *Server) addSignal(w http.ResponseWriter, r *http.Request) {
	var in signalInput
	if !s.decode(w, r, &in) {
		return
	}
	e, created, err := s.cfg.DB.AddSignal(r.Context(), actorOf(r), signals.Entry{Bank: r.PathValue("bank"), Algorithm: signals.Algorithm(in.Algorithm),
		Value: in.Value, Quality: in.Quality, Labels: in.Labels, Source: in.Source, SourceRef: in.SourceRef})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, createdStatus(created), e)
}

// setSignalEnabled enables or disables a bank entry (competent
// authorities and Europol); matchers follow within their next poll.
func (s *Server) setSignalEnabled(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Enabled *bool `json:"enabled"`
	}
	if !s.decode(w, r, &in) {
		return
	}
	if in.Enabled == nil {
		s.fail(w, r, secunion.Errorf(secunion.Invalid, "enabled: give true or false"))
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, secunion.Errorf(secunion.NotFound, "no such bank entry"))
		return
	}
	e, err := s.cfg.DB.SetSignalEnabled(r.Context(), actorOf(r), id, *in.Enabled)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

// maxSignalPage bounds a page of listed entries.
const maxSignalPage = 10_000

// listSignals lists bank entries numbered after `after`, in order, for
// those who may look hashes up: a page at a time, `next` giving the
// checkpoint of the following page.
func (s *Server) listSignals(w http.ResponseWriter, r *http.Request) {
	if !canLookUp(actorOf(r)) {
		s.fail(w, r, secunion.Errorf(secunion.Forbidden, "the hash banks are for hosting service providers, competent authorities and Europol"))
		return
	}
	q := r.URL.Query()
	after, limit := int64(0), 1000
	var err error
	if v := q.Get("after"); v != "" {
		if after, err = strconv.ParseInt(v, 10, 64); err != nil || after < 0 {
			s.fail(w, r, secunion.Errorf(secunion.Invalid, "after: give the number of the last entry read, or nothing"))
			return
		}
	}
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > maxSignalPage {
			s.fail(w, r, secunion.Errorf(secunion.Invalid, "limit: give 1 to %d", maxSignalPage))
			return
		}
	}
	es, err := s.cfg.DB.SignalsAfter(r.Context(), after, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	next := after
	if len(es) > 0 {
		next = es[len(es)-1].ID
	}
	if es == nil {
		es = []signals.Entry{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": es, "next": next})
}
