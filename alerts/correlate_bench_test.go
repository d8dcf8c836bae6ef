package alerts

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// corpusValues returns n observable values as a hub holds them, two per
// object version, with the index in pool of each draw: four in five drawn
// evenly from a pool of 0.8 n values (most seen once or twice), one in
// five with a Zipf law from its first tenth (infrastructure that many
// reports name); a quarter each addresses, domains, URLs and SHA-256
// hashes.
func corpusValues(n int) (pool []Value, draws []uint32) {
	r := rand.New(rand.NewPCG(15, 15))
	pool = make([]Value, n*8/10)
	for i := range pool {
		switch i % 4 {
		case 0:
			a := uint32(i) * 2654435761 // a bijection: distinct i, distinct address
			pool[i] = Value{KindIPv4, fmt.Sprintf("%d.%d.%d.%d", a>>24, a>>16&255, a>>8&255, a&255)}
		case 1:
			pool[i] = Value{KindDomain, "host-" + strconv.Itoa(i) + ".example"}
		case 2:
			pool[i] = Value{KindURL, "https://cdn-" + strconv.Itoa(i%100000) + ".example/p/" + strconv.Itoa(i)}
		default:
			pool[i] = Value{"sha-256", fmt.Sprintf("%016x%016x%016x%016x", r.Uint64(), r.Uint64(), r.Uint64(), i)}
		}
	}
	z := rand.NewZipf(r, 1.1, 10, uint64(len(pool)/10-1))
	draws = make([]uint32, n)
	for i := range draws {
		if r.IntN(5) == 0 {
			draws[i] = uint32(z.Uint64())
		} else {
			draws[i] = uint32(r.IntN(len(pool)))
		}
	}
	return pool, draws
}

// BenchmarkCorrelationIndex builds the index over SECUNION_CORRELATE_N
// values (1,000,000 by default; 10,000,000 for the figure in
// BENCHMARKS.md) and looks values up. Beside it, the peers in the same
// run: a plain Go map from the value's text to its postings, the obvious
// index, and the rows MISP's correlation table would hold for the same
// values (one per pair of attributes sharing a value, both directions).
//
//	SECUNION_CORRELATE_N=10000000 go test ./alerts -run '^$' -bench CorrelationIndex -benchtime 2000000x -count 3
func BenchmarkCorrelationIndex(b *testing.B) {
	n := 1_000_000
	if s := os.Getenv("SECUNION_CORRELATE_N"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	pool, draws := corpusValues(n)
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	start := time.Now()
	x := NewIndex(0)
	for i := 0; i < len(draws); i += 2 {
		if err := x.Add(int64(i/2+1), []Value{pool[draws[i]], pool[draws[i+1]]}); err != nil {
			b.Fatal(err)
		}
	}
	build := time.Since(start)
	indexBytes := heap() - before
	st := x.Stats()

	// The plain map, built from the same draws.
	before = heap()
	plain := map[Value][]uint32{}
	for i, d := range draws {
		plain[pool[d]] = append(plain[pool[d]], uint32(i/2+1))
	}
	plainBytes := heap() - before
	var pairs uint64
	for _, p := range plain {
		pairs += uint64(len(p)) * uint64(len(p)-1)
	}
	runtime.KeepAlive(plain)

	b.Run("lookup", func(b *testing.B) {
		r := rand.New(rand.NewPCG(1, 2))
		hits := 0
		for b.Loop() {
			if seqs, _ := x.Lookup(pool[draws[r.IntN(len(draws))]]); len(seqs) > 0 {
				hits++
			}
		}
		if hits != b.N {
			b.Fatalf("%d of %d values found", hits, b.N)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
	})
	b.Run("lookup-parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			r := rand.New(rand.NewPCG(rand.Uint64(), 2))
			for pb.Next() {
				x.Lookup(pool[draws[r.IntN(len(draws))]])
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
	})
	b.Logf("%d values drawn, %d distinct, %d postings, %d capped; build %.1f s (%.0f values/s); index %.1f bytes/value drawn (%d MiB), plain map %.1f bytes/value (%d MiB); MISP's table: %d rows",
		n, st.Values, st.Postings, st.Capped, build.Seconds(), float64(n)/build.Seconds(),
		float64(indexBytes)/float64(n), indexBytes>>20, float64(plainBytes)/float64(n), plainBytes>>20, pairs)
}
