//go:build !amd64

package biometric

// dot returns the dot product of two vectors of one length; without
// assembly for this architecture it is the pure-Go dotGeneric.
func dot(a, b []float32) float32 { return dotGeneric(a, b) }

// prefetch does nothing where no assembly version exists.
func prefetch(v []float32) {}
