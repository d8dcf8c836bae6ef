package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/audit"
	"secunion/removal"
	"secunion/store"
)

// removalEnv registers a Belgian and an Irish competent authority, an
// Irish and a Dutch provider, and a user of each.
func removalEnv(t *testing.T) *env {
	t.Helper()
	e := start(t)
	ctx := context.Background()
	op := secunion.LocalOperator
	for _, a := range []access.Authority{
		{Code: "BE-TCO", Name: "TCO Belgium", Country: "BE", Kind: access.KindTCOAuthority},
		{Code: "IE-CNAM", Name: "Coimisiún na Meán", Country: "IE", Kind: access.KindTCOAuthority},
		{Code: "VIDSHARE", Name: "VidShare", Country: "IE", Kind: access.KindHostingProvider},
		{Code: "PICBOARD", Name: "PicBoard", Country: "NL", Kind: access.KindHostingProvider},
	} {
		if _, err := e.db.CreateAuthority(ctx, op, a); err != nil {
			t.Fatal(err)
		}
	}
	for login, auth := range map[string]string{"louise": "BE-TCO", "siobhan": "IE-CNAM", "aoife": "VIDSHARE"} {
		if _, err := e.db.CreateUser(ctx, op, access.User{Login: login, Name: login, Authority: auth, Roles: []string{access.RoleOfficer}}, password); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []removal.Provider{{Code: "VIDSHARE", Name: "VidShare Ltd", State: "IE"}, {Code: "PICBOARD", Name: "PicBoard B.V.", State: "NL"}} {
		if _, err := e.db.PutProvider(ctx, op, p); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// as logs login in afresh: the fake clock outruns sessions.
func (e *env) as(t *testing.T, login string) *user {
	t.Helper()
	u := e.user(t)
	u.login(login)
	return u
}

var (
	belgium  = secunion.Actor{Login: "louise", Authority: "BE-TCO", AuthorityKind: string(access.KindTCOAuthority), Roles: []string{access.RoleOfficer}}
	vidshare = secunion.Actor{Login: "aoife", Authority: "VIDSHARE", AuthorityKind: string(access.KindHostingProvider), Roles: []string{access.RoleOfficer}}
)

// issueTo issues an emergency order from Belgium to provider.
func (e *env) issueTo(t *testing.T, ref, provider string) removal.Order {
	t.Helper()
	o, err := e.db.IssueOrder(context.Background(), belgium, removal.Order{Reference: ref, Provider: provider, Category: removal.Incitement,
		Items:   []removal.Item{{URL: "https://" + strings.ToLower(provider) + ".example/v/" + ref}},
		Reasons: "Calls for attacks on a named synagogue.", Redress: "Council of State, 60 days.",
		Emergency: true, EmergencyJustification: "Attack announced for tonight."})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestScrutinyPages: the competent authority of the provider's Member
// State finds a cross-border order in its list and requests scrutiny on
// the order's page; the issuer is offered no such form; a decision without
// a finding or with no reasons is refused and changes nothing; a finding
// of infringement ends the order, as the issuer then sees; after 72 hours
// the host is no longer offered scrutiny.
func TestScrutinyPages(t *testing.T) {
	e := removalEnv(t)
	x := e.issueTo(t, "BE-1", "VIDSHARE")
	path := "/removal/" + x.ID

	siobhan := e.as(t, "siobhan")
	_, list := siobhan.get("/removal")
	if !strings.Contains(list, `href="`+path+`"`) {
		t.Fatalf("the Irish authority does not see the cross-border order:\n%s", list)
	}
	_, page := siobhan.get(path)
	if !strings.Contains(page, `id="scrutiny-request-form"`) || !strings.Contains(page, "not requested") || strings.Contains(page, `id="scrutiny-decision-form"`) {
		t.Fatalf("the host is not offered scrutiny:\n%s", page)
	}
	louise := e.as(t, "louise")
	if _, page := louise.get(path); strings.Contains(page, `id="scrutiny-request-form"`) {
		t.Error("the issuer is offered to request scrutiny of its own order")
	}

	e.clock.Advance(time.Hour)
	resp, body := siobhan.postForm(path, path+"/step", url.Values{"action": {"request-scrutiny"}, "text": {"The post may be journalism."}})
	wantStatus(t, "request scrutiny", resp, body, http.StatusSeeOther)
	_, page = siobhan.get(path)
	due := e.clock.Now().Add(removal.ScrutinyDue).UTC().Format("2006-01-02 15:04:05 UTC")
	if !strings.Contains(page, "requested by IE-CNAM") || !strings.Contains(page, "decision due "+due) || !strings.Contains(page, `id="scrutiny-decision-form"`) || strings.Contains(page, `id="scrutiny-request-form"`) {
		t.Fatalf("after the request the page shows no due decision or still offers a request:\n%s", page)
	}
	if _, list := louise.get("/removal"); !strings.Contains(list, "scrutiny due "+due) {
		t.Errorf("the issuer's list does not show the scrutiny under way:\n%s", list)
	}

	for name, form := range map[string]url.Values{
		"no finding": {"action": {"decide-scrutiny"}, "text": {"The post glorifies the attack."}},
		"no reasons": {"action": {"decide-scrutiny"}, "infringement": {"yes"}, "text": {"no"}},
	} {
		resp, body := siobhan.postForm(path, path+"/step", form)
		wantStatus(t, name, resp, body, http.StatusBadRequest)
	}
	if _, page := louise.get(path); !strings.Contains(page, "not decided yet") {
		t.Error("a refused decision changed the order")
	}
	resp, body = siobhan.postForm(path, path+"/step", url.Values{"action": {"decide-scrutiny"}, "infringement": {"yes"}, "text": {"The post reports on the attack; it is journalism."}})
	wantStatus(t, "decide", resp, body, http.StatusSeeOther)
	_, page = louise.get(path)
	if !strings.Contains(page, `<dd id="order-state">annulled`) || !strings.Contains(page, "infringement</span>, the order ends") || !strings.Contains(page, "it is journalism") {
		t.Errorf("the issuer does not see the annulment:\n%s", page)
	}
	if _, page := siobhan.get(path); strings.Contains(page, `id="scrutiny-decision-form"`) {
		t.Error("the host is offered a second decision")
	}

	// 72 hours after issue the host may no longer scrutinise.
	y := e.issueTo(t, "BE-2", "VIDSHARE")
	e.clock.Advance(removal.HostWindow - time.Minute)
	siobhan = e.as(t, "siobhan")
	if _, page := siobhan.get("/removal/" + y.ID); !strings.Contains(page, `id="scrutiny-request-form"`) {
		t.Error("the host is not offered scrutiny a minute before 72 hours")
	}
	e.clock.Advance(2 * time.Minute)
	if _, page := siobhan.get("/removal/" + y.ID); strings.Contains(page, `id="scrutiny-request-form"`) {
		t.Error("the host is offered scrutiny after 72 hours")
	}
	resp, body = siobhan.postForm("/removal/"+y.ID, "/removal/"+y.ID+"/step", url.Values{"action": {"request-scrutiny"}})
	wantStatus(t, "scrutiny after 72 hours", resp, body, http.StatusConflict)
	if !strings.Contains(body, "72 hours") {
		t.Errorf("the refusal does not say why:\n%s", body)
	}
}

// TestExposurePage: a provider with two final orders in twelve months is
// flagged on the exposure page, and only the competent authority of its
// Member State is offered to decide; a decision from another State is
// refused and audited, one without a verdict or reasons is refused, and a
// designation shows as the latest decision.
func TestExposurePage(t *testing.T) {
	e := removalEnv(t)
	ctx := context.Background()
	for _, ref := range []string{"BE-1", "BE-2"} {
		o := e.issueTo(t, ref, "VIDSHARE")
		if _, err := e.db.StepOrder(ctx, vidshare, o.ID, removal.Step{Action: removal.Remove}); err != nil {
			t.Fatal(err)
		}
	}
	siobhan := e.as(t, "siobhan")
	_, page := siobhan.get("/removal/exposure")
	if strings.Contains(page, `id="exposure-form-VIDSHARE"`) || strings.Contains(page, "flagged") {
		t.Fatalf("flagged while scrutiny could still end the orders:\n%s", page)
	}
	e.clock.Advance(removal.ScrutinyWindow + time.Minute)
	siobhan = e.as(t, "siobhan")
	_, page = siobhan.get("/removal/exposure")
	row := between(page, `id="exposure-VIDSHARE"`, "</tr>")
	if !strings.Contains(row, "2 <span class=\"chip yellow\">flagged</span>") || !strings.Contains(row, `id="exposure-form-VIDSHARE"`) {
		t.Fatalf("VIDSHARE is not flagged with a form for its State's authority:\n%s", row)
	}
	if strings.Contains(page, `id="exposure-form-PICBOARD"`) {
		t.Error("a form for a provider neither flagged nor Irish")
	}
	louise := e.as(t, "louise")
	_, page = louise.get("/removal/exposure")
	if !strings.Contains(page, "flagged") || strings.Contains(page, `id="exposure-form-VIDSHARE"`) {
		t.Errorf("the Belgian authority's view:\n%s", page)
	}
	action := "/removal/exposure/VIDSHARE/decision"
	resp, body := louise.postForm("/removal/exposure", action, url.Values{"exposed": {"yes"}, "reasons": {"Two final orders in twelve months."}})
	wantStatus(t, "a decision from Belgium", resp, body, http.StatusForbidden)
	audited := false
	for _, d := range e.search(t, store.AuditFilter{Operation: string(audit.OpAccessDenied)}) {
		audited = audited || d.Authority == "BE-TCO" && strings.Contains(d.Detail, "decide the exposure of VIDSHARE")
	}
	if !audited {
		t.Error("the refused decision from Belgium is not in the audit log")
	}
	for name, form := range map[string]url.Values{
		"no verdict": {"reasons": {"Two final orders in twelve months."}},
		"no reasons": {"exposed": {"yes"}, "reasons": {"two"}},
	} {
		resp, body := siobhan.postForm("/removal/exposure", action, form)
		wantStatus(t, name, resp, body, http.StatusBadRequest)
		if !strings.Contains(body, `class="error"`) || !strings.Contains(body, `id="exposure-form-VIDSHARE"`) {
			t.Errorf("%s: the page shows no error or loses the form:\n%s", name, body)
		}
	}
	if xs, _ := e.db.Exposures(ctx); len(xs[1].Decisions) != 0 {
		t.Fatalf("a refused decision was recorded: %+v", xs)
	}
	resp, body = siobhan.postForm("/removal/exposure", action, url.Values{"exposed": {"yes"}, "reasons": {"Two final orders in twelve months; re-upload prevention needed."}})
	wantStatus(t, "designation", resp, body, http.StatusSeeOther)
	_, page = siobhan.get(resp.Header.Get("Location"))
	row = between(page, `id="exposure-VIDSHARE"`, "</tr>")
	if !strings.Contains(page, "Decided: VIDSHARE is exposed") || !strings.Contains(row, `chip red">exposed`) || !strings.Contains(row, "re-upload prevention needed") {
		t.Errorf("after the designation:\n%s", page)
	}
}

// TestDashboardPerProvider: an issuing authority's dashboard adds its
// orders up per provider (median time to removal, breaches, orders not
// executed) over the period chosen; a provider's inbox has no such table.
func TestDashboardPerProvider(t *testing.T) {
	e := removalEnv(t)
	ctx := context.Background()
	e.issueTo(t, "BE-0", "PICBOARD") // ten days before the others
	e.clock.Advance(10 * 24 * time.Hour)
	fast, late := e.issueTo(t, "BE-1", "VIDSHARE"), e.issueTo(t, "BE-2", "VIDSHARE")
	withdrawn := e.issueTo(t, "BE-3", "VIDSHARE")
	for _, o := range []removal.Order{fast, late} {
		if _, _, err := e.db.Order(ctx, vidshare, o.ID); err != nil { // the receipt
			t.Fatal(err)
		}
	}
	if _, err := e.db.StepOrder(ctx, belgium, withdrawn.ID, removal.Step{Action: removal.Withdraw, Text: "Wrong provider."}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(12 * time.Minute)
	if _, err := e.db.StepOrder(ctx, vidshare, fast.ID, removal.Step{Action: removal.Remove}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(60 * time.Minute)
	if _, err := e.db.StepOrder(ctx, vidshare, late.ID, removal.Step{Action: removal.Remove}); err != nil {
		t.Fatal(err)
	}

	louise := e.as(t, "louise")
	_, page := louise.get("/removal")
	row := between(page, `id="provider-VIDSHARE"`, "</tr>")
	for _, want := range []string{"<td>3</td><td>2</td><td>1</td>", `class="median">42m0s`, `class="breaches">1`, `class="not-executed">1`} {
		if !strings.Contains(row, want) {
			t.Errorf("VIDSHARE's figures over 30 days lack %q:\n%s", want, row)
		}
	}
	if !strings.Contains(page, `id="provider-PICBOARD"`) {
		t.Error("PicBoard's order of ten days ago is missing over 30 days")
	}
	_, page = louise.get("/removal?days=7")
	if strings.Contains(page, `id="provider-PICBOARD"`) || !strings.Contains(page, "<strong>7 days</strong>") {
		t.Errorf("over 7 days:\n%s", between(page, `id="per-provider"`, "</table>"))
	}
	resp, body := louise.get("/removal?days=5")
	wantStatus(t, "an unoffered period", resp, body, http.StatusBadRequest)
	if _, page := e.as(t, "aoife").get("/removal"); strings.Contains(page, `id="per-provider"`) {
		t.Error("a provider's inbox shows the figures per provider")
	}
}

// TestPreservationPages: the issuer keeps one order's removed content
// longer from its page; when the other's preservation ends the retention
// job erases it, and its page names no URL any more, only how many there
// were.
func TestPreservationPages(t *testing.T) {
	e := removalEnv(t)
	ctx := context.Background()
	a, b := e.issueTo(t, "BE-1", "VIDSHARE"), e.issueTo(t, "BE-2", "VIDSHARE")
	for _, o := range []*removal.Order{&a, &b} {
		var err error
		if *o, err = e.db.StepOrder(ctx, vidshare, o.ID, removal.Step{Action: removal.Remove}); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.Advance(removal.Preservation - 24*time.Hour)
	louise := e.as(t, "louise")
	bPath := "/removal/" + b.ID
	if _, page := louise.get(bPath); !strings.Contains(page, `id="extend-form"`) {
		t.Fatalf("the issuer is not offered to keep the content longer:\n%s", page)
	}
	resp, body := louise.postForm(bPath, bPath+"/step", url.Values{"action": {"extend-preservation"}, "text": {"Evidence in a trial."}})
	wantStatus(t, "extend", resp, body, http.StatusSeeOther)

	e.clock.Advance(24 * time.Hour)
	w := &removal.Watcher{Store: e.db, Clock: e.clock, Log: slog.New(slog.DiscardHandler), Poll: time.Second}
	if n, err := w.Tick(ctx); err != nil || n != 1 {
		t.Fatalf("the retention job erased %d orders: %v", n, err)
	}
	louise = e.as(t, "louise")
	_, page := louise.get("/removal/" + a.ID)
	if !strings.Contains(page, `id="order-erased"`) || !strings.Contains(page, "named 1 item;") || strings.Contains(page, a.Items[0].URL) ||
		strings.Contains(page, "named synagogue") || strings.Contains(page, `id="extend-form"`) {
		t.Errorf("the erased order's page:\n%s", page)
	}
	if _, page := louise.get(bPath); !strings.Contains(page, b.Items[0].URL) || !strings.Contains(page, "Evidence in a trial") {
		t.Errorf("the extended order lost its content:\n%s", page)
	}
}

// between returns the part of s from the first from up to the next to.
func between(s, from, to string) string {
	_, rest, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	part, _, _ := strings.Cut(rest, to)
	return part
}
