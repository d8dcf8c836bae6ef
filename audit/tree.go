package audit

import (
	"crypto/sha256"
	"sync"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"

	"secunion"
)

// emptyRoot is the RFC 6962 root of a tree with no leaves: SHA-256 of nothing.
var emptyRoot = sha256.Sum256(nil)

// hashChildren is the RFC 6962 interior node hash, SHA-256 of
// 0x01 || left || right, computed without allocating.
func hashChildren(left, right [32]byte) [32]byte {
	var b [1 + 2*sha256.Size]byte
	b[0] = rfc6962.RFC6962NodeHashPrefix
	copy(b[1:], left[:])
	copy(b[1+sha256.Size:], right[:])
	return sha256.Sum256(b[:])
}

// hashChildrenSlice is hashChildren in the slice form that compact.Range and
// proof.Nodes.Rehash take; it allocates only the result.
func hashChildrenSlice(left, right []byte) []byte {
	var b [1 + 2*sha256.Size]byte
	b[0] = rfc6962.RFC6962NodeHashPrefix
	copy(b[1:], left)
	copy(b[1+sha256.Size:], right)
	h := sha256.Sum256(b[:])
	return h[:]
}

// Tree is an in-memory RFC 6962 Merkle tree over leaf hashes. It keeps the
// hash of every perfect subtree: level 0 holds the leaves and level k the
// hashes of the complete subtrees of 2^k leaves, left to right. Any node
// that a root or proof at any size needs is therefore stored, and roots and
// proofs cost O(log n) hashes; the price is about two hashes of memory per
// leaf. A Tree is safe for concurrent use.
type Tree struct {
	mu     sync.RWMutex
	levels [][][32]byte
}

// NewTree returns an empty tree.
func NewTree() *Tree {
	return &Tree{}
}

// Append adds leaf hashes at the end of the tree, in order.
func (t *Tree) Append(leafHashes ...[32]byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, h := range leafHashes {
		// Each new node completes a parent whenever its level becomes even.
		for level := 0; ; level++ {
			if level == len(t.levels) {
				t.levels = append(t.levels, nil)
			}
			t.levels[level] = append(t.levels[level], h)
			n := len(t.levels[level])
			if n%2 == 1 {
				break
			}
			h = hashChildren(t.levels[level][n-2], t.levels[level][n-1])
		}
	}
}

// Size returns the number of leaves.
func (t *Tree) Size() uint64 {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.size()
}

func (t *Tree) size() uint64 {
	if len(t.levels) == 0 {
		return 0
	}
	return uint64(len(t.levels[0]))
}

// checkSize returns an Invalid error when size is beyond the tree.
func (t *Tree) checkSize(size uint64) error {
	if n := t.size(); size > n {
		return secunion.Errorf(secunion.Invalid, "audit: tree size %d is beyond the log's %d entries", size, n)
	}
	return nil
}

// node returns the hash of a perfect subtree, which must lie within the tree.
func (t *Tree) node(id compact.NodeID) [32]byte {
	return t.levels[id.Level][id.Index]
}

// Root returns the root hash of the first size leaves; size 0 gives the RFC
// 6962 empty root. It returns an Invalid error when size > Size().
func (t *Tree) Root(size uint64) ([32]byte, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if err := t.checkSize(size); err != nil {
		return [32]byte{}, err
	}
	if size == 0 {
		return emptyRoot, nil
	}
	// The first size leaves are covered by perfect subtrees, largest on the
	// left; the root folds them from the right.
	var buf [64]compact.NodeID
	ids := compact.RangeNodes(0, size, buf[:0])
	root := t.node(ids[len(ids)-1])
	for i := len(ids) - 2; i >= 0; i-- {
		root = hashChildren(t.node(ids[i]), root)
	}
	return root, nil
}

// LeafHash returns the leaf hash at index, or an Invalid error when there is
// no such leaf.
func (t *Tree) LeafHash(index uint64) ([32]byte, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if n := t.size(); index >= n {
		return [32]byte{}, secunion.Errorf(secunion.Invalid, "audit: leaf %d is beyond the log's %d entries", index, n)
	}
	return t.levels[0][index], nil
}

// InclusionProof returns the RFC 6962 audit path proving that leaf index is
// in the tree of the given size. It returns an Invalid error unless
// index < size <= Size().
func (t *Tree) InclusionProof(index, size uint64) ([][32]byte, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if err := t.checkSize(size); err != nil {
		return nil, err
	}
	nodes, err := proof.Inclusion(index, size)
	if err != nil {
		return nil, secunion.Wrap(secunion.Invalid, err, "audit: no inclusion proof")
	}
	return t.rehash(nodes)
}

// ConsistencyProof returns the RFC 6962 proof that the tree of size1 is a
// prefix of the tree of size2. It returns an Invalid error unless
// size1 <= size2 <= Size().
func (t *Tree) ConsistencyProof(size1, size2 uint64) ([][32]byte, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if err := t.checkSize(size2); err != nil {
		return nil, err
	}
	nodes, err := proof.Consistency(size1, size2)
	if err != nil {
		return nil, secunion.Wrap(secunion.Invalid, err, "audit: no consistency proof")
	}
	return t.rehash(nodes)
}

// rehash fetches the stored hashes of a proof's nodes and folds the ones that
// stand for an incomplete (ephemeral) subtree into its hash.
func (t *Tree) rehash(nodes proof.Nodes) ([][32]byte, error) {
	stored := make([][32]byte, len(nodes.IDs))
	hashes := make([][]byte, len(nodes.IDs))
	for i, id := range nodes.IDs {
		stored[i] = t.node(id)
		hashes[i] = stored[i][:]
	}
	hashes, err := nodes.Rehash(hashes, hashChildrenSlice)
	if err != nil {
		return nil, secunion.Wrap(secunion.Internal, err, "audit: cannot build proof")
	}
	out := make([][32]byte, len(hashes))
	for i, h := range hashes {
		out[i] = [32]byte(h)
	}
	return out, nil
}
