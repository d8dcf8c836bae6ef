package store_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/audit"
	"secunion/store"
	"secunion/store/pgtest"
)

// BenchmarkAuditedWrites measures durable, audited writes per second: each
// write creates an API token and appends its audit entry in the same
// transaction, and returns only after commit (WAL with synchronous=FULL on
// SQLite; fsync=on on PostgreSQL). "grouped" is the product's group commit;
// "single" (one transaction per write) is the peer it is compared with.
//
//	go test ./store -run '^$' -bench AuditedWrites -benchtime 2000x
func BenchmarkAuditedWrites(b *testing.B) {
	pgtest.Durable = true
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		for _, mode := range []string{"grouped", "single"} {
			for _, clients := range []int{1, 8, 32} {
				b.Run(fmt.Sprintf("%s/%s/clients=%d", engine, mode, clients), func(b *testing.B) {
					opts := store.Options{CheckpointEvery: 2 * time.Second}
					if mode == "single" {
						opts.MaxBatch = 1
					}
					db, _ := benchDB(b, engine, opts)
					ctx := context.Background()
					b.ResetTimer()
					start := time.Now()
					var wg sync.WaitGroup
					per := (b.N + clients - 1) / clients
					for c := 0; c < clients; c++ {
						wg.Add(1)
						go func() {
							defer wg.Done()
							for i := 0; i < per; i++ {
								if _, _, err := db.CreateToken(ctx, secunion.LocalOperator, "anna", "bench", time.Hour); err != nil {
									b.Error(err)
									return
								}
							}
						}()
					}
					wg.Wait()
					b.ReportMetric(float64(per*clients)/time.Since(start).Seconds(), "writes/s")
				})
			}
		}
	}
}

func benchDB(b *testing.B, engine store.Engine, opts store.Options) (*store.DB, *store.Keys) {
	b.Helper()
	keys, err := store.LoadKeys(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	opts.Keys = keys
	ctx := context.Background()
	var db *store.DB
	if engine == store.SQLite {
		db, err = store.OpenSQLite(ctx, b.TempDir(), opts)
	} else {
		db, err = store.OpenPostgres(ctx, pgtest.DSN(b), opts)
	}
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.CreateAuthority(ctx, secunion.LocalOperator, access.Authority{Code: "DE-BPOL", Name: "Bundespolizei", Country: "DE", Kind: access.KindBorderGuard}); err != nil {
		b.Fatal(err)
	}
	if _, err := db.CreateUser(ctx, secunion.LocalOperator, access.User{Login: "anna", Name: "Anna", Authority: "DE-BPOL", Roles: []string{"officer"}}, ""); err != nil {
		b.Fatal(err)
	}
	return db, keys
}

// BenchmarkVerifyStored measures `secunion audit verify` on a stored log of
// one million entries with a checkpoint every 1,000: reading every row from
// the database, recomputing every leaf hash and checking every checkpoint.
//
//	go test ./store -run '^$' -bench VerifyStored -benchtime 5x -timeout 30m
func BenchmarkVerifyStored(b *testing.B) {
	const entries, perCheckpoint = 1_000_000, 1_000
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			db, keys := benchDB(b, engine, store.Options{CheckpointEvery: time.Hour})
			ctx := context.Background()
			for n := int(db.AuditSize()); n < entries; n += perCheckpoint {
				err := db.Write(ctx, func(tx *store.Tx) error {
					for i := 0; i < perCheckpoint && n+i < entries; i++ {
						err := tx.Audit(audit.Entry{Authority: "DE-BPOL", User: "anna", Operation: audit.OpConsultation,
							Purpose: "border-check", Objects: []string{"record:SIS/" + fmt.Sprint(n+i)}, Categories: []string{"identity", "travel-document"},
							Results: (n + i) % 3, Outcome: "ok"}, fmt.Sprintf("DOE JOHN %d", n+i))
						if err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				if err := db.SignCheckpoint(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			times := make([]time.Duration, b.N)
			for i := range times {
				start := time.Now()
				rep, err := db.VerifyAudit(ctx, keys.Verifier)
				if err != nil || rep.Entries != entries {
					b.Fatalf("verify: %+v %v", rep, err)
				}
				times[i] = time.Since(start)
			}
			slices.Sort(times)
			median := times[len(times)/2]
			b.ReportMetric(median.Seconds(), "s/verify(median)")
			b.ReportMetric(entries/median.Seconds(), "entries/s(median)")
			// The peer: a plain scan reading the same rows and nothing more,
			// the floor that verification's hashing and checks add to.
			scans := make([]time.Duration, b.N)
			for i := range scans {
				start := time.Now()
				if n := db.ScanAuditForBenchmark(ctx); n != entries {
					b.Fatalf("scan read %d rows", n)
				}
				scans[i] = time.Since(start)
			}
			slices.Sort(scans)
			b.ReportMetric(scans[len(scans)/2].Seconds(), "s/scan(median)")
		})
	}
}
