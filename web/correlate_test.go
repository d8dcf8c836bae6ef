package web_test

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"secunion/audit"
	"secunion/store"
)

var matchPattern = regexp.MustCompile(`<tr class="match" data-collection="[^"]+" data-id="([^"]+)">`)

// matched returns the identifiers of the objects a correlation page lists.
func matched(body string) []string {
	var ids []string
	for _, m := range matchPattern.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// TestCorrelatePage: a value typed on the form, or followed from an
// object's page, lists the objects holding it that the user may receive,
// with their TLP, when added and an indicator's score; a reader outside
// the collection and a partner whose agreement does not reach an object
// are not shown it; a value on a warninglist is explained, not matched;
// a malformed value is refused on the form with the alerts package's
// message; the lookup is audited.
func TestCorrelatePage(t *testing.T) {
	h := hubEnv(t)
	ind1, ind2 := stixID("indicator", 1), stixID("indicator", 2)

	de := h.user(t)
	de.login("de")
	resp, body := de.get("/alerts/correlate")
	wantStatus(t, "empty form", resp, body, http.StatusOK)
	if !strings.Contains(body, `id="correlate-form"`) || strings.Contains(body, `id="matches"`) {
		t.Errorf("the empty page lacks the form or shows an answer")
	}

	// The object page links its value to the correlation.
	_, body = de.get(h.path(ind1))
	link := regexp.MustCompile(`<li>ipv4 <a href="(/alerts/correlate\?[^"]+)" class="correlate"><code>198\.51\.100\.1</code></a></li>`).FindStringSubmatch(body)
	if link == nil {
		t.Fatalf("the indicator's page does not link its address to the correlation:\n%s", body)
	}
	resp, body = de.get(strings.ReplaceAll(link[1], "&amp;", "&"))
	wantStatus(t, "correlate from the object", resp, body, http.StatusOK)
	if got := matched(body); !slices.Equal(got, []string{ind1}) {
		t.Errorf("198.51.100.1 matches %v, want indicator 1", got)
	}
	row := regexp.MustCompile(`(?s)<tr class="match".*?</tr>`).FindString(body)
	for _, want := range []string{`href="` + h.path(ind1) + `">C2 server 1</a>`, "Cyber threats", `<span class="tlp tlp-green">TLP:GREEN</span>`,
		`<span class="score">`, `<span class="chip red expired">expired</span>`, "<td>indicator</td>"} {
		if !strings.Contains(row, want) {
			t.Errorf("the match lacks %q:\n%s", want, row)
		}
	}
	if !strings.Contains(body, `<code id="parsed">198.51.100.1</code>`) || !strings.Contains(body, `value="198.51.100.1"`) {
		t.Errorf("the page does not show the value looked up and keep it in the form")
	}

	// Typed by hand, the kind told from its form; a TLP:AMBER indicator
	// reaches a reader but not the partner, whose agreement stops at green.
	_, body = de.get("/alerts/correlate?value=+198.51.100.2+")
	if got := matched(body); !slices.Equal(got, []string{ind2}) {
		t.Errorf("198.51.100.2 matches %v for a reader, want indicator 2", got)
	}
	nz := h.user(t)
	nz.login("nz")
	_, body = nz.get("/alerts/correlate?value=198.51.100.2")
	if got := matched(body); len(got) != 0 || !strings.Contains(body, "No object you may receive holds this value.") {
		t.Errorf("the partner is shown %v for a TLP:AMBER indicator", got)
	}
	_, body = nz.get("/alerts/correlate?value=198.51.100.1")
	if got := matched(body); !slices.Equal(got, []string{ind1}) {
		t.Errorf("the partner's agreement reaches indicator 1 but it matches %v", got)
	}

	// Outside the reader group nothing of the collection matches.
	it := h.user(t)
	it.login("it")
	_, body = it.get("/alerts/correlate?value=198.51.100.1&kind=ipv4")
	if got := matched(body); len(got) != 0 || strings.Contains(body, "Cyber threats") {
		t.Errorf("an authority outside the collection is shown %v", got)
	}

	// A private address is on a warninglist: explained, nothing matched.
	_, body = de.get("/alerts/correlate?value=10.1.2.3")
	if !strings.Contains(body, `id="warninglist"`) || !strings.Contains(body, "Private and special-purpose addresses") || strings.Contains(body, `id="matches"`) {
		t.Errorf("a private address is not explained as on a warninglist:\n%s", body)
	}

	// Malformed values: the form again, with the alerts package's message.
	for _, tc := range []struct{ query, says string }{
		{"value=trollfarm", "has no form the hub knows; name its kind"},
		{"value=abc&kind=sha-256", "value: a SHA-256 hash is 64 hex digits"},
		{"value=x&kind=colour", "kind: &#34;colour&#34; is not a kind of value the hub correlates"},
		{"value=" + strings.Repeat("a", 3000) + ".example", "the hub correlates values of at most 2048"},
	} {
		resp, body = de.get("/alerts/correlate?" + tc.query)
		if resp.StatusCode >= 500 || resp.StatusCode < 400 || !strings.Contains(body, tc.says) || !strings.Contains(body, `id="correlate-form"`) {
			t.Errorf("%.40s: status %d, want a refusal on the form saying %q:\n%.2000s", tc.query, resp.StatusCode, tc.says, body)
		}
	}

	var lookups int
	for _, e := range h.search(t, store.AuditFilter{Authority: "DE-CERT", Operation: string(audit.OpDisclosure)}) {
		if strings.HasPrefix(e.Detail, "correlate a value of kind ipv4") {
			lookups++
		}
	}
	if lookups != 3 {
		t.Errorf("the reader's lookups are audited %d times, want 3 (two addresses, one on a warninglist)", lookups)
	}

	// A border guard does not work in the hub.
	anna := h.user(t)
	anna.login("anna")
	resp, body = anna.get("/alerts/correlate?value=198.51.100.1")
	wantStatus(t, "a border guard", resp, body, http.StatusForbidden)
}
