// Package httpapi is secunion's HTTP edge: the JSON API under /api/v1/, the
// operational endpoints (/healthz, /readyz, /openapi.json; /metrics on an
// address of its own) and the mounting of the operator console. It is the only place where error codes
// become HTTP statuses (DESIGN.md §4). routes.go lists the whole API.
package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/mod/sumdb/note"

	"secunion"
	"secunion/access"
	"secunion/alerts"
	"secunion/biometric"
	"secunion/search"
	"secunion/signals"
	"secunion/store"
)

// Config wires a Server.
type Config struct {
	DB       *store.DB
	Verifier note.Verifier // checks the log's checkpoints
	// VerifierKey is the public checkpoint key in note format, served to
	// supervisors so they can check checkpoints on their own.
	VerifierKey string
	Console     Console // the operator console; nil serves the API alone
	Portal      *search.Portal
	Templates   *biometric.Service // 1:N and 1:1 biometric matching; nil if the node runs none
	Signals     *signals.Matcher   // hash lookups in the banks; nil if the node runs none
	// OrderIssued is called after a removal order is stored, to wake the
	// webhook deliverer; nil when the node delivers by polling alone.
	OrderIssued func()
	Logger      *slog.Logger
	Version     string
	// MaxBody caps request bodies; 1 MiB if zero.
	MaxBody int64
	// Schemas are the OASIS STIX 2.1 schemas objects are checked against;
	// nil checks them with the hub's own checks alone.
	Schemas *alerts.Validator
	// MaxAlertBody caps a TAXII POST; 32 MiB if zero.
	MaxAlertBody int64
	// Warninglists are the values that must not correlate;
	// alerts.DefaultWarninglists if nil.
	Warninglists alerts.Warninglists
}

// Console is the operator console, which registers its pages beside the
// API (package web).
type Console interface {
	Register(mux *http.ServeMux)
}

// Server serves the API.
type Server struct {
	cfg      Config
	log      *slog.Logger
	mux      *http.ServeMux
	metrics  *metrics
	throttle *access.Throttle // bad tokens per client address
	// importing admits one list import at a time: an import holds the
	// node's only writer until its transaction ends, and its list in
	// memory.
	importing chan struct{}
}

// New returns the HTTP handler of a secunion node.
func New(cfg Config) *Server {
	if cfg.MaxBody == 0 {
		cfg.MaxBody = 1 << 20
	}
	if cfg.MaxAlertBody == 0 {
		cfg.MaxAlertBody = 32 << 20
	}
	if cfg.Warninglists == nil {
		cfg.Warninglists = alerts.DefaultWarninglists()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, log: cfg.Logger, mux: http.NewServeMux(), throttle: access.NewThrottle(), importing: make(chan struct{}, 1)}
	s.metrics = newMetrics(cfg.DB)
	for _, rt := range s.routes() {
		pattern := rt.method + " " + rt.path
		if strings.HasSuffix(rt.path, "/") {
			pattern += "{$}" // TAXII's paths end in a slash and name no subtree
		}
		s.mux.Handle(pattern, s.wrap(rt))
	}
	// Unknown API paths and methods answer in JSON like every API error.
	s.mux.HandleFunc("/api/", s.noRoute)
	if cfg.Console != nil {
		cfg.Console.Register(s.mux)
	}
	return s
}

// Metrics serves the node's Prometheus metrics (text exposition format).
// They are not on the API's address: a node serves them on an address of
// their own (serve --metrics-addr), for the monitoring network only.
func (s *Server) Metrics() http.Handler {
	return promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{})
}

// ServeHTTP serves one request with a request ID, metrics, an access log
// line and panic recovery.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := r.Header.Get("X-Request-ID")
	if !requestIDPattern.MatchString(id) {
		var b [8]byte
		rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	w.Header().Set("X-Request-ID", id)
	// No answer is to be read as anything but the type it says it is.
	w.Header().Set("X-Content-Type-Options", "nosniff")
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	info := &requestInfo{id: id}
	r = r.WithContext(context.WithValue(r.Context(), infoKey{}, info))
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic", "request_id", id, "panic", p)
			if !rec.wrote {
				writeError(rec, r, secunion.Errorf(secunion.Internal, "internal error"))
			}
		}
		_, pattern := s.mux.Handler(r)
		if pattern == "" {
			pattern = "unmatched"
		}
		d := time.Since(start)
		s.metrics.observe(r.Method, pattern, rec.status, d)
		s.log.Info("http", "request_id", id, "method", r.Method, "route", pattern, "path", r.URL.Path,
			"status", rec.status, "bytes", rec.bytes, "duration_ms", float64(d.Microseconds())/1000,
			"user", info.actor.Login, "authority", info.actor.Authority)
	}()
	s.mux.ServeHTTP(rec, r)
}

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// requestInfo carries what the access log needs from inner handlers.
type requestInfo struct {
	id    string
	actor secunion.Actor
}

type infoKey struct{}
type actorKey struct{}
type declKey struct{}

func info(r *http.Request) *requestInfo {
	if i, ok := r.Context().Value(infoKey{}).(*requestInfo); ok {
		return i
	}
	return &requestInfo{}
}

// actorOf returns the authenticated caller of r.
func actorOf(r *http.Request) secunion.Actor {
	a, _ := r.Context().Value(actorKey{}).(secunion.Actor)
	return a
}

// declOf returns the purpose declared with r and the profile it grants.
func declOf(r *http.Request) (access.Declaration, access.Profile) {
	d, _ := r.Context().Value(declKey{}).(declared)
	return d.decl, d.profile
}

type declared struct {
	decl    access.Declaration
	profile access.Profile
}

type recorder struct {
	http.ResponseWriter
	status int
	bytes  int
	wrote  bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap gives http.ResponseController the connection's writer, whose
// deadlines the list routes move.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

// Flush lets streaming handlers (Server-Sent Events) flush through the
// recorder.
func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	lookups  *prometheus.CounterVec // hash lookups by algorithm and outcome
}

func newMetrics(db *store.DB) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "secunion_http_requests_total", Help: "HTTP requests by route and status.",
		}, []string{"method", "route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "secunion_http_request_duration_seconds", Help: "HTTP request duration by route.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
		}, []string{"route"}),
	}
	m.lookups = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "secunion_signal_lookups_total", Help: "Hash lookups in the banks by algorithm (file: every hash of an uploaded file) and outcome (match, none).",
	}, []string{"algorithm", "outcome"})
	m.reg.MustRegister(m.requests, m.duration, m.lookups,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if db != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "secunion_audit_entries", Help: "Entries in the audit log known to this node.",
		}, func() float64 { return float64(db.AuditSize()) }))
	}
	return m
}

func (m *metrics) observe(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
}

// noRoute answers API requests that match no route: 405 when the path
// exists with other methods, 404 otherwise.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request) {
	var allowed []string
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != "/api/" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		var b errorBody
		b.Error.Code, b.Error.Message, b.Error.RequestID = methodNotAllowed, r.Method+" is not allowed here; use "+strings.Join(allowed, " or "), info(r).id
		writeJSON(w, http.StatusMethodNotAllowed, b)
		return
	}
	writeError(w, r, secunion.Errorf(secunion.NotFound, "no API route %s", r.URL.Path))
}
