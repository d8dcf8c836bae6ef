package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"secunion"
	"secunion/access"
	"secunion/biometric"
	"secunion/identity"
	"secunion/store"
)

// importBatch is how many records share one transaction and audit entry.
const importBatch = 500

// runImport loads records of one system from a JSON Lines or CSV file:
// good lines are written (idempotently, by source record ID), bad lines are
// reported with their number and reason, and the import goes on.
func runImport(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprint(e.stderr, "usage: secunion import [flags] SYSTEM FILE\n       secunion import [flags] templates FILE\n\n"+
			"SYSTEM is one of "+strings.Join(identity.Systems, ", ")+";\nFILE is JSON Lines (.jsonl) or CSV (.csv), or - for stdin with --format.\n"+
			"Biometric templates come as JSON Lines, one template per line, after the\nrecords that list them.\n\n")
		fs.PrintDefaults()
	}
	var sf storeFlags
	sf.register(fs, e, "")
	format := fs.String("format", "", "jsonl or csv (default: from the file name)")
	rejects := fs.String("rejects", "", "write rejected lines' numbers and reasons to this file (default: stderr)")
	ownerCode := fs.String("owner", "", "the authority that owns the records the file creates (e.g. NL-SIRENE for SIS): it alone may then replace or erase them through the API; a line may name its own owner; without either only the node's operator changes them")
	// Flags may come before or after the two arguments.
	var pos []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		pos, rest = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
	if len(pos) != 2 {
		fs.Usage()
		return secunion.Errorf(secunion.Invalid, "import needs a SYSTEM and a FILE")
	}
	system, err := identity.ParseSystem(pos[0])
	if pos[0] == "templates" {
		system, err = pos[0], nil
		*format = string(identity.JSONLines)
	}
	if err != nil {
		return err
	}
	f := identity.Format(*format)
	if f == "" {
		switch strings.ToLower(filepath.Ext(pos[1])) {
		case ".csv":
			f = identity.CSV
		case ".jsonl", ".ndjson", ".json":
			f = identity.JSONLines
		default:
			return secunion.Errorf(secunion.Invalid, "cannot tell the format of %s: give --format jsonl or csv", pos[1])
		}
	}
	in, size := e.stdin, int64(-1)
	if pos[1] != "-" {
		file, err := os.Open(pos[1])
		if err != nil {
			return secunion.Wrap(secunion.Invalid, err, "cannot open "+pos[1])
		}
		defer file.Close()
		if st, err := file.Stat(); err == nil {
			size = st.Size()
		}
		in = file
	}
	rejectOut := e.stderr
	if *rejects != "" {
		rf, err := os.Create(*rejects)
		if err != nil {
			return secunion.Wrap(secunion.Invalid, err, "cannot create "+*rejects)
		}
		defer rf.Close()
		rejectOut = rf
	}
	db, _, err := sf.open(ctx, slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})), false)
	if err != nil {
		return err
	}
	defer db.Close()

	prog := newProgress(e, size, "importing "+system)
	if system == "templates" {
		return importTemplates(ctx, db, biometric.NewReader(io.TeeReader(in, prog)), prog, rejectOut, e)
	}
	rd, err := identity.NewReader(io.TeeReader(in, prog), system, f, db.Clock().Now())
	if err != nil {
		return err
	}
	var owner *identity.Owner
	owners := ownerCheck{}
	if *ownerCode != "" {
		a, err := db.Authority(ctx, *ownerCode)
		if err != nil {
			return secunion.Errorf(secunion.Invalid, "--owner: %s", secunion.MessageOf(err))
		}
		owner, owners[a.Code] = &identity.Owner{Authority: a.Code, Country: a.Country}, &a
	}
	var st importStats
	batch := make([]identity.Record, 0, importBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		c, ch, err := db.ImportBatch(ctx, batch)
		if err != nil {
			return err
		}
		st.add(c, ch, len(batch))
		batch = batch[:0]
		return nil
	}
	for {
		if err := ctx.Err(); err != nil {
			flush()
			return secunion.Errorf(secunion.Unavailable, "import interrupted after line %d: %s (the lines before are kept; run it again to finish)", st.lines, st)
		}
		l, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			flush()
			return secunion.Wrap(secunion.Unavailable, err, "cannot read the input")
		}
		st.lines++
		if l.Err != nil {
			st.rejected++
			fmt.Fprintf(rejectOut, "line %d: %s\n", l.N, secunion.MessageOf(l.Err))
			continue
		}
		if l.Record.Owner == nil {
			l.Record.Owner = owner
		}
		if err := owners.check(ctx, db, l.Record); err != nil {
			st.rejected++
			fmt.Fprintf(rejectOut, "line %d: %s\n", l.N, secunion.MessageOf(err))
			continue
		}
		batch = append(batch, l.Record)
		if len(batch) == importBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	prog.Finish()
	fmt.Fprintf(e.stdout, "imported %s: %s\n", system, st)
	return nil
}

// ownerCheck holds the authorities that lines named as owners, nil for
// a code that names none.
type ownerCheck map[string]*access.Authority

// check refuses a record whose owner may not own it (identity.CheckOwner),
// line by line: the store checks it again, but would refuse the whole
// batch.
func (oc ownerCheck) check(ctx context.Context, db *store.DB, r identity.Record) error {
	if r.Owner == nil {
		return nil
	}
	a, seen := oc[r.Owner.Authority]
	if !seen {
		found, err := db.Authority(ctx, r.Owner.Authority)
		switch {
		case err == nil:
			a = &found
		case secunion.CodeOf(err) != secunion.NotFound:
			return err
		}
		oc[r.Owner.Authority] = a
	}
	if a == nil {
		return secunion.Errorf(secunion.Invalid, "owner: no authority %s", r.Owner.Authority)
	}
	return identity.CheckOwner(r.System, *r.Owner, *a)
}

// importTemplates loads biometric templates, each for a record stored
// already that lists it; bad lines and templates of unknown records are
// reported and skipped.
func importTemplates(ctx context.Context, db *store.DB, rd *biometric.Reader, prog *progress, rejectOut io.Writer, e env) error {
	var st importStats
	batch := make([]biometric.Template, 0, importBatch)
	lines := make([]int, 0, importBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		defer func() { batch, lines = batch[:0], lines[:0] }()
		c, ch, err := db.ImportTemplates(ctx, batch)
		if err == nil {
			st.add(c, ch, len(batch))
			return nil
		}
		if code := secunion.CodeOf(err); code != secunion.NotFound && code != secunion.Conflict {
			return err
		}
		// One template spoils the batch: write them one by one to find it.
		for i, tp := range batch {
			c, ch, err := db.ImportTemplates(ctx, []biometric.Template{tp})
			switch code := secunion.CodeOf(err); {
			case err == nil:
				st.add(c, ch, 1)
			case code == secunion.NotFound || code == secunion.Conflict:
				st.rejected++
				fmt.Fprintf(rejectOut, "line %d: %s\n", lines[i], secunion.MessageOf(err))
			default:
				return err
			}
		}
		return nil
	}
	for {
		if err := ctx.Err(); err != nil {
			flush()
			return secunion.Errorf(secunion.Unavailable, "import interrupted after line %d: %s (the lines before are kept; run it again to finish)", st.lines, st)
		}
		l, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			flush()
			return secunion.Wrap(secunion.CodeOf(err), err, "cannot read the input: "+secunion.MessageOf(err))
		}
		st.lines++
		if l.Err != nil {
			st.rejected++
			fmt.Fprintf(rejectOut, "line %d: %s\n", l.N, secunion.MessageOf(l.Err))
			continue
		}
		batch, lines = append(batch, l.Template), append(lines, l.N)
		if len(batch) == importBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	prog.Finish()
	fmt.Fprintf(e.stdout, "imported templates: %s\n", st)
	return nil
}

type importStats struct {
	lines, created, changed, unchanged, rejected int
}

// add counts a written batch of n items.
func (s *importStats) add(created, changed, n int) {
	s.created += created
	s.changed += changed
	s.unchanged += n - created - changed
}

func (s importStats) String() string {
	return fmt.Sprintf("%d lines, %d created, %d changed, %d unchanged, %d rejected", s.lines, s.created, s.changed, s.unchanged, s.rejected)
}

// progress shows a progress bar on a terminal and logs a line every few
// seconds otherwise. It counts bytes (as an io.Writer) or items (Add).
type progress struct {
	bar   *progressbar.ProgressBar
	w     io.Writer
	what  string
	unit  string
	total int64
	done  int64
	last  time.Time
}

// newProgress counts bytes; size is -1 when unknown.
func newProgress(e env, size int64, what string) *progress {
	p := &progress{w: e.stderr, what: what, unit: "bytes", total: size, last: time.Now()}
	if isTerminal(e.stderr) {
		p.bar = progressbar.DefaultBytes(size, what)
	}
	return p
}

// newCounter counts items of the given unit; total is -1 when unknown.
func newCounter(e env, total int64, what, unit string) *progress {
	p := &progress{w: e.stderr, what: what, unit: unit, total: total, last: time.Now()}
	if isTerminal(e.stderr) {
		p.bar = progressbar.Default(total, what)
	}
	return p
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Write counts bytes.
func (p *progress) Write(b []byte) (int, error) {
	p.Add(len(b))
	return len(b), nil
}

// Add counts n more bytes or items.
func (p *progress) Add(n int) {
	p.done += int64(n)
	if p.bar != nil {
		p.bar.Add(n)
	} else if time.Since(p.last) >= 5*time.Second {
		p.last = time.Now()
		if p.total > 0 {
			fmt.Fprintf(p.w, "%s: %d of %d %s (%.0f%%)\n", p.what, p.done, p.total, p.unit, 100*float64(p.done)/float64(p.total))
		} else {
			fmt.Fprintf(p.w, "%s: %d %s\n", p.what, p.done, p.unit)
		}
	}
}

// Finish ends the bar.
func (p *progress) Finish() {
	if p.bar != nil {
		p.bar.Finish()
		fmt.Fprintln(p.w)
	}
}
