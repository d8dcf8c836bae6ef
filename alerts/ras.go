package alerts

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"secunion"
)

// The Rapid Alert System against disinformation (DOMAIN.md §6) is kept in
// ordinary hub collections as STIX objects, so that it federates over
// TAXII and goes through Disclose like any other object:
//
//   - An alert is a custom object of type RASAlertType, raised by a person
//     of a contact point against the one threshold the RAS states
//     (transnational significant impact), with a justification, and
//     tagged with DISARM techniques: attack-pattern identifiers in
//     x_disarm_refs, their DISARM ids (T0049, …) in x_disarm_techniques and
//     their names in x_disarm_names, so that a node which does not hold
//     DISARM still shows them. x_raised_by is the contact point,
//     x_raised_by_user the person, x_member_state the contact point's
//     Member State (EU for an institution).
//   - Closing an alert is a new version of it (a later modified) with
//     x_status "closed": only the authority that raised an alert adds
//     versions of it, which the store enforces for every object.
//   - An acknowledgement is a custom object of type RASAckType naming the
//     alert in object_refs and the contact point in x_contact_point. Its
//     identifier is derived from the two, so a contact point that
//     acknowledges again makes no second acknowledgement.
//   - A narrative is a campaign, or a custom x-narrative object where a
//     tool keeps narratives apart from campaigns; an alert names its
//     narratives in x_narrative_refs, and a sighting of a narrative, an
//     alert or a technique reports it seen in the sighting's Member State.

// The types and fixed values of the Rapid Alert System's objects.
const (
	RASAlertType = "x-eu-ras-alert"
	RASAckType   = "x-eu-ras-acknowledgement"
	// Threshold is the one threshold at which a contact point raises an
	// alert, as the RAS states it: disinformation with a transnational
	// significant impact, which calls for a response of several Member
	// States at once. Below it, contact points share information in the
	// collection without raising an alert.
	Threshold = "transnational-significant-impact"
)

// NarrativeTypes are the types of objects the RAS treats as narratives.
var NarrativeTypes = []string{"campaign", "x-narrative"}

// The states of an alert.
const (
	AlertOpen         = "open"         // some contact point has not acknowledged it
	AlertAcknowledged = "acknowledged" // every contact point has
	AlertClosed       = "closed"       // its raiser closed it
)

// ackSpace is the UUID namespace of acknowledgement identifiers.
var ackSpace = uuid.MustParse("4f7c2d1e-9b3a-5e8f-a6d4-2c1b0e9f8a7d")

// AlertInput is what a contact point states to raise an alert.
type AlertInput struct {
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	// Threshold must be Threshold, and Justification say why the case
	// reaches it: an alert is a person's judgement, stated.
	Threshold     string `json:"threshold"`
	Justification string `json:"justification"`
	// Techniques are DISARM techniques by id (T0049, T0019.001) or by
	// their attack-pattern identifier; each must be held in a collection
	// the raiser reads.
	Techniques []string `json:"techniques"`
	// Narratives are identifiers of campaign or x-narrative objects.
	Narratives []string `json:"narratives,omitempty"`
	// TLP is the alert's marking, TLP:AMBER when empty; never TLP:RED,
	// which would keep it from the contact points it is for.
	TLP string `json:"tlp,omitempty"`
}

// Validate checks the input and normalises its text.
func (in *AlertInput) Validate() error {
	in.Title = strings.TrimSpace(in.Title)
	in.Description = strings.TrimSpace(in.Description)
	in.Justification = strings.TrimSpace(in.Justification)
	switch {
	case in.Title == "" || len(in.Title) > 200:
		return invalidf("title", "give 1 to 200 characters")
	case len(in.Description) > 20000:
		return invalidf("description", "at most 20,000 characters")
	case in.Threshold != Threshold:
		return invalidf("threshold", "an alert is raised only at the threshold %q; below it, share the information in the collection without an alert", Threshold)
	case in.Justification == "":
		return invalidf("justification", "say why the case has a transnational significant impact")
	case len(in.Justification) > 4000:
		return invalidf("justification", "at most 4,000 characters")
	case len(in.Techniques) == 0:
		return invalidf("techniques", "name at least one DISARM technique (e.g. T0049)")
	case len(in.Techniques) > 50:
		return invalidf("techniques", "at most 50")
	case len(in.Narratives) > 50:
		return invalidf("narratives", "at most 50")
	}
	for i, n := range in.Narratives {
		if err := checkID(fmt.Sprintf("narratives[%d]", i), n, NarrativeTypes...); err != nil {
			return err
		}
	}
	if _, err := in.level(); err != nil {
		return err
	}
	return nil
}

// level returns the alert's TLP level.
func (in AlertInput) level() (TLP, error) {
	if in.TLP == "" {
		return TLPAmber, nil
	}
	t, err := ParseTLP(in.TLP)
	if err != nil {
		return t, invalidf("tlp", "%s", secunion.MessageOf(err))
	}
	if t == TLPRed {
		return t, invalidf("tlp", "an alert is for every contact point: at most amber+strict")
	}
	return t, nil
}

// Technique is a DISARM technique as the hub holds it: an attack-pattern.
type Technique struct {
	Ref  string `json:"ref"` // the attack-pattern's identifier
	ID   string `json:"id"`  // its DISARM id, T0049
	Name string `json:"name"`
}

var disarmID = regexp.MustCompile(`^T[0-9]{4}(\.[0-9]{3})?$`)

// TechniqueOf reads a DISARM technique from an attack-pattern: one whose
// external reference gives a technique id (T followed by four digits) and
// comes from DISARM, by its source name or its address. DISARM's own
// bundle names its techniques' source "mitre-attack", whose ATT&CK ids
// look the same, so the address decides where the name does not.
func TechniqueOf(o Object) (Technique, bool) {
	if o.Type != "attack-pattern" {
		return Technique{}, false
	}
	var refs []struct {
		Source     string `json:"source_name"`
		URL        string `json:"url"`
		ExternalID string `json:"external_id"`
	}
	if remarshalLoose(o.Props["external_references"], &refs) != nil {
		return Technique{}, false
	}
	for _, r := range refs {
		fromDISARM := strings.EqualFold(r.Source, "DISARM") || strings.Contains(strings.ToLower(r.URL), "disarm")
		if fromDISARM && disarmID.MatchString(r.ExternalID) {
			name, _ := o.Props["name"].(string)
			return Technique{Ref: o.ID, ID: r.ExternalID, Name: name}, true
		}
	}
	return Technique{}, false
}

// ResolveTechniques finds each of refs (a DISARM id or an attack-pattern
// identifier) among held, the techniques the raiser may read, and names
// the first that is not there.
func ResolveTechniques(refs []string, held []Technique) ([]Technique, error) {
	out := make([]Technique, 0, len(refs))
	for i, r := range refs {
		r = strings.TrimSpace(r)
		k := slices.IndexFunc(held, func(t Technique) bool { return t.Ref == r || t.ID == r })
		if k < 0 {
			return nil, invalidf(fmt.Sprintf("techniques[%d]", i), "%q is no DISARM technique held in a collection you read (import DISARM.json with secunion alerts import)", secunion.Clip(r, 80))
		}
		if !slices.ContainsFunc(out, func(t Technique) bool { return t.Ref == held[k].Ref }) {
			out = append(out, held[k])
		}
	}
	return out, nil
}

// Raiser is the person who raises or acknowledges an alert, and the
// contact point they act for.
type Raiser struct {
	Authority string // the contact point's code
	Country   string // its Member State, or EU for an institution
	User      string // the person's login
}

// Alert is an alert of the Rapid Alert System, as read from its latest
// version.
type Alert struct {
	ID            string      `json:"id"`
	Title         string      `json:"title"`
	Description   string      `json:"description,omitempty"`
	Threshold     string      `json:"threshold"`
	Justification string      `json:"justification"`
	Techniques    []Technique `json:"techniques"`
	Narratives    []string    `json:"narratives"`
	RaisedBy      string      `json:"raised_by"`
	RaisedByUser  string      `json:"raised_by_user"`
	MemberState   string      `json:"member_state"`
	Raised        time.Time   `json:"raised"`
	Modified      time.Time   `json:"modified"`
	TLP           TLP         `json:"tlp"`
	Closed        bool        `json:"closed"`
	ClosedReason  string      `json:"closed_reason,omitempty"`
}

// alertProps are an alert object's properties, as written.
type alertProps struct {
	sdoProps
	Threshold     string   `json:"x_threshold"`
	Justification string   `json:"x_threshold_justification"`
	DisarmRefs    []string `json:"x_disarm_refs"`
	DisarmIDs     []string `json:"x_disarm_techniques"`
	DisarmNames   []string `json:"x_disarm_names"`
	Narratives    []string `json:"x_narrative_refs,omitempty"`
	RaisedBy      string   `json:"x_raised_by"`
	RaisedByUser  string   `json:"x_raised_by_user"`
	MemberState   string   `json:"x_member_state"`
	Status        string   `json:"x_status"`
	ClosedReason  string   `json:"x_closed_reason,omitempty"`
}

// NewAlert returns the STIX object of an alert that r raises at now, with
// the techniques resolved. in must be valid.
func NewAlert(in AlertInput, techniques []Technique, r Raiser, now time.Time) (json.RawMessage, error) {
	level, err := in.level()
	if err != nil {
		return nil, err
	}
	p := alertProps{sdoProps: newSDO(RASAlertType, in.Title, in.Description, level, now),
		Threshold: in.Threshold, Justification: in.Justification, Narratives: in.Narratives,
		RaisedBy: r.Authority, RaisedByUser: r.User, MemberState: r.Country, Status: AlertOpen}
	for _, t := range techniques {
		p.DisarmRefs, p.DisarmIDs, p.DisarmNames = append(p.DisarmRefs, t.Ref), append(p.DisarmIDs, t.ID), append(p.DisarmNames, t.Name)
	}
	return json.Marshal(p)
}

// CloseAlert returns the version of alert o that closes it, for reason,
// at now (or just after o's version, if now is not later).
func CloseAlert(o Object, reason string, now time.Time) (json.RawMessage, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 4000 {
		return nil, invalidf("reason", "say in 1 to 4,000 characters why the alert is closed")
	}
	var p alertProps
	if err := json.Unmarshal(o.Raw, &p); err != nil || o.Type != RASAlertType {
		return nil, secunion.Errorf(secunion.Invalid, "%s is not an alert", o.ID)
	}
	if p.Status == AlertClosed {
		return nil, secunion.Errorf(secunion.Conflict, "the alert is closed already")
	}
	if !now.After(o.Modified) {
		now = o.Modified.Add(time.Millisecond)
	}
	p.Modified, p.Status, p.ClosedReason = FormatTime(now), AlertClosed, reason
	return json.Marshal(p)
}

// ReadAlert reads an alert object.
func ReadAlert(o Object) (Alert, error) {
	var p alertProps
	if o.Type != RASAlertType || json.Unmarshal(o.Raw, &p) != nil {
		return Alert{}, secunion.Errorf(secunion.Invalid, "%s is not an alert of the Rapid Alert System", secunion.Clip(o.ID, 100))
	}
	a := Alert{ID: o.ID, Title: p.Name, Description: p.Description, Threshold: p.Threshold, Justification: p.Justification,
		Narratives: nonNilStrings(p.Narratives), RaisedBy: p.RaisedBy, RaisedByUser: p.RaisedByUser, MemberState: p.MemberState,
		Raised: o.Created, Modified: o.Modified, Closed: p.Status == AlertClosed, ClosedReason: p.ClosedReason}
	a.TLP, _ = ObjectTLP(o)
	for i, ref := range p.DisarmRefs {
		t := Technique{Ref: ref}
		if i < len(p.DisarmIDs) {
			t.ID = p.DisarmIDs[i]
		}
		if i < len(p.DisarmNames) {
			t.Name = p.DisarmNames[i]
		}
		a.Techniques = append(a.Techniques, t)
	}
	return a, nil
}

// Ack is a contact point's acknowledgement of an alert.
type Ack struct {
	ID           string    `json:"id"`
	Alert        string    `json:"alert"`
	ContactPoint string    `json:"contact_point"`
	User         string    `json:"user"`
	At           time.Time `json:"at"`
}

// AckID returns the identifier of contact point cp's acknowledgement of
// alert: the same for every time it acknowledges.
func AckID(alert, cp string) string {
	return RASAckType + "--" + uuid.NewSHA1(ackSpace, []byte(alert+"\x00"+cp)).String()
}

// NewAck returns the acknowledgement of alert a by r at now, marked as
// the alert is.
func NewAck(a Alert, r Raiser, now time.Time) (json.RawMessage, error) {
	ts := FormatTime(now)
	return json.Marshal(map[string]any{"type": RASAckType, "spec_version": "2.1", "id": AckID(a.ID, r.Authority), "created": ts, "modified": ts,
		"object_refs": []string{a.ID}, "x_contact_point": r.Authority, "x_acknowledged_by_user": r.User,
		"object_marking_refs": []string{TLPMarkingID(a.TLP)}})
}

// ReadAck reads an acknowledgement object.
func ReadAck(o Object) (Ack, bool) {
	if o.Type != RASAckType {
		return Ack{}, false
	}
	refs, _ := o.refs("object_refs")
	cp, _ := o.Props["x_contact_point"].(string)
	user, _ := o.Props["x_acknowledged_by_user"].(string)
	if len(refs) != 1 || cp == "" {
		return Ack{}, false
	}
	return Ack{ID: o.ID, Alert: refs[0], ContactPoint: cp, User: user, At: o.Created}, true
}

// AlertState is an alert with where its acknowledgements stand.
type AlertState struct {
	Alert
	Status       string `json:"status"`
	Acknowledged []Ack  `json:"acknowledged"`
	// Outstanding are the contact points that have yet to acknowledge.
	Outstanding []string `json:"outstanding"`
}

// StateOf decides where alert a stands given acks, the acknowledgements
// held, and contactPoints, the contact points among the collection's
// readers: closed once its raiser closed it; otherwise open while any
// contact point but the raiser (which acknowledged by raising) has not
// acknowledged, then acknowledged. A contact point counts once however
// often it acknowledges, at its first acknowledgement.
func StateOf(a Alert, acks []Ack, contactPoints []string) AlertState {
	s := AlertState{Alert: a, Acknowledged: []Ack{}, Outstanding: []string{}}
	seen := map[string]bool{}
	sorted := slices.Clone(acks)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].At.Before(sorted[j].At) })
	for _, k := range sorted {
		if k.Alert == a.ID && !seen[k.ContactPoint] {
			seen[k.ContactPoint] = true
			s.Acknowledged = append(s.Acknowledged, k)
		}
	}
	for _, cp := range contactPoints {
		if cp != a.RaisedBy && !seen[cp] {
			s.Outstanding = append(s.Outstanding, cp)
		}
	}
	sort.Strings(s.Outstanding)
	switch {
	case a.Closed:
		s.Status = AlertClosed
	case len(s.Outstanding) > 0:
		s.Status = AlertOpen
	default:
		s.Status = AlertAcknowledged
	}
	return s
}

// Narrative is a narrative the RAS follows.
type Narrative struct {
	ID          string `json:"id"`
	Type        string `json:"type"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// ReadNarrative reads a narrative object.
func ReadNarrative(o Object) (Narrative, bool) {
	if !slices.Contains(NarrativeTypes, o.Type) {
		return Narrative{}, false
	}
	name, _ := o.Props["name"].(string)
	desc, _ := o.Props["description"].(string)
	return Narrative{ID: o.ID, Type: o.Type, Name: name, Description: desc}, true
}

// Sighting is a report that something was seen, and in which Member
// State: that of the authority that added the sighting, which the hub
// knows, not what the object claims.
type Sighting struct {
	ID      string
	Of      string // sighting_of_ref
	Seen    time.Time
	Country string
	Count   int
}

// ReadSighting reads a sighting added by an authority of country: when it
// was last seen (else first seen, else created) and how often.
func ReadSighting(o Object, country string) (Sighting, bool) {
	if o.Type != "sighting" {
		return Sighting{}, false
	}
	of, _ := o.Props["sighting_of_ref"].(string)
	s := Sighting{ID: o.ID, Of: of, Seen: o.Created, Country: country, Count: 1}
	for _, p := range []string{"first_seen", "last_seen"} {
		if v, ok := o.Props[p].(string); ok {
			if t, err := ParseTime(v); err == nil {
				s.Seen = t
			}
		}
	}
	if n, ok := o.Props["count"].(json.Number); ok {
		if c, err := n.Int64(); err == nil && c > 0 && c < 1_000_000_000 {
			s.Count = int(c)
		}
	}
	return s, of != ""
}

// Spread is how far a narrative or a technique has spread in the window
// of a dashboard: the Member States (EU for an institution) that raised
// an alert of it or reported it sighted.
type Spread struct {
	Ref       string    `json:"ref"`
	ID        string    `json:"id,omitempty"` // a technique's DISARM id
	Name      string    `json:"name"`
	States    []string  `json:"states"`
	Alerts    int       `json:"alerts"`
	Sightings int       `json:"sightings"`
	Last      time.Time `json:"last"`
}

// Dashboard is the RAS at a glance, within what the caller may see.
type Dashboard struct {
	Collection string       `json:"collection"`
	Since      time.Time    `json:"since"`
	Open       []AlertState `json:"open"`
	// Settled are the alerts raised since Since that are acknowledged by
	// all or closed.
	Settled    []AlertState `json:"settled"`
	Narratives []Spread     `json:"narratives"`
	Techniques []Spread     `json:"techniques"`
}

// DashboardInput is what a dashboard is made of: the latest versions of
// the alerts, the acknowledgements, narratives and sightings the caller
// may see, and the contact points among the collection's readers.
type DashboardInput struct {
	Alerts        []Alert
	Acks          []Ack
	Narratives    []Narrative
	Sightings     []Sighting
	ContactPoints []string
}

// BuildDashboard makes the dashboard of in for the window from since:
// every open alert, oldest first, whenever raised; the alerts raised in
// the window that are settled; and the spread of each narrative and
// technique in the window, widest first. An alert counts for its
// narratives and techniques in its raiser's Member State; a sighting of a
// narrative or technique counts for it, and a sighting of an alert for the
// alert's narratives and techniques.
func BuildDashboard(in DashboardInput, since time.Time) Dashboard {
	d := Dashboard{Since: since, Open: []AlertState{}, Settled: []AlertState{}}
	alerts := slices.Clone(in.Alerts)
	sort.SliceStable(alerts, func(i, j int) bool { return alerts[i].Raised.Before(alerts[j].Raised) })
	narratives := map[string]*Spread{}
	techniques := map[string]*Spread{}
	states := map[*Spread]map[string]bool{}
	count := func(m map[string]*Spread, ref, id, name, country string, at time.Time, alert bool, n int) {
		s, ok := m[ref]
		if !ok {
			s = &Spread{Ref: ref, ID: id, Name: name}
			m[ref] = s
			states[s] = map[string]bool{}
		}
		if s.Name == "" {
			s.Name = name
		}
		if alert {
			s.Alerts++
		} else {
			s.Sightings += n
		}
		if country != "" {
			states[s][country] = true
		}
		if at.After(s.Last) {
			s.Last = at
		}
	}
	names := map[string]string{}
	for _, n := range in.Narratives {
		names[n.ID] = n.Name
	}
	byID := map[string]Alert{}
	for _, a := range alerts {
		byID[a.ID] = a
		st := StateOf(a, in.Acks, in.ContactPoints)
		switch {
		case st.Status == AlertOpen:
			d.Open = append(d.Open, st)
		case !a.Raised.Before(since):
			d.Settled = append(d.Settled, st)
		}
		if a.Raised.Before(since) {
			continue
		}
		for _, n := range a.Narratives {
			count(narratives, n, "", names[n], a.MemberState, a.Raised, true, 0)
		}
		for _, t := range a.Techniques {
			count(techniques, t.Ref, t.ID, t.Name, a.MemberState, a.Raised, true, 0)
		}
	}
	for _, s := range in.Sightings {
		if s.Seen.Before(since) {
			continue
		}
		if a, ok := byID[s.Of]; ok {
			for _, n := range a.Narratives {
				count(narratives, n, "", names[n], s.Country, s.Seen, false, s.Count)
			}
			for _, t := range a.Techniques {
				count(techniques, t.Ref, t.ID, t.Name, s.Country, s.Seen, false, s.Count)
			}
			continue
		}
		switch IDType(s.Of) {
		case "attack-pattern":
			count(techniques, s.Of, "", "", s.Country, s.Seen, false, s.Count)
		case "campaign", "x-narrative":
			count(narratives, s.Of, "", names[s.Of], s.Country, s.Seen, false, s.Count)
		}
	}
	// A technique sighted before any alert names it has no DISARM id yet:
	// take it from an alert that does, if one is in the window.
	for _, a := range alerts {
		for _, t := range a.Techniques {
			if s, ok := techniques[t.Ref]; ok && s.ID == "" {
				s.ID, s.Name = t.ID, t.Name
			}
		}
	}
	d.Narratives, d.Techniques = spreads(narratives, states), spreads(techniques, states)
	return d
}

// spreads lists m widest first: by Member States, then alerts and
// sightings, then reference.
func spreads(m map[string]*Spread, states map[*Spread]map[string]bool) []Spread {
	out := make([]Spread, 0, len(m))
	for _, s := range m {
		s.States = make([]string, 0, len(states[s]))
		for c := range states[s] {
			s.States = append(s.States, c)
		}
		sort.Strings(s.States)
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if len(a.States) != len(b.States) {
			return len(a.States) > len(b.States)
		}
		if a.Alerts+a.Sightings != b.Alerts+b.Sightings {
			return a.Alerts+a.Sightings > b.Alerts+b.Sightings
		}
		return a.Ref < b.Ref
	})
	return out
}

// remarshalLoose converts a decoded JSON value into out, ignoring
// properties out does not name.
func remarshalLoose(v any, out any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
