package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/alerts"
	"secunion/httpapi"
	"secunion/store"
	"secunion/synth"
)

// hubNode is a node with a collection that authority code writes.
type hubNode struct {
	db         *store.DB
	collection string
}

func newHubNode(t *testing.T, codes ...string) hubNode {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	keys, err := store.LoadKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.OpenSQLite(ctx, dir, store.Options{Keys: keys, CheckpointEvery: time.Hour, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, c := range codes {
		if _, err := db.CreateAuthority(ctx, secunion.LocalOperator, access.Authority{Code: c, Name: c, Country: "DE", Kind: access.KindCSIRT}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.PutAlertGroup(ctx, secunion.LocalOperator, alerts.Group{Name: "cyber", Members: codes}); err != nil {
		t.Fatal(err)
	}
	c, err := db.PutAlertCollection(ctx, secunion.LocalOperator, alerts.Collection{Title: "Feed", Readers: "cyber", Writers: "cyber", DefaultTLP: alerts.TLPGreen})
	if err != nil {
		t.Fatal(err)
	}
	return hubNode{db: db, collection: c.ID}
}

// share has authority code share n synthetic objects (seed) in the node's
// collection.
func (h hubNode) share(t *testing.T, code string, seed uint64, n int) {
	t.Helper()
	ctx := context.Background()
	actor := secunion.Actor{Local: true, Login: "o", Authority: code, AuthorityKind: string(access.KindCSIRT)}
	v, err := h.db.AlertView(ctx, actor, federationDecl, h.collection)
	if err != nil {
		t.Fatal(err)
	}
	var raws []json.RawMessage
	synth.STIX(seed, n, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), func(b json.RawMessage) error { raws = append(raws, b); return nil })
	checked := alerts.Checker{}.Batch(raws)
	if _, err := h.db.AddAlertObjects(ctx, actor, federationDecl, v, checked.Objects, checked.Failures); err != nil {
		t.Fatal(err)
	}
}

// versions returns how many versions of each object the node holds (a
// cyber-observable's version is the time it was added on each node).
func (h hubNode) versions(t *testing.T, reader string) map[string]int {
	t.Helper()
	actor := secunion.Actor{Local: true, Login: "o", Authority: reader}
	v, err := h.db.AlertView(context.Background(), actor, federationDecl, h.collection)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	f := alerts.Filter{Versions: []string{"all"}, Limit: alerts.MaxPage}
	for {
		p, err := h.db.AlertObjects(context.Background(), actor, federationDecl, v, f, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range p.Manifest {
			out[m.ID]++
		}
		if !p.More {
			return out
		}
		f.After, _ = alerts.ParseCursor(p.Next)
	}
}

// serve serves the node's API over HTTP on loopback and returns it with
// the token of an officer of authority, the peer's user on this node.
func (h hubNode) serve(t *testing.T, authority string) (*httptest.Server, string) {
	t.Helper()
	ctx := context.Background()
	login := strings.ToLower(authority)
	if _, err := h.db.CreateUser(ctx, secunion.LocalOperator, access.User{Login: login, Name: authority, Authority: authority, Roles: []string{access.RoleOfficer}}, ""); err != nil {
		t.Fatal(err)
	}
	token, _, err := h.db.CreateToken(ctx, secunion.LocalOperator, login, "federation", 0)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpapi.New(httpapi.Config{DB: h.db, Version: "test"}))
	t.Cleanup(srv.Close)
	return srv, token
}

// crashingTarget fails its n-th Store, as a node that stops before the
// page's transaction commits.
type crashingTarget struct {
	alerts.PullTarget
	n *int
}

func (c crashingTarget) Store(ctx context.Context, prev, next string, objs []json.RawMessage) error {
	if *c.n--; *c.n == 0 {
		return errors.New("crash")
	}
	return c.PullTarget.Store(ctx, prev, next, objs)
}

// TestTAXIIFederation has node A follow node B's collection over real
// HTTP on loopback, page by page, while B's CSIRT adds objects; A stops
// before a page commits (a crash) and a new puller resumes from the
// stored cursor: A ends with every object version B holds, each once.
func TestTAXIIFederation(t *testing.T) {
	ctx := context.Background()
	b := newHubNode(t, "DE-CERT", "NODE-A")
	a := newHubNode(t, "NODE-B")
	srv, token := b.serve(t, "NODE-A")
	b.share(t, "DE-CERT", 1, 250)

	source := srv.URL + "/taxii2/hub/collections/" + b.collection + "/objects/"
	target := alertPull{db: a.db, pull: taxiiLink{peer: "NODE-B", collection: a.collection, url: source}, log: slog.New(slog.DiscardHandler),
		actor: secunion.Actor{Local: true, Login: "federation", Authority: "NODE-B", AuthorityKind: string(access.KindCSIRT)}}
	crashAt := 3
	pl := &alerts.Puller{URL: source, Token: token, Client: srv.Client(), Log: target.log, Limit: 40, Target: crashingTarget{target, &crashAt}}
	pages := 0
	for {
		caughtUp, err := pl.Page(ctx)
		if err != nil {
			break // the crash
		}
		if pages++; pages == 1 {
			b.share(t, "DE-CERT", 2, 120) // B's CSIRT shares more meanwhile
		}
		if caughtUp {
			t.Fatal("caught up before the crash")
		}
	}
	if pages != 2 {
		t.Fatalf("crashed after %d pages, want 2", pages)
	}
	// A new puller, as after a restart, resumes from the stored cursor.
	pl = &alerts.Puller{URL: source, Token: token, Client: srv.Client(), Log: target.log, Limit: 40, Target: target}
	for {
		caughtUp, err := pl.Page(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if caughtUp {
			break
		}
	}
	want, got := b.versions(t, "DE-CERT"), a.versions(t, "NODE-B")
	if len(want) != 370 {
		t.Fatalf("B holds %d objects, want 370", len(want))
	}
	for id, n := range want {
		if got[id] != n {
			t.Errorf("A holds %d versions of %s, B %d", got[id], id, n)
		}
	}
	if len(got) != len(want) {
		t.Errorf("A holds %d objects, B %d", len(got), len(want))
	}
	// Caught up, a pull finds nothing new; B's next object arrives.
	if caughtUp, err := pl.Page(ctx); err != nil || !caughtUp {
		t.Errorf("a pull when caught up: %v %v", caughtUp, err)
	}
	b.share(t, "DE-CERT", 3, 5)
	if _, err := pl.Page(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(a.versions(t, "NODE-B")); n != 375 {
		t.Errorf("after B shared 5 more, A holds %d", n)
	}
	// A bad token is an error, and moves nothing.
	bad := &alerts.Puller{URL: source, Token: "sut_bogus", Client: srv.Client(), Log: target.log, Limit: 40, Target: target}
	if _, err := bad.Page(ctx); err == nil {
		t.Error("a pull with a bad token succeeded")
	}
}

// droppingTransport delivers every request but loses the answer to the
// n-th, as a connection that breaks after the peer stored a page.
type droppingTransport struct {
	next http.RoundTripper
	n    *int
}

func (d droppingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := d.next.RoundTrip(r)
	if *d.n--; *d.n == 0 && err == nil {
		resp.Body.Close()
		return nil, errors.New("connection reset")
	}
	return resp, err
}

// TestTAXIIPush has node A send its collection to node B over HTTP on
// loopback as A's user on B; the answer to one page is lost after B
// stored it, and a new pusher resumes from the stored cursor: B ends
// with exactly what A lets a node receive, each version once: nothing
// above TLP:AMBER.
func TestTAXIIPush(t *testing.T) {
	ctx := context.Background()
	a := newHubNode(t, "DE-CERT", "NODE-B")
	b := newHubNode(t, "NODE-A")
	srv, token := b.serve(t, "NODE-A")
	a.share(t, "DE-CERT", 1, 250)

	target := srv.URL + "/taxii2/hub/collections/" + b.collection + "/objects/"
	source := alertPush{db: a.db, push: taxiiLink{peer: "NODE-B", collection: a.collection, url: target},
		actor: secunion.Actor{Login: "federation", Authority: "NODE-B", AuthorityKind: string(access.KindCSIRT), Roles: []string{access.RoleNode}}}
	drop := 2
	client := &http.Client{Transport: droppingTransport{srv.Client().Transport, &drop}}
	log := slog.New(slog.DiscardHandler)
	ps := &alerts.Pusher{URL: target, Token: token, Client: client, Source: source, Log: log, Limit: 40}
	pages := 0
	for {
		if _, err := ps.Page(ctx); err != nil {
			break // the lost answer
		}
		pages++
	}
	if pages != 1 {
		t.Fatalf("lost an answer after %d pages, want 1", pages)
	}
	a.share(t, "DE-CERT", 2, 60) // A's CSIRT shares more meanwhile, and two objects no node receives
	de := secunion.Actor{Local: true, Login: "o", Authority: "DE-CERT", AuthorityKind: string(access.KindCSIRT)}
	v, err := a.db.AlertView(ctx, de, federationDecl, a.collection)
	if err != nil {
		t.Fatal(err)
	}
	var held []json.RawMessage
	for i, tlp := range []alerts.TLP{alerts.TLPAmberStrict, alerts.TLPRed} {
		held = append(held, json.RawMessage(fmt.Sprintf(`{"type":"indicator","spec_version":"2.1","id":"indicator--6b8e2c5a-1f0d-4c3b-9a7e-00000000000%d",`+
			`"created":"2026-11-20T10:00:00Z","modified":"2026-11-20T10:00:00Z","pattern":"[ipv4-addr:value = '198.51.100.%d']","pattern_type":"stix",`+
			`"valid_from":"2026-11-20T10:00:00Z","object_marking_refs":["%s"]}`, i, i, alerts.TLPMarkingID(tlp))))
	}
	checked := alerts.Checker{}.Batch(held)
	if st, err := a.db.AddAlertObjects(ctx, de, federationDecl, v, checked.Objects, checked.Failures); err != nil || st.SuccessCount != 2 {
		t.Fatalf("%v %+v", err, st)
	}
	ps = &alerts.Pusher{URL: target, Token: token, Client: srv.Client(), Source: source, Log: log, Limit: 40}
	for {
		caughtUp, err := ps.Page(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if caughtUp {
			break
		}
	}
	// What A discloses to NODE-B, by id.
	want := map[string]bool{}
	for cursor := ""; ; {
		objs, next, more, err := source.Page(ctx, cursor, alerts.MaxPage)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range objs {
			var h struct {
				ID      string
				Marking []string `json:"object_marking_refs"`
			}
			json.Unmarshal(o, &h)
			want[h.ID] = true
			for _, m := range h.Marking {
				if m == alerts.TLPMarkingID(alerts.TLPRed) || m == alerts.TLPMarkingID(alerts.TLPAmberStrict) {
					t.Errorf("%s, above TLP:AMBER, goes to a node", h.ID)
				}
			}
		}
		if cursor = next; !more {
			break
		}
	}
	got := b.versions(t, "NODE-A")
	if len(want) != 310 {
		t.Fatalf("A lets NODE-B receive %d objects, want the 310 of TLP:AMBER or below", len(want))
	}
	for id := range want {
		if got[id] != 1 {
			t.Errorf("B holds %d versions of %s", got[id], id)
		}
	}
	if len(got) != len(want) {
		t.Errorf("B holds %d objects, A sent %d", len(got), len(want))
	}
}
