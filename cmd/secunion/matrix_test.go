package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/alerts"
	"secunion/audit"
	"secunion/biometric"
	"secunion/crisis"
	"secunion/identity"
	"secunion/links"
	"secunion/removal"
	"secunion/signals"
	"secunion/store"
	"secunion/store/pgtest"
)

// TestAccessMatrix proves the access model over the whole API surface: for
// every route of /openapi.json (which routes.go generates) × every demo
// user, a service user of another node and nobody × no purpose and each
// purpose, against the demo's own data, whose records, orders and
// incidents belong to other authorities than most callers', it checks the
// status, and that no 2xx answer holds a field category or a source
// system outside the caller's profile for that purpose. The expectations
// are written out by hand in matrixRoutes, from DOMAIN.md and the README,
// never computed by the code under test; a route added without an entry
// fails the test. It runs on SQLite and on PostgreSQL.
func TestAccessMatrix(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		runMatrix(t, func(opts store.Options) (*store.DB, error) { return store.OpenSQLite(context.Background(), dir, opts) })
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := pgtest.DSN(t)
		runMatrix(t, func(opts store.Options) (*store.DB, error) {
			return store.OpenPostgres(context.Background(), dsn, opts)
		})
	})
}

// matrixUser is one caller of the matrix.
type matrixUser struct {
	login string // "" for no token
	kind  access.Kind
	roles []string
	token string
}

// operation is one route as /openapi.json describes it.
type operation struct {
	auth     bool
	roles    []string
	purposes []string
	implied  string // the purpose a call without X-Purpose declares
}

// matrixRoute is the expectation for one route: how to call it and what
// each eligible caller gets.
type matrixRoute struct {
	// path returns the path (and query) to call, making what the call
	// needs; it is called again after every 2xx, which may have used it up.
	path func(f *fixture) string
	// body returns the n-th call's body: JSON, or raw bytes with ctype.
	body  func(f *fixture, n int) any
	ctype string
	// want holds the statuses of eligible callers ("login@purpose=200" or
	// "login=200", separated by spaces); other is everyone else's. A
	// caller is eligible when it holds one of the route's roles and, for a
	// route on personal data, declares a purpose of the route that its
	// authority's kind may declare: the others get 401 or 403 before the
	// route, which the matrix checks too.
	want  string
	other int
}

// status is the status route expects of an eligible caller.
func (m matrixRoute) status(login, purpose string) int {
	for _, w := range strings.Fields(m.want) {
		who, code, _ := strings.Cut(w, "=")
		if who == login+"@"+purpose || who == login {
			n, err := strconv.Atoi(code)
			if err != nil {
				panic("matrix: bad status in " + w)
			}
			return n
		}
	}
	return m.other
}

func runMatrix(t *testing.T, open func(store.Options) (*store.DB, error)) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	keys, err := store.LoadKeys(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	clock := &demoClock{}
	db, err := open(store.Options{Keys: keys, Clock: clock, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	e := env{getenv: func(string) string { return "" }, stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
	tokens, _, _, err := prepareDemo(ctx, db, clock, 150, e)
	if err != nil {
		t.Fatal(err)
	}
	users := []matrixUser{{}}
	for _, d := range demoAuthorities {
		users = append(users, matrixUser{login: d.user.Login, kind: d.authority.Kind, roles: d.user.Roles, token: tokens[d.user.Login]})
	}
	node := matrixUser{login: "node.b", kind: access.KindETIASUnit, roles: []string{access.RoleNode}}
	node.token = matrixUserOf(t, db, access.Authority{Code: "ES-NODE", Name: "ETIAS unit seen from node B", Country: "ES", Kind: node.kind}, node.login, node.roles)
	users = append(users, node)
	f := newFixture(t, db)

	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, serveFlags{addr: "127.0.0.1:0"}, db, keys, slog.New(slog.DiscardHandler), func(a string) { addr <- a })
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve stopped with %v", err)
		}
	}()

	f.checkpointSize() // the node has signed its first checkpoint
	ops := openAPIOperations(t, base)
	table := matrixRoutes()
	var keysSeen []string
	for key := range ops {
		keysSeen = append(keysSeen, key)
	}
	sort.Strings(keysSeen)
	for key := range table {
		if _, ok := ops[key]; !ok {
			t.Errorf("the matrix has an entry for %s, which the API does not have", key)
		}
	}
	purposes := []string{""}
	for _, p := range secunion.Purposes {
		purposes = append(purposes, string(p))
	}
	calls, n := 0, 0
	checked := map[string]bool{}
	for _, key := range keysSeen {
		spec, ok := table[key]
		if !ok {
			t.Errorf("route %s has no entry in the access matrix (matrixRoutes): say who may call it", key)
			continue
		}
		op := ops[key]
		method, _, _ := strings.Cut(key, " ")
		path := spec.path(f)
		for _, u := range users {
			for _, purpose := range purposes {
				n++
				want, byRoute := expectedStatus(op, u, purpose, spec)
				// The first refusal of each caller on each route, before the
				// route (no role, no purpose) and by it, is checked to be
				// audited, and once.
				once := fmt.Sprint(key, " ", u.login, " ", byRoute)
				checkDenial := want == http.StatusForbidden && !checked[once]
				var lastDenial uint64
				if checkDenial {
					checked[once] = true
					lastDenial = f.lastDenial()
				}
				got, body := matrixCall(t, base, method, path, u, purpose, spec, f, n)
				calls++
				if got != want {
					t.Errorf("%s as %s@%s: %d, want %d: %s", key, cmp.Or(u.login, "nobody"), purpose, got, want, secunion.Clip(string(body), 300))
					continue
				}
				if checkDenial {
					if n := f.denialsSince(lastDenial); n != 1 {
						t.Errorf("%s as %s@%s: refused with %d access-denied entries, want 1", key, u.login, purpose, n)
					}
				}
				if got >= 200 && got < 300 && op.auth {
					if leak := leakedFields(op, u, purpose, key, body); leak != "" {
						t.Errorf("%s as %s@%s: %s", key, u.login, purpose, leak)
					}
					path = spec.path(f)
				}
			}
		}
	}
	t.Logf("%d routes, %d calls", len(keysSeen), calls)
}

// expectedStatus is what u gets of a route for purpose, and whether the
// route's entry says so: 401 without a token, 403 without one of the
// route's roles, for a route on personal data 403 without a purpose the
// route takes and u's kind may declare, and otherwise what the route's
// entry says.
func expectedStatus(op operation, u matrixUser, purpose string, spec matrixRoute) (int, bool) {
	if purpose == "" {
		purpose = op.implied
	}
	switch {
	case !op.auth:
	case u.login == "":
		return http.StatusUnauthorized, false
	case !slices.ContainsFunc(op.roles, func(r string) bool { return slices.Contains(u.roles, r) }):
		return http.StatusForbidden, false
	case op.purposes != nil:
		if _, ok := access.ProfileFor(u.kind, secunion.Purpose(purpose)); !ok || !slices.Contains(op.purposes, purpose) {
			return http.StatusForbidden, false
		}
	}
	return spec.status(u.login, purpose), true
}

// matrixCall sends the n-th call of route as u for purpose.
func matrixCall(t *testing.T, base, method, path string, u matrixUser, purpose string, spec matrixRoute, f *fixture, n int) (int, []byte) {
	t.Helper()
	var body io.Reader
	ctype := ""
	if spec.body != nil {
		switch b := spec.body(f, n).(type) {
		case []byte:
			body, ctype = bytes.NewReader(b), spec.ctype
		default:
			data, _ := json.Marshal(b)
			body, ctype = bytes.NewReader(data), "application/json"
		}
	}
	req, _ := http.NewRequest(method, base+path, body)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if u.token != "" {
		req.Header.Set("Authorization", "Bearer "+u.token)
	}
	if purpose != "" {
		req.Header.Set("X-Purpose", purpose)
		req.Header.Set("X-Justification", "case MX-2026/1")
	}
	if slices.Contains(u.roles, access.RoleNode) {
		req.Header.Set("X-On-Behalf-Of", "EU-ETIAS-CU/lena")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

// openAPIOperations reads the routes of the node's /openapi.json.
func openAPIOperations(t *testing.T, base string) map[string]operation {
	t.Helper()
	resp, err := http.Get(base + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var spec struct {
		Paths map[string]map[string]struct {
			Security []map[string]any `json:"security"`
			Roles    []string         `json:"x-roles"`
			Purposes []string         `json:"x-purposes"`
			Implied  string           `json:"x-implied-purpose"`
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&spec); err != nil {
		t.Fatal(err)
	}
	out := map[string]operation{}
	for path, methods := range spec.Paths {
		for m, op := range methods {
			out[strings.ToUpper(m)+" "+path] = operation{auth: len(op.Security) > 0, roles: op.Roles, purposes: op.Purposes, implied: op.Implied}
		}
	}
	return out
}

// categoryKeys are the JSON keys of a record's field categories.
var categoryKeys = map[string]string{
	"person": access.FieldIdentity, "documents": access.FieldDocument, "sltd": access.FieldDocument,
	"biometrics": access.FieldBiometrics, "sis": access.FieldAlert, "vis": access.FieldVisa, "ees": access.FieldEntryExit,
	"etias": access.FieldAuthorisation, "eurodac": access.FieldProtection, "ecris": access.FieldConviction, "europol": access.FieldCriminalIntel,
}

// leakedFields walks a 2xx answer and says what it holds outside u's
// profile for purpose: a field category it does not grant (none at all
// on a route without purposes), or a record of a system it does not
// reach (but for link comparisons, which show the verifier both records).
func leakedFields(op operation, u matrixUser, purpose, key string, body []byte) string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return "" // not JSON: a list export, CSV, or the metrics of no one
	}
	var prof access.Profile
	if op.purposes != nil {
		prof, _ = access.ProfileFor(u.kind, secunion.Purpose(purpose))
	}
	linkView := strings.HasPrefix(key, "GET /api/v1/links/")
	var leak string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			_, isRecord := x["updated"]
			if sys, ok := x["system"].(string); ok && isRecord && x["id"] != nil && !linkView && !prof.Reaches(sys) {
				leak = "a record of " + sys + ", outside the profile"
			}
			for k, val := range x {
				if c, ok := categoryKeys[k]; ok && val != nil && !prof.Grants(c) {
					leak = fmt.Sprintf("field %q (%s), which the profile does not grant", k, c)
				}
				walk(val)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return leak
}

// matrixUserOf creates an authority and a user of it with an API token.
func matrixUserOf(t *testing.T, db *store.DB, a access.Authority, login string, roles []string) string {
	t.Helper()
	ctx, op := context.Background(), secunion.LocalOperator
	if _, err := db.CreateAuthority(ctx, op, a); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateUser(ctx, op, access.User{Login: login, Name: login, Authority: a.Code, Roles: roles}, ""); err != nil {
		t.Fatal(err)
	}
	secret, _, err := db.CreateToken(ctx, op, login, "matrix", 0)
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// fixture makes the objects the matrix calls on: fresh ones for the
// routes that use them up, the demo's own otherwise.
type fixture struct {
	t   *testing.T
	db  *store.DB
	ctx context.Context
	n   int // numbers fresh objects

	sisID    string             // a demo SIS alert, NL-SIRENE's
	template biometric.Template // a demo VIS face template, of a record IT-VISA owns
	order    string             // a demo order of BE-TCO to IE-VIDSHARE
	incident string             // the demo's crisis incident
	link     string             // a yellow link IT-VISA verifies
	entry    int64              // an entry of BE-TCO's bank matrix-bank

	collection  string // the demo hub's collection, FR-PN's and Europol's
	status      string // the status of a POST of Europol's
	hubIncident string // an incident Europol reported in collection
	ras         string // the demo's RAS collection, DE-AA's and FR-VIGINUM's
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	f := &fixture{t: t, db: db, ctx: context.Background()}
	db.EachRecord(f.ctx, func(r identity.Record) error {
		if r.System == access.SIS && f.sisID == "" {
			f.sisID = r.ID
		}
		return nil
	})
	db.EachTemplate(f.ctx, func(tp biometric.Template) error {
		if tp.System == access.VIS && tp.Modality == biometric.Face && f.template.ID == "" {
			f.template = tp
		}
		return nil
	})
	orders, err := db.Orders(f.ctx, demoActor("BE-TCO"), store.OrderFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orders {
		if o.Provider == "IE-VIDSHARE" {
			f.order = o.ID
		}
	}
	incs, err := db.Incidents(f.ctx, demoActor("BE-TCO"))
	if err != nil || len(incs) == 0 {
		t.Fatalf("the demo's incident: %v %v", incs, err)
	}
	f.incident = incs[0].ID
	f.link = f.yellowLink()
	e, _, err := db.AddSignal(f.ctx, demoActor("BE-TCO"), signals.Entry{Bank: "matrix-bank", Algorithm: signals.AlgMD5, Value: md5Hex("matrix entry"), Source: signals.SourceManual})
	if err != nil {
		t.Fatal(err)
	}
	f.entry = e.ID
	cs, err := db.AlertCollections(f.ctx)
	if err != nil || len(cs) != 2 {
		t.Fatalf("the demo's hub: %v %v", cs, err)
	}
	for _, c := range cs {
		if c.Title == demoRASTitle {
			f.ras = c.ID
		} else {
			f.collection = c.ID
		}
	}
	f.status = f.hubObject().ID
	tl, err := db.ReportIncident(f.ctx, demoActor("EU-EUROPOL"), access.Declaration{Purpose: secunion.PurposeAlertSharing}, f.collection,
		alerts.IncidentInput{Title: "Matrix incident", TLP: "amber", Sectors: []string{"banking"}}, alerts.Checker{})
	f.must(err)
	f.hubIncident = tl.Incident.ID
	if _, err := db.CreateAuthority(f.ctx, secunion.LocalOperator, access.Authority{Code: "NZ-POLICE", Name: "New Zealand Police", Country: "XX", Kind: access.KindPartner}); err != nil {
		t.Fatal(err)
	}
	if f.sisID == "" || f.template.ID == "" || f.order == "" {
		t.Fatalf("the demo lacks the matrix's objects: %+v", f)
	}
	return f
}

func (f *fixture) next() int { f.n++; return f.n }

// stixIndicator is a fresh indicator, as a TAXII envelope's JSON.
func stixIndicator(n int) []byte {
	b, _ := json.Marshal(map[string]any{"objects": []any{map[string]any{"type": "indicator", "spec_version": "2.1",
		"id": fmt.Sprintf("indicator--5d2c7a10-3b4e-4f6a-8c9d-%012d", n), "created": "2026-11-30T08:00:00Z", "modified": "2026-11-30T08:00:00Z",
		"pattern": fmt.Sprintf("[domain-name:value = 'matrix-%d.example']", n), "pattern_type": "stix", "valid_from": "2026-11-30T08:00:00Z",
		"object_marking_refs": []string{"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"}}}})
	return b
}

// hubObject has Europol share a fresh indicator in the demo's hub, and
// returns the status of the POST and the indicator's id.
func (f *fixture) hubObject() (st struct{ ID, Object string }) {
	europol := demoActor("EU-EUROPOL")
	decl := access.Declaration{Purpose: secunion.PurposeAlertSharing}
	v, err := f.db.AlertView(f.ctx, europol, decl, f.collection)
	f.must(err)
	n := 1_000_000 + f.next()
	var env struct{ Objects []json.RawMessage }
	json.Unmarshal(stixIndicator(n), &env)
	checked := alerts.Checker{}.Batch(env.Objects)
	status, err := f.db.AddAlertObjects(f.ctx, europol, decl, v, checked.Objects, checked.Failures)
	f.must(err)
	if status.SuccessCount != 1 {
		f.t.Fatalf("the matrix's hub object: %+v", status)
	}
	return struct{ ID, Object string }{status.ID, checked.Objects[0].ID}
}

// rasAlert has DE-AA raise a fresh alert in the demo's RAS collection,
// and returns its id.
func (f *fixture) rasAlert() string {
	st, err := f.db.RaiseRASAlert(f.ctx, demoActor("DE-AA"), access.Declaration{Purpose: secunion.PurposeAlertSharing}, f.ras, rasInput(f.next()), alerts.Checker{})
	f.must(err)
	return st.ID
}

// rasInput is an alert at the RAS's threshold.
func rasInput(n int) alerts.AlertInput {
	return alerts.AlertInput{Title: fmt.Sprintf("Matrix alert %d", n), Threshold: alerts.Threshold,
		Justification: "The access matrix raises it in two Member States.", Techniques: []string{"T0049"}}
}

// supervisor reads the log for the matrix.
var supervisor = secunion.Actor{Login: "matrix.dpo", Authority: "FR-CNIL", AuthorityKind: string(access.KindSupervisory), Roles: []string{access.RoleSupervisor}}

// lastDenial is the number of the newest access-denied entry.
func (f *fixture) lastDenial() uint64 {
	es, err := f.db.SearchAudit(f.ctx, supervisor, access.Declaration{Purpose: secunion.PurposeSupervision}, store.AuditFilter{Operation: string(audit.OpAccessDenied), Limit: 1})
	f.must(err)
	if len(es) == 0 {
		return 0
	}
	return es[0].Seq
}

// denialsSince counts the access-denied entries after seq, up to 3.
func (f *fixture) denialsSince(seq uint64) int {
	es, err := f.db.SearchAudit(f.ctx, supervisor, access.Declaration{Purpose: secunion.PurposeSupervision}, store.AuditFilter{Operation: string(audit.OpAccessDenied), Limit: 3})
	f.must(err)
	n := 0
	for _, e := range es {
		if e.Seq > seq {
			n++
		}
	}
	return n
}

func (f *fixture) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// record stores a fresh record of system owned by owner (nil: the node's
// operator) and returns its ID.
func (f *fixture) record(system string, owner *identity.Owner, biometrics ...string) string {
	return f.store(system, owner, identity.Person{Surname: "Matrixova", GivenNames: "Ida", BirthDate: "1990-01-01"}, nil, biometrics...)
}

// store stores a fresh record of system with person and documents.
func (f *fixture) store(system string, owner *identity.Owner, person identity.Person, docs []identity.Document, biometrics ...string) string {
	id := fmt.Sprintf("MX-%d", f.next())
	r := identity.Record{System: system, ID: id, Owner: owner, Biometrics: biometrics, Person: &person, Documents: docs}
	switch system {
	case access.SIS:
		r.SIS = &identity.SISAlert{Category: "discreet-check", IssuingState: "NL"}
	case access.VIS:
		r.VIS = &identity.VisaFile{ApplicationNumber: id, Status: "issued", IssuingState: "IT"}
	}
	_, _, err := f.db.ImportBatch(f.ctx, []identity.Record{r})
	f.must(err)
	return id
}

var (
	sirene = &identity.Owner{Authority: "NL-SIRENE", Country: "NL"}
	itVisa = &identity.Owner{Authority: "IT-VISA", Country: "IT"}
)

// yellowLink links two fresh VIS records for IT-VISA to verify.
func (f *fixture) yellowLink() string {
	// The same passport under two identities, as the node's own detector
	// finds them too: yellow, for the visa authority of Italy.
	doc := []identity.Document{{Type: "P", Number: fmt.Sprintf("MXP%d", f.n), IssuingCountry: "ITA"}}
	a := links.Ref{System: access.VIS, ID: f.store(access.VIS, itVisa, identity.Person{Surname: "Matrixova", GivenNames: "Ida", BirthDate: "1990-01-01"}, doc)}
	b := links.Ref{System: access.VIS, ID: f.store(access.VIS, itVisa, identity.Person{Surname: "Zellweger", GivenNames: "Quentin", BirthDate: "1962-07-30", Sex: "M"}, doc)}
	l := links.Link{ID: links.ID(a, b), A: a, B: b, Colour: links.Yellow, Reason: "the same travel document with different identity data",
		Evidence: links.Evidence{Document: true, Identity: links.IdentityDiffer}, Trigger: a, Verifier: links.Verifier{Kind: access.KindVisa, State: "IT"}}
	_, _, _, err := f.db.SaveLinks(f.ctx, []links.Run{{Trigger: a, Found: []links.Link{l}}})
	f.must(err)
	return l.ID
}

// template enrols a fresh VIS template of a fresh record IT-VISA owns.
func (f *fixture) freshTemplate() string {
	id := fmt.Sprintf("mx-face-%d", f.next())
	rec := f.record(access.VIS, itVisa, id)
	tp := f.template
	tp.ID, tp.RecordID = id, rec
	_, _, err := f.db.ImportTemplates(f.ctx, []biometric.Template{tp})
	f.must(err)
	return id
}

// freshOrder is a new emergency order of BE-TCO to IE-VIDSHARE, removed
// by the provider when removed is set.
func (f *fixture) freshOrder(removed bool) string {
	o, err := f.db.IssueOrder(f.ctx, demoActor("BE-TCO"), removal.Order{Reference: fmt.Sprintf("MX-%d", f.next()), Provider: "IE-VIDSHARE",
		Items: []removal.Item{{URL: fmt.Sprintf("https://vidshare.example/v/mx%d", f.n)}}, Category: removal.Incitement,
		Reasons: "Calls for attacks on a named group.", Redress: "The administrative court.", Emergency: true, EmergencyJustification: "matrix test"})
	f.must(err)
	if removed {
		_, err = f.db.StepOrder(f.ctx, demoActor("IE-VIDSHARE"), o.ID, removal.Step{Action: removal.Remove})
		f.must(err)
	}
	return o.ID
}

// freshIncident is a new incident declared by BE-TCO, with participants.
func (f *fixture) freshIncident(participants ...string) string {
	inc, err := f.db.DeclareIncident(f.ctx, demoActor("BE-TCO"), crisis.Incident{Title: fmt.Sprintf("Matrix incident %d", f.next()),
		Description: "An incident the access matrix declares."}, participants)
	f.must(err)
	return inc.ID
}

// freshUser is a new officer of FR-PN, or, for admin, the first admin of
// a new authority, invited and not yet enrolled.
func (f *fixture) freshUser(admin bool) string {
	login := fmt.Sprintf("mx.user.%d", f.next())
	u := access.User{Login: login, Name: "Matrix user", Authority: "FR-PN", Roles: []string{access.RoleOfficer}}
	var err error
	if admin {
		u.Authority, u.Roles = f.freshAuthority(), []string{access.RoleAdmin}
		_, _, err = f.db.InviteUser(f.ctx, secunion.LocalOperator, u)
	} else {
		_, err = f.db.CreateUser(f.ctx, secunion.LocalOperator, u, "")
	}
	f.must(err)
	return login
}

// freshAuthority is a new police authority with nobody in it.
func (f *fixture) freshAuthority() string {
	code := fmt.Sprintf("PT-MX%d", f.next())
	_, err := f.db.CreateAuthority(f.ctx, secunion.LocalOperator, access.Authority{Code: code, Name: "Matrix police", Country: "PT", Kind: access.KindPolice})
	f.must(err)
	return code
}

// checkpointSize is the size of the latest signed checkpoint, waiting for
// the node to sign one.
func (f *fixture) checkpointSize() uint64 {
	for range 100 {
		if _, cp, err := f.db.LatestCheckpoint(f.ctx); err == nil && cp.Size > 1 {
			return cp.Size
		}
		time.Sleep(50 * time.Millisecond)
	}
	f.t.Fatal("the node signs no checkpoint")
	return 0
}

func fixed(path string) func(*fixture) string { return func(*fixture) string { return path } }

// The callers the want strings name, by group.
const (
	// consult: every officer or service user with a purpose that consults
	// source systems.
	consult = "border.officer@border-check border.officer@identity-check police.officer@identity-check police.officer@law-enforcement " +
		"sirene.officer@law-enforcement visa.officer@visa-examination etias.officer@travel-authorisation europol.analyst@law-enforcement node.b@travel-authorisation"
	// tcoParties: those who declare terrorist-content.
	tcoParties = "europol.analyst tco.officer ie.tco.officer vidshare.contact picboard.contact"
	// matchers: officers of authorities that use the hash banks.
	matchers = tcoParties
	// rasOutside: the contact points of the Rapid Alert System, who share
	// alerts but read no collection of the law-enforcement hub.
	rasOutside = " de.ras.contact=404 fr.ras.contact=404"
)

// each gives status to each caller of list.
func each(list string, status int) string {
	var b strings.Builder
	for _, w := range strings.Fields(list) {
		fmt.Fprintf(&b, "%s=%d ", w, status)
	}
	return b.String()
}

// matrixRoutes is the expected access to every route, written from
// DOMAIN.md and the README: who gets what, with the demo's data.
func matrixRoutes() map[string]matrixRoute {
	record := func(f *fixture) string { return "/api/v1/systems/SIS/records/" + f.sisID }
	sirenePut := func(f *fixture, _ int) any {
		r, err := f.db.Record(f.ctx, access.SIS, f.sisID)
		f.must(err)
		prof, _ := access.ProfileFor(access.KindSirene, secunion.PurposeLawEnforcement)
		r, _ = identity.View(prof, r)
		r.Owner, r.Updated = nil, time.Time{}
		return r
	}
	face := func(f *fixture, _ int) any {
		return map[string]any{"modality": "face", "vector": f.template.Vector}
	}
	item := []removal.Item{{URL: "https://vidshare.example/v/matrix"}}
	return map[string]matrixRoute{
		// Operations: open to all.
		"GET /healthz":      {path: fixed("/healthz"), other: 200},
		"GET /readyz":       {path: fixed("/readyz"), other: 200},
		"GET /openapi.json": {path: fixed("/openapi.json"), other: 200},

		// The caller, the purposes, the profiles, the authorities: every
		// authenticated user; only administrators create authorities.
		"GET /api/v1/me":                 {path: fixed("/api/v1/me"), other: 200},
		"GET /api/v1/purposes":           {path: fixed("/api/v1/purposes"), other: 200},
		"GET /api/v1/profiles":           {path: fixed("/api/v1/profiles"), other: 200},
		"GET /api/v1/authorities":        {path: fixed("/api/v1/authorities"), other: 200},
		"GET /api/v1/authorities/{code}": {path: fixed("/api/v1/authorities/NL-SIRENE"), other: 200},
		"POST /api/v1/authorities": {path: fixed("/api/v1/authorities"), other: 403, want: "admin=201",
			body: func(f *fixture, n int) any {
				return map[string]any{"code": fmt.Sprintf("PT-NEW%d", n), "name": "New police", "country": "PT", "kind": "police"}
			}},

		// People: admins, for administration; each their own tokens.
		"GET /api/v1/users": {path: fixed("/api/v1/users"), want: "admin@administration=200"},
		// The first admin of a fresh authority: the administrator's to make.
		"POST /api/v1/users": {path: fixed("/api/v1/users"), want: "admin@administration=201",
			body: func(f *fixture, n int) any {
				return map[string]any{"login": fmt.Sprintf("mx.admin.%d", n), "name": "First admin", "authority": f.freshAuthority(), "roles": []string{"admin"}}
			}},
		// A user sees itself; the administrator sees everyone; nobody else
		// learns that a user exists.
		"GET /api/v1/users/{login}": {path: fixed("/api/v1/users/police.officer"), other: 404,
			want: "admin@administration=200 police.officer@administration=200"},
		"POST /api/v1/users/{login}/disable": {path: func(f *fixture) string { return "/api/v1/users/" + f.freshUser(false) + "/disable" }, want: "admin@administration=204"},
		// Re-enabling is the user's own authority's: FR-PN has no admin.
		"POST /api/v1/users/{login}/enable":    {path: func(f *fixture) string { return "/api/v1/users/" + f.freshUser(false) + "/enable" }, other: 403},
		"POST /api/v1/users/{login}/enrolment": {path: func(f *fixture) string { return "/api/v1/users/" + f.freshUser(true) + "/enrolment" }, want: "admin@administration=200"},
		"POST /api/v1/enrolment": {path: fixed("/api/v1/enrolment"), other: 204,
			body: func(f *fixture, n int) any {
				_, e, err := f.db.InviteUser(f.ctx, secunion.LocalOperator, access.User{Login: fmt.Sprintf("mx.new.%d", n), Name: "New", Authority: "FR-PN", Roles: []string{"officer"}})
				f.must(err)
				return map[string]any{"code": e.Code, "password": "a password of the new user"}
			}},
		"GET /api/v1/tokens":  {path: fixed("/api/v1/tokens"), other: 200},
		"POST /api/v1/tokens": {path: fixed("/api/v1/tokens"), other: 201, body: func(*fixture, int) any { return map[string]any{"name": "matrix", "lifetime_days": 1} }},
		// police.officer's own token: it and the administrator revoke it.
		"DELETE /api/v1/tokens/{id}": {other: 403, want: "police.officer=204 admin=204",
			path: func(f *fixture) string {
				_, tok, err := f.db.CreateToken(f.ctx, secunion.LocalOperator, "police.officer", "matrix", 0)
				f.must(err)
				return "/api/v1/tokens/" + tok.ID
			}},

		// The search portal and the source systems: consulting officers and
		// service users, each through its profile.
		"POST /api/v1/search": {path: fixed("/api/v1/search"), want: each(consult, 200),
			body: func(*fixture, int) any { return map[string]any{"surname": "Matrixova", "birth_date": "1990-01-01"} }},
		"GET /api/v1/systems": {path: fixed("/api/v1/systems"), want: each(consult, 200)},
		// Eurodac: not in a border check's profile nor in the SIRENE's.
		"GET /api/v1/systems/{system}/status": {path: fixed("/api/v1/systems/Eurodac/status"), other: 200,
			want: "border.officer@border-check=404 sirene.officer@law-enforcement=404"},
		"GET /api/v1/systems/{system}/records/{id}": {path: record, want: each(consult, 200)},
		// The SIS alert is NL-SIRENE's: the other writers of SIS (police,
		// border guards) may not replace it.
		"PUT /api/v1/systems/{system}/records/{id}": {path: record, body: sirenePut, other: 403, want: "sirene.officer@law-enforcement=200"},
		"DELETE /api/v1/systems/{system}/records/{id}": {other: 403, want: "sirene.officer@law-enforcement=204",
			path: func(f *fixture) string { return "/api/v1/systems/SIS/records/" + f.record(access.SIS, sirene) }},
		// Templates of IT-VISA's VIS records: IT-VISA alone; a profile that
		// does not reach VIS does not see the template exist.
		"PUT /api/v1/templates/{id}": {path: func(f *fixture) string { return "/api/v1/templates/" + f.template.ID }, other: 403,
			want: "visa.officer@visa-examination=200",
			body: func(f *fixture, _ int) any {
				tp := f.template
				return map[string]any{"system": tp.System, "record_id": tp.RecordID, "modality": tp.Modality, "quality": tp.Quality, "vector": tp.Vector}
			}},
		"DELETE /api/v1/templates/{id}": {path: func(f *fixture) string { return "/api/v1/templates/" + f.freshTemplate() }, other: 403,
			want: "visa.officer@visa-examination=204 sirene.officer@law-enforcement=404"},
		// Biometric matching: the profiles that grant biometrics.
		"POST /api/v1/biometric/identify": {path: fixed("/api/v1/biometric/identify"), body: face, other: 403,
			want: "border.officer@border-check=200 visa.officer@visa-examination=200"},
		"POST /api/v1/biometric/verify": {path: fixed("/api/v1/biometric/verify"), other: 403,
			want: "border.officer@border-check=200 visa.officer@visa-examination=200",
			body: func(f *fixture, _ int) any {
				return map[string]any{"modality": "face", "vector": f.template.Vector, "template_id": f.template.ID}
			}},

		// Identity links: each verifier its own queue; a link only to its
		// verifier (IT-VISA), as if it did not exist for the others.
		"GET /api/v1/links/queue": {path: fixed("/api/v1/links/queue"), other: 200},
		"GET /api/v1/links/stats": {path: fixed("/api/v1/links/stats"), other: 200},
		"GET /api/v1/links/{id}":  {path: func(f *fixture) string { return "/api/v1/links/" + f.link }, other: 404, want: "visa.officer@link-verification=200"},
		"POST /api/v1/links/{id}/decision": {path: func(f *fixture) string { return "/api/v1/links/" + f.yellowLink() + "/decision" }, other: 404,
			want: "visa.officer@link-verification=200",
			body: func(*fixture, int) any {
				return map[string]any{"colour": "green", "reason": "two different people sharing a document lawfully"}
			}},

		// Providers and their registration.
		"GET /api/v1/providers": {path: fixed("/api/v1/providers"), other: 200},
		// A registered provider's contact point is its own admins' (none in
		// the demo): not even the administrator may redirect its orders.
		"PUT /api/v1/providers/{code}": {path: fixed("/api/v1/providers/NL-PICBOARD"), other: 403,
			body: func(*fixture, int) any {
				return map[string]any{"name": "PicBoard B.V.", "state": "NL", "phone": "+31 20 555 0199"}
			}},
		"POST /api/v1/providers/{code}/procedure-information": {path: fixed("/api/v1/providers/NL-PICBOARD/procedure-information"), other: 403,
			want: "tco.officer=200 ie.tco.officer=200"},

		// Removal orders: competent authorities issue them; each party sees
		// its orders (the issuer, the provider, the host State's authority).
		"POST /api/v1/removal-orders": {path: fixed("/api/v1/removal-orders"), other: 403, want: "tco.officer=201 ie.tco.officer=201",
			body: func(_ *fixture, n int) any {
				return map[string]any{"reference": fmt.Sprintf("MX-ISSUE-%d", n), "provider": "IE-VIDSHARE", "items": item, "category": "incitement",
					"reasons": "Calls for attacks on a named group.", "redress": "The administrative court.", "emergency": true, "emergency_justification": "matrix test"}
			}},
		"GET /api/v1/removal-orders":             {path: fixed("/api/v1/removal-orders"), other: 200},
		"GET /api/v1/removal-orders/by-provider": {path: fixed("/api/v1/removal-orders/by-provider"), other: 403, want: "tco.officer=200 ie.tco.officer=200"},
		"GET /api/v1/removal-orders/{id}": {path: func(f *fixture) string { return "/api/v1/removal-orders/" + f.order }, other: 404,
			want: "tco.officer=200 vidshare.contact=200 ie.tco.officer=200"},
		// The provider acknowledges; the other parties may not, and the
		// rest do not see the order.
		"POST /api/v1/removal-orders/{id}/steps": {path: func(f *fixture) string { return "/api/v1/removal-orders/" + f.freshOrder(false) + "/steps" }, other: 404,
			want: "vidshare.contact=200 tco.officer=403 ie.tco.officer=403",
			body: func(*fixture, int) any { return map[string]any{"action": "acknowledge"} }},
		"POST /api/v1/removal-orders/{id}/hashes": {path: func(f *fixture) string { return "/api/v1/removal-orders/" + f.freshOrder(true) + "/hashes" }, other: 404,
			want: "tco.officer=200 vidshare.contact=200 ie.tco.officer=403",
			body: func(_ *fixture, n int) any {
				return map[string]any{"hashes": []map[string]any{{"algorithm": "md5", "value": md5Hex(fmt.Sprint("removed ", n))}}}
			}},
		"POST /api/v1/removal-orders/{id}/complaints": {path: func(f *fixture) string { return "/api/v1/removal-orders/" + f.freshOrder(true) + "/complaints" }, other: 404,
			want: "vidshare.contact=201 tco.officer=403 ie.tco.officer=403",
			body: func(*fixture, int) any {
				return map[string]any{"text": "The content provider says the video is news reporting."}
			}},
		"GET /api/v1/complaints": {path: fixed("/api/v1/complaints"), other: 200},
		"POST /api/v1/complaints/{id}/decision": {other: 404, want: "vidshare.contact=200 tco.officer=403 ie.tco.officer=403",
			path: func(f *fixture) string {
				c, err := f.db.RecordComplaint(f.ctx, demoActor("IE-VIDSHARE"), f.freshOrder(true), "The content provider says it is satire.")
				f.must(err)
				return "/api/v1/complaints/" + c.ID + "/decision"
			},
			body: func(*fixture, int) any { return map[string]any{"upheld": false, "reasons": "It calls for violence."} }},
		"POST /api/v1/referrals": {path: fixed("/api/v1/referrals"), other: 403, want: "europol.analyst=201",
			body: func(*fixture, int) any {
				return map[string]any{"provider": "IE-VIDSHARE", "items": item, "reasons": "Propaganda of a listed group."}
			}},
		"GET /api/v1/referrals": {path: fixed("/api/v1/referrals"), other: 200},
		"POST /api/v1/referrals/{id}/assessment": {other: 404, want: "vidshare.contact=200 europol.analyst=403",
			path: func(f *fixture) string {
				ref, err := f.db.Refer(f.ctx, demoActor("EU-EUROPOL"), "IE-VIDSHARE", item, "Propaganda of a listed group.")
				f.must(err)
				return "/api/v1/referrals/" + ref.ID + "/assessment"
			},
			body: func(*fixture, int) any { return map[string]any{"outcome": "removed", "note": "against our terms"} }},
		"POST /api/v1/threat-reports": {path: fixed("/api/v1/threat-reports"), other: 403, want: "vidshare.contact=201 picboard.contact=201",
			body: func(*fixture, int) any {
				return map[string]any{"states": []string{"BE"}, "items": item, "description": "A user announces an attack on a school tomorrow."}
			}},
		"GET /api/v1/threat-reports": {path: fixed("/api/v1/threat-reports"), other: 200},
		"GET /api/v1/exposure":       {path: fixed("/api/v1/exposure"), other: 200},
		// Exposure is the provider's host State's competent authority's.
		"POST /api/v1/providers/{code}/exposure": {path: fixed("/api/v1/providers/IE-VIDSHARE/exposure"), other: 403, want: "ie.tco.officer=200",
			body: func(*fixture, int) any {
				return map[string]any{"exposed": false, "reasons": "Fewer final orders than Art 5(4) needs."}
			}},
		"GET /api/v1/transparency/providers/{code}":   {path: fixed("/api/v1/transparency/providers/IE-VIDSHARE"), other: 200},
		"GET /api/v1/transparency/authorities/{code}": {path: fixed("/api/v1/transparency/authorities/BE-TCO"), other: 200},

		// The audit log: its checkpoints and proofs are for anyone to check;
		// its entries for supervisors, for supervision.
		"GET /api/v1/audit/checkpoint":         {path: fixed("/api/v1/audit/checkpoint"), other: 200},
		"GET /api/v1/audit/checkpoints/{size}": {path: func(f *fixture) string { return fmt.Sprintf("/api/v1/audit/checkpoints/%d", f.checkpointSize()) }, other: 200},
		"GET /api/v1/audit/proofs/inclusion": {path: func(f *fixture) string {
			return fmt.Sprintf("/api/v1/audit/proofs/inclusion?seq=1&size=%d", f.checkpointSize())
		}, other: 200},
		"GET /api/v1/audit/proofs/consistency": {path: func(f *fixture) string {
			return fmt.Sprintf("/api/v1/audit/proofs/consistency?from=1&to=%d", f.checkpointSize())
		}, other: 200},
		"POST /api/v1/audit/search": {path: fixed("/api/v1/audit/search"), want: "dpo.supervisor@data-protection-supervision=200",
			body: func(*fixture, int) any { return map[string]any{"user": "police.officer", "limit": 5} }},
		"POST /api/v1/audit/verify": {path: fixed("/api/v1/audit/verify"), other: 200},

		// Hash signals: the authorities that use the banks; only competent
		// authorities and Europol curate them.
		"GET /api/v1/signals/lookup": {path: fixed("/api/v1/signals/lookup?algorithm=md5&value=" + md5Hex("x")), other: 403, want: each(matchers, 200)},
		"POST /api/v1/signals/lookup": {path: fixed("/api/v1/signals/lookup"), other: 403, want: each(matchers, 200),
			body: func(*fixture, int) any { return []byte("an uploaded file") }, ctype: "application/octet-stream"},
		"POST /api/v1/signals/hash": {path: fixed("/api/v1/signals/hash"), other: 403, want: each(matchers, 200),
			body: func(*fixture, int) any { return []byte("an uploaded file") }, ctype: "application/octet-stream"},
		"POST /api/v1/signals/compare": {path: fixed("/api/v1/signals/compare"), other: 403, want: each(matchers, 200),
			body: func(*fixture, int) any {
				return map[string]any{"algorithm": "md5", "pairs": [][2]string{{md5Hex("a"), md5Hex("b")}}}
			}},
		"POST /api/v1/signals/banks/{bank}/entries": {path: fixed("/api/v1/signals/banks/matrix-bank/entries"), other: 403,
			want: "europol.analyst=201 tco.officer=201 ie.tco.officer=201",
			body: func(_ *fixture, n int) any {
				return map[string]any{"algorithm": "md5", "value": md5Hex(fmt.Sprint("added ", n)), "source": "manual"}
			}},
		"POST /api/v1/signals/entries/{id}/enabled": {path: func(f *fixture) string { return fmt.Sprintf("/api/v1/signals/entries/%d/enabled", f.entry) }, other: 403,
			want: "europol.analyst=200 tco.officer=200 ie.tco.officer=200",
			body: func(*fixture, int) any { return map[string]any{"enabled": true} }},
		"GET /api/v1/signals/entries":             {path: fixed("/api/v1/signals/entries"), other: 403, want: each(matchers, 200)},
		"GET /api/v1/signals/index":               {path: fixed("/api/v1/signals/index"), other: 403, want: each(matchers, 200)},
		"GET /api/v1/signals/changes":             {path: fixed("/api/v1/signals/changes"), other: 403, want: each(matchers, 200)},
		"GET /api/v1/signals/exchange/tat":        {path: fixed("/api/v1/signals/exchange/tat"), other: 403, want: each(matchers, 200)},
		"GET /api/v1/signals/banks/{bank}/export": {path: fixed("/api/v1/signals/banks/tco-removed/export"), other: 403, want: each(matchers, 200)},
		"POST /api/v1/signals/banks/{bank}/import": {path: fixed("/api/v1/signals/banks/matrix-list/import"), other: 403,
			want: "europol.analyst=200 tco.officer=200 ie.tco.officer=200", ctype: "text/csv",
			body: func(_ *fixture, n int) any {
				return []byte("algorithm,value\nmd5," + md5Hex(fmt.Sprint("listed ", n)) + "\n")
			}},

		// The alert hub over TAXII: officers of the kinds that share alerts
		// (police, Europol) with or without X-Purpose (a TAXII client
		// declares alert-sharing by calling); the demo's collection is
		// FR-PN's and Europol's. Only the origin deletes its object, and
		// reads the status of its POST. A SIRENE bureau may declare law
		// enforcement but reads no collection here: it learns nothing.
		"GET /taxii2/":                               {path: fixed("/taxii2/"), other: 200},
		"GET /taxii2/hub/":                           {path: fixed("/taxii2/hub/"), other: 200},
		"GET /taxii2/hub/collections/":               {path: fixed("/taxii2/hub/collections/"), other: 200},
		"GET /taxii2/hub/collections/{id}/":          {path: func(f *fixture) string { return "/taxii2/hub/collections/" + f.collection + "/" }, other: 200, want: "sirene.officer@law-enforcement=404" + rasOutside},
		"GET /taxii2/hub/collections/{id}/objects/":  {path: func(f *fixture) string { return "/taxii2/hub/collections/" + f.collection + "/objects/?limit=20" }, other: 200, want: "sirene.officer@law-enforcement=404" + rasOutside},
		"GET /taxii2/hub/collections/{id}/manifest/": {path: func(f *fixture) string { return "/taxii2/hub/collections/" + f.collection + "/manifest/?limit=20" }, other: 200, want: "sirene.officer@law-enforcement=404" + rasOutside},
		"POST /taxii2/hub/collections/{id}/objects/": {path: func(f *fixture) string { return "/taxii2/hub/collections/" + f.collection + "/objects/" }, other: 202, want: "sirene.officer@law-enforcement=404" + rasOutside,
			ctype: alerts.MediaType, body: func(_ *fixture, n int) any { return stixIndicator(n) }},
		"GET /taxii2/hub/collections/{id}/objects/{object}/": {path: func(f *fixture) string {
			return "/taxii2/hub/collections/" + f.collection + "/objects/" + f.hubObject().Object + "/"
		}, other: 200, want: "sirene.officer@law-enforcement=404" + rasOutside},
		"GET /taxii2/hub/collections/{id}/objects/{object}/versions/": {path: func(f *fixture) string {
			return "/taxii2/hub/collections/" + f.collection + "/objects/" + f.hubObject().Object + "/versions/"
		}, other: 200, want: "sirene.officer@law-enforcement=404" + rasOutside},
		"DELETE /taxii2/hub/collections/{id}/objects/{object}/": {path: func(f *fixture) string {
			return "/taxii2/hub/collections/" + f.collection + "/objects/" + f.hubObject().Object + "/"
		}, other: 403, want: "europol.analyst=200 sirene.officer@law-enforcement=404" + rasOutside},
		"GET /taxii2/hub/status/{status}/": {path: func(f *fixture) string { return "/taxii2/hub/status/" + f.status + "/" }, other: 200, want: "police.officer=404 sirene.officer@law-enforcement=404" + rasOutside},
		// Correlation and search answer every caller that may share
		// alerts, each within what it may see.
		"GET /api/v1/alerts/correlate": {path: fixed("/api/v1/alerts/correlate?value=198.18.0.1"), other: 200},
		"GET /api/v1/alerts/search":    {path: fixed("/api/v1/alerts/search?q=threat+report"), other: 200},

		// The hub's sharing scopes: the administrator's.
		"GET /api/v1/alerts/groups":      {path: fixed("/api/v1/alerts/groups"), want: "admin@administration=200"},
		"GET /api/v1/alerts/collections": {path: fixed("/api/v1/alerts/collections"), want: "admin@administration=200"},
		"GET /api/v1/alerts/agreements":  {path: fixed("/api/v1/alerts/agreements"), want: "admin@administration=200"},
		"PUT /api/v1/alerts/groups/{name}": {path: fixed("/api/v1/alerts/groups/matrix-group"), want: "admin@administration=200",
			body: func(*fixture, int) any { return map[string]any{"members": []string{"FR-PN"}} }},
		"POST /api/v1/alerts/collections": {path: fixed("/api/v1/alerts/collections"), want: "admin@administration=200",
			body: func(*fixture, int) any {
				return map[string]any{"title": "Matrix collection", "readers": "law-enforcement", "writers": "law-enforcement"}
			}},
		"PUT /api/v1/alerts/agreements/{id}": {path: fixed("/api/v1/alerts/agreements/eu-nz"), want: "admin@administration=200",
			body: func(f *fixture, _ int) any {
				return map[string]any{"title": "EU–NZ", "partner": "NZ-POLICE", "purposes": []string{"alert-sharing"}, "types": []string{"indicator"},
					"max_tlp": "green", "collections": []string{f.collection}, "review": "2027-12-31T00:00:00Z"}
			}},
		// The Rapid Alert System: people of the contact points that read
		// and write the RAS collection (DE-AA, FR-VIGINUM), for alert
		// sharing; the other officers who share alerts (police, Europol)
		// do not see it. An alert is acknowledged once per contact point
		// (its raiser by raising) and closed by its raiser alone.
		"GET /api/v1/alerts/ras/{collection}/dashboard": {path: func(f *fixture) string { return "/api/v1/alerts/ras/" + f.ras + "/dashboard?days=30" }, other: 404,
			want: "de.ras.contact=200 fr.ras.contact=200"},
		"POST /api/v1/alerts/ras/{collection}/alerts": {path: func(f *fixture) string { return "/api/v1/alerts/ras/" + f.ras + "/alerts" }, other: 404,
			want: "de.ras.contact=201 fr.ras.contact=201", body: func(_ *fixture, n int) any { return rasInput(n) }},
		"GET /api/v1/alerts/ras/{collection}/alerts/{id}": {path: func(f *fixture) string { return "/api/v1/alerts/ras/" + f.ras + "/alerts/" + f.rasAlert() }, other: 404,
			want: "de.ras.contact=200 fr.ras.contact=200"},
		"POST /api/v1/alerts/ras/{collection}/alerts/{id}/acknowledgements": {path: func(f *fixture) string {
			return "/api/v1/alerts/ras/" + f.ras + "/alerts/" + f.rasAlert() + "/acknowledgements"
		}, other: 404, want: "de.ras.contact=200 fr.ras.contact=201"},
		"POST /api/v1/alerts/ras/{collection}/alerts/{id}/close": {path: func(f *fixture) string {
			return "/api/v1/alerts/ras/" + f.ras + "/alerts/" + f.rasAlert() + "/close"
		}, other: 404, want: "de.ras.contact=200 fr.ras.contact=403", body: func(*fixture, int) any { return map[string]any{"reason": "the matrix closes it"} }},
		// Incident reports in the demo hub's collection: its writers (FR-PN,
		// Europol) report and update; the contact points do not see it.
		"POST /api/v1/alerts/incidents/{collection}": {path: func(f *fixture) string { return "/api/v1/alerts/incidents/" + f.collection }, other: 404,
			want: "police.officer=201 europol.analyst=201", body: func(_ *fixture, n int) any {
				return map[string]any{"title": fmt.Sprintf("Matrix incident %d", n), "tlp": "green", "sectors": []string{"health"},
					"iocs": []map[string]any{{"pattern": fmt.Sprintf("[domain-name:value = 'incident-%d.example']", n)}}}
			}},
		"POST /api/v1/alerts/incidents/{collection}/{id}/updates": {path: func(f *fixture) string {
			return "/api/v1/alerts/incidents/" + f.collection + "/" + f.hubIncident + "/updates"
		}, other: 404, want: "police.officer=201 europol.analyst=201", body: func(*fixture, int) any { return map[string]any{"text": "An update of the matrix."} }},
		"GET /api/v1/alerts/incidents/{collection}/{id}/timeline": {path: func(f *fixture) string {
			return "/api/v1/alerts/incidents/" + f.collection + "/" + f.hubIncident + "/timeline"
		}, other: 404, want: "police.officer=200 europol.analyst=200"},

		// The EU Crisis Protocol: competent authorities and Europol declare;
		// the participants (BE-TCO, Europol and the two providers in the
		// demo's incident) see and share; IE-CNAM, not one, sees nothing.
		"POST /api/v1/crisis/incidents": {path: fixed("/api/v1/crisis/incidents"), other: 403, want: "europol.analyst=201 tco.officer=201 ie.tco.officer=201",
			body: func(*fixture, int) any {
				return map[string]any{"title": "A matrix incident", "description": "An incident declared by the access matrix."}
			}},
		"GET /api/v1/crisis/incidents":               {path: fixed("/api/v1/crisis/incidents"), other: 200},
		"GET /api/v1/crisis/incidents/{id}":          {path: func(f *fixture) string { return "/api/v1/crisis/incidents/" + f.incident }, other: 200, want: "ie.tco.officer=404"},
		"GET /api/v1/crisis/incidents/{id}/timeline": {path: func(f *fixture) string { return "/api/v1/crisis/incidents/" + f.incident + "/timeline" }, other: 200, want: "ie.tco.officer=404"},
		"GET /api/v1/crisis/incidents/{id}/shared":   {path: func(f *fixture) string { return "/api/v1/crisis/incidents/" + f.incident + "/shared" }, other: 200, want: "ie.tco.officer=404"},
		"POST /api/v1/crisis/incidents/{id}/steps": {path: func(f *fixture) string { return "/api/v1/crisis/incidents/" + f.incident + "/steps" }, other: 200,
			want: "ie.tco.officer=404", body: func(*fixture, int) any {
				return map[string]any{"action": "note", "text": "A note of the access matrix."}
			}},
		"POST /api/v1/crisis/incidents/{id}/hashes": {path: func(f *fixture) string { return "/api/v1/crisis/incidents/" + f.incident + "/hashes" }, other: 201,
			want: "ie.tco.officer=404", body: func(_ *fixture, n int) any {
				return map[string]any{"algorithm": "md5", "value": md5Hex(fmt.Sprint("shared ", n))}
			}},
		"POST /api/v1/crisis/incidents/{id}/urls": {path: func(f *fixture) string { return "/api/v1/crisis/incidents/" + f.incident + "/urls" }, other: 201,
			want: "ie.tco.officer=404", body: func(_ *fixture, n int) any {
				return map[string]any{"url": fmt.Sprintf("https://vidshare.example/v/copy%d", n)}
			}},
		// A fresh incident of BE-TCO: its coordinators (BE-TCO, Europol) add
		// and remove participants; a member may not; others do not see it.
		"POST /api/v1/crisis/incidents/{id}/participants": {path: func(f *fixture) string { return "/api/v1/crisis/incidents/" + f.freshIncident() + "/participants" }, other: 404,
			want: "tco.officer=204 europol.analyst=204", body: func(*fixture, int) any { return map[string]any{"authority": "IE-CNAM"} }},
		"DELETE /api/v1/crisis/incidents/{id}/participants/{code}": {other: 404, want: "tco.officer=204 europol.analyst=204 picboard.contact=403",
			path: func(f *fixture) string {
				return "/api/v1/crisis/incidents/" + f.freshIncident("NL-PICBOARD") + "/participants/NL-PICBOARD"
			}},
		"GET /api/v1/crisis/notifications": {path: fixed("/api/v1/crisis/notifications"), other: 200},
	}
}
