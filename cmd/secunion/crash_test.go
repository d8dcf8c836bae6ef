package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestCrashKeepsAcknowledgedWrites kills `secunion serve` with SIGKILL at
// random moments while clients write through the API, 20 times over. After
// every restart each write the server acknowledged must be there, and the
// audit log must still verify.
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	bin := filepath.Join(t.TempDir(), "secunion")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	data := t.TempDir()
	mustCLI(t, "", "admin", "authority", "create", "--data", data, "--code", "EU-ADMIN", "--name", "Admin", "--country", "EU", "--kind", "administrator")
	mustCLI(t, "", "admin", "user", "create", "--data", data, "--login", "root", "--name", "Root", "--authority", "EU-ADMIN", "--roles", "admin")
	token := strings.TrimSpace(mustCLI(t, "", "admin", "token", "create", "--data", data, "--user", "root"))

	rng := rand.New(rand.NewPCG(1, 2))
	acked := map[string]bool{}
	const rounds = 20
	for round := 0; round < rounds; round++ {
		addr := freeAddr(t)
		srv := exec.Command(bin, "serve", "--data", data, "--addr", addr)
		var logs bytes.Buffer
		srv.Stderr = &logs
		if err := srv.Start(); err != nil {
			t.Fatal(err)
		}
		base := "http://" + addr
		waitReady(t, base, &logs)

		// Every token acknowledged before the restart is still listed.
		listed := listTokens(t, base, token)
		for id := range acked {
			if !listed[id] {
				t.Fatalf("round %d: acknowledged token %s lost after SIGKILL", round, id)
			}
		}

		var mu sync.Mutex
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for c := 0; c < 8; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for ctx.Err() == nil {
					id, ok := createToken(ctx, base, token)
					if ok {
						mu.Lock()
						acked[id] = true
						mu.Unlock()
					}
				}
			}()
		}
		time.Sleep(time.Duration(50+rng.IntN(400)) * time.Millisecond)
		srv.Process.Signal(syscall.SIGKILL)
		srv.Wait()
		cancel()
		wg.Wait()
	}
	if len(acked) < rounds {
		t.Fatalf("only %d writes acknowledged in %d rounds: the test did not exercise the server", len(acked), rounds)
	}
	out := mustCLI(t, "", "audit", "verify", "--data", data)
	if !strings.Contains(out, "audit log intact") {
		t.Fatalf("audit verify after %d crashes: %s", rounds, out)
	}
	intact := out[strings.Index(out, "audit log intact"):]
	t.Logf("%d acknowledged writes survived %d SIGKILLs; %s", len(acked), rounds, strings.SplitN(intact, "\n", 2)[0])
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitReady(t *testing.T, base string, logs *bytes.Buffer) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("server at %s not ready:\n%s", base, logs.String())
}

// createToken issues one audited write and reports whether the server
// acknowledged it (201 with the new token's ID).
func createToken(ctx context.Context, base, token string) (string, bool) {
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/tokens", strings.NewReader(`{"name":"crash test","lifetime_days":1}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", false
	}
	defer resp.Body.Close()
	var out struct{ ID string }
	if resp.StatusCode != http.StatusCreated || json.NewDecoder(resp.Body).Decode(&out) != nil || out.ID == "" {
		return "", false
	}
	return out.ID, true
}

func listTokens(t *testing.T, base, token string) map[string]bool {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/v1/tokens", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Tokens []struct{ ID string } }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("list tokens: %d %v", resp.StatusCode, err)
	}
	ids := map[string]bool{}
	for _, tk := range out.Tokens {
		ids[tk.ID] = true
	}
	return ids
}
