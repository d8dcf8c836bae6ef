package httpapi_test

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"secunion/access"
	"secunion/signals"
)

// TestSignalLookup: a provider looks a PDQ hash up and gets the entries
// within the distance, nearest first, and an MD5 exactly; bad input and
// callers of other kinds are refused; lookups are counted in the metrics.
func TestSignalLookup(t *testing.T) {
	e := newAPI(t)
	e.add(t, []access.Authority{{Code: "VIDSHARE", Name: "VidShare", Country: "IE", Kind: access.KindHostingProvider}},
		[]access.User{{Login: "vid", Name: "VidShare contact", Authority: "VIDSHARE", Roles: []string{access.RoleOfficer}}})
	const near = "f8f8f0cee0f4a84f06370a22038f67f0b36e2ed596621e1d33e6339c4e9c9b22"
	const query = "f8f8f0cee0f4a84f06370a22038f67f0b36e2ed596621e1d33e6339c4e9c9b2d" // 4 bits from near
	const abc = "900150983cd24fb0d6963f7d28e17f72"
	for _, en := range []signals.Entry{
		{ID: 1, Bank: "tco-removed", Algorithm: signals.AlgPDQ, Value: near, Source: signals.SourceRemovalOrder, Enabled: true},
		{ID: 2, Bank: "tco-removed", Algorithm: signals.AlgMD5, Value: abc, Source: signals.SourceManual, Enabled: true},
	} {
		if err := e.signals.Apply(en); err != nil {
			t.Fatal(err)
		}
	}
	var got struct {
		Distance int `json:"distance"`
		Matches  []struct {
			Entry    signals.Entry `json:"entry"`
			Distance int           `json:"distance"`
		} `json:"matches"`
	}
	if resp := e.call(t, "vid", "GET", "/api/v1/signals/lookup?algorithm=PDQ&value="+strings.ToUpper(query), nil, nil, &got); resp.StatusCode != http.StatusOK ||
		got.Distance != 31 || len(got.Matches) != 1 || got.Matches[0].Entry.ID != 1 || got.Matches[0].Distance != 4 {
		t.Fatalf("PDQ lookup: %d %+v", resp.StatusCode, got)
	}
	if resp := e.call(t, "vid", "GET", "/api/v1/signals/lookup?algorithm=pdq&distance=3&value="+query, nil, nil, &got); resp.StatusCode != http.StatusOK || len(got.Matches) != 0 {
		t.Errorf("PDQ at distance 3: %d %+v", resp.StatusCode, got)
	}
	if resp := e.call(t, "vid", "GET", "/api/v1/signals/lookup?algorithm=md5&value="+abc, nil, nil, &got); resp.StatusCode != http.StatusOK || len(got.Matches) != 1 || got.Matches[0].Entry.Bank != "tco-removed" {
		t.Errorf("MD5 lookup: %d %+v", resp.StatusCode, got)
	}
	for _, tc := range []struct {
		login, query string
		status       int
	}{
		{"vid", "algorithm=sha1&value=" + abc, http.StatusBadRequest},
		{"vid", "algorithm=pdq&value=" + query[:60], http.StatusBadRequest},
		{"vid", "algorithm=pdq&distance=48&value=" + query, http.StatusBadRequest},
		{"vid", "algorithm=pdq&distance=x&value=" + query, http.StatusBadRequest},
		{"anna", "algorithm=md5&value=" + abc, http.StatusForbidden}, // a border guard
	} {
		if resp := e.call(t, tc.login, "GET", "/api/v1/signals/lookup?"+tc.query, nil, nil, nil); resp.StatusCode != tc.status {
			t.Errorf("%s %s: %d, want %d", tc.login, tc.query, resp.StatusCode, tc.status)
		}
	}
	var status struct{ Entries int }
	if resp := e.call(t, "vid", "GET", "/api/v1/signals/index", nil, nil, &status); resp.StatusCode != http.StatusOK || status.Entries != 2 {
		t.Errorf("index status: %d %+v", resp.StatusCode, status)
	}
	resp, err := http.Get(e.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	text := string(body)
	if !strings.Contains(text, `secunion_signal_lookups_total{algorithm="pdq",outcome="match"} 1`) ||
		!strings.Contains(text, `secunion_signal_lookups_total{algorithm="pdq",outcome="none"} 1`) {
		t.Errorf("lookups not counted in the metrics")
	}
}

// TestSignalCuration: a competent authority adds hashes to a bank (once
// per hash), disables one, and providers list the entries page by page;
// a provider may not curate, and bad input is refused naming the field.
func TestSignalCuration(t *testing.T) {
	e := newAPI(t)
	e.add(t, []access.Authority{
		{Code: "BE-TCO", Name: "Belgian TCO authority", Country: "BE", Kind: access.KindTCOAuthority},
		{Code: "VIDSHARE", Name: "VidShare", Country: "IE", Kind: access.KindHostingProvider},
	}, []access.User{
		{Login: "tco", Name: "TCO officer", Authority: "BE-TCO", Roles: []string{access.RoleOfficer}},
		{Login: "vid", Name: "VidShare contact", Authority: "VIDSHARE", Roles: []string{access.RoleOfficer}},
	})
	in := map[string]any{"algorithm": "md5", "value": "900150983CD24FB0D6963F7D28E17F72", "source": "manual", "labels": map[string]string{"content_type": "video", "ideology": "jihadist"}}
	var first signals.Entry
	if resp := e.call(t, "tco", "POST", "/api/v1/signals/banks/tco-removed/entries", in, nil, &first); resp.StatusCode != http.StatusCreated ||
		first.ID == 0 || first.Value != "900150983cd24fb0d6963f7d28e17f72" || !first.Enabled || first.Labels.Ideology != "jihadist" {
		t.Fatalf("add: %d %+v", resp.StatusCode, first)
	}
	var again signals.Entry
	if resp := e.call(t, "tco", "POST", "/api/v1/signals/banks/tco-removed/entries", in, nil, &again); resp.StatusCode != http.StatusOK || again.ID != first.ID {
		t.Errorf("the same hash again: %d %+v", resp.StatusCode, again)
	}
	second := map[string]any{"algorithm": "sha256", "value": strings.Repeat("ab", 32), "source": "import"}
	e.call(t, "tco", "POST", "/api/v1/signals/banks/partner-list/entries", second, nil, nil)
	var off signals.Entry
	if resp := e.call(t, "tco", "POST", "/api/v1/signals/entries/"+strconv.FormatInt(first.ID, 10)+"/enabled", map[string]bool{"enabled": false}, nil, &off); resp.StatusCode != http.StatusOK || off.Enabled {
		t.Errorf("disable: %d %+v", resp.StatusCode, off)
	}
	var page struct {
		Entries []signals.Entry `json:"entries"`
		Next    int64           `json:"next"`
	}
	if resp := e.call(t, "vid", "GET", "/api/v1/signals/entries?limit=1", nil, nil, &page); resp.StatusCode != http.StatusOK || len(page.Entries) != 1 || page.Entries[0].Enabled || page.Next != first.ID {
		t.Fatalf("first page: %d %+v", resp.StatusCode, page)
	}
	if resp := e.call(t, "vid", "GET", "/api/v1/signals/entries?after="+strconv.FormatInt(page.Next, 10), nil, nil, &page); resp.StatusCode != http.StatusOK || len(page.Entries) != 1 || page.Entries[0].Bank != "partner-list" {
		t.Errorf("next page: %d %+v", resp.StatusCode, page)
	}
	for _, tc := range []struct {
		login, method, path string
		body                any
		status              int
		says                string
	}{
		{"vid", "POST", "/api/v1/signals/banks/tco-removed/entries", in, http.StatusForbidden, ""},
		{"vid", "POST", "/api/v1/signals/entries/1/enabled", map[string]bool{"enabled": true}, http.StatusForbidden, ""},
		{"tco", "POST", "/api/v1/signals/banks/tco-removed/entries", map[string]any{"algorithm": "md5", "value": "123", "source": "manual"}, http.StatusBadRequest, "value"},
		{"tco", "POST", "/api/v1/signals/banks/Bad Bank/entries", in, http.StatusBadRequest, "bank"},
		{"tco", "POST", "/api/v1/signals/entries/1/enabled", map[string]any{}, http.StatusBadRequest, "enabled"},
		{"tco", "POST", "/api/v1/signals/entries/999/enabled", map[string]bool{"enabled": true}, http.StatusNotFound, ""},
		{"anna", "GET", "/api/v1/signals/entries", nil, http.StatusForbidden, ""},
		{"vid", "GET", "/api/v1/signals/entries?limit=0", nil, http.StatusBadRequest, "limit"},
	} {
		var problem struct{ Error struct{ Message string } }
		if resp := e.call(t, tc.login, tc.method, strings.ReplaceAll(tc.path, " ", "%20"), tc.body, nil, &problem); resp.StatusCode != tc.status || !strings.Contains(problem.Error.Message, tc.says) {
			t.Errorf("%s %s %s: %d %q, want %d saying %q", tc.login, tc.method, tc.path, resp.StatusCode, problem.Error.Message, tc.status, tc.says)
		}
	}
	if resp := e.call(t, "vid", "GET", "/api/v1/signals/entries", nil, nil, &page); resp.StatusCode != http.StatusOK || len(page.Entries) != 2 || page.Entries[0].Enabled || !page.Entries[1].Enabled {
		t.Errorf("after the refusals: %d %+v", resp.StatusCode, page)
	}
}
