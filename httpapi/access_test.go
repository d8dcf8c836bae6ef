package httpapi_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/audit"
	"secunion/identity"
	"secunion/links"
	"secunion/search"
	"secunion/store"
)

// The regression tests of the access model, each named after what it
// protects; the route × user × purpose matrix is in cmd/secunion
// (TestAccessMatrix), over the demo's own data.

// seededSIS is an SIS alert with biometrics, owned by NL-SIRENE.
func seededSIS(id string) identity.Record {
	return identity.Record{System: access.SIS, ID: id,
		Person:     &identity.Person{Surname: "Kowalczyk", GivenNames: "Marta", BirthDate: "1981-03-09", Sex: "F", Nationalities: []string{"POL"}},
		Documents:  []identity.Document{{Type: "P", Number: "EK4411973", IssuingCountry: "POL"}},
		Biometrics: []string{"face-" + id},
		SIS:        &identity.SISAlert{Category: "discreet-check", IssuingState: "NL"},
		Owner:      &identity.Owner{Authority: "NL-SIRENE", Country: "NL"}}
}

// recordsEnv is a node whose portal holds a seeded SIS alert owned by
// NL-SIRENE, with the authorities of the review's findings: a SIRENE
// bureau (sanne), the police (camille), the border guard (anna) and an
// admin of the border guard who holds no other role (bpol.admin).
func recordsEnv(t *testing.T) *apiEnv {
	t.Helper()
	e := newAPI(t)
	e.add(t, []access.Authority{
		{Code: "NL-SIRENE", Name: "SIRENE NL", Country: "NL", Kind: access.KindSirene},
		{Code: "FR-PN", Name: "Police nationale", Country: "FR", Kind: access.KindPolice},
	}, []access.User{
		{Login: "sanne", Name: "Sanne", Authority: "NL-SIRENE", Roles: []string{access.RoleOfficer}},
		{Login: "camille", Name: "Camille", Authority: "FR-PN", Roles: []string{access.RoleOfficer}},
		{Login: "bpol.admin", Name: "BPOL admin", Authority: "DE-BPOL", Roles: []string{access.RoleAdmin}},
	})
	srv := httptest.NewServer(e.withPortal(t, []identity.Record{seededSIS("S-SEED")}, nil, 0))
	t.Cleanup(srv.Close)
	e.srv = srv
	return e
}

var (
	lawEnforcement = map[string]string{"X-Purpose": "law-enforcement", "X-Justification": "case 2026/77"}
	identityCheck  = map[string]string{"X-Purpose": "identity-check"}
)

// newSIS is an alert as a SIRENE bureau enters it: no biometrics, which
// its profile does not grant.
func newSIS(id string) identity.Record {
	r := seededSIS(id)
	r.Biometrics, r.Owner = nil, nil
	return r
}

// TestOnlyTheOwnerChangesARecord: the authority that created a record
// alone replaces or erases it; other writers of that kind are refused,
// whatever purpose they name, and purposes that reach no source system
// reach no record at all.
func TestOnlyTheOwnerChangesARecord(t *testing.T) {
	e := recordsEnv(t)
	before := e.denials(t)
	var got identity.Record
	body := newSIS("X")
	body.Updated = time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	if r := e.call(t, "sanne", "PUT", "/api/v1/systems/SIS/records/X", body, lawEnforcement, &got); r.StatusCode != 201 || got.Owner == nil || *got.Owner != (identity.Owner{Authority: "NL-SIRENE", Country: "NL"}) {
		t.Fatalf("NL-SIRENE creates X: %d %+v", r.StatusCode, got)
	}
	if !got.Updated.Equal(e.clock.Now()) {
		t.Errorf("the answer says X was written at %s, not at %s", got.Updated, e.clock.Now())
	}
	for _, c := range []struct {
		name, login, method string
		headers             map[string]string
		status              int
	}{
		{"the police read it for alert sharing", "camille", "GET", map[string]string{"X-Purpose": "alert-sharing"}, 403},
		{"the border guard reads it for administration", "anna", "GET", map[string]string{"X-Purpose": "administration"}, 403},
		{"the police overwrite it for administration", "camille", "PUT", map[string]string{"X-Purpose": "administration"}, 403},
		{"the police overwrite it for law enforcement", "camille", "PUT", lawEnforcement, 403},
		{"the border guard erases it for administration", "anna", "DELETE", map[string]string{"X-Purpose": "administration"}, 403},
		{"the border guard erases it at a border check", "anna", "DELETE", map[string]string{"X-Purpose": "border-check"}, 403},
	} {
		var body any
		if c.method == "PUT" {
			changed := newSIS("X")
			changed.SIS.Category = "arrest"
			body = changed
		}
		var ae apiError
		if r := e.call(t, c.login, c.method, "/api/v1/systems/SIS/records/X", body, c.headers, &ae); r.StatusCode != c.status {
			t.Errorf("%s: %d %+v, want %d", c.name, r.StatusCode, ae, c.status)
		}
	}
	stored, err := e.db.Record(context.Background(), access.SIS, "X")
	if err != nil || stored.SIS.Category != "discreet-check" || stored.Owner.Authority != "NL-SIRENE" {
		t.Fatalf("the refusals changed the record: %+v %v", stored, err)
	}
	// A writer cannot make itself or another the owner.
	forged := newSIS("Y")
	forged.Owner = &identity.Owner{Authority: "FR-PN", Country: "FR"}
	if r := e.call(t, "sanne", "PUT", "/api/v1/systems/SIS/records/Y", forged, lawEnforcement, nil); r.StatusCode != 400 {
		t.Errorf("a body naming another owner: %d", r.StatusCode)
	}
	if r := e.call(t, "sanne", "DELETE", "/api/v1/systems/SIS/records/X", nil, lawEnforcement, nil); r.StatusCode != 204 {
		t.Errorf("the owner erases X: %d", r.StatusCode)
	}
	if denied := e.denials(t) - before; denied != 6 {
		t.Errorf("%d refusals audited, want the 6", denied)
	}
}

// denials counts the access-denied entries of the log.
func (e *apiEnv) denials(t *testing.T) int {
	t.Helper()
	entries, err := e.db.SearchAudit(context.Background(), secunion.Actor{Login: "dpo", Authority: "FR-CNIL", Roles: []string{access.RoleSupervisor}},
		access.Declaration{Purpose: secunion.PurposeSupervision}, store.AuditFilter{Operation: string(audit.OpAccessDenied)})
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// TestOwnerEntersOnlyWhatItsProfileCovers: a writer enters only the
// categories its profile grants, and replacing a record it leaves the
// others as they are; the owner too reads the record through its profile.
func TestOwnerEntersOnlyWhatItsProfileCovers(t *testing.T) {
	e := recordsEnv(t)
	withFace := newSIS("Z")
	withFace.Biometrics = []string{"face-z"}
	var ae apiError
	if r := e.call(t, "sanne", "PUT", "/api/v1/systems/SIS/records/Z", withFace, lawEnforcement, &ae); r.StatusCode != 403 || !strings.Contains(ae.Error.Message, "biometrics") {
		t.Errorf("SIRENE entering biometrics: %d %+v", r.StatusCode, ae)
	}
	// S-SEED is NL-SIRENE's, with a face the bureau's profile does not see.
	replaced := newSIS("S-SEED")
	replaced.Person.GivenNames = "Marta Anna"
	var got identity.Record
	if r := e.call(t, "sanne", "PUT", "/api/v1/systems/SIS/records/S-SEED", replaced, lawEnforcement, &got); r.StatusCode != 200 || got.Biometrics != nil {
		t.Fatalf("the owner replaces S-SEED: %d %+v", r.StatusCode, got)
	}
	stored, _ := e.db.Record(context.Background(), access.SIS, "S-SEED")
	if stored.Person.GivenNames != "Marta Anna" || len(stored.Biometrics) != 1 {
		t.Errorf("after the owner's replace: %+v (the face must stay)", stored)
	}
	got = identity.Record{}
	if r := e.call(t, "sanne", "GET", "/api/v1/systems/SIS/records/S-SEED", nil, lawEnforcement, &got); r.StatusCode != 200 || got.Biometrics != nil || got.SIS == nil {
		t.Errorf("the owner reads its record beyond its profile: %d %+v", r.StatusCode, got)
	}
}

// TestRecordReadAgreesWithSearch: the police at an identity check see
// identity and document data only, whether they find the person through
// the search portal or read the record.
func TestRecordReadAgreesWithSearch(t *testing.T) {
	e := recordsEnv(t)
	var rec identity.Record
	if r := e.call(t, "camille", "GET", "/api/v1/systems/SIS/records/S-SEED", nil, identityCheck, &rec); r.StatusCode != 200 {
		t.Fatalf("read: %d", r.StatusCode)
	}
	var res struct {
		Answers []struct {
			System string
			Hits   []struct{ Record identity.Record }
		}
	}
	e.call(t, "camille", "POST", "/api/v1/search", map[string]any{"surname": "Kowalczyk", "birth_date": "1981-03-09", "systems": []string{"SIS"}}, identityCheck, &res)
	if len(res.Answers) != 1 || len(res.Answers[0].Hits) != 1 {
		t.Fatalf("search: %+v", res)
	}
	hit := res.Answers[0].Hits[0].Record
	for name, r := range map[string]identity.Record{"record read": rec, "search hit": hit} {
		if r.Person == nil || len(r.Documents) != 1 || r.Biometrics != nil || r.SIS != nil {
			t.Errorf("%s shows %v, want identity and travel-document data only", name, r.Categories())
		}
	}
	if fmt.Sprint(rec.Categories()) != fmt.Sprint(hit.Categories()) {
		t.Errorf("the record read shows %v, the search %v", rec.Categories(), hit.Categories())
	}
}

// TestTemplatesFollowTheRecordOwner: only the record's owner enrols its
// templates, under a profile that grants biometrics.
func TestTemplatesFollowTheRecordOwner(t *testing.T) {
	e := recordsEnv(t)
	tpl := map[string]any{"system": "SIS", "record_id": "S-SEED", "modality": "face", "quality": 70, "vector": unitVector(512)}
	var ae apiError
	// A border guard enters SIS data and sees biometrics at the border,
	// but S-SEED is NL-SIRENE's.
	if r := e.call(t, "anna", "PUT", "/api/v1/templates/face-S-SEED", tpl, map[string]string{"X-Purpose": "border-check"}, &ae); r.StatusCode != 403 || !strings.Contains(ae.Error.Message, "only the authority that created") {
		t.Errorf("another writer enrolling: %d %+v", r.StatusCode, ae)
	}
	// The owner's own profile does not grant biometrics.
	if r := e.call(t, "sanne", "PUT", "/api/v1/templates/face-S-SEED", tpl, lawEnforcement, &ae); r.StatusCode != 403 || !strings.Contains(ae.Error.Message, "biometric") {
		t.Errorf("the owner enrolling without biometrics in its profile: %d %+v", r.StatusCode, ae)
	}
	if _, err := e.db.Template(context.Background(), "face-S-SEED"); secunion.CodeOf(err) != secunion.NotFound {
		t.Errorf("a refused template was stored: %v", err)
	}
}

func unitVector(n int) []float32 {
	v := make([]float32, n)
	v[0] = 1
	return v
}

// TestAPIChecksRoles: an admin who is no officer searches and reads
// nothing through the API, as the console refuses it; the refusal is
// audited.
func TestAPIChecksRoles(t *testing.T) {
	e := recordsEnv(t)
	before := e.denials(t)
	border := map[string]string{"X-Purpose": "border-check"}
	var ae apiError
	if r := e.call(t, "bpol.admin", "POST", "/api/v1/search", map[string]any{"surname": "Kowalczyk"}, border, &ae); r.StatusCode != 403 || !strings.Contains(ae.Error.Message, "role officer") {
		t.Errorf("an admin searching: %d %+v", r.StatusCode, ae)
	}
	if r := e.call(t, "bpol.admin", "GET", "/api/v1/systems/SIS/records/S-SEED", nil, border, nil); r.StatusCode != 403 {
		t.Errorf("an admin reading a record: %d", r.StatusCode)
	}
	if r := e.call(t, "anna", "GET", "/api/v1/users", nil, map[string]string{"X-Purpose": "administration"}, nil); r.StatusCode != 403 {
		t.Errorf("an officer listing users: %d", r.StatusCode)
	}
	if got := e.denials(t) - before; got != 3 {
		t.Errorf("%d refusals audited, want 3", got)
	}
}

// TestAdministratorCreatesOnlyFirstAdmins: the central administrator
// creates an authority's first admin and nothing more, never sets a
// password, and cannot reach the supervisors.
func TestAdministratorCreatesOnlyFirstAdmins(t *testing.T) {
	e := recordsEnv(t)
	admin := map[string]string{"X-Purpose": "administration"}
	var nu struct {
		Login     string
		Enrolment access.Enrolment
	}
	// FR-PN has no admin yet: its first may be made, with a code to set
	// the password.
	if r := e.call(t, "root", "POST", "/api/v1/users", map[string]any{"login": "pn.admin", "name": "PN admin", "authority": "FR-PN", "roles": []string{"admin"}}, admin, &nu); r.StatusCode != 201 || !strings.HasPrefix(nu.Enrolment.Code, access.EnrolmentPrefix) {
		t.Fatalf("first admin of FR-PN: %d %+v", r.StatusCode, nu)
	}
	var ae apiError
	for _, c := range []struct {
		name string
		body map[string]any
		want string
	}{
		{"a second admin of DE-BPOL", map[string]any{"login": "bpol.admin2", "name": "x", "authority": "DE-BPOL", "roles": []string{"admin"}}, "has an admin already"},
		{"a second admin of FR-PN", map[string]any{"login": "pn.admin2", "name": "x", "authority": "FR-PN", "roles": []string{"admin"}}, "has an admin already"},
		{"an admin of the supervisory authority", map[string]any{"login": "cnil.admin", "name": "x", "authority": "FR-CNIL", "roles": []string{"admin"}}, "command line"},
		{"a supervisor", map[string]any{"login": "cnil.dpo", "name": "x", "authority": "FR-CNIL", "roles": []string{"supervisor"}}, "command line"},
		{"an officer elsewhere", map[string]any{"login": "pn.officer", "name": "x", "authority": "FR-PN", "roles": []string{"officer"}}, "its own admins create its officers"},
	} {
		if r := e.call(t, "root", "POST", "/api/v1/users", c.body, admin, &ae); r.StatusCode != 403 || !strings.Contains(ae.Error.Message, c.want) {
			t.Errorf("%s: %d %+v", c.name, r.StatusCode, ae)
		}
	}
	if r := e.call(t, "root", "POST", "/api/v1/users", map[string]any{"login": "pn.x", "name": "x", "authority": "FR-PN", "roles": []string{"admin"}, "password": "a long enough password"}, admin, &ae); r.StatusCode != 400 || !strings.Contains(ae.Error.Message, "unknown field") {
		t.Errorf("a creator setting the password: %d %+v", r.StatusCode, ae)
	}
	if r := e.call(t, "root", "POST", "/api/v1/authorities", map[string]any{"code": "XX-CNIL", "name": "Another supervisor", "country": "FR", "kind": "supervisory"}, nil, &ae); r.StatusCode != 403 {
		t.Errorf("the administrator creating a supervisory authority: %d %+v", r.StatusCode, ae)
	}
	// The new admin sets their own password; the code works once.
	enrol := map[string]any{"code": nu.Enrolment.Code, "password": "pn admin's own password"}
	if r := e.call(t, "", "POST", "/api/v1/enrolment", enrol, nil, nil); r.StatusCode != 204 {
		t.Fatalf("enrolment: %d", r.StatusCode)
	}
	if _, _, err := e.db.CheckPassword(context.Background(), "pn.admin", "pn admin's own password"); err != nil {
		t.Errorf("the new admin cannot log in: %v", err)
	}
	if r := e.call(t, "", "POST", "/api/v1/enrolment", enrol, nil, &ae); r.StatusCode != 401 {
		t.Errorf("the code used twice: %d", r.StatusCode)
	}
	// Enrolled, the user gets no new code: that would reset the password.
	// Nor does a user made at the command line who works with tokens and
	// has no password: the code would take the account over.
	for _, login := range []string{"pn.admin", "bpol.admin"} {
		if r := e.call(t, "root", "POST", "/api/v1/users/"+login+"/enrolment", nil, admin, &ae); r.StatusCode != 409 {
			t.Errorf("a new code for %s, who is not waiting to enrol: %d %+v", login, r.StatusCode, ae)
		}
	}
	// A password the operator sets voids a pending code.
	_, pending, err := e.db.InviteUser(context.Background(), secunion.LocalOperator, access.User{Login: "pn.officer2", Name: "x", Authority: "FR-PN", Roles: []string{"officer"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.SetPassword(context.Background(), secunion.LocalOperator, "pn.officer2", "the operator's password"); err != nil {
		t.Fatal(err)
	}
	if r := e.call(t, "", "POST", "/api/v1/enrolment", map[string]any{"code": pending.Code, "password": "the creator's password"}, nil, nil); r.StatusCode != 401 {
		t.Errorf("a code used after the operator set the password: %d", r.StatusCode)
	}
	// The administrator disables accounts elsewhere, but not the
	// supervisors', who check it, and re-enables none.
	if r := e.call(t, "root", "POST", "/api/v1/users/dpo/disable", nil, admin, &ae); r.StatusCode != 403 {
		t.Errorf("the administrator disabling the supervisor: %d", r.StatusCode)
	}
	if r := e.call(t, "root", "POST", "/api/v1/users/camille/disable", nil, admin, nil); r.StatusCode != 204 {
		t.Errorf("the administrator disabling an officer: %d", r.StatusCode)
	}
	if r := e.call(t, "root", "POST", "/api/v1/users/camille/enable", nil, admin, nil); r.StatusCode != 403 {
		t.Errorf("the administrator re-enabling the officer: %d", r.StatusCode)
	}
}

// TestBadTokensDoNotLockOutGoodOnes: bad tokens from one address are
// throttled, with Retry-After, and a valid token from that address still
// works.
func TestBadTokensDoNotLockOutGoodOnes(t *testing.T) {
	e := newAPI(t)
	var last *http.Response
	for i := range 8 {
		e.tokens["nobody"] = fmt.Sprintf("sut_bad%d", i)
		last = e.call(t, "nobody", "GET", "/api/v1/me", nil, nil, nil)
	}
	if last.StatusCode != 429 || last.Header.Get("Retry-After") == "" {
		t.Errorf("the 8th bad token: %d, Retry-After %q", last.StatusCode, last.Header.Get("Retry-After"))
	}
	if r := e.call(t, "anna", "GET", "/api/v1/me", nil, nil, nil); r.StatusCode != 200 {
		t.Errorf("a valid token from the same address: %d", r.StatusCode)
	}
}

// TestOnlyNodesNameEndUsers: X-On-Behalf-Of, which names the audit's
// recipient, is refused from anyone but another node's service user, who
// must send it.
func TestOnlyNodesNameEndUsers(t *testing.T) {
	e := recordsEnv(t)
	e.addUser(t, access.Authority{Code: "ES-ETIAS", Name: "ETIAS", Country: "ES", Kind: access.KindETIASUnit}, "node-a", access.RoleNode)
	etias := func(onBehalf string) map[string]string {
		return map[string]string{"X-Purpose": "travel-authorisation", "X-On-Behalf-Of": onBehalf}
	}
	path := "/api/v1/systems/SIS/records/S-SEED"
	for _, c := range []struct {
		name, login string
		headers     map[string]string
		status      int
	}{
		{"an officer naming a recipient", "camille", map[string]string{"X-Purpose": "identity-check", "X-On-Behalf-Of": "EU-ETIAS-CU/lena"}, 403},
		{"a node naming nobody", "node-a", etias(""), 403},
		{"a node naming a malformed user", "node-a", etias("lena"), 400},
		{"a node naming its end user", "node-a", etias("EU-ETIAS-CU/lena"), 200},
	} {
		if r := e.call(t, c.login, "GET", path, nil, c.headers, nil); r.StatusCode != c.status {
			t.Errorf("%s: %d, want %d", c.name, r.StatusCode, c.status)
		}
	}
	entries, _ := e.db.SearchAudit(context.Background(), secunion.Actor{Login: "dpo", Roles: []string{access.RoleSupervisor}},
		access.Declaration{Purpose: secunion.PurposeSupervision}, store.AuditFilter{User: "camille"})
	if len(entries) == 0 || entries[0].Operation != audit.OpAccessDenied || len(entries[0].Recipients) != 0 {
		t.Errorf("the officer's refused request in the log: %+v", entries)
	}
}

// TestAuditSearchNeedsSupervision: the supervisor searches the log for
// the purpose of supervision only.
func TestAuditSearchNeedsSupervision(t *testing.T) {
	e := newAPI(t)
	if r := e.call(t, "dpo", "POST", "/api/v1/audit/search", map[string]any{}, map[string]string{"X-Purpose": "administration"}, nil); r.StatusCode != 403 {
		t.Errorf("audit search for administration: %d", r.StatusCode)
	}
	if r := e.call(t, "dpo", "POST", "/api/v1/audit/search", map[string]any{}, map[string]string{"X-Purpose": "data-protection-supervision"}, nil); r.StatusCode != 200 {
		t.Errorf("audit search for supervision: %d", r.StatusCode)
	}
}

// TestEveryRefusalAudited: a purpose wrong for the route is refused and
// audited like a missing one.
func TestEveryRefusalAudited(t *testing.T) {
	e := newAPI(t)
	before := e.denials(t)
	for _, purpose := range []string{"", "identity-check"} {
		if r := e.call(t, "anna", "GET", "/api/v1/links/queue", nil, map[string]string{"X-Purpose": purpose}, nil); r.StatusCode != 403 {
			t.Errorf("links queue for %q: %d", purpose, r.StatusCode)
		}
	}
	if got := e.denials(t) - before; got != 2 {
		t.Errorf("%d refusals audited, want 2", got)
	}
}

// TestSlowBodyAnswered408: a body that does not arrive within the read
// timeout is answered 408 with a message that holds no socket address.
func TestSlowBodyAnswered408(t *testing.T) {
	e := newAPI(t)
	srv := httptest.NewUnstartedServer(e.api)
	srv.Config.ReadTimeout = 300 * time.Millisecond
	srv.Start()
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/tokens HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\":", e.tokens["anna"])
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	bufio.NewReader(resp.Body).WriteTo(&b)
	host, _, _ := net.SplitHostPort(srv.Listener.Addr().String())
	if resp.StatusCode != http.StatusRequestTimeout || strings.Contains(b.String(), host) || !strings.Contains(b.String(), "did not arrive within") {
		t.Errorf("slow body: %d %s", resp.StatusCode, b.String())
	}
}

// TestAPIAnswersAreNotSniffed: every API answer forbids MIME sniffing.
func TestAPIAnswersAreNotSniffed(t *testing.T) {
	e := newAPI(t)
	for _, path := range []string{"/healthz", "/api/v1/me", "/api/v1/nowhere"} {
		if r := e.call(t, "anna", "GET", path, nil, nil, nil); r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s (%d): X-Content-Type-Options %q", path, r.StatusCode, r.Header.Get("X-Content-Type-Options"))
		}
	}
}

// TestReadPathsStayWithinProfile: for random records and random profiles,
// every read path — a record read, the portal's record read and search,
// and a link comparison — returns only field categories the profile
// grants, and only records of systems it reaches.
func TestReadPathsStayWithinProfile(t *testing.T) {
	e := newAPI(t)
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(7, 14))
	var records []identity.Record
	index := search.NewIndex()
	for i := range 60 {
		r := validRecord(rnd, i)
		records = append(records, r)
		index.Put(r)
	}
	if _, _, err := e.db.ImportBatch(ctx, records); err != nil {
		t.Fatal(err)
	}
	portal := &search.Portal{Clock: e.db.Clock(), Audit: e.db.Append, Sources: map[string]search.Source{}}
	for _, sys := range identity.Systems {
		portal.Sources[sys] = search.Local{System: sys, Index: index, Records: e.db, Clock: e.db.Clock()}
	}
	a, b := links.Ref{System: records[0].System, ID: records[0].ID}, links.Ref{System: records[1].System, ID: records[1].ID}
	link := links.Link{ID: links.ID(a, b), A: a, B: b, Colour: links.Yellow, Reason: "a test link", Trigger: a, Verifier: links.Verifier{Kind: access.KindBorderGuard}}
	if _, _, _, err := e.db.SaveLinks(ctx, []links.Run{{Trigger: a, Found: []links.Link{link}}}); err != nil {
		t.Fatal(err)
	}
	anna := secunion.Actor{Login: "anna", Authority: "DE-BPOL", AuthorityKind: string(access.KindBorderGuard), Roles: []string{access.RoleOfficer}}
	decl := access.Declaration{Purpose: secunion.PurposeBorderCheck}
	within := func(what string, prof access.Profile, r identity.Record, reachAll bool) {
		t.Helper()
		if !reachAll && !prof.Reaches(r.System) {
			t.Fatalf("%s: a %s record under systems %v", what, r.System, prof.Systems)
		}
		for _, c := range r.Categories() {
			if !prof.Grants(c) {
				t.Fatalf("%s: %s under fields %v", what, c, prof.Fields)
			}
		}
	}
	reads, hits := 0, 0
	for i := range 40 {
		prof := randomProfile(rnd)
		r := records[rnd.IntN(len(records))]
		if got, err := e.db.GetRecord(ctx, anna, decl, prof, r.System, r.ID); err == nil {
			within("record read", prof, got, false)
			reads++
		} else if prof.Reaches(r.System) {
			t.Fatalf("record read of %s/%s under %v: %v", r.System, r.ID, prof.Systems, err)
		}
		if got, err := portal.Record(ctx, anna, decl, prof, r.System, r.ID); err == nil {
			within("portal record read", prof, got, false)
		} else if prof.Reaches(r.System) {
			t.Fatalf("portal record read of %s/%s under %v: %v", r.System, r.ID, prof.Systems, err)
		}
		if answers, err := portal.Search(ctx, anna, decl, prof, search.Query{Surname: r.Person.Surname}); err == nil {
			for ans := range answers {
				for _, h := range ans.Hits {
					within("search hit", prof, h.Record, false)
					hits++
				}
			}
		}
		if i%4 == 0 {
			c, err := e.db.CompareLink(ctx, anna, access.Declaration{Purpose: secunion.PurposeLinkVerification}, prof, link.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, side := range []identity.Record{c.A, c.B} {
				within("link comparison", prof, side, true)
				for _, cat := range side.Categories() {
					if cat != access.FieldIdentity && cat != access.FieldDocument && cat != access.FieldBiometrics {
						t.Fatalf("link comparison shows %s, which is not linked data", cat)
					}
				}
			}
		}
	}
	if reads == 0 || hits == 0 {
		t.Fatalf("the paths were not exercised: %d record reads, %d search hits", reads, hits)
	}
}

// randomProfile reaches a random set of systems with a random set of
// field categories.
func randomProfile(rnd *rand.Rand) access.Profile {
	var p access.Profile
	for _, s := range identity.Systems {
		if rnd.IntN(2) == 0 {
			p.Systems = append(p.Systems, s)
		}
	}
	for _, f := range []string{access.FieldIdentity, access.FieldDocument, access.FieldBiometrics, access.FieldAlert, access.FieldVisa,
		access.FieldEntryExit, access.FieldAuthorisation, access.FieldProtection, access.FieldConviction, access.FieldCriminalIntel} {
		if rnd.IntN(2) == 0 {
			p.Fields = append(p.Fields, f)
		}
	}
	return p
}

// validRecord is a storable record of a random system holding every
// category its system has, and documents and biometrics by chance.
func validRecord(rnd *rand.Rand, i int) identity.Record {
	r := identity.Record{System: identity.Systems[rnd.IntN(len(identity.Systems))], ID: fmt.Sprintf("R%d", i),
		Person: &identity.Person{Surname: []string{"Kowalczyk", "Eriksson", "Durand"}[rnd.IntN(3)], BirthDate: "1980-05-06"}}
	if rnd.IntN(2) == 0 || r.System == access.SLTD {
		r.Documents = []identity.Document{{Type: "P", Number: fmt.Sprintf("X%d", i), IssuingCountry: "FRA"}}
	}
	if rnd.IntN(2) == 0 {
		r.Biometrics = []string{fmt.Sprintf("face-%d", i)}
	}
	switch r.System {
	case access.SIS:
		r.SIS = &identity.SISAlert{Category: "arrest", IssuingState: "FR"}
	case access.VIS:
		r.VIS = &identity.VisaFile{ApplicationNumber: "A1", Status: "issued", IssuingState: "IT"}
	case access.EES:
		r.EES = &identity.TravelHistory{}
	case access.ETIAS:
		r.ETIAS = &identity.Application{Number: "E1", Status: "granted"}
	case access.Eurodac:
		r.Eurodac = &identity.Protection{Category: "applicant", OriginState: "GR"}
	case access.ECRISTCN:
		r.ECRIS = &identity.Conviction{ConvictingStates: []string{"DE"}}
	case access.Europol:
		r.Europol = &identity.Intelligence{Role: "suspect", Crime: "terrorism"}
	case access.SLTD:
		r.SLTD = &identity.LostDocument{Status: "stolen", ReportingCountry: "FR"}
	}
	return r
}
