package links

import (
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// BenchmarkDetect measures the batch detection of `secunion links detect`
// over synthetic records held in memory as a node holds them, on all
// cores, and the quality of the links against ground truth. The number of
// persons comes from SECUNION_BENCH_LINK_PERSONS (default 2,000; the
// figures in BENCHMARKS.md use 60,000 and 600,000 persons, about 100,000
// and 1 million records in the detector's six systems).
func BenchmarkDetect(b *testing.B) {
	persons := 2000
	if v := os.Getenv("SECUNION_BENCH_LINK_PERSONS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("SECUNION_BENCH_LINK_PERSONS=%q: give a positive number", v)
		}
		persons = n
	}
	start := time.Now()
	w := newWorld(b, persons)
	b.Logf("%d persons, %d records in scope, %d templates, loaded in %.1f s", persons, len(w.order), len(w.templates), time.Since(start).Seconds())
	var found map[string]Link
	var took time.Duration
	b.ResetTimer()
	for range b.N {
		start = time.Now()
		found = w.detectAll(b)
		took = time.Since(start)
	}
	b.StopTimer()
	q := w.judge(found)
	b.Log(q)
	b.ReportMetric(float64(len(w.order))/took.Seconds(), "records/s")
	b.ReportMetric(float64(len(w.order)), "records")
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "cores")
	b.ReportMetric(q.precision(), "precision")
	b.ReportMetric(q.recall(), "recall")
	b.ReportMetric(q.f1(), "F1")
	b.ReportMetric(ratio(q.fraudFound, q.fraudPairs), "fraud-recall")
	b.ReportMetric(ratio(q.fraudYellow, q.fraudFound), "fraud-yellow")
	b.ReportMetric(ratio(q.apartLinks-q.apartWrong, q.apartLinks), "apart-precision")
	b.ReportMetric(ratio(q.yellow, q.links), "yellow-share")
}
