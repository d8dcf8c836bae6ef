package web

import (
	"net/http"
	"strconv"
	"strings"

	"secunion"
	"secunion/access"
	"secunion/alerts"
	"secunion/audit"
	"secunion/store"
)

// disclosurePage is how many disclosures an agreement's page shows at once.
const disclosurePage = 100

// oversightAllowed returns the declaration under which s reads the
// agreements: administration for the hub's administrators, supervision
// for supervisors. Anyone else is refused, and the refusal audited.
func (c *Console) oversightAllowed(w http.ResponseWriter, r *http.Request, s store.Session, what string) (access.Declaration, bool) {
	switch {
	case access.CanManageAuthorities(s.Actor):
		return adminDecl, true
	case s.Actor.Has(access.RoleSupervisor):
		return c.declareSupervision(w, r, s, what)
	}
	c.deny(w, r, s, adminDecl, what, "agreements are for the hub's administrators and supervisors")
	return access.Declaration{}, false
}

// agreementRow is an agreement as the list shows it.
type agreementRow struct {
	alerts.Agreement
	InForce bool
	MaxTLP  tlpBadge
}

// agreementsData is what the agreements page shows.
type agreementsData struct {
	Agreements []agreementRow
}

// agreements lists the agreements with third-country partners.
func (c *Console) agreements(w http.ResponseWriter, r *http.Request, s store.Session) {
	if _, ok := c.oversightAllowed(w, r, s, "open the agreements"); !ok {
		return
	}
	as, err := c.db.Agreements(r.Context())
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	now := c.db.Clock().Now()
	d := agreementsData{}
	for _, a := range as {
		d.Agreements = append(d.Agreements, agreementRow{Agreement: a, InForce: a.InForce(now), MaxTLP: tlpBadge{Level: a.MaxTLP}})
	}
	v := c.view(&s, "Agreements", "/alerts/agreements")
	v.Data = d
	c.render(w, r, http.StatusOK, "agreements", v)
}

// disclosureRow is one disclosure under an agreement.
type disclosureRow struct {
	audit.Entry
	Collection string // the collection's title, else its id
}

// agreementData is what an agreement's page shows.
type agreementData struct {
	agreementRow
	Collections []string // titles, else ids
	Disclosures []disclosureRow
	Older       string // link to older disclosures
}

// agreementPage shows an agreement's terms and the disclosures made under
// it, newest first, from the audit log (the reading is audited too).
func (c *Console) agreementPage(w http.ResponseWriter, r *http.Request, s store.Session) {
	id := r.PathValue("id")
	decl, ok := c.oversightAllowed(w, r, s, "open agreement "+id)
	if !ok {
		return
	}
	ctx := r.Context()
	a, err := c.db.Agreement(ctx, id)
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	var before uint64
	if b := r.URL.Query().Get("before"); b != "" {
		if before, err = strconv.ParseUint(b, 10, 64); err != nil {
			c.fail(w, r, &s, secunion.Errorf(secunion.Invalid, "before: give an entry number"))
			return
		}
	}
	entries, next, err := c.db.AgreementDisclosures(ctx, s.Actor, decl, a.ID, before, disclosurePage)
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	cs, err := c.db.AlertCollections(ctx)
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	title := map[string]string{}
	for _, col := range cs {
		title[col.ID] = col.Title
	}
	named := func(id string) string {
		if t, ok := title[id]; ok {
			return t
		}
		return id
	}
	d := agreementData{agreementRow: agreementRow{Agreement: a, InForce: a.InForce(c.db.Clock().Now()), MaxTLP: tlpBadge{Level: a.MaxTLP}}}
	for _, id := range a.Collections {
		d.Collections = append(d.Collections, named(id))
	}
	for _, e := range entries {
		// AlertObjects writes "collection <id>; agreement <id>".
		col, _, _ := strings.Cut(strings.TrimPrefix(e.Detail, "collection "), ";")
		d.Disclosures = append(d.Disclosures, disclosureRow{Entry: e, Collection: named(col)})
	}
	if next > 0 {
		d.Older = "/alerts/agreements/" + a.ID + "?before=" + strconv.FormatUint(next, 10)
	}
	v := c.view(&s, a.Title, "/alerts/agreements")
	v.Data = d
	c.render(w, r, http.StatusOK, "agreement", v)
}
