package biometric

import "golang.org/x/sys/cpu"

// hasAVX2 reports whether this CPU (and its operating system) runs the
// AVX2 and FMA instructions of dotAVX2.
var hasAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// dot returns the dot product of two vectors of one length: with AVX2 and
// FMA where the CPU has them (four times the pure-Go loop's speed on a
// 512-value template), dotGeneric elsewhere.
func dot(a, b []float32) float32 {
	if hasAVX2 {
		return dotAVX2(a, b[:len(a)])
	}
	return dotGeneric(a, b)
}

// dotAVX2 is dot in AVX2 and FMA (dot_amd64.s): four 8-lane accumulators
// over 32 values a step, then 8 values a step, then one at a time. b must
// be at least as long as a.
//
//go:noescape
func dotAVX2(a, b []float32) float32

// prefetch asks the CPU to bring v into its caches, a cache line at a
// time, so that a dot product on it later waits less for memory.
//
//go:noescape
func prefetch(v []float32)
