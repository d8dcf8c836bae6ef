package web

import (
	"bytes"
	"cmp"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"secunion"
	"secunion/access"
	"secunion/alerts"
	"secunion/store"
)

// alertDecl is the declaration of the alert hub's pages.
var alertDecl = access.Declaration{Purpose: secunion.PurposeAlertSharing}

// alertPage is how many objects a collection page shows.
const alertPage = 50

// maxVersions is how many versions of one object its page reads.
const maxVersions = 1000

// mayShareAlerts reports whether a works in the alert hub, as the TAXII
// routes allow: an officer of an authority whose kind may declare the
// purpose of alert sharing.
func mayShareAlerts(a secunion.Actor) bool {
	_, ok := access.ProfileFor(access.Kind(a.AuthorityKind), secunion.PurposeAlertSharing)
	return ok && a.Has(access.RoleOfficer)
}

// overseesHub reports whether a reads the hub's agreements and what went
// out under them: the hub's administrators and the supervisors.
func overseesHub(a secunion.Actor) bool {
	return access.CanManageAuthorities(a) || a.Has(access.RoleSupervisor)
}

// hubLinks are the alert hub's entries of the navigation for a; each page
// of the hub adds its entry here.
func hubLinks(a secunion.Actor) []link {
	var l []link
	if mayShareAlerts(a) {
		l = append(l, link{Path: "/alerts", Label: "Alert hub"}, link{Path: "/alerts/correlate", Label: "Correlate"})
	}
	// The rooms of the Rapid Alert System are one entry, for the people
	// who act in them; other readers of a room reach it from the
	// collections page.
	if mayAlertRAS(a) {
		l = append(l, link{Path: "/alerts/ras", Label: "Rapid Alert System"})
	}
	if overseesHub(a) {
		l = append(l, link{Path: "/alerts/agreements", Label: "Agreements"})
	}
	return l
}

// alertsAllowed declares the purpose of alert sharing for s, refusing
// (audited) a user who does not work in the hub.
func (c *Console) alertsAllowed(w http.ResponseWriter, r *http.Request, s store.Session, what string) (access.Declaration, bool) {
	decl, _, err := access.Declare(s.Actor, string(secunion.PurposeAlertSharing), "")
	if err != nil || !mayShareAlerts(s.Actor) {
		c.deny(w, r, s, alertDecl, what, "the alert hub is for officers of authorities that share alerts")
		return decl, false
	}
	return decl, true
}

// tlpBadge is a TLP level as the pages draw it, in the colours of TLP 2.0.
type tlpBadge struct {
	Level alerts.TLP
	// Default marks an object without a TLP marking, at its collection's
	// default.
	Default bool
}

// Label writes the level as TLP 2.0 labels it, e.g. TLP:AMBER+STRICT.
func (b tlpBadge) Label() string { return "TLP:" + strings.ToUpper(b.Level.String()) }

// Class is the badge's style class.
func (b tlpBadge) Class() string { return "tlp-" + strings.ReplaceAll(b.Level.String(), "+", "-") }

// badgeOf returns the TLP badge of o in collection c.
func badgeOf(o alerts.Object, c alerts.Collection) tlpBadge {
	if t, ok := alerts.ObjectTLP(o); ok {
		return tlpBadge{Level: t}
	}
	return tlpBadge{Level: c.DefaultTLP, Default: true}
}

// collectionsData is what the collections page shows.
type collectionsData struct {
	Views []store.HubView
	// Rooms are the collections with a room of the Rapid Alert System.
	Rooms map[string]bool
}

// collections lists the collections the user may read or write.
func (c *Console) collections(w http.ResponseWriter, r *http.Request, s store.Session) {
	decl, ok := c.alertsAllowed(w, r, s, "open the alert hub")
	if !ok {
		return
	}
	// No object counts: a count of what the user may receive would run
	// Disclose on every object, and a count of what is held would tell a
	// reader how much is withheld from it.
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
	v := c.view(&s, "Alert hub", "/alerts")
	v.Data = collectionsData{Views: vs, Rooms: rooms}
	c.render(w, r, http.StatusOK, "alerts", v)
}

// objectRow is an object as a collection page lists it.
type objectRow struct {
	ID, Type, Label string
	TLP             tlpBadge
	Modified        time.Time
	Origin          string
	Redacted        bool
}

// collectionData is what a collection page shows.
type collectionData struct {
	View       store.HubView
	Types      []string
	Type       string
	Rows       []objectRow
	Withheld   int
	ShowOrigin bool
	Next       string // the link to the next page; "" on the last
	Paged      bool   // the page is not the first
}

// hubPath returns the path of a collection's page, or of one of its
// objects when object is set.
func hubPath(collection, object string) string {
	p := "/alerts/collections/" + url.PathEscape(collection)
	if object != "" {
		p += "/objects/" + url.PathEscape(object)
	}
	return p
}

// collectionPage shows a page of a collection's objects, latest versions,
// as the user may receive them: the page is read through the store's
// disclosure path, so it is audited and redacted as TAXII is.
func (c *Console) collectionPage(w http.ResponseWriter, r *http.Request, s store.Session) {
	decl, ok := c.alertsAllowed(w, r, s, "open a collection")
	if !ok {
		return
	}
	ctx := r.Context()
	hv, err := c.db.AlertView(ctx, s.Actor, decl, r.PathValue("id"))
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	q := r.URL.Query()
	d := collectionData{View: hv, Type: strings.TrimSpace(q.Get("type")), Paged: q.Get("next") != "",
		Types: slices.Concat(alerts.SDOTypes, alerts.SROTypes, alerts.SCOTypes, alerts.MetaTypes),
		// A third-country partner receives from the hub, not from the
		// Member State authority that shared: origins stay in the Union.
		ShowOrigin: !hv.Recipient.Partner}
	v := c.view(&s, hv.Collection.Title, "/alerts")
	if !hv.CanRead {
		v.Notice = "Your authority writes to this collection but does not read it."
		v.Data = d
		c.render(w, r, http.StatusOK, "alerts_collection", v)
		return
	}
	query := url.Values{"limit": {strconv.Itoa(alertPage)}, "next": {q.Get("next")}}
	if d.Type != "" {
		query.Set("match[type]", d.Type)
	}
	f, err := alerts.ParseFilter(query, "last")
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	page, err := c.db.AlertObjects(ctx, s.Actor, decl, hv, f, "")
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	for i, raw := range page.Objects {
		o, err := alerts.ParseObject(raw)
		if err != nil {
			c.fail(w, r, &s, secunion.Wrap(secunion.Internal, err, "a disclosed object does not parse"))
			return
		}
		added, _ := alerts.ParseTime(page.Manifest[i].DateAdded)
		d.Rows = append(d.Rows, objectRow{ID: o.ID, Type: o.Type, Label: labelOf(o), TLP: badgeOf(o, hv.Collection),
			Modified: cmp.Or(o.Modified, o.Created, added), Origin: page.Origins[i], Redacted: page.Redacted[i] != nil})
	}
	d.Withheld = page.Withheld
	if page.More {
		next := url.Values{"next": {page.Next}}
		if d.Type != "" {
			next.Set("type", d.Type)
		}
		d.Next = hubPath(hv.Collection.ID, "") + "?" + next.Encode()
	}
	v.Data = d
	c.render(w, r, http.StatusOK, "alerts_collection", v)
}

// labelOf names an object for a list: its name, else its value (a
// cyber-observable), else its pattern, else its id.
func labelOf(o alerts.Object) string {
	for _, k := range []string{"name", "value", "pattern"} {
		if s, ok := o.Props[k].(string); ok && s != "" {
			return secunion.Clip(s, 200)
		}
	}
	return o.ID
}

// property is one top-level property of an object as received, or a
// selector cut out of it.
type property struct {
	Name, Value string
	Redacted    bool
}

// markingView is one marking of an object.
type markingView struct {
	Ref string
	// TLP is set for the TLP markings; Name, Kind and Statement describe
	// another marking definition when the collection holds it.
	TLP             *tlpBadge
	Name, Kind      string
	Statement       string
	Held            bool
	Lang, Selectors string // of a granular marking
}

// handlingView is an object's handling extension, explained.
type handlingView struct {
	alerts.Handling
	// Meaning, Reliability and Credibility say what the code and the
	// grades mean.
	Meaning, Reliability, Credibility string
}

// The meanings of the handling codes and of the 4×4 evaluation (Europol's
// SIENA, as alerts.Handling documents them).
var (
	handlingCodes = map[string]string{
		"H0": "no restriction",
		"H1": "not to be used as evidence in judicial proceedings without the provider's permission",
		"H2": "not to be disseminated further without the provider's permission",
		"H3": "other restrictions",
	}
	sourceReliability = map[string]string{"A": "no doubt", "B": "mostly reliable", "C": "not reliable", "X": "cannot be judged"}
	infoCredibility   = map[string]string{"1": "known to be true without reservation", "2": "known personally to the source",
		"3": "not known personally to the source, corroborated", "4": "cannot be judged"}
)

// versionRow is one version of an object.
type versionRow struct {
	Version, Link string
	Added         time.Time
	Current       bool
}

// reachRow is one line of "who may see it".
type reachRow struct {
	store.Reach
	Outcome string // received, received redacted, withheld
}

// objectData is what an object page shows.
type objectData struct {
	View         store.HubView
	ID, Type     string
	Label        string
	Version      string
	Origin       string
	ShowOrigin   bool
	TLP          tlpBadge
	Properties   []property
	Markings     []markingView // object markings other than TLP
	Granular     []markingView
	Redacted     []string
	Handling     *handlingView
	JSON         string
	Versions     []versionRow
	MoreVersions bool
	// Audience is who may see the object: shown to its origin alone (see
	// objectPage).
	Audience []reachRow
	// Values are the observable values of the object as received, each
	// linked to its correlation.
	Values []alerts.Value
}

// objectPage shows one object (the version asked for, else the latest)
// as the user receives it, read through the store's disclosure path
// (audited and redacted), with its markings and its versions.
//
// "Who may see it" runs alerts.Disclose for each possible recipient and
// shows only the decisions, never content. It names the collection's
// reader group and the agreements with third countries, which the product
// shows to the hub's administrators alone (the API lists groups and
// agreements only to them), so a reader may not see it: only the
// authority that added the object, which chose its markings and must know
// where they let it go. The hub's administrators may ask the store too,
// but they read no collection, so no object page reaches them.
func (c *Console) objectPage(w http.ResponseWriter, r *http.Request, s store.Session) {
	decl, ok := c.alertsAllowed(w, r, s, "open an alert object")
	if !ok {
		return
	}
	ctx := r.Context()
	hv, err := c.db.AlertView(ctx, s.Actor, decl, r.PathValue("id"))
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	id := r.PathValue("object")
	notFound := secunion.Errorf(secunion.NotFound, "no object %s that you may read in this collection", secunion.Clip(id, 100))
	f, err := alerts.ParseFilter(url.Values{"match[id]": {id}, "match[version]": {"all"}, "limit": {strconv.Itoa(maxVersions)}}, "all")
	if err != nil {
		c.fail(w, r, &s, notFound)
		return
	}
	// Every version the user may receive is read, and audited as
	// received, in one disclosure: the page lists them all.
	page, err := c.db.AlertObjects(ctx, s.Actor, decl, hv, f, "")
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	if len(page.Objects) == 0 {
		c.fail(w, r, &s, notFound)
		return
	}
	want := r.URL.Query().Get("version")
	pick := -1
	for i, m := range page.Manifest {
		if m.Version == want {
			pick = i
		}
	}
	if pick < 0 && want != "" {
		c.fail(w, r, &s, secunion.Errorf(secunion.NotFound, "no version %s of %s that you may read", secunion.Clip(want, 40), secunion.Clip(id, 100)))
		return
	}
	if pick < 0 {
		pick = latest(page.Manifest)
	}
	o, err := alerts.ParseObject(page.Objects[pick])
	if err != nil {
		c.fail(w, r, &s, secunion.Wrap(secunion.Internal, err, "a disclosed object does not parse"))
		return
	}
	d := objectData{View: hv, ID: o.ID, Type: o.Type, Label: labelOf(o), Version: page.Manifest[pick].Version,
		Origin: page.Origins[pick], ShowOrigin: !hv.Recipient.Partner, TLP: badgeOf(o, hv.Collection),
		Redacted: page.Redacted[pick], MoreVersions: page.More}
	d.Properties = properties(o, d.Redacted)
	d.Values = alerts.Values(o)
	var pretty bytes.Buffer
	json.Indent(&pretty, page.Objects[pick], "", "  ")
	d.JSON = pretty.String()
	if d.Markings, d.Granular, err = c.markings(r, s, decl, hv, o); err != nil {
		c.fail(w, r, &s, err)
		return
	}
	if h, err := alerts.HandlingOf(o); err == nil && (h.Code+h.SourceReliability+h.InformationCredibility+h.Restrictions != "" || len(h.Recipients) > 0) {
		d.Handling = &handlingView{Handling: h, Meaning: handlingCodes[h.Code], Reliability: sourceReliability[h.SourceReliability], Credibility: infoCredibility[h.InformationCredibility]}
	}
	for i, m := range page.Manifest {
		added, _ := alerts.ParseTime(m.DateAdded)
		d.Versions = append(d.Versions, versionRow{Version: m.Version, Added: added, Current: i == pick,
			Link: hubPath(hv.Collection.ID, o.ID) + "?" + url.Values{"version": {m.Version}}.Encode()})
	}
	slices.Reverse(d.Versions) // newest added first
	if d.Origin == s.Actor.Authority && !hv.Recipient.Partner {
		version, _ := alerts.ParseTime(d.Version)
		reach, err := c.db.AlertAudience(ctx, s.Actor, decl, hv.Collection.ID, o.ID, version)
		if err != nil {
			c.fail(w, r, &s, err)
			return
		}
		for _, x := range reach {
			row := reachRow{Reach: x, Outcome: "received"}
			switch {
			case x.Withheld != "":
				row.Outcome = "withheld"
			case x.Redacted != nil:
				row.Outcome = "received redacted"
			}
			d.Audience = append(d.Audience, row)
		}
	}
	v := c.view(&s, d.Label, "/alerts")
	v.Data = d
	c.render(w, r, http.StatusOK, "alerts_object", v)
}

// latest returns the index of the newest version in m.
func latest(m []alerts.ManifestRecord) int {
	best, newest := 0, time.Time{}
	for i, r := range m {
		if t, _ := alerts.ParseTime(r.Version); t.After(newest) {
			best, newest = i, t
		}
	}
	return best
}

// properties lists o's top-level properties, without its markings (shown
// apart), and the selectors cut out of it, in one order by name.
func properties(o alerts.Object, redacted []string) []property {
	var ps []property
	for k, v := range o.Props {
		if k == "granular_markings" || k == "object_marking_refs" {
			continue
		}
		text, ok := v.(string)
		if !ok {
			b, _ := json.Marshal(v)
			text = string(b)
		}
		ps = append(ps, property{Name: k, Value: text})
	}
	for _, sel := range redacted {
		ps = append(ps, property{Name: sel, Redacted: true})
	}
	slices.SortFunc(ps, func(a, b property) int { return strings.Compare(a.Name, b.Name) })
	return ps
}

// markings describes o's object markings other than TLP, and its granular
// markings. Marking definitions held in the collection are read through
// the disclosure path, so their statements are received (and audited) as
// any object is.
func (c *Console) markings(r *http.Request, s store.Session, decl access.Declaration, hv store.HubView, o alerts.Object) (object, granular []markingView, err error) {
	var refs []string
	for _, m := range o.Markings {
		if _, ok := alerts.TLPMarking(m); !ok {
			refs = append(refs, m)
		}
	}
	for _, g := range o.Granular {
		if _, ok := alerts.TLPMarking(g.MarkingRef); !ok && g.MarkingRef != "" && !slices.Contains(refs, g.MarkingRef) {
			refs = append(refs, g.MarkingRef)
		}
	}
	held := map[string]markingView{}
	if len(refs) > 0 {
		f, err := alerts.ParseFilter(url.Values{"match[id]": {strings.Join(refs, ",")}, "match[type]": {"marking-definition"}, "limit": {strconv.Itoa(len(refs))}}, "last")
		if err != nil {
			return nil, nil, err
		}
		page, err := c.db.AlertObjects(r.Context(), s.Actor, decl, hv, f, "")
		if err != nil {
			return nil, nil, err
		}
		for _, raw := range page.Objects {
			var def struct {
				ID, Name       string
				DefinitionType string `json:"definition_type"`
				Definition     struct{ Statement string }
			}
			if json.Unmarshal(raw, &def) == nil {
				held[def.ID] = markingView{Ref: def.ID, Name: def.Name, Kind: def.DefinitionType, Statement: def.Definition.Statement, Held: true}
			}
		}
	}
	describe := func(ref string) markingView {
		if t, ok := alerts.TLPMarking(ref); ok {
			return markingView{Ref: ref, TLP: &tlpBadge{Level: t}, Held: true}
		}
		if m, ok := held[ref]; ok {
			return m
		}
		return markingView{Ref: ref}
	}
	for _, ref := range refs {
		if slices.Contains(o.Markings, ref) {
			object = append(object, describe(ref))
		}
	}
	for _, g := range o.Granular {
		m := markingView{Lang: g.Lang}
		if g.MarkingRef != "" {
			m = describe(g.MarkingRef)
			m.Lang = g.Lang
		}
		m.Selectors = strings.Join(g.Selectors, ", ")
		granular = append(granular, m)
	}
	return object, granular, nil
}
