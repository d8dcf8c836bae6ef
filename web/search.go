package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"secunion"
	"secunion/access"
	"secunion/identity"
	"secunion/search"
	"secunion/store"
)

// searchWhat names a search in the audit log's refusals.
const searchWhat = "search the source systems"

// searchForm holds the fields of the search form as typed, to show them
// again with an error.
type searchForm struct {
	Purpose, Justification                           string
	Surname, GivenNames, BirthDate, Sex, Nationality string
	DocumentNumber, DocumentCountry, MRZ             string
}

// searchFormOf reads the search form. Country codes are upper-cased; the
// MRZ is kept as pasted (the parser trims its lines).
func searchFormOf(f url.Values) searchForm {
	get := func(k string) string { return strings.TrimSpace(f.Get(k)) }
	return searchForm{
		Purpose: get("purpose"), Justification: get("justification"),
		Surname: get("surname"), GivenNames: get("given_names"), BirthDate: get("birth_date"),
		Sex: get("sex"), Nationality: strings.ToUpper(get("nationality")),
		DocumentNumber: get("document_number"), DocumentCountry: strings.ToUpper(get("document_country")),
		MRZ: f.Get("mrz"),
	}
}

// query returns the portal query of the form.
func (f searchForm) query() search.Query {
	return search.Query{
		Surname: f.Surname, GivenNames: f.GivenNames, BirthDate: f.BirthDate, Sex: f.Sex,
		Nationality: f.Nationality, DocumentNumber: f.DocumentNumber, DocumentCountry: f.DocumentCountry,
		MRZ: f.MRZ,
	}
}

// formFields are the search form's field names, which the portal's error
// messages start with ("birth_date: …", "mrz: line 2 …").
var formFields = []string{"justification", "surname", "given_names", "birth_date", "sex", "nationality",
	"document_number", "document_country", "mrz"}

// fieldOf returns the form field an error message is about, or "".
func fieldOf(message string) string {
	name, _, _ := strings.Cut(message, ":")
	name, _, _ = strings.Cut(name, " ")
	if slices.Contains(formFields, name) {
		return name
	}
	return ""
}

// searchPurpose is a purpose offered on the search page.
type searchPurpose struct {
	access.Profile
	NeedsJustification bool
}

// searchData is what the search page shows.
type searchData struct {
	Form              searchForm
	Purposes          []searchPurpose
	JustificationRule string
	Invalid           string // the field an error is about, marked on the form
	Summary           string // the summary line of the answers shown
	Answers           []answerView
}

// answerView is one system's answer as shown.
type answerView struct {
	System string // empty for the portal's own failure
	Name   string
	Status string // search.Answered, NoHit, TimedOut or Failed; also a CSS class
	Label  string
	Millis int64
	Error  string
	Hits   []hitView
}

// hitView is one hit with the link to its record page.
type hitView struct {
	search.Hit
	Link string
}

// statusLabels are the words shown for each answer status.
var statusLabels = map[string]string{
	search.Answered: "answered",
	search.NoHit:    "no hit",
	search.TimedOut: "timed out",
	search.Failed:   "failed",
}

// answerViewOf prepares an answer for display; the links to the records
// carry the declaration under which they are opened.
func answerViewOf(a search.Answer, decl access.Declaration) answerView {
	v := answerView{System: a.System, Name: a.System, Status: a.Status, Label: statusLabels[a.Status], Millis: a.Millis, Error: a.Error}
	if v.Name == "" {
		v.Name = "Search portal"
	}
	for _, h := range a.Hits {
		v.Hits = append(v.Hits, hitView{Hit: h, Link: recordLink(h.System, h.RecordID, decl)})
	}
	return v
}

// recordLink returns the path of a record's page for decl.
func recordLink(system, id string, decl access.Declaration) string {
	q := url.Values{"purpose": {string(decl.Purpose)}}
	if decl.Justification != "" {
		q.Set("justification", decl.Justification)
	}
	return "/records/" + url.PathEscape(system) + "/" + url.PathEscape(id) + "?" + q.Encode()
}

// summarize returns the line shown once every system has answered.
func summarize(systems, hits int) string {
	plural := func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %s", n, many)
	}
	return plural(systems, "system", "systems") + " answered, " + plural(hits, "hit", "hits") + "."
}

// searchProfiles returns the profiles under which a may search and read
// records: an officer, for each purpose of its authority's kind that
// consults source systems (link verification reaches records only
// through the links, as in the API).
func searchProfiles(a secunion.Actor) []access.Profile {
	if !a.Has(access.RoleOfficer) {
		return nil
	}
	var out []access.Profile
	for _, p := range access.ProfilesFor(access.Kind(a.AuthorityKind)) {
		if slices.Contains(access.ConsultPurposes, p.Purpose) {
			out = append(out, p)
		}
	}
	return out
}

// mayOpenSearch checks that s may use the search pages; a refusal is
// logged under claimed and shown, and ok is false then.
func (c *Console) mayOpenSearch(w http.ResponseWriter, r *http.Request, s store.Session, claimed access.Declaration, what string) (ok bool) {
	if len(searchProfiles(s.Actor)) == 0 {
		c.deny(w, r, s, claimed, what, "only officers of an authority that may query source systems may search")
		return false
	}
	return true
}

// searchPage shows the search form.
func (c *Console) searchPage(w http.ResponseWriter, r *http.Request, s store.Session) {
	if !c.mayOpenSearch(w, r, s, access.Declaration{}, "open the search page") {
		return
	}
	c.showSearch(w, r, s, http.StatusOK, searchData{}, nil)
}

// showSearch renders the search page with d's form and answers and the
// message of err, if any. The purpose select offers the purposes of the
// user's kind that reach source systems; the first is chosen by default.
func (c *Console) showSearch(w http.ResponseWriter, r *http.Request, s store.Session, status int, d searchData, err error) {
	var strict []string
	for _, p := range searchProfiles(s.Actor) {
		needs := p.Purpose.NeedsJustification()
		d.Purposes = append(d.Purposes, searchPurpose{Profile: p, NeedsJustification: needs})
		if needs {
			strict = append(strict, string(p.Purpose))
		}
	}
	if d.Form.Purpose == "" {
		d.Form.Purpose = string(d.Purposes[0].Purpose)
	}
	d.JustificationRule = "Optional for your purposes; it is kept in the audit log with the search."
	if len(strict) > 0 {
		d.JustificationRule = "Required for " + strings.Join(strict, ", ") +
			": give a case reference or the reason for the access (3 to 500 characters). Optional for the other purposes; it is kept in the audit log."
	}
	v := c.view(&s, "Search", "/search")
	if err != nil {
		v.Error = secunion.MessageOf(err)
		d.Invalid = fieldOf(v.Error)
	}
	v.Data = d
	c.render(w, r, status, "search", v)
}

// startSearch reads a submitted search form, declares its purpose and
// starts the query on the portal, which has logged the consultation when it
// returns. A refused declaration is logged as a denial. On failure the page
// is answered here — the form again with the message and the values typed,
// or a refusal — and ok is false.
func (c *Console) startSearch(w http.ResponseWriter, r *http.Request, s store.Session) (searchForm, access.Declaration, <-chan search.Answer, bool) {
	form := searchFormOf(r.PostForm)
	claimed := access.Declaration{Purpose: secunion.Purpose(form.Purpose), Justification: form.Justification}
	if !c.mayOpenSearch(w, r, s, claimed, searchWhat) {
		return form, claimed, nil, false
	}
	decl, prof, err := access.Declare(s.Actor, form.Purpose, form.Justification)
	if err == nil && !slices.Contains(access.ConsultPurposes, decl.Purpose) {
		err = secunion.Errorf(secunion.Forbidden, "purpose %s does not consult source systems", decl.Purpose)
	}
	var answers <-chan search.Answer
	if err == nil {
		answers, err = c.portal.Search(r.Context(), s.Actor, decl, prof, form.query())
	}
	switch code := secunion.CodeOf(err); {
	case err == nil:
		return form, decl, answers, true
	case decl.Purpose == "" || code == secunion.Forbidden:
		// Refused by Declare, or a purpose that reaches no system.
		if derr := c.db.RecordDenial(r.Context(), s.Actor, claimed, searchWhat, secunion.MessageOf(err)); derr != nil {
			c.fail(w, r, &s, derr)
			return form, claimed, nil, false
		}
		c.showSearch(w, r, s, statusOf(err), searchData{Form: form}, err)
	case code == secunion.Invalid:
		c.showSearch(w, r, s, http.StatusBadRequest, searchData{Form: form}, err)
	default:
		c.fail(w, r, &s, err)
	}
	return form, claimed, nil, false
}

// searchSubmit answers the search form posted without JavaScript: one page
// with every system's answer, in the order of identity.Systems, once the
// last has come.
func (c *Console) searchSubmit(w http.ResponseWriter, r *http.Request, s store.Session) {
	form, decl, answers, ok := c.startSearch(w, r, s)
	if !ok {
		return
	}
	var all []search.Answer
	systems, hits := 0, 0
	for a := range answers {
		all = append(all, a)
		if a.System != "" {
			systems++
		}
		hits += len(a.Hits)
	}
	slices.SortStableFunc(all, func(a, b search.Answer) int { return systemRank(a.System) - systemRank(b.System) })
	d := searchData{Form: form, Summary: summarize(systems, hits)}
	for _, a := range all {
		d.Answers = append(d.Answers, answerViewOf(a, decl))
	}
	c.showSearch(w, r, s, http.StatusOK, d, nil)
}

// systemRank is the place of a system in identity.Systems; the portal's
// own failure (no system) comes last.
func systemRank(system string) int {
	if i := slices.Index(identity.Systems, system); i >= 0 {
		return i
	}
	return len(identity.Systems)
}

// searchStream answers the search form as Server-Sent Events: one "answer"
// event per system as it arrives, its data the answer rendered here as an
// HTML fragment, then a "done" event whose data is the summary line. The
// search page's script (static/search.js) posts the form here; errors come
// back as the page searchSubmit would show, with their status.
func (c *Console) searchStream(w http.ResponseWriter, r *http.Request, s store.Session) {
	_, decl, answers, ok := c.startSearch(w, r, s)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-Accel-Buffering", "no") // a proxy must not hold answers back
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	systems, hits := 0, 0
	// Every answer is read even if the browser went away: the portal logs
	// the hit counts once the last one is taken.
	for a := range answers {
		if a.System != "" {
			systems++
		}
		hits += len(a.Hits)
		writeEvent(w, "answer", c.answerFragment(r, answerViewOf(a, decl)))
		rc.Flush()
	}
	writeEvent(w, "done", summarize(systems, hits))
	rc.Flush()
}

// answerFragment renders one answer as the HTML the search page shows.
func (c *Console) answerFragment(r *http.Request, a answerView) string {
	var buf bytes.Buffer
	if err := c.pages["search"].ExecuteTemplate(&buf, "answer", a); err != nil {
		c.log.Error("web: render answer", "path", r.URL.Path, "system", a.System, "err", err)
		return `<section class="answer failed"><h2>` + template.HTMLEscapeString(a.Name) +
			`</h2><p class="error">This answer could not be shown.</p></section>`
	}
	return buf.String()
}

// sseLines turns any line ending into the one writeEvent splits on.
var sseLines = strings.NewReplacer("\r\n", "\n", "\r", "\n")

// writeEvent writes one Server-Sent Event; each line of data becomes a
// "data:" line, which the client joins again with newlines.
func writeEvent(w io.Writer, event, data string) {
	var b strings.Builder
	b.WriteString("event: " + event + "\n")
	for line := range strings.Lines(sseLines.Replace(data)) {
		b.WriteString("data: " + strings.TrimSuffix(line, "\n") + "\n")
	}
	b.WriteString("\n")
	io.WriteString(w, b.String())
}

// recordData is what the record page shows.
type recordData struct {
	Record identity.Record
	Decl   access.Declaration
}

// recordPage shows one record of a source system with the fields that the
// profile of the declared purpose allows, grouped; the store logs the read
// as a consultation. The purpose and justification come in the query, as
// the links of the search answers carry them.
func (c *Console) recordPage(w http.ResponseWriter, r *http.Request, s store.Session) {
	q := r.URL.Query()
	system, id := r.PathValue("system"), r.PathValue("id")
	claimed := access.Declaration{Purpose: secunion.Purpose(q.Get("purpose")), Justification: q.Get("justification")}
	what := "read record:" + system + "/" + id
	if !c.mayOpenSearch(w, r, s, claimed, what) {
		return
	}
	decl, prof, err := access.Declare(s.Actor, q.Get("purpose"), q.Get("justification"))
	if err == nil && !slices.Contains(access.ConsultPurposes, decl.Purpose) {
		err = secunion.Errorf(secunion.Forbidden, "purpose %s does not consult source systems", decl.Purpose)
	}
	if err != nil {
		c.deny(w, r, s, claimed, what, secunion.MessageOf(err))
		return
	}
	sys, err := identity.ParseSystem(system)
	if err != nil {
		c.fail(w, r, &s, secunion.Errorf(secunion.NotFound, "no such system"))
		return
	}
	var rec identity.Record
	if c.portal != nil && c.portal.Remote(sys) {
		rec, err = c.portal.Record(r.Context(), s.Actor, decl, prof, sys, id)
	} else {
		rec, err = c.db.GetRecord(r.Context(), s.Actor, decl, prof, sys, id)
	}
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	v := c.view(&s, sys+" record "+rec.ID, "/search")
	v.Data = recordData{Record: rec, Decl: decl}
	c.render(w, r, http.StatusOK, "record", v)
}
