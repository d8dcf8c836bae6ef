package main

import (
	"context"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"secunion/removal"
)

// TestRemovalOrdersSurviveSIGKILL runs the real binary on SQLite with
// simulated providers, issues orders through the API from eight clients,
// and kills the server with SIGKILL three times mid-stream, restarting it
// on the same data folder each time. In the end every order the node
// accepted (201) is in the node and was pushed to its provider's webhook;
// every push of an order carried the same Idempotency-Key, the order's ID;
// and every order's deadline is its receipt plus one hour exactly, the
// receipt no earlier than the provider got the order.
func TestRemovalOrdersSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("SIGKILL test skipped in -short mode")
	}
	bin := filepath.Join(t.TempDir(), "secunion")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	ctx := context.Background()
	data := t.TempDir()
	hooks, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	providers, issuer := simProvidersIn(t, data, 20, "http://"+hooks.Addr().String())
	addr := freeAddr(t)
	sim := newProviderSim("http://"+addr, providers, 0.1)
	hookSrv := &http.Server{Handler: sim}
	go hookSrv.Serve(hooks)
	defer hookSrv.Close()

	kill := startNode(t, bin, data, addr)
	var mu sync.Mutex
	accepted := map[string]string{} // order ID → provider
	// The first order to each provider is an emergency: no procedure
	// information went to it 12 hours before.
	for i, p := range providers {
		o, err := sim.issueOne(ctx, issuer, p, i, true)
		if err != nil {
			t.Fatal(err)
		}
		accepted[o.ID] = p.Code
	}
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(accepted)
	}
	// stream issues orders from eight clients until 150 more are accepted,
	// then calls stop while they go on, and waits for them to end.
	next := len(providers)
	stream := func(stop func()) {
		cctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for cctx.Err() == nil {
					mu.Lock()
					i := next
					next++
					mu.Unlock()
					p := providers[i%len(providers)]
					if o, err := sim.issueOne(cctx, issuer, p, i, false); err == nil {
						mu.Lock()
						accepted[o.ID] = p.Code
						mu.Unlock()
					}
				}
			})
		}
		want := count() + 150
		waitUntil(t, 30*time.Second, "150 more orders accepted", func() bool { return count() >= want })
		stop()
		cancel()
		wg.Wait()
	}
	unpushed := 0 // accepted orders not yet pushed when the node died
	for range 3 {
		stream(func() {
			kill()
			mu.Lock()
			defer mu.Unlock()
			for id := range accepted {
				if _, ok := sim.pushesOf(id); !ok {
					unpushed++
				}
			}
		})
		kill = startNode(t, bin, data, addr)
	}
	stream(func() {})

	// Every order the node holds, accepted or cut off mid-answer, is
	// pushed to its provider and received. Pushes claimed by a killed
	// node are made again after their lease.
	var held []removal.Order
	waitUntil(t, removal.Lease+30*time.Second, "every order pushed and received", func() bool {
		var list struct{ Orders []removal.Order }
		if err := sim.call(ctx, issuer.Token, "GET", "/api/v1/removal-orders?limit=1000", nil, &list); err != nil {
			t.Fatal(err)
		}
		held = list.Orders
		for _, o := range held {
			if _, pushed := sim.pushesOf(o.ID); !pushed || o.Received.IsZero() {
				return false
			}
		}
		return true
	})
	if len(held) == 1000 {
		t.Fatal("1000 orders: more than one page, the test no longer sees them all")
	}
	byID := map[string]removal.Order{}
	repeated := 0
	for _, o := range held {
		byID[o.ID] = o
		p, _ := sim.pushesOf(o.ID)
		if p.Provider != o.Provider {
			t.Errorf("order %s to %s pushed to the webhook of %s", o.ID, o.Provider, p.Provider)
		}
		if !o.Deadline.Equal(o.Received.Add(time.Hour)) {
			t.Errorf("order %s received %s, deadline %s: not one hour", o.ID, o.Received, o.Deadline)
		}
		if o.Received.Before(o.Issued) || o.Received.Before(p.First.Round(0)) {
			t.Errorf("order %s issued %s, first pushed %s, received %s", o.ID, o.Issued, p.First, o.Received)
		}
		if p.Count > 1 {
			repeated++
		}
	}
	for id, provider := range accepted {
		if o, ok := byID[id]; !ok || o.Provider != provider {
			t.Errorf("order %s to %s accepted, then lost", id, provider)
		}
	}
	if n := sim.BadKey.Load(); n != 0 {
		t.Errorf("%d pushes with an Idempotency-Key other than the order's ID", n)
	}
	if n := sim.BadSig.Load(); n != 0 {
		t.Errorf("%d pushes with a bad signature", n)
	}
	t.Logf("%d orders accepted, %d held after 3 SIGKILLs (%d accepted and not yet pushed at a kill); %d pushed more than once under the same key, %d pushes in all",
		len(accepted), len(held), unpushed, repeated, sim.Pushes.Load())
}

// simProvidersIn sets up n fast simulated providers in the data folder,
// with webhooks at hookBase, and returns them and the issuing authority.
func simProvidersIn(t testing.TB, data string, n int, hookBase string) ([]simProvider, simProvider) {
	t.Helper()
	ctx := context.Background()
	db := openData(t, data)
	defer db.Close()
	providers, issuer, err := setupSimProviders(ctx, db, n, map[string]int{simFast: 1}, hookBase)
	if err != nil {
		t.Fatal(err)
	}
	return providers, issuer
}

// startNode runs `secunion serve` from bin on data at addr until the test
// ends, and returns once it is ready, with the function that kills it
// with SIGKILL and waits for it to be gone.
func startNode(t *testing.T, bin, data, addr string) (kill func()) {
	t.Helper()
	kill = startBinary(t, bin, "serve", "--data", data, "--addr", addr)
	waitUntil(t, 30*time.Second, "the node ready at "+addr, func() bool {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return kill
}

// waitUntil polls cond until it holds, failing the test after limit.
func waitUntil(t testing.TB, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(limit); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: not yet %s", limit, what)
		}
	}
}
