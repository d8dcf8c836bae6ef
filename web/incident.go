package web

import (
	"net/http"
	"net/url"
	"strings"

	"secunion"
	"secunion/alerts"
	"secunion/store"
)

// Cyber incident reports, as the CSIRTs network makes them, live in hub
// collections (package alerts says how); their pages follow the API's
// rules, which the store applies: a writer of the collection reports and
// updates, a reader reads the timeline of what it may see, and only the
// reporting authority changes an incident's status.

// incidentPath returns the path of an incident's timeline, or of the
// report form of collection when id is empty.
func incidentPath(collection, id string) string {
	p := "/alerts/incidents/" + url.PathEscape(collection)
	if id != "" {
		p += "/" + url.PathEscape(id)
	}
	return p
}

// iocLines reads indicators of compromise written one STIX pattern a
// line.
func iocLines(s string) []alerts.IoC {
	var out []alerts.IoC
	for line := range strings.Lines(s) {
		if p := strings.TrimSpace(line); p != "" {
			out = append(out, alerts.IoC{Pattern: p})
		}
	}
	return out
}

// incidentData is what an incident's page shows.
type incidentData struct {
	View     store.HubView
	Timeline alerts.Timeline
	TLP      tlpBadge
	CSRF     string
	// Update is set when the user may add an update (a writer);
	// Reporter when it may also change the status.
	Update, Reporter bool
	Statuses         []string
	Form             map[string]string
}

// incidentPage shows an incident's timeline.
func (c *Console) incidentPage(w http.ResponseWriter, r *http.Request, s store.Session) {
	c.renderIncident(w, r, s, http.StatusOK, nil, "")
}

// renderIncident shows the timeline with status, the update form as sent
// (nil for a fresh one) and problem, a refusal the user may correct.
func (c *Console) renderIncident(w http.ResponseWriter, r *http.Request, s store.Session, status int, form url.Values, problem string) {
	decl, ok := c.alertsAllowed(w, r, s, "open an incident report")
	if !ok {
		return
	}
	ctx := r.Context()
	hv, err := c.db.AlertView(ctx, s.Actor, decl, r.PathValue("collection"))
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	t, err := c.db.IncidentTimeline(ctx, s.Actor, decl, hv.Collection.ID, r.PathValue("id"))
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	d := incidentData{View: hv, Timeline: t, TLP: tlpBadge{Level: t.Incident.TLP}, CSRF: s.CSRF, Update: hv.CanWrite,
		Reporter: hv.CanWrite && t.Incident.ReportedBy == s.Actor.Authority, Statuses: alerts.IncidentStatuses, Form: map[string]string{}}
	for _, k := range []string{"text", "iocs", "status"} {
		d.Form[k] = form.Get(k)
	}
	v := c.view(&s, "Incident: "+t.Incident.Title, "/alerts")
	v.Error = problem
	if done := r.URL.Query().Get("done"); done != "" && problem == "" {
		v.Notice = "Done: " + secunion.Clip(done, 160) + "."
	}
	v.Data = d
	c.render(w, r, status, "alerts_incident", v)
}

// updateIncident adds the update the form sends.
func (c *Console) updateIncident(w http.ResponseWriter, r *http.Request, s store.Session) {
	decl, ok := c.alertsAllowed(w, r, s, "update an incident report")
	if !ok {
		return
	}
	f := r.PostForm
	collection, id := r.PathValue("collection"), r.PathValue("id")
	_, err := c.db.UpdateIncident(r.Context(), s.Actor, decl, collection, id,
		alerts.UpdateInput{Text: f.Get("text"), IoCs: iocLines(f.Get("iocs")), Status: f.Get("status")}, c.checker(r.Context()))
	if err != nil {
		switch secunion.CodeOf(err) {
		case secunion.Invalid, secunion.Conflict, secunion.Forbidden:
			c.renderIncident(w, r, s, statusOf(err), f, secunion.MessageOf(err))
		default:
			c.fail(w, r, &s, err)
		}
		return
	}
	http.Redirect(w, r, incidentPath(collection, id)+"?done="+url.QueryEscape("the update is on the timeline"), http.StatusSeeOther)
}

// reportData is what the report form shows.
type reportData struct {
	View    store.HubView
	CSRF    string
	TLPs    []string
	Sectors []string
	Form    map[string]string
	Chosen  []string // the sectors ticked
}

// reportForm shows the form to report an incident in a collection.
func (c *Console) reportForm(w http.ResponseWriter, r *http.Request, s store.Session) {
	c.renderReport(w, r, s, http.StatusOK, nil, "")
}

// renderReport shows the report form with status, the values sent (nil
// for a fresh form) and problem, a refusal the user may correct. Only a
// writer of the collection is offered it (a reader is refused, audited);
// the store refuses anyone else who sends it.
func (c *Console) renderReport(w http.ResponseWriter, r *http.Request, s store.Session, status int, form url.Values, problem string) {
	decl, ok := c.alertsAllowed(w, r, s, "report an incident")
	if !ok {
		return
	}
	hv, err := c.db.AlertView(r.Context(), s.Actor, decl, r.PathValue("collection"))
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	if !hv.CanWrite {
		c.deny(w, r, s, decl, "report an incident in collection "+hv.Collection.ID, "your authority reads this collection but does not write it")
		return
	}
	d := reportData{View: hv, CSRF: s.CSRF, TLPs: []string{"clear", "green", "amber", "amber+strict", "red"}, Sectors: alerts.NIS2Sectors,
		Form: map[string]string{"tlp": "amber"}}
	if form != nil {
		for _, k := range []string{"title", "description", "tlp", "iocs"} {
			d.Form[k] = form.Get(k)
		}
		d.Chosen = form["sectors"]
	}
	v := c.view(&s, "Report an incident", "/alerts")
	v.Error = problem
	v.Data = d
	c.render(w, r, status, "alerts_report", v)
}

// reportIncident reports the incident the form describes and shows its
// timeline.
func (c *Console) reportIncident(w http.ResponseWriter, r *http.Request, s store.Session) {
	decl, ok := c.alertsAllowed(w, r, s, "report an incident")
	if !ok {
		return
	}
	f := r.PostForm
	collection := r.PathValue("collection")
	t, err := c.db.ReportIncident(r.Context(), s.Actor, decl, collection, alerts.IncidentInput{Title: f.Get("title"), Description: f.Get("description"),
		TLP: f.Get("tlp"), Sectors: f["sectors"], IoCs: iocLines(f.Get("iocs"))}, c.checker(r.Context()))
	if err != nil {
		switch secunion.CodeOf(err) {
		case secunion.Invalid, secunion.Conflict, secunion.Forbidden:
			c.renderReport(w, r, s, statusOf(err), f, secunion.MessageOf(err))
		default:
			c.fail(w, r, &s, err)
		}
		return
	}
	http.Redirect(w, r, incidentPath(collection, t.Incident.ID)+"?done="+url.QueryEscape("the incident is reported"), http.StatusSeeOther)
}
