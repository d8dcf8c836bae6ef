package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/alerts"
	"secunion/store"
)

// The TLP 2.0 marking definitions.
const (
	tlpGreen = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
	tlpAmber = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
	tlpRed   = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
)

// hubEnv is a hub with CSIRTs of two Member States, Europol and New
// Zealand's police under an agreement, and one collection.
type hubEnv struct {
	*apiEnv
	collection string
}

func newHub(t *testing.T) hubEnv {
	e := newAPI(t)
	e.add(t, []access.Authority{
		{Code: "DE-CERT", Name: "CERT-Bund", Country: "DE", Kind: access.KindCSIRT},
		{Code: "FR-ANSSI", Name: "ANSSI", Country: "FR", Kind: access.KindCSIRT},
		{Code: "EUROPOL", Name: "Europol EC3", Country: "EU", Kind: access.KindEuropol},
		{Code: "NZ-POLICE", Name: "New Zealand Police", Country: "XX", Kind: access.KindPartner},
		{Code: "IT-CERT", Name: "CSIRT Italia", Country: "IT", Kind: access.KindCSIRT},
	}, []access.User{
		{Login: "de", Name: "Analyst", Authority: "DE-CERT", Roles: []string{access.RoleOfficer}},
		{Login: "fr", Name: "Analyste", Authority: "FR-ANSSI", Roles: []string{access.RoleOfficer}},
		{Login: "ec3", Name: "Analyst", Authority: "EUROPOL", Roles: []string{access.RoleOfficer}},
		{Login: "nz", Name: "Liaison", Authority: "NZ-POLICE", Roles: []string{access.RoleOfficer}},
		{Login: "it", Name: "Analista", Authority: "IT-CERT", Roles: []string{access.RoleOfficer}},
	})
	admin := map[string]string{"X-Purpose": "administration"}
	for name, members := range map[string][]string{"cyber": {"DE-CERT", "FR-ANSSI", "EUROPOL", "NZ-POLICE"}, "cyber-writers": {"DE-CERT", "FR-ANSSI", "NZ-POLICE"}} {
		if r := e.call(t, "root", "PUT", "/api/v1/alerts/groups/"+name, map[string]any{"members": members}, admin, nil); r.StatusCode != 200 {
			t.Fatalf("group %s: %d", name, r.StatusCode)
		}
	}
	var errBody apiError
	if r := e.call(t, "de", "PUT", "/api/v1/alerts/groups/mine", map[string]any{"members": []string{"DE-CERT"}}, admin, &errBody); r.StatusCode != 403 {
		t.Errorf("an officer sets a group: %d", r.StatusCode)
	}
	var c alerts.Collection
	if r := e.call(t, "root", "POST", "/api/v1/alerts/collections", map[string]any{"title": "Cyber threats", "readers": "cyber", "writers": "cyber-writers", "default_tlp": "amber"}, admin, &c); r.StatusCode != 200 {
		t.Fatalf("collection: %d", r.StatusCode)
	}
	agreement := map[string]any{"title": "EU–NZ, Europol, serious crime and terrorism", "partner": "NZ-POLICE", "purposes": []string{"alert-sharing"},
		"types": []string{"indicator", "identity"}, "max_tlp": "green", "collections": []string{c.ID}, "review": "2027-06-30T00:00:00Z"}
	if r := e.call(t, "root", "PUT", "/api/v1/alerts/agreements/eu-nz", agreement, admin, nil); r.StatusCode != 200 {
		t.Fatalf("agreement: %d", r.StatusCode)
	}
	agreement["max_tlp"] = "red"
	if r := e.call(t, "root", "PUT", "/api/v1/alerts/agreements/eu-nz-red", agreement, admin, &errBody); r.StatusCode != 400 || !strings.Contains(errBody.Error.Message, "max_tlp") {
		t.Errorf("an agreement up to RED: %d %s", r.StatusCode, errBody.Error.Message)
	}
	return hubEnv{e, c.ID}
}

// taxii sends a TAXII request as login and decodes the answer into out.
func (h hubEnv) taxii(t *testing.T, login, method, path string, body any, out any) *http.Response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, h.srv.URL+path, rd)
	req.Header.Set("Accept", alerts.MediaType)
	if body != nil {
		req.Header.Set("Content-Type", alerts.MediaType)
	}
	req.Header.Set("Authorization", "Bearer "+h.tokens[login])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %d %s: %v", method, path, resp.StatusCode, data, err)
		}
	}
	return resp
}

func (h hubEnv) objectsPath() string { return "/taxii2/hub/collections/" + h.collection + "/objects/" }

// stix returns a STIX object of type typ with the given uuid suffix.
func stix(typ string, n int, props map[string]any) map[string]any {
	o := map[string]any{"type": typ, "spec_version": "2.1", "id": fmt.Sprintf("%s--6b8e2c5a-1f0d-4c3b-9a7e-%012d", typ, n),
		"created": "2026-11-20T10:00:00.000Z", "modified": "2026-11-20T10:00:00.000Z"}
	for k, v := range props {
		o[k] = v
	}
	return o
}

func indicator(n int, markings []string, props map[string]any) map[string]any {
	p := map[string]any{"name": fmt.Sprintf("C2 server %d", n), "pattern": fmt.Sprintf("[ipv4-addr:value = '198.51.100.%d']", n), "pattern_type": "stix",
		"valid_from": "2026-11-20T10:00:00Z", "indicator_types": []string{"malicious-activity"}}
	if markings != nil {
		p["object_marking_refs"] = markings
	}
	for k, v := range props {
		p[k] = v
	}
	return stix("indicator", n, p)
}

func ids(objs []json.RawMessage) []string {
	var out []string
	for _, o := range objs {
		var v struct{ ID string }
		json.Unmarshal(o, &v)
		out = append(out, v.ID)
	}
	slices.Sort(out)
	return out
}

// TestTAXIIHub runs the hub through TAXII as its users would: a CSIRT
// posts a bundle with good and bad objects and gets a status naming each
// failure; each recipient then reads what TLP, handling codes, granular
// markings and the agreement let it have; versions, paging, deletion,
// content negotiation and the audit of disclosures.
func TestTAXIIHub(t *testing.T) {
	h := newHub(t)
	handling := func(code string, recipients ...string) map[string]any {
		ext := map[string]any{"extension_type": "property-extension", "handling_code": code, "source_reliability": "B", "information_credibility": "2"}
		if recipients != nil {
			ext["recipients"] = recipients
		}
		return map[string]any{"extensions": map[string]any{alerts.HandlingExtension: ext}}
	}
	good := []any{
		stix("identity", 1, map[string]any{"name": "CERT-Bund", "identity_class": "organization", "object_marking_refs": []string{tlpGreen}}),
		indicator(2, []string{tlpGreen}, nil),
		indicator(3, []string{tlpRed}, handling("H0", "FR-ANSSI")),
		indicator(4, []string{tlpAmber}, map[string]any{"description": "Seen against a ministry's mail server.",
			"granular_markings": []any{map[string]any{"marking_ref": tlpRed, "selectors": []string{"description"}}}}),
		indicator(5, []string{tlpGreen}, handling("H2")),
		stix("malware", 6, map[string]any{"name": "Loader", "is_family": true, "object_marking_refs": []string{tlpGreen}}),
		stix("x-acme-note", 7, map[string]any{"x_acme_score": 7}),
	}
	bad := map[string]any{
		"is before created":     indicator(10, nil, map[string]any{"modified": "2026-11-19T10:00:00Z"}),
		"not a STIX 2.1 type":   stix("foo-bar", 11, nil),
		"no marking definition": indicator(12, []string{"marking-definition--00000000-0000-4000-8000-000000000000"}, nil),
		"points at nothing":     indicator(13, nil, map[string]any{"granular_markings": []any{map[string]any{"marking_ref": tlpRed, "selectors": []string{"labels.[3]"}}}}),
		"must name a identity":  indicator(14, nil, map[string]any{"created_by_ref": "indicator--6b8e2c5a-1f0d-4c3b-9a7e-000000000002"}),
		"pattern":               indicator(15, nil, map[string]any{"pattern": "[ipv4-addr:value = '1.2.3.4'"}),
		"handling_code":         indicator(16, nil, handling("H9")),
	}
	objects := slices.Clone(good)
	for _, o := range bad {
		objects = append(objects, o)
	}
	var st alerts.Status
	if r := h.taxii(t, "de", "POST", h.objectsPath(), map[string]any{"objects": objects}, &st); r.StatusCode != 202 {
		t.Fatalf("post: %d %+v", r.StatusCode, st)
	}
	if st.SuccessCount != len(good) || st.FailureCount != len(bad) || st.Status != "complete" {
		t.Errorf("status: %d successes, %d failures, want %d and %d: %+v", st.SuccessCount, st.FailureCount, len(good), len(bad), st.Failures)
	}
	for want := range bad {
		if !slices.ContainsFunc(st.Failures, func(d alerts.StatusDetail) bool { return strings.Contains(d.Message, want) }) {
			t.Errorf("no failure says %q: %+v", want, st.Failures)
		}
	}
	var again alerts.Status
	if h.taxii(t, "de", "GET", "/taxii2/hub/status/"+st.ID+"/", nil, &again); again.SuccessCount != st.SuccessCount {
		t.Errorf("status read back: %+v", again)
	}
	if r := h.taxii(t, "fr", "GET", "/taxii2/hub/status/"+st.ID+"/", nil, nil); r.StatusCode != 404 {
		t.Errorf("another authority reads the status: %d", r.StatusCode)
	}

	read := func(login string) []string {
		var env alerts.Envelope
		if r := h.taxii(t, login, "GET", h.objectsPath(), nil, &env); r.StatusCode != 200 {
			t.Fatalf("%s reads: %d", login, r.StatusCode)
		}
		return ids(env.Objects)
	}
	id := func(typ string, n int) string { return stix(typ, n, nil)["id"].(string) }
	want := map[string][]string{
		"de":  {id("identity", 1), id("indicator", 2), id("indicator", 3), id("indicator", 4), id("indicator", 5), id("malware", 6), id("x-acme-note", 7)},
		"fr":  {id("identity", 1), id("indicator", 2), id("indicator", 3), id("indicator", 4), id("indicator", 5), id("malware", 6), id("x-acme-note", 7)},
		"ec3": {id("identity", 1), id("indicator", 2), id("indicator", 4), id("indicator", 5), id("malware", 6), id("x-acme-note", 7)},
		"nz":  {id("identity", 1), id("indicator", 2)},
	}
	for login, w := range want {
		slices.Sort(w)
		if got := read(login); !slices.Equal(got, w) {
			t.Errorf("%s receives %v, want %v", login, got, w)
		}
	}
	if r := h.taxii(t, "it", "GET", h.objectsPath(), nil, nil); r.StatusCode != 404 {
		t.Errorf("a non-reader reads the collection: %d", r.StatusCode)
	}
	var cols struct{ Collections []map[string]any }
	if h.taxii(t, "it", "GET", "/taxii2/hub/collections/", nil, &cols); len(cols.Collections) != 0 {
		t.Errorf("a non-reader lists %v", cols)
	}

	// Europol gets the AMBER indicator without the RED description, and
	// the object still names itself and its remaining markings.
	var env alerts.Envelope
	h.taxii(t, "ec3", "GET", "/taxii2/hub/collections/"+h.collection+"/objects/"+id("indicator", 4)+"/", nil, &env)
	if len(env.Objects) != 1 || bytes.Contains(env.Objects[0], []byte("ministry")) || bytes.Contains(env.Objects[0], []byte("granular_markings")) {
		t.Errorf("Europol's copy of the AMBER indicator: %s", env.Objects)
	}
	h.taxii(t, "de", "GET", "/taxii2/hub/collections/"+h.collection+"/objects/"+id("indicator", 4)+"/", nil, &env)
	if len(env.Objects) != 1 || !bytes.Contains(env.Objects[0], []byte("ministry")) {
		t.Errorf("the origin's copy of the AMBER indicator lacks the description: %s", env.Objects)
	}

	// A new version; only the origin adds versions.
	v2 := indicator(2, []string{tlpGreen}, map[string]any{"modified": "2026-11-21T10:00:00.000Z", "name": "C2 server, confirmed"})
	if h.taxii(t, "de", "POST", h.objectsPath(), map[string]any{"objects": []any{v2}}, &st); st.SuccessCount != 1 {
		t.Errorf("a new version: %+v", st)
	}
	theirs := indicator(2, []string{tlpGreen}, map[string]any{"modified": "2026-11-22T10:00:00.000Z", "name": "overwritten"})
	if h.taxii(t, "fr", "POST", h.objectsPath(), map[string]any{"objects": []any{theirs}}, &st); st.FailureCount != 1 || !strings.Contains(st.Failures[0].Message, "only DE-CERT") {
		t.Errorf("another writer's version: %+v", st)
	}
	if h.taxii(t, "de", "POST", h.objectsPath(), map[string]any{"objects": []any{v2}}, &st); st.SuccessCount != 1 {
		t.Errorf("the same version again is a success: %+v", st)
	}
	var versions struct{ Versions []string }
	h.taxii(t, "nz", "GET", "/taxii2/hub/collections/"+h.collection+"/objects/"+id("indicator", 2)+"/versions/", nil, &versions)
	if !slices.Equal(versions.Versions, []string{"2026-11-20T10:00:00.000Z", "2026-11-21T10:00:00.000Z"}) {
		t.Errorf("versions: %v", versions.Versions)
	}
	h.taxii(t, "nz", "GET", "/taxii2/hub/collections/"+h.collection+"/objects/"+id("indicator", 2)+"/", nil, &env)
	if len(env.Objects) != 1 || !bytes.Contains(env.Objects[0], []byte("confirmed")) {
		t.Errorf("the last version: %s", env.Objects)
	}

	// Paging: one object at a time, each once.
	var seen []string
	next := ""
	for range 20 {
		path := h.objectsPath() + "?limit=1&match[version]=all"
		if next != "" {
			path += "&next=" + next
		}
		var p alerts.Envelope
		if r := h.taxii(t, "de", "GET", path, nil, &p); r.StatusCode != 200 || len(p.Objects) != 1 || r.Header.Get("X-TAXII-Date-Added-First") == "" {
			t.Fatalf("page: %d %+v", r.StatusCode, p)
		}
		seen = append(seen, ids(p.Objects)...)
		if !p.More {
			break
		}
		next = p.Next
	}
	if len(seen) != len(good)+1 {
		t.Errorf("paged %d object versions, want %d: %v", len(seen), len(good)+1, seen)
	}

	// Content negotiation.
	req, _ := http.NewRequest("GET", h.srv.URL+h.objectsPath(), nil)
	req.Header.Set("Authorization", "Bearer "+h.tokens["de"])
	req.Header.Set("Accept", "application/xml")
	if r, err := http.DefaultClient.Do(req); err != nil || r.StatusCode != 406 || r.Header.Get("Content-Type") != alerts.MediaType {
		t.Errorf("Accept: application/xml: %v %v", r.StatusCode, err)
	}
	req, _ = http.NewRequest("POST", h.srv.URL+h.objectsPath(), strings.NewReader(`{"objects":[]}`))
	req.Header.Set("Authorization", "Bearer "+h.tokens["de"])
	req.Header.Set("Content-Type", "application/json")
	if r, err := http.DefaultClient.Do(req); err != nil || r.StatusCode != 415 {
		t.Errorf("a POST as application/json: %v %v", r.StatusCode, err)
	}
	var taxiiErr map[string]string
	if r := h.taxii(t, "de", "GET", h.objectsPath()+"?next=bogus", nil, &taxiiErr); r.StatusCode != 400 || !strings.Contains(taxiiErr["title"], "next") {
		t.Errorf("a bogus cursor: %d %v", r.StatusCode, taxiiErr)
	}

	// Deletion: only the origin.
	if r := h.taxii(t, "fr", "DELETE", "/taxii2/hub/collections/"+h.collection+"/objects/"+id("malware", 6)+"/", nil, nil); r.StatusCode != 403 {
		t.Errorf("another writer deletes: %d", r.StatusCode)
	}
	if r := h.taxii(t, "de", "DELETE", "/taxii2/hub/collections/"+h.collection+"/objects/"+id("malware", 6)+"/", nil, nil); r.StatusCode != 200 {
		t.Errorf("the origin deletes: %d", r.StatusCode)
	}
	if got := read("de"); slices.Contains(got, id("malware", 6)) {
		t.Errorf("deleted object still served")
	}

	// Every disclosure to the partner is in the log, with its agreement.
	entries, err := h.db.SearchAudit(context.Background(), secunion.Actor{Login: "dpo", Authority: "FR-CNIL", Roles: []string{access.RoleSupervisor}},
		access.Declaration{Purpose: secunion.PurposeSupervision}, store.AuditFilter{Authority: "NZ-POLICE", Operation: "disclosure", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 {
		t.Fatal("no disclosure to the partner is audited")
	}
	for _, e := range entries {
		if !strings.Contains(e.Detail, "agreement eu-nz") || !slices.Equal(e.Recipients, []string{"NZ-POLICE"}) || e.Purpose != "alert-sharing" {
			t.Errorf("disclosure entry: %+v", e)
		}
		for _, o := range e.Objects {
			if !strings.HasPrefix(o, "stix:identity--") && !strings.HasPrefix(o, "stix:indicator--6b8e2c5a-1f0d-4c3b-9a7e-000000000002@") {
				t.Errorf("disclosed to the partner: %s", o)
			}
		}
	}

	// After the review date, nothing reaches the partner.
	var as struct{ Agreements []alerts.Agreement }
	if h.call(t, "root", "GET", "/api/v1/alerts/agreements", nil, map[string]string{"X-Purpose": "administration"}, &as); len(as.Agreements) != 1 {
		t.Fatalf("agreements: %+v", as)
	}
	a := as.Agreements[0]
	a.Review = h.clock.Now().Add(-time.Hour)
	if r := h.call(t, "root", "PUT", "/api/v1/alerts/agreements/eu-nz", a, map[string]string{"X-Purpose": "administration"}, nil); r.StatusCode != 200 {
		t.Fatalf("review date moved: %d", r.StatusCode)
	}
	if r := h.taxii(t, "nz", "GET", h.objectsPath(), nil, nil); r.StatusCode != 404 {
		t.Errorf("past the review date the partner reads: %d", r.StatusCode)
	}
}

// TestTAXIIPostLimits refuses what is too big or not a bundle, naming
// what is wrong, and stores nothing of it.
func TestTAXIIPostLimits(t *testing.T) {
	h := newHub(t)
	for name, c := range map[string]struct {
		body   string
		status int
		says   string
	}{
		"not JSON":        {`{"objects": [`, 400, "bundle"},
		"not an object":   {`[1, 2]`, 400, "JSON object"},
		"unknown field":   {`{"objects": [], "extra": 1}`, 400, "extra"},
		"objects no list": {`{"objects": {}}`, 400, "list"},
		"too many":        {`{"objects": [` + strings.Repeat(`{},`, alerts.MaxEnvelope) + `{}]}`, 413, "at most"},
	} {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", h.srv.URL+h.objectsPath(), strings.NewReader(c.body))
			req.Header.Set("Authorization", "Bearer "+h.tokens["de"])
			req.Header.Set("Content-Type", alerts.MediaType)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var e map[string]string
			json.NewDecoder(resp.Body).Decode(&e)
			if resp.StatusCode != c.status || !strings.Contains(e["title"], c.says) {
				t.Errorf("%d %v, want %d saying %q", resp.StatusCode, e, c.status, c.says)
			}
		})
	}
	var env alerts.Envelope
	if h.taxii(t, "de", "GET", h.objectsPath(), nil, &env); len(env.Objects) != 0 {
		t.Errorf("refused posts stored %d objects", len(env.Objects))
	}
}

// TestSTIXSchemasAtTheEdge checks objects against the OASIS schemas when
// the node loads them.
func TestSTIXSchemasAtTheEdge(t *testing.T) {
	dir := "../../shared/testdata/stix/schemas"
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the STIX schemas are missing: %v", err)
		}
		t.Skipf("the STIX schemas are missing: %v", err)
	}
	v, err := alerts.LoadSchemas(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(indicator(1, nil, map[string]any{"indicator_types": []string{}}))
	o, err := alerts.ParseObject(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := (alerts.Checker{Schemas: v}).Check(o, nil); err == nil || !strings.Contains(err.Error(), "indicator_types") {
		t.Errorf("an empty indicator_types passes the schema: %v", err)
	}
}

// TestCorrelationAPI looks values up as each recipient of the hub: each
// finds the objects it may receive, a partner only what its agreement
// lets out, a CSIRT outside the collection nothing; bad values and
// warninglisted ones are answered as such.
func TestCorrelationAPI(t *testing.T) {
	h := newHub(t)
	objs := []any{indicator(2, []string{tlpGreen}, nil), indicator(3, []string{tlpRed}, nil),
		stix("ipv4-addr", 4, map[string]any{"value": "198.51.100.2"})}
	delete(objs[2].(map[string]any), "created")
	delete(objs[2].(map[string]any), "modified")
	var st alerts.Status
	if r := h.taxii(t, "de", "POST", h.objectsPath(), map[string]any{"objects": objs}, &st); r.StatusCode != 202 || st.SuccessCount != 3 {
		t.Fatalf("post: %d %+v", r.StatusCode, st)
	}
	sharing := map[string]string{"X-Purpose": "alert-sharing"}
	lookup := func(login, query string) ([]string, store.Correlation) {
		t.Helper()
		var c store.Correlation
		if r := h.call(t, login, "GET", "/api/v1/alerts/correlate?"+query, nil, sharing, &c); r.StatusCode != 200 {
			t.Fatalf("%s %s: %d", login, query, r.StatusCode)
		}
		var got []string
		for _, m := range c.Matches {
			got = append(got, m.ID)
		}
		slices.Sort(got)
		return got, c
	}
	green, red, addr := objs[0].(map[string]any)["id"].(string), objs[1].(map[string]any)["id"].(string), objs[2].(map[string]any)["id"].(string)
	for _, tc := range []struct {
		login, query string
		want         []string
	}{
		{"de", "value=198.51.100.2", []string{green, addr}},
		{"fr", "value=198.51.100.3", nil}, // TLP:RED, and FR-ANSSI is not its origin
		{"de", "value=198.51.100.3", []string{red}},
		{"nz", "value=198.51.100.2", []string{green}}, // the agreement covers indicators, not addresses
		{"it", "value=198.51.100.2", nil},
		{"de", "kind=ipv4&value=::ffff:198.51.100.2", []string{green, addr}},
	} {
		slices.Sort(tc.want)
		if got, _ := lookup(tc.login, tc.query); !slices.Equal(got, tc.want) {
			t.Errorf("%s %s: %v, want %v", tc.login, tc.query, got, tc.want)
		}
	}
	// FR-ANSSI sights the green indicator: its life starts again then,
	// for DE-CERT too, which does not learn who sighted it.
	sighting := stix("sighting", 5, map[string]any{"sighting_of_ref": green, "count": 2, "last_seen": "2026-11-25T08:00:00Z",
		"created_by_ref": "identity--6b8e2c5a-1f0d-4c3b-9a7e-000000000099", "object_marking_refs": []string{tlpGreen}})
	if r := h.taxii(t, "fr", "POST", h.objectsPath(), map[string]any{"objects": []any{sighting}}, &st); r.StatusCode != 202 || st.SuccessCount != 1 {
		t.Fatalf("sighting: %d %+v", r.StatusCode, st)
	}
	_, c := lookup("de", "value=198.51.100.2")
	for _, m := range c.Matches {
		if (m.Type == "indicator") != (m.Decay != nil) || m.Decay != nil && !m.Decay.Since.Equal(time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)) {
			t.Errorf("%s decays as %+v", m.ID, m.Decay)
		}
	}
	var env alerts.Envelope
	h.taxii(t, "de", "GET", h.objectsPath()+"?match[type]=sighting", nil, &env)
	if len(env.Objects) != 1 || strings.Contains(string(env.Objects[0]), "created_by_ref") {
		t.Errorf("DE-CERT receives the sighting as %s", env.Objects)
	}
	if _, c := lookup("de", "value=10.0.0.1"); c.Warninglist != "Private and special-purpose addresses" {
		t.Errorf("a private address: %+v", c)
	}
	if _, c := lookup("de", "value=198.51.100.2&limit=1"); len(c.Matches) != 1 || !c.More {
		t.Errorf("limit 1: %+v", c)
	}
	for query, says := range map[string]string{
		"value=":                      "give the value",
		"value=trollfarm":             "name its kind",
		"kind=colour&value=red":       "not a kind",
		"kind=sha-256&value=abc":      "64 hex digits",
		"value=198.51.100.2&limit=0":  "limit",
		"value=198.51.100.2&limit=1x": "limit",
	} {
		var e apiError
		if r := h.call(t, "de", "GET", "/api/v1/alerts/correlate?"+query, nil, sharing, &e); r.StatusCode != 400 || !strings.Contains(e.Error.Message, says) {
			t.Errorf("%s: %d %q, want 400 saying %q", query, r.StatusCode, e.Error.Message, says)
		}
	}
}
