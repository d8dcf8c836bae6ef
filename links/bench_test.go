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
// and 1 million records in the detector's six systems). With
// SECUNION_BENCH_LINK_SAMPLE=n, detection runs from n records spread
// evenly over all of them, each compared with every record held, and the
// quality is judged over the pairs involving one of them: the figures of
// a full run, estimated at a fraction of its time.
func BenchmarkDetect(b *testing.B) {
	persons, sample := 2000, 0
	for name, v := range map[string]*int{"SECUNION_BENCH_LINK_PERSONS": &persons, "SECUNION_BENCH_LINK_SAMPLE": &sample} {
		if s := os.Getenv(name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 {
				b.Fatalf("%s=%q: give a positive number", name, s)
			}
			*v = n
		}
	}
	start := time.Now()
	w := newWorld(b, persons)
	b.Logf("%d persons, %d records in scope, %d templates, loaded and linked into the galleries in %.1f s", persons, len(w.order), len(w.templates), time.Since(start).Seconds())
	refs, triggers := w.order, map[Ref]bool(nil)
	if sample > 0 && sample < len(w.order) {
		refs, triggers = make([]Ref, sample), make(map[Ref]bool, sample)
		for i := range refs {
			refs[i] = w.order[i*len(w.order)/sample]
			triggers[refs[i]] = true
		}
		b.Logf("detection from %d records of %d", sample, len(w.order))
	}
	var found map[string]Link
	var took time.Duration
	b.ResetTimer()
	for range b.N {
		start = time.Now()
		found = w.detectAll(b, refs)
		took = time.Since(start)
	}
	b.StopTimer()
	q := w.judge(found, triggers)
	b.Log(q)
	b.ReportMetric(float64(len(refs))/took.Seconds(), "records/s")
	b.ReportMetric(float64(len(w.order)), "records")
	b.ReportMetric(float64(len(refs)), "triggers")
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "cores")
	b.ReportMetric(q.precision(), "precision")
	b.ReportMetric(q.recall(), "recall")
	b.ReportMetric(q.f1(), "F1")
	b.ReportMetric(ratio(q.fraudFound, q.fraudPairs), "fraud-recall")
	b.ReportMetric(ratio(q.fraudYellow, q.fraudFound), "fraud-yellow")
	b.ReportMetric(ratio(q.apartLinks-q.apartWrong, q.apartLinks), "apart-precision")
	b.ReportMetric(ratio(q.yellow, q.links), "yellow-share")
}
