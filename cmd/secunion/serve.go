package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"secunion"
	"secunion/events"
	"secunion/httpapi"
	"secunion/store"
	"secunion/web"
)

// serveFlags are the flags of serve and demo.
type serveFlags struct {
	storeFlags
	remoteFlags
	pullFlags
	taxii                 taxiiLinks
	warninglists          warninglistFiles
	addr, tlsCert, tlsKey string
	metricsAddr           string
	stixSchemas           string
	secureCookies         bool
}

func (f *serveFlags) register(fs *flag.FlagSet, e env, defaultData string) {
	f.storeFlags.register(fs, e, defaultData)
	addr := e.getenv("SECUNION_ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	fs.StringVar(&f.addr, "addr", addr, "address to listen on (env SECUNION_ADDR)")
	fs.StringVar(&f.metricsAddr, "metrics-addr", e.getenv("SECUNION_METRICS_ADDR"),
		"serve Prometheus metrics at /metrics on this address, apart from the API, e.g. 127.0.0.1:9464 (env SECUNION_METRICS_ADDR; none if empty)")
	fs.StringVar(&f.stixSchemas, "stix-schemas", e.getenv("SECUNION_STIX_SCHEMAS"),
		"check STIX objects against the OASIS STIX 2.1 JSON schemas in this folder, the schemas/ folder of oasis-open/cti-stix2-json-schemas (env SECUNION_STIX_SCHEMAS; the hub's own checks alone if empty)")
	fs.StringVar(&f.tlsCert, "tls-cert", "", "TLS certificate file (PEM); serve HTTPS with --tls-key")
	fs.StringVar(&f.tlsKey, "tls-key", "", "TLS private key file (PEM)")
	fs.BoolVar(&f.secureCookies, "secure-cookies", e.getenv("SECUNION_SECURE_COOKIES") == "true",
		"mark console cookies Secure, for a node behind a TLS-terminating proxy (env SECUNION_SECURE_COOKIES=true)")
	f.remoteFlags.register(fs, e)
	f.pullFlags.register(fs, e)
	f.taxii.register(fs)
	f.warninglists.register(fs)
}

func runServe(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var f serveFlags
	f.register(fs, e, "")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(e.stderr, nil))
	db, keys, err := f.open(ctx, log, false)
	if err != nil {
		return err
	}
	return serve(ctx, f, db, keys, log, nil)
}

// serve runs the node until ctx ends, then shuts down in order: stop
// accepting requests, finish those under way, then close the store, which
// commits queued writes and signs a last checkpoint. ready, if not nil, is
// called with the listening address once the node accepts connections.
func serve(ctx context.Context, f serveFlags, db *store.DB, keys *store.Keys, log *slog.Logger, ready func(addr string)) error {
	defer db.Close()
	d := events.NewDispatcher(db, db.Clock(), log)
	db.OnWrite(d.Wake)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	remote, err := f.sources(log)
	if err != nil {
		return err
	}
	portal, templates, err := startIdentity(ctx, db, d, log, remote)
	if err != nil {
		return err
	}
	matcher, err := startSignals(ctx, db, d, log)
	if err != nil {
		return err
	}
	go d.Run(ctx)
	pullsDone, err := startPulls(ctx, db, log, f.pullFlags, f.caFile)
	if err != nil {
		return err
	}
	defer pullsDone()
	kick, removalDone := startRemoval(ctx, db, d, log)
	defer removalDone()
	defer cancel()

	tls := f.tlsCert != "" || f.tlsKey != ""
	schemas, err := loadSchemas(f.stixSchemas, log)
	if err != nil {
		return err
	}
	lists, err := f.warninglists.load(log)
	if err != nil {
		return err
	}
	console, err := web.New(web.Options{DB: db, Verifier: keys.Verifier, Logger: log, Secure: tls || f.secureCookies, Version: version(), Portal: portal, Signals: matcher,
		Warninglists: lists, Schemas: schemas})
	if err != nil {
		return err
	}
	taxiiDone, err := startTAXII(ctx, db, log, f.taxii, f.pullFlags, f.caFile, schemas)
	if err != nil {
		return err
	}
	defer func() { cancel(); taxiiDone() }()
	startAlertIndex(ctx, db, log)
	api := httpapi.New(httpapi.Config{DB: db, Verifier: keys.Verifier, VerifierKey: keys.VerifierKey, Console: console, Portal: portal, Templates: templates, Signals: matcher, OrderIssued: kick, Logger: log, Version: version(), Schemas: schemas, Warninglists: lists})
	srv := &http.Server{
		Handler:           api,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       httpapi.BodyTimeout,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return secunion.Wrap(secunion.Unavailable, err, "cannot listen on "+f.addr)
	}
	if f.metricsAddr != "" {
		stop, err := serveMetrics(f.metricsAddr, api.Metrics(), log)
		if err != nil {
			ln.Close()
			return err
		}
		defer stop()
	}
	scheme := "http"
	if tls {
		scheme = "https"
	}
	log.Info("serving", "url", fmt.Sprintf("%s://%s", scheme, ln.Addr()), "engine", string(db.Engine()), "version", version())
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() {
		if tls {
			errc <- srv.ServeTLS(ln, f.tlsCert, f.tlsKey)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return secunion.Wrap(secunion.Unavailable, err, "server failed")
		}
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, scancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer scancel()
	return srv.Shutdown(sctx)
}

// serveMetrics serves the node's metrics at /metrics on addr, apart from
// the API: Prometheus scrapes them from the monitoring network, and
// nobody who reaches the API learns the node's traffic from them. It
// returns a function that stops serving.
func serveMetrics(addr string, metrics http.Handler, log *slog.Logger) (func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, secunion.Wrap(secunion.Unavailable, err, "cannot listen on "+addr+" for metrics")
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	log.Info("serving metrics", "url", fmt.Sprintf("http://%s/metrics", ln.Addr()))
	go srv.Serve(ln)
	return func() { srv.Close() }, nil
}
