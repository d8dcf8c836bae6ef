package alerts

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"secunion"
)

// Cyber incidents are reported as the CSIRTs network reports them
// (DOMAIN.md §6), in STIX so that they federate like any hub object:
//
//   - The report is an incident object (STIX 2.1 §4.7) with custom
//     properties: x_sectors (NIS2 sectors), x_status, x_reported_by and
//     x_member_state of the reporting authority.
//   - Each indicator of compromise is an indicator with a STIX pattern,
//     linked to the incident by a relationship "indicates". STIX lists
//     other targets for "indicates"; its relationship types are an open
//     vocabulary, and the hub's readers learn from it which incident an
//     indicator is evidence of.
//   - An update is a note whose object_refs name the incident (and the
//     indicators it adds). An update that changes the status, by the
//     reporting authority, is also a new version of the incident.
//   - Sightings of the incident or of its indicators, added over TAXII by
//     anyone who sees them, enter its timeline.

// NIS2Sectors are the sectors of Annexes I (sectors of high criticality)
// and II (other critical sectors) of Directive (EU) 2022/2555 (NIS2), as
// an incident report names them.
var NIS2Sectors = []string{
	"energy", "transport", "banking", "financial-market-infrastructures", "health", "drinking-water", "waste-water",
	"digital-infrastructure", "ict-service-management", "public-administration", "space",
	"postal-and-courier", "waste-management", "chemicals", "food", "manufacturing", "digital-providers", "research",
}

// IncidentStatuses are the states an incident report moves through.
var IncidentStatuses = []string{"open", "contained", "resolved"}

// IoC is an indicator of compromise of a report: a STIX pattern.
type IoC struct {
	Pattern     string `json:"pattern"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
}

// IncidentInput is an incident report.
type IncidentInput struct {
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	TLP         string   `json:"tlp"`
	Sectors     []string `json:"sectors"`
	IoCs        []IoC    `json:"iocs,omitempty"`
}

// UpdateInput is an update of an incident: what is new, indicators found
// since, and the status if it changes.
type UpdateInput struct {
	Text   string `json:"text"`
	IoCs   []IoC  `json:"iocs,omitempty"`
	Status string `json:"status,omitempty"`
}

// maxIoCs bounds the indicators of one report or update.
const maxIoCs = 500

// Validate checks the report and normalises its text; each error names
// its field.
func (in *IncidentInput) Validate() error {
	in.Title, in.Description = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	switch {
	case in.Title == "" || len(in.Title) > 200:
		return invalidf("title", "give 1 to 200 characters")
	case len(in.Description) > 20000:
		return invalidf("description", "at most 20,000 characters")
	case in.TLP == "":
		return invalidf("tlp", "is required: clear, green, amber, amber+strict or red")
	case len(in.Sectors) == 0:
		return invalidf("sectors", "name the affected sectors (%s)", strings.Join(NIS2Sectors, ", "))
	}
	if _, err := ParseTLP(in.TLP); err != nil {
		return invalidf("tlp", "%s", secunion.MessageOf(err))
	}
	for i, s := range in.Sectors {
		if !slices.Contains(NIS2Sectors, s) {
			return invalidf(fmt.Sprintf("sectors[%d]", i), "%q is not a NIS2 sector (%s)", secunion.Clip(s, 64), strings.Join(NIS2Sectors, ", "))
		}
	}
	slices.Sort(in.Sectors)
	in.Sectors = slices.Compact(in.Sectors)
	return checkIoCs(in.IoCs)
}

// Validate checks the update; each error names its field.
func (in *UpdateInput) Validate() error {
	in.Text = strings.TrimSpace(in.Text)
	switch {
	case in.Text == "" || len(in.Text) > 20000:
		return invalidf("text", "give 1 to 20,000 characters")
	case in.Status != "" && !slices.Contains(IncidentStatuses, in.Status):
		return invalidf("status", "%q: use %s", secunion.Clip(in.Status, 20), strings.Join(IncidentStatuses, ", "))
	}
	return checkIoCs(in.IoCs)
}

// checkIoCs checks that each IoC's pattern is a STIX pattern.
func checkIoCs(iocs []IoC) error {
	if len(iocs) > maxIoCs {
		return invalidf("iocs", "at most %d in one report or update", maxIoCs)
	}
	for i, c := range iocs {
		if _, err := ParsePattern(c.Pattern); err != nil {
			return invalidf(fmt.Sprintf("iocs[%d].pattern", i), "%s", secunion.MessageOf(err))
		}
		if len(c.Name) > 200 || len(c.Description) > 4000 {
			return invalidf(fmt.Sprintf("iocs[%d]", i), "a name of at most 200 and a description of at most 4,000 characters")
		}
	}
	return nil
}

// Incident is an incident report as its latest version says.
type Incident struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	Description string    `json:"description,omitempty"`
	TLP         TLP       `json:"tlp"`
	Sectors     []string  `json:"sectors"`
	Status      string    `json:"status"`
	ReportedBy  string    `json:"reported_by"`
	MemberState string    `json:"member_state"`
	Reported    time.Time `json:"reported"`
	Modified    time.Time `json:"modified"`
	// Indicators are the identifiers of the indicators reported with it.
	Indicators []string `json:"indicators"`
}

// sdoProps are the properties every object the hub writes itself has.
type sdoProps struct {
	Type        string   `json:"type"`
	SpecVersion string   `json:"spec_version"`
	ID          string   `json:"id"`
	Created     string   `json:"created"`
	Modified    string   `json:"modified"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Markings    []string `json:"object_marking_refs"`
}

// newSDO returns the common properties of a new object of typ made at
// now, marked with TLP level.
func newSDO(typ, name, description string, level TLP, now time.Time) sdoProps {
	ts := FormatTime(now)
	return sdoProps{Type: typ, SpecVersion: "2.1", ID: typ + "--" + uuid.NewString(), Created: ts, Modified: ts,
		Name: name, Description: description, Markings: []string{TLPMarkingID(level)}}
}

// incidentProps are an incident object's properties, as written.
type incidentProps struct {
	sdoProps
	Sectors     []string `json:"x_sectors"`
	Status      string   `json:"x_status"`
	ReportedBy  string   `json:"x_reported_by"`
	MemberState string   `json:"x_member_state"`
}

// NewIncident returns the objects of a report that r makes at now: the
// incident, then each IoC's indicator and its relationship to the
// incident, all marked at the report's TLP. in must be valid.
func NewIncident(in IncidentInput, r Raiser, now time.Time) ([]json.RawMessage, error) {
	level, err := ParseTLP(in.TLP)
	if err != nil {
		return nil, invalidf("tlp", "%s", secunion.MessageOf(err))
	}
	p := incidentProps{sdoProps: newSDO("incident", in.Title, in.Description, level, now), Sectors: in.Sectors,
		Status: "open", ReportedBy: r.Authority, MemberState: r.Country}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	iocs, _, err := iocObjects(p.ID, in.Title, in.IoCs, level, now)
	return append([]json.RawMessage{b}, iocs...), err
}

// NewUpdate returns the objects of an update by r of incident o (its
// latest version) at now: the note, the indicators it adds with their
// relationships, and, when the status changes, the incident's new
// version. Only the reporting authority changes the status.
func NewUpdate(o Object, in UpdateInput, r Raiser, now time.Time) ([]json.RawMessage, error) {
	inc, err := ReadIncident(o)
	if err != nil {
		return nil, err
	}
	if in.Status != "" && in.Status != inc.Status && r.Authority != inc.ReportedBy {
		return nil, secunion.Errorf(secunion.Forbidden, "only %s, which reported the incident, changes its status", inc.ReportedBy)
	}
	if !now.After(o.Modified) {
		now = o.Modified.Add(time.Millisecond)
	}
	ts := FormatTime(now)
	iocs, ids, err := iocObjects(inc.ID, inc.Title, in.IoCs, inc.TLP, now)
	if err != nil {
		return nil, err
	}
	props := map[string]any{"type": "note", "spec_version": "2.1", "id": "note--" + uuid.NewString(), "created": ts, "modified": ts,
		"content": in.Text, "object_refs": append([]string{inc.ID}, ids...), "object_marking_refs": []string{TLPMarkingID(inc.TLP)},
		"x_reported_by": r.Authority, "x_member_state": r.Country}
	if in.Status != "" {
		props["x_status"] = in.Status
	}
	note, err := json.Marshal(props)
	if err != nil {
		return nil, err
	}
	out := append([]json.RawMessage{note}, iocs...)
	if in.Status != "" && in.Status != inc.Status {
		var p incidentProps
		if err := json.Unmarshal(o.Raw, &p); err != nil {
			return nil, err
		}
		p.Modified, p.Status = ts, in.Status
		b, err := json.Marshal(p)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// iocObjects returns the indicator and relationship objects of iocs of
// incident id, and the indicators' identifiers.
func iocObjects(id, title string, iocs []IoC, level TLP, now time.Time) ([]json.RawMessage, []string, error) {
	ts := FormatTime(now)
	marking := []string{TLPMarkingID(level)}
	var out []json.RawMessage
	var ids []string
	for _, c := range iocs {
		p, err := ParsePattern(c.Pattern)
		if err != nil {
			return nil, nil, err
		}
		name := strings.TrimSpace(c.Name)
		if name == "" {
			name = "Indicator of " + title
		}
		ind := map[string]any{"type": "indicator", "spec_version": "2.1", "id": "indicator--" + uuid.NewString(), "created": ts, "modified": ts,
			"name": name, "pattern": p.String(), "pattern_type": "stix", "valid_from": ts, "indicator_types": []string{"compromised"},
			"object_marking_refs": marking}
		if d := strings.TrimSpace(c.Description); d != "" {
			ind["description"] = d
		}
		rel := map[string]any{"type": "relationship", "spec_version": "2.1", "id": "relationship--" + uuid.NewString(), "created": ts, "modified": ts,
			"relationship_type": "indicates", "source_ref": ind["id"], "target_ref": id, "object_marking_refs": marking}
		for _, v := range []map[string]any{ind, rel} {
			b, err := json.Marshal(v)
			if err != nil {
				return nil, nil, err
			}
			out = append(out, b)
		}
		ids = append(ids, ind["id"].(string))
	}
	return out, ids, nil
}

// ReadIncident reads an incident object.
func ReadIncident(o Object) (Incident, error) {
	var p incidentProps
	if o.Type != "incident" || json.Unmarshal(o.Raw, &p) != nil {
		return Incident{}, secunion.Errorf(secunion.Invalid, "%s is not an incident", secunion.Clip(o.ID, 100))
	}
	inc := Incident{ID: o.ID, Title: p.Name, Description: p.Description, Sectors: nonNilStrings(p.Sectors), Status: p.Status,
		ReportedBy: p.ReportedBy, MemberState: p.MemberState, Reported: o.Created, Modified: o.Modified, Indicators: []string{}}
	if inc.Status == "" {
		inc.Status = "open"
	}
	inc.TLP, _ = ObjectTLP(o)
	return inc, nil
}

// TimelineEntry is one thing that happened to an incident.
type TimelineEntry struct {
	At time.Time `json:"at"`
	// Kind is reported (its first version), version (a later one),
	// update (a note), indicator or sighting.
	Kind      string `json:"kind"`
	Object    string `json:"object"`
	Authority string `json:"authority,omitempty"`
	Text      string `json:"text,omitempty"`
	Status    string `json:"status,omitempty"`
	Pattern   string `json:"pattern,omitempty"`
	Count     int    `json:"count,omitempty"`
}

// Timeline is an incident's latest version and its history.
type Timeline struct {
	Incident Incident        `json:"incident"`
	Entries  []TimelineEntry `json:"entries"`
}

// TimelineOf puts together the timeline of incident id from objs, the
// objects the caller may see of its collection, each with the authority
// that added it: the incident's versions, the notes that name it, the
// indicators that indicate it, and the sightings of it or of those
// indicators, in time order (for the same instant, in that order). It is
// NotFound when objs hold no version of the incident.
func TimelineOf(id string, objs []Object, origins []string) (Timeline, error) {
	var t Timeline
	var versions []Object
	related := map[string]bool{}
	for _, o := range objs {
		switch {
		case o.ID == id:
			versions = append(versions, o)
		case o.Type == "relationship" && o.Props["relationship_type"] == "indicates" && o.Props["target_ref"] == id:
			if src, ok := o.Props["source_ref"].(string); ok {
				related[src] = true
			}
		}
	}
	if len(versions) == 0 {
		return t, secunion.Errorf(secunion.NotFound, "no incident %s that you may read in this collection", secunion.Clip(id, 100))
	}
	sort.SliceStable(versions, func(i, j int) bool { return versions[i].Modified.Before(versions[j].Modified) })
	var err error
	if t.Incident, err = ReadIncident(versions[len(versions)-1]); err != nil {
		return t, err
	}
	for i, v := range versions {
		inc, _ := ReadIncident(v)
		e := TimelineEntry{At: v.Modified, Kind: "version", Object: v.ID, Authority: inc.ReportedBy, Status: inc.Status}
		if i == 0 {
			e.Kind, e.Text = "reported", inc.Title
		}
		t.Entries = append(t.Entries, e)
	}
	for i, o := range objs {
		origin := ""
		if i < len(origins) {
			origin = origins[i]
		}
		switch o.Type {
		case "note":
			refs, _ := o.refs("object_refs")
			if !slices.Contains(refs, id) {
				continue
			}
			text, _ := o.Props["content"].(string)
			status, _ := o.Props["x_status"].(string)
			t.Entries = append(t.Entries, TimelineEntry{At: o.Created, Kind: "update", Object: o.ID, Authority: origin, Text: text, Status: status})
		case "indicator":
			if !related[o.ID] {
				continue
			}
			pattern, _ := o.Props["pattern"].(string)
			t.Incident.Indicators = append(t.Incident.Indicators, o.ID)
			t.Entries = append(t.Entries, TimelineEntry{At: o.Created, Kind: "indicator", Object: o.ID, Authority: origin, Pattern: pattern})
		case "sighting":
			s, ok := ReadSighting(o, "")
			if !ok || (s.Of != id && !related[s.Of]) {
				continue
			}
			t.Entries = append(t.Entries, TimelineEntry{At: s.Seen, Kind: "sighting", Object: o.ID, Authority: origin, Text: s.Of, Count: s.Count})
		}
	}
	rank := map[string]int{"reported": 0, "version": 1, "update": 2, "indicator": 3, "sighting": 4}
	sort.SliceStable(t.Entries, func(i, j int) bool {
		a, b := t.Entries[i], t.Entries[j]
		if !a.At.Equal(b.At) {
			return a.At.Before(b.At)
		}
		return rank[a.Kind] < rank[b.Kind]
	})
	return t, nil
}
