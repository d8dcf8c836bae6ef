package main

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"secunion/removal"
)

// TestProviderSim runs a node with one simulated provider of each
// behaviour, delays shrunk: orders issued through the API are pushed to
// the webhooks, signed and acknowledged, or fetched from the inbox when a
// webhook is down or its acknowledgement is forged, and answered as each
// behaviour says; no push is acted on twice.
func TestProviderSim(t *testing.T) {
	data := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := openData(t, data)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	weights := map[string]int{}
	for _, b := range simBehaviours {
		weights[b] = 1
	}
	providers, issuer, err := setupSimProviders(ctx, db, len(simBehaviours), weights, "http://"+ln.Addr().String())
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	base := startServe(t, func(string) string { return "" }, "--data", data)
	sim := newProviderSim(base, providers, 1e-4)
	sim.minWait = time.Second // answers come after the node recorded the acknowledgement
	srv := &http.Server{Handler: sim}
	go srv.Serve(ln)
	defer srv.Close()
	go sim.pollInboxes(ctx, time.Second) // after the pushes, which are kicked at once

	orders := map[string]string{} // behaviour → order ID
	for _, p := range providers {
		var o removal.Order
		body := map[string]any{"reference": "T-" + p.Code, "provider": p.Code, "category": "threat",
			"items":   []map[string]string{{"url": "https://" + strings.ToLower(p.Code) + ".example/p/1"}},
			"reasons": "Threatens an attack on a named school.", "redress": "The administrative court.",
			"emergency": true, "emergency_justification": "Test: no procedure information was sent."}
		if status := apiCall(t, "POST", base+"/api/v1/removal-orders", issuer.Token, "terrorist-content", body, &o); status != 201 {
			t.Fatalf("issue to %s: %d", p.Code, status)
		}
		orders[p.Behaviour] = o.ID
	}
	want := map[string]removal.State{simFast: removal.Removed, simSlow: removal.Removed, simLate: removal.Removed,
		simCannotComply: removal.CannotComply, simDown: removal.Removed, simBadSignature: removal.Removed}
	views := map[string]struct {
		Order    removal.Order
		Timeline []removal.Event
	}{}
	deadline := time.Now().Add(30 * time.Second)
	for b, id := range orders {
		for {
			v := views[b]
			apiCall(t, "GET", base+"/api/v1/removal-orders/"+id, issuer.Token, "terrorist-content", nil, &v)
			views[b] = v
			if v.Order.State == want[b] || time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if got := views[b].Order.State; got != want[b] {
			t.Errorf("%s provider: order %s, want %s", b, got, want[b])
		}
	}
	note := func(b string, a removal.Action) string {
		for _, e := range views[b].Timeline {
			if e.Action == a {
				return e.Note
			}
		}
		return "(none)"
	}
	if n := note(simFast, removal.Acknowledge); !strings.Contains(n, "signed acknowledgement") {
		t.Errorf("fast provider's receipt: %q", n)
	}
	if n := note(simBadSignature, removal.Acknowledge); n != "first fetch" || !strings.HasPrefix(note(simBadSignature, removal.Push), "pushed") {
		t.Errorf("forged acknowledgement: receipt %q, push %q", n, note(simBadSignature, removal.Push))
	}
	if n := note(simDown, removal.Acknowledge); n != "first fetch" || note(simDown, removal.Push) != "(none)" {
		t.Errorf("webhook down: receipt %q, push %q", n, note(simDown, removal.Push))
	}
	if sim.BadSig.Load() != 0 || sim.BadKey.Load() != 0 || sim.Repeats.Load() != 0 {
		t.Errorf("pushes with a bad signature %d, with an idempotency key not the order's %d, repeated %d", sim.BadSig.Load(), sim.BadKey.Load(), sim.Repeats.Load())
	}
}
