package signals

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"secunion"
)

// PullTarget is where a pull keeps what it reads: a bank and its
// checkpoint, both in the store.
type PullTarget interface {
	// Checkpoint returns the `after` of the next page to read ("" before
	// the first).
	Checkpoint(ctx context.Context) (string, error)
	// Store keeps a page's items in the bank and moves the checkpoint from
	// prev to next, in one transaction, and says what it did. A Conflict
	// error means the checkpoint was no longer prev (another node stored
	// the page first).
	Store(ctx context.Context, prev, next string, items []Item) (string, error)
}

// Puller follows a partner's hash list into a bank: another secunion
// node's change feed in TAT form (/api/v1/signals/exchange/tat) or a TAT
// endpoint, page by page with `after`. Each page's entries and the
// checkpoint that ends it are stored in one transaction, so a pull
// stopped at any point (a crash, a restart) resumes after the last page
// stored, nothing taken twice and nothing lost; a hash the partner
// deletes is disabled in the bank.
type Puller struct {
	Bank   string
	URL    string       // the partner's list; `after` and `limit` are added
	Token  string       // sent as a Bearer token, if any
	Client *http.Client // http.DefaultClient if nil; each page is bounded by pullTimeout
	Target PullTarget
	Log    *slog.Logger
	Every  time.Duration // between pulls once caught up; 30 s if zero
	Limit  int           // hashes a page asked for; 1,000 if zero
}

// pullTimeout bounds one page's request, answer included.
const pullTimeout = 2 * time.Minute

// Run pulls at once, then every p.Every until ctx ends, logging each page
// and each failure; a failed pull is tried again at the next tick.
func (p *Puller) Run(ctx context.Context) {
	every := p.Every
	if every <= 0 {
		every = 30 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		pages, items, err := p.Sync(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			p.Log.Error("signals: pull failed; trying again later", "bank", p.Bank, "source", p.URL, "pages", pages, "hashes", items, "err", err, "retry_in", every.String())
		case pages > 0:
			p.Log.Info("signals: pull caught up", "bank", p.Bank, "source", p.URL, "pages", pages, "hashes", items)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Sync reads pages until the partner has nothing after the checkpoint,
// storing each, and returns how many pages and hashes it stored.
func (p *Puller) Sync(ctx context.Context) (pages, items int, err error) {
	for ctx.Err() == nil {
		prev, err := p.Target.Checkpoint(ctx)
		if err != nil {
			return pages, items, err
		}
		l, err := p.page(ctx, prev)
		if err != nil {
			return pages, items, err
		}
		if len(l.Items) == 0 {
			return pages, items, nil
		}
		switch l.Checkpoint {
		case "":
			return pages, items, secunion.Errorf(secunion.Unavailable, "%s gave a page without a checkpoint: it cannot be followed", p.URL)
		case prev:
			return pages, items, secunion.Errorf(secunion.Unavailable, "%s gave a page that ends where it began (checkpoint %q): it cannot be followed", p.URL, secunion.Clip(prev, 80))
		}
		did, err := p.Target.Store(ctx, prev, l.Checkpoint, l.Items)
		if secunion.CodeOf(err) == secunion.Conflict {
			continue // another node stored it: read from where it got to
		}
		if err != nil {
			return pages, items, err
		}
		pages, items = pages+1, items+len(l.Items)
		p.Log.Info("signals: pulled a page", "bank", p.Bank, "source", p.URL, "hashes", len(l.Items), "checkpoint", l.Checkpoint, "stored", did)
	}
	return pages, items, ctx.Err()
}

// page asks the partner for the page after checkpoint and reads it.
func (p *Puller) page(ctx context.Context, after string) (List, error) {
	u, err := url.Parse(p.URL)
	if err != nil {
		return List{}, secunion.Wrap(secunion.Invalid, err, "bad pull URL "+p.URL)
	}
	q := u.Query()
	if after != "" {
		q.Set("after", after)
	}
	if !q.Has("limit") {
		limit := p.Limit
		if limit <= 0 {
			limit = 1000
		}
		q.Set("limit", strconv.Itoa(limit))
	}
	u.RawQuery = q.Encode()
	ctx, cancel := context.WithTimeout(ctx, pullTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return List{}, secunion.Wrap(secunion.Invalid, err, "bad pull URL "+p.URL)
	}
	req.Header.Set("Accept", "application/json")
	if p.Token != "" {
		req.Header.Set("Authorization", "Bearer "+p.Token)
	}
	client := p.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return List{}, secunion.Wrap(secunion.Unavailable, err, "cannot reach "+p.URL)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return List{}, secunion.Errorf(secunion.Unavailable, "%s answered %s%s", p.URL, resp.Status, problemOf(resp.Body))
	}
	l, err := ReadTAT(resp.Body)
	if err != nil {
		return List{}, secunion.Errorf(secunion.Unavailable, "the page of %s after %q: %s", p.URL, secunion.Clip(after, 80), secunion.MessageOf(err))
	}
	return l, nil
}

// problemOf reads the message of an error answer, secunion's or any JSON
// error with a message, for the log.
func problemOf(body io.Reader) string {
	var e struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
		Detail string `json:"detail"`
	}
	b, _ := io.ReadAll(io.LimitReader(body, 64<<10))
	if json.Unmarshal(b, &e) == nil {
		for _, m := range []string{e.Error.Message, e.Detail} {
			if m != "" {
				return ": " + secunion.Clip(m, 300)
			}
		}
	}
	return ""
}
