package alerts

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"secunion"
)

func TestIncidentInputValidate(t *testing.T) {
	good := IncidentInput{Title: "Ransomware at regional hospitals", TLP: "amber", Sectors: []string{"health"},
		IoCs: []IoC{{Pattern: "[ipv4-addr:value = '198.51.100.7']"}}}
	for _, tc := range []struct {
		name  string
		edit  func(*IncidentInput)
		field string
	}{
		{"no TLP", func(in *IncidentInput) { in.TLP = "" }, "tlp"},
		{"a TLP 2.0 has no", func(in *IncidentInput) { in.TLP = "purple" }, "tlp"},
		{"no sector", func(in *IncidentInput) { in.Sectors = nil }, "sectors"},
		{"a sector NIS2 does not name", func(in *IncidentInput) { in.Sectors = []string{"health", "retail"} }, "sectors[1]"},
		{"a broken pattern", func(in *IncidentInput) {
			in.IoCs = []IoC{{Pattern: "[ipv4-addr:value = '198.51.100.7']"}, {Pattern: "[ipv4-addr:value = "}}
		}, "iocs[1].pattern"},
	} {
		in := good
		tc.edit(&in)
		err := in.Validate()
		if secunion.CodeOf(err) != secunion.Invalid || !strings.HasPrefix(secunion.MessageOf(err), tc.field+":") {
			t.Errorf("%s: %v, want an error on %s", tc.name, err, tc.field)
		}
	}
	if err := good.Validate(); err != nil {
		t.Errorf("a good report: %v", err)
	}
	u := UpdateInput{Text: "Contained.", Status: "closed"}
	if err := u.Validate(); !strings.HasPrefix(secunion.MessageOf(err), "status:") {
		t.Errorf("an unknown status: %v", err)
	}
}

// TestIncidentTimeline reports an incident with an IoC, updates it from
// the reporter (with a status) and from another CSIRT (with an IoC),
// adds a sighting of an indicator and unrelated objects, and reads the
// timeline in time order.
func TestIncidentTimeline(t *testing.T) {
	in := IncidentInput{Title: "Wiper at a grid operator", TLP: "amber+strict", Sectors: []string{"energy", "energy"},
		IoCs: []IoC{{Pattern: "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']", Name: "wiper"}}}
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	de := Raiser{Authority: "DE-CERT", Country: "DE", User: "de"}
	fr := Raiser{Authority: "FR-ANSSI", Country: "FR", User: "fr"}
	raws, err := NewIncident(in, de, rasNow)
	if err != nil {
		t.Fatal(err)
	}
	var objs []Object
	var origins []string
	add := func(by string, raws ...json.RawMessage) {
		for _, r := range raws {
			objs, origins = append(objs, mustObject(t, r)), append(origins, by)
		}
	}
	add("DE-CERT", raws...)
	if len(objs) != 3 || objs[0].Type != "incident" || objs[1].Type != "indicator" || objs[2].Props["relationship_type"] != "indicates" {
		t.Fatalf("report objects: %v", objs)
	}
	inc := objs[0]
	if level, _ := ObjectTLP(objs[1]); level != TLPAmberStrict {
		t.Errorf("the indicator is at TLP:%s, not the report's", level)
	}
	if _, err := NewUpdate(inc, UpdateInput{Text: "Resolved?", Status: "resolved"}, fr, rasNow); secunion.CodeOf(err) != secunion.Forbidden {
		t.Errorf("another CSIRT sets the status: %v", err)
	}
	upd, err := NewUpdate(inc, UpdateInput{Text: "Seen in France too.", IoCs: []IoC{{Pattern: "[domain-name:value = 'grid-update.example']"}}}, fr, rasNow.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	add("FR-ANSSI", upd...)
	frIndicator := objs[4].ID
	contained, err := NewUpdate(inc, UpdateInput{Text: "Contained: hosts isolated.", Status: "contained"}, de, rasNow.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(contained) != 2 {
		t.Fatalf("a status change is a note and a new version: %d objects", len(contained))
	}
	add("DE-CERT", contained...)
	sighting := mustObject(t, json.RawMessage(`{"type":"sighting","spec_version":"2.1","id":"sighting--6b8e2c5a-1f0d-4c3b-9a7e-000000000009","created":"2026-11-22T12:00:00Z","modified":"2026-11-22T12:00:00Z","sighting_of_ref":"`+frIndicator+`","count":4,"last_seen":"2026-11-22T11:30:00Z"}`))
	other := mustObject(t, json.RawMessage(`{"type":"note","spec_version":"2.1","id":"note--6b8e2c5a-1f0d-4c3b-9a7e-000000000010","created":"2026-11-22T09:30:00Z","modified":"2026-11-22T09:30:00Z","content":"another incident","object_refs":["incident--6b8e2c5a-1f0d-4c3b-9a7e-000000000011"]}`))
	objs, origins = append(objs, sighting, other), append(origins, "IT-CERT", "IT-CERT")

	tl, err := TimelineOf(inc.ID, objs, origins)
	if err != nil {
		t.Fatal(err)
	}
	if tl.Incident.Status != "contained" || strings.Join(tl.Incident.Sectors, ",") != "energy" || len(tl.Incident.Indicators) != 2 {
		t.Errorf("incident: %+v", tl.Incident)
	}
	var kinds []string
	for i, e := range tl.Entries {
		kinds = append(kinds, e.Kind+"/"+e.Authority)
		if i > 0 && e.At.Before(tl.Entries[i-1].At) {
			t.Errorf("entry %d (%s) before the one above it", i, e.Kind)
		}
	}
	want := "reported/DE-CERT indicator/DE-CERT version/DE-CERT update/DE-CERT update/FR-ANSSI indicator/FR-ANSSI sighting/IT-CERT"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("timeline:\n got %s\nwant %s", got, want)
	}
	if _, err := TimelineOf("incident--6b8e2c5a-1f0d-4c3b-9a7e-000000000011", objs, origins); secunion.CodeOf(err) != secunion.NotFound {
		t.Errorf("an incident not held: %v", err)
	}
}
