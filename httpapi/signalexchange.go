package httpapi

import (
	"fmt"
	"io"
	"iter"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"secunion"
	"secunion/access"
	"secunion/signals"
	"secunion/store"
)

// The exchange of hash lists (DOMAIN.md §5): the change feed of the banks,
// in secunion's form and in Tech Against Terrorism's, whose `after`
// checkpoint another node's or a partner's pull keeps; a whole bank as a
// STIX 2.1 bundle or CSV; and a list imported into a bank.

// The routes that carry a whole list, and the time they are given: a list
// of 512 MiB arrives in it at 0.6 MB/s.
const (
	exportPath          = "/api/v1/signals/banks/{bank}/export"
	importPath          = "/api/v1/signals/banks/{bank}/import"
	listTransferTimeout = 15 * time.Minute
)

// exchangeSchemas are the OpenAPI schemas of the hash-list exchange.
func exchangeSchemas() map[string]any {
	return map[string]any{
		"SignalChange": obj([]string{"change", "updated", "entry"}, map[string]any{"change": integer, "updated": when, "entry": ref("SignalEntry")}),
		"SignalChangePage": obj([]string{"changes", "next"}, map[string]any{"changes": map[string]any{"type": "array", "items": ref("SignalChange")},
			"next": map[string]any{"type": "integer", "description": "the `after` of the next page"}}),
		"TATItem": obj([]string{"id", "hash_digest", "algorithm", "deleted", "created_on", "updated_on"}, map[string]any{
			"id": integer, "hash_digest": str, "algorithm": map[string]any{"type": "string", "enum": []string{"MD5", "SHA256", "SHA512", "PDQ"}},
			"ideology": str, "file_type": str, "deleted": boolean, "created_on": when, "updated_on": when,
			"quality": integer, "entity": str, "behaviour": str}),
		"TATPage": obj([]string{"checkpoint", "next", "results"}, map[string]any{
			"checkpoint": map[string]any{"type": "string", "description": "\"{UTC},{number}\": the `after` of the next page"},
			"next":       map[string]any{"type": []string{"string", "null"}, "description": "the next page's URL when this page is full"},
			"results":    map[string]any{"type": "array", "items": ref("TATItem")}}),
		"SignalImportResult": obj([]string{"bank", "read", "skipped", "added", "enabled", "disabled", "unchanged"}, map[string]any{
			"bank": str, "read": integer, "skipped": integer, "added": integer, "enabled": integer, "disabled": integer, "unchanged": integer}),
	}
}

// feedQuery is a page of the change feed as asked.
type feedQuery struct {
	bank  string
	after int64
	limit int
}

// readFeedQuery reads after, limit and bank.
func readFeedQuery(q url.Values) (feedQuery, error) {
	f := feedQuery{bank: q.Get("bank"), limit: 1000}
	var err error
	if f.after, err = signals.ParseTATAfter(q.Get("after")); err != nil {
		return f, err
	}
	if v := q.Get("limit"); v != "" {
		if f.limit, err = strconv.Atoi(v); err != nil || f.limit < 1 || f.limit > maxSignalPage {
			return f, secunion.Errorf(secunion.Invalid, "limit: give 1 to %d", maxSignalPage)
		}
	}
	if f.bank != "" {
		if err := signals.CheckBankName(f.bank); err != nil {
			return f, err
		}
	}
	return f, nil
}

// feedPage reads the page of the change feed r asks for, for those who
// may look hashes up; false after answering with the error.
func (s *Server) feedPage(w http.ResponseWriter, r *http.Request) (feedQuery, []store.SignalChange, bool) {
	if !s.mayMatch(w, r) {
		return feedQuery{}, nil, false
	}
	f, err := readFeedQuery(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return f, nil, false
	}
	cs, err := s.cfg.DB.SignalChangesAfter(r.Context(), f.bank, f.after, f.limit)
	if err != nil {
		s.fail(w, r, err)
		return f, nil, false
	}
	return f, cs, true
}

// signalChanges answers a page of the change feed in secunion's form.
func (s *Server) signalChanges(w http.ResponseWriter, r *http.Request) {
	f, cs, ok := s.feedPage(w, r)
	if !ok {
		return
	}
	next := f.after
	if len(cs) > 0 {
		next = cs[len(cs)-1].Change
	}
	if cs == nil {
		cs = []store.SignalChange{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"changes": cs, "next": next})
}

// signalChangesTAT answers a page of the change feed in TAT's form: the
// checkpoint is that of the last item, or the one asked after when there
// is nothing new, and `next` is given when the page is full.
func (s *Server) signalChangesTAT(w http.ResponseWriter, r *http.Request) {
	f, cs, ok := s.feedPage(w, r)
	if !ok {
		return
	}
	page := signals.TATPage{Items: make([]signals.Item, len(cs)), Checkpoint: r.URL.Query().Get("after")}
	for i, c := range cs {
		page.Items[i] = c.Item()
	}
	if len(cs) > 0 {
		page.Checkpoint = signals.TATCheckpoint(page.Items[len(cs)-1])
	}
	if len(cs) == f.limit {
		q := r.URL.Query()
		q.Set("after", page.Checkpoint)
		page.Next = (&url.URL{Path: r.URL.Path, RawQuery: q.Encode()}).String()
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if err := signals.WriteTAT(w, page); err != nil {
		s.log.Warn("signals: writing a TAT page", "err", err)
	}
}

// exportPage is how many entries an export reads at a time.
const exportPage = 10_000

// exportBank answers a whole bank as a STIX bundle or CSV, read page by
// page from the change feed as it is written. An entry changed during the
// export may come twice, its older state first; none is left out.
func (s *Server) exportBank(w http.ResponseWriter, r *http.Request) {
	if !s.mayMatch(w, r) {
		return
	}
	bank := r.PathValue("bank")
	format := signals.FormatSTIX
	if v := r.URL.Query().Get("format"); v != "" {
		var err error
		if format, err = signals.ParseFormat(v); err != nil || format == signals.FormatTAT {
			s.fail(w, r, secunion.Errorf(secunion.Invalid, "format: a bank is exported as stix or csv (its TAT form is the paged feed, /api/v1/signals/exchange/tat)"))
			return
		}
	}
	if err := signals.CheckBankName(bank); err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := s.cfg.DB.SignalBankSize(r.Context(), bank)
	switch {
	case err != nil:
		s.fail(w, r, err)
		return
	case n == 0:
		s.fail(w, r, secunion.Errorf(secunion.NotFound, "no bank %s (no entry was ever added to it)", bank))
		return
	case n > signals.MaxListItems:
		s.fail(w, r, secunion.Errorf(secunion.TooLarge, "bank %s holds %d entries, more than a list carries (%d): pull it through /api/v1/signals/exchange/tat", bank, n, signals.MaxListItems))
		return
	}
	var readErr error
	items := func(yield func(signals.Item) bool) {
		for after := int64(0); ; {
			cs, err := s.cfg.DB.SignalChangesAfter(r.Context(), bank, after, exportPage)
			if err != nil || len(cs) == 0 {
				readErr = err
				return
			}
			for _, c := range cs {
				if !yield(c.Item()) {
					return
				}
				after = c.Change
			}
		}
	}
	write, ctype := signals.WriteCSV, "text/csv; charset=utf-8"
	if format == signals.FormatSTIX {
		write = func(w io.Writer, items iter.Seq[signals.Item]) error { return signals.WriteSTIX(w, bank, items) }
		ctype = "application/stix+json;version=2.1"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": bank + "." + map[signals.Format]string{signals.FormatSTIX: "json", signals.FormatCSV: "csv"}[format]}))
	err = write(w, items)
	if err == nil {
		err = readErr
	}
	if err != nil {
		// The status is sent: the list stops short, which its reader
		// sees as malformed.
		s.log.Error("signals: export cut short", "bank", bank, "err", err)
	}
}

// importList imports the list in the body into the bank in the path.
func (s *Server) importList(w http.ResponseWriter, r *http.Request) {
	actor := actorOf(r)
	bank := r.PathValue("bank")
	if !access.CanCurateHashes(actor) {
		// Refused before the list is read; the store audits the refusal.
		_, err := s.cfg.DB.ImportSignals(r.Context(), actor, store.SignalImportInput{Bank: bank})
		s.fail(w, r, err)
		return
	}
	if err := signals.CheckBankName(bank); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := store.CheckListBank(bank); err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	format, err := listFormat(q.Get("format"), r.Header.Get("Content-Type"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	select {
	case s.importing <- struct{}{}:
		defer func() { <-s.importing }()
	default:
		s.fail(w, r, secunion.Errorf(secunion.Unavailable, "another list is being imported on this node: send yours once it is done"))
		return
	}
	body := &bodyReader{r: http.MaxBytesReader(w, r.Body, signals.MaxListBytes)}
	list, err := signals.ReadList(format, body)
	if body.err != nil {
		err = bodyError(body.err, fmt.Sprintf("the list exceeds %d MiB: split it", signals.MaxListBytes>>20), listTransferTimeout)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ref := q.Get("ref")
	if ref == "" {
		ref = fmt.Sprintf("%s list uploaded by %s/%s", format, actor.Authority, actor.Login)
	}
	st, err := s.cfg.DB.ImportSignals(r.Context(), actor, store.SignalImportInput{Bank: bank, Ref: ref, Items: list.Items})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("signals: list imported", "bank", bank, "format", format, "authority", actor.Authority, "read", len(list.Items), "added", st.Added, "disabled", st.Disabled)
	writeJSON(w, http.StatusOK, map[string]any{"bank": bank, "read": len(list.Items), "skipped": list.Skipped,
		"added": st.Added, "enabled": st.Enabled, "disabled": st.Disabled, "unchanged": st.Unchanged})
}

// listFormat is the format named, or else the one the media type says.
func listFormat(name, contentType string) (signals.Format, error) {
	if name != "" {
		return signals.ParseFormat(name)
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	switch mt {
	case "text/csv":
		return signals.FormatCSV, nil
	case "application/stix+json":
		return signals.FormatSTIX, nil
	}
	return "", secunion.Errorf(secunion.Invalid, "format: give format=tat, stix or csv (or send text/csv or application/stix+json)")
}
