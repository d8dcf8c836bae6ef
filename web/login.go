package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"secunion"
	"secunion/access"
	"secunion/httpapi"
	"secunion/store"
)

// wrongCredentials is the one message for every failed login, so that it
// does not tell whether the login exists.
const wrongCredentials = "Wrong login or password."

// loginData is what the login form shows.
type loginData struct {
	Login string
}

// loginForm shows the login form with a fresh double-submit token: before
// login there is no session to hold one, so the token lives in a cookie that
// another site can neither read nor send (SameSite=Strict).
func (c *Console) loginForm(w http.ResponseWriter, r *http.Request) {
	if _, err := c.session(r); err == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	c.showLogin(w, r, http.StatusOK, "", "")
}

// showLogin renders the login form with a new anti-forgery token.
func (c *Console) showLogin(w http.ResponseWriter, r *http.Request, status int, login, message string) {
	c.showPublic(w, r, status, "login", "Log in", message, loginData{Login: login})
}

// showPublic renders a page shown before login (the login and enrolment
// forms) with a new double-submit anti-forgery token.
func (c *Console) showPublic(w http.ResponseWriter, r *http.Request, status int, page, title, message string, data any) {
	token, _ := access.NewSecret("")
	http.SetCookie(w, c.cookie(r, loginCSRFCookie, token, int((30*time.Minute).Seconds())))
	v := c.view(nil, title, "")
	v.CSRF, v.Error, v.Data = token, message, data
	if r.URL.Query().Get("enrolled") != "" {
		v.Notice = "Your password is set: log in with it."
	}
	c.render(w, r, status, page, v)
}

// publicForm reads a form posted before login and checks its
// double-submit anti-forgery token; it answers a bad form itself and
// returns false.
func (c *Console) publicForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		c.fail(w, r, nil, secunion.Wrap(secunion.TooLarge, err, "the form is too large or malformed"))
		return false
	}
	ck, err := r.Cookie(loginCSRFCookie)
	if err != nil || !sameSecret(r.PostForm.Get(csrfField), ck.Value) {
		c.formExpired(w, r, nil)
		return false
	}
	return true
}

// enrolForm shows the form where a new user sets their password with
// their enrolment code.
func (c *Console) enrolForm(w http.ResponseWriter, r *http.Request) {
	c.showPublic(w, r, http.StatusOK, "enrol", "Set your password", "", nil)
}

// enrol sets a new user's password from their enrolment code. Bad codes
// are throttled per address and audited, like failed logins.
func (c *Console) enrol(w http.ResponseWriter, r *http.Request) {
	if !c.publicForm(w, r) {
		return
	}
	f := r.PostForm
	if f.Get("password") != f.Get("again") {
		c.showPublic(w, r, http.StatusBadRequest, "enrol", "Set your password", "The two passwords differ.", nil)
		return
	}
	host := httpapi.RemoteHost(r)
	key := "enrol:" + host
	if wait := c.throttle.Begin(c.db.Clock().Now(), key); wait > 0 {
		seconds := int((wait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(seconds))
		c.showPublic(w, r, http.StatusTooManyRequests, "enrol", "Set your password", fmt.Sprintf("Too many wrong codes. Wait %d seconds before you try again.", seconds), nil)
		return
	}
	u, err := c.db.Enrol(r.Context(), strings.TrimSpace(f.Get("code")), f.Get("password"), host)
	code := secunion.CodeOf(err)
	if code != secunion.Unauthenticated {
		c.throttle.Forgive(key) // only bad codes count
	}
	switch code {
	case secunion.Unauthenticated:
		c.showPublic(w, r, http.StatusUnauthorized, "enrol", "Set your password", secunion.MessageOf(err), nil)
		return
	case secunion.Invalid:
		c.showPublic(w, r, http.StatusBadRequest, "enrol", "Set your password", secunion.MessageOf(err), nil)
		return
	}
	if err != nil {
		c.fail(w, r, nil, err)
		return
	}
	c.log.Info("user enrolled", "user", u.Login, "authority", u.Authority)
	http.Redirect(w, r, "/login?enrolled=1", http.StatusSeeOther)
}

// login checks a login and password. Failures are throttled per login and
// per address and written to the audit log.
func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	if !c.publicForm(w, r) {
		return
	}
	login := secunion.Clip(strings.ToLower(strings.TrimSpace(r.PostForm.Get("login"))), 64)
	password := r.PostForm.Get("password")
	host := httpapi.RemoteHost(r)
	loginKey, hostKey := "login:"+login, "ip:"+host
	ctx := r.Context()

	// Throttled attempts are refused before any work and are not written
	// to the permanent log one by one (the failures that led to the
	// throttle are); the operational log counts them.
	if wait := c.throttle.Begin(c.db.Clock().Now(), loginKey, hostKey); wait > 0 {
		c.log.Warn("login throttled", "login_hash", access.HashSecret(login)[:16], "remote", host)
		seconds := int((wait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(seconds))
		unit := "seconds"
		if seconds == 1 {
			unit = "second"
		}
		v := c.view(nil, "Too many attempts", "")
		v.Error = fmt.Sprintf("Too many failed logins. Wait %d %s before you try again.", seconds, unit)
		c.render(w, r, http.StatusTooManyRequests, "message", v)
		return
	}
	// Each password check takes 19 MiB for argon2id: bound how many run at
	// once so a burst of logins cannot exhaust memory.
	select {
	case c.hashing <- struct{}{}:
		defer func() { <-c.hashing }()
	default:
		c.throttle.Forgive(loginKey)
		c.throttle.Forgive(hostKey)
		w.Header().Set("Retry-After", "1")
		v := c.view(nil, "Busy", "")
		v.Error = "Too many logins at once. Try again in a second."
		c.render(w, r, http.StatusTooManyRequests, "message", v)
		return
	}

	actor, reason, err := c.db.CheckPassword(ctx, login, password)
	if err != nil {
		if secunion.CodeOf(err) != secunion.Unauthenticated {
			c.fail(w, r, nil, err)
			return
		}
		if err := c.db.LoginFailure(ctx, login, reason != "unknown user", host, reason); err != nil {
			c.fail(w, r, nil, err)
			return
		}
		c.showLogin(w, r, http.StatusUnauthorized, login, wrongCredentials)
		return
	}
	secret, _, err := c.db.CreateSession(ctx, actor, host)
	if err != nil {
		c.fail(w, r, nil, err)
		return
	}
	c.throttle.Succeed(loginKey)
	c.throttle.Forgive(hostKey)
	http.SetCookie(w, c.cookie(r, sessionCookie, secret, int(access.SessionLifetime.Seconds())))
	http.SetCookie(w, c.cookie(r, loginCSRFCookie, "", -1))
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// logout ends the session and forgets its cookie.
func (c *Console) logout(w http.ResponseWriter, r *http.Request, s store.Session) {
	ck, err := r.Cookie(sessionCookie)
	if err == nil {
		if err := c.db.EndSession(r.Context(), ck.Value, s.Actor); err != nil {
			c.fail(w, r, &s, err)
			return
		}
	}
	http.SetCookie(w, c.cookie(r, sessionCookie, "", -1))
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
