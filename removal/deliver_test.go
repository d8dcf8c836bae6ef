package removal_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/removal"
	"secunion/store"
)

// hook is a provider's webhook for tests: it checks each push's signature
// and answers as behave says.
type hook struct {
	t      *testing.T
	secret string
	clock  secunion.Clock
	mu     sync.Mutex
	behave func(r *http.Request, nonce string) (int, any)
	pushes map[string]int // by idempotency key
	nonces []string
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	nonce := r.Header.Get(removal.HeaderDelivery)
	if err := removal.CheckSignature(h.secret, r.Header.Get(removal.HeaderSignature), nonce, body, h.clock.Now()); err != nil {
		h.t.Errorf("push with a bad signature: %v", err)
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var o removal.Order
	if err := json.Unmarshal(body, &o); err != nil || o.ID != r.Header.Get(removal.HeaderIdempotency) {
		h.t.Errorf("pushed %q under key %q: %v", o.ID, r.Header.Get(removal.HeaderIdempotency), err)
	}
	h.mu.Lock()
	h.pushes[o.ID]++
	h.nonces = append(h.nonces, nonce)
	h.mu.Unlock()
	status, answer := h.behave(r, nonce)
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(answer)
}

// TestDeliver pushes orders to a webhook over real HTTP from the store's
// queue: an acknowledged push is the receipt; a failing webhook is tried
// again after its backoff under the same idempotency key; forged and
// replayed acknowledgements are not receipts, and are audited.
// node is a store on a fake clock with a French competent authority
// that has sent VidShare (Irish) its procedure information.
type node struct {
	db    *store.DB
	clock *secunion.FakeClock
	fr    secunion.Actor
}

func newNode(t *testing.T, contact removal.ContactPoint) node {
	t.Helper()
	ctx := context.Background()
	clock := secunion.NewFakeClock(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC))
	dir := t.TempDir()
	keys, err := store.LoadKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.OpenSQLite(ctx, dir, store.Options{Clock: clock, Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	op := secunion.LocalOperator
	for _, a := range []access.Authority{
		{Code: "FR-OCLCTIC", Name: "OCLCTIC", Country: "FR", Kind: access.KindTCOAuthority},
		{Code: "VIDSHARE", Name: "VidShare", Country: "IE", Kind: access.KindHostingProvider},
	} {
		if _, err := db.CreateAuthority(ctx, op, a); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.PutProvider(ctx, op, removal.Provider{Code: "VIDSHARE", Name: "VidShare", State: "IE", Contact: contact}); err != nil {
		t.Fatal(err)
	}
	n := node{db: db, clock: clock, fr: secunion.Actor{Login: "fr", Authority: "FR-OCLCTIC", AuthorityKind: string(access.KindTCOAuthority)}}
	if _, err := db.SendProcedureInfo(ctx, n.fr, "VIDSHARE"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(13 * time.Hour)
	return n
}

// addProvider registers another provider, with the procedure
// information sent it 13 hours ago.
func (n node) addProvider(t *testing.T, code string, contact removal.ContactPoint) {
	t.Helper()
	ctx := context.Background()
	if _, err := n.db.CreateAuthority(ctx, secunion.LocalOperator, access.Authority{Code: code, Name: code, Country: "NL", Kind: access.KindHostingProvider}); err != nil {
		t.Fatal(err)
	}
	if _, err := n.db.PutProvider(ctx, secunion.LocalOperator, removal.Provider{Code: code, Name: code, State: "NL", Contact: contact}); err != nil {
		t.Fatal(err)
	}
	if _, err := n.db.SendProcedureInfo(ctx, n.fr, code); err != nil {
		t.Fatal(err)
	}
	n.clock.Advance(13 * time.Hour)
}

func (n node) issue(t *testing.T, ref string) removal.Order {
	t.Helper()
	return n.issueTo(t, "VIDSHARE", ref)
}

func (n node) issueTo(t *testing.T, provider, ref string) removal.Order {
	t.Helper()
	o, err := n.db.IssueOrder(context.Background(), n.fr, removal.Order{Reference: ref, Provider: provider, Category: removal.Incitement,
		Items:   []removal.Item{{URL: "https://" + strings.ToLower(provider) + ".example/v/" + ref}},
		Reasons: "Calls for attacks on public transport.", Redress: "Tribunal administratif de Paris."})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func (n node) order(t *testing.T, id string) (removal.Order, []removal.Event) {
	t.Helper()
	o, ev, err := n.db.Order(context.Background(), n.fr, id)
	if err != nil {
		t.Fatal(err)
	}
	return o, ev
}

func TestDeliver(t *testing.T) {
	ctx := context.Background()
	secret := strings.Repeat("z", 40)
	var clock secunion.Clock
	h := &hook{t: t, secret: secret, pushes: map[string]int{}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	n := newNode(t, removal.ContactPoint{Webhook: srv.URL + "/tco", Secret: secret})
	clock, h.clock = n.clock, n.clock
	d := &removal.Deliverer{Store: n.db, Client: srv.Client(), Clock: clock, Log: slog.New(slog.DiscardHandler), Workers: 4}
	issue := func(ref string) removal.Order { return n.issue(t, ref) }
	state := func(id string) (removal.Order, []removal.Event) { return n.order(t, id) }

	// A good webhook: the signed acknowledgement is the receipt.
	h.behave = func(r *http.Request, nonce string) (int, any) {
		return 200, removal.SignAck(secret, r.Header.Get(removal.HeaderIdempotency), nonce, clock.Now())
	}
	good := issue("R-1")
	if n, err := d.Once(ctx); n != 1 || err != nil {
		t.Fatalf("pushed %d: %v", n, err)
	}
	o, ev := state(good.ID)
	if o.State != removal.Received || !o.Received.Equal(clock.Now()) || !o.Deadline.Equal(clock.Now().Add(time.Hour)) {
		t.Fatalf("after an acknowledged push: %s, received %s", o.State, o.Received)
	}
	if acts := actions(ev); acts != "issue deliver push acknowledge" {
		t.Errorf("timeline %s", acts)
	}
	if n, _ := d.Once(ctx); n != 0 {
		t.Errorf("%d pushes after the acknowledgement", n)
	}

	// A webhook that fails twice: tried again after each backoff, never before.
	fails := 2
	h.behave = func(r *http.Request, nonce string) (int, any) {
		if fails > 0 {
			fails--
			return 503, "down"
		}
		return 200, removal.SignAck(secret, r.Header.Get(removal.HeaderIdempotency), nonce, clock.Now())
	}
	down := issue("R-2")
	d.Once(ctx)
	if n, _ := d.Once(ctx); n != 0 {
		t.Errorf("retried before the backoff: %d", n)
	}
	n.clock.Advance(1300 * time.Millisecond) // first backoff: 1–1.2 s
	d.Once(ctx)
	n.clock.Advance(2500 * time.Millisecond) // second: 2–2.4 s
	d.Once(ctx)
	if o, _ := state(down.ID); o.State != removal.Received || h.pushes[down.ID] != 3 {
		t.Errorf("after two failures: %s, %d pushes", o.State, h.pushes[down.ID])
	}

	// Forged (wrong secret) and replayed (an earlier push's) acknowledgements.
	old := h.nonces[0]
	for name, answer := range map[string]func(id, nonce string) any{
		"forged":   func(id, nonce string) any { return removal.SignAck(strings.Repeat("x", 40), id, nonce, clock.Now()) },
		"replayed": func(id, nonce string) any { return removal.SignAck(secret, good.ID, old, clock.Now()) },
		"garbage":  func(id, nonce string) any { return "thanks" },
	} {
		h.behave = func(r *http.Request, nonce string) (int, any) {
			return 200, answer(r.Header.Get(removal.HeaderIdempotency), nonce)
		}
		o := issue("R-" + name)
		d.Once(ctx)
		got, ev := state(o.ID)
		if got.State != removal.Sent || actions(ev) != "issue deliver push" {
			t.Errorf("%s acknowledgement: %s, timeline %s", name, got.State, actions(ev))
		}
		if n, _ := d.Once(ctx); n != 0 {
			t.Errorf("%s: pushed again", name)
		}
	}
}

// TestDeliverPerProvider pushes over real HTTP to a provider whose webhook
// hangs and to one that answers at once, with fewer workers than orders
// queued for the hanging one: the other's orders are received all the
// same, the hanging webhook never has more pushes under way than the limit,
// and its orders are received once it answers.
func TestDeliverPerProvider(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	secret := strings.Repeat("z", 40)
	ack := func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(removal.SignAck(secret, r.Header.Get(removal.HeaderIdempotency), r.Header.Get(removal.HeaderDelivery), time.Now()))
	}
	release := make(chan struct{})
	var mu sync.Mutex
	var under, most int
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		under++
		most = max(most, under)
		mu.Unlock()
		<-release
		mu.Lock()
		under--
		mu.Unlock()
		ack(w, r)
	}))
	defer slow.Close()
	free := sync.OnceFunc(func() { close(release) })
	defer free() // before the server closes, which waits for its handlers
	fast := httptest.NewServer(http.HandlerFunc(ack))
	defer fast.Close()

	n := newNode(t, removal.ContactPoint{Webhook: fast.URL + "/tco", Secret: secret})
	n.addProvider(t, "SLOWTUBE", removal.ContactPoint{Webhook: slow.URL + "/tco", Secret: secret})
	var slowOrders, fastOrders []removal.Order
	for i := range 12 {
		slowOrders = append(slowOrders, n.issueTo(t, "SLOWTUBE", fmt.Sprintf("S-%d", i)))
	}
	for i := range 3 {
		fastOrders = append(fastOrders, n.issue(t, fmt.Sprintf("F-%d", i)))
	}
	const limit = 2
	d := &removal.Deliverer{Store: n.db, Client: &http.Client{}, Clock: n.clock, Log: slog.New(slog.DiscardHandler), Workers: 4, PerProvider: limit}
	done := make(chan struct{})
	go func() {
		d.Run(ctx)
		close(done)
	}()
	defer func() {
		cancel()
		<-done
	}()

	received := func(os []removal.Order) bool {
		for _, o := range os {
			if got, _ := n.order(t, o.ID); got.State != removal.Received {
				return false
			}
		}
		return true
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("after 10 s: %s", what)
			}
		}
	}
	waitFor("VidShare's orders not received while SlowTube's webhook hangs", func() bool { return received(fastOrders) })
	waitFor("SlowTube's webhook never reached its limit of pushes", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return under == limit
	})
	if received(slowOrders[:1]) {
		t.Fatal("an order received from a webhook that has not answered")
	}
	free()
	waitFor("SlowTube's orders not received once its webhook answers", func() bool { return received(slowOrders) })
	if most != limit {
		t.Errorf("%d pushes under way at once to one provider, limit %d", most, limit)
	}
}

func actions(ev []removal.Event) string {
	var s []string
	for _, e := range ev {
		s = append(s, string(e.Action))
	}
	return strings.Join(s, " ")
}

// TestWatcher follows the watcher on a fake clock: nothing before 45
// minutes, the warning then, the breach at the deadline, each once, at
// their exact times; an order answered in time is left alone.
func TestWatcher(t *testing.T) {
	ctx := context.Background()
	n := newNode(t, removal.ContactPoint{})
	w := &removal.Watcher{Store: n.db, Clock: n.clock, Log: slog.New(slog.DiscardHandler), Poll: time.Second}
	vid := secunion.Actor{Login: "vid", Authority: "VIDSHARE", AuthorityKind: string(access.KindHostingProvider)}
	late, onTime := n.issue(t, "R-late"), n.issue(t, "R-on-time")
	for _, o := range []removal.Order{late, onTime} {
		if _, _, err := n.db.Order(ctx, vid, o.ID); err != nil { // the first fetch: the hour starts
			t.Fatal(err)
		}
	}
	start := n.clock.Now()
	tick := func(want int) {
		t.Helper()
		if got, err := w.Tick(ctx); got != want || err != nil {
			t.Fatalf("at %s: %d steps, want %d: %v", n.clock.Now().Sub(start), got, want, err)
		}
	}
	n.clock.Advance(45*time.Minute - time.Millisecond)
	tick(0)
	n.clock.Advance(time.Millisecond)
	tick(2)
	tick(0)
	if _, err := n.db.StepOrder(ctx, vid, onTime.ID, removal.Step{Action: removal.Remove}); err != nil {
		t.Fatal(err)
	}
	n.clock.Advance(15*time.Minute + 250*time.Millisecond)
	tick(1)
	tick(0)
	o, ev := n.order(t, late.ID)
	if acts := actions(ev); acts != "issue deliver acknowledge warn breach" {
		t.Fatalf("timeline %s", acts)
	}
	if !ev[3].At.Equal(start.Add(45*time.Minute)) || !ev[4].At.Equal(start.Add(time.Hour+250*time.Millisecond)) || !o.Breached.Equal(start.Add(time.Hour)) {
		t.Errorf("warned %s, breach recorded %s for the deadline %s", ev[3].At.Sub(start), ev[4].At.Sub(start), o.Breached.Sub(start))
	}
	if o, ev := n.order(t, onTime.ID); o.State != removal.Removed || actions(ev) != "issue deliver acknowledge warn remove" {
		t.Errorf("on time: %s, %s", o.State, actions(ev))
	}
}

// TestSignature checks the webhook signature as a provider does.
func TestSignature(t *testing.T) {
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	body := []byte(`{"id":"ro_1"}`)
	sig := removal.Sign("secret", now, "n1", body)
	if err := removal.CheckSignature("secret", sig, "n1", body, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		secret, header, nonce, body string
		at                          time.Time
	}{
		"other secret":  {"other", sig, "n1", string(body), now},
		"other nonce":   {"secret", sig, "n2", string(body), now},
		"changed body":  {"secret", sig, "n1", `{"id":"ro_2"}`, now},
		"stale":         {"secret", sig, "n1", string(body), now.Add(6 * time.Minute)},
		"no header":     {"secret", "", "n1", string(body), now},
		"garbled value": {"secret", "t=abc,v1=00", "n1", string(body), now},
	} {
		if err := removal.CheckSignature(c.secret, c.header, c.nonce, []byte(c.body), c.at); secunion.CodeOf(err) != secunion.Unauthenticated {
			t.Errorf("%s: %v", name, err)
		}
	}
}
