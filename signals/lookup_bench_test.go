package signals

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"secunion"
)

// BenchmarkLookup measures exact PDQ lookups at DefaultDistance among n
// stored hashes (SECUNION_BENCH_HASHES, 100,000 unless set), random and
// the same on every run; half the queries are a stored hash with 0–31
// random bits flipped, half random hashes.
//
//	SECUNION_BENCH_HASHES=10000000 go test ./signals -run '^$' -bench '^BenchmarkLookup$' -benchtime 1x -timeout 60m
//
// It reports the index's build time (n Adds, one by one), its resident
// memory as the process sees it (VmRSS after the build and a garbage
// collection, VmHWM the peak; the benchmark holds no other copy of the
// hashes), queries per second on two goroutines, latency one query at a
// time, and recall on a sample of queries against a linear scan over
// every stored hash, which is also the scan peer (two goroutines). The
// FAISS peer, in the same run (testdata/faiss_mih_peer.py, Debian's
// python3-faiss), builds IndexBinaryMultiHash(256, 16, 16) over the same
// hashes and answers the same queries by exact range search (the first
// 2,000 in one batch on two threads, the first 1,000 one at a time for
// latency), then IndexBinaryFlat answers the sample; it is skipped, with a
// log line, when FAISS is missing or SECUNION_BENCH_PEER=off.
//
// At ten million hashes the run takes about 7 minutes and 3 GB (FAISS's
// index alone is 2.7 GB), 1.3 GB of them this process's.
func BenchmarkLookup(b *testing.B) {
	n := 100_000
	if s := os.Getenv("SECUNION_BENCH_HASHES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1000 || n > 1<<31 {
			b.Fatalf("SECUNION_BENCH_HASHES=%q: give a number of hashes, 1000 to 2³¹", s)
		}
	}
	const (
		nq       = 10_000
		sample   = 500
		workers  = 2
		distance = DefaultDistance
	)
	queries := benchQueries(n, nq)

	runtime.GC()
	before := procStatusMB("VmRSS")
	x := NewIndex()
	start := time.Now()
	for i := range n {
		x.Add(uint32(i), benchHash(i))
	}
	build := time.Since(start)
	runtime.GC()
	debug.FreeOSMemory()
	rss, hwm := procStatusMB("VmRSS"), procStatusMB("VmHWM")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	heap := float64(ms.HeapInuse) / (1 << 20)
	b.Logf("%d hashes added in %v: VmRSS %.0f MB after GC (%.0f MB before the build), VmHWM %.0f MB, Go heap in use %.0f MB",
		n, build.Round(time.Millisecond), rss, before, hwm, heap)

	truth := make([][]uint32, sample)
	scanQPS := parallel(sample, workers, func(i int) { truth[i] = linearScan(x, queries[i], distance) })
	ours := make([][]uint32, sample)
	for i := range ours {
		ms, err := x.Lookup(queries[i], distance)
		if err != nil {
			b.Fatal(err)
		}
		for _, m := range ms {
			ours[i] = append(ours[i], m.ID)
		}
		slices.Sort(ours[i])
	}
	recall, extra := recallOf(ours, truth)
	if recall != 1 || extra != 0 {
		b.Errorf("the index found %.4f of what the scan finds, and %d it does not", recall, extra)
	}

	lat := make([]time.Duration, nq)
	for i, q := range queries {
		t0 := time.Now()
		x.Lookup(q, distance)
		lat[i] = time.Since(t0)
	}
	slices.Sort(lat)
	p50, p99 := us(lat[nq/2]), us(lat[nq*99/100])

	b.ResetTimer()
	var qps float64
	for b.Loop() {
		qps = parallel(nq, workers, func(i int) { x.Lookup(queries[i], distance) })
	}
	b.StopTimer()

	b.ReportMetric(float64(n), "hashes")
	b.ReportMetric(build.Seconds(), "build_s")
	b.ReportMetric(rss, "VmRSS_MB")
	b.ReportMetric(hwm, "VmHWM_MB")
	b.ReportMetric(heap, "heap_MB")
	b.ReportMetric(qps, "q/s")
	b.ReportMetric(p50, "p50_us")
	b.ReportMetric(p99, "p99_us")
	b.ReportMetric(recall, "recall")
	b.ReportMetric(scanQPS, "scan_q/s")
	table := [][]string{
		{"", "build", "VmRSS", "q/s (2)", "p50", "p99", "recall"},
		{"secunion Index", secs(build.Seconds()), mb(rss), fmt.Sprintf("%.0f", qps), usText(p50), usText(p99), fmt.Sprintf("%.4f", recall)},
		{"Go linear scan", "", "", fmt.Sprintf("%.1f", scanQPS), "", "", "1 (truth)"},
	}
	defer func() {
		b.Logf("%d hashes, distance %d, %d queries (%d for recall and the scans), GOMAXPROCS %d:\n%s", n, distance, nq, sample, runtime.GOMAXPROCS(0), tableText(table))
	}()

	if os.Getenv("SECUNION_BENCH_PEER") == "off" {
		b.Log("FAISS peer skipped: SECUNION_BENCH_PEER=off")
		return
	}
	peer, err := runFAISSMultiHash(b, n, queries, sample, distance, workers)
	if err != nil {
		b.Logf("FAISS peer skipped: %v", err)
		return
	}
	peerRecall, peerExtra := recallOf(peer.Found, truth)
	flatRecall, _ := recallOf(peer.FlatFound, truth)
	b.ReportMetric(peer.BuildSeconds, "faiss_build_s")
	b.ReportMetric(peer.RSS, "faiss_VmRSS_MB")
	b.ReportMetric(peer.QPS, "faiss_q/s")
	b.ReportMetric(peer.P50*1000, "faiss_p50_us")
	b.ReportMetric(peer.P99*1000, "faiss_p99_us")
	b.ReportMetric(peerRecall, "faiss_recall")
	b.ReportMetric(peer.FlatQPS, "faiss_flat_q/s")
	b.ReportMetric(qps/peer.QPS, "q/s_ratio")
	if peerExtra != 0 {
		b.Logf("FAISS MultiHash found %d hashes beyond distance %d", peerExtra, distance)
	}
	table = append(table[:2],
		[]string{fmt.Sprintf("FAISS %s MultiHash (nflip %d)", peer.Version, peer.NFlip), secs(peer.BuildSeconds), mb(peer.RSS), fmt.Sprintf("%.0f", peer.QPS), usText(peer.P50 * 1000), usText(peer.P99 * 1000), fmt.Sprintf("%.4f", peerRecall)},
		table[2],
		[]string{"FAISS Flat", "", "", fmt.Sprintf("%.1f", peer.FlatQPS), "", "", fmt.Sprintf("%.4f", flatRecall)},
		[]string{"secunion ÷ FAISS MultiHash", fmt.Sprintf("%.2f×", build.Seconds()/peer.BuildSeconds), fmt.Sprintf("%.2f×", rss/peer.RSS), fmt.Sprintf("%.2f×", qps/peer.QPS), fmt.Sprintf("%.2f×", p50/(peer.P50*1000)), fmt.Sprintf("%.2f×", p99/(peer.P99*1000)), ""})
}

// benchHash returns the i-th stored hash of BenchmarkLookup: random, and
// computed alone so that the benchmark need not keep them.
func benchHash(i int) PDQ {
	var w [4]uint64
	for j := range w {
		w[j] = splitmix(uint64(i)*4 + uint64(j))
	}
	return pdqOf(&w)
}

// splitmix is the SplitMix64 output for state v.
func splitmix(v uint64) uint64 {
	v += 0x9e3779b97f4a7c15
	v = (v ^ v>>30) * 0xbf58476d1ce4e5b9
	v = (v ^ v>>27) * 0x94d049bb133111eb
	return v ^ v>>31
}

// benchQueries returns nq queries: by turns a stored hash with 0–31 random
// bits flipped and a random hash.
func benchQueries(n, nq int) []PDQ {
	r := rand.New(rand.NewPCG(11, 12))
	qs := make([]PDQ, nq)
	for i := range qs {
		if i%2 == 0 {
			qs[i] = near(r, benchHash(r.IntN(n)), r.IntN(32))
		} else {
			qs[i] = randomPDQ(r)
		}
	}
	return qs
}

// linearScan returns the IDs of the hashes within distance of q, sorted,
// by reading every stored hash.
func linearScan(x *Index, q PDQ, distance int) []uint32 {
	qw := q.words()
	var out []uint32
	for c, words := range x.words {
		held := min(chunk, int(x.n)-c*chunk)
		for i := range held {
			w := words[i*4 : i*4+4 : i*4+4]
			d := bits.OnesCount64(w[0]^qw[0]) + bits.OnesCount64(w[1]^qw[1]) + bits.OnesCount64(w[2]^qw[2]) + bits.OnesCount64(w[3]^qw[3])
			if d <= distance {
				out = append(out, x.ids[c][i])
			}
		}
	}
	slices.Sort(out)
	return out
}

// parallel runs f on queries 0 to n-1 from the given number of goroutines
// and returns the queries answered per second.
func parallel(n, workers int, f func(i int)) float64 {
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				f(i)
			}
		})
	}
	wg.Wait()
	return float64(n) / time.Since(start).Seconds()
}

// recallOf returns the share of truth's IDs that found holds, query by
// query, and the number of IDs found that truth does not hold.
func recallOf(found, truth [][]uint32) (float64, int) {
	hit, all, extra := 0, 0, 0
	for i, want := range truth {
		all += len(want)
		var got []uint32
		if i < len(found) {
			got = found[i]
		}
		for _, id := range got {
			if _, ok := slices.BinarySearch(want, id); ok {
				hit++
			} else {
				extra++
			}
		}
	}
	if all == 0 {
		return 1, extra
	}
	return float64(hit) / float64(all), extra
}

// procStatusMB returns a memory field of /proc/self/status in MB, or 0
// where there is none.
func procStatusMB(field string) float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(raw)) {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == field+":" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
func usText(v float64) string    { return fmt.Sprintf("%.0f µs", v) }
func secs(v float64) string      { return fmt.Sprintf("%.2f s", v) }
func mb(v float64) string        { return fmt.Sprintf("%.0f MB", v) }

// tableText lays rows out in aligned columns.
func tableText(rows [][]string) string {
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	var sb strings.Builder
	for _, r := range rows {
		for i, c := range r {
			fmt.Fprintf(&sb, "  %-*s", width[i], c)
		}
		sb.WriteString("\n")
	}
	return sb.String()
}

// faissMultiHash is what testdata/faiss_mih_peer.py prints.
type faissMultiHash struct {
	Version      string     `json:"faiss_version"`
	NFlip        int        `json:"nflip"`
	BuildSeconds float64    `json:"build_seconds"`
	RSS          float64    `json:"rss_mb"`
	HWM          float64    `json:"hwm_mb"`
	QPS          float64    `json:"qps"`
	P50          float64    `json:"p50_ms"`
	P99          float64    `json:"p99_ms"`
	Found        [][]uint32 `json:"found"`
	FlatQPS      float64    `json:"flat_qps"`
	FlatFound    [][]uint32 `json:"flat_found"`
}

// runFAISSMultiHash writes the stored hashes (regenerated) and the queries
// to a file and runs the peer script on them, its progress going to
// stderr.
func runFAISSMultiHash(b *testing.B, n int, queries []PDQ, sample, distance, threads int) (*faissMultiHash, error) {
	const python = "/usr/bin/python3" // Debian's, where python3-faiss installs
	if err := exec.Command(python, "-c", "import faiss").Run(); err != nil {
		return nil, fmt.Errorf("%s cannot import faiss (apt-get install python3-faiss): %v", python, err)
	}
	path := filepath.Join(b.TempDir(), "hashes.bin")
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for _, v := range []int{n, len(queries), sample} {
		binary.Write(w, binary.LittleEndian, uint32(v))
	}
	put := func(h PDQ) {
		var buf [32]byte
		for j, v := range h.words() {
			binary.LittleEndian.PutUint64(buf[8*j:], v)
		}
		w.Write(buf[:])
	}
	for i := range n {
		put(benchHash(i))
	}
	for _, q := range queries {
		put(q)
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	cmd := exec.Command(python, "testdata/faiss_mih_peer.py", path, "--distance", strconv.Itoa(distance), "--threads", strconv.Itoa(threads))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("faiss_mih_peer.py: %v", err)
	}
	var r faissMultiHash
	if err := json.Unmarshal(out, &r); err != nil {
		return nil, fmt.Errorf("faiss_mih_peer.py printed %q: %v", secunion.Clip(string(out), 200), err)
	}
	return &r, nil
}
