package search

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"secunion"
	"secunion/access"
	"secunion/audit"
	"secunion/biometric"
	"secunion/identity"
)

// Source is one source system as the portal sees it: held by this node
// (Local) or by another node over HTTP (Remote).
type Source interface {
	// Search returns the best hits for q, best first, with full records.
	Search(ctx context.Context, q Query) ([]Hit, error)
	// Record returns one record of the system, with the fields the source
	// gives.
	Record(ctx context.Context, id string) (identity.Record, error)
	// Status says whether the system answers, and how.
	Status(ctx context.Context) SystemStatus
}

// The states of a source system.
const (
	Up   = "up"
	Down = "down"
)

// SystemStatus says whether a source system answers. It holds no personal
// data.
type SystemStatus struct {
	System      string    `json:"system"`
	State       string    `json:"state"`                  // Up or Down
	Remote      bool      `json:"remote"`                 // held by another node
	Records     *int      `json:"records,omitempty"`      // records the system holds, when known
	Millis      int64     `json:"ms"`                     // time the check took
	LastError   string    `json:"last_error,omitempty"`   // safe text
	LastErrorAt time.Time `json:"last_error_at,omitzero"` // when the last error happened, if known
}

// Records reads stored records.
type Records interface {
	Record(ctx context.Context, system, id string) (identity.Record, error)
}

// Counter counts stored records: a Local whose Records is also a Counter
// reports how many records its system holds.
type Counter interface {
	CountRecords(ctx context.Context, system string) (int, error)
}

// Local is a source system held by this node, searched through the shared
// name index and, for biometric queries, the node's biometric service.
type Local struct {
	System    string
	Index     *Index
	Templates *biometric.Service // nil: the node holds no templates
	Records   Records
	Clock     secunion.Clock
	// Links returns the identity links of a record; nil: none are shown.
	Links func(ctx context.Context, system, id string) ([]LinkInfo, error)
}

// Search searches the indexes and loads the records of the hits. A record
// deleted since it was indexed is left out.
func (l Local) Search(ctx context.Context, q Query) ([]Hit, error) {
	p, err := q.parse(l.Clock.Now())
	if err != nil {
		return nil, err
	}
	var hits []Hit
	if p.hasName || p.doc != "" {
		hits = l.Index.Search(l.System, p)
	}
	if p.probe != nil && l.Templates != nil {
		matches, err := l.Templates.Identify(*p.probe, min(biometric.MaxK, 4*p.limit), l.System)
		if err != nil {
			return nil, err
		}
		hits = mergeBiometric(hits, p.probe.Modality, matches, p.limit)
	}
	out := hits[:0]
	for _, h := range hits {
		r, err := l.Records.Record(ctx, l.System, h.RecordID)
		switch {
		case secunion.CodeOf(err) == secunion.NotFound:
			continue
		case err != nil:
			return nil, err
		}
		h.Record = r
		if l.Links != nil {
			if h.Links, err = l.Links(ctx, l.System, h.RecordID); err != nil {
				return nil, err
			}
		}
		out = append(out, h)
	}
	return out, nil
}

// mergeBiometric adds the records of biometric matches to name hits: one
// hit per record, with the higher score and every reason, best first.
func mergeBiometric(hits []Hit, mod biometric.Modality, matches []biometric.Match, limit int) []Hit {
	at := map[string]int{}
	for i, h := range hits {
		at[h.RecordID] = i
	}
	for _, m := range matches {
		why := fmt.Sprintf("%s template %s scores %.2f (threshold %.2f)", mod, m.ID, m.Score, biometric.Threshold(mod))
		i, ok := at[m.RecordID]
		if !ok {
			at[m.RecordID] = len(hits)
			hits = append(hits, Hit{System: m.System, RecordID: m.RecordID, Score: float64(m.Score), Why: []string{why}})
			continue
		}
		if hits[i].Score < float64(m.Score) {
			hits[i].Score = float64(m.Score)
		}
		if !slices.ContainsFunc(hits[i].Why, func(w string) bool { return strings.HasPrefix(w, string(mod)+" template") }) {
			hits[i].Why = append(hits[i].Why, why)
		}
	}
	return sortHits(hits, limit)
}

// Record returns a stored record as it is.
func (l Local) Record(ctx context.Context, id string) (identity.Record, error) {
	return l.Records.Record(ctx, l.System, id)
}

// Status reports the system up, with the number of its records when the
// store counts them; down when the store fails to.
func (l Local) Status(ctx context.Context) SystemStatus {
	st := SystemStatus{System: l.System, State: Up}
	c, ok := l.Records.(Counter)
	if !ok {
		return st
	}
	start := time.Now()
	n, err := c.CountRecords(ctx, l.System)
	st.Millis = time.Since(start).Milliseconds()
	if err != nil {
		st.State, st.LastError, st.LastErrorAt = Down, secunion.MessageOf(err), l.Clock.Now()
		return st
	}
	st.Records = &n
	return st
}

// Status of one system's answer.
const (
	Answered = "answered"
	NoHit    = "no-hit"
	TimedOut = "timed-out"
	Failed   = "failed"
)

// Answer is one system's answer to a query.
type Answer struct {
	System string `json:"system"`
	Status string `json:"status"`
	Hits   []Hit  `json:"hits"`
	Millis int64  `json:"ms"`
	Error  string `json:"error,omitempty"` // safe text, for failed
}

// Portal fans a query out to the source systems.
type Portal struct {
	Sources map[string]Source
	// Timeout bounds each system's answer; two seconds if zero.
	Timeout time.Duration
	Clock   secunion.Clock
	// Audit appends an entry to the audit log and returns once it is
	// durable; values are kept only as keyed HMACs.
	Audit func(ctx context.Context, e audit.Entry, values ...string) error
}

// Search checks q against the actor's profile, records the consultation,
// then asks every system at once and sends each answer on the returned
// channel as it arrives; the channel closes after the last one, when the
// hit counts have been logged too. Systems outside the profile are never
// queried nor named.
func (p *Portal) Search(ctx context.Context, actor secunion.Actor, decl access.Declaration, prof access.Profile, q Query) (<-chan Answer, error) {
	pq, err := q.parse(p.Clock.Now())
	if err != nil {
		return nil, err
	}
	systems := prof.Systems
	if len(q.Systems) > 0 {
		systems = nil
		for _, s := range q.Systems {
			sys, err := identity.ParseSystem(s)
			if err != nil || !slices.Contains(prof.Systems, sys) {
				return nil, secunion.Errorf(secunion.Invalid, "unknown system %q", s)
			}
			systems = append(systems, sys)
		}
	}
	if len(systems) == 0 {
		return nil, secunion.Errorf(secunion.Forbidden, "purpose %s reaches no source system", decl.Purpose)
	}
	if q.Biometric != nil && !slices.Contains(prof.Fields, access.FieldBiometrics) {
		return nil, secunion.Errorf(secunion.Forbidden, "purpose %s does not allow searching by biometrics", decl.Purpose)
	}
	q.Limit = pq.limit
	objects := make([]string, len(systems))
	for i, s := range systems {
		objects[i] = "system:" + s
	}
	entry := audit.Entry{Authority: actor.Authority, User: actor.Login, Operation: audit.OpConsultation,
		Purpose: string(decl.Purpose), Justification: decl.Justification, Objects: objects,
		Recipients: decl.Recipients(), Categories: q.categories(), Outcome: "ok", Detail: "search portal query"}
	// The consultation is logged before any answer leaves: if it cannot be,
	// there is no search.
	if err := p.Audit(ctx, entry, q.values()...); err != nil {
		return nil, err
	}
	timeout := p.Timeout
	if timeout == 0 {
		timeout = 2 * time.Second
	}
	ctx = withCaller(ctx, actor, decl)
	out := make(chan Answer, len(systems))
	answers := make(chan Answer, len(systems))
	var wg sync.WaitGroup
	for _, sys := range systems {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers <- p.ask(ctx, sys, q, prof, timeout)
		}()
	}
	go func() {
		wg.Wait()
		close(answers)
	}()
	go func() {
		defer close(out)
		var counts []string
		total := 0
		for a := range answers {
			counts = append(counts, fmt.Sprintf("%s=%s/%d", a.System, a.Status, len(a.Hits)))
			total += len(a.Hits)
			out <- a
		}
		slices.Sort(counts)
		done := entry
		done.Results, done.Detail = total, "search portal answers: "+strings.Join(counts, " ")
		// The query's outcome is logged even if the caller went away.
		if err := p.Audit(context.WithoutCancel(ctx), done); err != nil {
			out <- Answer{Status: Failed, Error: "the answers could not be logged"}
		}
	}()
	return out, nil
}

// ask gets one system's answer within the timeout, with the hits' records
// cut to the fields the profile allows.
func (p *Portal) ask(ctx context.Context, system string, q Query, prof access.Profile, timeout time.Duration) Answer {
	start := time.Now()
	a := Answer{System: system, Hits: []Hit{}}
	src, ok := p.Sources[system]
	if !ok {
		a.Status, a.Error = Failed, "the system is not connected to this node"
		return a
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type result struct {
		hits []Hit
		err  error
	}
	res := make(chan result, 1)
	go func() {
		h, err := src.Search(ctx, q)
		res <- result{h, err}
	}()
	select {
	case r := <-res:
		a.Millis = time.Since(start).Milliseconds()
		switch {
		case r.err != nil:
			a.Status, a.Error = Failed, secunion.MessageOf(r.err)
		case len(r.hits) == 0:
			a.Status = NoHit
		default:
			a.Status = Answered
			for _, h := range r.hits {
				var ok bool
				if h.Record, ok = identity.View(prof, h.Record); !ok {
					continue
				}
				h.Links = slices.DeleteFunc(h.Links, func(l LinkInfo) bool { return !prof.Reaches(l.System) })
				a.Hits = append(a.Hits, h)
			}
		}
	case <-ctx.Done():
		a.Millis = time.Since(start).Milliseconds()
		a.Status = TimedOut
	}
	return a
}

// Record returns one record of a system in the profile, with the fields the
// profile allows, and records the consultation. A system outside the
// profile is refused as if the record did not exist. The store serves the
// records of systems held here with its own rules (store.DB.GetRecord); the
// portal serves those of systems held elsewhere (see Remote).
func (p *Portal) Record(ctx context.Context, actor secunion.Actor, decl access.Declaration, prof access.Profile, system, id string) (identity.Record, error) {
	ref := "record:" + system + "/" + id
	src, err := p.source(ctx, actor, decl, prof, system, "read "+ref)
	switch {
	case secunion.CodeOf(err) == secunion.NotFound:
		return identity.Record{}, secunion.Audited(secunion.Errorf(secunion.NotFound, "no record %s in %s", id, system))
	case err != nil:
		return identity.Record{}, err
	case src == nil:
		return identity.Record{}, secunion.Errorf(secunion.Unavailable, "%s is not connected to this node", system)
	}
	r, err := src.Record(withCaller(ctx, actor, decl), id)
	if err != nil {
		return identity.Record{}, err
	}
	var ok bool
	if r, ok = identity.View(prof, r); !ok || r.ID != id {
		return identity.Record{}, secunion.Errorf(secunion.Unavailable, "%s answered for another record than %s", system, id)
	}
	err = p.Audit(ctx, audit.Entry{Authority: actor.Authority, User: actor.Login, Operation: audit.OpConsultation,
		Purpose: string(decl.Purpose), Justification: decl.Justification, Objects: []string{ref},
		Recipients: decl.Recipients(), Categories: r.Categories(), Results: 1, Outcome: "ok"})
	if err != nil {
		return identity.Record{}, err
	}
	return r, nil
}

// Status returns the status of a system in the profile; a system outside
// it is refused as if it did not exist.
func (p *Portal) Status(ctx context.Context, actor secunion.Actor, decl access.Declaration, prof access.Profile, system string) (SystemStatus, error) {
	src, err := p.source(ctx, actor, decl, prof, system, "status of system:"+system)
	switch {
	case err != nil:
		return SystemStatus{}, err
	case src == nil:
		return SystemStatus{System: system, State: Down, LastError: "the system is not connected to this node"}, nil
	}
	return src.Status(withCaller(ctx, actor, decl)), nil
}

// Remote reports whether system is held by another node.
func (p *Portal) Remote(system string) bool {
	_, ok := p.Sources[system].(*Remote)
	return ok
}

// source returns the source of a system the profile reaches, nil if none
// is connected. A system outside the profile is a NotFound error, the
// refusal audited.
func (p *Portal) source(ctx context.Context, actor secunion.Actor, decl access.Declaration, prof access.Profile, system, what string) (Source, error) {
	if !slices.Contains(prof.Systems, system) {
		err := p.Audit(ctx, audit.Entry{Authority: actor.Authority, User: actor.Login, Operation: audit.OpAccessDenied,
			Purpose: string(decl.Purpose), Justification: decl.Justification, Recipients: decl.Recipients(),
			Outcome: "denied", Detail: what + ": system outside the profile"})
		if err != nil {
			return nil, err
		}
		return nil, secunion.Audited(secunion.Errorf(secunion.NotFound, "no such system"))
	}
	return p.Sources[system], nil
}

// caller is who asks a source: sources held elsewhere pass the purpose,
// justification and end user on to the node that holds them.
type caller struct {
	actor secunion.Actor
	decl  access.Declaration
}

type callerKey struct{}

func withCaller(ctx context.Context, actor secunion.Actor, decl access.Declaration) context.Context {
	return context.WithValue(ctx, callerKey{}, caller{actor, decl})
}

func callerOf(ctx context.Context) (caller, bool) {
	c, ok := ctx.Value(callerKey{}).(caller)
	return c, ok
}
