package main

import (
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

// taxiiPull is one --taxii-pull ORIGIN:COLLECTION=URL: the objects of a
// peer's TAXII collection, kept in a local collection as objects of the
// local authority that stands for the peer.
type taxiiPull struct{ origin, collection, url string }

// taxiiPulls are the --taxii-pull flags of serve.
type taxiiPulls []taxiiPull

func (f *taxiiPulls) register(fs *flag.FlagSet) {
	fs.Func("taxii-pull", "follow a peer's TAXII 2.1 collection into a local one, as ORIGIN:COLLECTION=URL: ORIGIN the local authority that stands for the peer (a writer of COLLECTION), URL the peer's …/collections/ID/objects/ (repeatable; the token as for --pull, from --pull-token-file)", f.add)
}

func (f *taxiiPulls) add(v string) error {
	left, raw, ok := strings.Cut(v, "=")
	origin, collection, ok2 := strings.Cut(left, ":")
	if !ok || !ok2 || origin == "" || collection == "" || raw == "" {
		return errors.New("use ORIGIN:COLLECTION=URL, e.g. NODE-B:5c1f…=https://node-b:8443/taxii2/hub/collections/ID/objects/")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return fmt.Errorf("%q is not an http or https URL (without credentials: put the token in --pull-token-file)", raw)
	}
	*f = append(*f, taxiiPull{origin: origin, collection: collection, url: raw})
	return nil
}

// alertPull keeps a peer's pages in a local collection, its cursor
// moving in each page's transaction.
type alertPull struct {
	db      *store.DB
	actor   secunion.Actor
	pull    taxiiPull
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

// startTAXIIPulls starts a puller for each --taxii-pull, with the tokens
// and TLS trust of the hash-list pulls. The returned function waits for
// them to stop once ctx ends.
func startTAXIIPulls(ctx context.Context, db *store.DB, log *slog.Logger, pulls taxiiPulls, f pullFlags, caFile string, schemas *alerts.Validator) (func(), error) {
	if len(pulls) == 0 {
		return func() {}, nil
	}
	all, byURL, err := readTokenFile("--pull-token-file", f.tokenFile, log)
	if err != nil {
		return nil, err
	}
	if all == "" {
		all = strings.TrimSpace(f.envToken)
	}
	client, err := pullClient(caFile)
	if err != nil {
		return nil, err
	}
	var wg sync.WaitGroup
	for _, p := range pulls {
		origin, err := db.Authority(ctx, p.origin)
		if err != nil {
			return nil, fmt.Errorf("--taxii-pull %s: %w", p.url, err)
		}
		token := byURL[p.url]
		if u, err := url.Parse(p.url); err == nil && token == "" {
			token = byURL[u.Scheme+"://"+u.Host]
		}
		if token == "" {
			token = all
		}
		target := alertPull{db: db, pull: p, log: log, checker: alerts.Checker{Schemas: schemas, Marking: db.MarkingHeld(ctx)},
			actor: secunion.Actor{Local: true, Login: "federation", Authority: origin.Code, AuthorityKind: string(origin.Kind)}}
		pl := &alerts.Puller{URL: p.url, Token: token, Client: client, Target: target, Log: log, Every: f.every, Limit: alerts.DefaultPage}
		log.Info("alerts: following a peer's collection", "source", p.url, "collection", p.collection, "origin", p.origin, "every", f.every.String())
		wg.Go(func() { pl.Run(ctx) })
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
