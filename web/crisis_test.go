package web_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/crisis"
	"secunion/signals"
	"secunion/store"
)

// crisisEnv starts a console with a French competent authority, Ireland's,
// Europol and a provider, each with an officer.
func crisisEnv(t *testing.T) *env {
	t.Helper()
	e := start(t)
	ctx := context.Background()
	op := secunion.LocalOperator
	for _, a := range []access.Authority{
		{Code: "FR-OCLCTIC", Name: "OCLCTIC", Country: "FR", Kind: access.KindTCOAuthority},
		{Code: "IE-CNAM", Name: "Coimisiún na Meán", Country: "IE", Kind: access.KindTCOAuthority},
		{Code: "EUROPOL", Name: "Europol EU IRU", Country: "EU", Kind: access.KindEuropol},
		{Code: "VIDSHARE", Name: "VidShare", Country: "IE", Kind: access.KindHostingProvider},
	} {
		if _, err := e.db.CreateAuthority(ctx, op, a); err != nil {
			t.Fatal(err)
		}
	}
	for login, auth := range map[string]string{"camille": "FR-OCLCTIC", "niamh": "IE-CNAM", "iru": "EUROPOL", "aoife": "VIDSHARE"} {
		if _, err := e.db.CreateUser(ctx, op, access.User{Login: login, Name: login, Authority: auth, Roles: []string{access.RoleOfficer}}, password); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// TestCrisisRoom: a competent authority's officer declares an incident
// from the form (a short description is refused with the form kept),
// Europol's analyst activates it from the room, a provider shares a hash
// and a URL (a bad hash is refused, naming the value), blocked uploads
// appear in the figures, the stream sends the room again when the
// incident changes, and an authority that does not take part gets 404.
func TestCrisisRoom(t *testing.T) {
	e := crisisEnv(t)
	ctx := context.Background()

	camille := e.user(t)
	camille.login("camille")
	_, home := camille.get("/")
	if !strings.Contains(home, `href="/crisis"`) {
		t.Error("the navigation offers no crisis room to a competent authority")
	}
	form := url.Values{"title": {"Livestreamed attack in Lyon"}, "description": {"short"}, "participants": {"VIDSHARE"}}
	resp, body := camille.postForm("/crisis", "/crisis", form)
	wantStatus(t, "a short description", resp, body, http.StatusBadRequest)
	if !strings.Contains(body, "description") || !strings.Contains(body, "Livestreamed attack in Lyon") {
		t.Errorf("the refusal does not name the field or loses the form:\n%s", body)
	}
	form.Set("description", "A livestream of the attack is re-uploaded on video platforms.")
	resp, body = camille.postForm("/crisis", "/crisis", form)
	wantStatus(t, "declare", resp, body, http.StatusSeeOther)
	room := resp.Header.Get("Location")

	iru := e.user(t)
	iru.login("iru")
	_, list := iru.get("/crisis")
	if !strings.Contains(list, `href="`+room+`"`) {
		t.Fatalf("Europol is not told of the incident:\n%s", list)
	}
	_, body = iru.get(room)
	if !strings.Contains(body, `id="step-activate"`) || strings.Contains(body, `id="hash-form"`) {
		t.Errorf("a detected incident's room offers no activation, or sharing already:\n%s", body)
	}
	e.clock.Advance(time.Minute)
	resp, body = iru.postForm(room, room+"/step", url.Values{"action": {"activate"}})
	wantStatus(t, "activate", resp, body, http.StatusSeeOther)

	aoife := e.user(t)
	aoife.login("aoife")
	_, body = aoife.get(room)
	if strings.Contains(body, `id="step-coordinate"`) || !strings.Contains(body, `id="hash-form"`) || !strings.Contains(body, "activated") {
		t.Errorf("the provider's room: coordination offered or no sharing:\n%s", body)
	}

	// The stream sends the room again once something changes.
	req, _ := http.NewRequest("GET", e.srv.URL+room+"/stream", nil)
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	sresp, err := iru.hc.Do(req.WithContext(sctx))
	if err != nil {
		t.Fatal(err)
	}
	defer sresp.Body.Close()

	resp, body = aoife.postForm(room, room+"/hashes", url.Values{"algorithm": {"md5"}, "value": {"12345"}})
	wantStatus(t, "a short MD5", resp, body, http.StatusBadRequest)
	if !strings.Contains(body, "value") {
		t.Errorf("the refusal does not name the value:\n%s", body)
	}
	e.clock.Advance(45 * time.Second)
	pdq := "f8f8f0cee0f4a84f06370a22038f67f0b36e2ed596621e1d33e6339c4e9c9b22"
	resp, body = aoife.postForm(room, room+"/hashes", url.Values{"algorithm": {"pdq"}, "value": {pdq}, "content_type": {"video"}, "note": {"first frame"}})
	wantStatus(t, "share a hash", resp, body, http.StatusSeeOther)
	resp, body = aoife.postForm(room, room+"/urls", url.Values{"url": {"https://mirror.example/v/9"}})
	wantStatus(t, "share a URL", resp, body, http.StatusSeeOther)

	sc := bufio.NewScanner(sresp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var live strings.Builder
	for sc.Scan() {
		if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			live.WriteString(d + "\n")
		} else if sc.Text() == "" && strings.Contains(live.String(), pdq) {
			break
		}
	}
	if !strings.Contains(live.String(), pdq) || sresp.Header.Get("Content-Type") != "text/event-stream" {
		t.Errorf("the stream did not send the shared hash: %s\n%s", sresp.Header.Get("Content-Type"), live.String())
	}
	// Its updates add nothing to the audit log: the note is the one
	// entry (the stream's opening was logged).
	note := url.Values{"action": {"note"}, "text": {"copies on a third mirror"}, "csrf": {aoife.csrf(room)}}
	before := e.db.AuditSize()
	resp, body = aoife.post(room+"/step", note)
	wantStatus(t, "a note", resp, body, http.StatusSeeOther)
	for sc.Scan() && !strings.Contains(sc.Text(), "copies on a third mirror") {
	}
	if got := e.db.AuditSize() - before; got != 1 {
		t.Errorf("%d audit entries for a note followed by the stream, want 1", got)
	}
	cancel()

	// A lookup by the provider that hit the incident's bank counts as
	// one blocked upload, however many of its hashes matched.
	entries, err := e.db.SignalsAfter(ctx, 0, 10)
	if err != nil || len(entries) != 1 {
		t.Fatalf("bank entries: %v %+v", err, entries)
	}
	vid := secunion.Actor{Authority: "VIDSHARE", AuthorityKind: string(access.KindHostingProvider), Login: "aoife"}
	if err := e.db.NoteBlockedUploads(ctx, vid, []signals.Hit{{Entry: entries[0]}, {Entry: entries[0], Distance: 4}}); err != nil {
		t.Fatal(err)
	}
	_, body = camille.get(room)
	for _, want := range []string{`<td id="figure-first-hash">45s</td>`, `<td id="figure-hashes">1</td>`, `<td id="figure-urls">1</td>`,
		`<td id="figure-blocked">1</td>`, "… by VIDSHARE", "https://mirror.example/v/9", "share-hash", "activate"} {
		if !strings.Contains(body, want) {
			t.Errorf("the room lacks %q", want)
		}
	}

	niamh := e.user(t)
	niamh.login("niamh")
	resp, body = niamh.get(room)
	wantStatus(t, "a non-participant opens the room", resp, body, http.StatusNotFound)
	resp, body = niamh.postForm("/crisis", room+"/step", url.Values{"action": {"deactivate"}, "text": {"volume fell, no more uploads"}})
	wantStatus(t, "a non-participant de-activates", resp, body, http.StatusNotFound)

	// The declaring authority adds Ireland; de-activation needs a reason.
	resp, body = camille.postForm(room, room+"/participants", url.Values{"authority": {"IE-CNAM"}})
	wantStatus(t, "add a participant", resp, body, http.StatusSeeOther)
	if resp, body = niamh.get(room); resp.StatusCode != http.StatusOK {
		t.Errorf("the added participant cannot open the room: %d", resp.StatusCode)
	}
	resp, body = camille.postForm(room, room+"/step", url.Values{"action": {"deactivate"}, "text": {"done"}})
	wantStatus(t, "de-activate without a reason", resp, body, http.StatusBadRequest)
	resp, body = camille.postForm(room, room+"/step", url.Values{"action": {"deactivate"}, "text": {"uploads fell under ten an hour"}})
	wantStatus(t, "de-activate", resp, body, http.StatusSeeOther)
	_, body = aoife.get(room)
	if !strings.Contains(body, "Debrief note") || strings.Contains(body, `id="hash-form"`) {
		t.Errorf("a de-activated room offers no debrief note, or sharing still")
	}

	// A long timeline: the room shows the latest entries and says that
	// older ones are not shown.
	fr := secunion.Actor{Authority: "FR-OCLCTIC", AuthorityKind: string(access.KindTCOAuthority), Login: "camille"}
	for i := range store.RoomTimeline {
		if _, err := e.db.StepIncident(ctx, fr, strings.TrimPrefix(room, "/crisis/"), crisis.Step{Action: crisis.Note, Text: fmt.Sprintf("debrief note %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	_, body = camille.get(room)
	if !strings.Contains(body, `id="timeline-older"`) || strings.Contains(body, "uploads fell under ten an hour") || !strings.Contains(body, fmt.Sprintf("debrief note %d", store.RoomTimeline-1)) {
		t.Errorf("a long timeline: no word of older entries, or the oldest shown, or the latest missing")
	}
}
