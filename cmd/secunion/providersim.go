package main

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"secunion"
	"secunion/access"
	"secunion/crisis"
	"secunion/removal"
	"secunion/store"
)

// Behaviours of simulated providers.
const (
	simFast         = "fast"          // acknowledges the push, removes within seconds
	simSlow         = "slow"          // removes 20–50 minutes after receipt, within the hour
	simLate         = "late"          // removes 65–80 minutes after receipt: a breach
	simCannotComply = "cannot-comply" // answers Annex III, missing information
	simDown         = "down"          // the webhook answers 503; the provider polls its inbox
	simBadSignature = "bad-signature" // acknowledges with a forged signature; polls its inbox
)

var simBehaviours = []string{simFast, simSlow, simLate, simCannotComply, simDown, simBadSignature}

// simProvider is one simulated hosting service provider.
type simProvider struct {
	Code, Token, Secret, Behaviour string
}

// providerSim runs simulated providers on loopback: one HTTP server for
// their webhooks, and clients that answer orders through the node's API
// as each provider's behaviour says. It counts what it saw.
type providerSim struct {
	server    string // the node's base URL
	client    *http.Client
	providers map[string]*simProvider
	scale     float64       // multiplies the behaviours' delays (1: real time)
	minWait   time.Duration // the least delay of an answer once scaled

	mu       sync.Mutex
	acted    map[string]bool       // orders answered, by ID
	pushed   map[string]*simPushes // by the ID in the pushed order
	Issued   atomic.Int64          // orders the node accepted from the simulated authority
	Pushes   atomic.Int64          // webhook pushes received
	Repeats  atomic.Int64          // pushes of an order already received (same idempotency key)
	BadSig   atomic.Int64          // pushes whose signature failed
	BadKey   atomic.Int64          // pushes whose idempotency key is not the order's ID
	Answered atomic.Int64          // steps sent
	Failed   atomic.Int64          // steps and issues that failed
	wg       sync.WaitGroup
}

// simPushes is what a simulated provider saw of the pushes of one order.
type simPushes struct {
	Provider string    // whose webhook took them
	First    time.Time // when the first arrived
	Count    int       // all under the same Idempotency-Key, the order's ID
}

// setupSimProviders creates (or reuses) n simulated providers in the
// store, each with a user and a new API token, and a competent authority
// (SIM-TCO) with its own; webhooks point at hookBase. Behaviours are
// given out in proportion to weights.
func setupSimProviders(ctx context.Context, db *store.DB, n int, weights map[string]int, hookBase string) ([]simProvider, simProvider, error) {
	op := secunion.LocalOperator
	token := func(code, login string, kind access.Kind, country string) (string, error) {
		if _, err := db.Authority(ctx, code); secunion.CodeOf(err) == secunion.NotFound {
			if _, err := db.CreateAuthority(ctx, op, access.Authority{Code: code, Name: "Simulated " + code, Country: country, Kind: kind}); err != nil {
				return "", err
			}
			if _, err := db.CreateUser(ctx, op, access.User{Login: login, Name: "Simulated " + code, Authority: code, Roles: []string{access.RoleAdmin, access.RoleOfficer}}, ""); err != nil {
				return "", err
			}
		}
		secret, _, err := db.CreateToken(ctx, op, login, "provider-sim", 7*24*time.Hour)
		return secret, err
	}
	issuerToken, err := token("SIM-TCO", "sim.tco", access.KindTCOAuthority, "BE")
	if err != nil {
		return nil, simProvider{}, err
	}
	deal := dealBehaviours(n, weights)
	out := make([]simProvider, n)
	states := []string{"IE", "NL", "DE", "FR", "BE", "LU"}
	for i := range out {
		code := fmt.Sprintf("SIM-P%03d", i+1)
		tok, err := token(code, strings.ToLower(code), access.KindHostingProvider, states[i%len(states)])
		if err != nil {
			return nil, simProvider{}, err
		}
		p := simProvider{Code: code, Token: tok, Secret: "whsec_" + crand.Text() + crand.Text(), Behaviour: deal[i]}
		if _, err := db.PutProvider(ctx, op, removal.Provider{Code: code, Name: "Simulated provider " + code, State: states[i%len(states)],
			Contact: removal.ContactPoint{Webhook: hookBase + "/hook/" + code, Secret: p.Secret}}); err != nil {
			return nil, simProvider{}, err
		}
		out[i] = p
	}
	return out, simProvider{Code: "SIM-TCO", Token: issuerToken}, nil
}

// dealBehaviours gives n providers behaviours in proportion to weights,
// spread in a fixed order.
func dealBehaviours(n int, weights map[string]int) []string {
	total := 0
	for _, w := range weights {
		total += w
	}
	out := make([]string, 0, n)
	for _, b := range simBehaviours {
		for range weights[b] * n / max(1, total) {
			out = append(out, b)
		}
	}
	for len(out) < n {
		out = append(out, simFast)
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// parseBehaviours reads "fast=80,slow=10,down=10" (or one behaviour).
func parseBehaviours(s string) (map[string]int, error) {
	out := map[string]int{}
	for _, part := range strings.Split(s, ",") {
		name, w, found := strings.Cut(strings.TrimSpace(part), "=")
		n := 1
		if found {
			var err error
			if n, err = strconv.Atoi(w); err != nil || n < 0 {
				return nil, secunion.Errorf(secunion.Invalid, "--behaviour: %q: give name=weight with a whole weight", part)
			}
		}
		if !slices.Contains(simBehaviours, name) {
			return nil, secunion.Errorf(secunion.Invalid, "--behaviour: %q is not one of %s", name, strings.Join(simBehaviours, ", "))
		}
		out[name] += n
	}
	return out, nil
}

func newProviderSim(server string, providers []simProvider, scale float64) *providerSim {
	s := &providerSim{server: strings.TrimRight(server, "/"), providers: map[string]*simProvider{}, scale: scale, acted: map[string]bool{}, pushed: map[string]*simPushes{},
		client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 128}}}
	for i := range providers {
		s.providers[providers[i].Code] = &providers[i]
	}
	return s
}

// ServeHTTP is every simulated provider's webhook: /hook/{code}.
func (s *providerSim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := s.providers[strings.TrimPrefix(r.URL.Path, "/hook/")]
	if p == nil || r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	if p.Behaviour == simDown {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return
	}
	nonce := r.Header.Get(removal.HeaderDelivery)
	if err := removal.CheckSignature(p.Secret, r.Header.Get(removal.HeaderSignature), nonce, body, time.Now()); err != nil {
		s.BadSig.Add(1)
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	if r.Header.Get(crisis.HeaderEvent) == "crisis" {
		// A crisis message (an activation, a shared hash or URL), signed
		// as the pushes are: taken, as a platform adding the hash to its
		// own upload filter would.
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.Pushes.Add(1)
	id := r.Header.Get(removal.HeaderIdempotency)
	var o struct{ ID string }
	if json.Unmarshal(body, &o) != nil || o.ID != id {
		s.BadKey.Add(1)
		http.Error(w, "the Idempotency-Key is not the pushed order's ID", http.StatusBadRequest)
		return
	}
	s.notePush(p.Code, id)
	secret := p.Secret
	if p.Behaviour == simBadSignature {
		secret = "not-the-shared-secret-not-the-shared-secret"
	}
	writeAck(w, removal.SignAck(secret, id, nonce, time.Now()))
	if p.Behaviour != simBadSignature {
		s.act(p, id)
	}
}

// notePush records a push of order id to provider's webhook.
func (s *providerSim) notePush(provider, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.pushed[id]
	if p == nil {
		p = &simPushes{Provider: provider, First: time.Now()}
		s.pushed[id] = p
	}
	p.Count++
}

// pushesOf returns what the providers saw of the pushes of order id, and
// whether any came.
func (s *providerSim) pushesOf(id string) (simPushes, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.pushed[id]
	if p == nil {
		return simPushes{}, false
	}
	return *p, true
}

func writeAck(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// act answers an order once, as p's behaviour says; a repeated push
// under the same idempotency key is counted and not acted on.
func (s *providerSim) act(p *simProvider, id string) {
	s.mu.Lock()
	seen := s.acted[id]
	s.acted[id] = true
	s.mu.Unlock()
	if seen {
		s.Repeats.Add(1)
		return
	}
	var wait time.Duration
	step := map[string]any{"action": "remove"}
	switch p.Behaviour {
	case simSlow:
		wait = time.Duration(20+rand.IntN(30)) * time.Minute
	case simLate:
		wait = time.Duration(65+rand.IntN(15)) * time.Minute
	case simCannotComply:
		wait = time.Duration(1+rand.IntN(4)) * time.Second
		step = map[string]any{"action": "cannot-comply", "obstacle": "missing-information", "text": "The URL names a channel, not an item; say which post."}
	default:
		wait = time.Duration(500+rand.IntN(2500)) * time.Millisecond
	}
	s.wg.Go(func() {
		time.Sleep(max(s.minWait, time.Duration(float64(wait)*s.scale)))
		if err := s.call(context.Background(), p.Token, "POST", "/api/v1/removal-orders/"+id+"/steps", step, nil); err != nil {
			s.Failed.Add(1)
			return
		}
		s.Answered.Add(1)
	})
}

// call sends one API request as the holder of token.
func (s *providerSim) call(ctx context.Context, token, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.server+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("X-Purpose", string(secunion.PurposeTerroristContent))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %s %s", method, path, resp.Status, secunion.Clip(string(data), 300))
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// pollInboxes makes providers whose webhook does not work (down, bad
// signature) fetch their inbox every interval: the first fetch of an
// order is its receipt; then they answer as fast providers do.
func (s *providerSim) pollInboxes(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		for _, p := range s.providers {
			if p.Behaviour != simDown && p.Behaviour != simBadSignature {
				continue
			}
			var list struct{ Orders []removal.Order }
			if err := s.call(ctx, p.Token, "GET", "/api/v1/removal-orders?state=sent", nil, &list); err != nil {
				continue
			}
			for _, o := range list.Orders {
				if s.call(ctx, p.Token, "GET", "/api/v1/removal-orders/"+o.ID, nil, nil) == nil {
					s.act(&simProvider{Code: p.Code, Token: p.Token, Behaviour: simFast}, o.ID)
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// runProviderSim is `secunion provider-sim`.
func runProviderSim(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("provider-sim", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var f storeFlags
	f.register(fs, e, "secunion-data")
	server := fs.String("server", "http://127.0.0.1:8080", "the node's base URL")
	n := fs.Int("providers", 10, "simulated providers")
	behaviour := fs.String("behaviour", "fast=60,slow=10,late=10,cannot-comply=10,down=5,bad-signature=5", "behaviours and their weights: "+strings.Join(simBehaviours, ", "))
	listen := fs.String("listen", "127.0.0.1:8470", "loopback address of the providers' webhooks")
	rate := fs.Float64("issue", 0, "orders per second to issue from the simulated competent authority SIM-TCO (0: none)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	weights, err := parseBehaviours(*behaviour)
	if err != nil {
		return err
	}
	if *n < 1 || *n > 1000 {
		return secunion.Errorf(secunion.Invalid, "--providers: between 1 and 1000")
	}
	if *rate < 0 || *rate > 10_000 {
		return secunion.Errorf(secunion.Invalid, "--issue: between 0 and 10000 orders per second")
	}
	host, _, err := net.SplitHostPort(*listen)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return secunion.Errorf(secunion.Invalid, "--listen: give a loopback address and port, e.g. 127.0.0.1:8470")
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return secunion.Wrap(secunion.Unavailable, err, "cannot listen on "+*listen)
	}
	defer ln.Close()
	db, _, err := f.open(ctx, slog.New(slog.DiscardHandler), false)
	if err != nil {
		return err
	}
	providers, issuer, err := setupSimProviders(ctx, db, *n, weights, "http://"+ln.Addr().String())
	db.Close()
	if err != nil {
		return err
	}
	sim := newProviderSim(*server, providers, 1)
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	go sim.pollInboxes(ctx, 5*time.Second)
	if *rate > 0 {
		go sim.issue(ctx, issuer, providers, *rate)
	}
	fmt.Fprintf(e.stdout, "%d simulated providers on http://%s, answering %s\n", *n, ln.Addr(), *server)
	t := time.NewTicker(10 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			fmt.Fprintf(e.stdout, "issued %d, pushes %d (repeated %d, bad signature %d, bad idempotency key %d), answers %d, refused %d\n",
				sim.Issued.Load(), sim.Pushes.Load(), sim.Repeats.Load(), sim.BadSig.Load(), sim.BadKey.Load(), sim.Answered.Load(), sim.Failed.Load())
		}
	}
}

// issue sends orders at rate per second from the simulated authority to
// the providers in turn; the first to each is an emergency, since no
// procedure information went 12 hours before.
func (s *providerSim) issue(ctx context.Context, issuer simProvider, providers []simProvider, rate float64) {
	t := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer t.Stop()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		go func() {
			if _, err := s.issueOne(ctx, issuer, providers[i%len(providers)], i, i < len(providers)); err != nil {
				s.Failed.Add(1)
			}
		}()
	}
}

// issueOne issues the i-th simulated order from issuer to p through the
// API and returns it as the node accepted it.
func (s *providerSim) issueOne(ctx context.Context, issuer, p simProvider, i int, emergency bool) (removal.Order, error) {
	o := map[string]any{"reference": fmt.Sprintf("SIM-%d-%d", time.Now().UnixNano(), i), "provider": p.Code, "category": "incitement",
		"items":   []map[string]string{{"url": fmt.Sprintf("https://%s.example/post/%d", strings.ToLower(p.Code), i)}},
		"reasons": "Simulated order: the post calls for violence against a named group.", "redress": "Simulated: the administrative court."}
	if emergency {
		o["emergency"], o["emergency_justification"] = true, "Simulation: first order without procedure information."
	}
	var out removal.Order
	if err := s.call(ctx, issuer.Token, "POST", "/api/v1/removal-orders", o, &out); err != nil {
		return out, err
	}
	s.Issued.Add(1)
	return out, nil
}
