package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestIncidentPages: a CSIRT reports an incident from its collection's
// page (a refusal shown on the form it can correct) and lands on its
// timeline, with the indicator linked to its object; another writer adds
// an update but may not change the status, which the reporter does; an
// authority outside the collection finds no incident.
func TestIncidentPages(t *testing.T) {
	h := hubEnv(t)
	de := h.user(t)
	de.login("de")
	_, body := de.get(h.path(""))
	report := "/alerts/incidents/" + h.collection
	if !strings.Contains(body, `href="`+report+`" id="report-link"`) {
		t.Fatalf("a writer's collection page does not offer to report an incident")
	}
	resp, body := de.get(report)
	wantStatus(t, "report form", resp, body, http.StatusOK)

	form := url.Values{"title": {"Ransomware at a grid operator"}, "description": {"Encrypted SCADA historians."}, "tlp": {"amber"},
		"iocs": {"[ipv4-addr:value = '203.0.113.9']\n\n"}}
	resp, body = de.postForm(report, report, form)
	wantStatus(t, "report without sectors", resp, body, http.StatusBadRequest)
	if !strings.Contains(body, "sectors: name the affected sectors") || !strings.Contains(body, `value="Ransomware at a grid operator"`) {
		t.Errorf("the refusal is not shown on the form with the values sent:\n%s", body)
	}
	form["sectors"] = []string{"energy", "digital-infrastructure"}
	resp, body = de.postForm(report, report, form)
	wantStatus(t, "report", resp, body, http.StatusSeeOther)
	timeline := strings.TrimSuffix(resp.Header.Get("Location"), "?done="+url.QueryEscape("the incident is reported"))
	if !regexp.MustCompile(`^` + report + `/incident--[0-9a-f-]+$`).MatchString(timeline) {
		t.Fatalf("after reporting, sent to %q", resp.Header.Get("Location"))
	}
	id := strings.TrimPrefix(timeline, report+"/")
	resp, body = de.get(timeline)
	wantStatus(t, "timeline", resp, body, http.StatusOK)
	ind := regexp.MustCompile(`(?s)<tr class="entry" data-kind="indicator">.*?<a href="(` + regexp.QuoteMeta(h.path("")) + `/objects/indicator--[^"]+)"><code>\[ipv4-addr:value = &#39;203\.0\.113\.9&#39;\]</code></a>`).FindStringSubmatch(body)
	for _, want := range []string{"Ransomware at a grid operator", `<span class="tlp tlp-amber">TLP:AMBER</span>`, "digital-infrastructure, energy",
		`data-kind="reported"`, `<select name="status" id="status">`} {
		if !strings.Contains(body, want) {
			t.Errorf("the reporter's timeline lacks %q", want)
		}
	}
	if ind == nil {
		t.Fatalf("the timeline does not list the indicator linked to its object:\n%s", body)
	}
	resp, body = de.get(ind[1])
	wantStatus(t, "the indicator's object page", resp, body, http.StatusOK)
	_, body = de.get(h.path(id))
	if !strings.Contains(body, `href="`+timeline+`" id="timeline-link"`) {
		t.Errorf("the incident's object page does not link its timeline")
	}

	// Another writer updates, but only the reporter changes the status.
	fr := h.user(t)
	fr.login("fr")
	_, body = fr.get(timeline)
	if !strings.Contains(body, `id="update-form"`) || strings.Contains(body, `id="status"`) {
		t.Errorf("another writer is not offered the update form, or is offered the status")
	}
	resp, body = fr.postForm(timeline, timeline+"/updates", url.Values{"text": {"Resolved, we think"}, "status": {"resolved"}})
	wantStatus(t, "a status change by another writer", resp, body, http.StatusForbidden)
	if !strings.Contains(body, "only DE-CERT, which reported the incident, changes its status") {
		t.Errorf("the refused status change does not say why")
	}
	resp, body = fr.postForm(timeline, timeline+"/updates", url.Values{"text": {"The same strain hit an operator in Lyon."}})
	wantStatus(t, "update", resp, body, http.StatusSeeOther)
	resp, body = de.postForm(timeline, timeline+"/updates", url.Values{"text": {"Contained; historians restored."}, "status": {"contained"}})
	wantStatus(t, "status change by the reporter", resp, body, http.StatusSeeOther)
	_, body = de.get(timeline)
	if !regexp.MustCompile(`(?s)data-kind="update"><td>[^<]*</td><td>update</td><td>FR-ANSSI</td>\s*<td>The same strain hit an operator in Lyon\.`).MatchString(body) ||
		!strings.Contains(body, `<dd id="incident-status"><span class="chip yellow">contained</span>`) {
		t.Errorf("the timeline lacks France's update or the new status:\n%s", body)
	}

	// Outside the reader group there is no incident.
	it := h.user(t)
	it.login("it")
	for _, p := range []string{timeline, report} {
		resp, body = it.get(p)
		wantStatus(t, "outside the group: "+p, resp, body, http.StatusNotFound)
	}
	resp, body = de.get(report + "/incident--00000000-0000-4000-8000-000000000000")
	wantStatus(t, "an unknown incident", resp, body, http.StatusNotFound)
}
