package alerts

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"secunion"
)

// PushSource gives a Pusher the pages it sends and keeps its cursor: a
// page of the local collection after a cursor, as the peer may receive
// it (Disclose decides, and the disclosure is audited), and the cursor
// moved only once the peer has taken the page.
type PushSource interface {
	Cursor(ctx context.Context) (string, error)
	Page(ctx context.Context, cursor string, limit int) (objects []json.RawMessage, next string, more bool, err error)
	Moved(ctx context.Context, prev, next string) error
}

// Pusher sends a local collection to a collection of a TAXII 2.1 server
// (another secunion node, or any TAXII 2.1 server), page by page, in the
// order objects were added. The cursor moves after the server has
// answered a page with its status, so a pusher that stops at any point
// sends the page again: a server that, like secunion's, takes a version
// it holds with the same content as a success doubles nothing, and
// nothing is skipped. Objects the server refuses are logged with its
// reason and not sent again.
type Pusher struct {
	// URL is the peer collection's objects endpoint.
	URL    string
	Token  string
	Client *http.Client
	Source PushSource
	Log    *slog.Logger
	// Every is how long to wait once caught up; Limit the page size.
	Every time.Duration
	Limit int
}

// Run pushes until ctx ends: pages one after the other while there are
// more, then every Every.
func (p *Pusher) Run(ctx context.Context) { poll(ctx, p.Page, p.Every, p.Log, "push", p.URL) }

// Page sends one page and reports whether the collection had no more.
func (p *Pusher) Page(ctx context.Context) (bool, error) {
	cursor, err := p.Source.Cursor(ctx)
	if err != nil {
		return false, err
	}
	objs, next, more, err := p.Source.Page(ctx, cursor, max(p.Limit, 1))
	if err != nil {
		return false, err
	}
	if len(objs) > 0 {
		if err := p.post(ctx, objs); err != nil {
			return false, err
		}
	}
	if next != "" && next != cursor {
		if err := p.Source.Moved(ctx, cursor, next); err != nil {
			return false, err
		}
	}
	return !more, nil
}

// post sends objs as one envelope and reads the status back.
func (p *Pusher) post(ctx context.Context, objs []json.RawMessage) error {
	body, err := json.Marshal(Envelope{Objects: objs})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "POST", p.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", MediaType)
	req.Header.Set("Accept", MediaType)
	if p.Token != "" {
		req.Header.Set("Authorization", "Bearer "+p.Token)
	}
	host := p.URL
	if u, err := url.Parse(p.URL); err == nil {
		host = u.Host
	}
	resp, err := p.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted && resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		return fmt.Errorf("%s answered %s: %s", secunion.Clip(host, 100), resp.Status, secunion.Clip(string(b), 300))
	}
	var st Status
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxPullBody)).Decode(&st); err != nil {
		return fmt.Errorf("%s sent no TAXII status: %s", secunion.Clip(host, 100), secunion.JSONProblem(err))
	}
	if st.FailureCount > 0 && len(st.Failures) > 0 {
		p.Log.Warn("alerts: objects refused by the peer", "target", p.URL, "refused", st.FailureCount, "first", st.Failures[0].ID, "why", secunion.Clip(st.Failures[0].Message, 300))
	}
	p.Log.Debug("alerts: pushed", "target", p.URL, "objects", len(objs), "stored", st.SuccessCount, "status", st.Status)
	return nil
}
