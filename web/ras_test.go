package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"secunion"
	"secunion/access"
	"secunion/alerts"
	"secunion/audit"
	"secunion/store"
)

// rasHub is a console with a room of the Rapid Alert System: the contact
// points of Germany (de) and France (fr) and CERT-Bund (cert, a CSIRT,
// no contact point) read and write "Rapid Alert System"; Poland's contact
// point (pl) reads nothing. Two DISARM techniques are held in a
// collection of their own, which they read and CERT-Bund writes, and
// France shared a narrative.
type rasHub struct {
	*env
	collection string
	narrative  string
}

func rasEnv(t *testing.T) rasHub {
	t.Helper()
	e := start(t)
	ctx, op := context.Background(), secunion.LocalOperator
	for _, a := range []access.Authority{
		{Code: "DE-RAS", Name: "Auswärtiges Amt (RAS)", Country: "DE", Kind: access.KindRASContact},
		{Code: "FR-RAS", Name: "Viginum (RAS)", Country: "FR", Kind: access.KindRASContact},
		{Code: "PL-RAS", Name: "MSZ (RAS)", Country: "PL", Kind: access.KindRASContact},
		{Code: "DE-CERT", Name: "CERT-Bund", Country: "DE", Kind: access.KindCSIRT},
	} {
		if _, err := e.db.CreateAuthority(ctx, op, a); err != nil {
			t.Fatal(err)
		}
	}
	for login, auth := range map[string]string{"de": "DE-RAS", "fr": "FR-RAS", "pl": "PL-RAS", "cert": "DE-CERT"} {
		if _, err := e.db.CreateUser(ctx, op, access.User{Login: login, Name: login, Authority: auth, Roles: []string{access.RoleOfficer}}, password); err != nil {
			t.Fatal(err)
		}
	}
	for _, g := range []alerts.Group{{Name: "ras", Members: []string{"DE-RAS", "FR-RAS", "DE-CERT"}}, {Name: "cert", Members: []string{"DE-CERT"}}} {
		if _, err := e.db.PutAlertGroup(ctx, op, g); err != nil {
			t.Fatal(err)
		}
	}
	ras, err := e.db.PutAlertCollection(ctx, op, alerts.Collection{Title: "Rapid Alert System", Readers: "ras", Writers: "ras", DefaultTLP: alerts.TLPAmber})
	if err != nil {
		t.Fatal(err)
	}
	disarm, err := e.db.PutAlertCollection(ctx, op, alerts.Collection{Title: "DISARM framework", Readers: "ras", Writers: "cert", DefaultTLP: alerts.TLPClear})
	if err != nil {
		t.Fatal(err)
	}
	decl := access.Declaration{Purpose: secunion.PurposeAlertSharing}
	bundle := `{"type":"bundle","id":"bundle--4b8b0d29-e85e-4299-81d4-749033173d09","objects":[` +
		technique("0c765d19-99b2-4703-af48-e20a677c4bfc", "T0049", "Flood Information Space") + `,` +
		technique("45dae307-ba74-4038-90ef-2282a32e38b9", "T0023", "Distort Facts") + `]}`
	v, err := e.db.AlertView(ctx, op, decl, disarm.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.IngestAlerts(ctx, op, decl, v, strings.NewReader(bundle), alerts.Checker{}, func(st alerts.Status) {
		if st.SuccessCount != 2 {
			t.Fatalf("DISARM: %+v", st)
		}
	}); err != nil {
		t.Fatal(err)
	}
	fr, _, err := e.db.CheckPassword(ctx, "fr", password)
	if err != nil {
		t.Fatal(err)
	}
	rv, err := e.db.AlertView(ctx, fr, decl, ras.ID)
	if err != nil {
		t.Fatal(err)
	}
	narrative := stixObject("campaign", 1, "2026-11-20T10:00:00.000Z", map[string]any{"name": "Rigged ballots",
		"description": "Ballots are said to be rigged; posts are tagged #PostalVoteHoax.", "object_marking_refs": []string{tlpGreen}})
	checked := alerts.Checker{Marking: e.db.MarkingHeld(ctx)}.Batch([]json.RawMessage{narrative})
	if st, err := e.db.AddAlertObjects(ctx, fr, decl, rv, checked.Objects, nil); err != nil || st.FailureCount > 0 {
		t.Fatalf("narrative: %v %+v", err, st.Failures)
	}
	return rasHub{env: e, collection: ras.ID, narrative: stixID("campaign", 1)}
}

// technique is a DISARM technique as DISARM's STIX bundle has it.
func technique(uuid, id, name string) string {
	return fmt.Sprintf(`{"type":"attack-pattern","spec_version":"2.1","id":"attack-pattern--%s","created":"2024-11-22T16:43:58.079Z","modified":"2024-11-22T16:43:58.079Z","name":%q,`+
		`"external_references":[{"source_name":"mitre-attack","url":"https://github.com/DISARMFoundation/DISARMframeworks/blob/main/generated_pages/techniques/%s.md","external_id":%q}]}`, uuid, name, id, id)
}

func (h rasHub) room() string { return "/alerts/ras/" + h.collection }

// raiseForm is a valid alert as the room's form sends it.
func (h rasHub) raiseForm() url.Values {
	return url.Values{"title": {"Fake postal-vote deadline"}, "description": {"Posts claim postal votes close a week early."},
		"threshold": {alerts.Threshold}, "justification": {"The same forged notice circulates in three Member States within a day."},
		"techniques": {"T0049, T0023"}, "narratives": {h.narrative}, "tlp": {"amber"}}
}

// alertBlock returns the article of alert id on a room's page, or "".
func alertBlock(body, id string) string {
	m := regexp.MustCompile(`(?s)<article class="alert" id="` + regexp.QuoteMeta(id) + `".*?</article>`).FindString(body)
	return m
}

var alertIDPattern = regexp.MustCompile(`<article class="alert" id="(x-eu-ras-alert--[0-9a-f-]+)" data-status="([a-z]+)"`)

// TestRASRoom: a contact point raises an alert in its room (a refusal
// shown on the form it can correct), sees it open with the contact point
// yet to acknowledge, that contact point acknowledges it (once), only the
// raiser closes it; a CSIRT officer reading the collection sees the room
// but may not raise, a contact point outside the reader group finds no
// room, and a border guard is refused the hub.
func TestRASRoom(t *testing.T) {
	h := rasEnv(t)

	de := h.user(t)
	de.login("de")
	_, home := de.get("/")
	if !strings.Contains(home, `href="/alerts/ras"`) || !strings.Contains(home, `href="/alerts/correlate"`) {
		t.Errorf("a contact point's navigation lacks the Rapid Alert System or the correlation")
	}
	_, body := de.get("/alerts/ras")
	if !strings.Contains(body, `href="`+h.room()+`"`) || strings.Contains(body, "DISARM framework") {
		t.Errorf("the list of rooms lacks the RAS collection or lists DISARM's, where no contact point writes:\n%s", body)
	}
	_, body = de.get("/alerts")
	if !strings.Contains(body, `<a href="`+h.room()+`" class="room">room</a>`) {
		t.Errorf("the collections page does not link the room")
	}
	resp, body := de.get(h.room())
	wantStatus(t, "room", resp, body, http.StatusOK)
	if !strings.Contains(body, `id="no-open"`) || !strings.Contains(body, `id="raise-form"`) || !strings.Contains(body, "Rigged ballots") {
		t.Errorf("an empty room lacks its note, the raise form or the narrative to choose:\n%s", body)
	}

	// Without the form's token nothing is raised.
	resp, body = de.post(h.room()+"/alerts", h.raiseForm())
	wantStatus(t, "raise without the form's token", resp, body, http.StatusForbidden)
	if !strings.Contains(body, "form has expired") {
		t.Errorf("a raise without the token does not say the form expired")
	}

	// Without the threshold stated: refused on the form, values kept.
	form := h.raiseForm()
	form.Del("threshold")
	resp, body = de.postForm(h.room(), h.room()+"/alerts", form)
	wantStatus(t, "raise without the threshold", resp, body, http.StatusBadRequest)
	if !strings.Contains(body, "an alert is raised only at the threshold") || !strings.Contains(body, `value="Fake postal-vote deadline"`) ||
		!strings.Contains(body, `value="`+h.narrative+`" checked`) {
		t.Errorf("the refusal is not shown on the form with the values sent:\n%s", body)
	}
	form = h.raiseForm()
	form.Set("techniques", "T9999")
	resp, body = de.postForm(h.room(), h.room()+"/alerts", form)
	wantStatus(t, "raise with an unknown technique", resp, body, http.StatusBadRequest)
	if !strings.Contains(body, "T9999") || !strings.Contains(body, "is no DISARM technique") {
		t.Errorf("an unknown technique is not named in the refusal")
	}

	resp, body = de.postForm(h.room(), h.room()+"/alerts", h.raiseForm())
	wantStatus(t, "raise", resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, h.room()+"?done=") {
		t.Errorf("after raising, sent to %q", loc)
	}
	_, body = de.get(resp.Header.Get("Location"))
	m := alertIDPattern.FindStringSubmatch(body)
	if m == nil || m[2] != "open" {
		t.Fatalf("the raised alert is not open in the room:\n%s", body)
	}
	id := m[1]
	a := alertBlock(body, id)
	for _, want := range []string{"Fake postal-vote deadline", `<span class="tlp tlp-amber">TLP:AMBER</span>`, "by DE-RAS (DE), de",
		"<strong>T0049</strong> Flood Information Space", "Rigged ballots", `<dd class="outstanding">FR-RAS</dd>`, `class="inline close-form"`} {
		if !strings.Contains(a, want) {
			t.Errorf("the open alert lacks %q:\n%s", want, a)
		}
	}
	if strings.Contains(a, "ack-form") {
		t.Errorf("the raiser is offered to acknowledge its own alert")
	}
	if !strings.Contains(body, `id="notice"`) || !regexp.MustCompile(`(?s)<td>Rigged ballots</td><td class="states">DE</td><td>1</td>`).MatchString(body) {
		t.Errorf("no notice of the raise, or the narrative's spread is not DE with one alert")
	}

	// A CSIRT officer reads the room but raises nothing; the store
	// refuses it, audited, and the page says why.
	cert := h.user(t)
	cert.login("cert")
	_, home = cert.get("/")
	if strings.Contains(home, `href="/alerts/ras"`) {
		t.Errorf("a CSIRT officer is offered the Rapid Alert System in the navigation")
	}
	resp, body = cert.get(h.room())
	wantStatus(t, "room (CSIRT)", resp, body, http.StatusOK)
	if alertBlock(body, id) == "" || strings.Contains(body, `id="raise-form"`) || strings.Contains(body, "ack-form") ||
		!strings.Contains(body, "only contact points of the Rapid Alert System") {
		t.Errorf("the CSIRT officer's room: alert missing, or forms offered, or no reason given:\n%s", body)
	}
	resp, body = cert.postForm(h.room(), h.room()+"/alerts", h.raiseForm())
	wantStatus(t, "raise (CSIRT)", resp, body, http.StatusForbidden)
	if len(h.search(t, store.AuditFilter{Authority: "DE-CERT", Operation: string(audit.OpAccessDenied)})) == 0 {
		t.Errorf("the CSIRT officer's refused alert is not audited")
	}

	// A contact point outside the reader group finds no room.
	pl := h.user(t)
	pl.login("pl")
	_, body = pl.get("/alerts/ras")
	if strings.Contains(body, h.collection) {
		t.Errorf("a contact point outside the group is offered the room")
	}
	for _, p := range []string{h.room(), h.room() + "?days=30"} {
		resp, body = pl.get(p)
		wantStatus(t, "outside the group: "+p, resp, body, http.StatusNotFound)
		if !strings.Contains(body, "<title>Not Found · secunion</title>") {
			t.Errorf("outside the group: not the console's not-found page")
		}
	}
	resp, body = pl.postForm("/alerts/ras", h.room()+"/alerts/"+id+"/acknowledge", url.Values{})
	wantStatus(t, "acknowledge from outside the group", resp, body, http.StatusNotFound)

	// France acknowledges: the alert is settled, acknowledged by all.
	fr := h.user(t)
	fr.login("fr")
	_, body = fr.get(h.room())
	a = alertBlock(body, id)
	if !strings.Contains(a, `action="`+h.room()+`/alerts/`+id+`/acknowledge"`) || strings.Contains(a, "close-form") {
		t.Errorf("France is not offered to acknowledge, or is offered to close:\n%s", a)
	}
	resp, body = fr.postForm(h.room(), h.room()+"/alerts/"+id+"/acknowledge", url.Values{})
	wantStatus(t, "acknowledge", resp, body, http.StatusSeeOther)
	_, body = fr.get(h.room())
	if m := alertIDPattern.FindStringSubmatch(body); m == nil || m[1] != id || m[2] != "acknowledged" || !strings.Contains(body, `id="no-open"`) {
		t.Errorf("after France's acknowledgement the alert is not settled as acknowledged: %v", m)
	}
	if a = alertBlock(body, id); !strings.Contains(a, `data-contact-point="FR-RAS"`) || strings.Contains(a, "ack-form") {
		t.Errorf("the acknowledgement is not shown, or offered again:\n%s", a)
	}
	resp, body = fr.postForm(h.room(), h.room()+"/alerts/"+id+"/acknowledge", url.Values{})
	wantStatus(t, "acknowledge again", resp, body, http.StatusSeeOther)
	if loc, _ := url.QueryUnescape(resp.Header.Get("Location")); !strings.Contains(loc, "had acknowledged") {
		t.Errorf("acknowledging again says %q", loc)
	}

	// Only the raiser closes it.
	resp, body = fr.postForm(h.room(), h.room()+"/alerts/"+id+"/close", url.Values{"reason": {"Debunked"}})
	wantStatus(t, "close (not the raiser)", resp, body, http.StatusForbidden)
	if !strings.Contains(body, "only DE-RAS, which raised the alert, closes it") {
		t.Errorf("France's closing is not refused with why")
	}
	resp, body = de.postForm(h.room(), h.room()+"/alerts/"+id+"/close", url.Values{"reason": {"Fact-checks published in every Member State"}})
	wantStatus(t, "close", resp, body, http.StatusSeeOther)
	_, body = de.get(h.room())
	a = alertBlock(body, id)
	if m := alertIDPattern.FindStringSubmatch(body); m == nil || m[2] != "closed" || !strings.Contains(a, "Fact-checks published in every Member State") ||
		strings.Contains(a, "close-form") {
		t.Errorf("the closed alert is not shown closed with its reason:\n%s", a)
	}

	resp, body = de.get(h.room() + "?days=14")
	wantStatus(t, "a window of 14 days", resp, body, http.StatusOK)
	if !strings.Contains(body, `<option value="14" selected>14 days</option>`) || alertBlock(body, id) == "" {
		t.Errorf("a window of 14 days is not selected, or lacks the alert")
	}
	resp, body = de.get(h.room() + "?days=0")
	wantStatus(t, "a bad window", resp, body, http.StatusBadRequest)

	// A border guard does not work in the hub.
	anna := h.user(t)
	anna.login("anna")
	resp, body = anna.get(h.room())
	wantStatus(t, "a border guard", resp, body, http.StatusForbidden)
}
