package store

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"secunion"
	"secunion/access"
	"secunion/alerts"
	"secunion/audit"
)

// hubIndex is the node's correlation index of the hub's observable
// values. It follows alert_objects in the order of sequence numbers,
// which is the order of commits (every write holds the one writer's
// lock), so catching up from the last number indexed misses nothing —
// objects other nodes commit to a shared PostgreSQL database included.
// It lives in memory and is rebuilt from the table when a node starts.
type hubIndex struct {
	// pending are versions just committed, for the indexer.
	pending chan []indexed

	mu sync.Mutex // one catch-up at a time
	// idx holds observable values; words the words of the objects'
	// text, with a cap high enough that only words that say nothing
	// ("the", "report") reach it.
	idx, words *alerts.Index
	through    int64
}

// indexed is an object version just stored, with its sequence number.
type indexed struct {
	seq int64
	o   alerts.Object
}

// offer hands versions just committed to the indexer, without waiting:
// when it is behind, the next catch-up reads them from the table.
func (x *hubIndex) offer(fresh []indexed) {
	if len(fresh) == 0 || x.pending == nil {
		return
	}
	select {
	case x.pending <- fresh:
	default:
	}
}

// indexer adds the versions offered to the index until the DB closes, off
// the writers' path.
func (db *DB) indexer() {
	defer db.wg.Done()
	for {
		select {
		case fresh := <-db.hub.pending:
			db.hub.feed(fresh)
		case <-db.stop:
			return
		}
	}
}

// feed adds versions just committed to the index when they follow on
// from what it holds, which spares reading and parsing them again: on
// one node they always do, from the first version stored in a new
// database on. Versions that do not follow on (written by another node
// in between, caught up already, or an index not built yet) are left to
// the catch-up.
func (x *hubIndex) feed(fresh []indexed) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.idx == nil && x.through == 0 && fresh[0].seq == 1 {
		x.start()
	}
	for _, f := range fresh {
		if x.idx == nil || f.seq != x.through+1 {
			return
		}
		values, words := indexKeys(f.o)
		if x.add(f.seq, values, words) != nil {
			return
		}
	}
}

// start makes the empty indexes.
func (x *hubIndex) start() { x.idx, x.words = alerts.NewIndex(0), alerts.NewIndex(wordCap) }

// indexKeys returns what the indexes keep of o: its values, and its words.
func indexKeys(o alerts.Object) (values, words []alerts.Value) {
	for _, w := range alerts.Words(o) {
		words = append(words, alerts.WordKey(w))
	}
	return alerts.IndexValues(o), words
}

// add adds object version seq to the indexes, which then hold every
// version up to it.
func (x *hubIndex) add(seq int64, values, words []alerts.Value) error {
	if err := errors.Join(x.idx.Add(seq, values), x.words.Add(seq, words)); err != nil {
		return err
	}
	x.through = seq
	return nil
}

// wordCap is how many object versions the text index lists for one word.
const wordCap = 50_000

// CatchUpAlertIndex adds to the correlation index every object version
// committed since it last caught up, calling progress (if not nil) with
// the versions indexed so far and the newest sequence number. Lookups
// catch up themselves; a node calls it when it starts, so that the first
// lookup does not wait for the whole table.
func (db *DB) CatchUpAlertIndex(ctx context.Context, progress func(done, last int64)) error {
	x := &db.hub
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.idx == nil {
		x.start()
	}
	var last int64
	if progress != nil {
		if err := db.sql.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM alert_objects`).Scan(&last); err != nil {
			return dbError(err, "read objects")
		}
	}
	const chunk = 10000
	type entry struct {
		seq           int64
		data          []byte
		values, words []alerts.Value
		err           error
	}
	var done int64
	for {
		rows, err := db.sql.QueryContext(ctx, db.rebind(`SELECT seq, data FROM alert_objects WHERE seq > ? ORDER BY seq LIMIT ?`), x.through, chunk)
		if err != nil {
			return dbError(err, "read objects")
		}
		var batch []entry
		for rows.Next() {
			var e entry
			if err := rows.Scan(&e.seq, &e.data); err != nil {
				rows.Close()
				return dbError(err, "read objects")
			}
			batch = append(batch, e)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return dbError(err, "read objects")
		}
		// Parsing is the cost: a worker per core parses a share of the
		// rows, and the index takes them in order.
		var wg sync.WaitGroup
		workers := runtime.GOMAXPROCS(0)
		for w := range workers {
			wg.Go(func() {
				for i := w; i < len(batch); i += workers {
					e := &batch[i]
					o, err := alerts.ParseObject(e.data)
					if err != nil {
						e.err = secunion.Wrap(secunion.Internal, err, fmt.Sprintf("object version %d does not parse", e.seq))
						continue
					}
					e.values, e.words = indexKeys(o)
				}
			})
		}
		wg.Wait()
		for _, e := range batch {
			if e.err != nil {
				return e.err
			}
			if err := x.add(e.seq, e.values, e.words); err != nil {
				return err
			}
		}
		done += int64(len(batch))
		if progress != nil {
			progress(done, max(last, x.through))
		}
		if len(batch) < chunk {
			return nil
		}
	}
}

// AlertIndexStats returns the correlation index's size, caught up.
func (db *DB) AlertIndexStats(ctx context.Context) (alerts.IndexStats, error) {
	if err := db.CatchUpAlertIndex(ctx, nil); err != nil {
		return alerts.IndexStats{}, err
	}
	return db.hub.idx.Stats(), nil
}

// Correlation answers which objects the caller may see hold a value.
type Correlation struct {
	Value alerts.Value `json:"value"`
	// Warninglist names the list that keeps the value from correlating;
	// there are no matches then.
	Warninglist string  `json:"warninglist,omitempty"`
	Matches     []Match `json:"matches"`
	// More is set when more objects the caller may see hold the value
	// than the answer lists.
	More bool `json:"more,omitempty"`
}

// Match is one object that holds a correlated value, as the caller
// receives it.
type Match struct {
	Collection string          `json:"collection"`
	Title      string          `json:"collection_title"`
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	Version    string          `json:"version"`
	Added      string          `json:"date_added"`
	Object     json.RawMessage `json:"object"`
	// Decay is an indicator's score now, its life renewed by the last
	// sighting of it the caller may see.
	Decay *alerts.Decay `json:"decay,omitempty"`
}

// MaxMatches is the most matches one correlation lists.
const MaxMatches = 1000

// CorrelateAlerts returns the objects actor may receive under decl that
// hold v, newest first, at most limit of them: the latest version of
// each, as alerts.Disclose lets it out, and only where the value is in
// what is disclosed (a value in a property cut out by a granular marking
// does not correlate). A value on one of lists correlates with nothing.
// The lookup is audited with the value's keyed hash, and the objects
// listed as a disclosure.
func (db *DB) CorrelateAlerts(ctx context.Context, actor secunion.Actor, decl access.Declaration, v alerts.Value, lists alerts.Warninglists, limit int) (Correlation, error) {
	c := Correlation{Value: v, Matches: []Match{}}
	if c.Warninglist = lists.Match(v); c.Warninglist != "" {
		return c, db.auditLookup(ctx, actor, decl, "correlate a value of kind "+v.Kind, nil, v.Text)
	}
	if err := db.CatchUpAlertIndex(ctx, nil); err != nil {
		return c, err
	}
	seqs, _ := db.hub.idx.Lookup(v)
	readable, err := db.readableCollections(ctx, actor, decl)
	if err != nil {
		return c, err
	}
	now := db.clock.Now()
	all, err := db.disclosedMatches(ctx, readable, seqs, now, func(o alerts.Object) bool { return alerts.HasValue(o, v) })
	if err != nil {
		return c, err
	}
	var versions []string
	c.Matches, c.More, versions = firstMatches(all, limit)
	// Decay for the indicators listed only: each needs its sightings.
	for i, m := range c.Matches {
		if m.Type != "indicator" {
			continue
		}
		o, err := alerts.ParseObject(m.Object)
		if err != nil {
			return c, secunion.Wrap(secunion.Internal, err, "a disclosed object does not parse")
		}
		seen, err := db.lastSighting(ctx, readable, o.ID, now)
		if err != nil {
			return c, err
		}
		if dc, ok := alerts.IndicatorDecay(o, seen, now); ok {
			c.Matches[i].Decay = &dc
		}
	}
	return c, db.auditLookup(ctx, actor, decl, "correlate a value of kind "+v.Kind, versions, v.Text)
}

// Search is the answer to a search of the hub's text.
type Search struct {
	Terms   []string `json:"terms"`
	Matches []Match  `json:"matches"`
	More    bool     `json:"more,omitempty"`
	// Partial is set when even the rarest word of the search is in more
	// object versions than the index lists for one word, so that older
	// objects holding every word may be missing: a word that common says
	// nothing, and a search names a rarer one.
	Partial bool `json:"partial,omitempty"`
}

// SearchAlerts returns the objects actor may receive under decl whose
// text (alerts.Words: names, descriptions, report and note content)
// holds every word of terms, newest first, at most limit of them: the
// latest version of each as alerts.Disclose lets it out, the words found
// in what is disclosed. Practitioners' reports and notes in the hub's
// collections (the Radicalisation Awareness Network's, the EU Internet
// Forum's) are found this way. The search is audited with the words'
// keyed hashes, and the objects listed as a disclosure.
func (db *DB) SearchAlerts(ctx context.Context, actor secunion.Actor, decl access.Declaration, terms []string, limit int) (Search, error) {
	s := Search{Terms: terms, Matches: []Match{}}
	if err := db.CatchUpAlertIndex(ctx, nil); err != nil {
		return s, err
	}
	// The rarest word's list holds every candidate.
	var seqs []uint32
	rarest := -1
	for _, t := range terms {
		if l, total := db.hub.words.Lookup(alerts.WordKey(t)); rarest < 0 || total < rarest {
			seqs, rarest, s.Partial = l, total, total > len(l)
		}
	}
	readable, err := db.readableCollections(ctx, actor, decl)
	if err != nil {
		return s, err
	}
	all, err := db.disclosedMatches(ctx, readable, seqs, db.clock.Now(), func(o alerts.Object) bool {
		ws := alerts.Words(o)
		for _, t := range terms {
			if !slices.Contains(ws, t) {
				return false
			}
		}
		return true
	})
	if err != nil {
		return s, err
	}
	var versions []string
	s.Matches, s.More, versions = firstMatches(all, limit)
	return s, db.auditLookup(ctx, actor, decl, "search the hub's text", versions, terms...)
}

// auditLookup records a lookup in the hub: the objects disclosed, and
// the keyed hashes of what was looked for.
func (db *DB) auditLookup(ctx context.Context, actor secunion.Actor, decl access.Declaration, detail string, versions []string, values ...string) error {
	return db.Write(ctx, func(tx *Tx) error {
		e := alertEntry(actor, decl, audit.OpDisclosure, detail, versions...)
		e.Recipients, e.Results = []string{actor.Authority}, len(versions)
		return tx.Audit(e, values...)
	})
}

// readableCollections returns the collections actor may read under
// decl, by id.
func (db *DB) readableCollections(ctx context.Context, actor secunion.Actor, decl access.Declaration) (map[string]HubView, error) {
	views, err := db.VisibleCollections(ctx, actor, decl)
	if err != nil {
		return nil, err
	}
	readable := map[string]HubView{}
	for _, hv := range views {
		if hv.CanRead {
			readable[hv.Collection.ID] = hv
		}
	}
	return readable, nil
}

// disclosedMatches returns, newest first, the latest version of each
// object of which seqs name a version, as the caller receives it from
// the collections readable, where keep holds of the disclosed object.
func (db *DB) disclosedMatches(ctx context.Context, readable map[string]HubView, seqs []uint32, now time.Time, keep func(alerts.Object) bool) ([]Match, error) {
	seen := map[[2]string]bool{}
	type found struct {
		m     Match
		added int64
	}
	var all []found
	for chunk := range slices.Chunk(seqs, 500) {
		rows, err := db.latestOf(ctx, chunk)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			hv, ok := readable[r.st.Collection]
			key := [2]string{r.st.Collection, r.st.Object.ID}
			if !ok || seen[key] {
				continue
			}
			seen[key] = true
			d := alerts.Disclose(r.st, hv.Collection, hv.Readers, hv.Recipient, now)
			if d.Withheld != "" {
				continue
			}
			o := r.st.Object
			if len(d.Redacted) > 0 {
				if o, err = alerts.ParseObject(d.Object); err != nil {
					return nil, secunion.Wrap(secunion.Internal, err, "a disclosed object does not parse")
				}
			}
			if !keep(o) {
				continue
			}
			m := Match{Collection: hv.Collection.ID, Title: hv.Collection.Title, ID: o.ID, Type: o.Type,
				Version: alerts.FormatTime(r.version), Added: alerts.FormatTime(r.st.Added), Object: d.Object}
			all = append(all, found{m, nanos(r.st.Added)})
		}
	}
	slices.SortFunc(all, func(a, b found) int { return cmp.Compare(b.added, a.added) })
	out := make([]Match, len(all))
	for i, f := range all {
		out[i] = f.m
	}
	return out, nil
}

// firstMatches returns the first limit of all (100 if limit is 0),
// whether there were more, and the object versions they disclose.
func firstMatches(all []Match, limit int) ([]Match, bool, []string) {
	limit = min(cmp.Or(limit, 100), MaxMatches)
	out := all[:min(len(all), limit)]
	versions := make([]string, len(out))
	for i, m := range out {
		versions[i] = "stix:" + m.ID + "@" + m.Version
	}
	return append([]Match{}, out...), len(all) > limit, versions
}

// lastSighting returns when the latest sighting of object id that the
// caller may receive (in readable, by Disclose) last saw it; zero if
// none.
func (db *DB) lastSighting(ctx context.Context, readable map[string]HubView, id string, now time.Time) (time.Time, error) {
	seqs, _ := db.hub.idx.Lookup(alerts.SightingOf(id))
	var last time.Time
	for chunk := range slices.Chunk(seqs, 500) {
		rows, err := db.latestOf(ctx, chunk)
		if err != nil {
			return last, err
		}
		for _, r := range rows {
			hv, ok := readable[r.st.Collection]
			if !ok || r.st.Object.Props["sighting_of_ref"] != id || alerts.Disclose(r.st, hv.Collection, hv.Readers, hv.Recipient, now).Withheld != "" {
				continue
			}
			if t := alerts.LastSeen(r.st.Object); t.After(last) {
				last = t
			}
		}
	}
	return last, nil
}

// storedRow is an object version read back with what Disclose needs.
type storedRow struct {
	st      alerts.Stored
	version time.Time
}

// latestOf returns the latest version of each object of which seqs
// names a version; objects deleted since are gone. The versions named
// are read by their sequence numbers, and for those superseded since,
// the latest is read by object: two lookups by key, which no planner
// turns into a scan.
func (db *DB) latestOf(ctx context.Context, seqs []uint32) ([]storedRow, error) {
	if len(seqs) == 0 {
		return nil, nil
	}
	args := make([]any, len(seqs))
	for i, s := range seqs {
		args[i] = int64(s)
	}
	const cols = `latest, collection, version_ns, added_ns, origin, from_partner, onward, data FROM alert_objects`
	var out []storedRow
	var stale [][2]string
	err := db.scanStored(ctx, func(r storedRow, latest bool) {
		if latest {
			out = append(out, r)
		} else if k := [2]string{r.st.Collection, r.st.Object.ID}; !slices.Contains(stale, k) {
			stale = append(stale, k)
		}
	}, `SELECT `+cols+` WHERE seq IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(seqs)), ", ")+`)`, args...)
	for _, k := range stale {
		if err != nil {
			break
		}
		err = db.scanStored(ctx, func(r storedRow, _ bool) { out = append(out, r) },
			`SELECT `+cols+` WHERE collection = ? AND id = ? AND latest = 1`, k[0], k[1])
	}
	return out, err
}

// scanStored runs q, which selects the columns latestOf names, and calls
// fn with each object version read.
func (db *DB) scanStored(ctx context.Context, fn func(storedRow, bool), q string, args ...any) error {
	rows, err := db.sql.QueryContext(ctx, db.rebind(q), args...)
	if err != nil {
		return dbError(err, "read objects")
	}
	defer rows.Close()
	for rows.Next() {
		var r storedRow
		var latest, partner, onward int
		var versionNs, addedNs int64
		var data []byte
		if err := rows.Scan(&latest, &r.st.Collection, &versionNs, &addedNs, &r.st.Origin, &partner, &onward, &data); err != nil {
			return dbError(err, "read objects")
		}
		r.version, r.st.Added, r.st.FromPartner, r.st.Onward = fromNanos(versionNs), fromNanos(addedNs), partner == 1, onward == 1
		if r.st.Object, err = alerts.ParseObject(data); err != nil {
			return secunion.Wrap(secunion.Internal, err, "a stored object does not parse")
		}
		fn(r, latest == 1)
	}
	return dbError(rows.Err(), "read objects")
}
