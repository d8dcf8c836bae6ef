package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/removal"
)

// TestRemovalOrdersAPI issues an order through the API and answers it as
// the provider: the purpose is required, bad orders are refused naming
// the field, the 12-hour rule holds, the provider's first fetch starts the
// hour, another provider neither sees nor answers the order, and a step
// the state machine refuses changes nothing.
func TestRemovalOrdersAPI(t *testing.T) {
	e := newAPI(t)
	e.add(t, []access.Authority{
		{Code: "FR-OCLCTIC", Name: "OCLCTIC", Country: "FR", Kind: access.KindTCOAuthority},
		{Code: "VIDSHARE", Name: "VidShare", Country: "IE", Kind: access.KindHostingProvider},
		{Code: "PICBOARD", Name: "PicBoard", Country: "IE", Kind: access.KindHostingProvider},
	}, []access.User{
		{Login: "fr", Name: "Officier", Authority: "FR-OCLCTIC", Roles: []string{access.RoleOfficer}},
		{Login: "vid", Name: "Trust and safety", Authority: "VIDSHARE", Roles: []string{access.RoleAdmin, access.RoleOfficer}},
		{Login: "pic", Name: "Moderator", Authority: "PICBOARD", Roles: []string{access.RoleAdmin, access.RoleOfficer}},
	})
	tco := map[string]string{"X-Purpose": "terrorist-content"}
	var errBody apiError
	secret := strings.Repeat("w", 32)
	if r := e.call(t, "pic", "PUT", "/api/v1/providers/VIDSHARE", map[string]any{"name": "VidShare", "state": "IE"}, nil, &errBody); r.StatusCode != 403 {
		t.Errorf("a provider registered another: %d", r.StatusCode)
	}
	if r := e.call(t, "vid", "PUT", "/api/v1/providers/VIDSHARE", map[string]any{"name": "VidShare", "state": "IE", "webhook": "http://hooks.example/x", "secret": secret}, nil, &errBody); r.StatusCode != 400 || !strings.Contains(errBody.Error.Message, "contact.webhook") {
		t.Errorf("a webhook in clear: %d %s", r.StatusCode, errBody.Error.Message)
	}
	var p removal.Provider
	if r := e.call(t, "vid", "PUT", "/api/v1/providers/VIDSHARE", map[string]any{"name": "VidShare", "state": "IE", "webhook": "https://hooks.vidshare.example/tco", "secret": secret}, nil, &p); r.StatusCode != 200 {
		t.Fatalf("register: %d", r.StatusCode)
	}
	var ps struct{ Providers []map[string]any }
	e.call(t, "fr", "GET", "/api/v1/providers", nil, nil, &ps)
	if len(ps.Providers) != 1 || strings.Contains(strings.ToLower(fmtAny(ps.Providers)), strings.ToLower(secret)) {
		t.Errorf("providers: %v", ps.Providers)
	}
	var info struct {
		FirstOrderFrom time.Time `json:"first_order_from"`
	}
	if r := e.call(t, "fr", "POST", "/api/v1/providers/VIDSHARE/procedure-information", nil, tco, &info); r.StatusCode != 200 || !info.FirstOrderFrom.Equal(e.clock.Now().Add(12*time.Hour)) {
		t.Fatalf("procedure information: %d %+v", r.StatusCode, info)
	}

	order := map[string]any{"reference": "FR-9", "provider": "VIDSHARE", "category": "incitement",
		"items":   []map[string]string{{"url": "https://vidshare.example/v/9"}},
		"reasons": "Calls for attacks on places of worship.", "redress": "Tribunal administratif de Paris."}
	with := func(k string, v any) map[string]any {
		o := map[string]any{}
		for k2, v2 := range order {
			o[k2] = v2
		}
		o[k] = v
		return o
	}
	for name, c := range map[string]struct {
		login   string
		body    any
		headers map[string]string
		status  int
		says    string
	}{
		"no purpose":       {"fr", order, nil, 403, "purpose"},
		"malformed URL":    {"fr", with("items", []map[string]string{{"url": "vidshare.example/v/9"}}), tco, 400, "items[0].url"},
		"no URL":           {"fr", with("items", []map[string]string{}), tco, 400, "items"},
		"unknown provider": {"fr", with("provider", "NOBODY"), tco, 400, "provider"},
		"unknown field":    {"fr", with("deadline", "tomorrow"), tco, 400, "deadline"},
		"a border guard":   {"anna", order, tco, 403, ""},
		"a provider":       {"pic", order, tco, 403, ""},
		"too early":        {"fr", order, tco, 409, "12 hours"},
	} {
		if r := e.call(t, c.login, "POST", "/api/v1/removal-orders", c.body, c.headers, &errBody); r.StatusCode != c.status || !strings.Contains(errBody.Error.Message, c.says) {
			t.Errorf("%s: %d %s", name, r.StatusCode, errBody.Error.Message)
		}
	}
	e.clock.Advance(12 * time.Hour)
	var o removal.Order
	if r := e.call(t, "fr", "POST", "/api/v1/removal-orders", order, tco, &o); r.StatusCode != 201 || o.State != removal.Sent {
		t.Fatalf("issue: %d %+v", r.StatusCode, o)
	}

	var view struct {
		Order    removal.Order
		Timeline []removal.Event
	}
	if r := e.call(t, "pic", "GET", "/api/v1/removal-orders/"+o.ID, nil, tco, &errBody); r.StatusCode != 404 {
		t.Errorf("another provider read the order: %d", r.StatusCode)
	}
	e.clock.Advance(time.Minute)
	if r := e.call(t, "vid", "GET", "/api/v1/removal-orders/"+o.ID, nil, tco, &view); r.StatusCode != 200 || view.Order.State != removal.Received || len(view.Timeline) != 3 {
		t.Fatalf("the provider's first fetch: %d %s %d events", r.StatusCode, view.Order.State, len(view.Timeline))
	}
	if r := e.call(t, "pic", "POST", "/api/v1/removal-orders/"+o.ID+"/steps", map[string]any{"action": "remove"}, tco, &errBody); r.StatusCode != 404 {
		t.Errorf("another provider answered: %d", r.StatusCode)
	}
	if r := e.call(t, "vid", "POST", "/api/v1/removal-orders/"+o.ID+"/steps", map[string]any{"action": "cannot-comply", "obstacle": "busy", "text": "too much to do today"}, tco, &errBody); r.StatusCode != 400 || !strings.Contains(errBody.Error.Message, "obstacle") {
		t.Errorf("a bad obstacle: %d %s", r.StatusCode, errBody.Error.Message)
	}
	e.clock.Advance(20 * time.Minute)
	if r := e.call(t, "vid", "POST", "/api/v1/removal-orders/"+o.ID+"/steps", map[string]any{"action": "remove"}, tco, &o); r.StatusCode != 200 || o.State != removal.Removed || !o.RemovedAt.Equal(e.clock.Now()) {
		t.Fatalf("remove: %d %s", r.StatusCode, o.State)
	}
	if r := e.call(t, "fr", "POST", "/api/v1/removal-orders/"+o.ID+"/steps", map[string]any{"action": "withdraw", "text": "no longer needed"}, tco, &errBody); r.StatusCode != 409 {
		t.Errorf("withdrawn after removal: %d", r.StatusCode)
	}
	var list struct{ Orders []removal.Order }
	for login, want := range map[string]int{"fr": 1, "vid": 1, "pic": 0} {
		if e.call(t, login, "GET", "/api/v1/removal-orders", nil, tco, &list); len(list.Orders) != want {
			t.Errorf("%s lists %d orders, want %d", login, len(list.Orders), want)
		}
	}
	if r := e.call(t, "fr", "GET", "/api/v1/removal-orders?state=lost", nil, tco, &errBody); r.StatusCode != 400 {
		t.Errorf("an unknown state: %d", r.StatusCode)
	}
}

func fmtAny(v any) string { return fmt.Sprint(v) }

// TestRemovalCasesAPI walks a complaint, a referral, a threat report and
// the transparency figures (JSON and CSV) through the API.
func TestRemovalCasesAPI(t *testing.T) {
	e := newAPI(t)
	ctx := context.Background()
	op := secunion.LocalOperator
	e.add(t, []access.Authority{
		{Code: "FR-OCLCTIC", Name: "OCLCTIC", Country: "FR", Kind: access.KindTCOAuthority},
		{Code: "EU-IRU", Name: "EU IRU", Country: "EU", Kind: access.KindEuropol},
		{Code: "VIDSHARE", Name: "VidShare", Country: "IE", Kind: access.KindHostingProvider},
	}, []access.User{
		{Login: "fr", Name: "Officier", Authority: "FR-OCLCTIC", Roles: []string{access.RoleOfficer}},
		{Login: "iru", Name: "Analyst", Authority: "EU-IRU", Roles: []string{access.RoleOfficer}},
		{Login: "vid", Name: "Trust and safety", Authority: "VIDSHARE", Roles: []string{access.RoleOfficer}},
	})
	if _, err := e.db.PutProvider(ctx, op, removal.Provider{Code: "VIDSHARE", Name: "VidShare", State: "IE"}); err != nil {
		t.Fatal(err)
	}
	tco := map[string]string{"X-Purpose": "terrorist-content"}
	var o removal.Order
	order := map[string]any{"reference": "FR-1", "provider": "VIDSHARE", "category": "threat", "items": []map[string]string{{"url": "https://vidshare.example/v/1"}},
		"reasons": "Threatens an attack on a named concert.", "redress": "Tribunal administratif.", "emergency": true, "emergency_justification": "Imminent."}
	if r := e.call(t, "fr", "POST", "/api/v1/removal-orders", order, tco, &o); r.StatusCode != 201 {
		t.Fatalf("issue: %d", r.StatusCode)
	}
	e.call(t, "vid", "POST", "/api/v1/removal-orders/"+o.ID+"/steps", map[string]any{"action": "remove"}, tco, &o)
	var c removal.Complaint
	if r := e.call(t, "vid", "POST", "/api/v1/removal-orders/"+o.ID+"/complaints", map[string]any{"text": "This is a concert review, not a threat."}, tco, &c); r.StatusCode != 201 {
		t.Fatalf("complaint: %d", r.StatusCode)
	}
	if r := e.call(t, "vid", "POST", "/api/v1/complaints/"+c.ID+"/decision", map[string]any{"upheld": false, "reasons": "The post names a date and a weapon."}, tco, &c); r.StatusCode != 200 || c.Decided.IsZero() {
		t.Errorf("decision: %d %+v", r.StatusCode, c)
	}
	var errBody apiError
	if r := e.call(t, "vid", "POST", "/api/v1/referrals", map[string]any{"provider": "VIDSHARE", "items": []map[string]string{{"url": "https://vidshare.example/v/2"}}, "reasons": "Recruitment video of a listed group."}, tco, &errBody); r.StatusCode != 403 {
		t.Errorf("a referral by a provider: %d", r.StatusCode)
	}
	var ref removal.Referral
	if r := e.call(t, "iru", "POST", "/api/v1/referrals", map[string]any{"provider": "VIDSHARE", "items": []map[string]string{{"url": "https://vidshare.example/v/2"}}, "reasons": "Recruitment video of a listed group."}, tco, &ref); r.StatusCode != 201 {
		t.Fatalf("referral: %d", r.StatusCode)
	}
	e.call(t, "vid", "POST", "/api/v1/referrals/"+ref.ID+"/assessment", map[string]any{"outcome": "removed"}, tco, &ref)
	var refs struct {
		Referrals   []removal.Referral
		RemovalRate float64 `json:"removal_rate"`
	}
	if e.call(t, "iru", "GET", "/api/v1/referrals", nil, tco, &refs); len(refs.Referrals) != 1 || refs.RemovalRate != 1 {
		t.Errorf("referrals: %+v", refs)
	}
	if r := e.call(t, "vid", "POST", "/api/v1/threat-reports", map[string]any{"states": []string{"XX"}, "items": []map[string]string{{"url": "https://vidshare.example/v/3"}}, "description": "An attack announced for tonight."}, tco, &errBody); r.StatusCode != 400 || !strings.Contains(errBody.Error.Message, "states") {
		t.Errorf("a threat report to no Member State: %d %s", r.StatusCode, errBody.Error.Message)
	}
	var th removal.ThreatReport
	if r := e.call(t, "vid", "POST", "/api/v1/threat-reports", map[string]any{"states": []string{"FR"}, "items": []map[string]string{{"url": "https://vidshare.example/v/3"}}, "description": "An attack announced for tonight."}, tco, &th); r.StatusCode != 201 || !th.Urgent {
		t.Fatalf("threat report: %d", r.StatusCode)
	}
	var ths struct {
		ThreatReports []removal.ThreatReport `json:"threat_reports"`
	}
	if e.call(t, "fr", "GET", "/api/v1/threat-reports", nil, tco, &ths); len(ths.ThreatReports) != 1 {
		t.Errorf("the French authority's threat reports: %+v", ths)
	}

	var rep removal.ProviderReport
	if r := e.call(t, "fr", "GET", "/api/v1/transparency/providers/VIDSHARE?year=2026", nil, nil, &rep); r.StatusCode != 200 || rep.Orders != 1 || rep.Executed != 1 || rep.Complaints != 1 || rep.Referrals != 1 || rep.ThreatReports != 1 {
		t.Errorf("provider report: %d %+v", r.StatusCode, rep)
	}
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/transparency/authorities/FR-OCLCTIC?year=2026&format=csv", nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens["fr"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.HasPrefix(string(body), "figure,value\nauthority,FR-OCLCTIC\nyear,2026\nissued,1\n") || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Errorf("CSV report:\n%s", body)
	}
	if r := e.call(t, "fr", "GET", "/api/v1/transparency/authorities/FR-OCLCTIC?year=2019", nil, nil, &errBody); r.StatusCode != 400 {
		t.Errorf("a year before the Regulation: %d", r.StatusCode)
	}
}

// TestRemovalFiguresAPI asks for an issuing authority's figures per
// provider: the median minutes to removal, breaches and orders not
// executed of its orders in the last days; a provider, or a bad number of
// days, is refused.
func TestRemovalFiguresAPI(t *testing.T) {
	e := newAPI(t)
	e.add(t, []access.Authority{
		{Code: "BE-TCO", Name: "TCO Belgium", Country: "BE", Kind: access.KindTCOAuthority},
		{Code: "VIDSHARE", Name: "VidShare", Country: "IE", Kind: access.KindHostingProvider},
	}, []access.User{
		{Login: "be", Name: "Officer", Authority: "BE-TCO", Roles: []string{access.RoleOfficer}},
		{Login: "vid", Name: "Trust and safety", Authority: "VIDSHARE", Roles: []string{access.RoleOfficer}},
	})
	if _, err := e.db.PutProvider(context.Background(), secunion.LocalOperator, removal.Provider{Code: "VIDSHARE", Name: "VidShare", State: "IE"}); err != nil {
		t.Fatal(err)
	}
	tco := map[string]string{"X-Purpose": "terrorist-content"}
	issue := func(ref string) removal.Order {
		var o removal.Order
		body := map[string]any{"reference": ref, "provider": "VIDSHARE", "category": "threat", "items": []map[string]string{{"url": "https://vidshare.example/v/" + ref}},
			"reasons": "Threatens an attack on a named concert.", "redress": "Council of State.", "emergency": true, "emergency_justification": "Imminent."}
		if r := e.call(t, "be", "POST", "/api/v1/removal-orders", body, tco, &o); r.StatusCode != 201 {
			t.Fatalf("issue %s: %d", ref, r.StatusCode)
		}
		e.call(t, "vid", "GET", "/api/v1/removal-orders/"+o.ID, nil, tco, nil) // the receipt
		return o
	}
	early, late := issue("BE-1"), issue("BE-2")
	refused := issue("BE-3")
	e.call(t, "vid", "POST", "/api/v1/removal-orders/"+refused.ID+"/steps", map[string]any{"action": "cannot-comply", "obstacle": "manifest-error", "text": "No such video on our service."}, tco, nil)
	e.clock.Advance(20 * time.Minute)
	e.call(t, "vid", "POST", "/api/v1/removal-orders/"+early.ID+"/steps", map[string]any{"action": "remove"}, tco, nil)
	e.clock.Advance(50 * time.Minute)
	e.call(t, "vid", "POST", "/api/v1/removal-orders/"+late.ID+"/steps", map[string]any{"action": "remove"}, tco, nil)

	var figures struct {
		Since     time.Time
		Providers []removal.ProviderOutcome
	}
	if r := e.call(t, "be", "GET", "/api/v1/removal-orders/by-provider?days=7", nil, nil, &figures); r.StatusCode != 200 {
		t.Fatalf("figures: %d", r.StatusCode)
	}
	want := removal.ProviderOutcome{Provider: "VIDSHARE", Orders: 3, Executed: 2, WithinHour: 1, MedianToRemoval: 45, Breaches: 1, NotExecuted: 1}
	if len(figures.Providers) != 1 || figures.Providers[0] != want || !figures.Since.Equal(e.clock.Now().AddDate(0, 0, -7)) {
		t.Errorf("figures since %s: %+v, want %+v", figures.Since, figures.Providers, want)
	}
	var errBody apiError
	for _, c := range []struct {
		login, query string
		status       int
	}{{"be", "?days=0", 400}, {"be", "?days=week", 400}, {"vid", "", 403}, {"anna", "", 403}} {
		if r := e.call(t, c.login, "GET", "/api/v1/removal-orders/by-provider"+c.query, nil, nil, &errBody); r.StatusCode != c.status {
			t.Errorf("%s %s: %d, want %d", c.login, c.query, r.StatusCode, c.status)
		}
	}
}
