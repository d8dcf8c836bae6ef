package web

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"secunion"
	"secunion/access"
	"secunion/alerts"
	"secunion/store"
)

// The Rapid Alert System's room is one page per hub collection, as its API
// is: /alerts/ras/{collection}. The store decides who sees what, and the
// page follows it: a reader of the collection sees the dashboard (as the
// API's dashboard shows it to any reader), and only a person of a contact
// point that writes the collection (access.CanAlertRAS) is offered the
// forms to raise, acknowledge and close; a form sent by anyone else is
// refused by the store, audited. Outside the reader group the room does
// not exist.

// rasDays is the window of the room's dashboard when the query names none,
// the API's default.
const rasDays = 7

// maxNarrativeChoices bounds the narratives the raise form offers.
const maxNarrativeChoices = 100

// rasPath returns the path of collection's room.
func rasPath(collection string) string { return "/alerts/ras/" + url.PathEscape(collection) }

// mayAlertRAS reports whether a is a person of a contact point of the
// Rapid Alert System, who raises and acknowledges alerts.
func mayAlertRAS(a secunion.Actor) bool { return mayShareAlerts(a) && access.CanAlertRAS(a) == nil }

// rasRooms returns the identifiers of the collections of vs the user reads
// whose writers include a contact point of the Rapid Alert System: those
// where an alert can be raised, which have a room. Telling them apart by
// their groups, not by whether they hold alerts, reads no object (which
// would be a disclosure to audit, on every visit of the collections page)
// and shows a new room before its first alert.
func (c *Console) rasRooms(ctx context.Context, vs []store.HubView) (map[string]bool, error) {
	as, err := c.db.Authorities(ctx)
	if err != nil {
		return nil, err
	}
	contact := map[string]bool{}
	for _, a := range as {
		contact[a.Code] = a.Kind == access.KindRASContact
	}
	rooms := map[string]bool{}
	for _, v := range vs {
		if v.CanRead && slices.ContainsFunc(v.Writers.Members, func(m string) bool { return contact[m] }) {
			rooms[v.Collection.ID] = true
		}
	}
	return rooms, nil
}

// roomsData is what the list of rooms shows.
type roomsData struct {
	Views []store.HubView
}

// rasRoomList lists the rooms of the Rapid Alert System the user reads.
func (c *Console) rasRoomList(w http.ResponseWriter, r *http.Request, s store.Session) {
	decl, ok := c.alertsAllowed(w, r, s, "open the Rapid Alert System")
	if !ok {
		return
	}
	vs, err := c.db.VisibleCollections(r.Context(), s.Actor, decl)
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	rooms, err := c.rasRooms(r.Context(), vs)
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	d := roomsData{}
	for _, v := range vs {
		if rooms[v.Collection.ID] {
			d.Views = append(d.Views, v)
		}
	}
	v := c.view(&s, "Rapid Alert System", "/alerts/ras")
	v.Data = d
	c.render(w, r, http.StatusOK, "alerts_rooms", v)
}

// rasData is what a room shows.
type rasData struct {
	View      store.HubView
	Dashboard alerts.Dashboard
	Days      int
	Windows   []int // the windows the page offers, in days
	CSRF      string
	Authority string // the user's
	// Act is set when the user may raise, acknowledge and close here;
	// Why says why not otherwise.
	Act bool
	Why string
	// Narratives are those of the collection the raise form offers;
	// MoreNarratives is set when the collection holds more.
	Narratives     []alerts.Narrative
	MoreNarratives bool
	Names          map[string]string // narrative names by identifier
	Threshold      string
	TLPs           []string
	// Form holds the values sent, shown again after a refusal; Chosen
	// the narratives ticked.
	Form   map[string]string
	Chosen []string
}

// MayAcknowledge reports whether the user acknowledges st: its contact
// point is one yet to.
func (d rasData) MayAcknowledge(st alerts.AlertState) bool {
	return d.Act && !st.Closed && slices.Contains(st.Outstanding, d.Authority)
}

// MayClose reports whether the user closes st: its contact point raised it.
func (d rasData) MayClose(st alerts.AlertState) bool {
	return d.Act && !st.Closed && st.RaisedBy == d.Authority
}

// NarrativeName names narrative id, else gives the identifier.
func (d rasData) NarrativeName(id string) string { return cmp.Or(d.Names[id], id) }

// rasRoom shows a collection's room.
func (c *Console) rasRoom(w http.ResponseWriter, r *http.Request, s store.Session) {
	c.renderRAS(w, r, s, http.StatusOK, nil, "")
}

// renderRAS shows the room with status, the form as sent (nil for a
// fresh one) and problem, a refusal the user may correct.
func (c *Console) renderRAS(w http.ResponseWriter, r *http.Request, s store.Session, status int, form url.Values, problem string) {
	decl, ok := c.alertsAllowed(w, r, s, "open a room of the Rapid Alert System")
	if !ok {
		return
	}
	ctx := r.Context()
	days := rasDays
	if q := r.URL.Query().Get("days"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > store.MaxDashboardDays {
			c.fail(w, r, &s, secunion.Errorf(secunion.Invalid, "days: give 1 to %d", store.MaxDashboardDays))
			return
		}
		days = n
	}
	hv, err := c.db.AlertView(ctx, s.Actor, decl, r.PathValue("collection"))
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	dash, err := c.db.RASDashboard(ctx, s.Actor, decl, hv.Collection.ID, days)
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	d := rasData{View: hv, Dashboard: dash, Days: days, Windows: []int{1, 7, 30, 90, store.MaxDashboardDays},
		CSRF: s.CSRF, Authority: s.Actor.Authority, Names: map[string]string{}, Threshold: alerts.Threshold,
		TLPs: []string{"clear", "green", "amber", "amber+strict"}, Form: map[string]string{"tlp": "amber"}}
	if !slices.Contains(d.Windows, days) {
		d.Windows = append(d.Windows, days)
		slices.Sort(d.Windows)
	}
	switch err := access.CanAlertRAS(s.Actor); {
	case err != nil:
		d.Why = secunion.MessageOf(err) + "."
	case !hv.CanWrite:
		d.Why = "Your contact point reads this collection but does not write it, so it raises and acknowledges no alert here."
	default:
		d.Act = true
	}
	for _, n := range dash.Narratives {
		d.Names[n.Ref] = n.Name
	}
	if d.Act {
		// The form offers the collection's narratives by name: read, and
		// audited, as any object shown.
		f, err := alerts.ParseFilter(url.Values{"match[type]": {strings.Join(alerts.NarrativeTypes, ",")}, "limit": {strconv.Itoa(maxNarrativeChoices)}}, "last")
		if err != nil {
			c.fail(w, r, &s, err)
			return
		}
		page, err := c.db.AlertObjects(ctx, s.Actor, decl, hv, f, "")
		if err != nil {
			c.fail(w, r, &s, err)
			return
		}
		d.MoreNarratives = page.More
		for _, raw := range page.Objects {
			o, err := alerts.ParseObject(raw)
			if err != nil {
				continue
			}
			if n, ok := alerts.ReadNarrative(o); ok {
				d.Narratives = append(d.Narratives, n)
				d.Names[n.ID] = cmp.Or(n.Name, d.Names[n.ID])
			}
		}
	}
	if form != nil {
		for _, k := range []string{"title", "description", "justification", "techniques", "tlp", "threshold"} {
			d.Form[k] = form.Get(k)
		}
		d.Chosen = form["narratives"]
	}
	v := c.view(&s, "Rapid Alert System: "+hv.Collection.Title, "/alerts/ras")
	v.Error = problem
	if done := r.URL.Query().Get("done"); done != "" && problem == "" {
		v.Notice = "Done: " + secunion.Clip(done, 160) + "."
	}
	v.Data = d
	c.render(w, r, status, "alerts_ras", v)
}

// afterRAS shows the room again after a form: a refusal the user can
// correct on the page, or a redirect saying what was done.
func (c *Console) afterRAS(w http.ResponseWriter, r *http.Request, s store.Session, err error, form url.Values, done string) {
	if err != nil {
		switch secunion.CodeOf(err) {
		case secunion.Invalid, secunion.Conflict, secunion.Forbidden:
			c.renderRAS(w, r, s, statusOf(err), form, secunion.MessageOf(err))
		default:
			c.fail(w, r, &s, err)
		}
		return
	}
	http.Redirect(w, r, rasPath(r.PathValue("collection"))+"?done="+url.QueryEscape(done), http.StatusSeeOther)
}

// checker returns the checks the objects the console adds go through:
// the API's.
func (c *Console) checker(ctx context.Context) alerts.Checker {
	return alerts.Checker{Schemas: c.schemas, Marking: c.db.MarkingHeld(ctx)}
}

// splitList splits a field of identifiers written with commas, spaces or
// one a line.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
}

// raiseRAS raises the alert the form states.
func (c *Console) raiseRAS(w http.ResponseWriter, r *http.Request, s store.Session) {
	decl, ok := c.alertsAllowed(w, r, s, "raise an alert of the Rapid Alert System")
	if !ok {
		return
	}
	f := r.PostForm
	in := alerts.AlertInput{Title: f.Get("title"), Description: f.Get("description"), Threshold: f.Get("threshold"),
		Justification: f.Get("justification"), Techniques: splitList(f.Get("techniques")), Narratives: f["narratives"], TLP: f.Get("tlp")}
	st, err := c.db.RaiseRASAlert(r.Context(), s.Actor, decl, r.PathValue("collection"), in, c.checker(r.Context()))
	c.afterRAS(w, r, s, err, f, "the alert "+secunion.Clip(st.Title, 60)+" is raised and reaches the contact points of the collection")
}

// acknowledgeRAS acknowledges an alert for the user's contact point.
func (c *Console) acknowledgeRAS(w http.ResponseWriter, r *http.Request, s store.Session) {
	decl, ok := c.alertsAllowed(w, r, s, "acknowledge an alert of the Rapid Alert System")
	if !ok {
		return
	}
	st, created, err := c.db.AcknowledgeRASAlert(r.Context(), s.Actor, decl, r.PathValue("collection"), r.PathValue("id"), c.checker(r.Context()))
	done := "your contact point acknowledged " + secunion.Clip(st.Title, 60)
	if !created {
		done = "your contact point had acknowledged " + secunion.Clip(st.Title, 60) + " already"
	}
	c.afterRAS(w, r, s, err, nil, done)
}

// closeRAS closes an alert the user's contact point raised.
func (c *Console) closeRAS(w http.ResponseWriter, r *http.Request, s store.Session) {
	decl, ok := c.alertsAllowed(w, r, s, "close an alert of the Rapid Alert System")
	if !ok {
		return
	}
	st, err := c.db.CloseRASAlert(r.Context(), s.Actor, decl, r.PathValue("collection"), r.PathValue("id"), r.PostForm.Get("reason"), c.checker(r.Context()))
	c.afterRAS(w, r, s, err, nil, "the alert "+secunion.Clip(st.Title, 60)+" is closed")
}
