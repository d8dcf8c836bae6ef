package web

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"secunion"
	"secunion/access"
	"secunion/audit"
	"secunion/store"
)

// auditPage is how many entries the audit page shows at once.
const auditPage = 100

// auditData is what the audit page shows.
type auditData struct {
	Checkpoint      *checkpointView
	CheckpointError string
	Filter          auditFilterForm
	Purposes        []secunion.Purpose
	Entries         []audit.Entry
	Older           string // link to the next page of older entries, if any
	Verified        bool   // a verification ran
	VerifyOK        bool
	VerifyResult    string
}

// checkpointView is the latest signed checkpoint.
type checkpointView struct {
	Size uint64
	Root string // hex
	Time time.Time
	Note string // the signed note as stored
}

// auditFilterForm holds the filter fields as typed.
type auditFilterForm struct {
	Authority, User, Operation, Purpose, From, To string
}

const dateLayout = "2006-01-02"

// parse turns the fields into a store filter. To is a whole day: entries
// up to its end are included.
func (f auditFilterForm) parse() (store.AuditFilter, error) {
	sf := store.AuditFilter{Authority: f.Authority, User: f.User, Operation: f.Operation, Limit: auditPage}
	if f.Purpose != "" {
		p, err := secunion.ParsePurpose(f.Purpose)
		if err != nil {
			return sf, err
		}
		sf.Purpose = string(p)
	}
	for _, d := range []struct {
		name, text string
		dst        *time.Time
		add        int
	}{{"from", f.From, &sf.From, 0}, {"to", f.To, &sf.To, 1}} {
		if d.text == "" {
			continue
		}
		t, err := time.Parse(dateLayout, d.text)
		if err != nil {
			return sf, secunion.Errorf(secunion.Invalid, "%s: give a date as YYYY-MM-DD", d.name)
		}
		*d.dst = t.AddDate(0, 0, d.add)
	}
	if !sf.From.IsZero() && !sf.To.IsZero() && !sf.From.Before(sf.To) {
		return sf, secunion.Errorf(secunion.Invalid, "the period ends before it starts")
	}
	return sf, nil
}

// values returns the filter as query parameters, for paging links.
func (f auditFilterForm) values() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"authority": f.Authority, "user": f.User, "operation": f.Operation,
		"purpose": f.Purpose, "from": f.From, "to": f.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// supervisionDecl is the declaration under which supervisors read the log.
var supervisionDecl = access.Declaration{Purpose: secunion.PurposeSupervision}

// declareSupervision checks that s's authority may act for data-protection
// supervision; a refusal is logged and shown, and ok is false then.
func (c *Console) declareSupervision(w http.ResponseWriter, r *http.Request, s store.Session, what string) (access.Declaration, bool) {
	decl, _, err := access.Declare(s.Actor, string(secunion.PurposeSupervision), "")
	if err != nil {
		c.deny(w, r, s, supervisionDecl, what, secunion.MessageOf(err))
		return decl, false
	}
	return decl, true
}

// auditLog shows the latest checkpoint and the entries that match the
// filter, newest first. The search is itself logged by the store.
func (c *Console) auditLog(w http.ResponseWriter, r *http.Request, s store.Session) {
	decl, ok := c.declareSupervision(w, r, s, "open the audit log")
	if !ok {
		return
	}
	q := r.URL.Query()
	form := auditFilterForm{
		Authority: strings.TrimSpace(q.Get("authority")), User: strings.TrimSpace(q.Get("user")),
		Operation: strings.TrimSpace(q.Get("operation")), Purpose: q.Get("purpose"),
		From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to")),
	}
	filter, err := form.parse()
	if err == nil && q.Get("before") != "" {
		filter.Before, err = strconv.ParseUint(q.Get("before"), 10, 64)
		if err != nil {
			err = secunion.Errorf(secunion.Invalid, "before: give an entry number")
		}
	}
	d := auditData{Filter: form}
	if err != nil {
		c.showAudit(w, r, s, http.StatusBadRequest, d, err)
		return
	}
	d.Entries, err = c.db.SearchAudit(r.Context(), s.Actor, decl, filter)
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	if len(d.Entries) == auditPage {
		older := form.values()
		older.Set("before", strconv.FormatUint(d.Entries[len(d.Entries)-1].Seq, 10))
		d.Older = "/audit?" + older.Encode()
	}
	c.showAudit(w, r, s, http.StatusOK, d, nil)
}

// verifyAudit replays the whole log against its signed checkpoints and
// shows the outcome above the newest entries.
func (c *Console) verifyAudit(w http.ResponseWriter, r *http.Request, s store.Session) {
	decl, ok := c.declareSupervision(w, r, s, "verify the audit log")
	if !ok {
		return
	}
	if !s.Actor.Has(access.RoleSupervisor) {
		c.deny(w, r, s, decl, "verify the audit log", "only supervisors may verify the audit log")
		return
	}
	ctx := r.Context()
	d := auditData{Verified: true}
	report, err := c.db.VerifyAuditAs(ctx, s.Actor, c.verifier)
	var failure *audit.Failure
	switch {
	case errors.As(err, &failure):
		d.VerifyResult = "The log does NOT verify: " + failure.Error()
	case err != nil:
		c.fail(w, r, &s, err)
		return
	case report.Latest == nil:
		d.VerifyOK = true
		d.VerifyResult = fmt.Sprintf("The log verifies: %d entries, no signed checkpoint yet", report.Entries)
	default:
		d.VerifyOK = true
		d.VerifyResult = fmt.Sprintf("The log verifies: %d entries, latest checkpoint of size %d", report.Entries, report.Latest.Size)
	}
	d.Entries, err = c.db.SearchAudit(ctx, s.Actor, decl, store.AuditFilter{Limit: auditPage})
	if err != nil {
		c.fail(w, r, &s, err)
		return
	}
	c.showAudit(w, r, s, http.StatusOK, d, nil)
}

// showAudit renders the audit page with the latest checkpoint. A checkpoint
// that cannot be read is reported on the page rather than hiding the
// entries, which a supervisor needs most when the log is damaged.
func (c *Console) showAudit(w http.ResponseWriter, r *http.Request, s store.Session, status int, d auditData, refused error) {
	text, cp, err := c.db.LatestCheckpoint(r.Context())
	switch {
	case err != nil:
		c.log.Error("web: latest checkpoint", "err", err)
		d.CheckpointError = secunion.MessageOf(err)
	case text != "":
		d.Checkpoint = &checkpointView{Size: cp.Size, Root: hex.EncodeToString(cp.Root[:]), Time: cp.Time, Note: text}
	}
	d.Purposes = secunion.Purposes
	v := c.view(&s, "Audit log", "/audit")
	if refused != nil {
		v.Error = secunion.MessageOf(refused)
	}
	v.Data = d
	c.render(w, r, status, "audit", v)
}
