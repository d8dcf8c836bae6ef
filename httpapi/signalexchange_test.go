package httpapi_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"secunion/access"
	"secunion/signals"
)

// raw sends a request as login with a body of the given media type and
// returns the status, the Content-Type and the body.
func (e *apiEnv) raw(t *testing.T, login, method, path, ctype, body string) (int, string, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("Authorization", "Bearer "+e.tokens[login])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

const (
	exMD5    = "900150983cd24fb0d6963f7d28e17f72"
	exSHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	exPDQ    = "f8f8f0cee0f4a84f06370a22038f67f0b36e2ed596621e1d33e6339c4e9c9b22"
)

// TestSignalExchange: a competent authority imports a CSV list; a bad
// list, a provider's list and a list in an unnamed format are refused
// and change nothing; the change feed shows a later disabling after the
// checkpoint, in secunion's form and TAT's; a bank exported as STIX
// imports into another bank whole.
func TestSignalExchange(t *testing.T) {
	e := newAPI(t)
	e.add(t, []access.Authority{
		{Code: "BE-TCO", Name: "Belgian TCO authority", Country: "BE", Kind: access.KindTCOAuthority},
		{Code: "VIDSHARE", Name: "VidShare", Country: "IE", Kind: access.KindHostingProvider},
	}, []access.User{
		{Login: "tco", Name: "TCO officer", Authority: "BE-TCO", Roles: []string{access.RoleOfficer}},
		{Login: "vid", Name: "VidShare contact", Authority: "VIDSHARE", Roles: []string{access.RoleOfficer}},
	})
	csvList := "algorithm,value,quality,content_type,ideology,deleted\n" +
		"pdq," + exPDQ + ",90,image,jihadist,false\n" +
		"md5," + strings.ToUpper(exMD5) + ",,video,,false\n" +
		"sha256," + exSHA256 + ",,,,true\n"
	var res struct{ Read, Skipped, Added, Enabled, Disabled, Unchanged int }
	if resp := e.call(t, "tco", "POST", "/api/v1/signals/banks/partner-list/import?ref=partner.csv", csvList, map[string]string{"Content-Type": "text/csv"}, &res); resp.StatusCode != http.StatusOK ||
		res.Read != 3 || res.Added != 2 || res.Unchanged != 1 {
		t.Fatalf("CSV import: %d %+v", resp.StatusCode, res)
	}
	var feed struct {
		Changes []struct {
			Change int64
			Entry  signals.Entry
		}
		Next int64
	}
	if resp := e.call(t, "vid", "GET", "/api/v1/signals/changes", nil, nil, &feed); resp.StatusCode != http.StatusOK || len(feed.Changes) != 2 || feed.Next != 2 ||
		feed.Changes[0].Entry.Quality != 90 || feed.Changes[0].Entry.SourceRef != "partner.csv" || feed.Changes[1].Entry.Value != exMD5 {
		t.Fatalf("feed: %d %+v", resp.StatusCode, feed)
	}

	// Refusals change nothing.
	for _, tc := range []struct {
		login, path, ctype, body string
		status                   int
		says                     string
	}{
		{"tco", "/api/v1/signals/banks/partner-list/import", "text/csv", "algorithm,value\nmd5," + exMD5 + "\nmd5,12345\n", http.StatusBadRequest, "line 3 (value)"},
		{"tco", "/api/v1/signals/banks/partner-list/import", "application/json", `{"results": []}`, http.StatusBadRequest, "format"},
		{"tco", "/api/v1/signals/banks/partner-list/import?format=stix", "application/json", `{"type": "bundle", "objects": [{"type": "indicator", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "pattern": "[url:value = 'https://x.example/']", "pattern_type": "stix"}]}`, http.StatusBadRequest, "object 1 indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f (pattern)"},
		{"tco", "/api/v1/signals/banks/Bad%20Bank/import?format=csv", "text/csv", csvList, http.StatusBadRequest, "bank"},
		{"vid", "/api/v1/signals/banks/partner-list/import?format=csv", "text/csv", csvList, http.StatusForbidden, ""},
	} {
		status, _, body := e.raw(t, tc.login, "POST", tc.path, tc.ctype, tc.body)
		if status != tc.status || !strings.Contains(string(body), tc.says) {
			t.Errorf("%s %s: %d %s, want %d saying %q", tc.login, tc.path, status, body, tc.status, tc.says)
		}
	}
	e.call(t, "vid", "GET", "/api/v1/signals/changes", nil, nil, &feed)
	if len(feed.Changes) != 2 || feed.Next != 2 {
		t.Errorf("after the refusals: %+v", feed)
	}

	// A deletion after the checkpoint reaches the feed, in both forms.
	if resp := e.call(t, "tco", "POST", "/api/v1/signals/entries/"+strconv.FormatInt(feed.Changes[1].Entry.ID, 10)+"/enabled", map[string]bool{"enabled": false}, nil, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("disable: %d", resp.StatusCode)
	}
	if e.call(t, "vid", "GET", "/api/v1/signals/changes?after=2", nil, nil, &feed); len(feed.Changes) != 1 || feed.Changes[0].Entry.Enabled || feed.Next != 3 {
		t.Errorf("after 2: %+v", feed)
	}
	status, ctype, body := e.raw(t, "vid", "GET", "/api/v1/signals/exchange/tat?limit=1", "", "")
	page, err := signals.ReadTAT(bytes.NewReader(body))
	if status != http.StatusOK || ctype != "application/json" || err != nil || len(page.Items) != 1 || page.Items[0].Value != exPDQ ||
		!strings.HasSuffix(page.Checkpoint, ",1") || !strings.Contains(string(body), `"next":"/api/v1/signals/exchange/tat?after=`) {
		t.Fatalf("TAT page 1: %d %s %v %s", status, ctype, err, body)
	}
	_, _, body = e.raw(t, "vid", "GET", "/api/v1/signals/exchange/tat?bank=partner-list&after="+page.Checkpoint, "", "")
	if page, err = signals.ReadTAT(bytes.NewReader(body)); err != nil || len(page.Items) != 1 || !page.Items[0].Deleted || page.Items[0].Value != exMD5 ||
		!strings.HasSuffix(page.Checkpoint, ",3") || !strings.Contains(string(body), `"next":null`) {
		t.Errorf("TAT page 2: %v %s", err, body)
	}
	_, _, body = e.raw(t, "vid", "GET", "/api/v1/signals/exchange/tat?after="+page.Checkpoint, "", "")
	if again, err := signals.ReadTAT(bytes.NewReader(body)); err != nil || len(again.Items) != 0 || again.Checkpoint != page.Checkpoint {
		t.Errorf("nothing new: %v %s", err, body)
	}
	for _, q := range []string{"after=x", "limit=10001", "bank=No"} {
		if status, _, _ := e.raw(t, "vid", "GET", "/api/v1/signals/exchange/tat?"+q, "", ""); status != http.StatusBadRequest {
			t.Errorf("%s: %d", q, status)
		}
	}
	if status, _, _ := e.raw(t, "anna", "GET", "/api/v1/signals/changes", "", ""); status != http.StatusForbidden {
		t.Errorf("a border guard reading the feed: %d", status)
	}

	// The bank exported as STIX and CSV; the STIX bundle imported into
	// another bank.
	status, ctype, stix := e.raw(t, "vid", "GET", "/api/v1/signals/banks/partner-list/export", "", "")
	if status != http.StatusOK || ctype != "application/stix+json;version=2.1" || !strings.Contains(string(stix), `"revoked":true`) {
		t.Fatalf("STIX export: %d %s %s", status, ctype, stix)
	}
	status, ctype, csvOut := e.raw(t, "vid", "GET", "/api/v1/signals/banks/partner-list/export?format=csv", "", "")
	if l, err := signals.ReadCSV(bytes.NewReader(csvOut)); status != http.StatusOK || !strings.HasPrefix(ctype, "text/csv") || err != nil || len(l.Items) != 2 || !l.Items[1].Deleted {
		t.Errorf("CSV export: %d %s %v %s", status, ctype, err, csvOut)
	}
	for _, tc := range []struct {
		path   string
		status int
	}{{"/api/v1/signals/banks/nothing-here/export", http.StatusNotFound}, {"/api/v1/signals/banks/partner-list/export?format=tat", http.StatusBadRequest}} {
		if status, _, _ := e.raw(t, "vid", "GET", tc.path, "", ""); status != tc.status {
			t.Errorf("%s: %d, want %d", tc.path, status, tc.status)
		}
	}
	if resp := e.call(t, "tco", "POST", "/api/v1/signals/banks/copy/import", string(stix), map[string]string{"Content-Type": "application/stix+json"}, &res); resp.StatusCode != http.StatusOK ||
		res.Read != 2 || res.Added != 1 || res.Unchanged != 1 {
		t.Errorf("STIX import: %d %+v", resp.StatusCode, res)
	}
	e.call(t, "vid", "GET", "/api/v1/signals/changes?bank=copy", nil, nil, &feed)
	if len(feed.Changes) != 1 || feed.Changes[0].Entry.Quality != 90 || feed.Changes[0].Entry.Labels.Ideology != "jihadist" || feed.Changes[0].Entry.Algorithm != signals.AlgPDQ {
		t.Errorf("the copy: %+v", feed)
	}
}

// TestSignalImportSlowAndReserved: a list that takes longer to arrive than
// the server's read timeout is still imported whole; a list for an
// incident's bank is refused before it is read.
func TestSignalImportSlowAndReserved(t *testing.T) {
	e := newAPI(t)
	e.add(t, []access.Authority{{Code: "BE-TCO", Name: "Belgian TCO authority", Country: "BE", Kind: access.KindTCOAuthority}},
		[]access.User{{Login: "tco", Name: "TCO officer", Authority: "BE-TCO", Roles: []string{access.RoleOfficer}}})
	// The node's server, as serve runs it, with a short read timeout.
	srv := httptest.NewUnstartedServer(e.srv.Config.Handler)
	srv.Config.ReadTimeout = 300 * time.Millisecond
	srv.Start()
	defer srv.Close()
	pr, pw := io.Pipe()
	go func() {
		pw.Write([]byte("algorithm,value\nmd5," + exMD5 + "\n"))
		time.Sleep(time.Second)
		pw.Write([]byte("sha256," + exSHA256 + "\n"))
		pw.Close()
	}()
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/signals/banks/slow-list/import", pr)
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+e.tokens["tco"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), `"added": 2`) {
		t.Errorf("a list arriving over a second: %d %s", resp.StatusCode, b)
	}

	status, _, b := e.raw(t, "tco", "POST", "/api/v1/signals/banks/incident-abc/import", "text/csv", "algorithm,value\nmd5,"+exMD5+"\n")
	if status != http.StatusBadRequest || !strings.Contains(string(b), "crisis protocol") {
		t.Errorf("a list for an incident's bank: %d %s", status, b)
	}
}

// TestSignalImportOneAtATime: while one list is being imported, another
// is refused with 503 saying why, and is taken once the first is done.
func TestSignalImportOneAtATime(t *testing.T) {
	e := newAPI(t)
	e.add(t, []access.Authority{{Code: "BE-TCO", Name: "Belgian TCO authority", Country: "BE", Kind: access.KindTCOAuthority}},
		[]access.User{{Login: "tco", Name: "TCO officer", Authority: "BE-TCO", Roles: []string{access.RoleOfficer}}})
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/signals/banks/first/import", pr)
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+e.tokens["tco"])
	first := make(chan int)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			first <- 0
			return
		}
		resp.Body.Close()
		first <- resp.StatusCode
	}()
	pw.Write([]byte("algorithm,value\nmd5," + exMD5 + "\n"))
	list := "algorithm,value\nsha256," + exSHA256 + "\n"
	var status int
	var b []byte
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if status, _, b = e.raw(t, "tco", "POST", "/api/v1/signals/banks/second/import", "text/csv", list); status != http.StatusOK {
			break
		}
	}
	if status != http.StatusServiceUnavailable || !strings.Contains(string(b), "another list is being imported") {
		t.Errorf("a second import during the first: %d %s", status, b)
	}
	pw.Close()
	if s := <-first; s != http.StatusOK {
		t.Errorf("the first import: %d", s)
	}
	if status, _, b = e.raw(t, "tco", "POST", "/api/v1/signals/banks/second/import", "text/csv", list); status != http.StatusOK {
		t.Errorf("the second import once the first is done: %d %s", status, b)
	}
}
