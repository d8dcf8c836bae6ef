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
	var refs []links.Ref
	if err := db.EachRecord(ctx, func(r identity.Record) error {
		if links.InScope(r.System) {
			refs = append(refs, links.Ref{System: r.System, ID: r.ID})
		}
		return nil
	}); err != nil {
		return err
	}
	mid := x.detector(db)
	prog := newCounter(e, int64(len(refs)), "detecting links", "records")
	start := time.Now()
	var (
		mu                       sync.Mutex
		created, changed, erased int
		firstErr                 error
	)
	jobs := make(chan []links.Ref)
	var wg sync.WaitGroup
	for range *workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range jobs {
				runs := make([]links.Run, 0, len(batch))
				var err error
				for _, ref := range batch {
					var r identity.Record
					if r, err = db.Record(ctx, ref.System, ref.ID); secunion.CodeOf(err) == secunion.NotFound {
						err = nil
						continue // erased since
					} else if err != nil {
						break
					}
					var found []links.Link
					if found, err = mid.Detect(ctx, r); err != nil {
						break
					}
					runs = append(runs, links.Run{Trigger: ref, Found: found})
				}
				var c, ch, er int
				if err == nil {
					c, ch, er, err = db.SaveLinks(ctx, runs)
				}
				mu.Lock()
				created, changed, erased = created+c, changed+ch, erased+er
				if err != nil && firstErr == nil {
					firstErr = err
				}
				prog.Add(len(batch))
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < len(refs); i += linksBatch {
		if ctx.Err() != nil {
			break
		}
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
		return firstErr
	}
	if err := ctx.Err(); err != nil {
		return secunion.Errorf(secunion.Unavailable, "link detection interrupted: the links found so far are kept; run it again to finish")
	}
	prog.Finish()
	secs := time.Since(start).Seconds()
	fmt.Fprintf(e.stdout, "links detect: %d records compared in %.1f s (%.0f records/s): %d links created, %d changed, %d erased\n",
		len(refs), secs, float64(len(refs))/secs, created, changed, erased)
	return nil
}
