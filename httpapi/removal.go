package httpapi

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"secunion"
	"secunion/removal"
	"secunion/signals"
	"secunion/store"
)

// providerInput is a provider as registered: its contact point's secret
// is accepted here and never shown again.
type providerInput struct {
	Name                string `json:"name"`
	State               string `json:"state"`
	LegalRepresentative string `json:"legal_representative"`
	OutsideUnion        bool   `json:"outside_union"`
	Webhook             string `json:"webhook"`
	Secret              string `json:"secret"`
	Phone               string `json:"phone"`
}

// putProvider registers a hosting service provider or changes its contact
// point.
func (s *Server) putProvider(w http.ResponseWriter, r *http.Request) {
	var in providerInput
	if !s.decode(w, r, &in) {
		return
	}
	p, err := s.cfg.DB.PutProvider(r.Context(), actorOf(r), removal.Provider{Code: r.PathValue("code"), Name: in.Name, State: in.State,
		LegalRepresentative: in.LegalRepresentative, OutsideUnion: in.OutsideUnion,
		Contact: removal.ContactPoint{Webhook: in.Webhook, Secret: in.Secret, Phone: in.Phone}})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// listProviders lists the registered providers.
func (s *Server) listProviders(w http.ResponseWriter, r *http.Request) {
	ps, err := s.cfg.DB.Providers(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if ps == nil {
		ps = []removal.Provider{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"providers": ps})
}

// sendProcedureInfo records that the caller's authority sent a provider
// its information on procedures and deadlines.
func (s *Server) sendProcedureInfo(w http.ResponseWriter, r *http.Request) {
	at, err := s.cfg.DB.SendProcedureInfo(r.Context(), actorOf(r), r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"provider": r.PathValue("code"), "sent": at, "first_order_from": at.Add(removal.NoticeLead)})
}

// orderInput is what an issuer writes of an order (Annex I); the rest is
// the node's to set, so a body naming it is refused as unknown.
type orderInput struct {
	Reference              string           `json:"reference"`
	Provider               string           `json:"provider"`
	Items                  []removal.Item   `json:"items"`
	Category               removal.Category `json:"category"`
	Reasons                string           `json:"reasons"`
	Redress                string           `json:"redress"`
	DelayNotice            bool             `json:"delay_notice"`
	Emergency              bool             `json:"emergency"`
	EmergencyJustification string           `json:"emergency_justification"`
}

// issueOrder issues a removal order.
func (s *Server) issueOrder(w http.ResponseWriter, r *http.Request) {
	var in orderInput
	if !s.decode(w, r, &in) {
		return
	}
	o, err := s.cfg.DB.IssueOrder(r.Context(), actorOf(r), removal.Order{Reference: in.Reference, Provider: in.Provider, Items: in.Items,
		Category: in.Category, Reasons: in.Reasons, Redress: in.Redress, DelayNotice: in.DelayNotice, Emergency: in.Emergency,
		EmergencyJustification: in.EmergencyJustification})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if s.cfg.OrderIssued != nil {
		s.cfg.OrderIssued()
	}
	writeJSON(w, http.StatusCreated, o)
}

// listOrders lists the orders the caller's authority is party to.
func (s *Server) listOrders(w http.ResponseWriter, r *http.Request) {
	f := store.OrderFilter{State: removal.State(r.URL.Query().Get("state")), Limit: 100}
	if f.State != "" && !slices.Contains(removal.States, f.State) {
		writeError(w, r, secunion.Errorf(secunion.Invalid, "state: %q is not a state of a removal order", secunion.Clip(string(f.State), 40)))
		return
	}
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			writeError(w, r, secunion.Errorf(secunion.Invalid, "limit: give 1 to 1000"))
			return
		}
		f.Limit = n
	}
	os, err := s.cfg.DB.Orders(r.Context(), actorOf(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if os == nil {
		os = []removal.Order{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"orders": os})
}

// getOrder answers an order and its timeline to a party to it; a
// provider's first fetch is its receipt.
func (s *Server) getOrder(w http.ResponseWriter, r *http.Request) {
	o, events, err := s.cfg.DB.Order(r.Context(), actorOf(r), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"order": o, "timeline": events})
}

// stepInput is one step on an order by a party to it.
type stepInput struct {
	Action       removal.Action   `json:"action"`
	RemovedAt    time.Time        `json:"removed_at"`
	Obstacle     removal.Obstacle `json:"obstacle"`
	Text         string           `json:"text"`
	Infringement bool             `json:"infringement"`
	Hashes       []signalInput    `json:"hashes"` // remove: hashes of the removed content, for the TCO bank
}

// removedEntries makes bank entries of the hashes given with a removal.
func removedEntries(in []signalInput) []signals.Entry {
	out := make([]signals.Entry, len(in))
	for i, h := range in {
		out[i] = h.entry("")
	}
	return out
}

// stepOrder applies a party's step: the provider's answer (Annex II or
// III), the issuer's clarification or withdrawal, scrutiny, and the rest
// of the state machine.
func (s *Server) stepOrder(w http.ResponseWriter, r *http.Request) {
	var in stepInput
	if !s.decode(w, r, &in) {
		return
	}
	o, err := s.cfg.DB.StepOrder(r.Context(), actorOf(r), r.PathValue("id"), removal.Step{Action: in.Action, RemovedAt: in.RemovedAt,
		Obstacle: in.Obstacle, Text: in.Text, Infringement: in.Infringement}, removedEntries(in.Hashes)...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}

// addRemovedHashes adds hashes of an order's removed content to the TCO
// bank: the issuer or the provider, once the content is down.
func (s *Server) addRemovedHashes(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Hashes []signalInput `json:"hashes"`
	}
	if !s.decode(w, r, &in) {
		return
	}
	es, err := s.cfg.DB.AddRemovedHashes(r.Context(), actorOf(r), r.PathValue("id"), removedEntries(in.Hashes))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": es})
}

// ordersByProvider adds up the caller's authority's recent orders per
// provider.
func (s *Server) ordersByProvider(w http.ResponseWriter, r *http.Request) {
	days := 365
	if v := r.URL.Query().Get("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 3660 {
			writeError(w, r, secunion.Errorf(secunion.Invalid, "days: give 1 to 3660"))
			return
		}
		days = n
	}
	since := s.cfg.DB.Clock().Now().AddDate(0, 0, -days)
	ps, err := s.cfg.DB.ProviderOutcomes(r.Context(), actorOf(r), since)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"since": since, "providers": orEmpty(ps)})
}
