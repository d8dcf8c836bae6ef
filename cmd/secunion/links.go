package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"secunion"
	"secunion/identity"
	"secunion/links"
	"secunion/store"
)

// linksBatch is how many records' detection runs share one transaction.
const linksBatch = 200

// runLinks runs the multiple-identity detector: `links detect` compares
// every stored record of the systems in scope with the others, for an
// initial load or after a change of rules. It is idempotent: a second run
// over the same data changes nothing.
func runLinks(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("links", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprint(e.stderr, "usage: secunion links detect [flags]\n\n"+
			"Compares every stored record of SIS, VIS, EES, ETIAS, Eurodac and ECRIS-TCN with\n"+
			"the others (biometrics, identity and travel-document data) and stores the links\n"+
			"found, with their colours. Run it once after a bulk import; a serving node\n"+
			"detects links of new and changed records by itself.\n\n")
		fs.PrintDefaults()
	}
	var sf storeFlags
	sf.register(fs, e, "")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "records compared at once")
	if len(args) == 0 || args[0] != "detect" {
		fs.Usage()
		return secunion.Errorf(secunion.Invalid, "links needs the subcommand detect")
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 || *workers < 1 {
		fs.Usage()
		return secunion.Errorf(secunion.Invalid, "links detect takes flags only, and --workers of 1 or more")
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	db, _, err := sf.open(ctx, log, false)
	if err != nil {
		return err
	}
	defer db.Close()
	x, err := loadIdentity(ctx, db, log)
	if err != nil {
		return err
	}
	start := time.Now()
	st, err := detectLinks(ctx, db, x, *workers, e)
	if err != nil {
		return err
	}
	secs := time.Since(start).Seconds()
	fmt.Fprintf(e.stdout, "links detect: %d records compared in %.1f s (%.0f records/s): %d links created, %d changed, %d erased\n",
		st.records, secs, float64(st.records)/secs, st.created, st.changed, st.erased)
	return nil
}

// detectStats count what a detection over all records did.
type detectStats struct {
	records, created, changed, erased int
}

// detectLinks compares every stored record in the detector's scope with
// the data in x, on workers goroutines, storing the links found in
// batches, with a progress bar. Interrupted, it keeps what it stored.
func detectLinks(ctx context.Context, db *store.DB, x identityIndex, workers int, e env) (detectStats, error) {
	var refs []links.Ref
	if err := db.EachRecord(ctx, func(r identity.Record) error {
		if links.InScope(r.System) {
			refs = append(refs, links.Ref{System: r.System, ID: r.ID})
		}
		return nil
	}); err != nil {
		return detectStats{}, err
	}
	mid := x.detector(db)
	prog := newCounter(e, int64(len(refs)), "detecting links", "records")
	st := detectStats{records: len(refs)}
	var (
		mu       sync.Mutex
		firstErr error
	)
	jobs := make(chan []links.Ref)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range jobs {
				c, ch, er, err := detectBatch(ctx, db, mid, batch)
				mu.Lock()
				st.created, st.changed, st.erased = st.created+c, st.changed+ch, st.erased+er
				if err != nil && firstErr == nil {
					firstErr = err
				}
				prog.Add(len(batch))
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < len(refs) && ctx.Err() == nil; i += linksBatch {
		mu.Lock()
		failed := firstErr != nil
		mu.Unlock()
		if failed {
			break
		}
		jobs <- refs[i:min(i+linksBatch, len(refs))]
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return st, firstErr
	}
	if ctx.Err() != nil {
		return st, secunion.Errorf(secunion.Unavailable, "link detection interrupted: the links found so far are kept; run it again to finish")
	}
	prog.Finish()
	return st, nil
}

// detectBatch detects the links of a batch of records and stores them in
// one transaction.
func detectBatch(ctx context.Context, db *store.DB, mid links.Sources, batch []links.Ref) (created, changed, erased int, err error) {
	runs := make([]links.Run, 0, len(batch))
	for _, ref := range batch {
		r, err := db.Record(ctx, ref.System, ref.ID)
		switch {
		case secunion.CodeOf(err) == secunion.NotFound:
			continue // erased since
		case err != nil:
			return 0, 0, 0, err
		}
		found, err := mid.Detect(ctx, r)
		if err != nil {
			return 0, 0, 0, err
		}
		runs = append(runs, links.Run{Trigger: ref, Found: found})
	}
	return db.SaveLinks(ctx, runs)
}
