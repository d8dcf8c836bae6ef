package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"secunion"
	"secunion/access"
	"secunion/removal"
	"secunion/signals"
	"secunion/store"
)

// mayRemoval reports whether a works with removal orders: an officer of a
// competent authority or a hosting service provider.
func mayRemoval(a secunion.Actor) bool {
	k := access.Kind(a.AuthorityKind)
	return (k == access.KindTCOAuthority || k == access.KindHostingProvider) && a.Has(access.RoleOfficer)
}

// removalAllowed refuses (audited) a user who does not work with orders.
func (c *Console) removalAllowed(w http.ResponseWriter, r *http.Request, s store.Session, what string) bool {
	if !mayRemoval(s.Actor) {
		c.deny(w, r, s, access.Declaration{Purpose: secunion.PurposeTerroristContent}, what,
			"removal orders are for officers of competent authorities and hosting service providers")
		return false
	}
	return true
}

// orderRow is an order as the dashboard lists it.
type orderRow struct {
	removal.Order
	Left string // time to the deadline, or lateness, as the server saw it
}

// dashboardData is what the orders page shows.
type dashboardData struct {
	Orders   []orderRow
	Issuer   bool // the user's authority issues orders
	Provider bool // the user's authority receives them (the inbox)
	// PerProvider adds up the orders the authority issued in the last
	// Days, per provider (for an issuing authority only).
	PerProvider []removal.ProviderOutcome
	Days        int
	Periods     []int // the choices of Days
}

// figurePeriods are the periods, in days, the dashboard adds orders up
// over; the first is the default.
var figurePeriods = []int{30, 7, 365}

// countdown writes the time left to a deadline, or how late it is.
func countdown(deadline, now time.Time) string {
	if deadline.IsZero() {
		return ""
	}
	d := deadline.Sub(now).Round(time.Second)
	if d < 0 {
		return "late by " + (-d).String()
	}
	return d.String() + " left"
}

// orders shows the orders the user's authority is party to, with live
// countdowns (static/removal.js and the stream below).
func (c *Console) orders(w http.ResponseWriter, r *http.Request, s store.Session) {
	if !c.removalAllowed(w, r, s, "open the removal orders") {
		return
	}
	os, err := c.db.Orders(r.Context(), s.Actor, store.OrderFilter{Limit: 200})
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	now := c.db.Clock().Now()
	d := dashboardData{Issuer: access.Kind(s.Actor.AuthorityKind) == access.KindTCOAuthority, Provider: access.Kind(s.Actor.AuthorityKind) == access.KindHostingProvider,
		Days: figurePeriods[0], Periods: figurePeriods}
	for _, o := range os {
		d.Orders = append(d.Orders, orderRow{Order: o, Left: countdown(o.Deadline, now)})
	}
	if d.Issuer {
		if v := r.URL.Query().Get("days"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || !slices.Contains(figurePeriods, n) {
				c.fail(w, r, &s, secunion.Errorf(secunion.Invalid, "days: one of %v", figurePeriods))
				return
			}
			d.Days = n
		}
		if d.PerProvider, err = c.db.ProviderOutcomes(r.Context(), s.Actor, now.AddDate(0, 0, -d.Days)); err != nil {
			c.fail(w, r, &s, err)
			return
		}
	}
	v := c.view(&s, "Removal orders", "/removal")
	v.Data = d
	c.render(w, r, http.StatusOK, "removal", v)
}

// orderState is what the stream sends of an order.
type orderState struct {
	ID          string        `json:"id"`
	State       removal.State `json:"state"`
	Deadline    time.Time     `json:"deadline,omitzero"`
	Breached    bool          `json:"breached"`
	ScrutinyDue time.Time     `json:"scrutiny_due,omitzero"` // a scrutiny decision is awaited by then
}

// streamInterval is how often the stream looks for changed orders.
const streamInterval = 2 * time.Second

// ordersStream sends, as Server-Sent Events, the states and deadlines of
// the orders the user's authority is party to whenever they change, so
// that the dashboard's countdowns follow receipts and answers. It ends
// when the browser goes away.
func (c *Console) ordersStream(w http.ResponseWriter, r *http.Request, s store.Session) {
	if !c.removalAllowed(w, r, s, "follow the removal orders") {
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	t := time.NewTicker(streamInterval)
	defer t.Stop()
	last := ""
	for {
		os, err := c.db.OrderStates(r.Context(), s.Actor, 200)
		if err != nil {
			return
		}
		states := make([]orderState, len(os))
		for i, o := range os {
			states[i] = orderState{ID: o.ID, State: o.State, Deadline: o.Deadline, Breached: !o.Breached.IsZero()}
			if o.Scrutiny.Decided.IsZero() {
				states[i].ScrutinyDue = o.Scrutiny.Due
			}
		}
		b, _ := json.Marshal(states)
		if string(b) != last {
			last = string(b)
			writeEvent(w, "orders", last)
			if rc.Flush() != nil {
				return
			}
		}
		select {
		case <-r.Context().Done():
			return
		case <-t.C:
		}
	}
}

// issueFormData is what the issue form shows.
type issueFormData struct {
	Providers  []removal.Provider
	Categories []removal.Category
	Form       map[string]string // the values sent, shown again after a refusal
}

// issueForm shows the form of a new order (Annex I).
func (c *Console) issueForm(w http.ResponseWriter, r *http.Request, s store.Session) {
	c.renderIssueForm(w, r, s, http.StatusOK, nil, "")
}

func (c *Console) renderIssueForm(w http.ResponseWriter, r *http.Request, s store.Session, status int, form map[string]string, problem string) {
	if access.Kind(s.Actor.AuthorityKind) != access.KindTCOAuthority {
		c.deny(w, r, s, access.Declaration{Purpose: secunion.PurposeTerroristContent}, "issue a removal order", "only competent authorities issue removal orders")
		return
	}
	ps, err := c.db.Providers(r.Context())
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	v := c.view(&s, "Issue a removal order", "/removal")
	v.Error = problem
	v.Data = issueFormData{Providers: ps, Categories: removal.Categories, Form: form}
	c.render(w, r, status, "removal_new", v)
}

// issue issues the order the form describes.
func (c *Console) issue(w http.ResponseWriter, r *http.Request, s store.Session) {
	f := r.PostForm
	form := map[string]string{}
	for _, k := range []string{"provider", "reference", "urls", "category", "reasons", "redress", "delay_notice", "emergency", "emergency_justification"} {
		form[k] = f.Get(k)
	}
	var items []removal.Item
	for _, line := range strings.Split(f.Get("urls"), "\n") {
		url, locator, _ := strings.Cut(strings.TrimSpace(line), " ")
		if url != "" {
			items = append(items, removal.Item{URL: url, Locator: strings.TrimSpace(locator)})
		}
	}
	o, err := c.db.IssueOrder(r.Context(), s.Actor, removal.Order{Reference: f.Get("reference"), Provider: f.Get("provider"), Items: items,
		Category: removal.Category(f.Get("category")), Reasons: f.Get("reasons"), Redress: f.Get("redress"),
		DelayNotice: f.Get("delay_notice") == "on", Emergency: f.Get("emergency") == "on", EmergencyJustification: f.Get("emergency_justification")})
	if err != nil {
		if code := secunion.CodeOf(err); code == secunion.Invalid || code == secunion.Conflict {
			c.renderIssueForm(w, r, s, statusOf(err), form, secunion.MessageOf(err))
			return
		}
		c.fail(w, r, &s, err)
		return
	}
	http.Redirect(w, r, "/removal/"+o.ID, http.StatusSeeOther)
}

// orderData is what an order's page shows.
type orderData struct {
	*removal.Order
	Timeline  []removal.Event
	Left      string
	Party     removal.Party
	Obstacles []removal.Obstacle
	May       offers
}

// offers are the steps beyond the answers whose forms an order's page
// shows only when the state machine would take them from the user's
// party now.
type offers struct {
	RequestScrutiny, DecideScrutiny, ExtendPreserve bool
}

// allowed tells which of the offered steps party may take on o at now,
// by trying each with a plausible text on a copy of the order: the page
// offers what the state machine will accept, deadlines included.
func allowed(o removal.Order, party removal.Party, now time.Time) offers {
	try := func(a removal.Action) bool {
		_, _, err := removal.Next(o, removal.Step{Action: a, Party: party, At: now, Text: "reasons of the step"})
		return err == nil
	}
	return offers{RequestScrutiny: try(removal.RequestScrutiny), DecideScrutiny: try(removal.DecideScrutiny), ExtendPreserve: try(removal.ExtendPreserve)}
}

// orderPage shows an order, its timeline and the steps the user's party
// may take; a provider's first view is its receipt.
func (c *Console) orderPage(w http.ResponseWriter, r *http.Request, s store.Session) {
	if !c.removalAllowed(w, r, s, "open a removal order") {
		return
	}
	o, events, err := c.db.Order(r.Context(), s.Actor, r.PathValue("id"))
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	party := removal.Host
	switch s.Actor.Authority {
	case o.Issuer:
		party = removal.Issuer
	case o.Provider:
		party = removal.Addressee
	}
	v := c.view(&s, "Removal order "+o.Reference, "/removal")
	if done := r.URL.Query().Get("done"); done != "" {
		v.Notice = "Done: the order is now " + secunion.Clip(done, 40) + "."
	}
	now := c.db.Clock().Now()
	v.Data = orderData{Order: &o, Timeline: events, Left: countdown(o.Deadline, now), Party: party,
		Obstacles: []removal.Obstacle{removal.ForceMajeure, removal.ManifestError, removal.MissingDetails}, May: allowed(o, party, now)}
	c.render(w, r, http.StatusOK, "removal_order", v)
}

// orderStep applies the step a form on the order's page sends.
func (c *Console) orderStep(w http.ResponseWriter, r *http.Request, s store.Session) {
	if !c.removalAllowed(w, r, s, "answer a removal order") {
		return
	}
	id := r.PathValue("id")
	f := r.PostForm
	var infringement bool
	if removal.Action(f.Get("action")) == removal.DecideScrutiny {
		switch f.Get("infringement") {
		case "yes":
			infringement = true
		case "no":
		default:
			c.fail(w, r, &s, secunion.Errorf(secunion.Invalid, "infringement: say whether the order infringes the Regulation or fundamental rights"))
			return
		}
	}
	hashes, err := hashLines(f.Get("hashes"))
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	o, err := c.db.StepOrder(r.Context(), s.Actor, id, removal.Step{Action: removal.Action(f.Get("action")),
		Obstacle: removal.Obstacle(f.Get("obstacle")), Text: f.Get("text"), Infringement: infringement}, hashes...)
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/removal/%s?done=%s", o.ID, url.QueryEscape(string(o.State))), http.StatusSeeOther)
}

// hashLines reads the hashes a provider gives with a removal, one a line:
// the algorithm and the hash ("pdq 3f…", "sha256 9e…"). The store checks
// each value and names the one that is wrong.
func hashLines(text string) ([]signals.Entry, error) {
	var out []signals.Entry
	for i, line := range strings.Split(text, "\n") {
		fs := strings.Fields(line)
		switch len(fs) {
		case 0:
			continue
		case 2:
			out = append(out, signals.Entry{Algorithm: signals.Algorithm(fs[0]), Value: fs[1]})
		default:
			return nil, secunion.Errorf(secunion.Invalid, "hashes, line %d: give the algorithm and the hash, e.g. \"pdq 3f…\"", i+1)
		}
	}
	return out, nil
}

// transparencyData is what the printable report shows.
type transparencyData struct {
	Kind, Code string
	Year       int
	Rows       [][2]string
	Providers  []removal.Provider
	Years      []int
}

// transparency shows a provider's or an authority's transparency figures
// for a year as a printable page.
func (c *Console) transparency(w http.ResponseWriter, r *http.Request, s store.Session) {
	q := r.URL.Query()
	now := c.db.Clock().Now()
	d := transparencyData{Kind: q.Get("kind"), Code: q.Get("code"), Year: now.Year()}
	for y := now.Year(); y >= 2022; y-- {
		d.Years = append(d.Years, y)
	}
	if v := q.Get("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 2022 || y > now.Year() {
			c.fail(w, r, &s, secunion.Errorf(secunion.Invalid, "year: from 2022 to %d", now.Year()))
			return
		}
		d.Year = y
	}
	if d.Code == "" {
		d.Code, d.Kind = s.Actor.Authority, "authority"
		if access.Kind(s.Actor.AuthorityKind) == access.KindHostingProvider {
			d.Kind = "provider"
		}
	}
	var rep any
	var err error
	switch d.Kind {
	case "provider":
		rep, err = c.db.ProviderReport(r.Context(), d.Code, d.Year)
	case "authority":
		rep, err = c.db.AuthorityReport(r.Context(), d.Code, d.Year)
	default:
		err = secunion.Errorf(secunion.Invalid, "kind: provider or authority")
	}
	if err == nil {
		d.Rows = removal.Rows(rep)
		d.Providers, err = c.db.Providers(r.Context())
	}
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	v := c.view(&s, "Transparency report", "/removal/transparency")
	v.Data = d
	c.render(w, r, http.StatusOK, "transparency", v)
}

// exposureRow is a provider's standing under Art 5 as the exposure page
// shows it.
type exposureRow struct {
	removal.Provider
	store.ExposureStatus
	Latest *removal.Exposure // the latest decision, if any
	Decide bool              // the user's authority decides on it, and it is flagged
}

// exposurePage shows every provider's final orders in the last twelve
// months and the decisions on its exposure, with the form to decide for
// flagged providers established in the user's Member State.
func (c *Console) exposurePage(w http.ResponseWriter, r *http.Request, s store.Session) {
	c.renderExposure(w, r, s, http.StatusOK, "")
}

// renderExposure renders the exposure page with status, and problem as
// its error; after a decision (?decided=CODE) it says what was decided.
func (c *Console) renderExposure(w http.ResponseWriter, r *http.Request, s store.Session, status int, problem string) {
	if !c.removalAllowed(w, r, s, "open the exposure of providers") {
		return
	}
	ps, err := c.db.Providers(r.Context())
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	xs, err := c.db.Exposures(r.Context())
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	country := ""
	if access.Kind(s.Actor.AuthorityKind) == access.KindTCOAuthority {
		a, err := c.db.Authority(r.Context(), s.Actor.Authority)
		if err != nil {
			c.fail(w, r, &s, err)
			return
		}
		country = a.Country
	}
	byProvider := map[string]store.ExposureStatus{}
	for _, x := range xs {
		byProvider[x.Provider] = x
	}
	v := c.view(&s, "Exposure to terrorist content", "/removal/exposure")
	v.Error = problem
	rows := make([]exposureRow, 0, len(ps))
	for _, p := range ps {
		row := exposureRow{Provider: p, ExposureStatus: byProvider[p.Code]}
		if len(row.Decisions) > 0 {
			row.Latest = &row.Decisions[0]
		}
		row.Decide = row.Flagged && country != "" && p.State == country
		if row.Latest != nil && p.Code == r.URL.Query().Get("decided") && problem == "" {
			v.Notice = "Decided: " + p.Code + " is not exposed to terrorist content."
			if row.Latest.Exposed {
				v.Notice = "Decided: " + p.Code + " is exposed to terrorist content; it must take specific measures and report on them (Art 5)."
			}
		}
		rows = append(rows, row)
	}
	v.Data = rows
	c.render(w, r, status, "removal_exposure", v)
}

// decideExposure records the decision the exposure page's form sends.
func (c *Console) decideExposure(w http.ResponseWriter, r *http.Request, s store.Session) {
	if !c.removalAllowed(w, r, s, "decide on a provider's exposure") {
		return
	}
	code, f := r.PathValue("code"), r.PostForm
	var exposed bool
	switch f.Get("exposed") {
	case "yes":
		exposed = true
	case "no":
	default:
		c.renderExposure(w, r, s, http.StatusBadRequest, "exposed: say whether "+secunion.Clip(code, 64)+" is exposed to terrorist content")
		return
	}
	if _, err := c.db.DecideExposure(r.Context(), s.Actor, code, exposed, f.Get("reasons")); err != nil {
		switch secunion.CodeOf(err) {
		case secunion.Invalid, secunion.Conflict, secunion.NotFound:
		case secunion.Forbidden:
			if err := c.db.RecordDenial(r.Context(), s.Actor, access.Declaration{Purpose: secunion.PurposeTerroristContent},
				"decide the exposure of "+secunion.Clip(code, 64), secunion.MessageOf(err)); err != nil {
				c.fail(w, r, &s, err)
				return
			}
		default:
			c.fail(w, r, &s, err)
			return
		}
		c.renderExposure(w, r, s, statusOf(err), secunion.MessageOf(err))
		return
	}
	http.Redirect(w, r, "/removal/exposure?decided="+url.QueryEscape(code), http.StatusSeeOther)
}
