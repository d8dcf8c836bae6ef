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
	hits, err := s.cfg.Signals.Lookup(alg, q.Get("value"), distance)
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
	value, _ := alg.CheckValue(q.Get("value"))
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
