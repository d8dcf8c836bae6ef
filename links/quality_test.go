package links

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"secunion"
	"secunion/biometric"
	"secunion/identity"
	"secunion/search"
	"secunion/synth"
)

var synthNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// world is synthetic data held in memory as a node holds it: records,
// templates, the name index and the biometric service, with ground truth.
type world struct {
	records   map[Ref]identity.Record
	truth     map[Ref]synth.Truth
	templates map[string]biometric.Template
	order     []Ref // records in scope, in generation order
	src       Sources
}

func newWorld(tb testing.TB, persons int) *world {
	tb.Helper()
	w := &world{records: map[Ref]identity.Record{}, truth: map[Ref]synth.Truth{}, templates: map[string]biometric.Template{}}
	index, svc := search.NewIndex(), biometric.NewService()
	o := synth.Options{Persons: persons, Seed: 11, Now: synthNow}
	err := synth.Generate(o, func(r identity.Record, t synth.Truth) error {
		if !InScope(r.System) {
			return nil
		}
		ref := Ref{r.System, r.ID}
		w.records[ref], w.truth[ref] = r, t
		w.order = append(w.order, ref)
		index.Put(r)
		tps, err := synth.Templates(o, r, t)
		if err != nil {
			return err
		}
		for _, tp := range tps {
			w.templates[tp.ID] = tp
			if err := svc.Put(tp); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	svc.Settle()
	w.src = Sources{Index: index, Templates: svc, Now: func() time.Time { return synthNow },
		Record: func(_ context.Context, system, id string) (identity.Record, error) {
			r, ok := w.records[Ref{system, id}]
			if !ok {
				return r, secunion.Errorf(secunion.NotFound, "no record %s", id)
			}
			return r, nil
		},
		Template: func(_ context.Context, id string) (biometric.Template, error) {
			t, ok := w.templates[id]
			if !ok {
				return t, secunion.Errorf(secunion.NotFound, "no template %s", id)
			}
			return t, nil
		}}
	return w
}

// detectAll runs detection over the records refs on all cores, as the
// initial load does over every record, and returns the links by ID.
func (w *world) detectAll(tb testing.TB, refs []Ref) map[string]Link {
	tb.Helper()
	var mu sync.Mutex
	all := map[string]Link{}
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(refs) {
					return
				}
				ls, err := w.src.Detect(context.Background(), w.records[refs[i]])
				if err != nil {
					failed.Store(err)
					return
				}
				mu.Lock()
				for _, l := range ls {
					all[l.ID] = l
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		tb.Fatal(err)
	}
	return all
}

// quality is link quality against ground truth. A link makes a claim:
// most say "the same person" (white links; yellow links whose biometrics
// match, or whose identity data alone match), while a yellow link whose
// biometrics differ says "different people sharing an identity or a
// document". Each claim is judged against the truth.
type quality struct {
	samePairs, sameFound, sameLinks, sameWrong int // true same-person pairs, those linked; same-person claims, wrong ones
	fraudPairs, fraudFound, fraudYellow        int // shared-document and second-identity pairs; linked; linked yellow
	apartLinks, apartWrong                     int // "different people sharing data" claims, wrong ones
	links, yellow                              int
	byColour                                   map[Colour]int
	wrongBy                                    map[string]int // wrong same-person claims by their evidence
}

// evidenceKind names the kind of evidence behind a link, for counting
// errors by kind.
func evidenceKind(l Link) string {
	e := l.Evidence
	return fmt.Sprintf("%s bio=%s id=%s doc=%v", l.Colour, cmp.Or(string(e.Biometric), "none"), cmp.Or(string(e.Identity), "none"), e.Document)
}

// claimsApart reports whether a link says its records are of different
// people sharing data.
func claimsApart(l Link) bool { return l.Colour == Yellow && l.Evidence.Biometric == BioDiffer }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func (q quality) precision() float64 { return ratio(q.sameLinks-q.sameWrong, q.sameLinks) }
func (q quality) recall() float64    { return ratio(q.sameFound, q.samePairs) }
func (q quality) f1() float64 {
	p, r := q.precision(), q.recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func (q quality) String() string {
	return fmt.Sprintf("same-person: pairs %d, precision %.4f, recall %.4f, F1 %.4f; fraud pairs %d: recall %.4f, yellow %.4f; different-people claims %d, precision %.4f; links %d, yellow share %.4f %v",
		q.samePairs, q.precision(), q.recall(), q.f1(), q.fraudPairs, ratio(q.fraudFound, q.fraudPairs), ratio(q.fraudYellow, q.fraudPairs),
		q.apartLinks, ratio(q.apartLinks-q.apartWrong, q.apartLinks), q.links, ratio(q.yellow, q.links), q.byColour) +
		fmt.Sprintf("; wrong same-person claims by evidence %v", q.wrongBy)
}

// judge compares the links found from the records triggers (nil: every
// record) with the truth, over the pairs of records of which at least one
// is a trigger. Same-person pairs are pairs of records of one person;
// fraud pairs are records of different persons sharing a travel document,
// and a second identity with the person's other records. A link between
// different persons sharing a document is a fraud link, not a same-person
// error.
func (w *world) judge(links map[string]Link, triggers map[Ref]bool) quality {
	q := quality{byColour: map[Colour]int{}, wrongBy: map[string]int{}}
	judged := func(a, b Ref) bool { return triggers == nil || triggers[a] || triggers[b] }
	byPerson := map[string][]Ref{}
	for _, ref := range w.order {
		p := w.truth[ref].Person
		byPerson[p] = append(byPerson[p], ref)
	}
	second := func(r Ref) bool { return slices.Contains(w.truth[r].Noise, synth.NoiseSecondIdentity) }
	for _, refs := range byPerson {
		for i := range refs {
			for j := i + 1; j < len(refs); j++ {
				if !judged(refs[i], refs[j]) {
					continue
				}
				q.samePairs++
				l, ok := links[ID(refs[i], refs[j])]
				if ok {
					q.sameFound++
				}
				if second(refs[i]) || second(refs[j]) {
					q.fraudPairs++
					if ok {
						q.fraudFound++
						if l.Colour == Yellow {
							q.fraudYellow++
						}
					}
				}
			}
		}
	}
	// Different persons sharing a document.
	byDoc := map[string][]Ref{}
	for _, ref := range w.order {
		for _, d := range w.records[ref].Documents {
			k := d.IssuingCountry + "/" + search.DocumentKey(d.Number)
			byDoc[k] = append(byDoc[k], ref)
		}
	}
	sharedDoc := map[string]bool{}
	for _, refs := range byDoc {
		for i := range refs {
			for j := i + 1; j < len(refs); j++ {
				if w.truth[refs[i]].Person == w.truth[refs[j]].Person || !judged(refs[i], refs[j]) {
					continue
				}
				id := ID(refs[i], refs[j])
				if sharedDoc[id] {
					continue
				}
				sharedDoc[id] = true
				q.fraudPairs++
				if l, ok := links[id]; ok {
					q.fraudFound++
					if l.Colour == Yellow {
						q.fraudYellow++
					}
				}
			}
		}
	}
	for id, l := range links {
		if !judged(l.A, l.B) {
			continue
		}
		q.links++
		q.byColour[l.Colour]++
		if l.Colour == Yellow {
			q.yellow++
		}
		differ := w.truth[l.A].Person != w.truth[l.B].Person
		switch {
		case claimsApart(l):
			q.apartLinks++
			if !differ {
				q.apartWrong++
			}
		case sharedDoc[id]:
			// A shared document without biometrics to tell: judged as a
			// fraud link only.
		default:
			q.sameLinks++
			if differ {
				q.sameWrong++
				q.wrongBy[evidenceKind(l)]++
			}
		}
	}
	return q
}

// TestLinkQuality detects links over 5,000 synthetic persons and checks
// them against ground truth: same-person links precise and complete, the
// fraud cases found and left for verification.
func TestLinkQuality(t *testing.T) {
	w := newWorld(t, 5000)
	q := w.judge(w.detectAll(t, w.order), nil)
	t.Log(q)
	if q.precision() < 0.97 || q.recall() < 0.95 {
		t.Errorf("same-person links: %s", q)
	}
	if ratio(q.fraudFound, q.fraudPairs) < 0.9 || ratio(q.fraudYellow, q.fraudFound) < 0.9 {
		t.Errorf("fraud links: %s", q)
	}
}
