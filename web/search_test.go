package web_test

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/audit"
	"secunion/identity"
	"secunion/search"
	"secunion/store"
)

// searchRecords are the records the search tests find: Anna Maria Eriksson
// in SIS and VIS, someone else in VIS.
var searchRecords = []identity.Record{
	{System: access.SIS, ID: "S1",
		Person:    &identity.Person{Surname: "Eriksson", GivenNames: "Anna Maria", BirthDate: "1974-08-12", Sex: "F", Nationalities: []string{"SWE"}},
		Documents: []identity.Document{{Type: "P", Number: "L898902C3", IssuingCountry: "UTO", Expiry: "2030-04-15"}},
		SIS:       &identity.SISAlert{Category: "refusal-of-entry", IssuingState: "SE", Action: "refuse entry"}},
	{System: access.VIS, ID: "V1",
		Person:     &identity.Person{Surname: "Eriksson", GivenNames: "Anna", BirthDate: "1974-08-12", Sex: "F", PlaceOfBirth: "Uppsala"},
		Biometrics: []string{"sbms:face:4711"},
		VIS:        &identity.VisaFile{ApplicationNumber: "VIS-A1", Status: "issued", IssuingState: "IT", ValidUntil: "2027-01-31"}},
	{System: access.VIS, ID: "V2",
		Person: &identity.Person{Surname: "Shevchenko", GivenNames: "Oleksandr", BirthDate: "1985-03-12", Sex: "M"},
		VIS:    &identity.VisaFile{ApplicationNumber: "VIS-A2", Status: "refused", IssuingState: "DE"}},
}

// borderSystems are the systems of the border guards' border-check
// profile, which every border-check search answers for.
var borderSystems = []string{access.SIS, access.VIS, access.EES, access.ETIAS, access.SLTD}

// gate holds back one system's answers until opened.
type gate struct {
	search.Source
	open chan struct{}
	once sync.Once
}

// Search waits for the gate to open, then searches.
func (g *gate) Search(ctx context.Context, q search.Query) ([]search.Hit, error) {
	select {
	case <-g.open:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return g.Source.Search(ctx, q)
}

// release opens the gate; it may be called more than once.
func (g *gate) release() { g.once.Do(func() { close(g.open) }) }

// startSearch is start with the search records stored as the local
// operator and a portal over local sources, wired as cmd/secunion does.
// When gated names a system, that system answers only once the returned
// gate is released (the gate opens at the end of the test anyway).
func startSearch(t *testing.T, gated string) (*env, *gate) {
	t.Helper()
	e := setup(t, secunion.NewFakeClock(time.Now()))
	g := e.withPortal(t, gated)
	e.serve(t, false, false)
	return e, g
}

// withPortal stores the search records and gives e its portal.
func (e *env) withPortal(t *testing.T, gated string) *gate {
	t.Helper()
	ctx := context.Background()
	for _, r := range searchRecords {
		if _, _, err := e.db.PutRecord(ctx, secunion.LocalOperator, access.Declaration{Purpose: secunion.PurposeAdministration}, access.Profile{}, r); err != nil {
			t.Fatal(err)
		}
	}
	index := search.NewIndex()
	if err := e.db.EachRecord(ctx, func(r identity.Record) error { index.Put(r); return nil }); err != nil {
		t.Fatal(err)
	}
	e.portal = &search.Portal{Sources: map[string]search.Source{}, Clock: e.db.Clock(), Audit: e.db.Append, Timeout: time.Minute}
	for _, sys := range identity.Systems {
		e.portal.Sources[sys] = search.Local{System: sys, Index: index, Records: e.db, Clock: e.db.Clock()}
	}
	if gated == "" {
		return nil
	}
	g := &gate{Source: e.portal.Sources[gated], open: make(chan struct{})}
	e.portal.Sources[gated] = g
	t.Cleanup(g.release)
	return g
}

// searchForm is anna's query for Anna Eriksson, born 1974-08-12, at a
// border check. (A surname without the given names scores below
// search.MinName against records that have given names.)
func searchForm() url.Values {
	return url.Values{"purpose": {"border-check"}, "surname": {"Eriksson"}, "given_names": {"Anna"}, "birth_date": {"1974-08-12"}}
}

// answerSection returns the HTML of one system's answer on a page.
func answerSection(body, system string) string {
	return regexp.MustCompile(`<section class="answer [a-z-]+" id="answer-` + regexp.QuoteMeta(system) + `"[\s\S]*?</section>`).FindString(body)
}

var scorePattern = regexp.MustCompile(`<td class="score">([01]\.\d\d)</td>`)

func TestSearchNavigation(t *testing.T) {
	e, _ := startSearch(t, "")
	anna := e.user(t)
	anna.login("anna")
	_, body := anna.get("/")
	if !strings.Contains(body, `<a href="/search">Search</a>`) {
		t.Errorf("a border guard's navigation does not offer the search:\n%s", body)
	}
	resp, body := anna.get("/search")
	wantStatus(t, "search page", resp, body, http.StatusOK)
	for _, want := range []string{
		`<option value="border-check" selected>border-check · SIS, VIS, EES, ETIAS, Interpol-SLTD</option>`,
		`<option value="identity-check">`, `name="justification"`, `id="surname"`, `id="given_names"`,
		`id="birth_date"`, `id="sex"`, `id="nationality"`, `id="document_number"`, `id="document_country"`,
		`<textarea id="mrz" name="mrz"`, `<script src="/static/search.js" defer></script>`,
		`aria-current="page">Search</a>`, "Optional for your purposes",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("search page lacks %s", want)
		}
	}
	// Purposes that reach no source system are not offered.
	if strings.Contains(body, `<option value="administration"`) {
		t.Errorf("search page offers the administration purpose")
	}
	resp, body = anna.get("/static/search.js")
	wantStatus(t, "script", resp, body, http.StatusOK)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") || !strings.Contains(body, "TextDecoderStream") {
		t.Errorf("script: content type %q, body %.60q", ct, body)
	}

	for _, login := range []string{"dpo", "root"} {
		u := e.user(t)
		u.login(login)
		if _, body := u.get("/"); strings.Contains(body, `href="/search"`) {
			t.Errorf("%s's navigation offers the search", login)
		}
		resp, body := u.get("/search")
		wantStatus(t, login+" opening the search page", resp, body, http.StatusForbidden)
		if denials := e.search(t, store.AuditFilter{User: login, Operation: string(audit.OpAccessDenied)}); len(denials) != 1 {
			t.Errorf("refusals of %s in the audit log: %+v, want 1", login, denials)
		}
	}

	// Without a portal there is no search page.
	plain := setup(t, nil)
	plain.serve(t, false, false)
	u := plain.user(t)
	u.login("anna")
	if _, body := u.get("/"); strings.Contains(body, `href="/search"`) {
		t.Errorf("a console without a portal offers the search")
	}
	if resp, _ := u.get("/search"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /search without a portal: status %d, want 404", resp.StatusCode)
	}
}

func TestSearchWithoutScript(t *testing.T) {
	e, _ := startSearch(t, "")
	anna := e.user(t)
	anna.login("anna")
	resp, body := anna.postForm("/search", "/search", searchForm())
	wantStatus(t, "search", resp, body, http.StatusOK)
	for _, sys := range borderSystems {
		if answerSection(body, sys) == "" {
			t.Errorf("no answer of %s on the page", sys)
		}
	}
	for _, sys := range []string{access.Eurodac, access.ECRISTCN, access.Europol} {
		if answerSection(body, sys) != "" {
			t.Errorf("%s, outside the border-check profile, answered", sys)
		}
	}
	sis, vis := answerSection(body, access.SIS), answerSection(body, access.VIS)
	for sys, section := range map[string]string{"SIS": sis, "VIS": vis} {
		if !strings.Contains(section, `class="answer answered"`) || !strings.Contains(section, `<span class="status">answered</span>`) {
			t.Errorf("%s answer not marked answered:\n%s", sys, section)
		}
		if m := scorePattern.FindAllStringSubmatch(section, -1); len(m) != 1 || m[0][1] < "0.75" {
			t.Errorf("%s answer: scores %v, want one hit of at least 0.75:\n%s", sys, m, section)
		}
		if !strings.Contains(section, "<li>date of birth exact</li>") || !strings.Contains(section, "<li>name ") {
			t.Errorf("%s answer does not explain the match:\n%s", sys, section)
		}
	}
	for _, want := range []string{"Eriksson, Anna Maria", "refusal-of-entry · issued by SE", "P L898902C3 · UTO",
		`href="/records/SIS/S1?purpose=border-check"`} {
		if !strings.Contains(sis, want) {
			t.Errorf("SIS hit lacks %q:\n%s", want, sis)
		}
	}
	if !strings.Contains(vis, "VIS-A1 · issued · IT") || strings.Contains(vis, "Shevchenko") {
		t.Errorf("VIS answer: want the visa file of V1 and not V2:\n%s", vis)
	}
	if ees := answerSection(body, access.EES); !strings.Contains(ees, `class="answer no-hit"`) || !strings.Contains(ees, "no hit") {
		t.Errorf("EES answer not marked no hit:\n%s", ees)
	}
	if !strings.Contains(body, "5 systems answered, 2 hits.") || !strings.Contains(body, `name="surname" value="Eriksson"`) {
		t.Errorf("page lacks the summary or the values searched for:\n%s", body)
	}
	// The query and its answers are logged as consultations, without the
	// name in clear.
	entries := e.search(t, store.AuditFilter{User: "anna", Operation: string(audit.OpConsultation)})
	if len(entries) != 2 || entries[0].Results != 2 || entries[0].Purpose != "border-check" ||
		!slices.Contains(entries[1].Objects, "system:VIS") || strings.Contains(entries[0].Detail+entries[1].Detail, "Eriksson") {
		t.Errorf("consultations of anna: %+v; want the query and its 2 hits", entries)
	}
	if found := e.search(t, store.AuditFilter{User: "anna", Value: "Eriksson"}); len(found) == 0 {
		t.Errorf("the supervisor cannot find anna's search by the name searched for")
	}
}

func TestSearchErrorsKeepTheForm(t *testing.T) {
	e, _ := startSearch(t, "")
	anna := e.user(t)
	anna.login("anna")
	badMRZ := "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C35UTO7408122F1204159ZE184226B<<<<<10"
	for _, tc := range []struct {
		name    string
		form    url.Values
		message string
		invalid string   // the field marked
		kept    []string // values shown again
	}{
		{"too broad", url.Values{"purpose": {"identity-check"}, "sex": {"F"}, "nationality": {"swe"}},
			"the query is too broad to be lawful: give a surname, a document number, an MRZ or a biometric template", "",
			[]string{`name="nationality" value="SWE"`, `<option value="F" selected>`, `<option value="identity-check" selected>`}},
		{"impossible date", url.Values{"purpose": {"border-check"}, "surname": {"Eriksson"}, "birth_date": {"1974-02-30"}},
			"birth_date: ", "birth_date", []string{`name="surname" value="Eriksson"`, `value="1974-02-30"`}},
		{"bad MRZ", url.Values{"purpose": {"border-check"}, "mrz": {badMRZ}},
			"mrz: line 2 position 10: check digit of document number is 5, computed 6", "mrz",
			[]string{"ZE184226B&lt;&lt;&lt;&lt;&lt;10</textarea>"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := anna.postForm("/search", "/search", tc.form)
			wantStatus(t, tc.name, resp, body, http.StatusBadRequest)
			if !strings.Contains(body, `<p class="error" id="error" role="alert">`+tc.message) {
				t.Errorf("page lacks the message %q:\n%s", tc.message, body)
			}
			for _, want := range tc.kept {
				if !strings.Contains(body, want) {
					t.Errorf("page does not keep %s", want)
				}
			}
			marked := regexp.MustCompile(`name="(\w+)"[^>]* aria-invalid="true"`).FindAllStringSubmatch(body, -1)
			if tc.invalid == "" && len(marked) != 0 || tc.invalid != "" && (len(marked) != 1 || marked[0][1] != tc.invalid) {
				t.Errorf("fields marked invalid: %v, want %q", marked, tc.invalid)
			}
			if strings.Contains(body, `class="answer`) {
				t.Errorf("a refused query shows answers")
			}
		})
	}
	if got := e.search(t, store.AuditFilter{User: "anna", Operation: string(audit.OpConsultation)}); len(got) != 0 {
		t.Errorf("refused queries were logged as consultations: %+v", got)
	}
}

// event is one Server-Sent Event.
type event struct{ name, data string }

// readEvent reads the next event of an event stream.
func readEvent(r *bufio.Reader) (event, error) {
	var ev event
	var data []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return ev, err
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case line == "":
			ev.data = strings.Join(data, "\n")
			return ev, nil
		case strings.HasPrefix(line, "event: "):
			ev.name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data = append(data, strings.TrimPrefix(line, "data: "))
		}
	}
}

func TestSearchStream(t *testing.T) {
	e, vis := startSearch(t, access.VIS)
	anna := e.user(t)
	anna.login("anna")
	form := searchForm()
	form.Set("csrf", anna.csrf("/search"))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, anna.base+"/search/stream", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := anna.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: status %d, content type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	stream := bufio.NewReader(resp.Body)
	answers := map[string]string{}
	var order []string
	next := func() event {
		t.Helper()
		ev, err := readEvent(stream)
		if err != nil {
			t.Fatalf("after answers of %v: %v", order, err)
		}
		return ev
	}
	answer := func() {
		t.Helper()
		ev := next()
		m := regexp.MustCompile(`^<section class="answer [a-z-]+" id="answer-([A-Za-z-]+)"`).FindStringSubmatch(ev.data)
		if ev.name != "answer" || m == nil {
			t.Fatalf("after answers of %v: event %q with data\n%s\nwant an answer", order, ev.name, ev.data)
		}
		order = append(order, m[1])
		answers[m[1]] = ev.data
	}
	// VIS is held back: the four other answers arrive before it, each in
	// its own event, while the request is still open.
	for range 4 {
		answer()
	}
	if slices.Contains(order, access.VIS) {
		t.Fatalf("VIS answered while held back: %v", order)
	}
	vis.release()
	answer()
	slices.Sort(order)
	if want := slices.Sorted(slices.Values(borderSystems)); !slices.Equal(order, want) {
		t.Errorf("answers of %v, want one of each of %v", order, want)
	}
	if done := next(); done.name != "done" || done.data != "5 systems answered, 2 hits." {
		t.Errorf("last event %q %q, want done with the summary", done.name, done.data)
	}
	if ev, err := readEvent(stream); err == nil {
		t.Errorf("event after done: %+v", ev)
	}
	for _, sys := range []string{access.SIS, access.VIS} {
		if !strings.Contains(answers[sys], "<li>date of birth exact</li>") || !scorePattern.MatchString(answers[sys]) ||
			!strings.Contains(answers[sys], `href="/records/`+sys+`/`) {
			t.Errorf("%s answer lacks the score, explanation or record link:\n%s", sys, answers[sys])
		}
	}
}

func TestSearchNeedsItsToken(t *testing.T) {
	e, _ := startSearch(t, "")
	anna := e.user(t)
	anna.login("anna")
	for _, path := range []string{"/search/stream", "/search"} {
		for _, token := range []string{"", "forged"} {
			form := searchForm()
			form.Set("csrf", token)
			resp, body := anna.post(path, form)
			wantStatus(t, "POST "+path+" with csrf "+token, resp, body, http.StatusForbidden)
			if !strings.Contains(body, "form has expired") {
				t.Errorf("POST %s with csrf %q: page does not say the form expired:\n%s", path, token, body)
			}
		}
	}
	if got := e.search(t, store.AuditFilter{User: "anna", Operation: string(audit.OpConsultation)}); len(got) != 0 {
		t.Errorf("searches without the form's token ran: %+v", got)
	}
}

func TestSearchRefusedPurpose(t *testing.T) {
	e, _ := startSearch(t, "")
	anna := e.user(t)
	anna.login("anna")
	for _, tc := range []struct {
		path, purpose, message string
	}{
		{"/search/stream", "law-enforcement", "authorities of kind border-guard may not act for purpose law-enforcement"},
		{"/search", "law-enforcement", "authorities of kind border-guard may not act for purpose law-enforcement"},
		{"/search/stream", "administration", "purpose administration does not consult source systems"},
		{"/search", "link-verification", "purpose link-verification does not consult source systems"},
	} {
		form := searchForm()
		form.Set("purpose", tc.purpose)
		form.Set("justification", "case 2026/17")
		resp, body := anna.postForm("/search", tc.path, form)
		wantStatus(t, "POST "+tc.path+" for "+tc.purpose, resp, body, http.StatusForbidden)
		if !strings.Contains(body, tc.message) || strings.Contains(body, `class="answer`) {
			t.Errorf("POST %s for %s: page lacks %q or shows answers:\n%s", tc.path, tc.purpose, tc.message, body)
		}
	}
	denials := e.search(t, store.AuditFilter{User: "anna", Operation: string(audit.OpAccessDenied)})
	if len(denials) != 4 {
		t.Fatalf("refusals of anna in the audit log: %+v, want 3", denials)
	}
	last := denials[len(denials)-1] // newest first: the first refusal
	if last.Purpose != "law-enforcement" || last.Justification != "case 2026/17" || !strings.HasPrefix(last.Detail, "search the source systems: ") {
		t.Errorf("refusal entry %+v: want the purpose, justification and what was refused", last)
	}
	if got := e.search(t, store.AuditFilter{User: "anna", Operation: string(audit.OpConsultation)}); len(got) != 0 {
		t.Errorf("refused searches ran: %+v", got)
	}
}

func TestRecordPage(t *testing.T) {
	e, _ := startSearch(t, "")
	anna := e.user(t)
	anna.login("anna")
	resp, body := anna.get("/records/VIS/V1?purpose=border-check")
	wantStatus(t, "record page", resp, body, http.StatusOK)
	for _, want := range []string{
		`<span id="record-id">V1</span>`, "<strong>border-check</strong>",
		`<section class="record" id="record-identity">`, `<dd id="record-surname">Eriksson</dd>`, "<dd>Uppsala</dd>",
		`<section class="record" id="record-documents">`, "<code>sbms:face:4711</code>",
		`<section class="record" id="record-system">`, "<dd>VIS-A1</dd>", "<dd>2027-01-31</dd>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("record page lacks %s", want)
		}
	}
	read := e.search(t, store.AuditFilter{User: "anna", Operation: string(audit.OpConsultation)})
	if len(read) != 1 || !slices.Equal(read[0].Objects, []string{"record:VIS/V1"}) || read[0].Purpose != "border-check" {
		t.Errorf("consultations of anna: %+v, want the read of VIS/V1", read)
	}

	// For an identity check the profile gives identity and document data
	// only.
	resp, body = anna.get("/records/VIS/V1?purpose=identity-check")
	wantStatus(t, "record page for an identity check", resp, body, http.StatusOK)
	if !strings.Contains(body, "Eriksson") || strings.Contains(body, "VIS-A1") || strings.Contains(body, "sbms:face") ||
		!strings.Contains(body, "No VIS data shown for this purpose.") {
		t.Errorf("identity-check record page shows other fields than identity and documents:\n%s", body)
	}

	resp, body = anna.get("/records/VIS/V1?purpose=law-enforcement&justification=case+1")
	wantStatus(t, "record page for a purpose of the police", resp, body, http.StatusForbidden)
	if strings.Contains(body, "Eriksson") {
		t.Errorf("a refused record page shows the record")
	}
	if denials := e.search(t, store.AuditFilter{User: "anna", Operation: string(audit.OpAccessDenied)}); len(denials) != 1 ||
		denials[0].Detail != "read record:VIS/V1: authorities of kind border-guard may not act for purpose law-enforcement" {
		t.Errorf("refusals of anna: %+v, want the refused read", denials)
	}
	for path, status := range map[string]int{
		"/records/VIS/V9?purpose=border-check":     http.StatusNotFound, // no such record
		"/records/Europol/X1?purpose=border-check": http.StatusNotFound, // outside the profile
		"/records/NOPE/X1?purpose=border-check":    http.StatusNotFound,
	} {
		resp, body := anna.get(path)
		wantStatus(t, path, resp, body, status)
	}
}
