package search

import (
	"bytes"
	"cmp"
	"hash/maphash"
	"math/bits"
	"slices"
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
// and, for names with a spelling family, the family, each with the year of
// birth (records without one under year 0; a query without a date of birth
// reads every year); and from the complete date of birth itself (the date,
// its day and month swapped, a year either side), so that a name mistyped
// in every token is still found when the date is right. Candidates are
// then scored exactly with names.Compare.
//
// Records are held compact, about 325 bytes each, so that ten million fit
// in a few gigabytes: an entry of 24 bytes and one string per record, whose
// names are prepared again when the record is a candidate (about a
// microsecond and a half), and posting lists under 64-bit hashes of their
// keys (a collision only adds candidates, which scoring then rejects).
type Index struct {
	wmu     sync.Mutex   // held by writers: one change at a time
	mu      sync.RWMutex // held by writers while they change, by readers
	seed    maphash.Seed
	entries []entry
	byRef   map[string]uint32 // "SYSTEM/id" → entry
	post    postings
	live    int
	maxYear int              // the latest year of birth indexed
	systems map[string]uint8 // system → its number in entries
	// For Coincidences: live records per name blocking key (hashed, over
	// all systems), and per date of birth at each precision it has
	// (packDate of the year, the year and month, the complete date).
	tokens map[uint64]int32
	dates  map[uint32]int32
}

// Separators inside an entry's text.
const (
	sepField   = "\x1f" // surname from given names; document number from country
	sepRecord  = "\x1e" // one name (or document) from the next
	sepSection = "\x1d" // names from nationalities from documents
)

// entry is one record as the index holds it: 24 bytes and one string.
type entry struct {
	// text is the reference "SYSTEM/id" (refLen bytes), then the names
	// (normalised: surname sepField given; the name then its aliases,
	// joined by sepRecord), the nationalities (comma-separated) and the
	// documents (document key sepField issuing country, joined by
	// sepRecord), the three separated by sepSection. Only the reference
	// may hold any byte: the rest are letters, digits and separators.
	text    string
	birth   uint32 // packDate of the date of birth, 0 when unknown
	refLen  uint8
	sys     uint8 // the system's number (Index.systems)
	sex     byte  // 'M', 'F', 'X' or 0
	deleted bool
}

func (e *entry) ref() string { return e.text[:e.refLen] }

func (e *entry) system() string { r := e.ref(); return r[:strings.IndexByte(r, '/')] }

func (e *entry) id() string { r := e.ref(); return r[strings.IndexByte(r, '/')+1:] }

// sections returns the names, nationalities and documents of e.
func (e *entry) sections() (names, nats, docs string) {
	names, rest, _ := strings.Cut(e.text[e.refLen:], sepSection)
	nats, docs, _ = strings.Cut(rest, sepSection)
	return names, nats, docs
}

// packDate and unpackDate keep a date of birth in four bytes.
func packDate(d names.Date) uint32 {
	return uint32(d.Year)<<9 | uint32(d.Month)<<5 | uint32(d.Day)
}

func unpackDate(v uint32) names.Date {
	return names.Date{Year: int(v >> 9), Month: int(v >> 5 & 15), Day: int(v & 31)}
}

// postings maps hashed keys to the entries filed under them. A posting is
// an entry's position with its packed date of birth above it, so that a
// query rules out candidates born on other dates without reading their
// entries. Most keys (a document number, a rare name in one year) have a
// single posting, held in the map's value itself; a key with more points
// to a list.
type postings struct {
	head  map[uint64]uint64 // key → posting, or inList | index in lists
	lists [][]uint64
}

const inList = 1 << 63

func posting(pos, birth uint32) uint64 { return uint64(birth)<<32 | uint64(pos) }

func (p *postings) add(key uint64, v uint64) {
	old, ok := p.head[key]
	switch {
	case !ok:
		p.head[key] = v
	case old&inList == 0:
		p.lists = append(p.lists, []uint64{old, v})
		p.head[key] = inList | uint64(len(p.lists)-1)
	default:
		p.lists[old&^inList] = append(p.lists[old&^inList], v)
	}
}

// get returns the postings under key; a single one is returned in one,
// whose storage the caller provides.
func (p *postings) get(key uint64, one *[1]uint64) []uint64 {
	v, ok := p.head[key]
	switch {
	case !ok:
		return nil
	case v&inList == 0:
		one[0] = v
		return one[:]
	}
	return p.lists[v&^inList]
}

// Kinds of posting keys.
const (
	postYear  = 'y' // name key and year of birth
	postBirth = 'b' // complete date of birth
	postDoc   = 'd' // document key
)

// postKey hashes a posting key.
func (x *Index) postKey(kind byte, system, key string, n uint32) uint64 {
	var h maphash.Hash
	h.SetSeed(x.seed)
	h.WriteByte(kind)
	h.WriteString(system)
	h.WriteByte(0)
	h.WriteString(key)
	h.Write([]byte{byte(n), byte(n >> 8), byte(n >> 16), byte(n >> 24)})
	return h.Sum64()
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{seed: maphash.MakeSeed(), byRef: map[string]uint32{}, post: postings{head: map[uint64]uint64{}}, systems: map[string]uint8{},
		tokens: map[uint64]int32{}, dates: map[uint32]int32{}}
}

// Len returns the number of records indexed.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.live
}

// Put indexes a record, replacing an earlier version.
func (x *Index) Put(r identity.Record) {
	ref := r.System + "/" + r.ID
	// The text is built in a scratch buffer and copied once, at its size.
	text := bytes.NewBuffer(make([]byte, 0, 256))
	text.WriteString(ref)
	e := entry{refLen: uint8(len(ref))}
	if p := r.Person; p != nil {
		for i, n := range personNames(p) {
			if i > 0 {
				text.WriteString(sepRecord)
			}
			text.WriteString(names.Normalize(n.Surname) + sepField + names.Normalize(n.Given))
		}
		if p.BirthDate != "" {
			e.birth = packDate(names.StoredDate(p.BirthDate))
		}
		if p.Sex != "" {
			e.sex = p.Sex[0]
		}
		text.WriteString(sepSection + strings.Join(p.Nationalities, ","))
	} else {
		text.WriteString(sepSection)
	}
	text.WriteString(sepSection)
	for i, d := range r.Documents {
		if i > 0 {
			text.WriteString(sepRecord)
		}
		text.WriteString(DocumentKey(d.Number) + sepField + d.IssuingCountry)
	}
	e.text = text.String()
	blocks := blockKeys(entryNames(&e))
	keys := x.postKeys(&e, blocks)

	x.wmu.Lock()
	defer x.wmu.Unlock()
	x.mu.Lock()
	if pos, ok := x.byRef[e.ref()]; ok {
		x.entries[pos].deleted = true // its postings are skipped
		x.live--
		old := &x.entries[pos]
		x.tally(old, blockKeys(entryNames(old)), -1)
	}
	x.insert(e, keys)
	x.tally(&e, blocks, 1)
	dead := len(x.entries) - x.live
	x.mu.Unlock()
	if dead >= minCompact && dead > x.live {
		x.compact()
	}
}

// insert appends e with its posting keys. The caller holds both locks.
func (x *Index) insert(e entry, keys []uint64) {
	pos := uint32(len(x.entries))
	sys, ok := x.systems[e.system()]
	if !ok {
		sys = uint8(len(x.systems))
		x.systems[e.system()] = sys
	}
	e.sys = sys
	x.entries = append(x.entries, e)
	x.byRef[e.ref()] = pos // the map's key shares the entry's text
	x.live++
	x.maxYear = max(x.maxYear, unpackDate(e.birth).Year)
	for _, k := range keys {
		x.post.add(k, posting(pos, e.birth))
	}
}

// minCompact is the number of replaced or deleted entries from which the
// index is compacted, once they also outnumber the live ones: so memory
// stays within twice the live records, at the cost of one rebuild per as
// many changes as there are records.
const minCompact = 100_000

// compact rebuilds the entries and postings without the dead entries.
// The caller holds the writers' lock only: searches go on over the old
// structures while the new ones are built, and wait only for the swap.
func (x *Index) compact() {
	fresh := &Index{seed: x.seed, entries: make([]entry, 0, x.live), byRef: make(map[string]uint32, x.live),
		post: postings{head: map[uint64]uint64{}}, systems: x.systems}
	for i := range x.entries {
		if e := &x.entries[i]; !e.deleted {
			fresh.insert(*e, x.postKeys(e, blockKeys(entryNames(e))))
		}
	}
	x.mu.Lock()
	x.entries, x.byRef, x.post, x.maxYear, x.systems = fresh.entries, fresh.byRef, fresh.post, fresh.maxYear, fresh.systems
	x.mu.Unlock()
}

// postKeys returns the hashed posting keys of e: its names' blocking keys
// (blocks) with its year of birth, its complete date of birth, its
// documents.
func (x *Index) postKeys(e *entry, blocks []string) []uint64 {
	system := e.system()
	_, _, docs := e.sections()
	birth := unpackDate(e.birth)
	var keys []uint64
	for _, k := range blocks {
		keys = append(keys, x.postKey(postYear, system, k, uint32(birth.Year)))
	}
	if birth.Complete() {
		keys = append(keys, x.postKey(postBirth, system, "", e.birth))
	}
	if docs != "" {
		for d := range strings.SplitSeq(docs, sepRecord) {
			key, _, _ := strings.Cut(d, sepField)
			keys = append(keys, x.postKey(postDoc, system, key, 0))
		}
	}
	return keys
}

func aliasNames(as []identity.Alias) []names.Name {
	out := make([]names.Name, len(as))
	for i, a := range as {
		out[i] = names.Name{Surname: a.Surname, Given: a.GivenNames}
	}
	return out
}

// Delete removes a record from the index.
func (x *Index) Delete(system, id string) {
	x.wmu.Lock()
	defer x.wmu.Unlock()
	x.mu.Lock()
	ref := system + "/" + id
	if pos, ok := x.byRef[ref]; ok {
		x.tally(&x.entries[pos], blockKeys(entryNames(&x.entries[pos])), -1)
		x.entries[pos].deleted = true
		delete(x.byRef, ref)
		x.live--
	}
	dead := len(x.entries) - x.live
	x.mu.Unlock()
	if dead >= minCompact && dead > x.live {
		x.compact()
	}
}

// blockKeys returns the distinct blocking keys of a person's names.
func blockKeys(ns []names.Name) []string {
	var keys []string
	var p names.Prepared
	for _, n := range ns {
		p.Set(n)
		for _, t := range p.Tokens() {
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
// and, for a name with a spelling family, the family (whose members need
// not share a key: MOHAMMED, MEHMET).
func tokenKeys(t string) []string {
	keys := []string{"k" + names.Key(t)}
	if f := names.Family(t); f != "" {
		keys = append(keys, "f"+f)
	}
	return keys
}

// Candidate budgets, per system and query: at most maxStrong records that
// share keys with at least two of the query's name tokens (or its only
// one) are scored, and, when those give fewer hits than asked, at most
// maxWeak that share a key with one token only. Over budget, the likeliest
// go first: more query tokens shared, then a closer date of birth. The
// budgets bound the work of a query on common names, whose candidates
// grow with the index; the likeliest thousands hold the person sought.
const (
	maxStrong = 3_000
	maxWeak   = 1_000
)

// maxBirthList is the longest list of records born on one date that a
// query scores whole: dates that many records share (1 January stands for
// an unknown date in many registers) select too little to be worth it.
const maxBirthList = 1_000

// Bits of a candidate's mark in Search: the query tokens whose keys it
// shares (bits 0–11), how close its date of birth is (dateRank, bits
// 12–13), and whether it was scored (bit 15).
const (
	tokenBits = 1<<12 - 1
	rankShift = 12
	scoredBit = 1 << 15
)

// dateRank grades how close a candidate's date of birth is to the query's,
// 3 for the closest, for the order of candidates over budget.
func dateRank(m names.DateMatch) uint16 {
	switch m {
	case names.DateExact:
		return 3
	case names.DateCompatible, names.DateMissing:
		return 2
	case names.DateDayMonthSwapped, names.DateOffByOneYear:
		return 1
	}
	return 0
}

// Find returns the best hits for q among the records of system, as the
// portal would, without loading the records: for the identity detector.
// now is the clock the query's date of birth is checked against.
func (x *Index) Find(system string, q Query, now time.Time) ([]Hit, error) {
	p, err := q.parse(now)
	if err != nil {
		return nil, err
	}
	return x.Search(system, p), nil
}

// Search returns the best hits of system for q, best first.
//
// Candidates are gathered in one map from entry to the query tokens whose
// keys it shares (bit 15: already scored). A posting whose date of birth
// contradicts the query's is dropped before its entry is read.
func (x *Index) Search(system string, q parsed) []Hit {
	x.mu.RLock()
	defer x.mu.RUnlock()
	sys, ok := x.systems[system]
	if !ok {
		return nil
	}
	var hits []Hit
	seen := map[uint32]uint16{} // candidate → mark (tokenBits, rank, scoredBit)
	var scratch names.Prepared
	var one [1]uint64
	consider := func(pos uint32) {
		if seen[pos]&scoredBit != 0 {
			return
		}
		seen[pos] |= scoredBit
		e := &x.entries[pos]
		if e.deleted || e.sys != sys {
			return // replaced, or a collision of hashed keys
		}
		if h, ok := score(e, q, &scratch); ok {
			hits = append(hits, h)
		}
	}
	if q.doc != "" {
		for _, p := range x.post.get(x.postKey(postDoc, system, q.doc, 0), &one) {
			consider(uint32(p))
		}
	}
	if q.hasName && q.birth.Complete() {
		for _, d := range nearDates(q.birth) {
			if list := x.post.get(x.postKey(postBirth, system, "", packDate(d)), &one); len(list) <= maxBirthList {
				for _, p := range list {
					consider(uint32(p))
				}
			}
		}
	}
	if !q.hasName {
		return sortHits(hits, q.limit)
	}
	// The years searched: the year of birth and one either side (records
	// without a year are under 0), or every year for a query without one.
	var years []uint32
	if y := q.birth.Year; y != 0 {
		years = []uint32{uint32(y), uint32(y - 1), uint32(y + 1), 0}
	} else {
		years = append(years, 0)
		for y := names.MinYear; y <= x.maxYear; y++ {
			years = append(years, uint32(y))
		}
	}
	tokens := q.name.Tokens()
	for i, t := range tokens {
		bit := uint16(1) << min(i, 11)
		for _, k := range tokenKeys(t) {
			for _, y := range years {
				for _, p := range x.post.get(x.postKey(postYear, system, k, y), &one) {
					b := uint32(p >> 32)
					m := names.DateMissing
					if b != 0 && q.birth.Year != 0 {
						if m = names.CompareDates(q.birth, unpackDate(b)); m > names.DateDigitTypo {
							continue // a contradicting date: not a candidate
						}
					}
					seen[uint32(p)] |= dateRank(m)<<rankShift | bit
				}
			}
		}
	}
	need := min(2, len(tokens))
	var strong, weak byPriority
	for pos, m := range seen {
		switch {
		case m&scoredBit != 0:
		case bits.OnesCount16(m&tokenBits) >= need:
			strong.add(pos, m)
		default:
			weak.add(pos, m)
		}
	}
	for _, pos := range strong.first(maxStrong) {
		consider(pos)
	}
	if len(hits) < q.limit {
		for _, pos := range weak.first(maxWeak) {
			consider(pos)
		}
	}
	return sortHits(hits, q.limit)
}

// byPriority holds candidates by priority: the number of query tokens
// shared, then the closeness of the date of birth.
type byPriority [13 * 4][]uint32 // 0–12 tokens × 4 date ranks

func (b *byPriority) add(pos uint32, mark uint16) {
	p := bits.OnesCount16(mark&tokenBits)<<2 | int(mark>>rankShift&3)
	b[p] = append(b[p], pos)
}

// first returns at most n candidates, the likeliest first; ties go by
// position, so that the choice is the same every time.
func (b *byPriority) first(n int) []uint32 {
	var out []uint32
	for p := len(b) - 1; p >= 0 && len(out) < n; p-- {
		c := b[p]
		if len(out)+len(c) > n {
			slices.Sort(c)
			c = c[:n-len(out)]
		}
		out = append(out, c...)
	}
	return out
}

// sortHits returns the best limit hits, best first.
func sortHits(hits []Hit, limit int) []Hit {
	slices.SortFunc(hits, func(a, b Hit) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), strings.Compare(a.RecordID, b.RecordID))
	})
	return hits[:min(len(hits), limit)]
}

// nearDates returns d and the complete dates a mistyped d may stand for:
// day and month swapped, a year either side.
func nearDates(d names.Date) []names.Date {
	out := []names.Date{d, {Year: d.Year - 1, Month: d.Month, Day: d.Day}, {Year: d.Year + 1, Month: d.Month, Day: d.Day}}
	if d.Day <= 12 && d.Day != d.Month {
		out = append(out, names.Date{Year: d.Year, Month: d.Day, Day: d.Month})
	}
	return out
}

// MinName is the least name similarity of a hit on identity data.
const MinName = 0.75

// score decides whether e matches q and how well, and says why. scratch
// is reused to prepare e's names.
func score(e *entry, q parsed, scratch *names.Prepared) (Hit, bool) {
	h := Hit{System: e.system(), RecordID: e.id()}
	nameText, nats, docs := e.sections()
	docMatch := false
	if q.doc != "" {
		for d := range strings.SplitSeq(docs, sepRecord) {
			key, ctry, _ := strings.Cut(d, sepField)
			if key == q.doc && (q.docCtry == "" || ctry == q.docCtry) {
				docMatch = true
			}
		}
		if docMatch {
			h.Why = append(h.Why, "same document number")
		}
	}
	if q.sex != "" && e.sex != 0 && q.sex != "X" && e.sex != 'X' && q.sex[0] != e.sex {
		if !docMatch {
			return h, false
		}
		h.Why = append(h.Why, "sex differs")
	}
	// The date is compared first: it is cheap, and a contradicting date
	// rules most candidates out before their names are compared.
	dateScore, dateOK, dateWhy := 0.7, true, "" // 0.7 when a date is missing on either side
	if birth := unpackDate(e.birth); q.birth.Year != 0 && birth.Year != 0 {
		m := names.CompareDates(q.birth, birth)
		switch m {
		case names.DateExact:
			dateScore = 1
		case names.DateCompatible:
			dateScore = 0.9
		case names.DateDayMonthSwapped:
			dateScore = 0.8
		case names.DateOffByOneYear:
			dateScore = 0.7
		case names.DateDigitTypo:
			dateScore = 0.6 // the loosest: many dates are one digit apart
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
	if q.hasName && nameText != "" {
		best, why := bestName(nameText, q, scratch)
		if nameScore = best; nameScore >= MinName {
			h.Why = append(h.Why, why)
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
	if q.nat != "" && slices.Contains(strings.Split(nats, ","), q.nat) {
		h.Why = append(h.Why, "same nationality")
	}
	return h, true
}

// Factors on the name similarity of a record compared in part: one that
// holds no given names, compared on its surname alone with a query that
// gives some (the record does not contradict the given names, but confirms
// none); and a name compared with the other part of the other name (a
// surname entered as a given name).
const (
	absentGiven = 0.9
	crossPart   = 0.97
)

// bestName compares the query's name with each of a record's names
// (stored as in entry.names) and returns the best similarity and its
// explanation. When one side has a surname only, it is compared with the
// other's surname and, crosswise, with its given names.
func bestName(stored string, q parsed, scratch *names.Prepared) (float64, string) {
	best, why := 0.0, ""
	try := func(query *names.Prepared, n names.Name, factor float64, note string) {
		scratch.Set(n)
		if s := names.Compare(query, scratch); s.Value*factor > best {
			best, why = s.Value*factor, "name "+s.String()+note
		}
	}
	for n := range strings.SplitSeq(stored, sepRecord) {
		surname, given, _ := strings.Cut(n, sepField)
		switch {
		case !q.hasGiven:
			// An officer who types only a surname asks about the surname.
			try(q.name, names.Name{Surname: surname}, 1, "")
			if given != "" {
				try(q.name, names.Name{Surname: given}, crossPart, " (found among the given names)")
			}
		case given == "":
			try(q.surname, names.Name{Surname: surname}, absentGiven, " (no given names on the record)")
			try(q.given, names.Name{Surname: surname}, absentGiven*crossPart, " (no given names on the record; found as a given name)")
		default:
			try(q.name, names.Name{Surname: surname, Given: given}, 1, "")
		}
	}
	return best, why
}

// Hit is one record that matched a query.
type Hit struct {
	System   string          `json:"system"`
	RecordID string          `json:"record_id"`
	Score    float64         `json:"score"`
	Why      []string        `json:"why"`
	Record   identity.Record `json:"record"`          // with the fields the profile allows
	Links    []LinkInfo      `json:"links,omitempty"` // identity links to records of systems in the profile
}

// LinkInfo is an identity link of a hit (package links), as the portal
// shows it: the link, its colour and the linked record.
type LinkInfo struct {
	ID       string `json:"id"`
	Colour   string `json:"colour"`
	System   string `json:"system"`
	RecordID string `json:"record_id"`
}
