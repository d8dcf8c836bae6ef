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

// usersData is what the users page shows.
type usersData struct {
	Users       []access.User
	Authorities []access.Authority // those the actor may add users to
	Roles       []string
	Form        access.User // the values of a refused form, to correct
}

// mayListUsers reports whether the navigation offers the users page to a:
// an administrator whose authority may declare the administration purpose.
func mayListUsers(a secunion.Actor) bool {
	if !a.Has(access.RoleAdmin) {
		return false
	}
	_, _, err := access.Declare(a, string(secunion.PurposeAdministration), "")
	return err == nil
}

// declareAdministration checks that s may see lists of users, which are
// personal data: an administrator, declaring the administration purpose. A
// refusal is logged and shown; ok is false then.
func (c *Console) declareAdministration(w http.ResponseWriter, r *http.Request, s store.Session, what string) (ok bool) {
	if !s.Actor.Has(access.RoleAdmin) {
		c.deny(w, r, s, adminDecl, what, "only administrators may manage users")
		return false
	}
	if _, _, err := access.Declare(s.Actor, string(secunion.PurposeAdministration), ""); err != nil {
		c.deny(w, r, s, adminDecl, what, secunion.MessageOf(err))
		return false
	}
	return true
}

// users lists the users the actor administers, with a form to add one.
func (c *Console) users(w http.ResponseWriter, r *http.Request, s store.Session) {
	if !c.declareAdministration(w, r, s, "list users") {
		return
	}
	form := access.User{Authority: s.Actor.Authority, Roles: []string{access.RoleOfficer}}
	c.showUsers(w, r, s, http.StatusOK, form, nil)
}

// showUsers renders the users page with the form prefilled and the message
// of a refused creation, if any. Administrators of an administrator
// authority see and manage every user; others those of their authority.
func (c *Console) showUsers(w http.ResponseWriter, r *http.Request, s store.Session, status int, form access.User, refused error) {
	ctx := r.Context()
	scope := s.Actor.Authority
	if access.Kind(s.Actor.AuthorityKind) == access.KindAdministrator {
		scope = ""
	}
	list, err := c.db.ListUsers(ctx, s.Actor, access.Declaration{Purpose: secunion.PurposeAdministration}, scope)
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	all, err := c.db.Authorities(ctx)
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	var targets []access.Authority
	for _, a := range all {
		if access.CanAdminister(s.Actor, a.Code) {
			targets = append(targets, a)
		}
	}
	v := c.view(&s, "Users", "/admin/users")
	if refused != nil {
		v.Error = secunion.MessageOf(refused)
	}
	created := r.URL.Query().Get("created")
	if slices.ContainsFunc(list, func(u access.User) bool { return u.Login == created }) {
		v.Notice = "User " + created + " created."
	}
	v.Data = usersData{Users: list, Authorities: targets, Roles: access.Roles, Form: form}
	c.render(w, r, status, "users", v)
}

// createUser adds a user from the form.
func (c *Console) createUser(w http.ResponseWriter, r *http.Request, s store.Session) {
	if !c.declareAdministration(w, r, s, "create user") {
		return
	}
	f := r.PostForm
	u := access.User{
		Login:     strings.ToLower(strings.TrimSpace(f.Get("login"))),
		Name:      strings.TrimSpace(f.Get("name")),
		Authority: f.Get("authority"),
		Roles:     f["roles"],
	}
	if _, err := c.db.CreateUser(r.Context(), s.Actor, u, f.Get("password")); err != nil {
		if code := secunion.CodeOf(err); code != secunion.Invalid && code != secunion.Conflict {
			c.fail(w, r, &s, err)
			return
		}
		c.showUsers(w, r, s, statusOf(err), u, err)
		return
	}
	http.Redirect(w, r, "/admin/users?created="+url.QueryEscape(u.Login), http.StatusSeeOther)
}
