package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/alerts"
	"secunion/store"
	"secunion/synth"
)

// corpus returns a synthetic STIX bundle of n objects (seed 1) as bytes.
func corpus(b *testing.B, n int) []byte {
	b.Helper()
	var buf bytes.Buffer
	buf.WriteString(`{"type":"bundle","id":"bundle--6f3a2b1c-0d4e-4f5a-8b6c-7d8e9f0a1b2c","objects":[`)
	i := 0
	err := synth.STIX(1, n, epoch, func(o json.RawMessage) error {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(o)
		i++
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	buf.WriteString("]}")
	return buf.Bytes()
}

// envInt reads a size from the environment.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// benchHub returns a database of engine with a collection that DE-CERT
// reads and writes, an officer of DE-CERT and its view of it.
func benchHub(b *testing.B, engine store.Engine) (*store.DB, secunion.Actor, access.Declaration, store.HubView) {
	db, _ := benchDB(b, engine, store.Options{CheckpointEvery: 2 * time.Second})
	ctx := context.Background()
	if _, err := db.CreateAuthority(ctx, secunion.LocalOperator, access.Authority{Code: "DE-CERT", Name: "CERT-Bund", Country: "DE", Kind: access.KindCSIRT}); err != nil {
		b.Fatal(err)
	}
	if _, err := db.PutAlertGroup(ctx, secunion.LocalOperator, alerts.Group{Name: "cyber", Members: []string{"DE-CERT"}}); err != nil {
		b.Fatal(err)
	}
	c, err := db.PutAlertCollection(ctx, secunion.LocalOperator, alerts.Collection{Title: "Feed", Readers: "cyber", Writers: "cyber"})
	if err != nil {
		b.Fatal(err)
	}
	actor := secunion.Actor{Login: "analyst", Authority: "DE-CERT", AuthorityKind: string(access.KindCSIRT), Roles: []string{access.RoleOfficer}}
	decl := access.Declaration{Purpose: secunion.PurposeAlertSharing}
	v, err := db.AlertView(ctx, actor, decl, c.ID)
	if err != nil {
		b.Fatal(err)
	}
	return db, actor, decl, v
}

// BenchmarkAlertIngest measures objects per second into the hub, in the
// steps `secunion alerts import` takes, on the synthetic feed of
// SECUNION_ALERT_N objects (100,000 by default; 1,000,000 for the figure
// in BENCHMARKS.md), with the DISARM bundle too when the shared material
// is there:
//
//   - decode: encoding/json decoding every object into a map, the ceiling;
//   - checked: read from the bundle, parsed and checked (no schemas);
//   - schemas: the same with the OASIS schemas (when the shared folder is
//     present);
//   - stored-sqlite, stored-postgres: checked (with the schemas when
//     present), then stored in chunks of 1,000 with one audit entry per
//     chunk, durably (SQLite synchronous=FULL; a throwaway PostgreSQL 15
//     cluster with fsync on), as the import does, and the correlation and
//     text indexes caught up.
//
// The figure in BENCHMARKS.md:
//
// The figure's run:
//
//	SECUNION_ALERT_N=1000000 go test ./store -run '^$' -bench AlertIngest -benchtime 1x -count 3
func BenchmarkAlertIngest(b *testing.B) {
	n := envInt("SECUNION_ALERT_N", 100_000)
	data := corpus(b, n)
	inputs := map[string][]byte{"synthetic": data}
	if d, err := os.ReadFile("../../shared/testdata/stix/disarm/DISARM.json"); err == nil {
		inputs["disarm"] = d
	}
	var schemas *alerts.Validator
	if _, err := os.Stat("../../shared/testdata/stix/schemas"); err == nil {
		var err error
		if schemas, err = alerts.LoadSchemas(os.DirFS("../../shared/testdata/stix/schemas")); err != nil {
			b.Fatal(err)
		}
	}
	for name, data := range inputs {
		count := 0
		read := func(fn func([]json.RawMessage) error) {
			count = 0
			if err := alerts.ReadObjects(bytes.NewReader(data), 1000, func(raws []json.RawMessage) error { count += len(raws); return fn(raws) }); err != nil {
				b.Fatal(err)
			}
		}
		report := func(b *testing.B, start time.Time) {
			b.ReportMetric(float64(count*b.N)/time.Since(start).Seconds(), "objects/s")
		}
		b.Run(name+"/decode", func(b *testing.B) {
			start := time.Now()
			for range b.N {
				read(func(raws []json.RawMessage) error {
					for _, r := range raws {
						var m map[string]any
						if err := json.Unmarshal(r, &m); err != nil {
							return err
						}
					}
					return nil
				})
			}
			report(b, start)
		})
		check := func(b *testing.B, c alerts.Checker) {
			start := time.Now()
			for range b.N {
				read(func(raws []json.RawMessage) error {
					if got := c.Batch(raws); len(got.Failures) > 0 {
						b.Fatalf("refused: %+v", got.Failures[0])
					}
					return nil
				})
			}
			report(b, start)
		}
		b.Run(name+"/checked", func(b *testing.B) { check(b, alerts.Checker{}) })
		if schemas != nil {
			b.Run(name+"/schemas", func(b *testing.B) { check(b, alerts.Checker{Schemas: schemas}) })
		}
		for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
			b.Run(name+"/stored-"+string(engine), func(b *testing.B) {
				var elapsed time.Duration
				for range b.N {
					db, actor, decl, v := benchHub(b, engine)
					ctx := context.Background()
					checker := alerts.Checker{Schemas: schemas, Marking: db.MarkingHeld(ctx)}
					start := time.Now()
					count = 0
					err := db.IngestAlerts(ctx, actor, decl, v, bytes.NewReader(data), checker, func(st alerts.Status) {
						if st.FailureCount > 0 {
							b.Errorf("refused: %+v", st.Failures[0])
						}
						count += st.SuccessCount
					})
					if err != nil {
						b.Fatal(err)
					}
					if err := db.CatchUpAlertIndex(ctx, nil); err != nil {
						b.Fatal(err)
					}
					elapsed += time.Since(start)
				}
				b.ReportMetric(float64(count*b.N)/elapsed.Seconds(), "objects/s")
			})
		}
	}
}

// BenchmarkCorrelateAlerts looks values up end to end, as the API does:
// the index, the latest versions read back, Disclose for the caller, the
// values checked in what is disclosed, decay for indicators, and the
// lookup audited, durably. The collection holds SECUNION_CORRELATE_OBJECTS
// synthetic objects (100,000 by default); the values looked up are drawn
// from them, so every lookup finds something.
//
//	go test ./store -run '^$' -bench CorrelateAlerts -benchtime 20000x -count 3
func BenchmarkCorrelateAlerts(b *testing.B) {
	n := envInt("SECUNION_CORRELATE_OBJECTS", 100_000)
	data := corpus(b, n)
	db, actor, decl, v := benchHub(b, store.SQLite)
	ctx := context.Background()
	var values []alerts.Value
	checker := alerts.Checker{Marking: db.MarkingHeld(ctx)}
	err := db.IngestAlerts(ctx, actor, decl, v, bytes.NewReader(data), checker, func(alerts.Status) {})
	if err != nil {
		b.Fatal(err)
	}
	err = alerts.ReadObjects(bytes.NewReader(data), 1000, func(raws []json.RawMessage) error {
		for _, o := range (alerts.Checker{}).Batch(raws).Objects {
			values = append(values, alerts.Values(o)...)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := db.CatchUpAlertIndex(ctx, nil); err != nil {
		b.Fatal(err)
	}
	lists := alerts.DefaultWarninglists()
	b.Run("api", func(b *testing.B) {
		var next atomic.Int64
		b.SetParallelism(4) // 8 callers on 2 cores: audit entries share commits
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				val := values[int(next.Add(7919))%len(values)]
				got, err := db.CorrelateAlerts(ctx, actor, decl, val, lists, 0)
				if err != nil || len(got.Matches) == 0 {
					b.Errorf("%v: %d matches, %v", val, len(got.Matches), err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
	})
	b.Logf("%d objects, %d values", n, len(values))
}
