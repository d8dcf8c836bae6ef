package audit

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/transparency-dev/merkle/compact"
	"golang.org/x/mod/sumdb/note"

	"secunion"
)

// Report sums up what Verify checked.
type Report struct {
	Entries     uint64      // entries read and found intact
	Checkpoints int         // checkpoints whose signature and root verified
	Latest      *Checkpoint // the verified checkpoint of the largest size; nil when none verified
}

// Failure is the first defect Verify found in a log. Seq names the entry
// where the log stops being trustworthy; Reason says what is wrong in words
// fit for a supervisor.
type Failure struct {
	Seq    uint64
	Reason string
}

// Error returns "audit: entry <Seq>: <Reason>".
func (f *Failure) Error() string {
	return fmt.Sprintf("audit: entry %d: %s", f.Seq, f.Reason)
}

// Verify checks a whole stored log in one pass.
//
// entries yields every stored entry in ascending Seq order with the leaf
// hash stored for it; checkpoints are the stored signed checkpoint notes, in
// any order. Verify recomputes each leaf hash from the entry's fields and
// checks that the Seqs run 0, 1, 2, ... without gap or duplicate, that each
// stored leaf hash equals the recomputed one, that each checkpoint is signed
// by v, that the root of the first Size recomputed leaves equals the
// checkpoint's root, and that no checkpoint is larger than the log.
//
// The first defect, in log order, is returned as a *Failure:
//   - a missing, repeated or misplaced entry, or a stored leaf hash that does
//     not match: Seq is the position where the entry was expected;
//   - a checkpoint whose root differs from the entries' root: Seq is the size
//     of the last checkpoint that verified (0 if none), the lowest entry the
//     change can be narrowed to;
//   - a checkpoint whose signature does not verify: Seq is the size it claims;
//   - a checkpoint larger than the log: Seq is the number of entries present;
//   - a stored checkpoint that cannot be read at all: Seq 0.
//
// Whatever the outcome, the Report counts what was verified before the
// first defect. The only other errors are an Invalid one for a nil v and an
// Internal one should the Merkle library refuse the range it is fed, which
// it never should.
func Verify(entries iter.Seq2[Entry, [32]byte], checkpoints []string, v note.Verifier) (Report, error) {
	if v == nil {
		return Report{}, secunion.Errorf(secunion.Invalid, "audit: no key to verify checkpoints with")
	}
	known := note.VerifierList(v)
	cps := make([]stored, 0, len(checkpoints))
	for i, text := range checkpoints {
		c, err := openCheckpoint(text, known, v.Name())
		if err != nil {
			// Place a checkpoint that fails its signature by the size it
			// claims, so that defects are reported in log order.
			claimed, perr := parseCheckpoint(unverifiedBody(text))
			if perr != nil {
				return Report{}, &Failure{Seq: 0, Reason: fmt.Sprintf("stored checkpoint #%d is unreadable: %s", i, reason(err))}
			}
			c = claimed
		}
		cps = append(cps, stored{c, err})
	}
	slices.SortStableFunc(cps, func(a, b stored) int { return cmp.Compare(a.Size, b.Size) })

	var slab hashSlab
	r := replay{cps: cps, tree: (&compact.RangeFactory{Hash: slab.hashChildren}).NewEmptyRange(0)}
	if err := r.checkpoints(); err != nil {
		return r.report, err
	}
	var buf []byte
	for e, storedHash := range entries {
		n := r.report.Entries
		if e.Seq != n {
			why := "deleted or reordered"
			if e.Seq < n {
				why = "duplicated or reordered"
			}
			return r.report, &Failure{Seq: n, Reason: fmt.Sprintf("expected entry %d but the log continues with entry %d (entry %s)", n, e.Seq, why)}
		}
		var h [32]byte
		h, buf = e.hashLeaf(buf)
		if h != storedHash {
			return r.report, &Failure{Seq: n, Reason: "the stored leaf hash does not match the entry's fields (entry or hash altered)"}
		}
		if err := r.tree.Append(slab.put(h), nil); err != nil {
			return r.report, secunion.Wrap(secunion.Internal, err, "audit: cannot extend tree")
		}
		r.report.Entries++
		if err := r.checkpoints(); err != nil {
			return r.report, err
		}
	}
	return r.report, r.beyond()
}

// stored is a checkpoint read from the store: verified when err is nil,
// otherwise what its unverified body claims and why it failed.
type stored struct {
	Checkpoint
	err error
}

// replay is the state of Verify's single pass over the log.
type replay struct {
	cps    []stored       // by size
	next   int            // index of the first checkpoint not yet checked
	good   uint64         // size of the last checkpoint whose root matched
	tree   *compact.Range // compact range over the leaves read so far
	report Report
}

// checkpoints checks every checkpoint whose size is the number of entries
// read so far. It returns a *Failure for a bad checkpoint.
func (r *replay) checkpoints() error {
	n := r.report.Entries
	for ; r.next < len(r.cps) && r.cps[r.next].Size == n; r.next++ {
		c := r.cps[r.next]
		if c.err != nil {
			return &Failure{Seq: n, Reason: fmt.Sprintf("checkpoint of size %d signed at %s: %s", n, stamp(c.Time), reason(c.err))}
		}
		root := emptyRoot
		if n > 0 {
			h, err := r.tree.GetRootHash(nil)
			if err != nil {
				return secunion.Wrap(secunion.Internal, err, "audit: cannot compute root")
			}
			root = [32]byte(h)
		}
		if root != c.Root {
			why := fmt.Sprintf("checkpoint of size %d signed at %s has root %s but the first %d entries have root %s",
				n, stamp(c.Time), base64.StdEncoding.EncodeToString(c.Root[:]), n, base64.StdEncoding.EncodeToString(root[:]))
			switch {
			case r.report.Latest != nil && r.report.Latest.Size == n:
				why += "; another checkpoint of the same size verified, so the key signed two different logs"
			case n > 0:
				why += fmt.Sprintf("; the change lies in entries %d to %d", r.good, n-1)
			}
			return &Failure{Seq: r.good, Reason: why}
		}
		r.good = n
		r.report.Checkpoints++
		r.report.Latest = &c.Checkpoint
	}
	return nil
}

// beyond reports, as a *Failure, the checkpoints left once the entries ran
// out: a verified one proves the log was truncated; otherwise the first
// forged one is named.
func (r *replay) beyond() error {
	rest := r.cps[r.next:]
	for _, c := range rest {
		if c.err == nil {
			return &Failure{Seq: r.report.Entries, Reason: fmt.Sprintf("log truncated: checkpoint of size %d signed at %s but only %d entries", c.Size, stamp(c.Time), r.report.Entries)}
		}
	}
	if len(rest) > 0 {
		c := rest[0]
		return &Failure{Seq: c.Size, Reason: fmt.Sprintf("checkpoint of size %d signed at %s: %s", c.Size, stamp(c.Time), reason(c.err))}
	}
	return nil
}

// hashSlab hands out 32-byte slices carved from large blocks, so that the
// compact range Verify grows does not cost an allocation per hash. The range
// keeps only O(log n) hashes, so few blocks stay reachable.
type hashSlab struct {
	free []byte
}

const slabHashes = 2048

// put returns a slice holding h.
func (s *hashSlab) put(h [32]byte) []byte {
	if len(s.free) < len(h) {
		s.free = make([]byte, slabHashes*len(h))
	}
	p := s.free[:len(h):len(h)]
	s.free = s.free[len(h):]
	copy(p, h[:])
	return p
}

// hashChildren is the RFC 6962 node hash for compact.Range, whose hashes are
// all 32 bytes long.
func (s *hashSlab) hashChildren(left, right []byte) []byte {
	return s.put(hashChildren([32]byte(left), [32]byte(right)))
}

// unverifiedBody returns the text of a signed note without checking its
// signatures, or "" when there is no signature block.
func unverifiedBody(text string) string {
	i := strings.LastIndex(text, "\n\n")
	if i < 0 {
		return ""
	}
	return text[:i+1]
}

// reason turns an error of this package into a clause of a Failure reason.
func reason(err error) string {
	return strings.TrimPrefix(err.Error(), "audit: ")
}

// stamp formats a checkpoint time for a Failure reason.
func stamp(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}
