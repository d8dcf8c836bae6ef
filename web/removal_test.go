package web_test

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/removal"
)

// TestRemovalPages: a competent authority's officer issues an order from
// the form (a bad URL is refused with the form kept), the provider's
// officer sees it in the inbox, opens it (the receipt, with a countdown of
// an hour) and answers it removed; the timeline shows every step, the
// stream sends the states, and the transparency page counts the order.
func TestRemovalPages(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	op := secunion.LocalOperator
	for _, a := range []access.Authority{
		{Code: "BE-TCO", Name: "TCO Belgium", Country: "BE", Kind: access.KindTCOAuthority},
		{Code: "VIDSHARE", Name: "VidShare", Country: "IE", Kind: access.KindHostingProvider},
	} {
		if _, err := e.db.CreateAuthority(ctx, op, a); err != nil {
			t.Fatal(err)
		}
	}
	for login, auth := range map[string]string{"louise": "BE-TCO", "aoife": "VIDSHARE"} {
		if _, err := e.db.CreateUser(ctx, op, access.User{Login: login, Name: login, Authority: auth, Roles: []string{access.RoleOfficer}}, password); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.db.PutProvider(ctx, op, removal.Provider{Code: "VIDSHARE", Name: "VidShare Ltd", State: "IE"}); err != nil {
		t.Fatal(err)
	}

	louise := e.user(t)
	louise.login("louise")
	_, home := louise.get("/")
	if !strings.Contains(home, `href="/removal"`) {
		t.Error("the navigation offers no removal orders to a competent authority")
	}
	form := url.Values{"provider": {"VIDSHARE"}, "reference": {"BE-2026-7"}, "urls": {"vidshare.example/v/1"}, "category": {"incitement"},
		"reasons": {"Calls for attacks on a named synagogue."}, "redress": {"Council of State, 60 days."},
		"emergency": {"on"}, "emergency_justification": {"Attack announced for tonight."}}
	resp, body := louise.postForm("/removal/new", "/removal/new", form)
	wantStatus(t, "a bad URL", resp, body, http.StatusBadRequest)
	if !strings.Contains(body, "items[0].url") || !strings.Contains(body, "Calls for attacks on a named synagogue.") {
		t.Errorf("the refusal does not name the field or loses the form:\n%s", body)
	}
	form.Set("urls", "https://vidshare.example/v/1 from 01:20")
	resp, body = louise.postForm("/removal/new", "/removal/new", form)
	wantStatus(t, "issue", resp, body, http.StatusSeeOther)
	orderPath := resp.Header.Get("Location")

	aoife := e.user(t)
	aoife.login("aoife")
	_, inbox := aoife.get("/removal")
	if !strings.Contains(inbox, `href="`+orderPath+`"`) || !strings.Contains(inbox, "BE-2026-7") {
		t.Fatalf("the order is not in the provider's inbox:\n%s", inbox)
	}
	resp, body = aoife.get(orderPath)
	wantStatus(t, "the provider opens the order", resp, body, http.StatusOK)
	if !strings.Contains(body, "1h0m0s left") || !strings.Contains(body, `id="remove-form"`) || !strings.Contains(body, "first fetch") {
		t.Errorf("the opened order shows no running hour, answer form or receipt:\n%s", body)
	}
	e.clock.Advance(12 * time.Minute)
	resp, body = aoife.postForm(orderPath, orderPath+"/step", url.Values{"action": {"remove"}, "hashes": {"pdq"}})
	wantStatus(t, "a hash without its algorithm", resp, body, http.StatusBadRequest)
	if !strings.Contains(body, "hashes, line 1") {
		t.Errorf("the refusal does not name the line:\n%s", body)
	}
	const pdq, md5 = "f8f8f0cee0f4a84f06370a22038f67f0b36e2ed596621e1d33e6339c4e9c9b22", "900150983cd24fb0d6963f7d28e17f72"
	resp, body = aoife.postForm(orderPath, orderPath+"/step", url.Values{"action": {"remove"}, "hashes": {"pdq " + pdq + "\n\n MD5 " + md5 + "\n"}})
	wantStatus(t, "remove", resp, body, http.StatusSeeOther)
	if ks, err := e.db.SignalKeysAfter(ctx, 0, 10); err != nil || len(ks) != 2 || ks[0].Value != pdq || ks[1].Value != md5 {
		t.Errorf("the hashes given with the removal are not in the TCO bank: %v %+v", err, ks)
	}
	_, body = louise.get(orderPath)
	for _, want := range []string{"removed", "issue", "deliver", "acknowledge", "remove", "preserved until"} {
		if !strings.Contains(body, want) {
			t.Errorf("the issuer's timeline lacks %q", want)
		}
	}
	if strings.Contains(body, `id="remove-form"`) {
		t.Error("the issuer is offered the provider's answer")
	}
	resp, body = louise.postForm(orderPath, orderPath+"/step", url.Values{"action": {"withdraw"}, "text": {"no longer needed"}})
	wantStatus(t, "withdraw after removal", resp, body, http.StatusConflict)

	// The stream sends the orders' states.
	req, _ := http.NewRequest("GET", e.srv.URL+"/removal/stream", nil)
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req = req.WithContext(sctx)
	sresp, err := louise.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer sresp.Body.Close()
	sc := bufio.NewScanner(sresp.Body)
	var data string
	for sc.Scan() {
		if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			data = d
			break
		}
	}
	if !strings.Contains(data, `"state":"removed"`) || sresp.Header.Get("Content-Type") != "text/event-stream" {
		t.Errorf("stream: %s %q", sresp.Header.Get("Content-Type"), data)
	}

	_, body = louise.get("/removal/transparency?kind=provider&code=VIDSHARE")
	for _, want := range []string{"<td>orders</td><td>1</td>", "<td>executed</td><td>1</td>", "<td>within_hour</td><td>1</td>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the transparency page lacks %q", want)
		}
	}
	anna := e.user(t)
	anna.login("anna")
	resp, body = anna.get("/removal")
	wantStatus(t, "a border guard opens the orders", resp, body, http.StatusForbidden)
}
