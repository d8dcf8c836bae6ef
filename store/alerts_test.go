package store_test

import (
	"context"
	"encoding/json"
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
