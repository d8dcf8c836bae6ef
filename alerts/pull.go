package alerts

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"secunion"
)

// PullTarget keeps what a Puller fetches: the cursor it has reached, and
// each page's objects stored together with the cursor after them, in one
// transaction, so that a pull that stops at any point (a crash) resumes
// where the last stored page ended: nothing lost, nothing twice.
type PullTarget interface {
	Cursor(ctx context.Context) (string, error)
	Store(ctx context.Context, prev, next string, objects []json.RawMessage) error
}

// Puller follows a collection of a TAXII 2.1 server (another secunion
// node, or any TAXII 2.1 server: medallion, OpenCTI) into a target. It
// pages with the server's `next` while the server says there is more,
// and resumes later from the last `next` it was given, or, from a server
// that gives no `next` at the end of a collection, from added_after the
// last page's X-TAXII-Date-Added-Last.
type Puller struct {
	// URL is the collection's objects endpoint, e.g.
	// https://node-b:8443/taxii2/hub/collections/ID/objects/.
	URL    string
	Token  string
	Client *http.Client
	Target PullTarget
	Log    *slog.Logger
	// Every is how long to wait once caught up; Limit the page size asked.
	Every time.Duration
	Limit int
}

// maxPullBody bounds one page read from a peer.
const maxPullBody = 256 << 20

// Cursors as a PullTarget keeps them: "next:…" (the server's opaque
// cursor) or "added_after:…" (a timestamp).
const (
	cursorNext  = "next:"
	cursorAdded = "added_after:"
)

// Run pulls until ctx ends: pages one after the other while there are
// more, then every Every.
func (p *Puller) Run(ctx context.Context) { poll(ctx, p.Page, p.Every, p.Log, "pull", p.URL) }

// poll calls page until ctx ends: again at once while it says there is
// more, after every otherwise; a failure is logged and tried again.
func poll(ctx context.Context, page func(context.Context) (bool, error), every time.Duration, log *slog.Logger, what, url string) {
	for {
		caughtUp, err := page(ctx)
		if err != nil && ctx.Err() == nil {
			log.Warn("alerts: "+what+" failed; retrying", "url", url, "err", err)
		}
		if err == nil && !caughtUp {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

// Page fetches and stores one page, and reports whether the collection
// had no more.
func (p *Puller) Page(ctx context.Context) (bool, error) {
	cursor, err := p.Target.Cursor(ctx)
	if err != nil {
		return false, err
	}
	u, err := url.Parse(p.URL)
	if err != nil {
		return false, err
	}
	q := u.Query()
	q.Set("limit", strconv.Itoa(max(p.Limit, 1)))
	switch {
	case strings.HasPrefix(cursor, cursorNext):
		q.Set("next", strings.TrimPrefix(cursor, cursorNext))
	case strings.HasPrefix(cursor, cursorAdded):
		q.Set("added_after", strings.TrimPrefix(cursor, cursorAdded))
	}
	u.RawQuery = q.Encode()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", u.String(), nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("Accept", MediaType)
	if p.Token != "" {
		req.Header.Set("Authorization", "Bearer "+p.Token)
	}
	resp, err := p.Client.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		return false, fmt.Errorf("%s answered %s: %s", secunion.Clip(u.Host, 100), resp.Status, secunion.Clip(string(b), 300))
	}
	var env Envelope
	dec := json.NewDecoder(io.LimitReader(resp.Body, maxPullBody))
	if err := dec.Decode(&env); err != nil {
		return false, fmt.Errorf("%s sent no TAXII envelope: %s", secunion.Clip(u.Host, 100), secunion.JSONProblem(err))
	}
	next := cursor
	switch last := resp.Header.Get("X-TAXII-Date-Added-Last"); {
	case env.Next != "":
		next = cursorNext + env.Next
	case last != "":
		if _, err := ParseTime(last); err != nil {
			return false, fmt.Errorf("%s sent X-TAXII-Date-Added-Last %v", secunion.Clip(u.Host, 100), err)
		}
		next = cursorAdded + last
	}
	if len(env.Objects) == 0 && next == cursor {
		return true, nil
	}
	if err := p.Target.Store(ctx, cursor, next, env.Objects); err != nil {
		return false, err
	}
	p.Log.Debug("alerts: pulled", "source", p.URL, "objects", len(env.Objects), "more", env.More)
	return !env.More, nil
}
