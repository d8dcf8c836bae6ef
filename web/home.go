package web

import (
	"net/http"

	"secunion/access"
	"secunion/store"
)

// homeData is what the home page shows: who is logged in, for which
// authority, and what that authority's kind may search for each purpose.
type homeData struct {
	User      access.User
	Authority access.Authority
	Profiles  []access.Profile
}

// home shows the logged-in user, their authority and its profiles.
func (c *Console) home(w http.ResponseWriter, r *http.Request, s store.Session) {
	ctx := r.Context()
	u, err := c.db.User(ctx, s.Actor.Login)
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	a, err := c.db.Authority(ctx, s.Actor.Authority)
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	v := c.view(&s, "Home", "/")
	v.Data = homeData{User: u, Authority: a, Profiles: access.ProfilesFor(a.Kind)}
	c.render(w, r, http.StatusOK, "home", v)
}
