package alerts

import (
	"encoding/json"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"secunion"
)

// Group is a sharing group: the authorities that read or write a
// collection. An empty group shares with nobody: unlike MISP's empty
// sharing group that once published to everyone, emptiness never widens.
type Group struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Members     []string `json:"members"`
}

// Has reports whether authority code is a member.
func (g Group) Has(code string) bool { return slices.Contains(g.Members, code) }

var groupName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}$`)

// Validate checks a group's name and members.
func (g *Group) Validate() error {
	if !groupName.MatchString(g.Name) {
		return invalidf("name", "%q: use 2 to 63 of a-z, 0-9 and -", secunion.Clip(g.Name, 64))
	}
	g.Description = secunion.Clip(strings.TrimSpace(g.Description), 2000)
	slices.Sort(g.Members)
	g.Members = slices.Compact(g.Members)
	if len(g.Members) > 10000 {
		return invalidf("members", "at most 10,000 authorities, not %d", len(g.Members))
	}
	return nil
}

// Collection is a TAXII collection of the hub: its readers and writers
// are sharing groups, and objects in it without a TLP marking are treated
// as DefaultTLP.
type Collection struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Readers     string `json:"readers"`
	Writers     string `json:"writers"`
	DefaultTLP  TLP    `json:"default_tlp"`
}

// NewCollectionID returns a new collection identifier, a UUID as TAXII
// wants.
func NewCollectionID() string { return uuid.NewString() }

// Validate checks a collection's fields.
func (c *Collection) Validate() error {
	c.Title = secunion.Clip(strings.TrimSpace(c.Title), 200)
	c.Description = secunion.Clip(strings.TrimSpace(c.Description), 2000)
	switch {
	case c.Title == "":
		return invalidf("title", "is required")
	case !uuidForm.MatchString(c.ID):
		return invalidf("id", "%q is not a UUID", secunion.Clip(c.ID, 40))
	case !groupName.MatchString(c.Readers):
		return invalidf("readers", "name a sharing group")
	case !groupName.MatchString(c.Writers):
		return invalidf("writers", "name a sharing group")
	}
	return nil
}

// Agreement is an agreement under which a third-country partner receives
// objects, such as the one between Europol and New Zealand's police on
// serious crime and terrorism: the partner, the purposes and object types
// it covers, the highest TLP it allows, the collections it reaches,
// whether what the partner sends may go on to other third countries, and
// the date by which it must be reviewed. Nothing reaches the partner
// outside it, and nothing at all once the review date has passed.
type Agreement struct {
	ID          string             `json:"id"`
	Title       string             `json:"title"`
	Partner     string             `json:"partner"`
	Purposes    []secunion.Purpose `json:"purposes"`
	Types       []string           `json:"types"`
	MaxTLP      TLP                `json:"max_tlp"`
	Collections []string           `json:"collections"`
	// Onward says whether objects the partner sends may be disclosed to
	// other third-country partners. False keeps them in the Union.
	Onward bool      `json:"onward_transfer"`
	Review time.Time `json:"review"`
}

// Validate checks an agreement's fields.
func (a *Agreement) Validate() error {
	a.Title = secunion.Clip(strings.TrimSpace(a.Title), 200)
	switch {
	case !groupName.MatchString(a.ID):
		return invalidf("id", "%q: use 2 to 63 of a-z, 0-9 and -", secunion.Clip(a.ID, 64))
	case a.Title == "":
		return invalidf("title", "is required")
	case a.Partner == "":
		return invalidf("partner", "names the partner's authority")
	case len(a.Purposes) == 0:
		return invalidf("purposes", "name the purposes the agreement allows")
	case len(a.Types) == 0:
		return invalidf("types", "name the object types the agreement covers")
	case len(a.Collections) == 0:
		return invalidf("collections", "name the collections the agreement reaches")
	case a.MaxTLP > TLPAmber:
		return invalidf("max_tlp", "%s: TLP:AMBER+STRICT and TLP:RED never leave the Union's authorities", a.MaxTLP)
	case a.Review.IsZero():
		return invalidf("review", "is required: an agreement is reviewed by a date")
	}
	for i, p := range a.Purposes {
		if _, err := secunion.ParsePurpose(string(p)); err != nil {
			return invalidf("purposes", "[%d]: %s", i, secunion.MessageOf(err))
		}
	}
	for _, t := range a.Types {
		if ClassOf(t) == Unknown {
			return invalidf("types", "%q is not a STIX type", secunion.Clip(t, 64))
		}
	}
	return nil
}

// InForce reports whether the agreement allows disclosures at now.
func (a Agreement) InForce(now time.Time) bool { return now.Before(a.Review) }

// Stored is an object version as the hub holds it.
type Stored struct {
	Object     Object
	Collection string
	Added      time.Time
	// Origin is the authority that added the object; FromPartner marks a
	// third-country partner, and Onward whether its agreement lets the
	// object go on to other third countries.
	Origin      string
	FromPartner bool
	Onward      bool
}

// Recipient is who would receive an object, and why.
type Recipient struct {
	Authority string
	Purpose   secunion.Purpose
	// Partner marks a third-country partner, which receives only under
	// Agreement.
	Partner   bool
	Agreement *Agreement
	// Node marks another secunion node pulling for its own users.
	Node bool
}

// Disclosure is what Disclose decides: the object as the recipient may
// see it, or why it is withheld.
type Disclosure struct {
	Object json.RawMessage
	// Redacted are the selectors of granular markings cut out.
	Redacted []string
	// Withheld says why the object is not disclosed; "" when it is.
	Withheld string
}

// Disclose decides what recipient to may receive of st, an object of
// collection c read by readers, at now. It is the hub's one decision on
// the way out: TAXII reads, exports, federation and the console all go
// through it.
//
//   - A reader of the collection, or the object's origin, receives it; a
//     third-country partner only under an agreement in force that covers
//     the collection, the purpose, the type and the TLP level, never
//     something the handling code keeps in the collection (H2, H3), and
//     never what another partner sent unless that partner's agreement
//     allows onward transfer.
//   - TLP sets the ceiling by recipient: the origin and the recipients an
//     object's handling names may get TLP:RED; other readers on this node
//     TLP:AMBER+STRICT; another node, which shares on within its own
//     deployment, TLP:AMBER; a partner its agreement's level. Objects
//     without a TLP marking are at the collection's default.
//   - Properties whose granular markings exceed the ceiling are cut out,
//     list items by index; the recipient learns which selectors were.
//   - A sighting's reporter (created_by_ref) and places
//     (where_sighted_refs) are cut out for every recipient that may not
//     receive TLP:RED of it: sightings are shared anonymised.
func Disclose(st Stored, c Collection, readers Group, to Recipient, now time.Time) Disclosure {
	o := st.Object
	h, _ := HandlingOf(o)
	ceiling := TLPAmberStrict
	switch {
	case to.Authority == st.Origin || slices.Contains(h.Recipients, to.Authority):
		ceiling = TLPRed
	case !readers.Has(to.Authority):
		return Disclosure{Withheld: "not a reader of the collection"}
	case to.Partner:
		a := to.Agreement
		switch {
		case a == nil || a.Partner != to.Authority:
			return Disclosure{Withheld: "no agreement with this partner"}
		case !a.InForce(now):
			return Disclosure{Withheld: "agreement " + a.ID + " is past its review date"}
		case !slices.Contains(a.Collections, c.ID):
			return Disclosure{Withheld: "agreement " + a.ID + " does not reach this collection"}
		case !slices.Contains(a.Purposes, to.Purpose):
			return Disclosure{Withheld: "agreement " + a.ID + " does not allow the purpose " + string(to.Purpose)}
		case !slices.Contains(a.Types, o.Type):
			return Disclosure{Withheld: "agreement " + a.ID + " does not cover " + o.Type}
		case h.Restricted():
			return Disclosure{Withheld: "handling code " + h.Code + " keeps it with the collection's readers"}
		case st.FromPartner && !st.Onward:
			return Disclosure{Withheld: "sent by a third-country partner whose agreement forbids onward transfer"}
		}
		ceiling = a.MaxTLP
	case to.Node:
		if h.Restricted() {
			return Disclosure{Withheld: "handling code " + h.Code + " keeps it with the collection's readers"}
		}
		ceiling = TLPAmber
	}
	level, marked := ObjectTLP(o)
	if !marked {
		level = c.DefaultTLP
	}
	if level > ceiling {
		return Disclosure{Withheld: "TLP:" + strings.ToUpper(level.String()) + " is above what this recipient may receive"}
	}
	// A sighting tells who saw what, where: its reporter and places go
	// only to its origin and the recipients its handling names; the
	// others learn that something was seen, how often and when.
	var anonymised []string
	if o.Type == "sighting" && ceiling != TLPRed {
		for _, p := range []string{"created_by_ref", "where_sighted_refs"} {
			if _, ok := o.Props[p]; ok {
				anonymised = append(anonymised, p)
			}
		}
	}
	props, redacted := redact(o.Props, o.Granular, ceiling, anonymised)
	if redacted == nil {
		return Disclosure{Object: o.Raw}
	}
	b, err := json.Marshal(props)
	if err != nil {
		return Disclosure{Withheld: "cannot be redacted"}
	}
	return Disclosure{Object: b, Redacted: redacted}
}

// redact returns a copy of props without the properties and list items
// that granular markings above ceiling select and the properties named
// in also, and those selectors (nil when nothing is cut). The granular
// markings that remain are rewritten to point at the same items after
// list items before them were removed; a selector into something cut
// goes with it.
func redact(props map[string]any, granular []GranularMarking, ceiling TLP, also []string) (map[string]any, []string) {
	var cut [][]selectorStep
	var redacted []string
	for _, p := range also {
		cut = append(cut, []selectorStep{{name: p, index: -1}})
		redacted = append(redacted, p)
	}
	var kept []GranularMarking
	for _, g := range granular {
		if t, ok := tlpMarkings[g.MarkingRef]; ok && t > ceiling {
			for _, s := range g.Selectors {
				if steps, err := parseSelector(s); err == nil {
					cut = append(cut, steps)
					redacted = append(redacted, s)
				}
			}
			continue
		}
		kept = append(kept, g)
	}
	if cut == nil {
		return props, nil
	}
	v := deepCopy(props).(map[string]any)
	// Deeper paths first, and a list's higher indexes before its lower
	// ones: removing an item never moves what is still to be removed.
	order := slices.Clone(cut)
	sort.SliceStable(order, func(i, j int) bool {
		a, b := order[i], order[j]
		if len(a) != len(b) {
			return len(a) > len(b)
		}
		return a[len(a)-1].index > b[len(b)-1].index
	})
	for _, steps := range order {
		v = without(v, steps).(map[string]any)
	}
	var marks []any
	for _, g := range kept {
		var sels []string
		for _, s := range g.Selectors {
			if moved, ok := shift(s, cut); ok {
				sels = append(sels, moved)
			}
		}
		if len(sels) > 0 {
			g.Selectors = sels
			marks = append(marks, g)
		}
	}
	delete(v, "granular_markings")
	if marks != nil {
		v["granular_markings"] = marks
	}
	sort.Strings(redacted)
	return v, redacted
}

// without removes what steps select from v and returns v.
func without(v any, steps []selectorStep) any {
	st := steps[0]
	switch x := v.(type) {
	case map[string]any:
		if st.index >= 0 {
			return x
		}
		if len(steps) == 1 {
			delete(x, st.name)
		} else if c, ok := x[st.name]; ok {
			x[st.name] = without(c, steps[1:])
		}
		return x
	case []any:
		if st.index < 0 || st.index >= len(x) {
			return x
		}
		if len(steps) == 1 {
			return slices.Delete(x, st.index, st.index+1)
		}
		x[st.index] = without(x[st.index], steps[1:])
		return x
	}
	return v
}

// shift rewrites selector s of an item that stays after the items cut
// selects were removed: each list index drops by the number of items cut
// before it in the same list. It reports false when s selects inside
// something cut.
func shift(s string, cut [][]selectorStep) (string, bool) {
	steps, err := parseSelector(s)
	if err != nil {
		return "", false
	}
	out := slices.Clone(steps)
	for _, c := range cut {
		if len(c) > len(steps) || !slices.Equal(c[:len(c)-1], steps[:len(c)-1]) {
			continue
		}
		j := len(c) - 1
		switch {
		case c[j] == steps[j]:
			return "", false
		case c[j].index >= 0 && steps[j].index > c[j].index:
			out[j].index--
		}
	}
	parts := make([]string, len(out))
	for i, st := range out {
		if st.index >= 0 {
			parts[i] = "[" + strconv.Itoa(st.index) + "]"
		} else {
			parts[i] = st.name
		}
	}
	return strings.Join(parts, "."), true
}

// deepCopy copies decoded JSON.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}
