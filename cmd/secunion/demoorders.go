package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"secunion"
	"secunion/removal"
	"secunion/store"
)

// demoHistory is how long before its first start the demo's history
// begins: procedure information sent to the providers, then orders whose
// 48 hours of possible scrutiny are over by the start.
const demoHistory = 4 * 24 * time.Hour

// demoRemovalSeeded is the setting that marks a demo folder seeded with
// removal orders (folders seeded before the demo had them lack it).
const demoRemovalSeeded = "demo.removal-seeded"

// demoClock is the demo node's clock: the system clock, except while the
// demo seeds a new data folder, when it stands demoHistory back and moves
// only as the seeding moves it, so that the history of removal orders
// happens in order, at exact times, on the node's own clock before the
// start.
type demoClock struct {
	mu sync.Mutex
	at time.Time // zero: the system clock
}

// Now returns the time the clock stands at, or the system time.
func (c *demoClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at.IsZero() {
		return time.Now().UTC()
	}
	return c.at
}

// stand stops the clock at t; the store must hold nothing written later.
func (c *demoClock) stand(t time.Time) {
	c.mu.Lock()
	c.at = t
	c.mu.Unlock()
}

// advance moves a standing clock forward by d, no further than the
// system time.
func (c *demoClock) advance(d time.Duration) {
	c.mu.Lock()
	if !c.at.IsZero() {
		c.at = c.at.Add(d)
		if now := time.Now().UTC(); c.at.After(now) {
			c.at = now
		}
	}
	c.mu.Unlock()
}

// setBack moves a standing clock forward to d before the system time, if
// it stands earlier.
func (c *demoClock) setBack(d time.Duration) {
	c.mu.Lock()
	if t := time.Now().UTC().Add(-d); !c.at.IsZero() && c.at.Before(t) {
		c.at = t
	}
	c.mu.Unlock()
}

// run lets the clock follow the system time from now on.
func (c *demoClock) run() {
	c.mu.Lock()
	c.at = time.Time{}
	c.mu.Unlock()
}

// demoSims are the behaviours of the demo's simulated providers, one
// each; simulated providers are set up in the order of their codes
// (SIM-P001…), their behaviours dealt in a fixed order.
var demoSims = map[string]int{simFast: 1, simSlow: 1, simLate: 1, simCannotComply: 1, simDown: 1}

// demoActor is the user of a demo authority, as the store sees them.
func demoActor(code string) secunion.Actor {
	for _, d := range demoAuthorities {
		if d.authority.Code == code {
			return secunion.Actor{Login: d.user.Login, Authority: code, AuthorityKind: string(d.authority.Kind), Roles: d.user.Roles}
		}
	}
	panic("demo: no authority " + code)
}

// seedRemovalHistory registers the demo's providers and simulated
// providers, has BE-TCO send them its procedure information, and plays
// the history the console shows on first start, on clock (set back
// demoHistory): two orders removed within the hour three and a half days
// ago (final, so VidShare is flagged as exposed), one removed late three
// hours ago (warned and breached by the watcher), one PicBoard cannot
// comply with, and one removed 80 minutes ago that Ireland may still
// scrutinise.
func seedRemovalHistory(ctx context.Context, db *store.DB, clock *demoClock) error {
	op := secunion.LocalOperator
	for _, p := range []removal.Provider{
		{Code: "IE-VIDSHARE", Name: "VidShare Ltd", State: "IE", Contact: removal.ContactPoint{Phone: "+353 1 555 0100"}},
		{Code: "NL-PICBOARD", Name: "PicBoard B.V.", State: "NL", Contact: removal.ContactPoint{Phone: "+31 20 555 0199"}},
	} {
		if _, err := db.PutProvider(ctx, op, p); err != nil {
			return err
		}
	}
	// The simulated providers' webhooks are set at every start, where
	// they listen.
	sims, _, err := setupSimProviders(ctx, db, len(demoSims), demoSims, "http://127.0.0.1:9")
	if err != nil {
		return err
	}
	be := demoActor("BE-TCO")
	codes := []string{"IE-VIDSHARE", "NL-PICBOARD"}
	for _, s := range sims {
		codes = append(codes, s.Code)
	}
	for _, code := range codes {
		if _, err := db.SendProcedureInfo(ctx, be, code); err != nil {
			return err
		}
	}
	clock.advance(removal.NoticeLead + 5*time.Minute)

	vid, pic := demoActor("IE-VIDSHARE"), demoActor("NL-PICBOARD")
	w := &removal.Watcher{Store: db, Clock: clock, Log: slog.New(slog.DiscardHandler)}
	n := 0
	issue := func(provider, url, reasons string) (removal.Order, error) {
		n++
		return db.IssueOrder(ctx, be, removal.Order{Reference: fmt.Sprintf("BE-%d-%04d", clock.Now().Year(), n), Provider: provider,
			Items: []removal.Item{{URL: url}}, Category: removal.Incitement, Reasons: reasons,
			Redress: "Appeal to the Council of State within 60 days (Raad van State / Conseil d'État)."})
	}
	// play issues an order, lets the provider fetch it (its receipt) and
	// then takes the steps, each after its wait.
	type step struct {
		wait time.Duration
		do   func(id string) error
	}
	play := func(provider string, who secunion.Actor, url, reasons string, fetch time.Duration, steps ...step) error {
		o, err := issue(provider, url, reasons)
		if err != nil {
			return err
		}
		clock.advance(fetch)
		if _, _, err := db.Order(ctx, who, o.ID); err != nil {
			return err
		}
		for _, s := range steps {
			clock.advance(s.wait)
			if err := s.do(o.ID); err != nil {
				return err
			}
		}
		return nil
	}
	answer := func(who secunion.Actor, s removal.Step) func(string) error {
		return func(id string) error {
			_, err := db.StepOrder(ctx, who, id, s)
			return err
		}
	}
	watch := func(string) error {
		_, err := w.Tick(ctx)
		return err
	}
	// Each removal carries the hashes of a removed image into the TCO
	// bank; writeDemoReuploads writes copies of them to try the lookup on.
	images := 0
	removed := func(id string) error {
		images++
		hs, err := demoRemovedHashes(images)
		if err == nil {
			_, err = db.StepOrder(ctx, vid, id, removal.Step{Action: removal.Remove}, hs...)
		}
		return err
	}
	if err := play("IE-VIDSHARE", vid, "https://vidshare.example/watch/v7Kq2", "The video glorifies the attack of 22 March and calls on viewers to repeat it.",
		time.Minute, step{14 * time.Minute, removed}); err != nil {
		return err
	}
	clock.advance(50 * time.Minute)
	if err := play("IE-VIDSHARE", vid, "https://vidshare.example/watch/q81Xs", "Recruitment video of a listed terrorist organisation, with contact details.",
		3*time.Minute, step{25 * time.Minute, removed}); err != nil {
		return err
	}
	clock.setBack(3 * time.Hour)
	if err := play("IE-VIDSHARE", vid, "https://vidshare.example/watch/Lr03p", "Instructions for building an explosive device, narrated in Dutch.",
		2*time.Minute, step{removal.OneHour - removal.WarnBefore, watch}, step{removal.WarnBefore, watch}, step{10 * time.Minute, removed}); err != nil {
		return err
	}
	clock.setBack(2 * time.Hour)
	if err := play("NL-PICBOARD", pic, "https://picboard.example/c/nightwatch", "Images threatening an attack on a named school in Antwerp.",
		4*time.Minute, step{3 * time.Minute, answer(pic, removal.Step{Action: removal.Refuse, Obstacle: removal.MissingDetails,
			Text: "The URL names a channel of 2,000 images, not a post: say which ones."})}); err != nil {
		return err
	}
	clock.setBack(80 * time.Minute)
	if err := play("IE-VIDSHARE", vid, "https://vidshare.example/watch/Zt55m", "A livestream re-upload praising the attackers of 22 March.",
		time.Minute, step{9 * time.Minute, removed}); err != nil {
		return err
	}
	return db.Write(ctx, func(tx *store.Tx) error { return tx.SetSetting(demoRemovalSeeded, tx.Now().Format(time.RFC3339)) })
}

// demoFlow is the live part of the demo: simulated providers answering on
// their webhooks and inboxes the orders BE-TCO issues at the start.
type demoFlow struct {
	providers []simProvider
	sim       *providerSim
}

// startDemoFlow sets the simulated providers' webhooks to a new loopback
// listener, with new tokens, and serves them until ctx ends.
func startDemoFlow(ctx context.Context, db *store.DB, base string) (*demoFlow, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, secunion.Wrap(secunion.Unavailable, err, "cannot listen for the simulated providers' webhooks")
	}
	providers, _, err := setupSimProviders(ctx, db, len(demoSims), demoSims, "http://"+ln.Addr().String())
	if err != nil {
		ln.Close()
		return nil, err
	}
	f := &demoFlow{providers: providers, sim: newProviderSim(base, providers, 1)}
	srv := &http.Server{Handler: f.sim, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	go f.sim.pollInboxes(ctx, 5*time.Second)
	return f, nil
}

// issue has BE-TCO issue one order to each simulated provider and one to
// IE-VIDSHARE, for its contact to answer in the console, through the
// API with token, and logs what it could not issue.
func (f *demoFlow) issue(ctx context.Context, base, token string, log *slog.Logger) {
	client := &http.Client{Timeout: 30 * time.Second}
	stamp := time.Now().UTC().Format("20060102-150405")
	targets := []string{"IE-VIDSHARE"}
	for _, p := range f.providers {
		targets = append(targets, p.Code)
	}
	for i, code := range targets {
		body, _ := json.Marshal(map[string]any{"reference": fmt.Sprintf("BE-LIVE-%s-%d", stamp, i+1), "provider": code, "category": "incitement",
			"items":   []map[string]string{{"url": fmt.Sprintf("https://%s.example/post/%s-%d", strings.ToLower(code), stamp, i+1)}},
			"reasons": "The post calls for violence against a named religious community and gives the time of a gathering.",
			"redress": "Appeal to the Council of State within 60 days (Raad van State / Conseil d'État)."})
		req, err := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/removal-orders", bytes.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("X-Purpose", string(secunion.PurposeTerroristContent))
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			if ctx.Err() == nil {
				log.Error("demo: issue a removal order", "provider", code, "error", err)
			}
			return
		}
		answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			log.Error("demo: issue a removal order", "provider", code, "status", resp.StatusCode, "answer", string(answer))
		}
	}
}

// describe says, for the start-up message, how each simulated provider
// will answer.
func (f *demoFlow) describe() []string {
	says := map[string]string{
		simFast:         "acknowledges the push and removes within seconds",
		simSlow:         "removes 20 to 50 minutes after receipt",
		simLate:         "removes after the hour: warned at 45 minutes, breached at 60",
		simCannotComply: "answers it cannot comply (Annex III)",
		simDown:         "has its webhook down and fetches its inbox every 5 seconds",
	}
	var out []string
	for _, p := range f.providers {
		out = append(out, p.Code+" "+says[p.Behaviour])
	}
	return out
}

// ensureDemoAuthorities creates the demo authorities and users a data
// folder seeded by an earlier version lacks.
func ensureDemoAuthorities(ctx context.Context, db *store.DB) error {
	op := secunion.LocalOperator
	for _, d := range demoAuthorities {
		if _, err := db.Authority(ctx, d.authority.Code); secunion.CodeOf(err) == secunion.NotFound {
			if _, err := db.CreateAuthority(ctx, op, d.authority); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		if _, err := db.User(ctx, d.user.Login); secunion.CodeOf(err) == secunion.NotFound {
			u := d.user
			u.Authority = d.authority.Code
			if _, err := db.CreateUser(ctx, op, u, demoPassword); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
	}
	return nil
}
