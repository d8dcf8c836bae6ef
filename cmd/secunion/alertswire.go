package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"secunion"
	"secunion/access"
	"secunion/alerts"
	"secunion/store"
)

// taxiiLink is one --taxii-pull or --taxii-push PEER:COLLECTION=URL: a
// local collection federated with a peer's TAXII collection. PEER is the
// local authority that stands for the peer: the origin of what is
// pulled, the recipient of what is pushed.
type taxiiLink struct{ peer, collection, url string }

// taxiiLinks are the --taxii-pull and --taxii-push flags of serve.
type taxiiLinks struct{ pulls, pushes []taxiiLink }

func (f *taxiiLinks) register(fs *flag.FlagSet) {
	add := func(to *[]taxiiLink) func(string) error {
		return func(v string) error {
			l, err := parseLink(v)
			*to = append(*to, l)
			return err
		}
	}
	fs.Func("taxii-pull", "follow a peer's TAXII 2.1 collection into a local one, as PEER:COLLECTION=URL: PEER the local authority that stands for the peer (a writer of COLLECTION), URL the peer's …/collections/ID/objects/ (repeatable; the token as for --pull, from --pull-token-file)", add(&f.pulls))
	fs.Func("taxii-push", "send a local collection to a peer's TAXII 2.1 collection, as PEER:COLLECTION=URL: PEER the local authority that stands for the peer (a reader of COLLECTION; it receives what a node may), URL the peer's …/collections/ID/objects/ (repeatable; the token from --pull-token-file)", add(&f.pushes))
}

func parseLink(v string) (taxiiLink, error) {
	left, raw, ok := strings.Cut(v, "=")
	peer, collection, ok2 := strings.Cut(left, ":")
	if !ok || !ok2 || peer == "" || collection == "" || raw == "" {
		return taxiiLink{}, errors.New("use PEER:COLLECTION=URL, e.g. NODE-B:5c1f…=https://node-b:8443/taxii2/hub/collections/ID/objects/")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return taxiiLink{}, fmt.Errorf("%q is not an http or https URL (without credentials: put the token in --pull-token-file)", raw)
	}
	return taxiiLink{peer: peer, collection: collection, url: raw}, nil
}

// alertPull keeps a peer's pages in a local collection, its cursor
// moving in each page's transaction.
type alertPull struct {
	db      *store.DB
	actor   secunion.Actor
	pull    taxiiLink
	checker alerts.Checker
	log     *slog.Logger
}

var federationDecl = access.Declaration{Purpose: secunion.PurposeAlertSharing}

// Cursor returns how far the pull has got.
func (a alertPull) Cursor(ctx context.Context) (string, error) {
	return a.db.AlertCursor(ctx, a.pull.url, a.pull.collection)
}

// Store checks a page's objects and stores those that pass, moving the
// cursor in the same transaction; the others are logged and left behind.
func (a alertPull) Store(ctx context.Context, prev, next string, raws []json.RawMessage) error {
	v, err := a.db.AlertView(ctx, a.actor, federationDecl, a.pull.collection)
	if err != nil {
		return err
	}
	checked := a.checker.Batch(raws)
	st, err := a.db.PullAlertObjects(ctx, a.actor, federationDecl, v, a.pull.url, prev, next, checked.Objects, checked.Failures)
	if err != nil {
		return err
	}
	if st.FailureCount > 0 {
		a.log.Warn("alerts: objects of a peer refused", "source", a.pull.url, "refused", st.FailureCount, "first", st.Failures[0].Message)
	}
	return nil
}

// alertPush sends a local collection to a peer, as the authority that
// stands for the peer receives it, its cursor moved once the peer has
// taken each page.
type alertPush struct {
	db    *store.DB
	actor secunion.Actor
	push  taxiiLink
}

// key is the push's cursor's name, apart from a pull from the same URL.
func (a alertPush) key() string { return "push " + a.push.url }

// Cursor returns how far the push has got.
func (a alertPush) Cursor(ctx context.Context) (string, error) {
	return a.db.AlertCursor(ctx, a.key(), a.push.collection)
}

// Page returns the page after cursor as the peer may receive it; the
// disclosure is audited.
func (a alertPush) Page(ctx context.Context, cursor string, limit int) ([]json.RawMessage, string, bool, error) {
	v, err := a.db.AlertView(ctx, a.actor, federationDecl, a.push.collection)
	if err != nil {
		return nil, "", false, err
	}
	f := alerts.Filter{Versions: []string{"all"}, Limit: limit}
	if cursor != "" {
		if f.After, err = alerts.ParseCursor(cursor); err != nil {
			return nil, "", false, err
		}
	}
	p, err := a.db.AlertObjects(ctx, a.actor, federationDecl, v, f, "")
	return p.Objects, p.Next, p.More, err
}

// Moved moves the cursor once the peer has taken a page.
func (a alertPush) Moved(ctx context.Context, prev, next string) error {
	return a.db.MoveAlertCursor(ctx, a.key(), a.push.collection, prev, next)
}

// startTAXII starts a puller for each --taxii-pull and a pusher for each
// --taxii-push, with the tokens and TLS trust of the hash-list pulls.
// The returned function waits for them to stop once ctx ends.
func startTAXII(ctx context.Context, db *store.DB, log *slog.Logger, links taxiiLinks, f pullFlags, caFile string, schemas *alerts.Validator) (func(), error) {
	if len(links.pulls)+len(links.pushes) == 0 {
		return func() {}, nil
	}
	all, byURL, err := readTokenFile("--pull-token-file", f.tokenFile, log)
	if err != nil {
		return nil, err
	}
	if all == "" {
		all = strings.TrimSpace(f.envToken)
	}
	token := func(raw string) string {
		t := byURL[raw]
		if u, err := url.Parse(raw); err == nil && t == "" {
			t = byURL[u.Scheme+"://"+u.Host]
		}
		return cmp.Or(t, all)
	}
	client, err := pullClient(caFile)
	if err != nil {
		return nil, err
	}
	peer := func(flag string, l taxiiLink) (access.Authority, error) {
		a, err := db.Authority(ctx, l.peer)
		if err != nil {
			return a, fmt.Errorf("--%s %s: %w", flag, l.url, err)
		}
		return a, nil
	}
	var runs []func()
	for _, p := range links.pulls {
		origin, err := peer("taxii-pull", p)
		if err != nil {
			return nil, err
		}
		target := alertPull{db: db, pull: p, log: log, checker: alerts.Checker{Schemas: schemas, Marking: db.MarkingHeld(ctx)},
			actor: secunion.Actor{Local: true, Login: "federation", Authority: origin.Code, AuthorityKind: string(origin.Kind)}}
		pl := &alerts.Puller{URL: p.url, Token: token(p.url), Client: client, Target: target, Log: log, Every: f.every, Limit: alerts.DefaultPage}
		log.Info("alerts: following a peer's collection", "source", p.url, "collection", p.collection, "origin", p.peer, "every", f.every.String())
		runs = append(runs, func() { pl.Run(ctx) })
	}
	for _, p := range links.pushes {
		recipient, err := peer("taxii-push", p)
		if err != nil {
			return nil, err
		}
		source := alertPush{db: db, push: p,
			actor: secunion.Actor{Login: "federation", Authority: recipient.Code, AuthorityKind: string(recipient.Kind), Roles: []string{access.RoleNode}}}
		ps := &alerts.Pusher{URL: p.url, Token: token(p.url), Client: client, Source: source, Log: log, Every: f.every, Limit: alerts.DefaultPage}
		log.Info("alerts: sending a collection to a peer", "target", p.url, "collection", p.collection, "recipient", p.peer, "every", f.every.String())
		runs = append(runs, func() { ps.Run(ctx) })
	}
	var wg sync.WaitGroup
	for _, run := range runs {
		wg.Go(run)
	}
	return wg.Wait, nil
}

// warninglistFiles are the --warninglist flags of serve: MISP-format
// lists read on top of the hub's defaults.
type warninglistFiles []string

func (f *warninglistFiles) register(fs *flag.FlagSet) {
	fs.Func("warninglist", "a warninglist in MISP's JSON format (e.g. a list.json of misp-warninglists): its values do not correlate, on top of the hub's defaults (private addresses, public resolvers, local names, empty-file hashes); repeatable", func(v string) error {
		*f = append(*f, v)
		return nil
	})
}

// load returns the defaults and the lists of the files.
func (f warninglistFiles) load(log *slog.Logger) (alerts.Warninglists, error) {
	lists := alerts.DefaultWarninglists()
	for _, name := range f {
		file, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("--warninglist: %w", err)
		}
		// One byte more than the limit, so that the parser says "too large".
		data, err := io.ReadAll(io.LimitReader(file, alerts.MaxWarninglist+1))
		file.Close()
		if err != nil {
			return nil, fmt.Errorf("--warninglist %s: %w", name, err)
		}
		w, err := alerts.ParseWarninglist(data)
		if err != nil {
			return nil, fmt.Errorf("--warninglist %s: %w", name, err)
		}
		log.Info("alerts: warninglist loaded", "name", w.Name, "type", w.Type, "entries", w.Entries)
		lists = append(lists, w)
	}
	return lists, nil
}

// startAlertIndex builds the correlation index from the hub's objects in
// the background, logging its progress, so that the first lookup does
// not wait for the whole table (a lookup that comes earlier waits for
// the build, then catches up itself).
func startAlertIndex(ctx context.Context, db *store.DB, log *slog.Logger) {
	go func() {
		start := time.Now()
		err := db.CatchUpAlertIndex(ctx, func(done, last int64) {
			if done > 0 && done%100_000 == 0 {
				log.Info("alerts: building the correlation index", "object_versions", done, "newest", last)
			}
		})
		if err != nil {
			if ctx.Err() == nil {
				log.Error("alerts: correlation index", "err", err)
			}
			return
		}
		st, err := db.AlertIndexStats(ctx)
		if err == nil {
			log.Info("alerts: correlation index ready", "values", st.Values, "postings", st.Postings, "capped", st.Capped, "seconds", time.Since(start).Seconds())
		}
	}()
}
