package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"secunion"
	"secunion/access"
	"secunion/store"
)

// authoritiesData is what the authorities page shows.
type authoritiesData struct {
	Authorities []access.Authority
	Kinds       []access.Kind
	Form        access.Authority // the values of a refused form, to correct
}

// adminDecl is the declaration of the console's administration pages.
var adminDecl = access.Declaration{Purpose: secunion.PurposeAdministration}

// authorities lists every authority, with a form to add one. Only
// administrators of an administrator authority may see it.
func (c *Console) authorities(w http.ResponseWriter, r *http.Request, s store.Session) {
	if !access.CanManageAuthorities(s.Actor) {
		c.deny(w, r, s, adminDecl, "open the authorities page", "only administrators of an administrator authority may manage authorities")
		return
	}
	c.showAuthorities(w, r, s, http.StatusOK, access.Authority{}, nil)
}

// showAuthorities renders the authorities page with the form prefilled and
// the message of a refused creation, if any. After a creation (the redirect
// carries ?created=CODE) it confirms it, naming only an authority that
// exists so that a crafted link cannot make the page say anything else.
func (c *Console) showAuthorities(w http.ResponseWriter, r *http.Request, s store.Session, status int, form access.Authority, refused error) {
	list, err := c.db.Authorities(r.Context())
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	v := c.view(&s, "Authorities", "/admin/authorities")
	if refused != nil {
		v.Error = secunion.MessageOf(refused)
	}
	created := r.URL.Query().Get("created")
	if slices.ContainsFunc(list, func(a access.Authority) bool { return a.Code == created }) {
		v.Notice = "Authority " + created + " created."
	}
	v.Data = authoritiesData{Authorities: list, Kinds: access.Kinds, Form: form}
	c.render(w, r, status, "authorities", v)
}

// createAuthority adds an authority from the form.
func (c *Console) createAuthority(w http.ResponseWriter, r *http.Request, s store.Session) {
	f := r.PostForm
	a := access.Authority{
		Code:    strings.ToUpper(strings.TrimSpace(f.Get("code"))),
		Name:    strings.TrimSpace(f.Get("name")),
		Country: strings.ToUpper(strings.TrimSpace(f.Get("country"))),
		Kind:    access.Kind(f.Get("kind")),
	}
	if _, err := c.db.CreateAuthority(r.Context(), s.Actor, a); err != nil {
		if code := secunion.CodeOf(err); code != secunion.Invalid && code != secunion.Conflict {
			c.fail(w, r, &s, err)
			return
		}
		c.showAuthorities(w, r, s, statusOf(err), a, err)
		return
	}
	http.Redirect(w, r, "/admin/authorities?created="+url.QueryEscape(a.Code), http.StatusSeeOther)
}
