// Package web is secunion's operator console: server-rendered pages
// (html/template, one embedded style sheet, one small embedded script and no
// CDN) where users log in, see what their authority may do and for which
// purposes, officers search the source systems through the European Search
// Portal and read their records, administrators manage authorities, users
// and API tokens, and supervisors read and verify the audit log.
//
// The search page streams: its script posts the form and inserts each
// system's answer, rendered on the server, as it arrives over Server-Sent
// Events. Without JavaScript the same form returns one page with every
// answer.
//
// Competent authorities and hosting service providers handle removal
// orders for terrorist content (DOMAIN.md §4): the orders dashboard with
// live countdowns and, for an issuing authority, its orders added up per
// provider; the issue form; an order's page with the answers, scrutiny and
// preservation steps the user's party may take now; the exposure of
// providers (Art 5); and the printable transparency report.
//
// Officers of the authorities that share alerts use the alert hub
// (DOMAIN.md §6): the collections they may read or write, a collection's
// objects page by page and an object with its markings and versions, all
// read through the hub's one disclosure decision, so audited and redacted
// as TAXII reads are; the authority that added an object also sees who
// would receive it. A value of an object, or one typed in, is correlated
// with what else the user may receive, through the API's warninglists,
// with each indicator's decay score. Contact points of the Rapid Alert
// System raise, acknowledge and close alerts in a collection's room, whose
// dashboard any reader sees; CSIRTs report cyber incidents and follow
// their timelines. The hub's administrators and supervisors read the
// agreements with third countries and what went out under each.
//
// It implements, for people at a browser, the user, data-access and input
// controls of Directive 2016/680 Art 29 and the supervisors' reading of the
// logs of Art 25 (DOMAIN.md §1 and §9): every page but the login form needs a
// session, every form carries an anti-forgery token, failed logins are slowed
// down and logged, lists of users are shown only for a declared purpose, and
// every refusal is written to the audit log.
package web

import (
	"bytes"
	"crypto/subtle"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"secunion"
	"secunion/access"
	"secunion/alerts"
	"secunion/httpapi"
	"secunion/search"
	"secunion/signals"
	"secunion/store"
)

//go:embed templates static
var assets embed.FS

// Options configure a Console.
type Options struct {
	// DB holds users, sessions, tokens and the audit log.
	DB *store.DB
	// Verifier verifies audit checkpoints for the supervisors' "verify"
	// action.
	Verifier note.Verifier
	// Logger receives the internals of errors, which pages never show.
	Logger *slog.Logger
	// Secure marks cookies Secure, for deployments behind a TLS proxy;
	// cookies on requests that arrive over TLS are Secure regardless.
	Secure bool
	// Version is shown in the page footer.
	Version string
	// Portal runs searches on the source systems. Nil: the console has no
	// search or record pages and its navigation does not offer them.
	Portal *search.Portal
	// Signals is the node's hash matcher, for the lookup page. Nil: the
	// page says the node runs none.
	Signals *signals.Matcher
	// Warninglists are the values that must not correlate, the API's own;
	// alerts.DefaultWarninglists if nil.
	Warninglists alerts.Warninglists
	// Schemas are the OASIS STIX schemas the objects the console adds to
	// the hub are checked against, as the API checks its own; nil checks
	// without them.
	Schemas *alerts.Validator
}

// Console serves the operator console. Create it with New.
type Console struct {
	db       *store.DB
	verifier note.Verifier
	log      *slog.Logger
	secure   bool
	version  string
	portal   *search.Portal
	signals  *signals.Matcher
	lists    alerts.Warninglists
	schemas  *alerts.Validator
	throttle *access.Throttle
	hashing  chan struct{} // one slot per password check allowed at once
	pages    map[string]*template.Template
	static   http.Handler
}

const (
	// sessionCookie holds the secret of a console session.
	sessionCookie = "secunion_session"
	// loginCSRFCookie holds the anti-forgery token of the login form.
	loginCSRFCookie = "secunion_login_csrf"
	// csrfField is the hidden field of every form that carries its token.
	csrfField = "csrf"
	// maxFormBytes bounds a form body; the console's forms are small.
	maxFormBytes = 64 << 10
	// maxUploadBytes bounds the body of a form that uploads a file.
	maxUploadBytes = signals.MaxImageBytes + 1<<20
	// maxSecretLength bounds a cookie worth looking up; secrets are shorter.
	maxSecretLength = 100
	// staticPrefix is where the embedded style sheet and script are served.
	staticPrefix = "/static/"
)

// pageNames are the templates in templates/, each rendered inside
// layout.html.
var pageNames = []string{"login", "enrol", "home", "authorities", "users", "tokens", "audit", "message", "search", "record", "links", "link",
	"removal", "removal_new", "removal_order", "removal_exposure", "transparency", "signals", "signals_lookup", "crisis", "crisis_room",
	"alerts", "alerts_collection", "alerts_object", "alerts_correlate", "alerts_rooms", "alerts_ras", "alerts_incident", "alerts_report",
	"agreements", "agreement"}

// New returns a console serving from o.DB. It parses the embedded templates
// and fails if one is broken.
func New(o Options) (*Console, error) {
	if o.DB == nil {
		return nil, errors.New("web: no database")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Warninglists == nil {
		o.Warninglists = alerts.DefaultWarninglists()
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	c := &Console{
		db: o.DB, verifier: o.Verifier, log: o.Logger, secure: o.Secure, version: o.Version, portal: o.Portal, signals: o.Signals,
		lists: o.Warninglists, schemas: o.Schemas,
		throttle: access.NewThrottle(),
		hashing:  make(chan struct{}, 2*runtime.GOMAXPROCS(0)),
		pages:    make(map[string]*template.Template, len(pageNames)),
	}
	for _, name := range pageNames {
		t, err := layout.Clone()
		if err == nil {
			t, err = t.ParseFS(assets, "templates/"+name+".html")
		}
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		c.pages[name] = t
	}
	static, err := fs.Sub(assets, "static")
	if err != nil {
		return nil, fmt.Errorf("web: static files: %w", err)
	}
	c.static = http.StripPrefix(staticPrefix, http.FileServerFS(static))
	return c, nil
}

// Register adds every console route to mux; the search and record pages
// only when the console has a portal.
func (c *Console) Register(mux *http.ServeMux) {
	type route struct {
		pattern string
		handler http.Handler
	}
	routes := []route{
		{"GET /{$}", c.authed(c.home)},
		{"GET /login", http.HandlerFunc(c.loginForm)},
		{"POST /login", http.HandlerFunc(c.login)},
		{"POST /logout", c.authed(c.logout)},
		{"GET /enrol", http.HandlerFunc(c.enrolForm)},
		{"POST /enrol", http.HandlerFunc(c.enrol)},
		{"GET /admin/authorities", c.authed(c.authorities)},
		{"POST /admin/authorities", c.authed(c.createAuthority)},
		{"GET /admin/users", c.authed(c.users)},
		{"POST /admin/users", c.authed(c.createUser)},
		{"GET /admin/tokens", c.authed(c.tokens)},
		{"POST /admin/tokens", c.authed(c.createToken)},
		{"POST /admin/tokens/{id}/revoke", c.authed(c.revokeToken)},
		{"GET /audit", c.authed(c.auditLog)},
		{"POST /audit/verify", c.authed(c.verifyAudit)},
		{"GET /links", c.authed(c.linkQueue)},
		{"GET /links/{id}", c.authed(c.linkPage)},
		{"POST /links/{id}/decision", c.authed(c.decideLink)},
		{"GET /removal", c.authed(c.orders)},
		{"GET /removal/stream", c.authed(c.ordersStream)},
		{"GET /removal/new", c.authed(c.issueForm)},
		{"POST /removal/new", c.authed(c.issue)},
		{"GET /removal/transparency", c.authed(c.transparency)},
		{"GET /removal/exposure", c.authed(c.exposurePage)},
		{"POST /removal/exposure/{code}/decision", c.authed(c.decideExposure)},
		{"GET /removal/{id}", c.authed(c.orderPage)},
		{"POST /removal/{id}/step", c.authed(c.orderStep)},
		{"GET /crisis", c.authed(c.incidents)},
		{"POST /crisis", c.authed(c.declare)},
		{"GET /crisis/{id}", c.authed(c.roomPage)},
		{"GET /crisis/{id}/stream", c.authed(c.roomStream)},
		{"POST /crisis/{id}/step", c.authed(c.roomStep)},
		{"POST /crisis/{id}/participants", c.authed(c.roomParticipant)},
		{"POST /crisis/{id}/hashes", c.authed(c.roomHash)},
		{"POST /crisis/{id}/urls", c.authed(c.roomURL)},
		{"GET /signals", c.authed(c.banks)},
		{"POST /signals/entries/{id}/enabled", c.authed(c.setEntryEnabled)},
		{"GET /signals/lookup", c.authed(c.lookupPage)},
		{"POST /signals/lookup", c.authedUpload(c.lookup)},
		{"GET /alerts", c.authed(c.collections)},
		{"GET /alerts/collections/{id}", c.authed(c.collectionPage)},
		{"GET /alerts/collections/{id}/objects/{object}", c.authed(c.objectPage)},
		{"GET /alerts/correlate", c.authed(c.correlatePage)},
		{"GET /alerts/ras", c.authed(c.rasRoomList)},
		{"GET /alerts/ras/{collection}", c.authed(c.rasRoom)},
		{"POST /alerts/ras/{collection}/alerts", c.authed(c.raiseRAS)},
		{"POST /alerts/ras/{collection}/alerts/{id}/acknowledge", c.authed(c.acknowledgeRAS)},
		{"POST /alerts/ras/{collection}/alerts/{id}/close", c.authed(c.closeRAS)},
		{"GET /alerts/incidents/{collection}", c.authed(c.reportForm)},
		{"POST /alerts/incidents/{collection}", c.authed(c.reportIncident)},
		{"GET /alerts/incidents/{collection}/{id}", c.authed(c.incidentPage)},
		{"POST /alerts/incidents/{collection}/{id}/updates", c.authed(c.updateIncident)},
		{"GET /alerts/agreements", c.authed(c.agreements)},
		{"GET /alerts/agreements/{id}", c.authed(c.agreementPage)},
		{"GET " + staticPrefix, http.HandlerFunc(c.serveStatic)},
	}
	if c.portal != nil {
		routes = append(routes,
			route{"GET /search", c.authed(c.searchPage)},
			route{"POST /search", c.authed(c.searchSubmit)},
			route{"POST /search/stream", c.authed(c.searchStream)},
			route{"GET /records/{system}/{id}", c.authed(c.recordPage)},
		)
	}
	for _, r := range routes {
		mux.Handle(r.pattern, securityHeaders(r.handler))
	}
}

// securityHeaders forbids everything the console does not use: scripts
// other than its own file, other origins, framing, MIME sniffing and
// referrers. Nothing is cached either, as pages show personal data and
// secrets; only the static files override that.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

// serveStatic serves the embedded style sheet and script. Folders are not
// listed.
func (c *Console) serveStatic(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, "/") {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	c.static.ServeHTTP(w, r)
}

// sessionHandler handles a request of a logged-in user.
type sessionHandler func(w http.ResponseWriter, r *http.Request, s store.Session)

// authed runs h for requests with a live session, sending everyone else to
// the login form. On POST it first checks the form's anti-forgery token.
func (c *Console) authed(h sessionHandler) http.Handler { return c.withSession(h, maxFormBytes) }

// authedUpload is authed for a form that uploads a file (multipart, at
// most maxUploadBytes).
func (c *Console) authedUpload(h sessionHandler) http.Handler {
	session := c.withSession(h, maxUploadBytes)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The file may take longer than the server's read timeout.
		if err := http.NewResponseController(w).SetReadDeadline(time.Now().Add(httpapi.UploadTimeout)); err != nil {
			c.log.Error("web: an upload keeps the server's read timeout", "err", err)
		}
		session.ServeHTTP(w, r)
	})
}

// withSession runs h for requests with a live session, reading a POST's
// form of at most limit bytes and checking its anti-forgery token.
func (c *Console) withSession(h sessionHandler, limit int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := c.session(r)
		if err != nil {
			if secunion.CodeOf(err) == secunion.Unauthenticated {
				http.Redirect(w, r, "/login", http.StatusSeeOther)
				return
			}
			c.fail(w, r, nil, err)
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			parse := r.ParseForm
			if limit > maxFormBytes {
				parse = func() error { return r.ParseMultipartForm(1 << 20) } // larger files wait on disk
			}
			if err := parse(); err != nil {
				c.fail(w, r, &s, secunion.Wrap(secunion.TooLarge, err, "the form is too large or malformed"))
				return
			}
			if !sameSecret(r.PostForm.Get(csrfField), s.CSRF) {
				c.formExpired(w, r, &s)
				return
			}
		}
		h(w, r, s)
	})
}

// session returns the session named by the request's cookie.
func (c *Console) session(r *http.Request) (store.Session, error) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" || len(ck.Value) > maxSecretLength {
		return store.Session{}, secunion.Errorf(secunion.Unauthenticated, "log in first")
	}
	return c.db.SessionFor(r.Context(), ck.Value)
}

// sameSecret compares a submitted token with the expected one in constant
// time; an empty expected token never matches.
func sameSecret(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// formExpired answers a POST whose anti-forgery token is missing or wrong.
func (c *Console) formExpired(w http.ResponseWriter, r *http.Request, s *store.Session) {
	c.log.Info("web: form without a valid csrf token", "path", r.URL.Path, "remote", httpapi.RemoteHost(r))
	v := c.view(s, "Form expired", "")
	v.Error = "This form has expired. Go back, reload the page and submit it again."
	c.render(w, r, http.StatusForbidden, "message", v)
}

// cookie returns a cookie for the console's path, HttpOnly, SameSite=Strict
// and Secure on TLS. maxAge < 0 deletes it.
func (c *Console) cookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.secure || r.TLS != nil,
	}
}

// view is what every template receives.
type view struct {
	Title   string
	Version string
	Actor   *secunion.Actor // nil when nobody is logged in
	CSRF    string
	Nav     []link
	Error   string
	Notice  string
	Data    any
}

// link is an entry of the navigation.
type link struct {
	Path, Label string
	Current     bool
}

// view returns the page frame for s (nil before login); current is the path
// of the navigation entry to mark.
func (c *Console) view(s *store.Session, title, current string) view {
	v := view{Title: title, Version: c.version}
	if s == nil {
		return v
	}
	a := s.Actor
	v.Actor, v.CSRF = &a, s.CSRF
	add := func(path, label string) {
		v.Nav = append(v.Nav, link{Path: path, Label: label, Current: path == current})
	}
	add("/", "Home")
	if c.portal != nil && len(searchProfiles(a)) > 0 {
		add("/search", "Search")
	}
	if mayVerify(a) {
		add("/links", "Links")
	}
	if mayRemoval(a) {
		add("/removal", "Removal orders")
		add("/removal/exposure", "Exposure")
	}
	if seesBanks(a) {
		add("/signals", "Hash banks")
		add("/signals/lookup", "Hash lookup")
	}
	add("/removal/transparency", "Transparency")
	if mayCrisis(a) {
		add("/crisis", "Crisis room")
	}
	for _, l := range hubLinks(a) {
		add(l.Path, l.Label)
	}
	if access.CanManageAuthorities(a) {
		add("/admin/authorities", "Authorities")
	}
	if mayListUsers(a) {
		add("/admin/users", "Users")
	}
	add("/admin/tokens", "Tokens")
	if a.Has(access.RoleSupervisor) {
		add("/audit", "Audit log")
	}
	return v
}

// render executes page into a buffer first, so a template error becomes a
// clean 500 rather than half a page.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, page string, v view) {
	var buf bytes.Buffer
	if err := c.pages[page].ExecuteTemplate(&buf, "layout.html", v); err != nil {
		c.log.Error("web: render", "page", page, "path", r.URL.Path, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// fail shows err's safe message with the status of its code and logs the
// internals. A refusal the domain did not write to the audit log is
// written there first, as the API does.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, s *store.Session, err error) {
	if secunion.CodeOf(err) == secunion.Forbidden && s != nil && !errors.Is(err, secunion.ErrAudited) {
		if derr := c.db.RecordDenial(r.Context(), s.Actor, access.Declaration{}, r.Method+" "+r.URL.Path, secunion.MessageOf(err)); derr != nil {
			err = derr
		}
	}
	status := statusOf(err)
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	c.log.Log(r.Context(), level, "web: request failed", "path", r.URL.Path, "status", status, "err", err)
	v := c.view(s, http.StatusText(status), "")
	v.Error = secunion.MessageOf(err)
	c.render(w, r, status, "message", v)
}

// statusOf maps an error to the HTTP status of its code, as the API does.
func statusOf(err error) int { return httpapi.StatusOf[secunion.CodeOf(err)] }

// deny records a refused request in the audit log and shows 403 with why.
func (c *Console) deny(w http.ResponseWriter, r *http.Request, s store.Session, decl access.Declaration, what, why string) {
	if err := c.db.RecordDenial(r.Context(), s.Actor, decl, what, why); err != nil {
		c.fail(w, r, &s, err)
		return
	}
	c.fail(w, r, &s, secunion.Denied(why))
}

// funcs are the helpers the templates use.
var funcs = template.FuncMap{
	"when": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04:05 UTC")
	},
	// minutes writes a number of minutes as a duration, e.g. 1h10m30s.
	"minutes": func(m float64) string {
		return time.Duration(m * float64(time.Minute)).Round(time.Second).String()
	},
	// date writes a day, e.g. 2027-06-30.
	"date":      func(t time.Time) string { return t.UTC().Format(time.DateOnly) },
	"tlp":       func(t alerts.TLP) tlpBadge { return tlpBadge{Level: t} },
	"hubPath":   hubPath,
	"correlate": correlatePath,
	"incident":  incidentPath,
	"rasPath":   rasPath,
	"join":      strings.Join,
	"pair":      func(a, b any) []any { return []any{a, b} },
	"contains":  slices.Contains[[]string],
}
