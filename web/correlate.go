package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"secunion"
	"secunion/alerts"
	"secunion/store"
)

// correlateLimit is how many matches the correlation page lists; the
// store says when more are held.
const correlateLimit = 100

// correlatePath returns the path of the correlation page asking for v.
func correlatePath(v alerts.Value) string {
	return "/alerts/correlate?" + url.Values{"value": {v.Text}, "kind": {v.Kind}}.Encode()
}

// matchRow is one object a correlation found, as the page lists it.
type matchRow struct {
	Collection, CollectionTitle string
	ID, Type, Label             string
	TLP                         tlpBadge
	Added                       time.Time
	Decay                       *alerts.Decay
}

// correlateData is what the correlation page shows.
type correlateData struct {
	// Value and Kind are what the form sent, shown again.
	Value, Kind string
	Kinds       []string
	// Asked is set once a value was looked up; Parsed is its canonical
	// form.
	Asked       bool
	Parsed      alerts.Value
	Warninglist string
	Matches     []matchRow
	More        bool
}

// correlatePage looks a value up in the hub's correlation index, as the
// API's correlate does and with the same warninglists: only the objects
// the user may receive are listed, each as disclosed (a value in a part
// cut out does not match), and the lookup is audited by the store. A value
// that does not parse is shown with why, on the form.
func (c *Console) correlatePage(w http.ResponseWriter, r *http.Request, s store.Session) {
	decl, ok := c.alertsAllowed(w, r, s, "correlate a value")
	if !ok {
		return
	}
	q := r.URL.Query()
	d := correlateData{Value: q.Get("value"), Kind: q.Get("kind"), Kinds: alerts.Kinds}
	v := c.view(&s, "Correlate a value", "/alerts/correlate")
	if strings.TrimSpace(d.Value) == "" {
		v.Data = d
		c.render(w, r, http.StatusOK, "alerts_correlate", v)
		return
	}
	var val alerts.Value
	var err error
	if d.Kind != "" {
		val, err = alerts.NormalizeValue(d.Kind, d.Value)
	} else {
		val, err = alerts.ParseValue(d.Value)
	}
	if code := secunion.CodeOf(err); code == secunion.Invalid || code == secunion.TooLarge {
		v.Error, v.Data = secunion.MessageOf(err), d
		c.render(w, r, statusOf(err), "alerts_correlate", v)
		return
	}
	ctx := r.Context()
	corr, err := c.db.CorrelateAlerts(ctx, s.Actor, decl, val, c.lists, correlateLimit)
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	cs, err := c.db.AlertCollections(ctx)
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	held := map[string]alerts.Collection{}
	for _, col := range cs {
		held[col.ID] = col
	}
	d.Asked, d.Parsed, d.Warninglist, d.More = true, corr.Value, corr.Warninglist, corr.More
	for _, m := range corr.Matches {
		o, err := alerts.ParseObject(m.Object)
		if err != nil {
			c.fail(w, r, &s, secunion.Wrap(secunion.Internal, err, "a disclosed object does not parse"))
			return
		}
		added, _ := alerts.ParseTime(m.Added)
		d.Matches = append(d.Matches, matchRow{Collection: m.Collection, CollectionTitle: m.Title, ID: m.ID, Type: m.Type,
			Label: labelOf(o), TLP: badgeOf(o, held[m.Collection]), Added: added, Decay: m.Decay})
	}
	v.Data = d
	c.render(w, r, http.StatusOK, "alerts_correlate", v)
}
