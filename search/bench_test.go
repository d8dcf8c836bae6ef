package search_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"secunion"
	"secunion/access"
	"secunion/audit"
	"secunion/identity"
	"secunion/names"
	"secunion/search"
	"secunion/store/pgtest"
	"secunion/synth"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}

// BenchmarkESP measures the European Search Portal over synthetic records
// (package synth, fixed seed): latency percentiles and queries per second
// of name + date-of-birth queries and of document-number queries across all
// eight systems, and the quality of name queries on noisy variants of known
// persons (recall@10 of the person's records, precision of the top hit).
// The peer, in the same run, is PostgreSQL's pg_trgm similarity search
// (GIN trigram index) over the same names, already normalised and
// transliterated by package names, with the same queries.
//
//	SECUNION_BENCH_PERSONS=600000 go test ./search -run '^$' -bench ESP -benchtime 1x -timeout 60m
//
// Records are served from memory (the store's read of each hit's record is
// left out); the index is the one the node runs.
func BenchmarkESP(b *testing.B) {
	persons := 40_000
	if v, err := strconv.Atoi(os.Getenv("SECUNION_BENCH_PERSONS")); err == nil && v > 0 {
		persons = v
	}
	const queries = 2000
	opts := synth.Options{Persons: persons, Seed: 7, Now: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)}

	// First pass: the ground truth and the peer's rows. Only records that
	// hold identity data are relevant to a name query: a record holding
	// only a document is sought by its number.
	owner := map[string]string{}     // "SYSTEM/id" → person
	records := map[string][]string{} // person → its "SYSTEM/id" with identity data
	var rows [][]any                 // for the peer
	err := synth.Generate(opts, func(r identity.Record, t synth.Truth) error {
		ref := r.System + "/" + r.ID
		owner[ref] = t.Person
		if r.Person != nil {
			records[t.Person] = append(records[t.Person], ref)
			year := 0
			if d, err := names.ParseDate(r.Person.BirthDate, opts.Now); err == nil {
				year = d.Year
			}
			rows = append(rows, []any{ref, names.Normalize(r.Person.Surname + " " + r.Person.GivenNames), year})
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	// Second pass: the index, alone on a measured heap.
	before := heapInUse()
	index := search.NewIndex()
	start := time.Now()
	if err := synth.Generate(opts, func(r identity.Record, _ synth.Truth) error { index.Put(r); return nil }); err != nil {
		b.Fatal(err)
	}
	build := time.Since(start)
	indexMB := (heapInUse() - before) >> 20
	b.Logf("%d persons, %d records indexed in %v (generation included); index heap %d MB", persons, index.Len(), build.Round(time.Millisecond), indexMB)
	b.ReportMetric(float64(indexMB), "index-heap-MB")

	var qs []synth.Query
	if err := synth.Queries(opts, queries, func(q synth.Query) error { qs = append(qs, q); return nil }); err != nil {
		b.Fatal(err)
	}
	portal := &search.Portal{Clock: secunion.SystemClock{}, Timeout: 5 * time.Second,
		Audit:   func(context.Context, audit.Entry, ...string) error { return nil },
		Sources: map[string]search.Source{}}
	for _, sys := range identity.Systems {
		portal.Sources[sys] = search.Local{System: sys, Index: index, Records: refs{}, Clock: secunion.SystemClock{}}
	}
	prof := access.Profile{Systems: identity.Systems, Fields: []string{access.FieldIdentity}}
	ask := func(q search.Query) []search.Hit {
		ch, err := portal.Search(context.Background(), secunion.Actor{Login: "bench"}, access.Declaration{Purpose: secunion.PurposeLawEnforcement}, prof, q)
		if err != nil {
			b.Fatal(err)
		}
		var hits []search.Hit
		for a := range ch {
			hits = append(hits, a.Hits...)
		}
		return hits
	}

	b.ResetTimer()
	// Name + date of birth: latency, quality.
	var lat []time.Duration
	found, relevant, top := 0, 0, 0
	for _, q := range qs {
		t0 := time.Now()
		hits := ask(search.Query{Surname: q.Surname, GivenNames: q.GivenNames, BirthDate: q.BirthDate})
		lat = append(lat, time.Since(t0))
		f, r, ok := quality(hits, q.Person, owner, records)
		found, relevant = found+f, relevant+r
		if ok {
			top++
		}
	}
	report(b, "name", lat)
	b.ReportMetric(float64(found)/float64(relevant), "recall@10")
	b.ReportMetric(float64(top)/float64(len(qs)), "top-hit-precision")
	b.ReportMetric(qps(len(qs), func(i int) {
		q := qs[i]
		ask(search.Query{Surname: q.Surname, GivenNames: q.GivenNames, BirthDate: q.BirthDate})
	}), "name-q/s")

	// Document numbers.
	var docs []string
	for _, q := range qs {
		if q.DocumentNumber != "" {
			docs = append(docs, q.DocumentNumber)
		}
	}
	if len(docs) > 0 {
		lat = lat[:0]
		for _, d := range docs {
			t0 := time.Now()
			ask(search.Query{DocumentNumber: d})
			lat = append(lat, time.Since(t0))
		}
		report(b, "doc", lat)
	}
	b.StopTimer()
	if rss := residentMB(); rss > 0 {
		b.ReportMetric(float64(rss), "rss-MB")
	}
	peer(b, rows, qs, owner, records)
}

// refs serves a hit's record as its reference alone: the benchmark leaves
// the store's read out.
type refs struct{}

func (refs) Record(_ context.Context, system, id string) (identity.Record, error) {
	return identity.Record{System: system, ID: id}, nil
}

// quality counts how many of the person's records are among the hits and
// whether the best hit is the person's.
func quality(hits []search.Hit, person string, owner map[string]string, records map[string][]string) (found, relevant int, topOK bool) {
	best := -1.0
	for _, h := range hits {
		ref := h.System + "/" + h.RecordID
		if owner[ref] == person {
			found++
		}
		if h.Score > best {
			best, topOK = h.Score, owner[ref] == person
		}
	}
	return found, len(records[person]), topOK
}

func report(b *testing.B, what string, lat []time.Duration) {
	slices.Sort(lat)
	at := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(at(0.50), what+"-p50-ms")
	b.ReportMetric(at(0.95), what+"-p95-ms")
	b.ReportMetric(at(0.99), what+"-p99-ms")
}

// qps runs n queries from as many clients as cores and returns queries per
// second.
func qps(n int, one func(i int)) float64 {
	clients := runtime.GOMAXPROCS(0) * 2
	var wg sync.WaitGroup
	next := make(chan int, n)
	for i := range n {
		next <- i
	}
	close(next)
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				one(i)
			}
		}()
	}
	wg.Wait()
	return float64(n) / time.Since(start).Seconds()
}

// heapInUse returns the bytes of heap in use after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

func residentMB() int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.Atoi(f[1])
			return kb >> 10
		}
	}
	return 0
}

// peer runs the same name + date queries on PostgreSQL pg_trgm: latency
// one query at a time, then queries per second from as many connections as
// the portal had clients. SECUNION_BENCH_PEER_QUERIES caps the queries it
// runs (all by default), for sizes where the peer takes too long.
func peer(b *testing.B, rows [][]any, qs []synth.Query, owner map[string]string, records map[string][]string) {
	ctx := context.Background()
	if v, err := strconv.Atoi(os.Getenv("SECUNION_BENCH_PEER_QUERIES")); err == nil && v > 0 && v < len(qs) {
		qs = qs[:v]
	}
	cfg, err := pgxpool.ParseConfig(pgtest.DSN(b))
	if err != nil {
		b.Fatal(err)
	}
	cfg.MaxConns = int32(runtime.GOMAXPROCS(0) * 2)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	for _, q := range []string{
		`CREATE EXTENSION pg_trgm`,
		`CREATE TABLE people (ref TEXT PRIMARY KEY, name TEXT NOT NULL, birth_year INT NOT NULL)`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"people"}, []string{"ref", "name", "birth_year"}, pgx.CopyFromRows(rows)); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	conn, err := pool.Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{`SET maintenance_work_mem = '2GB'`, `CREATE INDEX people_name ON people USING gin (name gin_trgm_ops)`, `ANALYZE people`} {
		if _, err := conn.Exec(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	conn.Release()
	fmt.Fprintf(os.Stderr, "pg_trgm peer: %d rows, index built in %v\n", len(rows), time.Since(start).Round(time.Second))
	const sql = `SELECT ref, similarity(name, $1) AS s FROM people
		WHERE name % $1 AND (birth_year BETWEEN $2 - 1 AND $2 + 1 OR birth_year = 0 OR $2 = 0)
		ORDER BY s DESC LIMIT 80`
	ask := func(q synth.Query) []string {
		year := 0
		if d, err := names.ParseDate(q.BirthDate, time.Now()); err == nil {
			year = d.Year
		}
		r, err := pool.Query(ctx, sql, names.Normalize(q.Surname+" "+q.GivenNames), year)
		if err != nil {
			b.Fatal(err)
		}
		defer r.Close()
		var refs []string
		for r.Next() {
			var ref string
			var s float64
			if err := r.Scan(&ref, &s); err != nil {
				b.Fatal(err)
			}
			refs = append(refs, ref)
		}
		if err := r.Err(); err != nil {
			b.Fatal(err)
		}
		return refs
	}
	var lat []time.Duration
	found, relevant, top := 0, 0, 0
	for _, q := range qs {
		t0 := time.Now()
		refs := ask(q)
		lat = append(lat, time.Since(t0))
		for i, ref := range refs {
			if owner[ref] == q.Person {
				found++
				if i == 0 {
					top++
				}
			}
		}
		relevant += len(records[q.Person])
	}
	report(b, "pg_trgm-name", lat)
	b.ReportMetric(float64(found)/float64(relevant), "pg_trgm-recall@10")
	b.ReportMetric(float64(top)/float64(len(qs)), "pg_trgm-top-hit-precision")
	b.ReportMetric(qps(len(qs), func(i int) { ask(qs[i]) }), "pg_trgm-name-q/s")
	fmt.Fprintf(os.Stderr, "pg_trgm peer: %d queries\n", len(qs))
}
