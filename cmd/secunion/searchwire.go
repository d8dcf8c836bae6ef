package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"secunion"
	"secunion/biometric"
	"secunion/events"
	"secunion/identity"
	"secunion/links"
	"secunion/search"
	"secunion/store"
)

// identityIndex is what a node keeps in memory of its identity data: the
// name index and the biometric templates, built from the store at start.
type identityIndex struct {
	index     *search.Index
	templates *biometric.Service
}

// loadIdentity builds the name index and the biometric service from the
// stored records and templates, logging progress; it returns once every
// template is linked into its gallery's graph.
func loadIdentity(ctx context.Context, db *store.DB, log *slog.Logger) (identityIndex, error) {
	x := identityIndex{index: search.NewIndex(), templates: biometric.NewService()}
	start, n := time.Now(), 0
	err := db.EachRecord(ctx, func(r identity.Record) error {
		x.index.Put(r)
		if n++; n%100_000 == 0 {
			log.Info("building search index", "records", n)
		}
		return nil
	})
	if err != nil {
		return x, err
	}
	log.Info("search index built", "records", n, "seconds", time.Since(start).Seconds())
	start, n = time.Now(), 0
	err = db.EachTemplate(ctx, func(t biometric.Template) error {
		if n++; n%100_000 == 0 {
			log.Info("loading biometric templates", "templates", n)
		}
		return x.templates.Put(t)
	})
	if err != nil {
		return x, err
	}
	x.templates.Settle()
	log.Info("biometric templates loaded", "templates", n, "seconds", time.Since(start).Seconds())
	return x, nil
}

// detector is the multiple-identity detector over a node's data.
func (x identityIndex) detector(db *store.DB) links.Sources {
	return links.Sources{Index: x.index, Templates: x.templates, Record: db.Record, Template: db.Template, Now: db.Clock().Now}
}

// startIdentity loads the identity index and keeps it current from
// committed changes, in order: a record or template written or deleted
// updates the name index and the biometric service, then the
// multiple-identity detector compares the record with the data held
// (links.Sources.Detect) and stores its links. Handling both in one
// subscriber, in event order, means that every earlier record is indexed
// when a record is compared. It returns the portal over the systems this
// node holds and those in remote, held by other nodes.
func startIdentity(ctx context.Context, db *store.DB, d *events.Dispatcher, log *slog.Logger, remote map[string]search.Source) (*search.Portal, *biometric.Service, error) {
	// Changes committed while the index is built are replayed after: the
	// handler reads the current state, so a replay is harmless.
	last, err := db.LastEventID(ctx)
	if err != nil {
		return nil, nil, err
	}
	x, err := loadIdentity(ctx, db, log)
	if err != nil {
		return nil, nil, err
	}
	host, _ := os.Hostname()
	name := "identity-index@" + host
	if err := db.SaveCursor(ctx, events.Cursor{Subscriber: name, LastID: last}); err != nil {
		return nil, nil, err
	}
	mid := x.detector(db)
	d.Subscribe(name, []string{store.RecordTopic, store.TemplateTopic}, func(ctx context.Context, e events.Event) error {
		system, id, err := x.apply(ctx, db, e)
		if err != nil || system == "" {
			return err
		}
		r, err := db.Record(ctx, system, id)
		switch {
		case secunion.CodeOf(err) == secunion.NotFound:
			return nil // erased since: its links went with it
		case err != nil:
			return err
		}
		found, err := mid.Detect(ctx, r)
		if err != nil {
			return err
		}
		_, _, _, err = db.SaveLinks(ctx, []links.Run{{Trigger: links.Ref{System: system, ID: id}, Found: found}})
		return err
	})
	p := &search.Portal{Sources: map[string]search.Source{}, Clock: db.Clock(), Audit: db.Append}
	for _, sys := range identity.Systems {
		p.Sources[sys] = search.Local{System: sys, Index: x.index, Templates: x.templates, Records: db, Clock: db.Clock(), Links: linksOf(db)}
		if r, ok := remote[sys]; ok {
			p.Sources[sys] = r
		}
	}
	return p, x.templates, nil
}

// linksOf lists a record's identity links as the portal shows them.
func linksOf(db *store.DB) func(ctx context.Context, system, id string) ([]search.LinkInfo, error) {
	return func(ctx context.Context, system, id string) ([]search.LinkInfo, error) {
		ls, err := db.LinksOf(ctx, links.Ref{System: system, ID: id})
		if err != nil {
			return nil, err
		}
		var out []search.LinkInfo
		for _, l := range ls {
			other := l.B
			if other == (links.Ref{System: system, ID: id}) {
				other = l.A
			}
			out = append(out, search.LinkInfo{ID: l.ID, Colour: string(l.Colour), System: other.System, RecordID: other.ID})
		}
		return out, nil
	}
}

// apply brings the index and the biometric service up to date with one
// committed change, and returns the record to compare again ("" when
// none: an erasure, or a change outside the detector's scope).
func (x identityIndex) apply(ctx context.Context, db *store.DB, e events.Event) (string, string, error) {
	if e.Topic == store.TemplateTopic {
		var te store.TemplateEvent
		if err := json.Unmarshal(e.Payload, &te); err != nil {
			return "", "", nil // a malformed event never parses
		}
		t, err := db.Template(ctx, te.ID)
		switch {
		case secunion.CodeOf(err) == secunion.NotFound:
			x.templates.Delete(te.ID)
			return "", "", nil
		case err != nil:
			return "", "", err
		}
		if err := x.templates.Put(t); err != nil {
			return "", "", err
		}
		return t.System, t.RecordID, nil
	}
	var re store.RecordEvent
	if err := json.Unmarshal(e.Payload, &re); err != nil {
		return "", "", nil
	}
	r, err := db.Record(ctx, re.System, re.ID)
	switch {
	case secunion.CodeOf(err) == secunion.NotFound:
		x.index.Delete(re.System, re.ID)
		x.templates.DeleteRecord(re.System, re.ID)
		return "", "", nil
	case err != nil:
		return "", "", err
	}
	x.index.Put(r)
	if !links.InScope(r.System) {
		return "", "", nil
	}
	return r.System, r.ID, nil
}

// remoteFlags name the source systems held by other nodes and how to
// reach them. The API tokens never come from the command line, where
// other users of the machine could read them.
type remoteFlags struct {
	remotes   map[string]string // system → URL of the node that holds it
	tokenFile string
	envToken  string
	caFile    string
}

func (f *remoteFlags) register(fs *flag.FlagSet, e env) {
	f.remotes = map[string]string{}
	fs.Func("remote", "a source system held by another node, as SYSTEM=URL, e.g. SIS=https://node-b:8443 (repeatable)", f.add)
	fs.StringVar(&f.tokenFile, "remote-token-file", e.getenv("SECUNION_REMOTE_TOKEN_FILE"),
		"file with this node's API token on the other nodes: one token for all, or lines 'URL TOKEN' (env SECUNION_REMOTE_TOKEN_FILE; or the token itself in SECUNION_REMOTE_TOKEN)")
	fs.StringVar(&f.caFile, "remote-ca", e.getenv("SECUNION_REMOTE_CA"), "PEM certificates to trust for the other nodes' TLS instead of the system's roots (env SECUNION_REMOTE_CA)")
	f.envToken = e.getenv("SECUNION_REMOTE_TOKEN")
}

// add takes one --remote SYSTEM=URL.
func (f *remoteFlags) add(v string) error {
	name, url, ok := strings.Cut(v, "=")
	if !ok || url == "" {
		return errors.New("use SYSTEM=URL, e.g. SIS=https://node-b:8443")
	}
	sys, err := identity.ParseSystem(name)
	if err != nil {
		return errors.New(secunion.MessageOf(err))
	}
	if _, dup := f.remotes[sys]; dup {
		return fmt.Errorf("%s is given twice", sys)
	}
	f.remotes[sys] = strings.TrimSuffix(url, "/")
	return nil
}

// sources returns the remote systems, each with the token for its node.
func (f *remoteFlags) sources(log *slog.Logger) (map[string]search.Source, error) {
	if len(f.remotes) == 0 {
		return nil, nil
	}
	all, byURL, err := readTokenFile("--remote-token-file", f.tokenFile, log)
	if err != nil {
		return nil, err
	}
	if all == "" {
		all = strings.TrimSpace(f.envToken)
	}
	out := map[string]search.Source{}
	for _, sys := range identity.Systems {
		url, ok := f.remotes[sys]
		if !ok {
			continue
		}
		token := byURL[url]
		if token == "" {
			token = all
		}
		if token == "" {
			return nil, secunion.Errorf(secunion.Invalid, "no API token for %s at %s: put it in --remote-token-file or SECUNION_REMOTE_TOKEN", sys, url)
		}
		r, err := search.NewRemote(search.RemoteOptions{System: sys, URL: url, Token: token, CAFile: f.caFile})
		if err != nil {
			return nil, err
		}
		out[sys] = r
		log.Info("source system held by another node", "system", sys, "url", url)
	}
	return out, nil
}

// readTokenFile reads the tokens of this node's service users on other
// nodes: a file holding one token, for every node, or lines "URL TOKEN",
// one per node; blank lines and lines starting with # are skipped.
// flagName names the file in messages.
func readTokenFile(flagName, path string, log *slog.Logger) (string, map[string]string, error) {
	byURL := map[string]string{}
	if path == "" {
		return "", byURL, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", nil, secunion.Wrap(secunion.Invalid, err, "cannot read "+flagName+" "+path)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		log.Warn("the token file is readable by other users: chmod 600 it", "flag", flagName, "file", path)
	}
	var entries [][]string
	for line := range strings.Lines(string(data)) {
		if f := strings.Fields(line); len(f) > 0 && !strings.HasPrefix(f[0], "#") {
			entries = append(entries, f)
		}
	}
	if len(entries) == 1 && len(entries[0]) == 1 {
		return entries[0][0], byURL, nil
	}
	for _, f := range entries {
		if len(f) != 2 {
			return "", nil, secunion.Errorf(secunion.Invalid, "%s %s: give one token alone, or lines 'URL TOKEN'", flagName, path)
		}
		byURL[strings.TrimSuffix(f[0], "/")] = f[1]
	}
	return "", byURL, nil
}
