package search

import (
	"cmp"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"secunion/identity"
	"secunion/names"
)

// Index is the in-memory name and document index over the records of the
// source systems. It is rebuilt from the store at start and kept current
// from committed changes. Safe for concurrent use.
//
// Candidates come from blocking keys: for each name token, its phonetic key
// and its spelling family, each with the year of birth (records without one
// under year 0), and, for queries without a date of birth, the key alone.
// Candidates are then scored exactly with names.Compare.
type Index struct {
	mu      sync.RWMutex
	entries []entry
	byRef   map[string]uint32   // "SYSTEM/id" → entry
	byYear  map[string][]uint32 // "key|year" → entries
	byKey   map[string][]uint32 // "key" → entries
	byDoc   map[string][]uint32 // document key → entries
	live    int
}

type entry struct {
	system  string
	id      string
	names   []*names.Prepared // the name, then aliases
	surname *names.Prepared   // the surname alone, for queries that give no given names
	birth   names.Date
	sex     string
	nats    []string
	docs    []doc
	deleted bool
}

type doc struct{ key, country string }

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{byRef: map[string]uint32{}, byYear: map[string][]uint32{}, byKey: map[string][]uint32{}, byDoc: map[string][]uint32{}}
}

// Len returns the number of records indexed.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.live
}

// Put indexes a record, replacing an earlier version.
func (x *Index) Put(r identity.Record) {
	e := entry{system: r.System, id: r.ID}
	if r.Person != nil {
		e.names = append(e.names, names.Prepare(names.Name{Surname: r.Person.Surname, Given: r.Person.GivenNames}))
		e.surname = names.Prepare(names.Name{Surname: r.Person.Surname})
		for _, a := range r.Person.Aliases {
			e.names = append(e.names, names.Prepare(names.Name{Surname: a.Surname, Given: a.GivenNames}))
		}
		if r.Person.BirthDate != "" {
			// Validated on the way in; a date unreadable now is left out.
			e.birth, _ = names.ParseDate(r.Person.BirthDate, time.Now())
		}
		e.sex, e.nats = r.Person.Sex, r.Person.Nationalities
	}
	for _, d := range r.Documents {
		e.docs = append(e.docs, doc{DocumentKey(d.Number), d.IssuingCountry})
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	ref := r.System + "/" + r.ID
	if pos, ok := x.byRef[ref]; ok {
		x.entries[pos].deleted = true // its postings are skipped and compacted away
		x.live--
	}
	pos := uint32(len(x.entries))
	x.entries = append(x.entries, e)
	x.byRef[ref] = pos
	x.live++
	for _, k := range blockKeys(e.names) {
		k = r.System + "|" + k
		yk := k + "|" + strconv.Itoa(e.birth.Year)
		x.byYear[yk] = append(x.byYear[yk], pos)
		x.byKey[k] = append(x.byKey[k], pos)
	}
	for _, d := range e.docs {
		dk := r.System + "|" + d.key
		x.byDoc[dk] = append(x.byDoc[dk], pos)
	}
}

// Delete removes a record from the index.
func (x *Index) Delete(system, id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	ref := system + "/" + id
	if pos, ok := x.byRef[ref]; ok {
		x.entries[pos].deleted = true
		delete(x.byRef, ref)
		x.live--
	}
}

// blockKeys returns the distinct blocking keys of a person's names.
func blockKeys(ns []*names.Prepared) []string {
	var keys []string
	for _, n := range ns {
		for _, t := range n.Tokens() {
			for _, k := range tokenKeys(t) {
				if !slices.Contains(keys, k) {
					keys = append(keys, k)
				}
			}
		}
	}
	return keys
}

// tokenKeys returns the blocking keys of one name token: its phonetic key
// and its spelling family.
func tokenKeys(t string) []string {
	var keys []string
	for _, k := range []string{"k" + names.Key(t), "f" + names.Canonical(t)} {
		if len(k) > 1 {
			keys = append(keys, k)
		}
	}
	return keys
}

// Candidate limits: a query scores at most maxCandidates records that
// share keys with at least two of its name tokens (or its only one), and,
// when those give fewer hits than asked, at most maxWeak records that share
// a key with one token only. Postings are per system, so each system's
// answer touches only its own records.
const (
	maxCandidates = 100_000
	maxWeak       = 20_000
)

// Search returns the best hits of system for q, best first.
func (x *Index) Search(system string, q parsed) []Hit {
	x.mu.RLock()
	defer x.mu.RUnlock()
	var hits []Hit
	scored := map[uint32]bool{}
	consider := func(pos uint32) {
		if scored[pos] {
			return
		}
		scored[pos] = true
		e := &x.entries[pos]
		if e.deleted || e.system != system {
			return
		}
		if h, ok := score(e, q); ok {
			hits = append(hits, h)
		}
	}
	for _, pos := range x.byDoc[system+"|"+q.doc] {
		consider(pos)
	}
	if q.hasName {
		tokens := q.name.Tokens()
		need := min(2, len(tokens))
		// matched holds, per candidate, which query tokens it shares a key with.
		gather := func(postings func(key string) [][]uint32) map[uint32]uint16 {
			matched := map[uint32]uint16{}
			for i, t := range tokens {
				for _, k := range tokenKeys(t) {
					for _, list := range postings(system + "|" + k) {
						for _, pos := range list {
							matched[pos] |= 1 << min(i, 15)
						}
					}
				}
			}
			return matched
		}
		run := func(matched map[uint32]uint16) {
			strong, weak := 0, 0
			var rest []uint32
			for pos, m := range matched {
				if bits.OnesCount16(m) >= need {
					if strong < maxCandidates {
						consider(pos)
						strong++
					}
				} else {
					rest = append(rest, pos)
				}
			}
			if len(hits) >= q.limit {
				return
			}
			slices.Sort(rest) // a deterministic choice when capped
			for _, pos := range rest {
				if weak++; weak > maxWeak {
					break
				}
				consider(pos)
			}
		}
		if q.birth.Year != 0 {
			years := []string{strconv.Itoa(q.birth.Year), strconv.Itoa(q.birth.Year - 1), strconv.Itoa(q.birth.Year + 1), "0"}
			run(gather(func(key string) [][]uint32 {
				lists := make([][]uint32, len(years))
				for i, y := range years {
					lists[i] = x.byYear[key+"|"+y]
				}
				return lists
			}))
		}
		// Without a date of birth, or when the years near it give too few
		// hits (a mistyped year), every year of the keys is tried.
		if q.birth.Year == 0 || len(hits) < q.limit {
			run(gather(func(key string) [][]uint32 { return [][]uint32{x.byKey[key]} }))
		}
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), strings.Compare(a.RecordID, b.RecordID))
	})
	if len(hits) > q.limit {
		hits = hits[:q.limit]
	}
	return hits
}

// MinName is the least name similarity of a hit on identity data.
const MinName = 0.75

// score decides whether e matches q and how well, and says why.
func score(e *entry, q parsed) (Hit, bool) {
	h := Hit{System: e.system, RecordID: e.id}
	docMatch := false
	if q.doc != "" {
		for _, d := range e.docs {
			if d.key == q.doc && (q.docCtry == "" || d.country == q.docCtry) {
				docMatch = true
			}
		}
		if docMatch {
			h.Why = append(h.Why, "same document number")
		}
	}
	if q.sex != "" && e.sex != "" && q.sex != "X" && e.sex != "X" && q.sex != e.sex {
		if !docMatch {
			return h, false
		}
		h.Why = append(h.Why, "sex differs")
	}
	// The date is compared first: it is cheap, and a contradicting date
	// rules most candidates out before their names are compared.
	dateScore, dateOK, dateWhy := 0.7, true, "" // 0.7 when a date is missing on either side
	if q.birth.Year != 0 && e.birth.Year != 0 {
		m := names.CompareDates(q.birth, e.birth)
		switch m {
		case names.DateExact:
			dateScore = 1
		case names.DateCompatible:
			dateScore = 0.9
		case names.DateDayMonthSwapped:
			dateScore = 0.8
		case names.DateOffByOneYear, names.DateDigitTypo:
			dateScore = 0.7
		default:
			dateScore, dateOK = 0, false
		}
		if dateOK {
			dateWhy = "date of birth " + m.String()
		}
	}
	if !dateOK && !docMatch {
		return h, false
	}
	nameScore := 0.0
	if q.hasName {
		var best names.Score
		candidates := e.names
		if !q.hasGiven && e.surname != nil {
			// An officer who types only a surname asks about the surname.
			candidates = []*names.Prepared{e.surname}
		}
		for _, n := range candidates {
			if s := names.Compare(q.name, n); s.Value > best.Value {
				best = s
			}
		}
		nameScore = best.Value
		if nameScore >= MinName {
			h.Why = append(h.Why, "name "+best.String())
		}
	}
	if dateWhy != "" {
		h.Why = append(h.Why, dateWhy)
	}
	switch {
	case docMatch:
		h.Score = 1
	case q.hasName && nameScore >= MinName && dateOK:
		h.Score = 0.7*nameScore + 0.3*dateScore
	default:
		return h, false
	}
	if q.nat != "" && slices.Contains(e.nats, q.nat) {
		h.Why = append(h.Why, "same nationality")
	}
	return h, true
}

// Hit is one record that matched a query.
type Hit struct {
	System   string          `json:"system"`
	RecordID string          `json:"record_id"`
	Score    float64         `json:"score"`
	Why      []string        `json:"why"`
	Record   identity.Record `json:"record"` // with the fields the profile allows
}
