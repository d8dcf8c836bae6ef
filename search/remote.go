package search

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"secunion"
	"secunion/identity"
)

// Remote is a source system held by another secunion node, asked over that
// node's API (POST /api/v1/search, GET /api/v1/systems/{system}/records/{id}
// and GET /api/v1/systems/{system}/status) with the API token of a service
// user of that node. The service user's authority kind and the end user's
// declared purpose decide what the other node lets through; this node then
// cuts every answer to the end user's own profile, as for its own systems.
// Each request carries the end user's purpose and justification and names
// the end user (X-On-Behalf-Of: AUTHORITY/login), so that the other node's
// audit log shows for whom its data were consulted.
//
// Rules chosen here:
//   - An answer over the size limit, or JSON that is not exactly what the
//     API gives (an unknown field, trailing data, another system's records),
//     is refused as a failure of the node.
//   - After a number of failures in a row (the node unreachable or too slow,
//     refusing this node's token, answering 5xx or malformed data) the
//     system is reported down and every call fails at once for a cool-down;
//     then one call goes through as a probe, and its outcome closes or
//     reopens the breaker. A refusal of one request (400, 403, 404) is an
//     answer, not a failure; a call its caller gave up on counts for
//     nothing.
//   - Redirects are not followed: the token goes to the configured node
//     only.
type Remote struct {
	system  string
	base    string // URL of the node, without a trailing slash
	where   string // the node as named in messages
	token   string
	client  *http.Client
	max     int64
	breaker *breaker
}

// RemoteOptions configure a Remote.
type RemoteOptions struct {
	System string // the source system, e.g. "SIS"
	URL    string // the node that holds it, e.g. "https://node-b:8443"
	Token  string // an API token of this node's service user there
	// CAFile names PEM certificates to trust for the node's TLS
	// certificate instead of the system's roots; "" for the system's roots.
	CAFile string
	// Timeout bounds each request to the node; 10 seconds if zero. The
	// caller's context deadline applies too.
	Timeout time.Duration
	// MaxAnswer is the largest answer accepted, in bytes; 4 MiB if zero.
	MaxAnswer int64
	// Failures in a row open the breaker; 3 if zero.
	Failures int
	// CoolDown is how long an open breaker fails calls at once; 30 seconds
	// if zero.
	CoolDown time.Duration
	// Clock times the cool-down; the system clock if nil.
	Clock secunion.Clock
}

// NewRemote checks o and returns the remote system it describes.
func NewRemote(o RemoteOptions) (*Remote, error) {
	system, err := identity.ParseSystem(o.System)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(o.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, secunion.Errorf(secunion.Invalid, "remote %s: give the node's URL as http(s)://host:port, without credentials or query", system)
	}
	if o.Token == "" || strings.ContainsAny(o.Token, " \t\r\n") {
		return nil, secunion.Errorf(secunion.Invalid, "remote %s: no usable API token for %s", system, u.Host)
	}
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	if o.MaxAnswer == 0 {
		o.MaxAnswer = 4 << 20
	}
	if o.Failures == 0 {
		o.Failures = 3
	}
	if o.CoolDown == 0 {
		o.CoolDown = 30 * time.Second
	}
	if o.Clock == nil {
		o.Clock = secunion.SystemClock{}
	}
	client, err := remoteClient(o.CAFile, o.Timeout)
	if err != nil {
		return nil, err
	}
	return &Remote{
		system: system, base: strings.TrimSuffix(u.String(), "/"), where: fmt.Sprintf("the node holding %s (%s)", system, u.Host),
		token: o.Token, client: client, max: o.MaxAnswer,
		breaker: &breaker{clock: o.Clock, limit: o.Failures, coolDown: o.CoolDown},
	}, nil
}

// TLSConfig is the TLS of a node's calls to other nodes and partners:
// TLS 1.2 at least, trusting the certificates of caFile, if given,
// instead of the system's roots.
func TLSConfig(caFile string) (*tls.Config, error) {
	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, secunion.Wrap(secunion.Invalid, err, "cannot read the CA file "+caFile)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, secunion.Errorf(secunion.Invalid, "the CA file %s holds no PEM certificate", caFile)
		}
		tlsConf.RootCAs = pool
	}
	return tlsConf, nil
}

// remoteClient returns an HTTP client bounded by timeout that trusts the
// certificates of caFile, if given, instead of the system's roots.
func remoteClient(caFile string, timeout time.Duration) (*http.Client, error) {
	tlsConf, err := TLSConfig(caFile)
	if err != nil {
		return nil, err
	}
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}).DialContext,
			TLSClientConfig:       tlsConf,
			TLSHandshakeTimeout:   timeout,
			ResponseHeaderTimeout: timeout,
			IdleConnTimeout:       90 * time.Second,
			MaxIdleConnsPerHost:   16,
			ForceAttemptHTTP2:     true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}, nil
}

// Search asks the node for the system's hits.
func (r *Remote) Search(ctx context.Context, q Query) ([]Hit, error) {
	q.Systems = []string{r.system}
	var res struct {
		Answers []Answer `json:"answers"`
		Hits    int      `json:"hits"`
	}
	var hits []Hit
	err := r.call(ctx, "POST", "/api/v1/search", q, &res, func() error {
		var err error
		hits, err = r.hits(res.Answers)
		return err
	})
	return hits, err
}

// hits returns the hits of the node's answers, which must be one answer
// for the system, or the failure the node reported.
func (r *Remote) hits(answers []Answer) ([]Hit, error) {
	for _, a := range answers {
		if a.Status == Failed {
			return nil, secunion.Errorf(secunion.Unavailable, "%s failed: %s", r.where, secunion.Clip(a.Error, 300))
		}
	}
	if len(answers) != 1 || answers[0].System != r.system {
		return nil, r.malformed("not one answer for " + r.system)
	}
	a := answers[0]
	switch a.Status {
	case TimedOut:
		return nil, secunion.Errorf(secunion.Unavailable, "%s timed out on that node", r.system)
	case NoHit, Answered:
	default:
		return nil, r.malformed("unknown status " + secunion.Clip(a.Status, 40))
	}
	for _, h := range a.Hits {
		if h.System != r.system || h.Record.System != r.system || h.Record.ID != h.RecordID {
			return nil, r.malformed("a hit that is not a record of " + r.system)
		}
	}
	return a.Hits, nil
}

// Record fetches one record from the node.
func (r *Remote) Record(ctx context.Context, id string) (identity.Record, error) {
	var rec identity.Record
	err := r.call(ctx, "GET", r.systemPath("records/"+url.PathEscape(id)), nil, &rec, func() error {
		if rec.System != r.system || rec.ID != id {
			return r.malformed("another record than the one asked for")
		}
		return nil
	})
	return rec, err
}

// Status asks the node for the system's status; while the breaker is open
// it reports the system down without asking.
func (r *Remote) Status(ctx context.Context) SystemStatus {
	start := time.Now()
	var got SystemStatus
	err := r.call(ctx, "GET", r.systemPath("status"), nil, &got, func() error {
		if got.System != r.system || (got.State != Up && got.State != Down) {
			return r.malformed("not a status of " + r.system)
		}
		return nil
	})
	st := SystemStatus{System: r.system, State: got.State, Remote: true, Records: got.Records, Millis: time.Since(start).Milliseconds()}
	st.LastError, st.LastErrorAt = r.breaker.last()
	switch {
	case err != nil:
		st.State, st.Records, st.LastError = Down, nil, secunion.MessageOf(err)
	case got.State == Down:
		st.LastError, st.LastErrorAt = got.LastError, got.LastErrorAt
	}
	return st
}

func (r *Remote) systemPath(rest string) string {
	return "/api/v1/systems/" + url.PathEscape(r.system) + "/" + rest
}

// call sends one request through the breaker and decodes the node's JSON
// answer into out; check then says whether the answer makes sense.
func (r *Remote) call(ctx context.Context, method, path string, body, out any, check func() error) error {
	if err := r.breaker.allow(r.where); err != nil {
		return err
	}
	err := r.do(ctx, method, path, body, out)
	if err == nil {
		err = check()
	}
	r.breaker.done(outcomeOf(ctx, err), secunion.MessageOf(err))
	return err
}

// do sends one request on behalf of the caller in ctx.
func (r *Remote) do(ctx context.Context, method, path string, body, out any) error {
	c, ok := callerOf(ctx)
	if !ok {
		return secunion.Errorf(secunion.Internal, "search: %s asked without a caller", r.system)
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return secunion.Wrap(secunion.Internal, err, "search: encode the request")
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.base+path, rd)
	if err != nil {
		return secunion.Wrap(secunion.Internal, err, "search: build the request")
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+r.token)
	req.Header.Set("X-Purpose", string(c.decl.Purpose))
	if c.decl.Justification != "" {
		req.Header.Set("X-Justification", secunion.Clip(c.decl.Justification, 500))
	}
	req.Header.Set("X-On-Behalf-Of", c.endUser())
	resp, err := r.client.Do(req)
	if err != nil {
		return r.unreachable(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, r.max+1))
	if err != nil {
		return r.unreachable(err)
	}
	if int64(len(data)) > r.max {
		return secunion.Errorf(secunion.Unavailable, "%s sent an answer over the limit of %d bytes; it was refused", r.where, r.max)
	}
	if resp.StatusCode != http.StatusOK {
		return r.refusal(resp.StatusCode, data)
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "application/json" {
		return r.malformed("not JSON")
	}
	if err := decodeStrict(data, out); err != nil {
		return r.malformed(secunion.JSONProblem(err))
	}
	return nil
}

// endUser names the person a request is for: the end user another node
// named, if this node asks in turn, or the caller.
func (c caller) endUser() string {
	if c.decl.OnBehalfOf != "" {
		return c.decl.OnBehalfOf
	}
	return c.actor.Authority + "/" + c.actor.Login
}

// unreachable describes a request that got no answer.
func (r *Remote) unreachable(err error) error {
	var ne net.Error
	var cert *tls.CertificateVerificationError
	switch {
	case errors.Is(err, context.Canceled):
		return secunion.Wrap(secunion.Unavailable, err, "the request to "+r.where+" was cancelled")
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return secunion.Wrap(secunion.Unavailable, err, r.where+" did not answer in time")
	case errors.As(err, &cert):
		return secunion.Wrap(secunion.Unavailable, err, r.where+" presented a TLS certificate this node does not trust (check the CA file)")
	}
	return secunion.Wrap(secunion.Unavailable, err, r.where+" cannot be reached")
}

// refusal describes an error answer of the node, with the node's own safe
// message.
func (r *Remote) refusal(status int, data []byte) error {
	var body struct {
		Error struct{ Message string } `json:"error"`
	}
	msg := http.StatusText(status)
	if json.Unmarshal(data, &body) == nil && body.Error.Message != "" {
		msg = secunion.Clip(body.Error.Message, 300)
	}
	switch status {
	case http.StatusUnauthorized:
		return secunion.Errorf(secunion.Unavailable, "%s refused this node's API token (authentication failed: %s)", r.where, msg)
	case http.StatusBadRequest:
		return secunion.Errorf(secunion.Invalid, "%s refused the query: %s", r.where, msg)
	case http.StatusForbidden:
		return secunion.Errorf(secunion.Forbidden, "%s refused the request: %s", r.where, msg)
	case http.StatusNotFound:
		return secunion.Errorf(secunion.NotFound, "%s: %s", r.where, msg)
	}
	return secunion.Errorf(secunion.Unavailable, "%s answered %d: %s", r.where, status, msg)
}

func (r *Remote) malformed(problem string) error {
	return secunion.Errorf(secunion.Unavailable, "%s sent a malformed answer (%s); it was refused", r.where, problem)
}

// decodeStrict decodes exactly one JSON value into v, refusing unknown
// fields and trailing data.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// outcome is what a call tells about the node.
type outcome int

const (
	answered outcome = iota // the node works, whatever it answered
	failed                  // the node did not work
	unknown                 // the caller gave up first
)

func outcomeOf(ctx context.Context, err error) outcome {
	switch {
	case err == nil:
		return answered
	case errors.Is(ctx.Err(), context.Canceled):
		return unknown
	}
	switch secunion.CodeOf(err) {
	case secunion.Invalid, secunion.Forbidden, secunion.NotFound:
		return answered
	}
	return failed
}

// breaker counts a node's failures in a row. At limit it opens: calls fail
// at once until coolDown has passed, then one probe goes through.
type breaker struct {
	clock    secunion.Clock
	limit    int
	coolDown time.Duration

	mu        sync.Mutex
	failures  int
	openUntil time.Time
	probing   bool
	lastErr   string
	lastErrAt time.Time
}

// allow returns nil if a call to the node (named by where) may go out now,
// or the Unavailable error that says why not.
func (b *breaker) allow(where string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failures < b.limit {
		return nil
	}
	now := b.clock.Now()
	if !now.Before(b.openUntil) && !b.probing {
		b.probing = true
		return nil
	}
	next := "a probe is under way"
	if wait := b.openUntil.Sub(now); wait > 0 {
		next = fmt.Sprintf("next try in %d s", int(wait.Seconds()+0.999))
	}
	last := strings.TrimPrefix(b.lastErr, where+" ")
	return secunion.Errorf(secunion.Unavailable, "%s is down after %d failures in a row (last: %s); %s", where, b.failures, last, next)
}

// done records the outcome of a call that allow let through.
func (b *breaker) done(o outcome, msg string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.probing = false
	switch o {
	case answered:
		b.failures = 0
	case failed:
		b.failures++
		b.lastErr, b.lastErrAt = msg, b.clock.Now()
		if b.failures >= b.limit {
			b.openUntil = b.lastErrAt.Add(b.coolDown)
		}
	}
}

// last returns the last failure and when it happened.
func (b *breaker) last() (string, time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.lastErr, b.lastErrAt
}
