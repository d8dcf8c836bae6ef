package synth

import (
	"testing"

	"secunion/identity"
)

// BenchmarkGenerate measures records generated per second, one person
// per iteration; the target is 200,000 records/s on two cores.
func BenchmarkGenerate(b *testing.B) {
	loadPopulation()
	records := 0
	b.ReportAllocs()
	b.ResetTimer()
	err := Generate(Options{Persons: b.N, Seed: 1, Now: testNow}, func(identity.Record, Truth) error {
		records++
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(records), "ns/record")
}
