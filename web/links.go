package web

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"secunion"
	"secunion/access"
	"secunion/links"
	"secunion/store"
)

// mayVerify reports whether a may verify identity links: an officer of an
// authority kind with the link-verification purpose.
func mayVerify(a secunion.Actor) bool {
	_, ok := access.ProfileFor(access.Kind(a.AuthorityKind), secunion.PurposeLinkVerification)
	return ok && a.Has(access.RoleOfficer)
}

// verifyDecl declares link verification for s and returns the profile it
// grants, or answers with a refusal (logged) and returns false.
func (c *Console) verifyDecl(w http.ResponseWriter, r *http.Request, s store.Session, what string) (access.Declaration, access.Profile, bool) {
	decl, prof, err := access.Declare(s.Actor, string(secunion.PurposeLinkVerification), "")
	if err != nil || !s.Actor.Has(access.RoleOfficer) {
		c.deny(w, r, s, access.Declaration{Purpose: secunion.PurposeLinkVerification}, what, "only officers of the authorities responsible for verifying links may")
		return decl, prof, false
	}
	return decl, prof, true
}

// queueData is what the verification queue page shows.
type queueData struct {
	Links []queueRow
	Stats store.LinkStats
	Kind  access.Kind
}

type queueRow struct {
	links.Link
	Age string
}

// linkQueue shows the yellow links the user's authority is to verify.
func (c *Console) linkQueue(w http.ResponseWriter, r *http.Request, s store.Session) {
	if _, _, ok := c.verifyDecl(w, r, s, "open the link verification queue"); !ok {
		return
	}
	q, err := c.db.LinkQueue(r.Context(), s.Actor, 200)
	if err == nil {
		var st store.LinkStats
		st, err = c.db.LinkStats(r.Context())
		d := queueData{Stats: st, Kind: access.Kind(s.Actor.AuthorityKind)}
		now := c.db.Clock().Now()
		for _, l := range q {
			d.Links = append(d.Links, queueRow{Link: l, Age: age(now.Sub(l.Created))})
		}
		if err == nil {
			v := c.view(&s, "Link verification", "/links")
			v.Data = d
			c.render(w, r, http.StatusOK, "links", v)
			return
		}
	}
	c.fail(w, r, &s, err)
}

// age writes a duration as the queue shows it.
func age(d time.Duration) string {
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h", int(d.Hours()))
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}

// linkData is what the comparison page shows.
type linkData struct {
	store.Comparison
	Graph graph
}

// linkPage shows a link side by side for its verifier, with the decision
// form while it is yellow. The view is audited (store.CompareLink).
func (c *Console) linkPage(w http.ResponseWriter, r *http.Request, s store.Session) {
	c.showLink(w, r, s, http.StatusOK, "")
}

func (c *Console) showLink(w http.ResponseWriter, r *http.Request, s store.Session, status int, problem string) {
	id := r.PathValue("id")
	decl, prof, ok := c.verifyDecl(w, r, s, "view link:"+id)
	if !ok {
		return
	}
	cmp, err := c.db.CompareLink(r.Context(), s.Actor, decl, prof, id)
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	g, err := c.linkGraph(r, cmp.Link)
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	v := c.view(&s, "Link "+id, "/links")
	v.Error = problem
	v.Data = linkData{Comparison: cmp, Graph: g}
	c.render(w, r, status, "link", v)
}

// decideLink records the decision of the form.
func (c *Console) decideLink(w http.ResponseWriter, r *http.Request, s store.Session) {
	id := r.PathValue("id")
	decl, _, ok := c.verifyDecl(w, r, s, "decide link:"+id)
	if !ok {
		return
	}
	_, err := c.db.DecideLink(r.Context(), s.Actor, decl, id, links.Colour(r.PostForm.Get("colour")), strings.TrimSpace(r.PostForm.Get("reason")))
	switch code := secunion.CodeOf(err); {
	case err == nil:
		http.Redirect(w, r, "/links/"+id, http.StatusSeeOther)
	case code == secunion.Invalid || code == secunion.Conflict:
		c.showLink(w, r, s, statusOf(err), secunion.MessageOf(err))
	default:
		c.fail(w, r, &s, err)
	}
}

// graph is a small drawing of the links around a link: its two records
// and the other records they are linked to, named by system only (the
// verifier sees the linked data of this link, no more).
type graph struct {
	Nodes []node
	Edges []edge
}

type node struct {
	X, Y  int
	Label string
	Main  bool // one of the link's two records
}

type edge struct {
	X1, Y1, X2, Y2 int
	Colour         links.Colour
	Main           bool
}

// linkGraph lays the records out on a circle, the link's two records
// first.
func (c *Console) linkGraph(r *http.Request, l links.Link) (graph, error) {
	pos := map[links.Ref]int{l.A: 0, l.B: 1}
	nodes := []node{{Label: l.A.String(), Main: true}, {Label: l.B.String(), Main: true}}
	type pair struct {
		a, b int
		l    links.Link
	}
	var pairs []pair
	seen := map[string]bool{}
	for _, end := range []links.Ref{l.A, l.B} {
		ls, err := c.db.LinksOf(r.Context(), end)
		if err != nil {
			return graph{}, err
		}
		for _, o := range ls {
			if seen[o.ID] {
				continue
			}
			seen[o.ID] = true
			for _, ref := range []links.Ref{o.A, o.B} {
				if _, ok := pos[ref]; !ok {
					pos[ref] = len(nodes)
					nodes = append(nodes, node{Label: ref.System})
				}
			}
			pairs = append(pairs, pair{pos[o.A], pos[o.B], o})
		}
	}
	const cx, cy, radius = 160, 120, 90
	for i := range nodes {
		angle := math.Pi + 2*math.Pi*float64(i)/float64(len(nodes))
		nodes[i].X = cx + int(radius*math.Cos(angle))
		nodes[i].Y = cy + int(radius*math.Sin(angle))
	}
	g := graph{Nodes: nodes}
	for _, p := range pairs {
		a, b := nodes[p.a], nodes[p.b]
		g.Edges = append(g.Edges, edge{X1: a.X, Y1: a.Y, X2: b.X, Y2: b.Y, Colour: p.l.Colour, Main: p.l.ID == l.ID})
	}
	return g, nil
}
