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
	"secunion/search"
	"secunion/store"
)

// startSearch builds the search index from the stored records, keeps it
// current from committed record changes, and returns the portal over the
// systems this node holds and those in remote, held by other nodes.
func startSearch(ctx context.Context, db *store.DB, d *events.Dispatcher, log *slog.Logger, remote map[string]search.Source, templates *biometric.Service) (*search.Portal, error) {
	index := search.NewIndex()
	// Changes committed while the index is built are replayed after: the
	// handler reads each record's current state, so a replay is harmless.
	last, err := db.LastEventID(ctx)
	if err != nil {
		return nil, err
	}
	start, n := time.Now(), 0
	err = db.EachRecord(ctx, func(r identity.Record) error {
		index.Put(r)
		if n++; n%100_000 == 0 {
			log.Info("building search index", "records", n)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	log.Info("search index built", "records", n, "seconds", time.Since(start).Seconds())
	host, _ := os.Hostname()
	name := "search-index@" + host
	if err := db.SaveCursor(ctx, events.Cursor{Subscriber: name, LastID: last}); err != nil {
		return nil, err
	}
	d.Subscribe(name, []string{store.RecordTopic}, func(ctx context.Context, e events.Event) error {
		var re store.RecordEvent
		if err := json.Unmarshal(e.Payload, &re); err != nil {
			return nil // not ours to retry: a malformed event never parses
		}
		r, err := db.Record(ctx, re.System, re.ID)
		switch {
		case secunion.CodeOf(err) == secunion.NotFound:
			index.Delete(re.System, re.ID)
		case err != nil:
			return err
		default:
			index.Put(r)
		}
		return nil
	})
	p := &search.Portal{Sources: map[string]search.Source{}, Clock: db.Clock(), Audit: db.Append}
	for _, sys := range identity.Systems {
		p.Sources[sys] = search.Local{System: sys, Index: index, Templates: templates, Records: db, Clock: db.Clock()}
		if r, ok := remote[sys]; ok {
			p.Sources[sys] = r
		}
	}
	return p, nil
}

// startTemplates loads the stored biometric templates into the matching
// service and keeps it current from committed changes: a template written
// or deleted, and a record deleted, whose templates go with it.
func startTemplates(ctx context.Context, db *store.DB, d *events.Dispatcher, log *slog.Logger) (*biometric.Service, error) {
	svc := biometric.NewService()
	last, err := db.LastEventID(ctx)
	if err != nil {
		return nil, err
	}
	start, n := time.Now(), 0
	err = db.EachTemplate(ctx, func(t biometric.Template) error {
		if n++; n%100_000 == 0 {
			log.Info("loading biometric templates", "templates", n)
		}
		return svc.Put(t)
	})
	if err != nil {
		return nil, err
	}
	log.Info("biometric templates loaded", "templates", n, "seconds", time.Since(start).Seconds())
	host, _ := os.Hostname()
	name := "biometric-index@" + host
	if err := db.SaveCursor(ctx, events.Cursor{Subscriber: name, LastID: last}); err != nil {
		return nil, err
	}
	d.Subscribe(name, []string{store.TemplateTopic, store.RecordTopic}, func(ctx context.Context, e events.Event) error {
		if e.Topic == store.RecordTopic {
			var re store.RecordEvent
			if json.Unmarshal(e.Payload, &re) == nil && re.Deleted {
				svc.DeleteRecord(re.System, re.ID)
			}
			return nil
		}
		var te store.TemplateEvent
		if err := json.Unmarshal(e.Payload, &te); err != nil {
			return nil // a malformed event never parses
		}
		t, err := db.Template(ctx, te.ID)
		switch {
		case secunion.CodeOf(err) == secunion.NotFound:
			svc.Delete(te.ID)
		case err != nil:
			return err
		default:
			return svc.Put(t)
		}
		return nil
	})
	return svc, nil
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
	all, byURL, err := readTokenFile(f.tokenFile, log)
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
func readTokenFile(path string, log *slog.Logger) (string, map[string]string, error) {
	byURL := map[string]string{}
	if path == "" {
		return "", byURL, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", nil, secunion.Wrap(secunion.Invalid, err, "cannot read --remote-token-file "+path)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		log.Warn("the remote token file is readable by other users: chmod 600 it", "file", path)
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
			return "", nil, secunion.Errorf(secunion.Invalid, "--remote-token-file %s: give one token alone, or lines 'URL TOKEN'", path)
		}
		byURL[strings.TrimSuffix(f[0], "/")] = f[1]
	}
	return "", byURL, nil
}
