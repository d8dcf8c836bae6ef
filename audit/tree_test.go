package audit

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"

	"secunion"
)

// naiveRoot is the Merkle Tree Hash of RFC 6962 §2.1, written from the
// definition: split at the largest power of two smaller than n.
func naiveRoot(leaves [][32]byte) [32]byte {
	switch len(leaves) {
	case 0:
		return [32]byte(rfc6962.DefaultHasher.EmptyRoot())
	case 1:
		return leaves[0]
	}
	k := 1
	for k*2 < len(leaves) {
		k *= 2
	}
	l, r := naiveRoot(leaves[:k]), naiveRoot(leaves[k:])
	return [32]byte(rfc6962.DefaultHasher.HashChildren(l[:], r[:]))
}

func testLeaves(n int) [][32]byte {
	leaves := make([][32]byte, n)
	for i := range leaves {
		leaves[i] = [32]byte(rfc6962.DefaultHasher.HashLeaf(fmt.Appendf(nil, "leaf %d", i)))
	}
	return leaves
}

func slices32(hs [][32]byte) [][]byte {
	out := make([][]byte, len(hs))
	for i := range hs {
		out[i] = hs[i][:]
	}
	return out
}

// buildTree appends leaves in batches of growing size, so Append is exercised
// with one leaf and with many.
func buildTree(leaves [][32]byte) *Tree {
	tr := NewTree()
	for i, batch := 0, 1; i < len(leaves); i, batch = i+batch, batch+1 {
		tr.Append(leaves[i:min(i+batch, len(leaves))]...)
	}
	return tr
}

func TestHashChildrenIsRFC6962(t *testing.T) {
	l, r := testLeaves(2)[0], testLeaves(2)[1]
	want := rfc6962.DefaultHasher.HashChildren(l[:], r[:])
	if got := hashChildren(l, r); !bytes.Equal(got[:], want) {
		t.Errorf("hashChildren = %x, want %x", got, want)
	}
	if got := hashChildrenSlice(l[:], r[:]); !bytes.Equal(got, want) {
		t.Errorf("hashChildrenSlice = %x, want %x", got, want)
	}
}

func TestTreeRoot(t *testing.T) {
	const n = 130
	leaves := testLeaves(n)
	tr := buildTree(leaves)
	if got := tr.Size(); got != n {
		t.Fatalf("Size() = %d, want %d", got, n)
	}
	for size := 0; size <= n; size++ {
		got, err := tr.Root(uint64(size))
		if err != nil {
			t.Fatalf("Root(%d): %v", size, err)
		}
		if want := naiveRoot(leaves[:size]); got != want {
			t.Errorf("Root(%d) = %x, want %x", size, got, want)
		}
	}
	for i, want := range leaves {
		if got, err := tr.LeafHash(uint64(i)); err != nil || got != want {
			t.Errorf("LeafHash(%d) = %x, %v, want %x", i, got, err, want)
		}
	}
}

func TestTreeInclusionProof(t *testing.T) {
	const n = 70
	leaves := testLeaves(n)
	tr := buildTree(leaves)
	for size := uint64(1); size <= n; size++ {
		root := naiveRoot(leaves[:size])
		for index := uint64(0); index < size; index++ {
			p, err := tr.InclusionProof(index, size)
			if err != nil {
				t.Fatalf("InclusionProof(%d, %d): %v", index, size, err)
			}
			if err := proof.VerifyInclusion(rfc6962.DefaultHasher, index, size, leaves[index][:], slices32(p), root[:]); err != nil {
				t.Errorf("InclusionProof(%d, %d) does not verify: %v", index, size, err)
			}
		}
	}
}

func TestTreeConsistencyProof(t *testing.T) {
	const n = 70
	leaves := testLeaves(n)
	tr := buildTree(leaves)
	for size2 := uint64(0); size2 <= n; size2++ {
		root2 := naiveRoot(leaves[:size2])
		for size1 := uint64(0); size1 <= size2; size1++ {
			root1 := naiveRoot(leaves[:size1])
			p, err := tr.ConsistencyProof(size1, size2)
			if err != nil {
				t.Fatalf("ConsistencyProof(%d, %d): %v", size1, size2, err)
			}
			if err := proof.VerifyConsistency(rfc6962.DefaultHasher, size1, size2, slices32(p), root1[:], root2[:]); err != nil {
				t.Errorf("ConsistencyProof(%d, %d) does not verify: %v", size1, size2, err)
			}
		}
	}
}

func TestTreeOutOfRange(t *testing.T) {
	tr := buildTree(testLeaves(5))
	tests := []struct {
		name string
		call func() error
	}{
		{"root beyond size", func() error { _, err := tr.Root(6); return err }},
		{"leaf beyond size", func() error { _, err := tr.LeafHash(5); return err }},
		{"inclusion index = size", func() error { _, err := tr.InclusionProof(3, 3); return err }},
		{"inclusion size beyond tree", func() error { _, err := tr.InclusionProof(0, 6); return err }},
		{"consistency size1 > size2", func() error { _, err := tr.ConsistencyProof(4, 3); return err }},
		{"consistency size2 beyond tree", func() error { _, err := tr.ConsistencyProof(1, 6); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); secunion.CodeOf(err) != secunion.Invalid {
				t.Errorf("error = %v, want an Invalid error", err)
			}
		})
	}
}

func TestTreeEmpty(t *testing.T) {
	tr := NewTree()
	root, err := tr.Root(0)
	if err != nil || root != emptyRoot || !bytes.Equal(root[:], rfc6962.DefaultHasher.EmptyRoot()) {
		t.Fatalf("Root(0) of an empty tree = %x, %v, want the RFC 6962 empty root", root, err)
	}
	if p, err := tr.ConsistencyProof(0, 0); err != nil || len(p) != 0 {
		t.Fatalf("ConsistencyProof(0, 0) = %x, %v, want an empty proof", p, err)
	}
}

func TestTreeConcurrent(t *testing.T) {
	const writers, perWriter = 4, 50
	leaves := testLeaves(writers * perWriter)
	tr := NewTree()
	var wg sync.WaitGroup
	var mu sync.Mutex // orders batches so the final tree is known
	next := 0
	for range writers {
		wg.Go(func() {
			for range perWriter {
				mu.Lock()
				tr.Append(leaves[next])
				next++
				mu.Unlock()
			}
		})
		wg.Go(func() {
			for range perWriter {
				size := tr.Size()
				root, err := tr.Root(size)
				if err != nil {
					t.Error(err)
					return
				}
				if size > 0 {
					p, err := tr.InclusionProof(size-1, size)
					if err != nil {
						t.Error(err)
						return
					}
					if err := proof.VerifyInclusion(rfc6962.DefaultHasher, size-1, size, leaves[size-1][:], slices32(p), root[:]); err != nil {
						t.Errorf("size %d: %v", size, err)
					}
				}
			}
		})
	}
	wg.Wait()
	if got, want := must(tr.Root(tr.Size())), naiveRoot(leaves); got != want {
		t.Errorf("root after concurrent appends = %x, want %x", got, want)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
