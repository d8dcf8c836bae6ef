package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe to read while the demo writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var consoleURL = regexp.MustCompile(`Console:\s+(http://\S+)`)

// startDemo runs `secunion demo` in-process until the returned stop is
// called, and returns what it printed once it serves.
func startDemo(t *testing.T, data string) (string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--data", data, "--addr", "127.0.0.1:0"}, func(string) string { return "" }, strings.NewReader(""), &out, &errb)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(out.String(), "Press Ctrl-C") {
		if time.Now().After(deadline) {
			t.Fatalf("demo did not start: %s %s", out.String(), errb.String())
		}
		select {
		case err := <-done:
			t.Fatalf("demo exited: %v\n%s", err, errb.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	return out.String(), func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("demo stopped with %v", err)
		}
	}
}

func TestDemo(t *testing.T) {
	data := t.TempDir()
	out, stop := startDemo(t, data)
	url := consoleURL.FindStringSubmatch(out)
	if url == nil {
		t.Fatalf("no console URL in:\n%s", out)
	}
	for _, want := range []string{"border.officer", "dpo.supervisor", "vidshare.contact", "picboard.contact", "password for every user: secunion-demo"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	tokens := regexp.MustCompile(`(?m)^\s+(\S+)\s+(sut_\S+)$`).FindAllStringSubmatch(out, -1)
	if len(tokens) != len(demoAuthorities) {
		t.Fatalf("printed %d tokens, want one per demo user:\n%s", len(tokens), out)
	}
	resp, err := http.Get(url[1] + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "secunion") {
		t.Errorf("console login page: %d", resp.StatusCode)
	}
	first := tokens[0][2]
	if code := getMe(t, url[1], first); code != 200 {
		t.Errorf("demo token: /api/v1/me answered %d", code)
	}
	// The printed search finds a synthetic person.
	sample := regexp.MustCompile(`-d '(\{.*\})'`).FindStringSubmatch(out)
	if sample == nil {
		t.Fatalf("no sample search in:\n%s", out)
	}
	var border string
	for _, tk := range tokens {
		if tk[1] == "border.officer" {
			border = tk[2]
		}
	}
	req, _ := http.NewRequest("POST", url[1]+"/api/v1/search", strings.NewReader(sample[1]))
	req.Header.Set("Authorization", "Bearer "+border)
	req.Header.Set("X-Purpose", "border-check")
	req.Header.Set("Content-Type", "application/json")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var answer struct{ Hits int }
	json.NewDecoder(resp.Body).Decode(&answer)
	resp.Body.Close()
	if resp.StatusCode != 200 || answer.Hits == 0 {
		t.Errorf("sample search %s: %d, %d hits", sample[1], resp.StatusCode, answer.Hits)
	}
	// The seeded records carry templates and their identity links.
	var st struct {
		ByColour map[string]int `json:"by_colour"`
	}
	if apiCall(t, "GET", url[1]+"/api/v1/links/stats", border, "", nil, &st); st.ByColour["white"] == 0 || st.ByColour["yellow"] == 0 {
		t.Errorf("links of the demo data: %+v", st)
	}
	stop()

	// A second start keeps the data, prints fresh tokens and revokes the old.
	out2, stop2 := startDemo(t, data)
	defer stop2()
	url2 := consoleURL.FindStringSubmatch(out2)[1]
	if code := getMe(t, url2, first); code != 401 {
		t.Errorf("old demo token after restart: %d, want 401", code)
	}
	tokens2 := regexp.MustCompile(`(?m)^\s+(\S+)\s+(sut_\S+)$`).FindAllStringSubmatch(out2, -1)
	if len(tokens2) == 0 || getMe(t, url2, tokens2[0][2]) != 200 {
		t.Errorf("new demo token does not work")
	}
	db, _, err := (&storeFlags{data: data}).open(context.Background(), nil, true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if as, _ := db.Authorities(context.Background()); len(as) != len(demoAuthorities) {
		t.Errorf("after restart %d authorities, want %d (seeded once)", len(as), len(demoAuthorities))
	}
}

func getMe(t *testing.T, base, token string) int {
	req, _ := http.NewRequest("GET", base+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
