package crisis

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"secunion"
	"secunion/removal"
	"secunion/signals"
)

// Shared is a hash or URL shared in an incident. Seq numbers every item of
// every incident in the order shared: a participant pulls the items after
// the last Seq it read.
type Shared struct {
	Seq       int64             `json:"seq"`
	Incident  string            `json:"incident"`
	Kind      string            `json:"kind"` // "hash" or "url"
	Algorithm signals.Algorithm `json:"algorithm,omitempty"`
	Value     string            `json:"value"`           // the hash in lowercase hex, or the URL
	Entry     int64             `json:"entry,omitempty"` // the hash's entry in the incident's bank
	Quality   int               `json:"quality,omitempty"`
	Labels    signals.Labels    `json:"labels"`
	Note      string            `json:"note,omitempty"`
	SharedBy  string            `json:"shared_by"` // authority code
	Shared    time.Time         `json:"shared"`
}

// The kinds of shared items.
const (
	KindHash = "hash"
	KindURL  = "url"
)

// Message is what a provider's webhook receives: the activation of an
// incident it takes part in (or its joining an active one), or an item
// shared in it.
type Message struct {
	Kind     string    `json:"kind"` // "activated" or "shared"
	Incident Incident  `json:"incident"`
	Item     *Shared   `json:"item,omitempty"`
	At       time.Time `json:"at"`
}

// The kinds of messages.
const (
	MessageActivated = "activated"
	MessageShared    = "shared"
)

// HeaderEvent tells a webhook that also receives removal orders that the
// body is a crisis message.
const HeaderEvent = "Secunion-Event"

// Push is one message on its way to one provider's webhook, signed as
// removal orders are (removal.Sign): the provider checks it with the same
// secret and removal.CheckSignature.
type Push struct {
	ID       int64 // the queue's number; "crisis-<ID>" is the Idempotency-Key
	Incident string
	Provider string
	Body     []byte // a Message in JSON
	Webhook  string
	Secret   string
	Nonce    string // this attempt's
	Attempts int    // including this one
}

// MaxAttempts is how often a push is tried before it is given up and the
// failure recorded on the incident's timeline; the provider still pulls.
const MaxAttempts = 20

// PushStore is what the Pusher needs of the store.
type PushStore interface {
	ClaimCrisisPushes(ctx context.Context, limit int, lease time.Duration) ([]Push, error)
	CrisisPushed(ctx context.Context, p Push) error
	CrisisPushFailed(ctx context.Context, p Push, next time.Time, reason string) error
}

// Pusher pushes crisis messages to the webhooks of participating
// providers from the store's durable queue, with retries and backoff.
type Pusher struct {
	Store   PushStore
	Client  *http.Client
	Clock   secunion.Clock
	Log     *slog.Logger
	Workers int // concurrent pushes; 1 if zero

	once sync.Once
	kick chan struct{}
}

func (p *Pusher) init() { p.once.Do(func() { p.kick = make(chan struct{}, 1) }) }

// Kick wakes the pusher at once: something was shared or activated.
func (p *Pusher) Kick() {
	p.init()
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// Run pushes until ctx ends, looking for due pushes when kicked and at
// least every second.
func (p *Pusher) Run(ctx context.Context) {
	p.init()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		n, err := p.Once(ctx)
		if err != nil && ctx.Err() == nil {
			p.Log.Error("crisis: claim pushes", "error", err)
		}
		if n == p.batch() {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-p.kick:
		case <-tick.C:
		}
	}
}

func (p *Pusher) batch() int { return 4 * max(1, p.Workers) }

// Once claims the pushes due now and makes them, Workers at a time,
// returning how many it claimed.
func (p *Pusher) Once(ctx context.Context) (int, error) {
	batch, err := p.Store.ClaimCrisisPushes(ctx, p.batch(), removal.Lease)
	sem := make(chan struct{}, max(1, p.Workers))
	var wg sync.WaitGroup
	for _, ps := range batch {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			p.push(ctx, ps)
		})
	}
	wg.Wait()
	return len(batch), err
}

// push makes one attempt and records its outcome, even if ctx ends
// meanwhile.
func (p *Pusher) push(ctx context.Context, ps Push) {
	err := p.attempt(ctx, ps)
	rctx := context.WithoutCancel(ctx)
	if err == nil {
		if err := p.Store.CrisisPushed(rctx, ps); err != nil {
			p.Log.Error("crisis: record push", "push", ps.ID, "error", err)
		}
		return
	}
	next := p.Clock.Now().Add(removal.Backoff(ps.Attempts))
	p.Log.Warn("crisis: webhook push failed", "push", ps.ID, "incident", ps.Incident, "provider", ps.Provider, "attempt", ps.Attempts, "error", err)
	if err := p.Store.CrisisPushFailed(rctx, ps, next, err.Error()); err != nil {
		p.Log.Error("crisis: record failed push", "push", ps.ID, "error", err)
	}
}

// maxAnswer bounds what is read of a webhook's answer.
const maxAnswer = 4096

// attempt POSTs the message, signed; any 2xx answer takes it.
func (p *Pusher) attempt(ctx context.Context, ps Push) error {
	ctx, cancel := context.WithTimeout(ctx, removal.PushTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ps.Webhook, bytes.NewReader(ps.Body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderEvent, "crisis")
	req.Header.Set(removal.HeaderIdempotency, "crisis-"+strconv.FormatInt(ps.ID, 10))
	req.Header.Set(removal.HeaderDelivery, ps.Nonce)
	req.Header.Set(removal.HeaderSignature, removal.Sign(ps.Secret, p.Clock.Now(), ps.Nonce, ps.Body))
	resp, err := p.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook answered %s: %s", resp.Status, secunion.Clip(strings.TrimSpace(string(answer)), 200))
	}
	return nil
}
