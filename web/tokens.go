package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"secunion"
	"secunion/access"
	"secunion/store"
)

// Token lifetimes in whole days, as the form asks for them.
const (
	defaultTokenDays = int(access.DefaultTokenLifetime / (24 * time.Hour))
	maxTokenDays     = int(access.MaxTokenLifetime / (24 * time.Hour))
)

// tokensData is what the tokens page shows.
type tokensData struct {
	User    string // whose tokens these are
	Own     bool
	Tokens  []tokenRow
	Secret  string // the secret of a token just created, shown this once
	Created string // its name
	Name    string // form values
	Days    string
	MaxDays int
}

// tokenRow is a token with its state at the time of the page.
type tokenRow struct {
	access.Token
	State  string
	Active bool
}

// tokenOwner returns whose tokens the request is about: the actor's own, or
// with ?user= (or the form's user field) another user's, which only an
// administrator of that user's authority may manage, for the administration
// purpose. A refusal is logged and shown; ok is false then.
func (c *Console) tokenOwner(w http.ResponseWriter, r *http.Request, s store.Session, login string) (owner string, ok bool) {
	login = strings.TrimSpace(login)
	if login == "" || login == s.Actor.Login {
		return s.Actor.Login, true
	}
	if !c.declareAdministration(w, r, s, "manage tokens of "+secunion.Clip(login, 64)) {
		return "", false
	}
	u, err := c.db.User(r.Context(), login)
	if err != nil {
		c.fail(w, r, &s, err)
		return "", false
	}
	if !access.CanAdminister(s.Actor, u.Authority) {
		c.deny(w, r, s, adminDecl, "manage tokens of "+u.Login, "you may not manage tokens of authority "+u.Authority)
		return "", false
	}
	return u.Login, true
}

// tokens lists a user's API tokens, with a form to issue one.
func (c *Console) tokens(w http.ResponseWriter, r *http.Request, s store.Session) {
	owner, ok := c.tokenOwner(w, r, s, r.URL.Query().Get("user"))
	if !ok {
		return
	}
	c.showTokens(w, r, s, http.StatusOK, tokensData{User: owner, Days: strconv.Itoa(defaultTokenDays)}, nil)
}

// showTokens renders the tokens page for d.User with the form, a new
// secret or the message of a refused creation in d and refused.
func (c *Console) showTokens(w http.ResponseWriter, r *http.Request, s store.Session, status int, d tokensData, refused error) {
	list, err := c.db.Tokens(r.Context(), d.User)
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	now := c.db.Clock().Now()
	for _, t := range list {
		row := tokenRow{Token: t, State: "active", Active: t.Active(now)}
		switch {
		case t.Revoked != nil:
			row.State = "revoked"
		case !row.Active:
			row.State = "expired"
		}
		d.Tokens = append(d.Tokens, row)
	}
	d.Own = d.User == s.Actor.Login
	d.MaxDays = maxTokenDays
	v := c.view(&s, "Tokens", "/admin/tokens")
	if refused != nil {
		v.Error = secunion.MessageOf(refused)
	}
	v.Data = d
	c.render(w, r, status, "tokens", v)
}

// createToken issues a token and shows its secret once: only its hash is
// stored, so this response is the only place it ever appears.
func (c *Console) createToken(w http.ResponseWriter, r *http.Request, s store.Session) {
	f := r.PostForm
	owner, ok := c.tokenOwner(w, r, s, f.Get("user"))
	if !ok {
		return
	}
	d := tokensData{User: owner, Name: f.Get("name"), Days: strings.TrimSpace(f.Get("days"))}
	days, err := strconv.Atoi(d.Days)
	if err != nil || days < 1 || days > maxTokenDays {
		c.showTokens(w, r, s, http.StatusBadRequest, d, secunion.Errorf(secunion.Invalid,
			"lifetime: give a whole number of days from 1 to %d", maxTokenDays))
		return
	}
	secret, t, err := c.db.CreateToken(r.Context(), s.Actor, owner, d.Name, time.Duration(days)*24*time.Hour)
	if err != nil {
		if secunion.CodeOf(err) != secunion.Invalid {
			c.fail(w, r, &s, err)
			return
		}
		c.showTokens(w, r, s, http.StatusBadRequest, d, err)
		return
	}
	d.Secret, d.Created, d.Name, d.Days = secret, t.Name, "", strconv.Itoa(defaultTokenDays)
	c.showTokens(w, r, s, http.StatusOK, d, nil)
}

// revokeToken revokes a token at once and goes back to its owner's list.
func (c *Console) revokeToken(w http.ResponseWriter, r *http.Request, s store.Session) {
	if err := c.db.RevokeToken(r.Context(), s.Actor, r.PathValue("id")); err != nil {
		c.fail(w, r, &s, err)
		return
	}
	back := "/admin/tokens"
	if u := r.PostForm.Get("user"); u != "" && u != s.Actor.Login {
		back += "?user=" + url.QueryEscape(u)
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}
