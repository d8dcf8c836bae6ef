package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/alerts"
	"secunion/httpapi"
	"secunion/store"
	"secunion/synth"
)

// BenchmarkTAXIIPull measures the objects per second a TAXII client pulls
// from a collection of SECUNION_ALERT_N synthetic objects (100,000 by
// default; 1,000,000 for BENCHMARKS.md) over HTTP on loopback, following
// `next` with pages of 1,000 and 10,000: each page read in commit order,
// every object passed through Disclose, the page audited as a
// disclosure, and the client decoding the envelope. It checks that every
// object arrives once. The ceiling beside it is the store's own page
// read without HTTP, Disclose's work included.
//
//	SECUNION_ALERT_N=1000000 go test ./httpapi -run '^$' -bench TAXIIPull -benchtime 1x -count 3
func BenchmarkTAXIIPull(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("SECUNION_ALERT_N")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	dir := b.TempDir()
	keys, err := store.LoadKeys(dir)
	if err != nil {
		b.Fatal(err)
	}
	db, err := store.OpenSQLite(ctx, dir, store.Options{Keys: keys, CheckpointEvery: 2 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	op := secunion.LocalOperator
	if _, err := db.CreateAuthority(ctx, op, access.Authority{Code: "DE-CERT", Name: "CERT-Bund", Country: "DE", Kind: access.KindCSIRT}); err != nil {
		b.Fatal(err)
	}
	if _, err := db.CreateUser(ctx, op, access.User{Login: "analyst", Name: "Analyst", Authority: "DE-CERT", Roles: []string{access.RoleOfficer}}, ""); err != nil {
		b.Fatal(err)
	}
	token, _, err := db.CreateToken(ctx, op, "analyst", "bench", 0)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.PutAlertGroup(ctx, op, alerts.Group{Name: "cyber", Members: []string{"DE-CERT"}}); err != nil {
		b.Fatal(err)
	}
	c, err := db.PutAlertCollection(ctx, op, alerts.Collection{Title: "Feed", Readers: "cyber", Writers: "cyber", DefaultTLP: alerts.TLPGreen})
	if err != nil {
		b.Fatal(err)
	}
	actor := secunion.Actor{Login: "analyst", Authority: "DE-CERT", AuthorityKind: string(access.KindCSIRT), Roles: []string{access.RoleOfficer}}
	decl := access.Declaration{Purpose: secunion.PurposeAlertSharing}
	v, err := db.AlertView(ctx, actor, decl, c.ID)
	if err != nil {
		b.Fatal(err)
	}
	var bundle bytes.Buffer
	bundle.WriteString(`{"objects":[`)
	i := 0
	synth.STIX(1, n, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), func(o json.RawMessage) error {
		if i++; i > 1 {
			bundle.WriteByte(',')
		}
		bundle.Write(o)
		return nil
	})
	bundle.WriteString("]}")
	if err := db.IngestAlerts(ctx, actor, decl, v, &bundle, alerts.Checker{Marking: db.MarkingHeld(ctx)}, func(alerts.Status) {}); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(httpapi.New(httpapi.Config{DB: db, Version: "bench"}))
	defer srv.Close()
	objects := srv.URL + "/taxii2/hub/collections/" + c.ID + "/objects/"
	for _, limit := range []int{1000, 10000} {
		b.Run("http/limit="+strconv.Itoa(limit), func(b *testing.B) {
			start := time.Now()
			for range b.N {
				seen := make(map[string]bool, n)
				next := ""
				for {
					u := objects + "?limit=" + strconv.Itoa(limit)
					if next != "" {
						u += "&next=" + next
					}
					req, _ := http.NewRequest("GET", u, nil)
					req.Header.Set("Accept", alerts.MediaType)
					req.Header.Set("Authorization", "Bearer "+token)
					resp, err := srv.Client().Do(req)
					if err != nil {
						b.Fatal(err)
					}
					var env struct {
						More    bool
						Next    string
						Objects []struct{ ID string }
					}
					err = json.NewDecoder(resp.Body).Decode(&env)
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err != nil || resp.StatusCode != 200 {
						b.Fatalf("page: %d %v", resp.StatusCode, err)
					}
					for _, o := range env.Objects {
						if seen[o.ID] {
							b.Fatalf("%s twice", o.ID)
						}
						seen[o.ID] = true
					}
					if !env.More {
						break
					}
					next = env.Next
				}
				if len(seen) != n {
					b.Fatalf("pulled %d objects of %d", len(seen), n)
				}
			}
			b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "objects/s")
		})
		b.Run("store/limit="+strconv.Itoa(limit), func(b *testing.B) {
			start := time.Now()
			for range b.N {
				got := 0
				f := alerts.Filter{Versions: []string{"last"}, Limit: limit}
				for {
					p, err := db.AlertObjects(ctx, actor, decl, v, f, "")
					if err != nil {
						b.Fatal(err)
					}
					got += len(p.Objects)
					if !p.More {
						break
					}
					f.After, _ = alerts.ParseCursor(p.Next)
				}
				if got != n {
					b.Fatalf("read %d objects of %d", got, n)
				}
			}
			b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "objects/s")
		})
	}
}
