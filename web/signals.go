package web

import (
	"io"
	"net/http"
	"strconv"

	"secunion"
	"secunion/access"
	"secunion/signals"
	"secunion/store"
)

// bankPage is how many entries the bank browser shows at a time.
const bankPage = 100

// banksData is what the bank browser shows: every bank's counts and, for
// the bank chosen, a page of its entries, newest first.
type banksData struct {
	Banks   []store.BankSummary
	Held    int // enabled entries in the node's matcher; -1 without one
	Bank    string
	Entries []signals.Entry
	Older   int64 // the "before" of the next page; 0 when none
	Curator bool
}

// seesBanks reports whether a works with the hash banks, as the API
// allows: an officer of a hosting service provider, a competent authority
// or Europol.
func seesBanks(a secunion.Actor) bool { return access.CanMatchHashes(a) && a.Has(access.RoleOfficer) }

// mayMatch answers for users who may not see the hash banks, recording
// the refusal, and returns false.
func (c *Console) mayMatch(w http.ResponseWriter, r *http.Request, s store.Session, what string) bool {
	if seesBanks(s.Actor) {
		return true
	}
	c.deny(w, r, s, access.Declaration{Purpose: secunion.PurposeTerroristContent}, what,
		"the hash banks are for officers of hosting service providers, competent authorities and Europol")
	return false
}

// banks shows the hash banks, and the entries of the bank named in the
// query, page by page.
func (c *Console) banks(w http.ResponseWriter, r *http.Request, s store.Session) {
	if !c.mayMatch(w, r, s, "open the hash banks") {
		return
	}
	d := banksData{Held: -1, Bank: r.URL.Query().Get("bank"), Curator: access.CanCurateHashes(s.Actor)}
	if c.signals != nil {
		d.Held = c.signals.Len()
	}
	var err error
	if d.Banks, err = c.db.SignalBanks(r.Context()); err != nil {
		c.fail(w, r, &s, err)
		return
	}
	if d.Bank != "" {
		before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
		if d.Entries, err = c.db.BankEntries(r.Context(), d.Bank, before, bankPage); err != nil {
			c.fail(w, r, &s, err)
			return
		}
		if len(d.Entries) == bankPage {
			d.Older = d.Entries[len(d.Entries)-1].ID
		}
	}
	v := c.view(&s, "Hash banks", "/signals")
	v.Data = d
	c.render(w, r, http.StatusOK, "signals", v)
}

// setEntryEnabled enables or disables a bank entry from the browser.
func (c *Console) setEntryEnabled(w http.ResponseWriter, r *http.Request, s store.Session) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		c.fail(w, r, &s, secunion.Errorf(secunion.NotFound, "no such bank entry"))
		return
	}
	e, err := c.db.SetSignalEnabled(r.Context(), s.Actor, id, r.PostForm.Get("enabled") == "true")
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	http.Redirect(w, r, "/signals?bank="+e.Bank, http.StatusSeeOther)
}

// lookupData is what the lookup page shows after an upload.
type lookupData struct {
	Name     string
	Hashes   signals.ContentHashes
	PDQ      string
	Distance int
	Note     string
	Matches  []signals.Hit
	Done     bool
}

// lookupPage shows the lookup form: drop an image (or any file) to see
// its hashes and the bank entries it matches.
func (c *Console) lookupPage(w http.ResponseWriter, r *http.Request, s store.Session) {
	if !c.mayMatch(w, r, s, "open the hash lookup") {
		return
	}
	v := c.view(&s, "Hash lookup", "/signals/lookup")
	v.Data = lookupData{Distance: signals.DefaultDistance}
	c.render(w, r, http.StatusOK, "signals_lookup", v)
}

// lookup hashes the uploaded file and looks every hash up, as the API's
// file lookup does: cryptographic hashes exactly, a trusted PDQ hash
// through its eight dihedral variants within the distance.
func (c *Console) lookup(w http.ResponseWriter, r *http.Request, s store.Session) {
	if !c.mayMatch(w, r, s, "look a file up in the hash banks") {
		return
	}
	if c.signals == nil {
		c.fail(w, r, &s, secunion.Errorf(secunion.Unavailable, "this node runs no hash matcher"))
		return
	}
	d := lookupData{Distance: signals.DefaultDistance, Done: true}
	v := c.view(&s, "Hash lookup", "/signals/lookup")
	fail := func(status int, err error) {
		v.Error, v.Data = secunion.MessageOf(err), d
		c.render(w, r, status, "signals_lookup", v)
	}
	if n, err := strconv.Atoi(r.PostForm.Get("distance")); err != nil || n < 0 || n > signals.MaxDistance {
		fail(http.StatusBadRequest, secunion.Errorf(secunion.Invalid, "distance: give a whole number from 0 to %d", signals.MaxDistance))
		return
	} else {
		d.Distance = n
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		fail(http.StatusBadRequest, secunion.Errorf(secunion.Invalid, "choose a file to look up"))
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, signals.MaxImageBytes+1))
	if err == nil {
		d.Name = hdr.Filename
		d.Hashes, err = signals.HashContent(data)
	}
	var ms []signals.Match
	if err == nil {
		ms, d.Note, err = c.signals.LookupContent(d.Hashes, d.Distance)
	}
	if err == nil {
		d.Matches, err = c.db.SignalHits(r.Context(), ms)
	}
	if err != nil {
		fail(statusOf(err), err)
		return
	}
	if d.Hashes.PDQ != nil {
		d.PDQ = d.Hashes.PDQ[signals.Original].String()
	}
	for _, h := range d.Matches {
		c.log.Info("signals: match", "authority", s.Actor.Authority, "algorithm", h.Entry.Algorithm, "entry", h.Entry.ID, "bank", h.Entry.Bank, "distance", h.Distance, "via", "console")
	}
	v.Data = d
	c.render(w, r, http.StatusOK, "signals_lookup", v)
}
