package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"secunion"
	"secunion/access"
	"secunion/crisis"
	"secunion/signals"
	"secunion/store"
)

// mayCrisis reports whether a takes part in the EU Crisis Protocol: an
// officer of a competent authority, Europol or a hosting service
// provider.
func mayCrisis(a secunion.Actor) bool {
	return crisis.CanParticipate(access.Kind(a.AuthorityKind)) && a.Has(access.RoleOfficer)
}

// crisisAllowed refuses (audited) a user who does not take part in the
// protocol.
func (c *Console) crisisAllowed(w http.ResponseWriter, r *http.Request, s store.Session, what string) bool {
	if !mayCrisis(s.Actor) {
		c.deny(w, r, s, crisisDecl, what, "the EU Crisis Protocol is for officers of competent authorities, Europol and hosting service providers")
		return false
	}
	return true
}

var crisisDecl = access.Declaration{Purpose: secunion.PurposeTerroristContent}

// incidentsData is what the incident list shows.
type incidentsData struct {
	Incidents []crisis.Incident
	Declare   bool              // the user's authority may declare
	Form      map[string]string // sent values, shown again after a refusal
}

// incidents lists the user's incidents, with the declaration form for
// competent authorities and Europol.
func (c *Console) incidents(w http.ResponseWriter, r *http.Request, s store.Session) {
	c.renderIncidents(w, r, s, http.StatusOK, nil, "")
}

func (c *Console) renderIncidents(w http.ResponseWriter, r *http.Request, s store.Session, status int, form map[string]string, problem string) {
	if !c.crisisAllowed(w, r, s, "open the crisis incidents") {
		return
	}
	list, err := c.db.Incidents(r.Context(), s.Actor)
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	v := c.view(&s, "Crisis incidents", "/crisis")
	v.Error = problem
	v.Data = incidentsData{Incidents: list, Declare: crisis.CanDeclare(access.Kind(s.Actor.AuthorityKind)), Form: form}
	c.render(w, r, status, "crisis", v)
}

// declare declares the incident the form describes.
func (c *Console) declare(w http.ResponseWriter, r *http.Request, s store.Session) {
	if !c.crisisAllowed(w, r, s, "declare a crisis incident") {
		return
	}
	f := r.PostForm
	form := map[string]string{"title": f.Get("title"), "description": f.Get("description"), "participants": f.Get("participants")}
	inc, err := c.db.DeclareIncident(r.Context(), s.Actor, crisis.Incident{Title: f.Get("title"), Description: f.Get("description")},
		strings.FieldsFunc(f.Get("participants"), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' }))
	if err != nil {
		if code := secunion.CodeOf(err); code == secunion.Invalid || code == secunion.Forbidden {
			c.renderIncidents(w, r, s, statusOf(err), form, secunion.MessageOf(err))
			return
		}
		c.fail(w, r, &s, err)
		return
	}
	http.Redirect(w, r, "/crisis/"+inc.ID, http.StatusSeeOther)
}

// roomData is what the crisis room shows; its live part is re-rendered
// for the stream.
type roomData struct {
	store.Room
	CSRF        string
	Algorithms  []signals.Algorithm
	Candidates  []access.Authority // authorities a coordinator may add
	Coordinator bool
	Sharing     bool
}

// ToFirstHash writes the time from activation to the first shared hash.
func (d roomData) ToFirstHash() string {
	if d.Figures.FirstHash.IsZero() || d.Incident.Activated.IsZero() {
		return "no hash shared yet"
	}
	return (time.Duration(d.Figures.ToFirstHash * float64(time.Second))).Round(time.Second).String()
}

// room reads the crisis room of incident id for s with read: the
// audited IncidentRoom when the user opens the room, the unaudited
// RefreshRoom for the stream's updates of a room opened (and audited).
func (c *Console) room(r *http.Request, s store.Session, id string, read func(context.Context, secunion.Actor, string) (store.Room, error)) (roomData, error) {
	room, err := read(r.Context(), s.Actor, id)
	if err != nil {
		return roomData{}, err
	}
	d := roomData{Room: room, CSRF: s.CSRF, Algorithms: []signals.Algorithm{signals.AlgPDQ, signals.AlgMD5, signals.AlgSHA256, signals.AlgSHA512},
		Coordinator: room.Role == crisis.Coordinator, Sharing: room.Incident.State.Sharing()}
	if d.Coordinator && room.Incident.State.Open() {
		all, err := c.db.Authorities(r.Context())
		if err != nil {
			return d, err
		}
		for _, a := range all {
			if crisis.CanParticipate(a.Kind) && !slices.ContainsFunc(room.Participants, func(p crisis.Participant) bool { return p.Authority == a.Code }) {
				d.Candidates = append(d.Candidates, a)
			}
		}
	}
	return d, nil
}

// roomPage shows the crisis room of an incident: its state and the steps
// the user may take, participants, timeline, the hashes and URLs shared
// with the forms to share more, and the figures. static/crisis.js keeps
// the live part current from the stream.
func (c *Console) roomPage(w http.ResponseWriter, r *http.Request, s store.Session) {
	c.renderRoom(w, r, s, http.StatusOK, "")
}

func (c *Console) renderRoom(w http.ResponseWriter, r *http.Request, s store.Session, status int, problem string) {
	if !c.crisisAllowed(w, r, s, "open a crisis room") {
		return
	}
	d, err := c.room(r, s, r.PathValue("id"), c.db.IncidentRoom)
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	v := c.view(&s, "Crisis room: "+d.Incident.Title, "/crisis")
	v.Error = problem
	if done := r.URL.Query().Get("done"); done != "" && problem == "" {
		v.Notice = "Done: " + secunion.Clip(done, 60) + "."
	}
	v.Data = d
	c.render(w, r, status, "crisis_room", v)
}

// afterPost shows the room again after a form: a refusal the user can
// correct on the page, or a redirect saying what was done.
func (c *Console) afterPost(w http.ResponseWriter, r *http.Request, s store.Session, err error, done string) {
	if err != nil {
		switch secunion.CodeOf(err) {
		case secunion.Invalid, secunion.Conflict, secunion.Forbidden:
			c.renderRoom(w, r, s, statusOf(err), secunion.MessageOf(err))
		default:
			c.fail(w, r, &s, err)
		}
		return
	}
	http.Redirect(w, r, "/crisis/"+url.PathEscape(r.PathValue("id"))+"?done="+url.QueryEscape(done), http.StatusSeeOther)
}

// roomStep applies the step a button of the room sends.
func (c *Console) roomStep(w http.ResponseWriter, r *http.Request, s store.Session) {
	if !c.crisisAllowed(w, r, s, "take a step on a crisis incident") {
		return
	}
	f := r.PostForm
	inc, err := c.db.StepIncident(r.Context(), s.Actor, r.PathValue("id"), crisis.Step{Action: crisis.Action(f.Get("action")), Text: f.Get("text")})
	done := "the incident is " + string(inc.State)
	if crisis.Action(f.Get("action")) == crisis.Note {
		done = "the note is on the timeline"
	}
	c.afterPost(w, r, s, err, done)
}

// roomParticipant adds or removes a participant.
func (c *Console) roomParticipant(w http.ResponseWriter, r *http.Request, s store.Session) {
	if !c.crisisAllowed(w, r, s, "change the participants of a crisis incident") {
		return
	}
	code := r.PostForm.Get("authority")
	if r.PostForm.Get("remove") != "" {
		c.afterPost(w, r, s, c.db.RemoveParticipant(r.Context(), s.Actor, r.PathValue("id"), code), secunion.Clip(code, 40)+" no longer takes part")
		return
	}
	c.afterPost(w, r, s, c.db.AddParticipant(r.Context(), s.Actor, r.PathValue("id"), code), secunion.Clip(code, 40)+" takes part and is notified")
}

// roomHash shares the hash the form sends.
func (c *Console) roomHash(w http.ResponseWriter, r *http.Request, s store.Session) {
	if !c.crisisAllowed(w, r, s, "share a hash in a crisis incident") {
		return
	}
	f := r.PostForm
	_, created, err := c.db.ShareHash(r.Context(), s.Actor, r.PathValue("id"),
		signals.Entry{Algorithm: signals.Algorithm(f.Get("algorithm")), Value: f.Get("value"), Labels: signals.Labels{ContentType: f.Get("content_type")}}, f.Get("note"))
	done := "the hash is in the incident's bank and reaches every participant"
	if !created {
		done = "the hash was shared already"
	}
	c.afterPost(w, r, s, err, done)
}

// roomURL shares the URL the form sends.
func (c *Console) roomURL(w http.ResponseWriter, r *http.Request, s store.Session) {
	if !c.crisisAllowed(w, r, s, "share a URL in a crisis incident") {
		return
	}
	_, created, err := c.db.ShareURL(r.Context(), s.Actor, r.PathValue("id"), r.PostForm.Get("url"), r.PostForm.Get("note"))
	done := "the URL is shared with every participant"
	if !created {
		done = "the URL was shared already"
	}
	c.afterPost(w, r, s, err, done)
}

// roomStream sends, as Server-Sent Events ("room"), the room's live part
// rendered on the server whenever the incident's state, timeline, shares
// or blocked uploads change. Opening the stream is audited as a reading
// of the room; its updates are not (see store.RefreshRoom). It ends when
// the browser goes away or the user no longer takes part.
func (c *Console) roomStream(w http.ResponseWriter, r *http.Request, s store.Session) {
	if !c.crisisAllowed(w, r, s, "follow a crisis room") {
		return
	}
	id := r.PathValue("id")
	if _, err := c.db.IncidentRoom(r.Context(), s.Actor, id); err != nil {
		c.fail(w, r, &s, err)
		return
	}
	last, err := c.db.IncidentPulse(r.Context(), s.Actor, id)
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	rc.Flush()
	t := time.NewTicker(streamInterval)
	defer t.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-t.C:
		}
		pulse, err := c.db.IncidentPulse(r.Context(), s.Actor, id)
		if err != nil {
			return
		}
		if pulse == last {
			continue
		}
		last = pulse
		d, err := c.room(r, s, id, c.db.RefreshRoom)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := c.pages["crisis_room"].ExecuteTemplate(&buf, "live", d); err != nil {
			c.log.Error("web: render crisis room", "err", err)
			return
		}
		writeEvent(w, "room", buf.String())
		if rc.Flush() != nil {
			return
		}
	}
}
