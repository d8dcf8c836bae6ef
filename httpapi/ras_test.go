package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/alerts"
	"secunion/store"
)

var sharing = map[string]string{"X-Purpose": "alert-sharing"}

// rasState is an alert as the RAS API answers it.
type rasState struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	RaisedBy    string `json:"raised_by"`
	Outstanding []string
	Techniques  []struct{ Ref, ID, Name string }
	Acked       []struct {
		ContactPoint string `json:"contact_point"`
	} `json:"acknowledged"`
}

type rasDashboard struct {
	Open       []rasState `json:"open"`
	Settled    []rasState `json:"settled"`
	Narratives []struct {
		Ref, Name string
		States    []string
		Alerts    int
		Sightings int
	}
	Techniques []struct {
		ID     string
		States []string
	}
}

// newRAS is a node with the contact points of Germany, France and Italy
// in a RAS collection, Poland's contact point outside it, and DISARM
// techniques imported into a collection of their own.
func newRAS(t *testing.T) (*apiEnv, string) {
	e := newAPI(t)
	e.add(t, []access.Authority{
		{Code: "DE-RAS", Name: "Auswärtiges Amt (RAS)", Country: "DE", Kind: access.KindRASContact},
		{Code: "FR-RAS", Name: "Viginum (RAS)", Country: "FR", Kind: access.KindRASContact},
		{Code: "IT-RAS", Name: "DIS (RAS)", Country: "IT", Kind: access.KindRASContact},
		{Code: "PL-RAS", Name: "MSZ (RAS)", Country: "PL", Kind: access.KindRASContact},
	}, []access.User{
		{Login: "de", Name: "Anna", Authority: "DE-RAS", Roles: []string{access.RoleOfficer}},
		{Login: "fr", Name: "Camille", Authority: "FR-RAS", Roles: []string{access.RoleOfficer}},
		{Login: "it", Name: "Giulia", Authority: "IT-RAS", Roles: []string{access.RoleOfficer}},
		{Login: "pl", Name: "Piotr", Authority: "PL-RAS", Roles: []string{access.RoleOfficer}},
		{Login: "de-node", Name: "DE node", Authority: "DE-RAS", Roles: []string{access.RoleNode}},
	})
	ctx, op := context.Background(), secunion.LocalOperator
	if _, err := e.db.PutAlertGroup(ctx, op, alerts.Group{Name: "ras", Members: []string{"DE-RAS", "FR-RAS", "IT-RAS"}}); err != nil {
		t.Fatal(err)
	}
	ras, err := e.db.PutAlertCollection(ctx, op, alerts.Collection{Title: "Rapid Alert System", Readers: "ras", Writers: "ras", DefaultTLP: alerts.TLPAmber})
	if err != nil {
		t.Fatal(err)
	}
	disarm, err := e.db.PutAlertCollection(ctx, op, alerts.Collection{Title: "DISARM framework", Readers: "ras", Writers: "ras", DefaultTLP: alerts.TLPClear})
	if err != nil {
		t.Fatal(err)
	}
	// What `secunion alerts import --collection … DISARM.json` does, with
	// two of DISARM's techniques.
	bundle := `{"type":"bundle","id":"bundle--4b8b0d29-e85e-4299-81d4-749033173d09","objects":[` + technique("0c765d19-99b2-4703-af48-e20a677c4bfc", "T0049", "Flood Information Space") +
		`,` + technique("45dae307-ba74-4038-90ef-2282a32e38b9", "T0023", "Distort Facts") + `]}`
	v, err := e.db.AlertView(ctx, op, access.Declaration{Purpose: secunion.PurposeAlertSharing}, disarm.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.IngestAlerts(ctx, op, access.Declaration{Purpose: secunion.PurposeAlertSharing}, v, strings.NewReader(bundle), alerts.Checker{}, func(st alerts.Status) {
		if st.SuccessCount != 2 {
			t.Fatalf("DISARM: %+v", st)
		}
	}); err != nil {
		t.Fatal(err)
	}
	return e, ras.ID
}

func technique(uuid, id, name string) string {
	return fmt.Sprintf(`{"type":"attack-pattern","spec_version":"2.1","id":"attack-pattern--%s","created":"2024-11-22T16:43:58.079Z","modified":"2024-11-22T16:43:58.079Z","name":%q,`+
		`"external_references":[{"source_name":"mitre-attack","url":"https://github.com/DISARMFoundation/DISARMframeworks/blob/main/generated_pages/techniques/%s.md","external_id":%q}]}`, uuid, name, id, id)
}

// TestRapidAlertSystem raises an alert as a person of a contact point,
// refuses one from a node's service user, without the threshold or with
// an unknown technique, has it acknowledged by the two other contact
// points (once each), shows it on the dashboard open and then settled,
// and keeps it from a contact point outside the collection's readers.
func TestRapidAlertSystem(t *testing.T) {
	e, ras := newRAS(t)
	base := "/api/v1/alerts/ras/" + ras
	h := hubEnv{e, ras}

	// A narrative and a sighting of it arrive over TAXII, as any object.
	narrative := stix("campaign", 1, map[string]any{"name": "Rigged ballots", "object_marking_refs": []string{tlpGreen}})
	if r := h.taxii(t, "fr", "POST", h.objectsPath(), map[string]any{"objects": []any{narrative}}, nil); r.StatusCode != 202 {
		t.Fatalf("narrative: %d", r.StatusCode)
	}
	in := map[string]any{"title": "Fake postal-vote deadline", "description": "Posts claim postal votes close a week early.",
		"threshold": alerts.Threshold, "justification": "The same forged notice circulates in three Member States within a day.",
		"techniques": []string{"T0049", "attack-pattern--45dae307-ba74-4038-90ef-2282a32e38b9"}, "narratives": []string{narrative["id"].(string)}}
	var errBody apiError
	for _, tc := range []struct {
		name, login string
		edit        func(map[string]any)
		status      int
		message     string
	}{
		{"a node's service user", "de-node", nil, 403, ""},
		{"no threshold", "de", func(m map[string]any) { delete(m, "threshold") }, 400, "threshold:"},
		{"below the threshold", "de", func(m map[string]any) { m["threshold"] = "national-impact" }, 400, "threshold:"},
		{"no justification", "de", func(m map[string]any) { m["justification"] = "" }, 400, "justification:"},
		{"a technique nobody holds", "de", func(m map[string]any) { m["techniques"] = []string{"T0049", "T0999"} }, 400, "techniques[1]:"},
		{"outside the readers", "pl", nil, 404, ""},
	} {
		body := map[string]any{}
		for k, v := range in {
			body[k] = v
		}
		if tc.edit != nil {
			tc.edit(body)
		}
		headers := map[string]string{"X-Purpose": "alert-sharing", "X-On-Behalf-Of": "DE-RAS/anna"}
		if tc.login != "de-node" {
			headers = sharing
		}
		errBody = apiError{}
		r := e.call(t, tc.login, "POST", base+"/alerts", body, headers, &errBody)
		if r.StatusCode != tc.status || !strings.HasPrefix(errBody.Error.Message, tc.message) {
			t.Errorf("%s: %d %q, want %d %q", tc.name, r.StatusCode, errBody.Error.Message, tc.status, tc.message)
		}
	}

	var a rasState
	if r := e.call(t, "de", "POST", base+"/alerts", in, sharing, &a); r.StatusCode != 201 {
		t.Fatalf("raise: %d", r.StatusCode)
	}
	if a.Status != alerts.AlertOpen || a.RaisedBy != "DE-RAS" || strings.Join(a.Outstanding, ",") != "FR-RAS,IT-RAS" || len(a.Techniques) != 2 || a.Techniques[1].ID != "T0023" {
		t.Fatalf("raised: %+v", a)
	}
	// The alert is a STIX object of the collection: TAXII serves it.
	var env alerts.Envelope
	h.taxii(t, "it", "GET", h.objectsPath()+"?match[type]="+alerts.RASAlertType, nil, &env)
	if len(env.Objects) != 1 || !strings.Contains(string(env.Objects[0]), `"x_threshold":"transnational-significant-impact"`) {
		t.Errorf("over TAXII: %s", env.Objects)
	}
	sighting := stix("sighting", 2, map[string]any{"sighting_of_ref": a.ID, "count": 5, "last_seen": "2026-11-22T08:00:00Z"})
	if r := h.taxii(t, "it", "POST", h.objectsPath(), map[string]any{"objects": []any{sighting}}, nil); r.StatusCode != 202 {
		t.Fatalf("sighting: %d", r.StatusCode)
	}

	var d rasDashboard
	if r := e.call(t, "fr", "GET", base+"/dashboard?days=7", nil, sharing, &d); r.StatusCode != 200 {
		t.Fatalf("dashboard: %d", r.StatusCode)
	}
	if len(d.Open) != 1 || d.Open[0].ID != a.ID || len(d.Narratives) != 1 || d.Narratives[0].Name != "Rigged ballots" ||
		strings.Join(d.Narratives[0].States, ",") != "DE,IT" || d.Narratives[0].Sightings != 5 || len(d.Techniques) != 2 {
		t.Errorf("dashboard, open: %+v", d)
	}
	if r := e.call(t, "pl", "GET", base+"/dashboard", nil, sharing, nil); r.StatusCode != 404 {
		t.Errorf("dashboard for a contact point outside the readers: %d", r.StatusCode)
	}

	ack := base + "/alerts/" + a.ID + "/acknowledgements"
	for _, step := range []struct {
		login  string
		status int
		state  string
	}{{"fr", 201, alerts.AlertOpen}, {"fr", 200, alerts.AlertOpen}, {"de", 200, alerts.AlertOpen}, {"pl", 404, ""}, {"it", 201, alerts.AlertAcknowledged}} {
		var st rasState
		r := e.call(t, step.login, "POST", ack, nil, sharing, &st)
		if r.StatusCode != step.status || (step.state != "" && st.Status != step.state) {
			t.Errorf("%s acknowledges: %d %s, want %d %s", step.login, r.StatusCode, st.Status, step.status, step.state)
		}
		if step.login == "fr" && (len(st.Acked) != 1 || strings.Join(st.Outstanding, ",") != "IT-RAS") {
			t.Errorf("after France: %+v", st)
		}
	}
	d = rasDashboard{}
	e.call(t, "it", "GET", base+"/dashboard", nil, sharing, &d)
	if len(d.Open) != 0 || len(d.Settled) != 1 || d.Settled[0].Status != alerts.AlertAcknowledged {
		t.Errorf("dashboard, all acknowledged: %+v", d)
	}

	// A second alert: closed by its raiser only; then it takes no
	// acknowledgement.
	var b rasState
	e.call(t, "fr", "POST", base+"/alerts", in, sharing, &b)
	close := base + "/alerts/" + b.ID + "/close"
	if r := e.call(t, "de", "POST", close, map[string]any{"reason": "not mine to close"}, sharing, nil); r.StatusCode != 403 {
		t.Errorf("closed by another contact point: %d", r.StatusCode)
	}
	var closed rasState
	if r := e.call(t, "fr", "POST", close, map[string]any{"reason": "A duplicate of the German alert."}, sharing, &closed); r.StatusCode != 200 || closed.Status != alerts.AlertClosed {
		t.Errorf("closed by its raiser: %d %+v", r.StatusCode, closed)
	}
	if r := e.call(t, "it", "POST", base+"/alerts/"+b.ID+"/acknowledgements", nil, sharing, nil); r.StatusCode != 409 {
		t.Errorf("a closed alert acknowledged: %d", r.StatusCode)
	}
	if r := e.call(t, "pl", "GET", base+"/alerts/"+a.ID, nil, sharing, nil); r.StatusCode != 404 {
		t.Errorf("an alert read outside the readers: %d", r.StatusCode)
	}
	// Every refusal above is in the audit log.
	es, err := e.db.SearchAudit(context.Background(), secunion.Actor{Login: "dpo", Authority: "FR-CNIL", AuthorityKind: string(access.KindSupervisory), Roles: []string{access.RoleSupervisor}},
		access.Declaration{Purpose: secunion.PurposeSupervision}, store.AuditFilter{Operation: "access-denied", Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	denied := map[string]string{}
	for _, x := range es {
		denied[x.User] = x.Detail
	}
	if !strings.Contains(denied["de-node"], "for users with the role officer") || !strings.Contains(denied["de"], "only FR-RAS, which raised the alert, closes it") {
		t.Errorf("refusals audited: %v", denied)
	}
}

// TestIncidentReports reports an incident, refuses a broken IoC by its
// field, takes updates from two CSIRTs (the status from the reporter
// only) and a sighting over TAXII, and reads the timeline in order; a
// CSIRT outside the collection and a partner whose agreement does not
// cover incidents see none.
func TestIncidentReports(t *testing.T) {
	h := newHub(t)
	base := "/api/v1/alerts/incidents/" + h.collection
	report := map[string]any{"title": "Wiper at a grid operator", "tlp": "amber", "sectors": []string{"energy"},
		"iocs": []map[string]any{{"pattern": "[domain-name:value = 'grid-update.example']"}, {"pattern": "[ipv4-addr:value = '198.51.100.7'"}}}
	var errBody apiError
	if r := h.call(t, "de", "POST", base, report, sharing, &errBody); r.StatusCode != 400 || !strings.HasPrefix(errBody.Error.Message, "iocs[1].pattern:") {
		t.Errorf("a broken pattern: %d %q", r.StatusCode, errBody.Error.Message)
	}
	report["sectors"] = []string{"energy", "retail"}
	if r := h.call(t, "de", "POST", base, report, sharing, &errBody); r.StatusCode != 400 || !strings.HasPrefix(errBody.Error.Message, "sectors[1]:") {
		t.Errorf("a sector NIS2 does not name: %d %q", r.StatusCode, errBody.Error.Message)
	}
	report["sectors"] = []string{"energy"}
	report["iocs"] = []map[string]any{{"pattern": "[domain-name:value = 'grid-update.example']", "name": "update server"}}
	type timeline struct {
		Incident struct {
			ID, Status string
			Indicators []string
		}
		Entries []struct {
			At                            time.Time
			Kind, Authority, Text, Status string
		}
	}
	var tl timeline
	if r := h.call(t, "de", "POST", base, report, sharing, &tl); r.StatusCode != 201 || len(tl.Incident.Indicators) != 1 {
		t.Fatalf("report: %d %+v", r.StatusCode, tl)
	}
	id := tl.Incident.ID
	upd := base + "/" + id + "/updates"
	h.clock.Advance(time.Hour)
	if r := h.call(t, "fr", "POST", upd, map[string]any{"text": "Seen in France too.", "iocs": []map[string]any{{"pattern": "[ipv4-addr:value = '203.0.113.9']"}}}, sharing, &tl); r.StatusCode != 201 {
		t.Fatalf("France's update: %d", r.StatusCode)
	}
	if r := h.call(t, "fr", "POST", upd, map[string]any{"text": "Resolved here.", "status": "resolved"}, sharing, nil); r.StatusCode != 403 {
		t.Errorf("France sets the status of Germany's report: %d", r.StatusCode)
	}
	if r := h.call(t, "ec3", "POST", upd, map[string]any{"text": "Europol reads only."}, sharing, nil); r.StatusCode != 403 {
		t.Errorf("a reader that does not write updates: %d", r.StatusCode)
	}
	h.clock.Advance(time.Hour)
	if r := h.call(t, "de", "POST", upd, map[string]any{"text": "Contained: hosts isolated.", "status": "contained"}, sharing, &tl); r.StatusCode != 201 || tl.Incident.Status != "contained" {
		t.Fatalf("Germany contains it: %d %+v", r.StatusCode, tl.Incident)
	}
	sighting := stix("sighting", 3, map[string]any{"sighting_of_ref": tl.Incident.Indicators[1], "count": 2, "last_seen": "2026-11-22T12:30:00Z",
		"created": "2026-11-22T12:40:00.000Z", "modified": "2026-11-22T12:40:00.000Z"})
	if r := h.taxii(t, "fr", "POST", h.objectsPath(), map[string]any{"objects": []any{sighting}}, nil); r.StatusCode != 202 {
		t.Fatalf("sighting: %d", r.StatusCode)
	}

	tl = timeline{}
	if r := h.call(t, "ec3", "GET", base+"/"+id+"/timeline", nil, sharing, &tl); r.StatusCode != 200 {
		t.Fatalf("timeline: %d", r.StatusCode)
	}
	var kinds []string
	for i, e := range tl.Entries {
		kinds = append(kinds, e.Kind+"/"+e.Authority)
		if i > 0 && e.At.Before(tl.Entries[i-1].At) {
			t.Errorf("timeline entry %d out of order", i)
		}
	}
	want := "reported/DE-CERT indicator/DE-CERT update/FR-ANSSI indicator/FR-ANSSI version/DE-CERT update/DE-CERT sighting/FR-ANSSI"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("timeline:\n got %s\nwant %s", got, want)
	}
	for _, login := range []string{"it", "nz"} {
		if r := h.call(t, login, "GET", base+"/"+id+"/timeline", nil, sharing, nil); r.StatusCode != 404 {
			t.Errorf("%s reads the timeline: %d", login, r.StatusCode)
		}
	}
	var reply json.RawMessage
	if r := h.call(t, "de", "GET", base+"/incident--6b8e2c5a-1f0d-4c3b-9a7e-000000000099/timeline", nil, sharing, &reply); r.StatusCode != 404 {
		t.Errorf("an incident nobody reported: %d", r.StatusCode)
	}
}
