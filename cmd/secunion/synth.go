package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"secunion"
	"secunion/identity"
	"secunion/synth"
)

// Files that synth writes beside one <system>.jsonl per system.
const (
	synthTruthFile     = "truth.jsonl"
	synthQueriesFile   = "queries.jsonl"
	synthTemplatesFile = "templates.jsonl"
)

// runSynth writes synthetic records of every system, their ground truth
// and, if asked, queries with ground truth, into a folder: one JSON Lines
// file per system in the format `secunion import` reads.
func runSynth(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprint(e.stderr, "usage: secunion synth --persons N --seed S --out DIR [--queries Q] [--templates] [--now YYYY-MM-DD] [--force]\n\n"+
			"Writes one JSON Lines file per system (SIS.jsonl, VIS.jsonl, …; load each with\n"+
			"`secunion import SYSTEM FILE`), truth.jsonl (each record's person and noise)\n"+
			"and queries.jsonl; with --templates also templates.jsonl, the biometric templates\n"+
			"the records refer to (`secunion import templates FILE`, after the records).\n"+
			"The same persons, seed and date give the same bytes.\n\n")
		fs.PrintDefaults()
	}
	persons := fs.Int("persons", 10000, "how many synthetic persons (1 to 100000000)")
	seed := fs.Uint64("seed", 1, "seed of every random choice")
	out := fs.String("out", "", "folder to write into (created if missing)")
	queries := fs.Int("queries", 0, "how many queries with ground truth to write")
	nowFlag := fs.String("now", time.Now().UTC().Format(time.DateOnly), "reference date of the data, YYYY-MM-DD")
	templates := fs.Bool("templates", false, "also write the records' biometric templates (about 6 KB each) to templates.jsonl")
	force := fs.Bool("force", false, "write into a folder that is not empty, replacing synth's files")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		fs.Usage()
		return secunion.Errorf(secunion.Invalid, "synth takes no arguments, only flags: got %q", fs.Arg(0))
	case *persons < 1 || *persons > synth.MaxPersons:
		return secunion.Errorf(secunion.Invalid, "--persons %d: give 1 to %d", *persons, synth.MaxPersons)
	case *queries < 0:
		return secunion.Errorf(secunion.Invalid, "--queries %d: give 0 or more", *queries)
	case *out == "":
		fs.Usage()
		return secunion.Errorf(secunion.Invalid, "give the folder to write into with --out DIR")
	}
	now, err := time.Parse(time.DateOnly, *nowFlag)
	if err != nil {
		return secunion.Errorf(secunion.Invalid, "--now %q: give a date as YYYY-MM-DD", *nowFlag)
	}
	o := synth.Options{Persons: *persons, Seed: *seed, Now: now}
	if err := o.Validate(); err != nil {
		return err
	}
	if err := prepareSynthDir(*out, *force); err != nil {
		return err
	}
	start := time.Now()
	prog := newProgress(e, -1, "synth "+*out)

	files := &synthFiles{prog: prog}
	defer files.abort()
	systems := make([]*synthFile, len(identity.Systems)) // by position in identity.Systems
	for i, sys := range identity.Systems {
		if systems[i], err = files.create(filepath.Join(*out, sys+".jsonl")); err != nil {
			return err
		}
	}
	truth, err := files.create(filepath.Join(*out, synthTruthFile))
	if err != nil {
		return err
	}
	var tplFile *synthFile
	if *templates {
		if tplFile, err = files.create(filepath.Join(*out, synthTemplatesFile)); err != nil {
			return err
		}
	} else if err := os.Remove(filepath.Join(*out, synthTemplatesFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return secunion.Wrap(secunion.Unavailable, err, "cannot remove the old "+synthTemplatesFile)
	}
	counts := make([]int, len(identity.Systems))
	total, nTemplates := 0, 0
	err = generatePipelined(ctx, o, func(r identity.Record, t synth.Truth) error {
		total++
		i := slices.Index(identity.Systems, r.System)
		counts[i]++
		if err := systems[i].enc.Encode(r); err != nil {
			return err
		}
		if tplFile != nil {
			tps, err := synth.Templates(o, r, t)
			if err != nil {
				return err
			}
			for _, tp := range tps {
				if err := tplFile.enc.Encode(tp); err != nil {
					return err
				}
			}
			nTemplates += len(tps)
		}
		return truth.enc.Encode(synthTruthLine{System: r.System, ID: r.ID, Truth: t})
	})
	if err != nil {
		return synthWriteError(err)
	}
	if *queries > 0 {
		q, err := files.create(filepath.Join(*out, synthQueriesFile))
		if err != nil {
			return err
		}
		if err := synth.Queries(o, *queries, func(qu synth.Query) error { return q.enc.Encode(qu) }); err != nil {
			return synthWriteError(err)
		}
	} else if err := os.Remove(filepath.Join(*out, synthQueriesFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return secunion.Wrap(secunion.Unavailable, err, "cannot remove the old "+synthQueriesFile)
	}
	if err := files.close(); err != nil {
		return err
	}
	prog.Finish()

	var per []string
	for i, sys := range identity.Systems {
		per = append(per, fmt.Sprintf("%s %d", sys, counts[i]))
	}
	fmt.Fprintf(e.stdout, "synth: wrote %d persons, %d records (%s), %d templates and %d queries to %s in %.1f s\n",
		*persons, total, strings.Join(per, ", "), nTemplates, *queries, *out, time.Since(start).Seconds())
	return nil
}

// synthBatch is how many records the generator hands to the writer at once.
const synthBatch = 1024

// synthItem is a generated record and its truth.
type synthItem struct {
	rec   identity.Record
	truth synth.Truth
}

// generatePipelined runs synth.Generate in a goroutine of its own and
// calls write with each record in order, so that generating and encoding
// use two cores. It stops when ctx is done or write fails.
func generatePipelined(ctx context.Context, o synth.Options, write func(identity.Record, synth.Truth) error) error {
	batches := make(chan []synthItem, 4)
	free := make(chan []synthItem, 6)
	stop := make(chan struct{})
	done := make(chan error, 1)
	errStopped := errors.New("the writer stopped")
	go func() {
		batch := make([]synthItem, 0, synthBatch)
		send := func() error {
			select {
			case batches <- batch:
			case <-stop:
				return errStopped // the writer reports why
			case <-ctx.Done():
				return secunion.Errorf(secunion.Unavailable, "synth interrupted: run it again with --force")
			}
			select {
			case batch = <-free:
			default:
				batch = make([]synthItem, 0, synthBatch)
			}
			return nil
		}
		err := synth.Generate(o, func(r identity.Record, t synth.Truth) error {
			if batch = append(batch, synthItem{r, t}); len(batch) == synthBatch {
				return send()
			}
			return nil
		})
		if err == nil && len(batch) > 0 {
			err = send()
		}
		close(batches)
		done <- err
	}()
	for batch := range batches {
		for _, it := range batch {
			if err := write(it.rec, it.truth); err != nil {
				close(stop)
				for range batches {
				}
				<-done
				return err
			}
		}
		clear(batch) // let the records go
		select {
		case free <- batch[:0]:
		default:
		}
	}
	return <-done
}

// synthTruthLine is one line of truth.jsonl.
type synthTruthLine struct {
	System string `json:"system"`
	ID     string `json:"id"`
	synth.Truth
}

// prepareSynthDir makes sure dir exists and, unless force, is empty.
func prepareSynthDir(dir string, force bool) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return secunion.Wrap(secunion.Invalid, err, "cannot create "+dir)
		}
		return nil
	case err != nil:
		return secunion.Wrap(secunion.Invalid, err, "cannot use "+dir+" as the output folder")
	case len(entries) > 0 && !force:
		return secunion.Errorf(secunion.Invalid, "%s is not empty: choose another --out, or add --force to replace synth's files in it", dir)
	}
	return nil
}

// synthWriteError gives an error from writing the files its code.
func synthWriteError(err error) error {
	var e *secunion.Error
	if errors.As(err, &e) {
		return err
	}
	return secunion.Wrap(secunion.Unavailable, err, "cannot write the synthetic data")
}

// synthFile is one file being written, buffered, counted by the progress
// display as its buffer is flushed.
type synthFile struct {
	f   *os.File
	buf *bufio.Writer
	enc *json.Encoder
}

// synthFiles are the files of one run.
type synthFiles struct {
	prog *progress
	all  []*synthFile
}

func (o *synthFiles) create(name string) (*synthFile, error) {
	f, err := os.Create(name)
	if err != nil {
		return nil, secunion.Wrap(secunion.Invalid, err, "cannot create "+name)
	}
	out := &synthFile{f: f, buf: bufio.NewWriterSize(io.MultiWriter(f, o.prog), 256<<10)}
	out.enc = json.NewEncoder(out.buf)
	out.enc.SetEscapeHTML(false) // MRZ fillers stay '<'
	o.all = append(o.all, out)
	return out, nil
}

// close flushes and closes every file, reporting the first failure.
func (o *synthFiles) close() error {
	var first error
	for _, out := range o.all {
		err := out.buf.Flush()
		if cerr := out.f.Close(); err == nil {
			err = cerr
		}
		if err != nil && first == nil {
			first = secunion.Wrap(secunion.Unavailable, err, "cannot write "+out.f.Name())
		}
	}
	o.all = nil
	return first
}

// abort closes files left open by a failed run.
func (o *synthFiles) abort() {
	for _, out := range o.all {
		out.f.Close()
	}
}
