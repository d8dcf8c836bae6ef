package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startServe runs `secunion serve` in-process with args until the test
// ends, and returns the URL it serves.
func startServe(t *testing.T, getenv func(string) string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), getenv, strings.NewReader(""), &out, &errb)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve stopped with %v", err)
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		lines := bufio.NewScanner(strings.NewReader(errb.String()))
		for lines.Scan() {
			var l struct{ Msg, URL string }
			if json.Unmarshal(lines.Bytes(), &l) == nil && l.Msg == "serving" {
				return l.URL
			}
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited: %v\n%s", err, errb.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not start:\n%s", errb.String())
	return ""
}

// officer creates an authority and an officer of it in the data folder dir,
// and returns the officer's API token.
func officer(t *testing.T, dir, code, kind, login string) string {
	return userOf(t, dir, code, kind, login, "officer")
}

// userOf creates an authority and a user of it holding role in the data
// folder dir, and returns the user's API token.
func userOf(t *testing.T, dir, code, kind, login, role string) string {
	t.Helper()
	mustCLI(t, "", "admin", "authority", "create", "--data", dir, "--code", code, "--name", code, "--country", code[:2], "--kind", kind)
	mustCLI(t, "", "admin", "user", "create", "--data", dir, "--login", login, "--name", login, "--authority", code, "--roles", role)
	return strings.TrimSpace(mustCLI(t, "", "admin", "token", "create", "--data", dir, "--user", login))
}

// TestServeRemote is the README's worked example: node B holds SIS; node A,
// started with --remote SIS=B, finds B's records for its own user.
func TestServeRemote(t *testing.T) {
	b, a := t.TempDir(), t.TempDir()
	nodeToken := userOf(t, b, "ES-ETIAS", "etias-unit", "node-a", "node")
	sis := filepath.Join(t.TempDir(), "sis.jsonl")
	os.WriteFile(sis, []byte(`{"id":"S1","person":{"surname":"Eriksson","given_names":"Anna","birth_date":"1974-08-12"},"sis":{"category":"refusal-of-entry","issuing_state":"SE"}}`+"\n"), 0o600)
	mustCLI(t, "", "import", "--data", b, "SIS", sis)
	lena := officer(t, a, "EU-ETIAS-CU", "etias-central-unit", "lena")
	tokenFile := filepath.Join(t.TempDir(), "remote.token")
	os.WriteFile(tokenFile, []byte(nodeToken+"\n"), 0o600)

	noEnv := func(string) string { return "" }
	urlB := startServe(t, noEnv, "--data", b)
	urlA := startServe(t, noEnv, "--data", a, "--remote", "SIS="+urlB, "--remote-token-file", tokenFile)

	req, _ := http.NewRequest("POST", urlA+"/api/v1/search", strings.NewReader(`{"surname":"Eriksson","given_names":"Anna","birth_date":"1974-08-12","systems":["SIS","VIS"]}`))
	req.Header.Set("Authorization", "Bearer "+lena)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Purpose", "travel-authorisation")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Answers []struct {
			System, Status string
			Hits           []struct {
				RecordID string `json:"record_id"`
			}
		}
	}
	json.NewDecoder(resp.Body).Decode(&res)
	resp.Body.Close()
	got := map[string]string{}
	for _, an := range res.Answers {
		got[an.System] = an.Status
		if an.System == "SIS" && (len(an.Hits) != 1 || an.Hits[0].RecordID != "S1") {
			t.Errorf("SIS through B: %+v", an)
		}
	}
	if got["SIS"] != "answered" || got["VIS"] != "no-hit" {
		t.Errorf("answers: %v", got)
	}
	req, _ = http.NewRequest("GET", urlA+"/api/v1/systems/SIS/status", nil)
	req.Header.Set("Authorization", "Bearer "+lena)
	req.Header.Set("X-Purpose", "travel-authorisation")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		State   string
		Remote  bool
		Records int
	}
	json.NewDecoder(resp.Body).Decode(&st)
	resp.Body.Close()
	if st.State != "up" || !st.Remote || st.Records != 1 {
		t.Errorf("status of SIS on A: %+v", st)
	}
}

func TestServeRemoteConfig(t *testing.T) {
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens")
	for _, tc := range []struct {
		name, tokens string
		args         []string
		want         string
	}{
		{"not SYSTEM=URL", "", []string{"--remote", "SIS"}, "use SYSTEM=URL"},
		{"unknown system", "", []string{"--remote", "XYZ=http://b:8443"}, "XYZ"},
		{"twice", "", []string{"--remote", "SIS=http://b:8443", "--remote", "sis=http://c:8443"}, "SIS is given twice"},
		{"no token", "", []string{"--remote", "SIS=http://b:8443"}, "no API token for SIS at http://b:8443"},
		{"token of another node", "http://c:8443 sut_x\n", []string{"--remote", "SIS=http://b:8443"}, "no API token for SIS"},
		{"bad token file", "http://b:8443 sut_x extra\n", []string{"--remote", "SIS=http://b:8443"}, "lines 'URL TOKEN'"},
		{"not a URL", "sut_x\n", []string{"--remote", "SIS=b:8443"}, "give the node's URL"},
		{"CA file without certificates", "sut_x\n", []string{"--remote", "SIS=https://b:8443", "--remote-ca", tokens}, "holds no PEM certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			os.WriteFile(tokens, []byte(tc.tokens), 0o600)
			args := append([]string{"serve", "--data", dir, "--addr", "127.0.0.1:0", "--remote-token-file", tokens}, tc.args...)
			_, errs, err := cli(t, "", args...)
			if err == nil || !strings.Contains(err.Error()+errs, tc.want) {
				t.Errorf("got %v %s, want an error with %q", err, errs, tc.want)
			}
		})
	}
}

// TestServeMetricsApart: the metrics are served on their own address, and
// not on the API's.
func TestServeMetricsApart(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	metricsAddr := ln.Addr().String()
	ln.Close()
	base := startServe(t, func(string) string { return "" }, "--data", t.TempDir(), "--metrics-addr", metricsAddr)
	if resp, err := http.Get(base + "/healthz"); err == nil {
		resp.Body.Close()
	}
	resp, err := http.Get("http://" + metricsAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `secunion_http_requests_total{code="200",method="GET",route="GET /healthz"} 1`) {
		t.Errorf("metrics on their address: %d\n%s", resp.StatusCode, body)
	}
	resp, err = http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics on the API's address: %d", resp.StatusCode)
	}
}
