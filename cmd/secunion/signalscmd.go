package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"secunion"
	"secunion/search"
	"secunion/signals"
	"secunion/store"
)

// runSignals runs `secunion signals import|export`: hash lists in and
// out of the banks of a data folder or database, as the local operator.
func runSignals(ctx context.Context, args []string, e env) error {
	const usage = "usage: secunion signals import --bank BANK [--format tat|stix|csv] [--ref TEXT] FILE\n" +
		"       secunion signals export --bank BANK [--format stix|csv|tat] [--out FILE]\n"
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return secunion.Errorf(secunion.Invalid, "signals: give import or export")
	}
	switch args[0] {
	case "import":
		return signalsImport(ctx, args[1:], e)
	case "export":
		return signalsExport(ctx, args[1:], e)
	case "-h", "--help", "help":
		fmt.Fprint(e.stdout, usage)
		return nil
	}
	fmt.Fprint(e.stderr, usage)
	return secunion.Errorf(secunion.Invalid, "signals: unknown command %q: give import or export", args[0])
}

// signalsImport imports one list file into a bank: read whole, refused
// whole with every bad line named, else stored in one transaction.
func signalsImport(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("signals import", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var sf storeFlags
	sf.register(fs, e, "")
	bank := fs.String("bank", "", "the bank to import into, e.g. tat-list (required)")
	format := fs.String("format", "", "tat, stix or csv (default: csv for a .csv file)")
	ref := fs.String("ref", "", "what the list is, kept as the entries' source_ref (default: the file's name)")
	fs.Usage = func() {
		fmt.Fprint(e.stderr, "usage: secunion signals import --bank BANK [--format tat|stix|csv] [--ref TEXT] FILE\n\n"+
			"Imports a hash list (Tech Against Terrorism's JSON, a STIX 2.1 bundle, or CSV\nwith a header row; FILE - for stdin) into BANK. A list with a bad line is\nrefused whole, each bad line named; otherwise new hashes are added, hashes\nthe list deletes are disabled, held ones are left as they are.\n\n")
		fs.PrintDefaults()
	}
	name, err := parseWithFile(fs, args)
	if err != nil {
		return err
	}
	if *bank == "" {
		fs.Usage()
		return secunion.Errorf(secunion.Invalid, "signals import: give --bank")
	}
	if err := signals.CheckBankName(*bank); err != nil {
		return err
	}
	if err := store.CheckListBank(*bank); err != nil {
		return err
	}
	f, err := fileFormat(*format, name)
	if err != nil {
		return err
	}
	in, size := e.stdin, int64(-1)
	if name != "-" {
		file, err := os.Open(name)
		if err != nil {
			return secunion.Wrap(secunion.Invalid, err, "cannot open "+name)
		}
		defer file.Close()
		if st, err := file.Stat(); err == nil {
			size = st.Size()
		}
		in = file
	}
	prog := newProgress(e, size, "reading "+filepath.Base(name))
	l, err := signals.ReadList(f, io.TeeReader(in, prog))
	prog.Finish()
	if err != nil {
		return err
	}
	if *ref == "" {
		*ref = "file " + filepath.Base(name)
	}
	db, _, err := sf.open(ctx, slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})), false)
	if err != nil {
		return err
	}
	defer db.Close()
	if len(l.Items) >= 100_000 {
		fmt.Fprintf(e.stderr, "storing %d hashes in bank %s, in one transaction\n", len(l.Items), *bank)
	}
	st, err := db.ImportSignals(ctx, secunion.LocalOperator, store.SignalImportInput{Bank: *bank, Ref: *ref, Items: l.Items})
	if err != nil {
		return err
	}
	skipped := ""
	if l.Skipped > 0 {
		skipped = fmt.Sprintf(" (%d objects that are not hashes passed over)", l.Skipped)
	}
	fmt.Fprintf(e.stdout, "imported %s into bank %s: %d hashes read%s, %s\n", name, *bank, len(l.Items), skipped, st)
	return nil
}

// signalsExport writes a whole bank as a list, disabled entries as
// deleted. It opens the store for reading only, beside a running node.
func signalsExport(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("signals export", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var sf storeFlags
	sf.register(fs, e, "")
	bank := fs.String("bank", "", "the bank to export (required)")
	format := fs.String("format", "stix", "stix, csv or tat")
	out := fs.String("out", "", "the file to write (default: stdout)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *bank == "" || fs.NArg() > 0 {
		fs.Usage()
		return secunion.Errorf(secunion.Invalid, "signals export: give --bank and no other argument")
	}
	if err := signals.CheckBankName(*bank); err != nil {
		return err
	}
	f, err := signals.ParseFormat(*format)
	if err != nil {
		return err
	}
	db, _, err := sf.open(ctx, slog.New(slog.DiscardHandler), true)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.SignalBankSize(ctx, *bank)
	if err != nil {
		return err
	}
	if n == 0 {
		return secunion.Errorf(secunion.NotFound, "no bank %s (no entry was ever added to it)", *bank)
	}
	var items []signals.Item
	for after := int64(0); ; {
		cs, err := db.SignalChangesAfter(ctx, *bank, after, 10_000)
		if err != nil {
			return err
		}
		if len(cs) == 0 {
			break
		}
		for _, c := range cs {
			items, after = append(items, c.Item()), c.Change
		}
	}
	write := func(w io.Writer) error {
		switch f {
		case signals.FormatSTIX:
			return signals.WriteSTIX(w, *bank, slices.Values(items))
		case signals.FormatCSV:
			return signals.WriteCSV(w, slices.Values(items))
		}
		page := signals.TATPage{Items: items}
		if len(items) > 0 {
			page.Checkpoint = signals.TATCheckpoint(items[len(items)-1])
		}
		return signals.WriteTAT(w, page)
	}
	if *out == "" {
		if err := write(e.stdout); err != nil {
			return secunion.Wrap(secunion.Unavailable, err, "cannot write the list")
		}
		return nil
	}
	if err := writeFile(*out, write); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "exported bank %s: %d hashes to %s\n", *bank, len(items), *out)
	return nil
}

// writeFile writes a file whole with write, through a temporary file
// renamed over it, so that a failure leaves an existing file as it was.
func writeFile(name string, write func(io.Writer) error) error {
	file, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return secunion.Wrap(secunion.Invalid, err, "cannot create "+name)
	}
	err = write(file)
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(file.Name(), name)
	}
	if err != nil {
		os.Remove(file.Name())
		return secunion.Wrap(secunion.Unavailable, err, "cannot write "+name+" (left as it was)")
	}
	return nil
}

// parseWithFile parses flags given before or after the one FILE argument.
func parseWithFile(fs *flag.FlagSet, args []string) (string, error) {
	var pos []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			return "", err
		}
		if fs.NArg() == 0 {
			break
		}
		pos, rest = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
	if len(pos) != 1 {
		fs.Usage()
		return "", secunion.Errorf(secunion.Invalid, "give one FILE (or - for stdin)")
	}
	return pos[0], nil
}

// fileFormat is the format named, or else the one the file's name says.
func fileFormat(name, file string) (signals.Format, error) {
	if name != "" {
		return signals.ParseFormat(name)
	}
	if strings.EqualFold(filepath.Ext(file), ".csv") {
		return signals.FormatCSV, nil
	}
	return "", secunion.Errorf(secunion.Invalid, "cannot tell the format of %s: give --format tat, stix or csv", file)
}

// pullFlags name the partners' lists a node follows into its banks. The
// tokens never come from the command line, where other users of the
// machine could read them.
type pullFlags struct {
	pulls     []pullSource
	tokenFile string
	envToken  string
	every     time.Duration
}

// pullSource is one --pull BANK=URL.
type pullSource struct{ bank, url string }

func (f *pullFlags) register(fs *flag.FlagSet, e env) {
	fs.Func("pull", "follow a partner's hash list into a bank, as BANK=URL: another node's /api/v1/signals/exchange/tat (with ?bank=B for one bank) or a TAT endpoint (repeatable)", f.add)
	fs.StringVar(&f.tokenFile, "pull-token-file", e.getenv("SECUNION_PULL_TOKEN_FILE"),
		"file with this node's API token for the partners pulled: one token for all, or lines 'URL TOKEN' (env SECUNION_PULL_TOKEN_FILE; or the token itself in SECUNION_PULL_TOKEN)")
	fs.DurationVar(&f.every, "pull-every", 30*time.Second, "how often to pull each partner's list once caught up")
	f.envToken = e.getenv("SECUNION_PULL_TOKEN")
}

// add takes one --pull BANK=URL.
func (f *pullFlags) add(v string) error {
	bank, raw, ok := strings.Cut(v, "=")
	if !ok || raw == "" {
		return errors.New("use BANK=URL, e.g. tat-list=https://node-b:8443/api/v1/signals/exchange/tat")
	}
	if err := signals.CheckBankName(bank); err != nil {
		return errors.New(secunion.MessageOf(err))
	}
	if err := store.CheckListBank(bank); err != nil {
		return errors.New(secunion.MessageOf(err))
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return fmt.Errorf("%q is not an http or https URL (without credentials: put the token in --pull-token-file)", raw)
	}
	for _, p := range f.pulls {
		if p.bank == bank && p.url == raw {
			return fmt.Errorf("%s=%s is given twice", bank, raw)
		}
	}
	f.pulls = append(f.pulls, pullSource{bank: bank, url: raw})
	return nil
}

// bankPull keeps a pull's pages in a bank of the store, as the local
// operator, its checkpoint moving in each page's transaction.
type bankPull struct {
	db           *store.DB
	bank, source string
}

// Checkpoint returns where the pull has got to.
func (b bankPull) Checkpoint(ctx context.Context) (string, error) {
	ps, err := b.db.PullState(ctx, b.bank, b.source)
	return ps.Checkpoint, err
}

// Store imports a page and moves the checkpoint in one transaction.
func (b bankPull) Store(ctx context.Context, prev, next string, items []signals.Item) (string, error) {
	st, err := b.db.ImportSignals(ctx, secunion.LocalOperator, store.SignalImportInput{Bank: b.bank, Ref: b.source, Items: items,
		Pull: &store.PullStep{Source: b.source, Prev: prev, Next: next}})
	return st.String(), err
}

// startPulls starts a puller for each --pull, each pulling at once and
// then every --pull-every, trusting caFile's certificates (if given) for
// TLS. The returned function waits for them to stop once ctx ends.
func startPulls(ctx context.Context, db *store.DB, log *slog.Logger, f pullFlags, caFile string) (func(), error) {
	if len(f.pulls) == 0 {
		return func() {}, nil
	}
	all, byURL, err := readTokenFile("--pull-token-file", f.tokenFile, log)
	if err != nil {
		return nil, err
	}
	if all == "" {
		all = strings.TrimSpace(f.envToken)
	}
	client, err := pullClient(caFile)
	if err != nil {
		return nil, err
	}
	var wg sync.WaitGroup
	for _, p := range f.pulls {
		token := byURL[p.url]
		if u, err := url.Parse(p.url); err == nil && token == "" {
			token = byURL[u.Scheme+"://"+u.Host]
		}
		if token == "" {
			token = all
		}
		if token == "" {
			log.Warn("signals: pulling without a token", "bank", p.bank, "source", p.url)
		}
		pl := &signals.Puller{Bank: p.bank, URL: p.url, Token: token, Client: client, Log: log, Every: f.every,
			Target: bankPull{db: db, bank: p.bank, source: p.url}}
		log.Info("signals: following a partner's list", "bank", p.bank, "source", p.url, "every", f.every.String())
		wg.Go(func() { pl.Run(ctx) })
	}
	return wg.Wait, nil
}

// pullClient is the HTTP client of the pulls: each request bounded in
// time by the puller, TLS trusting caFile's certificates if given.
func pullClient(caFile string) (*http.Client, error) {
	tlsConf, err := search.TLSConfig(caFile)
	if err != nil {
		return nil, err
	}
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSClientConfig:       tlsConf,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: time.Minute,
			IdleConnTimeout:       90 * time.Second,
		},
		// A partner's list moving is followed; a redirect to another
		// host would take the token there, and one to another scheme
		// (https to http) would send it in clear, so both are refused.
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 || req.URL.Host != via[0].URL.Host || req.URL.Scheme != via[0].URL.Scheme {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}, nil
}
