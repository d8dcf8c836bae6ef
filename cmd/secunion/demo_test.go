package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"secunion/crisis"
	"secunion/removal"
	"secunion/signals"
	"secunion/store"
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
	border := tokenOf(tokens, "border.officer")
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
	tco := tokenOf(tokens, "tco.officer")
	demoOrdersFlow(t, url[1], tco)
	demoReupload(t, out, url[1], tokenOf(tokens, "vidshare.contact"))
	demoCrisis(t, out, url[1], tokenOf(tokens, "picboard.contact"), tco)
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
	if as, _ := db.Authorities(context.Background()); len(as) != len(demoAuthorities)+1+len(demoSims) {
		t.Errorf("after restart %d authorities, want %d and the simulated ones (seeded once)", len(as), len(demoAuthorities))
	}
	// The history is there once; the new start issues its own orders.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		orders := demoOrders(t, url2, tokenOf(tokens2, "tco.officer"))
		if len(orders) == 5+2*(1+len(demoSims)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after restart %d orders, want 5 of the history and %d of each start", len(orders), 1+len(demoSims))
		}
	}
}

// demoReupload runs the printed lookup of a re-uploaded image: the file
// is there, and it matches the hash VidShare's removal put into the TCO
// bank, though it was mirrored, halved and re-compressed.
func demoReupload(t *testing.T, out, base, token string) {
	t.Helper()
	m := regexp.MustCompile(`--data-binary @(\S+) `).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no lookup of a re-upload in:\n%s", out)
	}
	data, err := os.ReadFile(m[1])
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", base+"/api/v1/signals/lookup", bytes.NewReader(data))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var found struct {
		Matches []struct {
			Entry    signals.Entry `json:"entry"`
			Distance int           `json:"distance"`
		} `json:"matches"`
	}
	json.NewDecoder(resp.Body).Decode(&found)
	if resp.StatusCode != 200 || len(found.Matches) != 1 || found.Matches[0].Entry.Bank != signals.BankTCO || found.Matches[0].Entry.Source != signals.SourceRemovalOrder || found.Matches[0].Distance > 31 {
		t.Errorf("the re-upload %s: %d %+v", m[1], resp.StatusCode, found)
	}
}

// demoCrisis checks the demo's live crisis: PicBoard's lookup of the
// printed copy of the shared key frame matches the incident's bank, and
// the crisis room counts it as an upload blocked.
func demoCrisis(t *testing.T, out, base, picboard, tco string) {
	t.Helper()
	m := regexp.MustCompile(`lookup of (\S+) counts as an upload blocked`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no crisis line in:\n%s", out)
	}
	data, err := os.ReadFile(m[1])
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", base+"/api/v1/signals/lookup", bytes.NewReader(data))
	req.Header.Set("Authorization", "Bearer "+picboard)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var found struct{ Matches []signals.Hit }
	json.NewDecoder(resp.Body).Decode(&found)
	resp.Body.Close()
	if len(found.Matches) != 1 || !strings.HasPrefix(found.Matches[0].Entry.Bank, "incident-") {
		t.Fatalf("PicBoard's lookup of the key frame: %d %+v", resp.StatusCode, found)
	}
	var list struct{ Incidents []crisis.Incident }
	if code := apiCall(t, "GET", base+"/api/v1/crisis/incidents", tco, "terrorist-content", nil, &list); code != 200 || len(list.Incidents) != 1 || list.Incidents[0].State != crisis.Coordinated {
		t.Fatalf("the demo's incidents: %d %+v", code, list)
	}
	var room store.Room
	apiCall(t, "GET", base+"/api/v1/crisis/incidents/"+list.Incidents[0].ID, tco, "terrorist-content", nil, &room)
	if room.Figures.Hashes != 1 || room.Figures.URLs != 1 || room.Figures.ToFirstHash != 240 || room.Figures.Blocked != 1 {
		t.Errorf("the crisis room's figures: %+v", room.Figures)
	}
}

// tokenOf returns the printed token of login.
func tokenOf(tokens [][]string, login string) string {
	for _, tk := range tokens {
		if tk[1] == login {
			return tk[2]
		}
	}
	return ""
}

// demoOrders lists BE-TCO's orders by reference.
func demoOrders(t *testing.T, base, token string) map[string]removal.Order {
	t.Helper()
	var list struct{ Orders []removal.Order }
	if code := apiCall(t, "GET", base+"/api/v1/removal-orders", token, "terrorist-content", nil, &list); code != 200 {
		t.Fatalf("list of orders: %d", code)
	}
	out := map[string]removal.Order{}
	for _, o := range list.Orders {
		out[o.Reference] = o
	}
	return out
}

// demoOrdersFlow checks what a new user of the demo sees of removal
// orders: the history (two early removals that flag VidShare as exposed,
// a late one with its breach, a cannot-comply), and the orders issued at
// the start answered live by the simulated providers, each as its
// behaviour says.
func demoOrdersFlow(t *testing.T, base, token string) {
	t.Helper()
	history := map[string]removal.Order{}
	for ref, o := range demoOrders(t, base, token) {
		if !strings.HasPrefix(ref, "BE-LIVE-") {
			history[ref[len(ref)-4:]] = o
		}
	}
	late := history["0003"]
	if late.State != removal.Removed || late.Breached.IsZero() || late.Late() != 10*time.Minute || time.Since(late.Issued) < 2*time.Hour {
		t.Errorf("the late order of the history: %s, breached %s, late %s, issued %s", late.State, late.Breached, late.Late(), late.Issued)
	}
	if o := history["0004"]; o.State != removal.CannotComply || o.Obstacle != removal.MissingDetails {
		t.Errorf("the cannot-comply of the history: %s %s", o.State, o.Obstacle)
	}
	var exposure struct {
		Providers []struct {
			Provider string
			Flagged  bool
		}
	}
	apiCall(t, "GET", base+"/api/v1/exposure", token, "", nil, &exposure)
	flagged := false
	for _, p := range exposure.Providers {
		flagged = flagged || p.Provider == "IE-VIDSHARE" && p.Flagged
	}
	if !flagged {
		t.Errorf("VidShare is not flagged: %+v", exposure)
	}

	// The live orders: wait for the quick answers.
	want := map[string]removal.State{simFast: removal.Removed, simCannotComply: removal.CannotComply, simDown: removal.Removed, simSlow: removal.Received, simLate: removal.Received}
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := map[string]removal.State{}
		human := removal.State("")
		for _, o := range demoOrders(t, base, token) {
			switch {
			case !strings.HasPrefix(o.Reference, "BE-LIVE-"):
			case o.Provider == "IE-VIDSHARE":
				human = o.State
			default:
				got[simBehaviour(t, o.Provider)] = o.State
			}
		}
		if reflect.DeepEqual(got, want) && human == removal.Sent {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the live orders by behaviour: %v, want %v; IE-VIDSHARE's %q, want sent", got, want, human)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// simBehaviour is the behaviour the demo gives simulated provider code.
func simBehaviour(t *testing.T, code string) string {
	deal := dealBehaviours(len(demoSims), demoSims)
	var i int
	if _, err := fmt.Sscanf(code, "SIM-P%03d", &i); err != nil || i < 1 || i > len(deal) {
		t.Fatalf("an order to %s", code)
	}
	return deal[i-1]
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
