package alerts

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"secunion"
)

var rasNow = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

// must parses and checks a hub-made object as the hub checks any other.
func mustObject(t *testing.T, raw json.RawMessage) Object {
	t.Helper()
	checked := Checker{}.Batch([]json.RawMessage{raw})
	if len(checked.Failures) > 0 {
		t.Fatalf("%s: %+v", raw, checked.Failures)
	}
	return checked.Objects[0]
}

// TestDISARMTechniques reads the techniques of DISARM's own bundle: every
// attack-pattern is a technique with a T id, and ATT&CK's look-alike ids
// are not taken for DISARM's.
func TestDISARMTechniques(t *testing.T) {
	raws := readBundleFile(t, stixData(t, "disarm", "DISARM.json"))
	checked := Checker{}.Batch(raws)
	if len(checked.Failures) > 0 {
		t.Fatalf("DISARM.json: %d objects refused, first %+v", len(checked.Failures), checked.Failures[0])
	}
	var held []Technique
	patterns := 0
	for _, o := range checked.Objects {
		if o.Type == "attack-pattern" {
			patterns++
		}
		if tq, ok := TechniqueOf(o); ok {
			held = append(held, tq)
		}
	}
	if patterns == 0 || len(held) != patterns {
		t.Fatalf("%d techniques of %d attack-patterns", len(held), patterns)
	}
	got, err := ResolveTechniques([]string{"T0049", "attack-pattern--0c765d19-99b2-4703-af48-e20a677c4bfc", "T0023"}, held)
	if err != nil || len(got) != 2 || got[0].Name != "Flood Information Space" || got[1].ID != "T0023" {
		t.Errorf("resolve: %+v %v", got, err)
	}
	attack := mustObject(t, json.RawMessage(`{"type":"attack-pattern","spec_version":"2.1","id":"attack-pattern--7e33a43e-e34b-40ec-89da-36c9bb2cacd5","created":"2020-01-01T00:00:00Z","modified":"2020-01-01T00:00:00Z","name":"Phishing","external_references":[{"source_name":"mitre-attack","url":"https://attack.mitre.org/techniques/T1566","external_id":"T1566"}]}`))
	if tq, ok := TechniqueOf(attack); ok {
		t.Errorf("an ATT&CK technique read as DISARM's: %+v", tq)
	}
	if _, err := ResolveTechniques([]string{"T0049", "T9999"}, held); err == nil || !strings.Contains(secunion.MessageOf(err), "techniques[1]") {
		t.Errorf("an unknown technique: %v", err)
	}
}

func TestAlertInputValidate(t *testing.T) {
	good := AlertInput{Title: "Coordinated claims of rigged ballots", Threshold: Threshold, Justification: "Same content in five Member States within hours.", Techniques: []string{"T0049"}}
	for _, tc := range []struct {
		name  string
		edit  func(*AlertInput)
		field string
	}{
		{"no threshold", func(in *AlertInput) { in.Threshold = "" }, "threshold"},
		{"another threshold", func(in *AlertInput) { in.Threshold = "national" }, "threshold"},
		{"no justification", func(in *AlertInput) { in.Justification = "  " }, "justification"},
		{"no technique", func(in *AlertInput) { in.Techniques = nil }, "techniques"},
		{"red", func(in *AlertInput) { in.TLP = "red" }, "tlp"},
		{"a narrative that is no narrative", func(in *AlertInput) { in.Narratives = []string{"indicator--5d2c7a10-3b4e-4f6a-8c9d-000000000001"} }, "narratives[0]"},
	} {
		in := good
		tc.edit(&in)
		err := in.Validate()
		if secunion.CodeOf(err) != secunion.Invalid || !strings.HasPrefix(secunion.MessageOf(err), tc.field+":") {
			t.Errorf("%s: %v, want an error on %s", tc.name, err, tc.field)
		}
	}
	if err := good.Validate(); err != nil {
		t.Errorf("a good alert: %v", err)
	}
}

// TestAlertLifecycle raises an alert, acknowledges it by two of three
// contact points (one twice), and closes it: the objects pass the hub's
// checks, the acknowledgement of a contact point always has one id, and
// the state follows.
func TestAlertLifecycle(t *testing.T) {
	in := AlertInput{Title: "Fake evacuation orders", Threshold: Threshold, Justification: "Spreads in three Member States.", Techniques: []string{"T0049"},
		Narratives: []string{"campaign--0b8e2c5a-1f0d-4c3b-9a7e-000000000001"}}
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	tq := []Technique{{Ref: "attack-pattern--0c765d19-99b2-4703-af48-e20a677c4bfc", ID: "T0049", Name: "Flood Information Space"}}
	raw, err := NewAlert(in, tq, Raiser{Authority: "DE-RAS", Country: "DE", User: "anna"}, rasNow)
	if err != nil {
		t.Fatal(err)
	}
	o := mustObject(t, raw)
	a, err := ReadAlert(o)
	if err != nil {
		t.Fatal(err)
	}
	if a.RaisedBy != "DE-RAS" || a.MemberState != "DE" || a.Threshold != Threshold || a.TLP != TLPAmber || len(a.Techniques) != 1 || a.Techniques[0].ID != "T0049" {
		t.Fatalf("alert: %+v", a)
	}
	cps := []string{"DE-RAS", "FR-RAS", "IT-RAS"}
	st := StateOf(a, nil, cps)
	if st.Status != AlertOpen || strings.Join(st.Outstanding, ",") != "FR-RAS,IT-RAS" {
		t.Errorf("raised: %s, outstanding %v (the raiser acknowledged by raising)", st.Status, st.Outstanding)
	}
	var acks []Ack
	for i, cp := range []string{"FR-RAS", "FR-RAS", "IT-RAS"} {
		raw, err := NewAck(a, Raiser{Authority: cp, Country: cp[:2], User: "u"}, rasNow.Add(time.Duration(i+1)*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		k, ok := ReadAck(mustObject(t, raw))
		if !ok || k.ID != AckID(a.ID, cp) || k.Alert != a.ID {
			t.Fatalf("ack: %+v %v", k, ok)
		}
		acks = append(acks, k)
		st = StateOf(a, acks, cps)
		if i == 1 && (st.Status != AlertOpen || len(st.Acknowledged) != 1 || !st.Acknowledged[0].At.Equal(rasNow.Add(time.Minute))) {
			t.Errorf("FR twice: %s %+v", st.Status, st.Acknowledged)
		}
	}
	if st.Status != AlertAcknowledged || len(st.Outstanding) != 0 {
		t.Errorf("all acknowledged: %s %v", st.Status, st.Outstanding)
	}
	if _, err := CloseAlert(o, " ", rasNow); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("closed without a reason: %v", err)
	}
	closed, err := CloseAlert(o, "Debunked by the platforms; no longer spreading.", rasNow) // not later than raised: just after
	if err != nil {
		t.Fatal(err)
	}
	co := mustObject(t, closed)
	if co.ID != o.ID || !co.Modified.After(o.Modified) {
		t.Errorf("a closing is a later version of the alert: %s %s", co.ID, co.Modified)
	}
	ca, _ := ReadAlert(co)
	if StateOf(ca, nil, cps).Status != AlertClosed || ca.ClosedReason == "" {
		t.Errorf("closed: %+v", ca)
	}
	if _, err := CloseAlert(co, "again", rasNow); secunion.CodeOf(err) != secunion.Conflict {
		t.Errorf("closed twice: %v", err)
	}
}

// TestDashboardSpread counts Member States per narrative and technique in
// the window, from alerts and from sightings of alerts, narratives and
// techniques, and lists open alerts whenever raised.
func TestDashboardSpread(t *testing.T) {
	day := 24 * time.Hour
	since := rasNow.Add(-7 * day)
	flood := Technique{Ref: "attack-pattern--0c765d19-99b2-4703-af48-e20a677c4bfc", ID: "T0049", Name: "Flood Information Space"}
	distort := Technique{Ref: "attack-pattern--45dae307-ba74-4038-90ef-2282a32e38b9", ID: "T0023", Name: "Distort Facts"}
	ballots := "campaign--0b8e2c5a-1f0d-4c3b-9a7e-000000000001"
	in := DashboardInput{
		ContactPoints: []string{"DE-RAS", "FR-RAS"},
		Narratives:    []Narrative{{ID: ballots, Type: "campaign", Name: "Rigged ballots"}},
		Alerts: []Alert{
			{ID: "x-eu-ras-alert--1", Title: "new", RaisedBy: "DE-RAS", MemberState: "DE", Raised: rasNow.Add(-day), Techniques: []Technique{flood}, Narratives: []string{ballots}},
			{ID: "x-eu-ras-alert--2", Title: "old and open", RaisedBy: "FR-RAS", MemberState: "FR", Raised: rasNow.Add(-30 * day), Techniques: []Technique{distort}},
			{ID: "x-eu-ras-alert--3", Title: "settled", RaisedBy: "FR-RAS", MemberState: "FR", Raised: rasNow.Add(-2 * day), Techniques: []Technique{flood}, Closed: true},
		},
		Sightings: []Sighting{
			{Of: "x-eu-ras-alert--1", Seen: rasNow.Add(-day), Country: "IT", Count: 3},
			{Of: ballots, Seen: rasNow.Add(-2 * day), Country: "PL", Count: 1},
			{Of: distort.Ref, Seen: rasNow.Add(-3 * day), Country: "ES", Count: 2},
			{Of: ballots, Seen: rasNow.Add(-20 * day), Country: "SE", Count: 9}, // before the window
		},
	}
	d := BuildDashboard(in, since)
	if len(d.Open) != 2 || d.Open[0].Title != "old and open" || d.Open[1].Title != "new" || strings.Join(d.Open[1].Outstanding, ",") != "FR-RAS" {
		t.Errorf("open: %+v", d.Open)
	}
	if len(d.Settled) != 1 || d.Settled[0].Status != AlertClosed {
		t.Errorf("settled: %+v", d.Settled)
	}
	if len(d.Narratives) != 1 || strings.Join(d.Narratives[0].States, ",") != "DE,IT,PL" || d.Narratives[0].Name != "Rigged ballots" ||
		d.Narratives[0].Alerts != 1 || d.Narratives[0].Sightings != 4 {
		t.Errorf("narratives: %+v", d.Narratives)
	}
	if len(d.Techniques) != 2 || d.Techniques[0].ID != "T0049" || strings.Join(d.Techniques[0].States, ",") != "DE,FR,IT" || d.Techniques[0].Alerts != 2 ||
		d.Techniques[1].ID != "T0023" || strings.Join(d.Techniques[1].States, ",") != "ES" {
		t.Errorf("techniques: %+v", d.Techniques)
	}
}
