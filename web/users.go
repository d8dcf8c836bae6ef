package web

import (
	"net/http"
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
	// Created is the user just added, with the enrolment code to pass on,
	// shown this once.
	Created *createdUser
}

// createdUser is a user just added and its enrolment code.
type createdUser struct {
	Login     string
	Enrolment access.Enrolment
}

// consoleRoles are the roles the console gives: service users of other
// nodes are made at the node's command line.
var consoleRoles = []string{access.RoleOfficer, access.RoleAdmin, access.RoleSupervisor}

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
	c.showUsers(w, r, s, http.StatusOK, form, nil, nil)
}

// showUsers renders the users page with the form prefilled and the message
// of a refused creation, if any. Administrators of an administrator
// authority see and manage every user; others those of their authority.
func (c *Console) showUsers(w http.ResponseWriter, r *http.Request, s store.Session, status int, form access.User, refused error, created *createdUser) {
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
	if created != nil {
		v.Notice = "User " + created.Login + " created. Pass the enrolment code below on to them: they set their own password with it."
	}
	v.Data = usersData{Users: list, Authorities: targets, Roles: consoleRoles, Form: form, Created: created}
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
	_, e, err := c.db.InviteUser(r.Context(), s.Actor, u)
	if err != nil {
		if code := secunion.CodeOf(err); code != secunion.Invalid && code != secunion.Conflict && code != secunion.Forbidden {
			c.fail(w, r, &s, err)
			return
		}
		c.showUsers(w, r, s, statusOf(err), u, err, nil)
		return
	}
	// Shown once, on this page: a redirect would carry the code in a URL.
	c.showUsers(w, r, s, http.StatusCreated, access.User{Authority: u.Authority, Roles: []string{access.RoleOfficer}}, nil, &createdUser{Login: u.Login, Enrolment: e})
}
