package audit

import (
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"secunion"
)

var logStart = time.Date(2025, 3, 14, 8, 0, 0, 0, time.UTC)

// syntheticEntry returns a plausible entry for position i of a log.
func syntheticEntry(i int, values []string) Entry {
	ops := []Operation{OpConsultation, OpDisclosure, OpCollection, OpLogin, OpAlteration}
	e := Entry{
		Seq:       uint64(i),
		Time:      logStart.Add(time.Duration(i) * 1733 * time.Millisecond),
		Authority: "FR-DGSI",
		User:      "agent-" + fmt.Sprint(i%97),
		Operation: ops[i%len(ops)],
		Outcome:   "ok",
		Results:   i % 13,
	}
	switch e.Operation {
	case OpConsultation, OpDisclosure:
		e.Purpose = string(secunion.PurposeLawEnforcement)
		e.Justification = "case 2025/" + fmt.Sprint(i%1000)
		e.Objects = []string{"record:SIS/" + fmt.Sprint(i)}
		e.Categories = []string{"name", "date-of-birth"}
		e.Values = values[i%len(values) : i%len(values)+1]
		if e.Operation == OpDisclosure {
			e.Recipients = []string{"DE-BKA"}
		}
	case OpLogin:
		e.Detail = "password and second factor"
	default:
		e.Objects = []string{"record:PNR/" + fmt.Sprint(i)}
	}
	return e
}

// testLog is a stored log as the store would hand it to Verify.
type testLog struct {
	entries     []Entry
	hashes      [][32]byte
	checkpoints []string
}

// newTestLog returns a log of n entries with a signed checkpoint at each of
// the given sizes.
func newTestLog(tb testing.TB, n int, signer note.Signer, sizes ...uint64) *testLog {
	tb.Helper()
	k, err := NewKeyed(testValueKey)
	if err != nil {
		tb.Fatal(err)
	}
	values := k.MACs("DUPONT", "X1234567", "1980-02-29", "MARTIN", "Y7654321")
	l := &testLog{entries: make([]Entry, n), hashes: make([][32]byte, n)}
	for i := range l.entries {
		l.entries[i] = syntheticEntry(i, values)
		if err := l.entries[i].Validate(); err != nil {
			tb.Fatal(err)
		}
		l.hashes[i] = l.entries[i].LeafHash()
	}
	tree := NewTree()
	tree.Append(l.hashes...)
	for _, size := range sizes {
		l.checkpoints = append(l.checkpoints, l.sign(tb, signer, tree, size))
	}
	return l
}

func (l *testLog) sign(tb testing.TB, signer note.Signer, tree *Tree, size uint64) string {
	tb.Helper()
	root, err := tree.Root(size)
	if err != nil {
		tb.Fatal(err)
	}
	text, err := Checkpoint{Origin: testOrigin, Size: size, Root: root, Time: logStart.Add(time.Duration(size) * time.Hour)}.Sign(signer)
	if err != nil {
		tb.Fatal(err)
	}
	return text
}

func (l *testLog) clone() *testLog {
	c := &testLog{
		entries:     slices.Clone(l.entries),
		hashes:      slices.Clone(l.hashes),
		checkpoints: slices.Clone(l.checkpoints),
	}
	for i := range c.entries {
		c.entries[i].Objects = slices.Clone(c.entries[i].Objects)
	}
	return c
}

func (l *testLog) all() iter.Seq2[Entry, [32]byte] {
	return func(yield func(Entry, [32]byte) bool) {
		for i := range l.entries {
			if !yield(l.entries[i], l.hashes[i]) {
				return
			}
		}
	}
}

// remove deletes entry i with its stored hash.
func (l *testLog) remove(i int) {
	l.entries = slices.Delete(l.entries, i, i+1)
	l.hashes = slices.Delete(l.hashes, i, i+1)
}

// rehash recomputes the stored leaf hashes from i on, as an intruder who
// knows the format would after rewriting entries.
func (l *testLog) rehash(from int) {
	for i := from; i < len(l.entries); i++ {
		l.hashes[i] = l.entries[i].LeafHash()
	}
}

func TestVerify(t *testing.T) {
	signer, other, verifier := testKeys(t)
	sizes := []uint64{0, 10, 20, 30, 40, 50}
	intact := newTestLog(t, 55, signer, sizes...)
	cpAt := func(size uint64) int { return slices.Index(sizes, size) }
	tests := []struct {
		name    string
		tamper  func(l *testLog)
		wantSeq uint64
		want    string // part of the Failure reason
	}{
		{"altered field", func(l *testLog) { l.entries[23].Detail = "nothing to see" }, 23, "stored leaf hash does not match"},
		{"altered field with leaf hash recomputed", func(l *testLog) {
			l.entries[23].Results = 0
			l.rehash(23)
		}, 20, "checkpoint of size 30 signed at 2025-03-15T14:00:00Z has root"},
		{"altered recipient after the last checkpoint", func(l *testLog) { l.entries[51].Recipients = []string{"XX-NSA"} }, 51, "stored leaf hash does not match"},
		{"deleted entry", func(l *testLog) { l.remove(23) }, 23, "expected entry 23 but the log continues with entry 24 (entry deleted or reordered)"},
		{"deleted entry with later entries renumbered and rehashed", func(l *testLog) {
			l.remove(23)
			for i := 23; i < len(l.entries); i++ {
				l.entries[i].Seq--
			}
			l.rehash(23)
		}, 20, "the change lies in entries 20 to 29"},
		{"deleted first entry", func(l *testLog) { l.remove(0) }, 0, "expected entry 0 but the log continues with entry 1"},
		{"duplicated entry", func(l *testLog) {
			l.entries = slices.Insert(l.entries, 13, l.entries[12])
			l.hashes = slices.Insert(l.hashes, 13, l.hashes[12])
		}, 13, "continues with entry 12 (entry duplicated or reordered)"},
		{"two entries swapped", func(l *testLog) {
			l.entries[23], l.entries[24] = l.entries[24], l.entries[23]
			l.hashes[23], l.hashes[24] = l.hashes[24], l.hashes[23]
		}, 23, "expected entry 23 but the log continues with entry 24"},
		{"two entries swapped keeping their seq", func(l *testLog) {
			l.entries[23], l.entries[24] = l.entries[24], l.entries[23]
			l.entries[23].Seq, l.entries[24].Seq = 23, 24
			l.hashes[23], l.hashes[24] = l.hashes[24], l.hashes[23]
		}, 23, "stored leaf hash does not match"},
		{"stored leaf hash replaced", func(l *testLog) { l.hashes[37][5] ^= 0x40 }, 37, "stored leaf hash does not match"},
		{"truncated below a checkpoint", func(l *testLog) {
			l.entries, l.hashes = l.entries[:35], l.hashes[:35]
		}, 35, "log truncated: checkpoint of size 40 signed at 2025-03-16T00:00:00Z but only 35 entries"},
		{"truncated at a checkpoint", func(l *testLog) {
			l.entries, l.hashes = l.entries[:40], l.hashes[:40]
		}, 40, "log truncated: checkpoint of size 50 signed at 2025-03-16T10:00:00Z but only 40 entries"},
		{"all entries deleted", func(l *testLog) { l.entries, l.hashes = nil, nil }, 0, "checkpoint of size 10"},
		{"forged checkpoint signature", func(l *testLog) {
			i := cpAt(30)
			body := unverifiedBody(l.checkpoints[i])
			l.checkpoints[i] = string(must(note.Sign(&note.Note{Text: body}, other)))
		}, 30, "checkpoint of size 30 signed at 2025-03-15T14:00:00Z: checkpoint is not signed by key audit.test/log"},
		{"checkpoint signature bit flipped", func(l *testLog) {
			i := cpAt(30)
			text := l.checkpoints[i]
			l.checkpoints[i] = text[:len(text)-6] + flip(text[len(text)-6:])
		}, 30, "does not verify"},
		{"forged checkpoint over rewritten entries", func(l *testLog) {
			l.entries[23].Justification = "case 2025/0001"
			l.rehash(23)
			tree := NewTree()
			tree.Append(l.hashes...)
			l.checkpoints = append(l.checkpoints, l.sign(t, other, tree, 30))
		}, 20, "checkpoint of size 30"},
		{"forged checkpoint beyond the end", func(l *testLog) {
			l.checkpoints = append(l.checkpoints, strings.Replace(l.checkpoints[cpAt(50)], "\n50\n", "\n60\n", 1))
		}, 60, "checkpoint of size 60 signed at 2025-03-16T10:00:00Z: checkpoint signature by key audit.test/log does not verify"},
		{"signed checkpoint over another log", func(l *testLog) {
			o := newTestLog(t, 30, signer)
			o.entries[0].User = "someone else"
			o.rehash(0)
			tree := NewTree()
			tree.Append(o.hashes...)
			// The genuine checkpoint of size 30 verifies first, so the key
			// is caught signing two logs.
			l.checkpoints = append(l.checkpoints, l.sign(t, signer, tree, 30))
		}, 30, "another checkpoint of the same size verified, so the key signed two different logs"},
		{"checkpoint of size 0 with a wrong root", func(l *testLog) {
			l.checkpoints[cpAt(0)] = must(Checkpoint{Origin: testOrigin, Root: [32]byte{1}, Time: logStart}.Sign(signer))
		}, 0, "checkpoint of size 0 signed at 2025-03-14T08:00:00Z has root AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= but the first 0 entries have root 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
		{"unreadable checkpoint", func(l *testLog) { l.checkpoints = append(l.checkpoints, "garbage") }, 0, "stored checkpoint #6 is unreadable"},
		{"first of two defects", func(l *testLog) {
			l.entries[12].Detail = "edited"
			l.entries, l.hashes = l.entries[:35], l.hashes[:35]
		}, 12, "stored leaf hash does not match"},
	}
	t.Run("intact", func(t *testing.T) {
		l := intact.clone()
		rand.New(rand.NewPCG(5, 6)).Shuffle(len(l.checkpoints), func(i, j int) {
			l.checkpoints[i], l.checkpoints[j] = l.checkpoints[j], l.checkpoints[i]
		})
		rep, err := Verify(l.all(), l.checkpoints, verifier)
		if err != nil {
			t.Fatalf("Verify of an intact log: %v", err)
		}
		if rep.Entries != 55 || rep.Checkpoints != len(sizes) {
			t.Errorf("report = %+v, want 55 entries and %d checkpoints", rep, len(sizes))
		}
		want := must(OpenCheckpoint(intact.checkpoints[cpAt(50)], verifier))
		if rep.Latest == nil || !sameCheckpoint(*rep.Latest, want) {
			t.Errorf("latest checkpoint = %+v, want %+v", rep.Latest, want)
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := intact.clone()
			tt.tamper(l)
			rep, err := Verify(l.all(), l.checkpoints, verifier)
			var f *Failure
			if !errors.As(err, &f) {
				t.Fatalf("Verify = %+v, %v; want a *Failure", rep, err)
			}
			if f.Seq != tt.wantSeq || !strings.Contains(f.Reason, tt.want) {
				t.Errorf("failure = %q, want entry %d and a reason containing %q", err, tt.wantSeq, tt.want)
			}
			if prefix := fmt.Sprintf("audit: entry %d: ", f.Seq); !strings.HasPrefix(err.Error(), prefix) {
				t.Errorf("Error() = %q, want prefix %q", err, prefix)
			}
			if errors.Unwrap(err) != nil {
				t.Errorf("failure unwraps to %v, want nothing", errors.Unwrap(err))
			}
			if rep.Entries > uint64(len(l.entries)) || (rep.Latest != nil && rep.Latest.Size > rep.Entries) {
				t.Errorf("report %+v claims more than was verified", rep)
			}
		})
	}
}

func TestVerifyWithoutCheckpoints(t *testing.T) {
	signer, _, verifier := testKeys(t)
	tests := []struct {
		name        string
		n           int
		sizes       []uint64
		checkpoints int
	}{
		{"empty log", 0, nil, 0},
		{"empty log with checkpoint of size 0", 0, []uint64{0}, 1},
		{"entries without checkpoint", 7, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newTestLog(t, tt.n, signer, tt.sizes...)
			rep, err := Verify(l.all(), l.checkpoints, verifier)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Entries != uint64(tt.n) || rep.Checkpoints != tt.checkpoints || (rep.Latest != nil) != (tt.checkpoints > 0) {
				t.Errorf("report = %+v, want %d entries and %d checkpoints", rep, tt.n, tt.checkpoints)
			}
		})
	}
}

func TestVerifyNilVerifier(t *testing.T) {
	if _, err := Verify(newTestLog(t, 1, nil).all(), nil, nil); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("Verify with nil verifier = %v, want an Invalid error", err)
	}
}

func BenchmarkVerify(b *testing.B) {
	const n, every = 1_000_000, 1_000
	signer, _, verifier := testKeys(b)
	sizes := make([]uint64, 0, n/every)
	for size := uint64(every); size <= n; size += every {
		sizes = append(sizes, size)
	}
	l := newTestLog(b, n, signer, sizes...)
	b.ReportAllocs()
	for b.Loop() {
		rep, err := Verify(l.all(), l.checkpoints, verifier)
		if err != nil || rep.Entries != n || rep.Checkpoints != len(sizes) {
			b.Fatalf("Verify = %+v, %v", rep, err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}
