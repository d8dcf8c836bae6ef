package httpapi_test

import (
	"context"
	"fmt"
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
	ctx := context.Background()
	op := secunion.LocalOperator
	for _, a := range []access.Authority{
		{Code: "FR-OCLCTIC", Name: "OCLCTIC", Country: "FR", Kind: access.KindTCOAuthority},
		{Code: "VIDSHARE", Name: "VidShare", Country: "IE", Kind: access.KindHostingProvider},
		{Code: "PICBOARD", Name: "PicBoard", Country: "IE", Kind: access.KindHostingProvider},
	} {
		if _, err := e.db.CreateAuthority(ctx, op, a); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []access.User{
		{Login: "fr", Name: "Officier", Authority: "FR-OCLCTIC", Roles: []string{access.RoleOfficer}},
		{Login: "vid", Name: "Trust and safety", Authority: "VIDSHARE", Roles: []string{access.RoleAdmin, access.RoleOfficer}},
		{Login: "pic", Name: "Moderator", Authority: "PICBOARD", Roles: []string{access.RoleAdmin, access.RoleOfficer}},
	} {
		if _, err := e.db.CreateUser(ctx, op, u, ""); err != nil {
			t.Fatal(err)
		}
		secret, _, err := e.db.CreateToken(ctx, op, u.Login, "t", 0)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[u.Login] = secret
	}
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
