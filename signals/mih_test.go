package signals

import (
	"math/rand/v2"
	"slices"
	"testing"

	"secunion"
)

// randomPDQ returns a random hash.
func randomPDQ(r *rand.Rand) PDQ {
	var h PDQ
	for i := range h {
		h[i] = uint16(r.Uint32())
	}
	return h
}

// near returns h with n distinct random bits flipped.
func near(r *rand.Rand, h PDQ, n int) PDQ {
	for _, k := range r.Perm(256)[:n] {
		h[k/16] ^= 1 << (k % 16)
	}
	return h
}

// scan is the linear scan the index must agree with.
func scan(hashes map[uint32]PDQ, q PDQ, distance int) []Match {
	var out []Match
	for id, h := range hashes {
		if d := q.Distance(h); d <= distance {
			out = append(out, Match{ID: id, Hash: h, Distance: d})
		}
	}
	slices.SortFunc(out, func(a, b Match) int {
		if a.Distance != b.Distance {
			return a.Distance - b.Distance
		}
		return int(a.ID) - int(b.ID)
	})
	return out
}

// TestIndexExact: at every distance up to MaxDistance the index finds
// exactly what a linear scan finds, including hashes placed at the
// distance itself and one bit beyond it, through replacements, removals
// and compaction.
func TestIndexExact(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	x := NewIndex()
	stored := map[uint32]PDQ{}
	var queries []PDQ
	id := uint32(0)
	for range 300 {
		q := randomPDQ(r)
		queries = append(queries, q)
		for _, d := range []int{0, 1, 15, 16, 17, 31, 32, 40, 47, 48, 60} {
			id++
			h := near(r, q, d)
			stored[id] = h
			x.Add(id, h)
		}
	}
	for range 2000 {
		id++
		h := randomPDQ(r)
		stored[id] = h
		x.Add(id, h)
	}
	check := func(stage string) {
		t.Helper()
		for _, distance := range []int{0, 15, 16, 31, 32, 47} {
			for _, q := range queries[:100] {
				got, err := x.Lookup(q, distance)
				if err != nil {
					t.Fatal(err)
				}
				if want := scan(stored, q, distance); !slices.Equal(got, want) {
					t.Fatalf("%s, distance %d: %d found, the scan finds %d", stage, distance, len(got), len(want))
				}
			}
		}
	}
	check("fresh")
	for i := uint32(1); i <= id; i += 3 {
		x.Remove(i)
		delete(stored, i)
	}
	for i := uint32(2); i <= id; i += 7 {
		h := near(r, queries[int(i)%len(queries)], 5)
		x.Add(i, h)
		stored[i] = h
	}
	check("after removals and replacements")
	x.Compact()
	check("after compaction")
	if x.Len() != len(stored) {
		t.Errorf("Len %d, want %d", x.Len(), len(stored))
	}
	if _, err := x.Lookup(queries[0], 48); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("distance 48: %v", err)
	}
}

// BenchmarkIndexLookup measures exact lookups at distance 31 among
// 100,000 random hashes, each query 20 bits from a stored one.
func BenchmarkIndexLookup(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	x := NewIndex()
	n := 100_000
	var queries []PDQ
	for i := range n {
		h := randomPDQ(r)
		x.Add(uint32(i), h)
		if i%100 == 0 {
			queries = append(queries, near(r, h, 20))
		}
	}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		if _, err := x.Lookup(queries[i%len(queries)], DefaultDistance); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
