package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/alerts"
	"secunion/audit"
	"secunion/store"
)

// The TLP 2.0 marking definitions, and a statement marking of CERT-Bund's.
const (
	tlpGreen  = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
	tlpAmber  = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
	tlpRed    = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
	copyright = "marking-definition--2f4a1c3e-7b5d-4e6f-8a9b-0c1d2e3f4a5b"
)

// hub is a console with an alert hub: CERT-Bund (de) and ANSSI (fr) read
// and write "Cyber threats", New Zealand's police (nz) reads it under
// agreement eu-nz (indicators, up to TLP:GREEN), CSIRT Italia (it) reads
// nothing. CERT-Bund shared a statement marking, indicator 1 (TLP:GREEN,
// its description TLP:RED, handling code H1, two versions), indicator 2
// (TLP:AMBER), a malware (TLP:GREEN) and fillerCount identities.
type hub struct {
	*env
	collection string
	version1   string // the first version of indicator 1
}

const fillerCount = 55

// stixID returns the identifier of test object n of type typ.
func stixID(typ string, n int) string {
	return fmt.Sprintf("%s--6b8e2c5a-1f0d-4c3b-9a7e-%012d", typ, n)
}

func stixObject(typ string, n int, modified string, props map[string]any) json.RawMessage {
	o := map[string]any{"type": typ, "spec_version": "2.1", "id": stixID(typ, n), "created": "2026-11-20T10:00:00.000Z", "modified": modified}
	for k, v := range props {
		o[k] = v
	}
	b, err := json.Marshal(o)
	if err != nil {
		panic(err)
	}
	return b
}

func indicatorObject(n int, modified string, marking string, props map[string]any) json.RawMessage {
	p := map[string]any{"name": fmt.Sprintf("C2 server %d", n), "pattern": fmt.Sprintf("[ipv4-addr:value = '198.51.100.%d']", n), "pattern_type": "stix",
		"valid_from": "2026-11-20T10:00:00Z", "object_marking_refs": []string{marking}}
	for k, v := range props {
		p[k] = v
	}
	return stixObject("indicator", n, modified, p)
}

func hubEnv(t *testing.T) hub {
	t.Helper()
	e := start(t)
	ctx := context.Background()
	op := secunion.LocalOperator
	for _, a := range []access.Authority{
		{Code: "DE-CERT", Name: "CERT-Bund", Country: "DE", Kind: access.KindCSIRT},
		{Code: "FR-ANSSI", Name: "ANSSI", Country: "FR", Kind: access.KindCSIRT},
		{Code: "IT-CERT", Name: "CSIRT Italia", Country: "IT", Kind: access.KindCSIRT},
		{Code: "NZ-POLICE", Name: "New Zealand Police", Country: "XX", Kind: access.KindPartner},
	} {
		if _, err := e.db.CreateAuthority(ctx, op, a); err != nil {
			t.Fatal(err)
		}
	}
	for login, auth := range map[string]string{"de": "DE-CERT", "fr": "FR-ANSSI", "it": "IT-CERT", "nz": "NZ-POLICE"} {
		if _, err := e.db.CreateUser(ctx, op, access.User{Login: login, Name: login, Authority: auth, Roles: []string{access.RoleOfficer}}, password); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.db.PutAlertGroup(ctx, op, alerts.Group{Name: "cyber", Members: []string{"DE-CERT", "FR-ANSSI", "NZ-POLICE"}}); err != nil {
		t.Fatal(err)
	}
	c, err := e.db.PutAlertCollection(ctx, op, alerts.Collection{Title: "Cyber threats", Description: "Indicators shared by the CSIRTs network.",
		Readers: "cyber", Writers: "cyber", DefaultTLP: alerts.TLPAmber})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.PutAgreement(ctx, op, alerts.Agreement{ID: "eu-nz", Title: "EU–New Zealand, serious crime and terrorism", Partner: "NZ-POLICE",
		Purposes: []secunion.Purpose{secunion.PurposeAlertSharing}, Types: []string{"indicator"}, MaxTLP: alerts.TLPGreen,
		Collections: []string{c.ID}, Review: e.clock.Now().AddDate(1, 0, 0)}); err != nil {
		t.Fatal(err)
	}
	de, _, err := e.db.CheckPassword(ctx, "de", password)
	if err != nil {
		t.Fatal(err)
	}
	decl := access.Declaration{Purpose: secunion.PurposeAlertSharing}
	v, err := e.db.AlertView(ctx, de, decl, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	add := func(raws ...json.RawMessage) {
		t.Helper()
		checked := alerts.Checker{Marking: e.db.MarkingHeld(ctx)}.Batch(raws)
		if len(checked.Failures) > 0 {
			t.Fatalf("refused: %+v", checked.Failures)
		}
		st, err := e.db.AddAlertObjects(ctx, de, decl, v, checked.Objects, nil)
		if err != nil || st.FailureCount > 0 {
			t.Fatalf("add: %v %+v", err, st.Failures)
		}
	}
	handling := map[string]any{alerts.HandlingExtension: map[string]any{"extension_type": "property-extension",
		"handling_code": "H1", "source_reliability": "B", "information_credibility": "2"}}
	first := indicatorObject(1, "2026-11-20T10:00:00.000Z", tlpGreen, map[string]any{"description": "Seen by a ministry's SOC"})
	add(
		json.RawMessage(`{"type":"marking-definition","spec_version":"2.1","id":"`+copyright+`","created":"2026-11-01T00:00:00.000Z","name":"CERT-Bund copyright","definition_type":"statement","definition":{"statement":"Copyright 2026 CERT-Bund"}}`),
		first,
		indicatorObject(2, "2026-11-20T10:00:00.000Z", tlpAmber, nil),
		stixObject("malware", 3, "2026-11-20T10:00:00.000Z", map[string]any{"name": "Lockbit sample", "is_family": false, "object_marking_refs": []string{tlpGreen}}),
	)
	var fillers []json.RawMessage
	for n := range fillerCount {
		fillers = append(fillers, stixObject("identity", 100+n, "2026-11-20T10:00:00.000Z", map[string]any{"name": fmt.Sprintf("Filler %d", n),
			"identity_class": "organization", "object_marking_refs": []string{tlpGreen}}))
	}
	add(fillers...)
	e.clock.Advance(time.Minute)
	add(indicatorObject(1, "2026-11-21T10:00:00.000Z", tlpGreen, map[string]any{
		"description":         "Seen by a ministry's SOC, then at two operators",
		"object_marking_refs": []string{tlpGreen, copyright},
		"granular_markings":   []any{map[string]any{"marking_ref": tlpRed, "selectors": []string{"description"}}},
		"extensions":          handling,
	}))
	return hub{env: e, collection: c.ID, version1: "2026-11-20T10:00:00.000Z"}
}

func (h hub) path(object string) string {
	p := "/alerts/collections/" + h.collection
	if object != "" {
		p += "/objects/" + object
	}
	return p
}

var rowPattern = regexp.MustCompile(`(?s)<tr><td>([a-z-]+)</td><td><a href="[^"]*/objects/([^"]+)">`)

// listed returns the identifiers of the objects a collection page lists.
func listed(body string) []string {
	var ids []string
	for _, m := range rowPattern.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[2])
	}
	return ids
}

// TestAlertHubPages: the collections page, a collection paged by the
// store's cursor and filtered by type, and an object with its markings,
// versions and, for its origin only, who may see it; a partner sees only
// what its agreement reaches, an authority outside the reader group gets
// the not-found page, and what the pages show is audited as disclosed.
func TestAlertHubPages(t *testing.T) {
	h := hubEnv(t)
	ind1, ind2, mal := stixID("indicator", 1), stixID("indicator", 2), stixID("malware", 3)

	de := h.user(t)
	de.login("de")
	_, home := de.get("/")
	if !strings.Contains(home, `href="/alerts"`) || strings.Contains(home, `href="/alerts/agreements"`) {
		t.Errorf("a CSIRT officer's navigation: the hub missing or agreements offered")
	}
	resp, body := de.get("/alerts")
	wantStatus(t, "collections", resp, body, http.StatusOK)
	if !strings.Contains(body, `href="/alerts/collections/`+h.collection+`"`) || !strings.Contains(body, "Cyber threats") ||
		!strings.Contains(body, `<span class="tlp tlp-amber">TLP:AMBER</span>`) {
		t.Errorf("the collections page lacks the collection or its default TLP:\n%s", body)
	}

	// A page of 50, then the rest by the cursor; TLP badges; origins.
	resp, body = de.get(h.path(""))
	wantStatus(t, "collection", resp, body, http.StatusOK)
	page1 := listed(body)
	next := regexp.MustCompile(`<a href="([^"]+)" id="next">`).FindStringSubmatch(body)
	if len(page1) != 50 || next == nil {
		t.Fatalf("first page lists %d objects, next link %v; want 50 and a next link", len(page1), next)
	}
	if !strings.Contains(body, `<span class="tlp tlp-green">TLP:GREEN</span>`) || !strings.Contains(body, "<td>DE-CERT</td>") {
		t.Errorf("the rows lack the TLP badge or the origin")
	}
	resp, body = de.get(strings.ReplaceAll(next[1], "&amp;", "&"))
	wantStatus(t, "next page", resp, body, http.StatusOK)
	page2 := listed(body)
	all := slices.Concat(page1, page2)
	if len(all) != 1+3+fillerCount || !slices.Contains(all, ind1) || strings.Contains(body, `id="next"`) {
		t.Errorf("the two pages list %d objects (want %d with indicator 1's latest version once), next link on the last: %v",
			len(all), 1+3+fillerCount, strings.Contains(body, `id="next"`))
	}
	slices.Sort(all)
	if len(slices.Compact(all)) != len(page1)+len(page2) {
		t.Errorf("an object is listed twice across pages")
	}
	_, body = de.get(h.path("") + "?type=malware")
	if got := listed(body); !slices.Equal(got, []string{mal}) {
		t.Errorf("filtered by malware, the page lists %v", got)
	}
	resp, body = de.get(h.path("") + "?type=Not+A+Type")
	wantStatus(t, "a bad type", resp, body, http.StatusBadRequest)

	// The origin sees the object whole, its markings, versions and who
	// may see it.
	resp, body = de.get(h.path(ind1))
	wantStatus(t, "object (origin)", resp, body, http.StatusOK)
	for _, want := range []string{
		"Seen by a ministry&#39;s SOC, then at two operators", // not redacted for the origin
		`<span class="tlp tlp-red">TLP:RED</span></td><td><code>description</code>`,
		"Copyright 2026 CERT-Bund", "<strong>H1</strong> not to be used as evidence", "<strong>B</strong> mostly reliable",
		"<strong>2</strong> known personally to the source", `id="audience"`,
		`href="` + h.path(ind1) + `?version=` + strings.ReplaceAll(h.version1, ":", "%3A") + `"`,
		`<strong aria-current="true">2026-11-21T10:00:00.000Z</strong>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the origin's object page lacks %q", want)
		}
	}
	if strings.Contains(body, `class="redacted"`) {
		t.Errorf("the origin's object page shows a redaction")
	}
	audience := map[string]string{}
	for _, m := range regexp.MustCompile(`(?s)data-authority="([^"]+)">.*?<td class="outcome">([^<]*)</td>`).FindAllStringSubmatch(body, -1) {
		audience[m[1]] = m[2]
	}
	for who, want := range map[string]string{
		"DE-CERT": "received", "FR-ANSSI": "received redacted: description cut out", "NZ-POLICE": "received redacted: description cut out",
	} {
		if audience[who] != want {
			t.Errorf("who may see it: %s %q, want %q (all: %v)", who, audience[who], want, audience)
		}
	}
	if _, ok := audience["IT-CERT"]; ok || len(audience) != 3 {
		t.Errorf("who may see it lists %v; want the three readers", audience)
	}
	_, body = de.get(h.path(ind2))
	if !strings.Contains(body, "TLP:AMBER is above what this recipient may receive") {
		t.Errorf("who may see indicator 2 does not say the partner is refused for its TLP")
	}
	_, body = de.get(h.path(mal))
	if !strings.Contains(body, "agreement eu-nz does not cover malware") {
		t.Errorf("who may see the malware does not say the agreement does not cover it")
	}
	_, body = de.get(h.path(ind1) + "?version=" + h.version1)
	if !strings.Contains(body, "Seen by a ministry&#39;s SOC</td>") || !strings.Contains(body, `<strong aria-current="true">`+h.version1+`</strong>`) {
		t.Errorf("the first version's page does not show the first version")
	}
	resp, body = de.get(h.path(ind1) + "?version=2020-01-01T00:00:00.000Z")
	wantStatus(t, "an unknown version", resp, body, http.StatusNotFound)

	// Another reader receives the description redacted, marked as such,
	// and is not told who else may see the object.
	fr := h.user(t)
	fr.login("fr")
	resp, body = fr.get(h.path(ind1))
	wantStatus(t, "object (reader)", resp, body, http.StatusOK)
	if strings.Contains(body, "two operators") || !strings.Contains(body, `<tr class="redacted-row" data-selector="description"><th scope="row">description</th><td><span class="redacted">redacted</span>`) {
		t.Errorf("the reader's page shows the TLP:RED description or does not mark it redacted:\n%s", body)
	}
	if strings.Contains(body, `id="audience"`) || strings.Contains(body, "NZ-POLICE") {
		t.Errorf("a reader who did not add the object is shown who may see it")
	}
	if !strings.Contains(body, `<dd id="origin">DE-CERT</dd>`) {
		t.Errorf("a Union reader is not shown the origin")
	}
	entries := h.search(t, store.AuditFilter{Authority: "FR-ANSSI", Operation: string(audit.OpDisclosure)})
	var disclosed []string
	for _, e := range entries {
		disclosed = append(disclosed, e.Objects...)
	}
	if !slices.Contains(disclosed, "stix:"+ind1+"@2026-11-21T10:00:00.000Z") {
		t.Errorf("the reader's object page is not audited as a disclosure: %v", disclosed)
	}

	// The partner sees only what its agreement reaches, and no origin.
	nz := h.user(t)
	nz.login("nz")
	_, body = nz.get(h.path(""))
	if got := listed(body); !slices.Equal(got, []string{ind1}) || strings.Contains(body, "DE-CERT") || strings.Contains(body, "<th>Origin</th>") {
		t.Errorf("the partner's collection page lists %v (want indicator 1 alone) or shows origins", got)
	}
	resp, body = nz.get(h.path(ind1))
	wantStatus(t, "object (partner)", resp, body, http.StatusOK)
	if strings.Contains(body, "two operators") || !strings.Contains(body, `data-selector="description"`) || strings.Contains(body, "DE-CERT") {
		t.Errorf("the partner's object page shows the description or the origin")
	}
	for _, o := range []string{ind2, mal} {
		resp, body = nz.get(h.path(o))
		wantStatus(t, "an object the agreement does not reach", resp, body, http.StatusNotFound)
	}

	// Outside the reader group the collection does not exist.
	it := h.user(t)
	it.login("it")
	_, body = it.get("/alerts")
	if strings.Contains(body, h.collection) {
		t.Errorf("an authority outside the group is offered the collection")
	}
	for _, p := range []string{h.path(""), h.path(ind1), "/alerts/collections/no-such-collection"} {
		resp, body = it.get(p)
		wantStatus(t, "outside the group: "+p, resp, body, http.StatusNotFound)
		if !strings.Contains(body, "<title>Not Found · secunion</title>") {
			t.Errorf("%s: not the console's not-found page:\n%s", p, body)
		}
	}

	// A border guard's authority does not share alerts: refused, audited.
	anna := h.user(t)
	anna.login("anna")
	_, home = anna.get("/")
	if strings.Contains(home, `href="/alerts"`) {
		t.Errorf("a border guard is offered the alert hub")
	}
	resp, body = anna.get(h.path(""))
	wantStatus(t, "a border guard", resp, body, http.StatusForbidden)
	if len(h.search(t, store.AuditFilter{Authority: "DE-BPOL", Operation: string(audit.OpAccessDenied)})) == 0 {
		t.Errorf("the border guard's refusal is not audited")
	}
}

// TestAgreementPages: the hub's administrators and supervisors read the
// agreements, an agreement's terms and what went out under it (the
// partner's reads, from the audit log); nobody else may.
func TestAgreementPages(t *testing.T) {
	h := hubEnv(t)
	ind1 := stixID("indicator", 1)
	nz := h.user(t)
	nz.login("nz")
	nz.get(h.path(ind1))

	root := h.user(t)
	root.login("root")
	_, home := root.get("/")
	if !strings.Contains(home, `href="/alerts/agreements"`) || strings.Contains(home, `href="/alerts"`) {
		t.Errorf("the administrator's navigation lacks the agreements or offers the hub")
	}
	resp, body := root.get("/alerts/agreements")
	wantStatus(t, "agreements", resp, body, http.StatusOK)
	if !strings.Contains(body, `href="/alerts/agreements/eu-nz"`) || !strings.Contains(body, `<span class="tlp tlp-green">TLP:GREEN</span>`) {
		t.Errorf("the agreements page lacks eu-nz or its TLP:\n%s", body)
	}
	for _, login := range []string{"root", "dpo"} {
		u := root
		if login == "dpo" {
			u = h.user(t)
			u.login("dpo")
		}
		resp, body = u.get("/alerts/agreements/eu-nz")
		wantStatus(t, login+": agreement", resp, body, http.StatusOK)
		for _, want := range []string{`<dd id="partner">NZ-POLICE</dd>`, "<dd>indicator</dd>", "Cyber threats", `<dd id="in-force">yes</dd>`,
			"forbidden: what the partner sends stays in the Union", "stix:" + ind1 + "@2026-11-21T10:00:00.000Z"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: the agreement page lacks %q", login, want)
			}
		}
	}
	if n := len(h.search(t, store.AuditFilter{Authority: "EU-ADMIN", Operation: string(audit.OpConsultation), Purpose: "administration"})); n != 1 {
		t.Errorf("the administrator's reading of the disclosures is audited %d times, want once", n)
	}
	resp, body = root.get("/alerts/agreements/no-such")
	wantStatus(t, "an unknown agreement", resp, body, http.StatusNotFound)

	// Past its review date an agreement is shown as not in force.
	old, err := h.db.Agreement(context.Background(), "eu-nz")
	if err != nil {
		t.Fatal(err)
	}
	old.ID, old.Review = "eu-nz-2025", h.clock.Now().Add(-time.Hour)
	if _, err := h.db.PutAgreement(context.Background(), secunion.LocalOperator, old); err != nil {
		t.Fatal(err)
	}
	_, body = root.get("/alerts/agreements/eu-nz-2025")
	if !strings.Contains(body, `<dd id="in-force">no`) || !strings.Contains(body, "Nothing has gone out under this agreement.") {
		t.Errorf("an agreement past its review date is shown in force, or with the other agreement's disclosures")
	}

	for _, login := range []string{"de", "nz", "anna"} {
		u := h.user(t)
		u.login(login)
		for _, p := range []string{"/alerts/agreements", "/alerts/agreements/eu-nz"} {
			resp, body = u.get(p)
			wantStatus(t, login+": "+p, resp, body, http.StatusForbidden)
		}
	}
}
