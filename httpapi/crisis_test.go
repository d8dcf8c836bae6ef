package httpapi_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"secunion/access"
	"secunion/crisis"
	"secunion/signals"
	"secunion/store"
)

// TestCrisisAPI runs an incident through the API: the purpose is
// required, only a competent authority or Europol declares, a
// non-participant gets 404, a provider may not activate, Europol does,
// participants share hashes (into the incident's bank) and URLs, pull
// them after a checkpoint and read their notifications, a provider's
// lookup that matches the incident's bank counts as an upload blocked,
// and the room shows the figures.
func TestCrisisAPI(t *testing.T) {
	e := newAPI(t)
	e.add(t, []access.Authority{
		{Code: "FR-OCLCTIC", Name: "OCLCTIC", Country: "FR", Kind: access.KindTCOAuthority},
		{Code: "EUROPOL", Name: "Europol EU IRU", Country: "EU", Kind: access.KindEuropol},
		{Code: "VIDSHARE", Name: "VidShare", Country: "IE", Kind: access.KindHostingProvider},
		{Code: "PICBOARD", Name: "PicBoard", Country: "NL", Kind: access.KindHostingProvider},
	}, []access.User{
		{Login: "fr", Name: "Officier", Authority: "FR-OCLCTIC", Roles: []string{access.RoleOfficer}},
		{Login: "iru", Name: "Analyst", Authority: "EUROPOL", Roles: []string{access.RoleOfficer}},
		{Login: "vid", Name: "Trust and safety", Authority: "VIDSHARE", Roles: []string{access.RoleOfficer}},
		{Login: "pic", Name: "Moderator", Authority: "PICBOARD", Roles: []string{access.RoleOfficer}},
	})
	tco := map[string]string{"X-Purpose": "terrorist-content"}
	incident := map[string]any{"title": "Livestreamed attack", "description": "A livestream of the attack spreads on video platforms.", "participants": []string{"VIDSHARE"}}
	var errBody apiError
	if r := e.call(t, "fr", "POST", "/api/v1/crisis/incidents", incident, nil, &errBody); r.StatusCode != 403 || !strings.Contains(errBody.Error.Message, "purpose") {
		t.Errorf("no purpose: %d %s", r.StatusCode, errBody.Error.Message)
	}
	if r := e.call(t, "vid", "POST", "/api/v1/crisis/incidents", incident, tco, &errBody); r.StatusCode != 403 {
		t.Errorf("a provider declares: %d", r.StatusCode)
	}
	if r := e.call(t, "fr", "POST", "/api/v1/crisis/incidents", map[string]any{"title": "x", "description": "short"}, tco, &errBody); r.StatusCode != 400 || !strings.Contains(errBody.Error.Message, "description") {
		t.Errorf("a short description: %d %s", r.StatusCode, errBody.Error.Message)
	}
	many := make([]string, crisis.MaxParticipants+1)
	for i := range many {
		many[i] = "VIDSHARE"
	}
	if r := e.call(t, "fr", "POST", "/api/v1/crisis/incidents", map[string]any{"title": "x", "description": "A livestream spreads.", "participants": many}, tco, &errBody); r.StatusCode != 400 || !strings.Contains(errBody.Error.Message, "participants") {
		t.Errorf("101 participants: %d %s", r.StatusCode, errBody.Error.Message)
	}
	var inc crisis.Incident
	if r := e.call(t, "fr", "POST", "/api/v1/crisis/incidents", incident, tco, &inc); r.StatusCode != 201 || inc.State != crisis.Detected {
		t.Fatalf("declare: %d %+v", r.StatusCode, inc)
	}
	base := "/api/v1/crisis/incidents/" + inc.ID
	var list struct{ Incidents []crisis.Incident }
	if e.call(t, "vid", "GET", "/api/v1/crisis/incidents", nil, tco, &list); len(list.Incidents) != 1 || list.Incidents[0].ID != inc.ID {
		t.Errorf("VidShare's incidents: %+v", list)
	}
	if e.call(t, "pic", "GET", "/api/v1/crisis/incidents", nil, tco, &list); len(list.Incidents) != 0 {
		t.Errorf("PicBoard sees %+v", list)
	}
	if r := e.call(t, "pic", "GET", base, nil, tco, &errBody); r.StatusCode != 404 {
		t.Errorf("a non-participant reads: %d", r.StatusCode)
	}
	if r := e.call(t, "pic", "POST", base+"/hashes", map[string]any{"algorithm": "md5", "value": "123"}, tco, &errBody); r.StatusCode != 404 {
		t.Errorf("a non-participant shares a bad hash: %d %s", r.StatusCode, errBody.Error.Message)
	}
	if r := e.call(t, "vid", "POST", base+"/steps", map[string]any{"action": "activate"}, tco, &errBody); r.StatusCode != 403 {
		t.Errorf("a provider activates: %d", r.StatusCode)
	}
	if r := e.call(t, "iru", "POST", base+"/steps", map[string]any{"action": "activate", "role": "coordinator"}, tco, &errBody); r.StatusCode != 400 || !strings.Contains(errBody.Error.Message, "role") {
		t.Errorf("an unknown field: %d %s", r.StatusCode, errBody.Error.Message)
	}
	if r := e.call(t, "iru", "POST", base+"/steps", map[string]any{"action": "activate"}, tco, &inc); r.StatusCode != 200 || inc.State != crisis.Activated {
		t.Fatalf("Europol activates: %d %+v", r.StatusCode, inc)
	}
	if r := e.call(t, "fr", "POST", base+"/participants", map[string]any{"authority": "PICBOARD"}, tco, nil); r.StatusCode != 204 {
		t.Fatalf("add PicBoard: %d", r.StatusCode)
	}

	e.clock.Advance(2 * time.Minute)
	hash := map[string]any{"algorithm": "pdq", "value": "f8f8f0cee0f4a84f06370a22038f67f0b36e2ed596621e1d33e6339c4e9c9b22", "quality": 95, "labels": map[string]string{"content_type": "video"}}
	var item crisis.Shared
	if r := e.call(t, "vid", "POST", base+"/hashes", hash, tco, &item); r.StatusCode != 201 || item.Entry == 0 {
		t.Fatalf("share a hash: %d %+v", r.StatusCode, item)
	}
	item0 := item
	if r := e.call(t, "fr", "POST", base+"/hashes", hash, tco, &item); r.StatusCode != 200 {
		t.Errorf("the same hash again: %d", r.StatusCode)
	}
	if r := e.call(t, "vid", "POST", base+"/hashes", map[string]any{"algorithm": "md5", "value": "123"}, tco, &errBody); r.StatusCode != 400 || !strings.Contains(errBody.Error.Message, "value") {
		t.Errorf("a short MD5: %d %s", r.StatusCode, errBody.Error.Message)
	}
	var page struct {
		Entries []signals.Entry
	}
	e.call(t, "pic", "GET", "/api/v1/signals/entries", nil, nil, &page)
	if len(page.Entries) != 1 || page.Entries[0].Bank != crisis.Bank(inc.ID) || page.Entries[0].Source != signals.SourceIncident {
		t.Errorf("the bank entries: %+v", page.Entries)
	}
	if r := e.call(t, "pic", "POST", base+"/urls", map[string]any{"url": "picboard.example/p/1"}, tco, &errBody); r.StatusCode != 400 || !strings.Contains(errBody.Error.Message, "url") {
		t.Errorf("a URL without scheme: %d %s", r.StatusCode, errBody.Error.Message)
	}
	if r := e.call(t, "pic", "POST", base+"/urls", map[string]any{"url": "https://picboard.example/p/1", "note": "mirror"}, tco, &item); r.StatusCode != 201 || item.Kind != crisis.KindURL {
		t.Fatalf("share a URL: %d %+v", r.StatusCode, item)
	}

	var shared struct {
		Items []crisis.Shared
		Next  int64
	}
	if e.call(t, "vid", "GET", base+"/shared", nil, tco, &shared); len(shared.Items) != 2 || shared.Next != item.Seq {
		t.Errorf("pull: %+v", shared)
	}
	if e.call(t, "vid", "GET", base+"/shared?after="+strconv.FormatInt(shared.Next, 10), nil, tco, &shared); len(shared.Items) != 0 || shared.Next != item.Seq {
		t.Errorf("pull after the last: %+v", shared)
	}
	if r := e.call(t, "vid", "GET", base+"/shared?limit=0", nil, tco, &errBody); r.StatusCode != 400 {
		t.Errorf("limit 0: %d", r.StatusCode)
	}
	var notes struct {
		Notifications []crisis.Notification
	}
	if e.call(t, "pic", "GET", "/api/v1/crisis/notifications", nil, tco, &notes); len(notes.Notifications) != 1 || notes.Notifications[0].Kind != crisis.NotifyJoined {
		t.Errorf("PicBoard's notifications: %+v", notes)
	}

	// PicBoard's upload filter looks a near copy up: a match in the
	// incident's bank is an upload attempt blocked. (The node's matcher
	// follows the bank through the outbox; here the test hands it on.)
	if err := e.signals.Apply(signals.Key{ID: item0.Entry, Algorithm: signals.AlgPDQ, Value: hash["value"].(string), Enabled: true}); err != nil {
		t.Fatal(err)
	}
	var found struct{ Matches []signals.Hit }
	near := "f8f8f0cee0f4a84f06370a22038f67f0b36e2ed596621e1d33e6339c4e9c9b2d"
	if e.call(t, "pic", "GET", "/api/v1/signals/lookup?algorithm=pdq&value="+near, nil, nil, &found); len(found.Matches) != 1 {
		t.Fatalf("PicBoard's lookup: %+v", found)
	}
	e.call(t, "fr", "GET", "/api/v1/signals/lookup?algorithm=pdq&value="+near, nil, nil, &found) // an authority's lookup blocks no upload

	var room store.Room
	if r := e.call(t, "fr", "GET", base, nil, tco, &room); r.StatusCode != 200 || room.Figures.Hashes != 1 || room.Figures.URLs != 1 ||
		room.Figures.ToFirstHash != 120 || room.Role != crisis.Coordinator || len(room.Participants) != 4 ||
		room.Figures.Blocked != 1 || len(room.Figures.PerProvider) != 1 || room.Figures.PerProvider[0] != (crisis.Blocked{Provider: "PICBOARD", Attempts: 1}) {
		t.Errorf("the room: %d %+v", r.StatusCode, room)
	}
	if r := e.call(t, "pic", "POST", base+"/steps", map[string]any{"action": "note", "text": "re-uploads slowing down"}, tco, &inc); r.StatusCode != 200 {
		t.Errorf("a provider's note: %d", r.StatusCode)
	}
	var page1, page2 struct {
		Events []crisis.Event
		Next   int64
	}
	if r := e.call(t, "fr", "GET", base+"/timeline?limit=1", nil, tco, &page1); r.StatusCode != 200 || len(page1.Events) != 1 ||
		page1.Events[0].Note != "re-uploads slowing down" || page1.Next != page1.Events[0].ID {
		t.Errorf("the latest timeline entry: %d %+v", r.StatusCode, page1)
	}
	if r := e.call(t, "fr", "GET", base+"/timeline?before="+strconv.FormatInt(page1.Next, 10), nil, tco, &page2); r.StatusCode != 200 ||
		len(page2.Events) != len(room.Timeline) || page2.Events[len(page2.Events)-1].Action != crisis.Declare {
		t.Errorf("the timeline before it: %d %+v", r.StatusCode, page2)
	}
	if r := e.call(t, "fr", "GET", base+"/timeline?limit=5000", nil, tco, &errBody); r.StatusCode != 400 || !strings.Contains(errBody.Error.Message, "limit") {
		t.Errorf("limit 5000: %d %s", r.StatusCode, errBody.Error.Message)
	}
	if r := e.call(t, "pic", "GET", base+"/timeline?before=x", nil, tco, &errBody); r.StatusCode != 400 || !strings.Contains(errBody.Error.Message, "before") {
		t.Errorf("before x: %d %s", r.StatusCode, errBody.Error.Message)
	}
	if r := e.call(t, "fr", "DELETE", base+"/participants/FR-OCLCTIC", nil, tco, &errBody); r.StatusCode != 409 {
		t.Errorf("the declarer removed: %d", r.StatusCode)
	}
}
