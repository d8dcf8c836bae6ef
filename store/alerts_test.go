package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"secunion"
	"secunion/access"
	"secunion/alerts"
	"secunion/store"
	"secunion/synth"
)

// hub sets up a collection that DE-CERT writes and reads, and returns
// DE-CERT's view of it.
func hub(t *testing.T, db *store.DB) (secunion.Actor, access.Declaration, store.HubView) {
	t.Helper()
	ctx := context.Background()
	if _, err := db.CreateAuthority(ctx, admin, access.Authority{Code: "DE-CERT", Name: "CERT-Bund", Country: "DE", Kind: access.KindCSIRT}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PutAlertGroup(ctx, admin, alerts.Group{Name: "cyber", Members: []string{"DE-CERT"}}); err != nil {
		t.Fatal(err)
	}
	c, err := db.PutAlertCollection(ctx, admin, alerts.Collection{Title: "Feed", Readers: "cyber", Writers: "cyber", DefaultTLP: alerts.TLPGreen})
	if err != nil {
		t.Fatal(err)
	}
	actor := secunion.Actor{Login: "analyst", Authority: "DE-CERT", AuthorityKind: string(access.KindCSIRT), Roles: []string{access.RoleOfficer}}
	decl := access.Declaration{Purpose: secunion.PurposeAlertSharing}
	v, err := db.AlertView(ctx, actor, decl, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return actor, decl, v
}

func feed(t *testing.T, seed uint64, n int) []json.RawMessage {
	t.Helper()
	var raws []json.RawMessage
	if err := synth.STIX(seed, n, epoch, func(b json.RawMessage) error { raws = append(raws, b); return nil }); err != nil {
		t.Fatal(err)
	}
	return raws
}

// TestAlertPagingWhileWriting pulls a collection page by page while a
// writer adds objects: the reader, following `next`, gets every object
// added before it reaches the end exactly once, in the order added.
func TestAlertPagingWhileWriting(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		db := e.open(t, store.Options{})
		seed(t, db)
		actor, decl, v := hub(t, db)
		ctx := context.Background()
		add := func(raws []json.RawMessage) {
			checked := alerts.Checker{Marking: db.MarkingHeld(ctx)}.Batch(raws)
			if len(checked.Failures) > 0 {
				t.Errorf("synthetic objects refused: %+v", checked.Failures[0])
			}
			if _, err := db.AddAlertObjects(ctx, actor, decl, v, checked.Objects, nil); err != nil {
				t.Error(err)
			}
		}
		first := feed(t, 1, 600)
		add(first)
		later := feed(t, 2, 900)
		done := make(chan struct{})
		go func() {
			defer close(done)
			for i := 0; i < len(later); i += 10 {
				add(later[i:min(i+10, len(later))])
			}
		}()
		seen := map[string]int{}
		f := alerts.Filter{Versions: []string{"all"}, Limit: 37}
		pages, writerDone := 0, false
		for {
			p, err := db.AlertObjects(ctx, actor, decl, v, f, "")
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, o := range p.Objects {
				var id struct{ ID string }
				json.Unmarshal(o, &id)
				seen[id.ID]++
			}
			if p.Next != "" {
				if f.After, err = alerts.ParseCursor(p.Next); err != nil {
					t.Fatal(err)
				}
			}
			if p.More {
				continue
			}
			// At the end: once the writer is done, one more pull from
			// the cursor drains what it added meanwhile.
			if writerDone {
				break
			}
			select {
			case <-done:
				writerDone = true
			default:
			}
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("%s received %d times", id, n)
			}
		}
		if len(seen) != len(first)+len(later) {
			t.Errorf("received %d objects of %d", len(seen), len(first)+len(later))
		}
		t.Logf("%d pages", pages)
	})
}

// TestIngestMarkingsAcrossChunks imports a bundle whose marking
// definition comes first and whose objects, in later chunks checked in
// parallel, refer to it: every object resolves it, and one whose marking
// is defined nowhere is refused with the field named.
func TestIngestMarkingsAcrossChunks(t *testing.T) {
	engines(t, func(t *testing.T, e env) { ingestMarkings(t, e.open(t, store.Options{})) })
}

func ingestMarkings(t *testing.T, db *store.DB) {
	seed(t, db)
	actor, decl, v := hub(t, db)
	const statement = "marking-definition--1d0a5e2c-3c4b-4a5d-9e6f-7a8b9c0d1e2f"
	var b strings.Builder
	b.WriteString(`{"type":"bundle","id":"bundle--6f3a2b1c-0d4e-4f5a-8b6c-7d8e9f0a1b2c","objects":[`)
	fmt.Fprintf(&b, `{"type":"marking-definition","spec_version":"2.1","id":%q,"created":"2026-11-01T09:00:00Z","definition_type":"statement","definition":{"statement":"Copyright CERT-Bund"}}`, statement)
	n := 3*store.IngestChunk + 10
	for i := range n {
		marking := statement
		if i == n-1 {
			marking = "marking-definition--00000000-0000-4000-8000-000000000000"
		}
		fmt.Fprintf(&b, `,{"type":"indicator","spec_version":"2.1","id":"indicator--6f3a2b1c-0d4e-4f5a-8b6c-%012d","created":"2026-11-01T09:00:00Z","modified":"2026-11-01T09:00:00Z",`+
			`"pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2026-11-01T09:00:00Z","object_marking_refs":[%q]}`, i, marking)
	}
	b.WriteString("]}")
	ctx := context.Background()
	var stored, refused int
	var why string
	err := db.IngestAlerts(ctx, actor, decl, v, strings.NewReader(b.String()), alerts.Checker{Marking: db.MarkingHeld(ctx)}, func(st alerts.Status) {
		stored += st.SuccessCount
		refused += st.FailureCount
		for _, f := range st.Failures {
			why = f.Message
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if stored != n || refused != 1 || !strings.Contains(why, "object_marking_refs[0]") {
		t.Errorf("%d stored, %d refused (%s), want %d and 1", stored, refused, why, n)
	}
}
