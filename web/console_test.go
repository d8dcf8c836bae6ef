package web_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/audit"
	"secunion/search"
	"secunion/signals"
	"secunion/store"
	"secunion/web"
)

const password = "correct horse battery"

// env is a console on a fresh SQLite store with an administrator (root of
// EU-ADMIN), a border-guard officer (anna of DE-BPOL) and a supervisor (dpo
// of FR-CNIL).
type env struct {
	db      *store.DB
	keys    *store.Keys
	dir     string
	clock   *secunion.FakeClock
	portal  *search.Portal   // passed to the console by serve; nil for none
	signals *signals.Matcher // likewise
	srv     *httptest.Server
}

// setup opens the store and seeds it; clock may be nil for the system
// clock. Serve the console with env.serve.
func setup(t *testing.T, clock *secunion.FakeClock) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	keys, err := store.LoadKeys(filepath.Join(dir, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	opts := store.Options{Keys: keys, CheckpointEvery: time.Hour}
	if clock != nil {
		opts.Clock = clock
	}
	db, err := store.OpenSQLite(ctx, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	local := secunion.LocalOperator
	for _, a := range []access.Authority{
		{Code: "EU-ADMIN", Name: "Administration", Country: "EU", Kind: access.KindAdministrator},
		{Code: "DE-BPOL", Name: "Bundespolizei", Country: "DE", Kind: access.KindBorderGuard},
		{Code: "FR-CNIL", Name: "CNIL", Country: "FR", Kind: access.KindSupervisory},
	} {
		if _, err := db.CreateAuthority(ctx, local, a); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []access.User{
		{Login: "root", Name: "Root Admin", Authority: "EU-ADMIN", Roles: []string{access.RoleAdmin}},
		{Login: "anna", Name: "Anna Schmidt", Authority: "DE-BPOL", Roles: []string{access.RoleOfficer}},
		{Login: "dpo", Name: "Claire Dupont", Authority: "FR-CNIL", Roles: []string{access.RoleSupervisor}},
	} {
		if _, err := db.CreateUser(ctx, local, u, password); err != nil {
			t.Fatal(err)
		}
	}
	return &env{db: db, keys: keys, dir: dir, clock: clock}
}

// serve starts the console over HTTP, or HTTPS when tls is set.
func (e *env) serve(t *testing.T, secure, tls bool) *httptest.Server {
	t.Helper()
	c, err := web.New(web.Options{DB: e.db, Verifier: e.keys.Verifier, Secure: secure, Version: "test",
		Logger: slog.New(slog.NewTextHandler(t.Output(), nil)), Portal: e.portal, Signals: e.signals})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	c.Register(mux)
	if tls {
		e.srv = httptest.NewTLSServer(mux)
	} else {
		e.srv = httptest.NewServer(mux)
	}
	t.Cleanup(e.srv.Close)
	return e.srv
}

// start is setup followed by serve over plain HTTP, on a fake clock.
func start(t *testing.T) *env {
	e := setup(t, secunion.NewFakeClock(time.Now()))
	e.serve(t, false, false)
	return e
}

// user is one person's browser: a cookie jar that does not follow
// redirects, so that tests see them.
type user struct {
	t    *testing.T
	base string
	hc   *http.Client
}

func (e *env) user(t *testing.T) *user {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &user{t: t, base: e.srv.URL, hc: &http.Client{
		Transport:     e.srv.Client().Transport,
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func (u *user) do(req *http.Request) (*http.Response, string) {
	u.t.Helper()
	resp, err := u.hc.Do(req)
	if err != nil {
		u.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		u.t.Fatal(err)
	}
	return resp, string(b)
}

func (u *user) get(path string) (*http.Response, string) {
	u.t.Helper()
	req, err := http.NewRequest(http.MethodGet, u.base+path, nil)
	if err != nil {
		u.t.Fatal(err)
	}
	return u.do(req)
}

func (u *user) post(path string, form url.Values) (*http.Response, string) {
	u.t.Helper()
	req, err := http.NewRequest(http.MethodPost, u.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		u.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return u.do(req)
}

var csrfPattern = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the anti-forgery token of the first form on page path.
func (u *user) csrf(path string) string {
	u.t.Helper()
	resp, body := u.get(path)
	m := csrfPattern.FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		u.t.Fatalf("GET %s: status %d, no csrf field in\n%s", path, resp.StatusCode, body)
	}
	return m[1]
}

// tryLogin submits the login form.
func (u *user) tryLogin(login, pw string) (*http.Response, string) {
	u.t.Helper()
	return u.post("/login", url.Values{"csrf": {u.csrf("/login")}, "login": {login}, "password": {pw}})
}

// login logs in and fails the test unless it succeeds.
func (u *user) login(login string) {
	u.t.Helper()
	resp, body := u.tryLogin(login, password)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		u.t.Fatalf("login %s: status %d, location %q\n%s", login, resp.StatusCode, resp.Header.Get("Location"), body)
	}
}

// postForm submits a form of page with its anti-forgery token.
func (u *user) postForm(page, action string, form url.Values) (*http.Response, string) {
	u.t.Helper()
	form.Set("csrf", u.csrf(page))
	return u.post(action, form)
}

func wantStatus(t *testing.T, what string, resp *http.Response, body string, status int) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, resp.StatusCode, status, body)
	}
}

// search reads the audit log as the supervisor would.
func (e *env) search(t *testing.T, f store.AuditFilter) []audit.Entry {
	t.Helper()
	ctx := context.Background()
	dpo, _, err := e.db.CheckPassword(ctx, "dpo", password)
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.db.SearchAudit(ctx, dpo, access.Declaration{Purpose: secunion.PurposeSupervision}, f)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestLoginAndLogout(t *testing.T) {
	e := start(t)
	u := e.user(t)

	resp, body := u.get("/")
	wantStatus(t, "GET / before login", resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != "/login" {
		t.Fatalf("GET / before login redirects to %q, want /login", loc)
	}

	resp, body = u.tryLogin("root", "not the password")
	wantStatus(t, "wrong password", resp, body, http.StatusUnauthorized)
	if !strings.Contains(body, "Wrong login or password.") {
		t.Errorf("wrong password: page lacks the message:\n%s", body)
	}
	resp, body = u.tryLogin("nobody", password)
	wantStatus(t, "unknown login", resp, body, http.StatusUnauthorized)
	if !strings.Contains(body, "Wrong login or password.") {
		t.Errorf("unknown login: page lacks the message:\n%s", body)
	}

	resp, body = u.tryLogin("root", password)
	wantStatus(t, "login", resp, body, http.StatusSeeOther)
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "secunion_session" {
			session = c
		}
	}
	switch {
	case session == nil:
		t.Fatalf("login sets no session cookie: %v", resp.Header["Set-Cookie"])
	case !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Path != "/":
		t.Errorf("session cookie %q: want HttpOnly, SameSite=Strict, Path=/", session.Raw)
	case session.Secure:
		t.Errorf("session cookie %q is Secure on plain HTTP without Options.Secure: browsers would drop it", session.Raw)
	case session.MaxAge != int(access.SessionLifetime.Seconds()):
		t.Errorf("session cookie Max-Age = %d, want %v", session.MaxAge, access.SessionLifetime)
	}

	resp, body = u.get("/")
	wantStatus(t, "home", resp, body, http.StatusOK)
	for _, want := range []string{"Welcome, Root Admin", "EU-ADMIN", "administration", ">Authorities<", ">Users<", ">Tokens<"} {
		if !strings.Contains(body, want) {
			t.Errorf("home page lacks %q", want)
		}
	}
	if strings.Contains(body, "Audit log") {
		t.Errorf("home page of an administrator offers the audit log")
	}
	for h, want := range map[string]string{
		"Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
		"Cache-Control":           "no-store",
	} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("header %s = %q, want %q", h, got, want)
		}
	}

	resp, body = u.postForm("/", "/logout", url.Values{})
	wantStatus(t, "logout", resp, body, http.StatusSeeOther)
	if _, err := e.db.SessionFor(context.Background(), session.Value); secunion.CodeOf(err) != secunion.Unauthenticated {
		t.Errorf("session after logout: got %v, want unauthenticated", err)
	}
	if resp, _ := u.get("/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("GET / after logout: status %d, want a redirect to /login", resp.StatusCode)
	}
}

func TestStaticStyleSheet(t *testing.T) {
	e := start(t)
	u := e.user(t)
	resp, body := u.get("/static/console.css")
	wantStatus(t, "style sheet", resp, body, http.StatusOK)
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") || !strings.Contains(body, "section.secret") {
		t.Errorf("style sheet: content type %q, body %.60q", resp.Header.Get("Content-Type"), body)
	}
	if cc := resp.Header.Get("Cache-Control"); cc == "no-store" || cc == "" {
		t.Errorf("style sheet Cache-Control = %q, want it cacheable", cc)
	}
	if resp, _ := u.get("/static/"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /static/: status %d, want 404 (no folder listing)", resp.StatusCode)
	}
}

func TestSecureCookie(t *testing.T) {
	for _, tc := range []struct {
		name         string
		secure, tls  bool
		wantSecure   bool
		wantLocation string
	}{
		{"tls", false, true, true, "/"},
		{"behind a TLS proxy", true, false, true, "/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := setup(t, nil)
			e.serve(t, tc.secure, tc.tls)
			u := e.user(t)
			// The login form's own cookie is Secure too: read its token
			// from the page and send the cookie by hand, as the jar
			// keeps Secure cookies from plain HTTP.
			resp, body := u.get("/login")
			var formCookie *http.Cookie
			for _, c := range resp.Cookies() {
				if c.Name == "secunion_login_csrf" {
					formCookie = c
				}
			}
			if formCookie == nil || formCookie.Secure != tc.wantSecure || !formCookie.HttpOnly || formCookie.SameSite != http.SameSiteStrictMode {
				t.Fatalf("login form cookie %v: want HttpOnly, SameSite=Strict, Secure=%v", formCookie, tc.wantSecure)
			}
			form := url.Values{"csrf": {csrfPattern.FindStringSubmatch(body)[1]}, "login": {"anna"}, "password": {password}}
			req, _ := http.NewRequest(http.MethodPost, u.base+"/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(&http.Cookie{Name: formCookie.Name, Value: formCookie.Value})
			resp, body = u.do(req)
			wantStatus(t, "login", resp, body, http.StatusSeeOther)
			for _, c := range resp.Cookies() {
				if c.Name == "secunion_session" && c.Secure != tc.wantSecure {
					t.Errorf("session cookie %q: Secure = %v, want %v", c.Raw, c.Secure, tc.wantSecure)
				}
			}
		})
	}
}

func TestLoginThrottle(t *testing.T) {
	e := start(t)
	u := e.user(t)
	for i := 1; i <= 5; i++ {
		resp, body := u.tryLogin("anna", "guess number "+string(rune('0'+i)))
		wantStatus(t, "wrong attempt", resp, body, http.StatusUnauthorized)
	}
	resp, body := u.tryLogin("anna", "guess number 6")
	wantStatus(t, "6th wrong attempt", resp, body, http.StatusTooManyRequests)
	if !strings.Contains(body, "Wait 1 second before") || resp.Header.Get("Retry-After") != "1" {
		t.Errorf("throttled page does not say to wait 1 second (Retry-After %q):\n%s", resp.Header.Get("Retry-After"), body)
	}
	// While throttled even the right password is refused: guessing must
	// not be able to race the delay.
	resp, body = u.tryLogin("anna", password)
	wantStatus(t, "right password while throttled", resp, body, http.StatusTooManyRequests)

	// The failures are in the log; the throttled attempts, refused before
	// any check, are not written one by one.
	failures := e.search(t, store.AuditFilter{Operation: string(audit.OpLoginFailed)})
	if len(failures) != 5 || !strings.HasPrefix(failures[0].Detail, "wrong password") || failures[0].User != "anna" {
		t.Errorf("audit log holds %d failed logins %+v; want the 5 wrong passwords", len(failures), failures)
	}

	e.clock.Advance(2 * time.Second)
	u.login("anna")
}

func TestFormsNeedTheirToken(t *testing.T) {
	e := start(t)
	ctx := context.Background()

	// The login form's double-submit token: a page elsewhere cannot post
	// a login (login CSRF) without the cookie it cannot read.
	anon := e.user(t)
	resp, body := anon.post("/login", url.Values{"csrf": {"forged"}, "login": {"root"}, "password": {password}})
	wantStatus(t, "login without the form's cookie", resp, body, http.StatusForbidden)

	u := e.user(t)
	u.login("root")
	form := url.Values{"code": {"PL-SG"}, "name": {"Straż Graniczna"}, "country": {"PL"}, "kind": {string(access.KindBorderGuard)}}
	for _, token := range []string{"", "wrong"} {
		form.Set("csrf", token)
		resp, body := u.post("/admin/authorities", form)
		wantStatus(t, "POST with csrf "+token, resp, body, http.StatusForbidden)
		if !strings.Contains(body, "form has expired") {
			t.Errorf("POST with csrf %q: page does not say the form expired:\n%s", token, body)
		}
		if _, err := e.db.Authority(ctx, "PL-SG"); secunion.CodeOf(err) != secunion.NotFound {
			t.Fatalf("POST with csrf %q created the authority: %v", token, err)
		}
	}
	resp, body = u.postForm("/admin/authorities", "/admin/authorities", form)
	wantStatus(t, "POST with the form's token", resp, body, http.StatusSeeOther)
	if _, err := e.db.Authority(ctx, "PL-SG"); err != nil {
		t.Errorf("authority not created: %v", err)
	}
	resp, body = u.get(resp.Header.Get("Location"))
	if !strings.Contains(body, "Authority PL-SG created.") || !strings.Contains(body, "Straż Graniczna") {
		t.Errorf("authorities page after creation (status %d) lacks the notice or the new row:\n%s", resp.StatusCode, body)
	}
	resp, body = u.postForm("/admin/authorities", "/admin/authorities", form)
	wantStatus(t, "duplicate authority", resp, body, http.StatusConflict)
	if !strings.Contains(body, "authority PL-SG already exists") || !strings.Contains(body, `value="Straż Graniczna"`) {
		t.Errorf("duplicate authority: form not shown again with the message and the values:\n%s", body)
	}
}

func TestOfficer(t *testing.T) {
	e := start(t)
	u := e.user(t)
	u.login("anna")
	resp, body := u.get("/")
	wantStatus(t, "home", resp, body, http.StatusOK)
	for _, want := range []string{"Welcome, Anna Schmidt", "DE-BPOL", "Bundespolizei", "border-check", "Interpol-SLTD", ">Tokens<"} {
		if !strings.Contains(body, want) {
			t.Errorf("officer's home page lacks %q", want)
		}
	}
	for _, hidden := range []string{"Audit log", ">Users<", ">Authorities<"} {
		if strings.Contains(body, hidden) {
			t.Errorf("officer's navigation offers %q", hidden)
		}
	}
	for _, path := range []string{"/audit", "/admin/users", "/admin/authorities", "/admin/tokens?user=root"} {
		resp, body := u.get(path)
		wantStatus(t, "officer GET "+path, resp, body, http.StatusForbidden)
	}
	resp, body = u.postForm("/", "/audit/verify", url.Values{})
	wantStatus(t, "officer verifying the log", resp, body, http.StatusForbidden)
	denials := e.search(t, store.AuditFilter{User: "anna", Operation: string(audit.OpAccessDenied)})
	if len(denials) != 5 {
		t.Errorf("refusals of anna in the audit log = %d, want 5: %+v", len(denials), denials)
	}
}

func TestSupervisor(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	u := e.user(t)
	u.login("dpo")
	resp, body := u.get("/")
	if !strings.Contains(body, `href="/audit"`) || !strings.Contains(body, "Audit log") {
		t.Fatalf("supervisor's navigation lacks the audit log (status %d):\n%s", resp.StatusCode, body)
	}
	resp, body = u.get("/audit")
	wantStatus(t, "audit page", resp, body, http.StatusOK)
	for _, want := range []string{"authority-created", "user-created", "DE-BPOL", ">login<", "No checkpoint has been signed yet"} {
		if !strings.Contains(body, want) {
			t.Errorf("audit page lacks %q", want)
		}
	}
	resp, body = u.get("/audit?operation=login&user=dpo")
	wantStatus(t, "filtered audit page", resp, body, http.StatusOK)
	if strings.Contains(body, "authority-created") || !strings.Contains(body, "console login from") {
		t.Errorf("filter by operation and user not applied:\n%s", body)
	}
	resp, body = u.get("/audit?from=yesterday")
	wantStatus(t, "bad date", resp, body, http.StatusBadRequest)
	if !strings.Contains(body, "from: give a date as YYYY-MM-DD") {
		t.Errorf("bad date: no message:\n%s", body)
	}

	if err := e.db.SignCheckpoint(ctx); err != nil {
		t.Fatal(err)
	}
	_, cp, err := e.db.LatestCheckpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	resp, body = u.postForm("/audit", "/audit/verify", url.Values{})
	wantStatus(t, "verify", resp, body, http.StatusOK)
	want := `<p id="verify-result" class="notice" role="status">The log verifies: `
	if !strings.Contains(body, want) || !strings.Contains(body, "latest checkpoint of size "+itoa(cp.Size)) {
		t.Errorf("verify: page does not report the log verifies with checkpoint %d:\n%s", cp.Size, body)
	}
	if !strings.Contains(body, `<dd id="checkpoint-size">`+itoa(cp.Size)+" entries</dd>") {
		t.Errorf("audit page does not show the latest checkpoint of size %d", cp.Size)
	}

	// Someone with the database file drops its guard and alters an entry.
	raw, err := sql.Open("sqlite", filepath.Join(e.dir, store.SQLiteFile))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{
		`DROP TRIGGER audit_entries_no_update`,
		`UPDATE audit_entries SET user_login = 'nobody' WHERE seq = 1`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	resp, body = u.postForm("/audit", "/audit/verify", url.Values{})
	wantStatus(t, "verify altered log", resp, body, http.StatusOK)
	if !strings.Contains(body, `<p id="verify-result" class="error" role="status">The log does NOT verify: audit: entry 1:`) {
		t.Errorf("verify: page does not report the altered entry 1:\n%s", body)
	}
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

func TestTokens(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	u := e.user(t)
	u.login("root")

	resp, body := u.postForm("/admin/tokens", "/admin/tokens", url.Values{"name": {"ci"}, "days": {"400"}})
	wantStatus(t, "too long a lifetime", resp, body, http.StatusBadRequest)
	if !strings.Contains(body, "lifetime: give a whole number of days from 1 to 366") {
		t.Errorf("too long a lifetime: no message:\n%s", body)
	}

	resp, body = u.postForm("/admin/tokens", "/admin/tokens", url.Values{"name": {"ci"}, "days": {"30"}})
	wantStatus(t, "create token", resp, body, http.StatusOK)
	if !strings.Contains(body, "Copy this token now: it will not be shown again") {
		t.Errorf("new token page lacks the warning:\n%s", body)
	}
	secret := regexp.MustCompile(`sut_[A-Za-z0-9_-]{43}`).FindString(body)
	if secret == "" {
		t.Fatalf("new token page shows no secret:\n%s", body)
	}
	actor, err := e.db.TokenActor(ctx, secret)
	if err != nil || actor.Login != "root" {
		t.Fatalf("the shown secret authenticates %+v, %v; want root", actor, err)
	}

	resp, body = u.get("/admin/tokens")
	wantStatus(t, "tokens page", resp, body, http.StatusOK)
	if strings.Contains(body, secret) || strings.Contains(body, "Copy this token now") {
		t.Errorf("the secret is shown a second time:\n%s", body)
	}
	id := regexp.MustCompile(`tok_[a-z2-7]+`).FindString(body)
	if !strings.Contains(body, "<td>ci</td>") || id == "" {
		t.Fatalf("tokens page does not list token ci:\n%s", body)
	}

	resp, body = u.postForm("/admin/tokens", "/admin/tokens/"+id+"/revoke", url.Values{})
	wantStatus(t, "revoke", resp, body, http.StatusSeeOther)
	if _, err := e.db.TokenActor(ctx, secret); secunion.CodeOf(err) != secunion.Unauthenticated {
		t.Errorf("revoked token still authenticates: %v", err)
	}
	_, body = u.get(resp.Header.Get("Location"))
	if !strings.Contains(body, "<td>revoked</td>") || strings.Contains(body, "/revoke") {
		t.Errorf("tokens page does not show the token revoked:\n%s", body)
	}

	// A token lets its holder act as its user: not even an administrator
	// creates one for someone else; an officer neither.
	resp, body = u.postForm("/admin/tokens?user=anna", "/admin/tokens", url.Values{"user": {"anna"}, "name": {"anna's laptop"}, "days": {"7"}})
	wantStatus(t, "administrator creating a token for anna", resp, body, http.StatusForbidden)
	if tokens, _ := e.db.Tokens(ctx, "anna"); len(tokens) != 0 {
		t.Errorf("anna has %d tokens, want none", len(tokens))
	}
	anna := e.user(t)
	anna.login("anna")
	resp, body = anna.postForm("/admin/tokens", "/admin/tokens", url.Values{"user": {"root"}, "name": {"stolen"}, "days": {"7"}})
	wantStatus(t, "officer creating a token for root", resp, body, http.StatusForbidden)
	if tokens, _ := e.db.Tokens(ctx, "root"); len(tokens) != 1 {
		t.Errorf("root has %d tokens, want 1", len(tokens))
	}
}

func TestUsers(t *testing.T) {
	e := start(t)
	u := e.user(t)
	u.login("root")
	resp, body := u.get("/admin/users")
	wantStatus(t, "users page", resp, body, http.StatusOK)
	for _, want := range []string{"Anna Schmidt", "Claire Dupont", `<option value="FR-CNIL"`} {
		if !strings.Contains(body, want) {
			t.Errorf("users page lacks %q", want)
		}
	}
	// The administrator may create another authority's first admin, not
	// its officers: each authority creates its own people.
	officer := url.Values{"login": {"olaf"}, "name": {"Olaf Berg"}, "authority": {"DE-BPOL"}, "roles": {"officer"}}
	resp, body = u.postForm("/admin/users", "/admin/users", officer)
	wantStatus(t, "administrator creating an officer elsewhere", resp, body, http.StatusForbidden)
	form := url.Values{"login": {"Piotr Nowak"}, "name": {"Piotr Nowak"}, "authority": {"DE-BPOL"}, "roles": {"admin"}}
	resp, body = u.postForm("/admin/users", "/admin/users", form)
	wantStatus(t, "bad login", resp, body, http.StatusBadRequest)
	if !strings.Contains(body, "login &#34;piotr nowak&#34;: use 2–64 lower-case letters") || !strings.Contains(body, `value="Piotr Nowak"`) ||
		!strings.Contains(body, `value="admin" checked`) {
		t.Errorf("bad login: form not shown again with the message and the values:\n%s", body)
	}
	form.Set("login", "piotr")
	resp, body = u.postForm("/admin/users", "/admin/users", form)
	wantStatus(t, "create user", resp, body, http.StatusCreated)
	code := regexp.MustCompile(`sue_[A-Za-z0-9_-]+`).FindString(body)
	if !strings.Contains(body, "User piotr created.") || !strings.Contains(body, "Piotr Nowak") || code == "" {
		t.Fatalf("users page after creation lacks the notice, the row or the enrolment code:\n%s", body)
	}
	// DE-BPOL has its admin now: a second one is its own admins' to make.
	form.Set("login", "piotr2")
	resp, body = u.postForm("/admin/users", "/admin/users", form)
	wantStatus(t, "second admin of DE-BPOL", resp, body, http.StatusForbidden)
	if !strings.Contains(body, "has an admin already") {
		t.Errorf("second admin refused without saying why:\n%s", body)
	}

	// Piotr sets his own password with the code, in his own browser.
	p := e.user(t)
	enrol := func(code, pw, again string) (*http.Response, string) {
		return p.postForm("/enrol", "/enrol", url.Values{"code": {code}, "password": {pw}, "again": {again}})
	}
	resp, body = enrol("sue_wrong", "a long enough password", "a long enough password")
	wantStatus(t, "a wrong code", resp, body, http.StatusUnauthorized)
	resp, body = enrol(code, "a long enough password", "a long enough passwort")
	wantStatus(t, "two passwords", resp, body, http.StatusBadRequest)
	resp, body = enrol(code, "short", "short")
	wantStatus(t, "short password", resp, body, http.StatusBadRequest)
	if !strings.Contains(body, "at least 12 characters") {
		t.Errorf("short password refused without saying why:\n%s", body)
	}
	resp, body = enrol(code, "a long enough password", "a long enough password")
	wantStatus(t, "enrol", resp, body, http.StatusSeeOther)
	if resp.Header.Get("Location") != "/login?enrolled=1" {
		t.Errorf("after enrolment: to %q", resp.Header.Get("Location"))
	}
	if _, _, err := e.db.CheckPassword(context.Background(), "piotr", "a long enough password"); err != nil {
		t.Errorf("the new user cannot log in with the password they set: %v", err)
	}
	resp, body = enrol(code, "another long password", "another long password")
	wantStatus(t, "the code used again", resp, body, http.StatusUnauthorized)
}
