package signals

import (
	"math/rand/v2"
	"slices"
	"sync"
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
// distance itself and one bit beyond it, and a cluster whose slot values
// fill lists of several blocks, through replacements, removals (before
// and after the compaction they bring) and bad removals.
func TestIndexExact(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	x := NewIndex()
	stored := map[uint32]PDQ{}
	var queries []PDQ
	id := uint32(0)
	add := func(h PDQ) {
		id++
		stored[id] = h
		x.Add(id, h)
	}
	for range 300 {
		q := randomPDQ(r)
		queries = append(queries, q)
		for _, d := range []int{0, 1, 15, 16, 17, 31, 32, 40, 47, 48, 60} {
			add(near(r, q, d))
		}
	}
	cluster := randomPDQ(r)
	queries = append([]PDQ{cluster}, queries...)
	for range 400 {
		add(near(r, cluster, r.IntN(40)))
	}
	for range 2000 {
		add(randomPDQ(r))
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
		if x.Len() != len(stored) {
			t.Fatalf("%s: Len %d, want %d", stage, x.Len(), len(stored))
		}
	}
	check("fresh")

	// Removing with another hash, or an ID not held, changes nothing.
	x.Remove(1, near(r, stored[1], 1))
	x.Remove(id+1, stored[1])
	check("after bad removals")

	remove := func(i uint32) {
		if h, ok := stored[i]; ok {
			x.Remove(i, h)
			delete(stored, i)
		}
	}
	// A seventh removed: the places stay taken.
	for i := uint32(1); i <= id; i += 7 {
		remove(i)
	}
	for i := uint32(2); i <= id; i += 17 {
		remove(i)
		add(near(r, queries[int(i)%len(queries)], 5))
	}
	if x.removed == 0 {
		t.Fatal("no removed entry awaits compaction")
	}
	check("after removals and replacements")
	// Past a quarter, and past tailMin: compacted.
	places := x.n
	for i := uint32(1); i <= id; i++ {
		if i%4 != 0 {
			remove(i)
		}
	}
	if x.n >= places {
		t.Fatalf("%d places after removing three quarters, %d before", x.n, places)
	}
	check("after compaction")
	for range 500 {
		add(near(r, cluster, r.IntN(40)))
	}
	check("after adding to the compacted index")

	if _, err := x.Lookup(queries[0], 48); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("distance 48: %v", err)
	}
	if _, err := x.Lookup(queries[0], -1); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("distance -1: %v", err)
	}
}

// TestIndexWide: past one chunk of positions, with slots wider than 16
// bits, through merges of the tail and a compaction that lets chunks go
// and narrows the slots again, lookups at every distance agree with the
// scan; emptied, the index holds nothing and finds nothing.
func TestIndexWide(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	x := NewIndex()
	stored := map[uint32]PDQ{}
	n := uint32(chunk + chunk/2)
	for i := range n {
		h := randomPDQ(r)
		if i%10 == 0 {
			h = near(r, stored[i-i%1000], r.IntN(48))
		}
		stored[i] = h
		x.Add(i, h)
	}
	check := func(stage string) {
		t.Helper()
		for i := uint32(0); i < n; i += n / 15 {
			q := randomPDQ(r)
			if h, ok := stored[i]; ok {
				q = near(r, h, r.IntN(32))
			}
			for _, distance := range []int{0, 15, 16, 31, 32, 47} {
				got, _ := x.Lookup(q, distance)
				if want := scan(stored, q, distance); !slices.Equal(got, want) {
					t.Fatalf("%s, distance %d: %d found, the scan finds %d", stage, distance, len(got), len(want))
				}
			}
		}
	}
	if len(x.slots) != 15 || x.slots[14].width != 18 {
		t.Fatalf("%d hashes cut into %d slots", n, len(x.slots))
	}
	check("two chunks, 15 slots")
	for i := range n {
		if i%3 != 0 {
			x.Remove(i, stored[i])
			delete(stored, i)
		}
	}
	if len(x.words) != 1 || len(x.slots) != 16 || x.Len() != len(stored) {
		t.Fatalf("%d chunks, %d slots and %d held after removing two thirds", len(x.words), len(x.slots), x.Len())
	}
	check("compacted into one chunk and 16 slots")
	for i := range n {
		if h, ok := stored[i]; ok {
			x.Remove(i, h)
		}
	}
	if got, _ := x.Lookup(stored[0], MaxDistance); len(got) != 0 || x.Len() != 0 {
		t.Fatalf("emptied: %d held, %d found", x.Len(), len(got))
	}
}

// TestIndexSlots: cut into the wider slots of larger indexes (12 slots of
// 21–22 bits, 13 of 19–20), here forced on a few thousand hashes, the
// index agrees with the scan at every distance, before and after a tail
// is merged into the lists.
func TestIndexSlots(t *testing.T) {
	for _, m := range []int{12, 13} {
		r := rand.New(rand.NewPCG(11, uint64(m)))
		x := NewIndex()
		stored := map[uint32]PDQ{}
		var queries []PDQ
		add := func(n int) {
			for range n {
				id := uint32(len(stored))
				h := randomPDQ(r)
				if id%4 != 0 {
					h = near(r, queries[r.IntN(len(queries))], r.IntN(48))
				}
				stored[id] = h
				x.mu.Lock()
				x.insert(id, h)
				x.mu.Unlock()
			}
		}
		for range 50 {
			queries = append(queries, randomPDQ(r))
		}
		add(3000)
		x.rebuild(m)
		x.emptyTail()
		check := func(stage string) {
			t.Helper()
			for _, distance := range []int{0, 11, 12, 23, 31, 32, 47} {
				for _, q := range queries {
					got, _ := x.Lookup(q, distance)
					if want := scan(stored, q, distance); !slices.Equal(got, want) {
						t.Fatalf("%d slots, %s, distance %d: %d found, the scan finds %d", m, stage, distance, len(got), len(want))
					}
				}
			}
		}
		check("built")
		add(1000)
		for i := range x.slots {
			x.merge(&x.slots[i])
		}
		x.emptyTail()
		check("merged")
	}
}

// TestIndexConcurrent: lookups running while entries come and go (merged
// into the lists, then compacted away) always find the entries that stay
// (run with -race).
func TestIndexConcurrent(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	x := NewIndex()
	base := randomPDQ(r)
	const stay = 5000
	for i := range uint32(stay) {
		x.Add(i, near(r, base, 10))
	}
	churn := make([]PDQ, 5000)
	for i := range churn {
		churn[i] = near(r, base, 20)
	}
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for range 30 {
				got, err := x.Lookup(base, DefaultDistance)
				if err != nil || len(got) < stay {
					t.Errorf("%d found: %v", len(got), err)
					return
				}
			}
		})
	}
	for round := range 3 {
		for i, h := range churn {
			x.Add(uint32(stay+i), h)
		}
		for i, h := range churn {
			x.Remove(uint32(stay+i), h)
		}
		if x.Len() != stay {
			t.Fatalf("round %d: %d held", round, x.Len())
		}
	}
	wg.Wait()
}

// TestIndexChurn: a random run of additions, removals and re-additions
// of the same numbers (as the matcher makes them when entries are
// disabled and enabled), that empties the index and compacts it again
// and again, with new hashes in the tail at each compaction, answers
// every lookup as a linear scan does.
func TestIndexChurn(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	x := NewIndex()
	held := map[uint32]PDQ{}
	centre := randomPDQ(r)
	check := func(step int) {
		t.Helper()
		for _, q := range []PDQ{centre, near(r, centre, 20), randomPDQ(r)} {
			got, err := x.Lookup(q, DefaultDistance)
			if want := scan(held, q, DefaultDistance); err != nil || len(got) != len(want) {
				t.Fatalf("step %d, %d held: %d found, the scan finds %d (%v)", step, len(held), len(got), len(want), err)
			}
		}
		if x.Len() != len(held) {
			t.Fatalf("step %d: Len %d, %d held", step, x.Len(), len(held))
		}
	}
	for step := range 120_000 {
		id := uint32(r.IntN(12_000)) + 1
		switch h, ok := held[id]; {
		case ok:
			x.Remove(id, h)
			delete(held, id)
			if r.IntN(2) == 0 { // enabled again at once
				x.Add(id, h)
				held[id] = h
			}
		case step%40_000 < 30_000: // then a stretch of removals only, down to empty
			h := near(r, centre, r.IntN(64))
			x.Add(id, h)
			held[id] = h
		}
		if step%3_000 == 2_999 {
			check(step)
		}
	}
	for id, h := range held {
		x.Remove(id, h)
		delete(held, id)
	}
	check(-1)
	for id := range uint32(5_000) {
		h := near(r, centre, r.IntN(64))
		x.Add(id+1, h)
		held[id+1] = h
	}
	check(-2)
}
