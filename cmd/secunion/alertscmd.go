package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"secunion"
	"secunion/access"
	"secunion/alerts"
)

const alertsUsage = "usage: secunion alerts import --collection ID --origin CODE [--stix-schemas DIR] FILE\n" +
	"       secunion alerts export --collection ID --for CODE [--out FILE]\n" +
	"       secunion alerts group NAME CODE...\n" +
	"       secunion alerts collection --title TITLE --readers GROUP --writers GROUP [--tlp amber]\n"

// runAlerts runs `secunion alerts …`: the alert hub's bundles in and out,
// and its sharing groups and collections, as the node's operator.
func runAlerts(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, alertsUsage)
		return secunion.Errorf(secunion.Invalid, "alerts: give import, export, group or collection")
	}
	switch args[0] {
	case "import":
		return alertsImport(ctx, args[1:], e)
	case "export":
		return alertsExport(ctx, args[1:], e)
	case "group":
		return alertsGroup(ctx, args[1:], e)
	case "collection":
		return alertsCollection(ctx, args[1:], e)
	case "-h", "--help", "help":
		fmt.Fprint(e.stdout, alertsUsage)
		return nil
	}
	fmt.Fprint(e.stderr, alertsUsage)
	return secunion.Errorf(secunion.Invalid, "alerts: unknown command %q", args[0])
}

// loadSchemas loads the OASIS STIX schemas from dir, if one is given.
func loadSchemas(dir string, log *slog.Logger) (*alerts.Validator, error) {
	if dir == "" {
		log.Info("alerts: no STIX schemas loaded (--stix-schemas): objects get the hub's own checks")
		return nil, nil
	}
	v, err := alerts.LoadSchemas(os.DirFS(dir))
	if err != nil {
		return nil, fmt.Errorf("--stix-schemas %s: %w", dir, err)
	}
	return v, nil
}

// alertsImport streams a STIX bundle into a collection, as objects its
// origin authority shared (store.IngestAlerts): each object checked and
// stored or refused on its own. Importing the same bundle again doubles
// nothing.
func alertsImport(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("alerts import", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var sf storeFlags
	sf.register(fs, e, "")
	collection := fs.String("collection", "", "the collection to import into (required)")
	origin := fs.String("origin", "", "the authority that shared the objects: only it adds versions of them (required)")
	schemas := fs.String("stix-schemas", e.getenv("SECUNION_STIX_SCHEMAS"), "the OASIS STIX 2.1 schemas folder (env SECUNION_STIX_SCHEMAS)")
	name, err := parseWithFile(fs, args)
	if err != nil {
		return err
	}
	if *collection == "" || *origin == "" {
		fs.Usage()
		return secunion.Errorf(secunion.Invalid, "alerts import: give --collection and --origin")
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	v, err := loadSchemas(*schemas, log)
	if err != nil {
		return err
	}
	db, _, err := sf.open(ctx, log, false)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := db.Authority(ctx, *origin)
	if err != nil {
		return err
	}
	actor := secunion.Actor{Local: true, Login: secunion.LocalOperator.Login, Authority: a.Code, AuthorityKind: string(a.Kind)}
	decl := access.Declaration{Purpose: secunion.PurposeAlertSharing}
	view, err := db.AlertView(ctx, actor, decl, *collection)
	if err != nil {
		return err
	}
	in, size := e.stdin, int64(-1)
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return secunion.Wrap(secunion.Invalid, err, "cannot open "+name)
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil {
			size = st.Size()
		}
		in = f
	}
	prog := newProgress(e, size, "importing "+filepath.Base(name))
	stored, refused := 0, 0
	err = db.IngestAlerts(ctx, actor, decl, view, bufio.NewReaderSize(io.TeeReader(in, prog), 1<<20), alerts.Checker{Schemas: v, Marking: db.MarkingHeld(ctx)}, func(st alerts.Status) {
		for _, f := range st.Failures {
			if refused < 20 {
				fmt.Fprintf(e.stderr, "refused %s: %s\n", f.ID, f.Message)
			}
			refused++
		}
		stored += st.SuccessCount
	})
	prog.Finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "imported %s into collection %s: %d objects stored, %d refused\n", name, view.Collection.Title, stored, refused)
	if refused > 0 {
		return secunion.Errorf(secunion.Invalid, "alerts import: %d objects refused (the first 20 are named above); the others are stored", refused)
	}
	return nil
}

// alertsExport writes, as one STIX bundle, the latest version of every
// object of a collection that an authority may receive: what it would get
// over TAXII, markings enforced, and audited as a disclosure to it.
func alertsExport(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("alerts export", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var sf storeFlags
	sf.register(fs, e, "")
	collection := fs.String("collection", "", "the collection to export (required)")
	recipient := fs.String("for", "", "the authority the export is for: it gets what it may receive (required)")
	out := fs.String("out", "", "the file to write (default: stdout)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *collection == "" || *recipient == "" || fs.NArg() > 0 {
		fs.Usage()
		return secunion.Errorf(secunion.Invalid, "alerts export: give --collection and --for, and no other argument")
	}
	db, _, err := sf.open(ctx, slog.New(slog.DiscardHandler), false)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := db.Authority(ctx, *recipient)
	if err != nil {
		return err
	}
	// The export is read as the recipient reads: a collection it may not
	// read is not there for it.
	actor := secunion.Actor{Login: secunion.LocalOperator.Login, Authority: a.Code, AuthorityKind: string(a.Kind)}
	decl := access.Declaration{Purpose: secunion.PurposeAlertSharing}
	view, err := db.AlertView(ctx, actor, decl, *collection)
	if secunion.CodeOf(err) == secunion.NotFound {
		return secunion.Errorf(secunion.NotFound, "alerts export: %s reads no collection %q (not a reader, or no agreement in force reaches it)", a.Code, secunion.Clip(*collection, 40))
	}
	if err != nil {
		return err
	}
	w := e.stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return secunion.Wrap(secunion.Invalid, err, "cannot create "+*out)
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	fmt.Fprintf(bw, `{"type":"bundle","id":"bundle--%s","objects":[`, alerts.NewCollectionID())
	f := alerts.Filter{Versions: []string{"last"}, Limit: alerts.MaxPage}
	n := 0
	for {
		page, err := db.AlertObjects(ctx, actor, decl, view, f, "")
		if err != nil {
			return err
		}
		for _, o := range page.Objects {
			if n > 0 {
				bw.WriteByte(',')
			}
			bw.Write(o)
			n++
		}
		if !page.More {
			break
		}
		if f.After, err = alerts.ParseCursor(page.Next); err != nil {
			return err
		}
	}
	bw.WriteString("]}\n")
	if err := bw.Flush(); err != nil {
		return secunion.Wrap(secunion.Unavailable, err, "cannot write the bundle")
	}
	fmt.Fprintf(e.stderr, "exported %d objects of %s for %s\n", n, view.Collection.Title, a.Code)
	return nil
}

// alertsGroup creates or replaces a sharing group.
func alertsGroup(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("alerts group", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var sf storeFlags
	sf.register(fs, e, "")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() < 1 {
		return secunion.Errorf(secunion.Invalid, "alerts group: give the group's name and its members' authority codes")
	}
	db, _, err := sf.open(ctx, slog.New(slog.DiscardHandler), false)
	if err != nil {
		return err
	}
	defer db.Close()
	g, err := db.PutAlertGroup(ctx, secunion.LocalOperator, alerts.Group{Name: fs.Arg(0), Members: fs.Args()[1:]})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "sharing group %s: %d members\n", g.Name, len(g.Members))
	return nil
}

// alertsCollection creates a collection and prints its id.
func alertsCollection(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("alerts collection", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var sf storeFlags
	sf.register(fs, e, "")
	var c alerts.Collection
	fs.StringVar(&c.Title, "title", "", "the collection's title (required)")
	fs.StringVar(&c.Description, "description", "", "what it holds")
	fs.StringVar(&c.Readers, "readers", "", "the sharing group that reads it (required)")
	fs.StringVar(&c.Writers, "writers", "", "the sharing group that writes it (required)")
	tlp := fs.String("tlp", "amber", "the TLP of objects without a TLP marking")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var err error
	if c.DefaultTLP, err = alerts.ParseTLP(*tlp); err != nil {
		return err
	}
	db, _, err := sf.open(ctx, slog.New(slog.DiscardHandler), false)
	if err != nil {
		return err
	}
	defer db.Close()
	if c, err = db.PutAlertCollection(ctx, secunion.LocalOperator, c); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "collection %s: %s\n", c.ID, c.Title)
	return nil
}
