package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"

	"secunion"
	"secunion/access"
	"secunion/httpapi"
	"secunion/identity"
	"secunion/search"
	"secunion/signals"
	"secunion/store"
)

var update = flag.Bool("update", false, "rewrite golden files")

type apiEnv struct {
	srv     *httptest.Server
	api     *httpapi.Server // the handler srv serves
	db      *store.DB
	clock   *secunion.FakeClock
	tokens  map[string]string // login → token
	signals *signals.Matcher  // the node's hash matcher, empty at first
}

func newAPI(t *testing.T) *apiEnv {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	keys, err := store.LoadKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	clock := secunion.NewFakeClock(time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC))
	db, err := store.OpenSQLite(ctx, dir, store.Options{Keys: keys, CheckpointEvery: time.Hour, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	op := secunion.LocalOperator
	for _, a := range []access.Authority{
		{Code: "EU-ADMIN", Name: "Administration", Country: "EU", Kind: access.KindAdministrator},
		{Code: "DE-BPOL", Name: "Bundespolizei", Country: "DE", Kind: access.KindBorderGuard},
		{Code: "FR-CNIL", Name: "CNIL", Country: "FR", Kind: access.KindSupervisory},
	} {
		if _, err := db.CreateAuthority(ctx, op, a); err != nil {
			t.Fatal(err)
		}
	}
	e := &apiEnv{db: db, clock: clock, tokens: map[string]string{}, signals: signals.NewMatcher()}
	for _, u := range []access.User{
		{Login: "root", Name: "Root", Authority: "EU-ADMIN", Roles: []string{access.RoleAdmin}},
		{Login: "anna", Name: "Anna Schmidt", Authority: "DE-BPOL", Roles: []string{access.RoleOfficer}},
		{Login: "dpo", Name: "Claire Dupont", Authority: "FR-CNIL", Roles: []string{access.RoleSupervisor}},
	} {
		if _, err := db.CreateUser(ctx, op, u, ""); err != nil {
			t.Fatal(err)
		}
		secret, _, err := db.CreateToken(ctx, op, u.Login, "test", 0)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[u.Login] = secret
	}
	e.api = httpapi.New(httpapi.Config{DB: db, Verifier: keys.Verifier, VerifierKey: keys.VerifierKey, Version: "test", MaxBody: 4096, Signals: e.signals})
	e.srv = httptest.NewServer(e.api)
	t.Cleanup(e.srv.Close)
	return e
}

// add creates authorities, and users with an API token each.
func (e *apiEnv) add(t *testing.T, authorities []access.Authority, users []access.User) {
	t.Helper()
	ctx, op := context.Background(), secunion.LocalOperator
	for _, a := range authorities {
		if _, err := e.db.CreateAuthority(ctx, op, a); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range users {
		if _, err := e.db.CreateUser(ctx, op, u, ""); err != nil {
			t.Fatal(err)
		}
		secret, _, err := e.db.CreateToken(ctx, op, u.Login, "t", 0)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[u.Login] = secret
	}
}

// metrics returns the node's metrics as Prometheus would scrape them.
func (e *apiEnv) metrics(t *testing.T) string {
	t.Helper()
	rec := httptest.NewRecorder()
	e.api.Metrics().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("metrics: %d", rec.Code)
	}
	return rec.Body.String()
}

// call sends a request as login ("" for none) with optional JSON body and
// headers, and decodes the JSON answer into out when given.
func (e *apiEnv) call(t *testing.T, login, method, path string, body any, headers map[string]string, out any) *http.Response {
	t.Helper()
	var rd io.Reader
	if s, ok := body.(string); ok {
		rd = strings.NewReader(s)
	} else if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if login != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[login])
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %d %s: %v", method, path, resp.StatusCode, data, err)
		}
	}
	return resp
}

type apiError struct {
	Error struct{ Code, Message string } `json:"error"`
}

func TestOperationalEndpoints(t *testing.T) {
	e := newAPI(t)
	for _, p := range []string{"/healthz", "/readyz"} {
		if r := e.call(t, "", "GET", p, nil, nil, nil); r.StatusCode != 200 {
			t.Errorf("%s: %d", p, r.StatusCode)
		}
	}
	e.call(t, "anna", "GET", "/api/v1/me", nil, nil, nil)
	for _, want := range []string{`secunion_http_requests_total{code="200",method="GET",route="GET /api/v1/me"} 1`, "secunion_audit_entries", "go_goroutines"} {
		if !strings.Contains(e.metrics(t), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	// The API's address does not serve them (they go on an address of
	// their own, serve --metrics-addr).
	if r := e.call(t, "", "GET", "/metrics", nil, nil, nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics on the API's address: %d", r.StatusCode)
	}
	r := e.call(t, "", "GET", "/healthz", nil, map[string]string{"X-Request-ID": "trace-12345678"}, nil)
	if r.Header.Get("X-Request-ID") != "trace-12345678" {
		t.Errorf("request id not echoed: %q", r.Header.Get("X-Request-ID"))
	}
}

// TestOpenAPIGolden keeps the API description as a golden file: run with
// -update after a deliberate change of the API surface.
func TestOpenAPIGolden(t *testing.T) {
	e := newAPI(t)
	resp, err := http.Get(e.srv.URL + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	golden := filepath.Join("testdata", "openapi.json")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./httpapi -run OpenAPI -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("/openapi.json differs from %s: run go test ./httpapi -run OpenAPI -update and review the diff", golden)
	}
	var spec struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	json.Unmarshal(got, &spec)
	if spec.OpenAPI != "3.1.0" || spec.Paths["/api/v1/tokens/{id}"]["delete"] == nil || spec.Paths["/api/v1/audit/search"]["post"] == nil {
		t.Errorf("spec misses routes: %v", spec.Paths)
	}
}

func TestAuthentication(t *testing.T) {
	e := newAPI(t)
	var me struct {
		User      access.User
		Authority access.Authority
		Profiles  []access.Profile
	}
	if r := e.call(t, "anna", "GET", "/api/v1/me", nil, nil, &me); r.StatusCode != 200 {
		t.Fatalf("me: %d", r.StatusCode)
	}
	if me.User.Login != "anna" || me.Authority.Kind != access.KindBorderGuard || len(me.Profiles) == 0 || me.Profiles[0].Purpose != secunion.PurposeBorderCheck {
		t.Errorf("me = %+v", me)
	}
	var ae apiError
	if r := e.call(t, "", "GET", "/api/v1/me", nil, nil, &ae); r.StatusCode != 401 || ae.Error.Code != "unauthenticated" || r.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("no token: %d %+v", r.StatusCode, ae)
	}
	if r := e.call(t, "", "GET", "/api/v1/me", nil, map[string]string{"Authorization": "Bearer sut_forged"}, &ae); r.StatusCode != 401 {
		t.Errorf("forged token: %d", r.StatusCode)
	}
	// Revoking a token through the API locks it out at once.
	var tok struct {
		ID    string `json:"id"`
		Token string `json:"token"`
	}
	if r := e.call(t, "anna", "POST", "/api/v1/tokens", map[string]any{"name": "script"}, nil, &tok); r.StatusCode != 201 || !strings.HasPrefix(tok.Token, "sut_") {
		t.Fatalf("create token: %d %+v", r.StatusCode, tok)
	}
	e.tokens["script"] = tok.Token
	if r := e.call(t, "script", "GET", "/api/v1/me", nil, nil, nil); r.StatusCode != 200 {
		t.Fatalf("new token: %d", r.StatusCode)
	}
	if r := e.call(t, "anna", "DELETE", "/api/v1/tokens/"+tok.ID, nil, nil, nil); r.StatusCode != 204 {
		t.Fatalf("revoke: %d", r.StatusCode)
	}
	if r := e.call(t, "script", "GET", "/api/v1/me", nil, nil, nil); r.StatusCode != 401 {
		t.Errorf("revoked token: %d", r.StatusCode)
	}
	// An officer may not issue tokens for another authority's user.
	if r := e.call(t, "anna", "POST", "/api/v1/tokens", map[string]any{"name": "x", "user": "dpo"}, nil, &ae); r.StatusCode != 403 {
		t.Errorf("token for another user: %d", r.StatusCode)
	}
	// Bad tokens and refusals are in the log.
	var found struct {
		Entries []struct{ Operation, Outcome, Detail string }
	}
	e.call(t, "dpo", "POST", "/api/v1/audit/search", map[string]any{"operation": "access-denied"}, map[string]string{"X-Purpose": "data-protection-supervision"}, &found)
	if len(found.Entries) != 3 {
		t.Errorf("denials logged = %+v, want forged token, revoked token, foreign token request", found.Entries)
	}
}

func TestPurposeRequired(t *testing.T) {
	e := newAPI(t)
	var ae apiError
	r := e.call(t, "root", "GET", "/api/v1/users", nil, nil, &ae)
	if r.StatusCode != 403 || ae.Error.Code != "forbidden" || !strings.Contains(ae.Error.Message, "declare a purpose") {
		t.Fatalf("no purpose: %d %+v", r.StatusCode, ae)
	}
	r = e.call(t, "root", "GET", "/api/v1/users", nil, map[string]string{"X-Purpose": "law-enforcement", "X-Justification": "case 1"}, &ae)
	if r.StatusCode != 403 {
		t.Errorf("purpose the administrator kind may not declare: %d", r.StatusCode)
	}
	var users struct{ Users []access.User }
	r = e.call(t, "root", "GET", "/api/v1/users", nil, map[string]string{"X-Purpose": "administration"}, &users)
	if r.StatusCode != 200 || len(users.Users) != 3 {
		t.Fatalf("users: %d %+v", r.StatusCode, users)
	}
	var found struct {
		Entries []struct{ User, Purpose, Detail string }
	}
	e.call(t, "dpo", "POST", "/api/v1/audit/search", map[string]any{"operation": "access-denied", "user": "root"}, map[string]string{"X-Purpose": "data-protection-supervision"}, &found)
	if len(found.Entries) != 2 || found.Entries[0].Purpose != "law-enforcement" {
		t.Errorf("refusals logged = %+v", found.Entries)
	}
}

func TestBadInput(t *testing.T) {
	e := newAPI(t)
	for _, tc := range []struct {
		name    string
		body    string
		ctype   string
		status  int
		code    string
		message string
	}{
		{"unknown field", `{"name":"x","colour":"red"}`, "application/json", 400, "invalid", `unknown field "colour"`},
		{"malformed", `{"name":`, "application/json", 400, "invalid", "unexpected end"},
		{"wrong type", `{"name":5}`, "application/json", 400, "invalid", `field "name"`},
		{"two objects", `{"name":"a"}{"name":"b"}`, "application/json", 400, "invalid", "trailing data"},
		{"too large", `{"name":"` + strings.Repeat("a", 5000) + `"}`, "application/json", 413, "too_large", "exceeds 4096 bytes"},
		{"content type", `name=x`, "application/x-www-form-urlencoded", 415, "unsupported_media_type", "application/json"},
		{"empty", ``, "application/json", 400, "invalid", "empty body"},
		{"invalid token name", `{"name":""}`, "application/json", 400, "invalid", "token name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ae apiError
			r := e.call(t, "anna", "POST", "/api/v1/tokens", tc.body, map[string]string{"Content-Type": tc.ctype}, &ae)
			if r.StatusCode != tc.status || ae.Error.Code != tc.code || !strings.Contains(ae.Error.Message, tc.message) {
				t.Errorf("got %d %+v, want %d %s containing %q", r.StatusCode, ae, tc.status, tc.code, tc.message)
			}
		})
	}
	var toks struct{ Tokens []access.Token }
	e.call(t, "anna", "GET", "/api/v1/tokens", nil, nil, &toks)
	if len(toks.Tokens) != 1 {
		t.Errorf("rejected requests created tokens: %+v", toks.Tokens)
	}
}

func TestAuditProofsAndVerify(t *testing.T) {
	e := newAPI(t)
	ctx := context.Background()
	if err := e.db.SignCheckpoint(ctx); err != nil {
		t.Fatal(err)
	}
	var cp struct {
		Size uint64
		Root string
		Note string
	}
	if r := e.call(t, "anna", "GET", "/api/v1/audit/checkpoint", nil, nil, &cp); r.StatusCode != 200 || cp.Size != 9 || !strings.Contains(cp.Note, "\n— ") {
		t.Fatalf("checkpoint: %d %+v", r.StatusCode, cp)
	}
	var found struct {
		Entries []struct {
			Seq      uint64
			LeafHash string `json:"leaf_hash"`
		}
	}
	e.call(t, "dpo", "POST", "/api/v1/audit/search", map[string]any{"operation": "token-created", "limit": 1}, map[string]string{"X-Purpose": "data-protection-supervision"}, &found)
	if len(found.Entries) != 1 {
		t.Fatalf("search: %+v", found)
	}
	var p struct{ Hashes []string }
	e.call(t, "dpo", "GET", "/api/v1/audit/proofs/inclusion?seq="+itoa(found.Entries[0].Seq)+"&size="+itoa(cp.Size), nil, nil, &p)
	leaf, _ := base64.StdEncoding.DecodeString(found.Entries[0].LeafHash)
	root, _ := base64.StdEncoding.DecodeString(cp.Root)
	if err := proof.VerifyInclusion(rfc6962.DefaultHasher, found.Entries[0].Seq, cp.Size, leaf, decodeAll(p.Hashes), root); err != nil {
		t.Errorf("inclusion proof from the API does not verify: %v", err)
	}
	var ae apiError
	if r := e.call(t, "dpo", "GET", "/api/v1/audit/proofs/inclusion?seq=x&size=1", nil, nil, &ae); r.StatusCode != 400 {
		t.Errorf("bad seq: %d", r.StatusCode)
	}
	var rep struct {
		Intact  bool
		Entries uint64
	}
	if r := e.call(t, "dpo", "POST", "/api/v1/audit/verify", nil, nil, &rep); r.StatusCode != 200 || !rep.Intact || rep.Entries < 10 {
		t.Errorf("verify: %d %+v", r.StatusCode, rep)
	}
	if r := e.call(t, "anna", "POST", "/api/v1/audit/verify", nil, nil, nil); r.StatusCode != 403 {
		t.Errorf("officer verifying: %d", r.StatusCode)
	}
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

func decodeAll(s []string) [][]byte {
	out := make([][]byte, len(s))
	for i, h := range s {
		out[i], _ = base64.StdEncoding.DecodeString(h)
	}
	return out
}

func TestHostileHeadersAndRoutes(t *testing.T) {
	e := newAPI(t)
	// A refusal is recorded even when the purpose sent is not text.
	var ae apiError
	r := e.call(t, "root", "GET", "/api/v1/users", nil, map[string]string{"X-Purpose": "\xff\xfe"}, &ae)
	if r.StatusCode != 400 || ae.Error.Code != "invalid" {
		t.Errorf("binary purpose: %d %+v", r.StatusCode, ae)
	}
	var found struct {
		Entries []struct{ User, Purpose string }
	}
	e.call(t, "dpo", "POST", "/api/v1/audit/search", map[string]any{"operation": "access-denied", "user": "root"}, map[string]string{"X-Purpose": "data-protection-supervision"}, &found)
	if len(found.Entries) != 1 || found.Entries[0].Purpose != "\uFFFD" {
		t.Errorf("refusal with a binary purpose logged as %+v", found.Entries)
	}
	// Unknown routes and methods answer in JSON.
	if r := e.call(t, "anna", "GET", "/api/v1/nothing", nil, nil, &ae); r.StatusCode != 404 || ae.Error.Code != "not_found" {
		t.Errorf("unknown route: %d %+v", r.StatusCode, ae)
	}
	if r := e.call(t, "anna", "PUT", "/api/v1/tokens", nil, nil, &ae); r.StatusCode != 405 || ae.Error.Code != "method_not_allowed" || r.Header.Get("Allow") != "GET, POST" {
		t.Errorf("wrong method: %d %+v %q", r.StatusCode, ae, r.Header.Get("Allow"))
	}
}

// TestBadTokensThrottled: guessing tokens from one address is slowed, and
// once throttled the refusals no longer add to the permanent log.
func TestBadTokensThrottled(t *testing.T) {
	e := newAPI(t)
	before := e.db.AuditSize()
	codes := map[int]int{}
	for i := 0; i < 20; i++ {
		r := e.call(t, "", "GET", "/api/v1/me", nil, map[string]string{"Authorization": "Bearer sut_guess" + strconv.Itoa(i)}, nil)
		codes[r.StatusCode]++
	}
	if codes[401] != 5 || codes[429] != 15 {
		t.Errorf("answers to 20 bad tokens: %v, want 5 × 401 then 429", codes)
	}
	if added := e.db.AuditSize() - before; added != 5 {
		t.Errorf("bad tokens added %d log entries, want 5", added)
	}
}

func TestDisableUser(t *testing.T) {
	e := newAPI(t)
	admin := map[string]string{"X-Purpose": "administration"}
	if r := e.call(t, "anna", "POST", "/api/v1/users/anna/disable", nil, admin, nil); r.StatusCode != 403 {
		t.Errorf("officer disabling: %d", r.StatusCode)
	}
	if r := e.call(t, "root", "POST", "/api/v1/users/anna/disable", nil, admin, nil); r.StatusCode != 204 {
		t.Fatalf("disable: %d", r.StatusCode)
	}
	if r := e.call(t, "anna", "GET", "/api/v1/me", nil, nil, nil); r.StatusCode != 401 {
		t.Errorf("disabled user's token: %d", r.StatusCode)
	}
	// The administrator may disable anyone, but re-enables no one: the
	// user's own authority (here the operator) decides that.
	if r := e.call(t, "root", "POST", "/api/v1/users/anna/enable", nil, admin, nil); r.StatusCode != 403 {
		t.Errorf("the administrator re-enabling another authority's user: %d", r.StatusCode)
	}
	if err := e.db.SetDisabled(context.Background(), secunion.LocalOperator, "anna", false); err != nil {
		t.Fatal(err)
	}
	if r := e.call(t, "anna", "GET", "/api/v1/me", nil, nil, nil); r.StatusCode != 200 {
		t.Errorf("re-enabled user's token: %d", r.StatusCode)
	}
	// Reading a user one may not see looks like reading none.
	var ae apiError
	if r := e.call(t, "dpo", "GET", "/api/v1/users/anna", nil, admin, &ae); r.StatusCode != 404 {
		t.Errorf("foreign user: %d %+v", r.StatusCode, ae)
	}
}

func TestRecordsAPI(t *testing.T) {
	e := newAPI(t)
	ctx := context.Background()
	if _, err := e.db.CreateAuthority(ctx, secunion.LocalOperator, access.Authority{Code: "IT-VISA", Name: "Visa", Country: "IT", Kind: access.KindVisa}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.CreateUser(ctx, secunion.LocalOperator, access.User{Login: "giulia", Name: "Giulia", Authority: "IT-VISA", Roles: []string{"officer"}}, ""); err != nil {
		t.Fatal(err)
	}
	secret, _, err := e.db.CreateToken(ctx, secunion.LocalOperator, "giulia", "t", 0)
	if err != nil {
		t.Fatal(err)
	}
	e.tokens["giulia"] = secret
	visa := map[string]string{"X-Purpose": "visa-examination"}
	rec := `{"person":{"surname":"Eriksson","birth_date":"1974-08-12"},"biometrics":["tpl-9"],"vis":{"application_number":"A1","status":"issued","issuing_state":"IT"}}`
	if r := e.call(t, "giulia", "PUT", "/api/v1/systems/vis/records/V1", rec, visa, nil); r.StatusCode != 201 {
		t.Fatalf("create: %d", r.StatusCode)
	}
	if r := e.call(t, "giulia", "PUT", "/api/v1/systems/VIS/records/V1", rec, visa, nil); r.StatusCode != 200 {
		t.Errorf("replace: %d", r.StatusCode)
	}
	var ae apiError
	if r := e.call(t, "giulia", "PUT", "/api/v1/systems/VIS/records/V2", `{"person":{"surname":"X","birth_date":"1990-13-01"},"vis":{"application_number":"A","status":"issued","issuing_state":"IT"}}`, visa, &ae); r.StatusCode != 400 || !strings.Contains(ae.Error.Message, "birth_date") {
		t.Errorf("impossible date: %d %+v", r.StatusCode, ae)
	}
	if r := e.call(t, "anna", "PUT", "/api/v1/systems/VIS/records/V3", rec, map[string]string{"X-Purpose": "border-check"}, nil); r.StatusCode != 403 {
		t.Errorf("border guard writing VIS: %d", r.StatusCode)
	}
	// The border guard checking identity sees identity data only.
	var got map[string]any
	e.call(t, "anna", "GET", "/api/v1/systems/VIS/records/V1", nil, map[string]string{"X-Purpose": "identity-check"}, &got)
	if got["person"] == nil || got["vis"] != nil || got["biometrics"] != nil {
		t.Errorf("identity-check view: %v", got)
	}
	var systems struct{ Systems []struct{ Name string } }
	e.call(t, "anna", "GET", "/api/v1/systems", nil, map[string]string{"X-Purpose": "border-check"}, &systems)
	if len(systems.Systems) != 5 || systems.Systems[0].Name != "SIS" {
		t.Errorf("systems of a border check: %+v", systems)
	}
	if r := e.call(t, "giulia", "DELETE", "/api/v1/systems/VIS/records/V1", nil, visa, nil); r.StatusCode != 204 {
		t.Errorf("delete: %d", r.StatusCode)
	}
	if r := e.call(t, "giulia", "GET", "/api/v1/systems/VIS/records/V1", nil, visa, &ae); r.StatusCode != 404 {
		t.Errorf("after delete: %d", r.StatusCode)
	}
}

func TestSearchStreams(t *testing.T) {
	e := newAPI(t)
	ctx := context.Background()
	index := search.NewIndex()
	for _, r := range []identity.Record{
		{System: "SIS", ID: "S1", Person: &identity.Person{Surname: "Eriksson", GivenNames: "Anna Maria", BirthDate: "1974-08-12", Sex: "F"},
			Documents: []identity.Document{{Type: "P", Number: "L898902C3", IssuingCountry: "UTO"}}, SIS: &identity.SISAlert{Category: "refusal-of-entry", IssuingState: "SE"}},
		{System: "VIS", ID: "V1", Person: &identity.Person{Surname: "Eriksson", GivenNames: "Anna", BirthDate: "1974-08-12"},
			VIS: &identity.VisaFile{ApplicationNumber: "A1", Status: "issued", IssuingState: "IT"}},
	} {
		if _, _, err := e.db.PutRecord(ctx, secunion.LocalOperator, access.Declaration{Purpose: secunion.PurposeAdministration}, access.Profile{}, r); err != nil {
			t.Fatal(err)
		}
		index.Put(r)
	}
	portal := &search.Portal{Clock: e.db.Clock(), Audit: e.db.Append, Sources: map[string]search.Source{}}
	for _, sys := range identity.Systems {
		portal.Sources[sys] = search.Local{System: sys, Index: index, Records: e.db, Clock: e.db.Clock()}
	}
	srv := httptest.NewServer(httpapi.New(httpapi.Config{DB: e.db, Portal: portal}))
	defer srv.Close()
	e.srv = srv
	border := map[string]string{"X-Purpose": "border-check"}
	mrzQuery := map[string]any{"mrz": "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"}

	// One JSON answer.
	var all struct {
		Answers []search.Answer
		Hits    int
	}
	if r := e.call(t, "anna", "POST", "/api/v1/search", mrzQuery, border, &all); r.StatusCode != 200 || all.Hits != 2 || len(all.Answers) != 5 {
		t.Fatalf("search: %d %+v", r.StatusCode, all)
	}
	for _, a := range all.Answers {
		if a.System == "Europol" || a.System == "Eurodac" {
			t.Errorf("a system outside the border-check profile answered: %s", a.System)
		}
	}
	// NDJSON: one line per system, then done.
	body, _ := json.Marshal(mrzQuery)
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/search", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+e.tokens["anna"])
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Purpose", "border-check")
	req.Header.Set("Accept", "application/x-ndjson")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if resp.Header.Get("Content-Type") != "application/x-ndjson" || len(lines) != 6 || !strings.HasPrefix(lines[5], `{"done":{"hits":2,"systems":5}}`) {
		t.Errorf("NDJSON stream: %s\n%s", resp.Header.Get("Content-Type"), data)
	}
	// Server-Sent Events.
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.Header.Set("Accept", "text/event-stream")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	data, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Count(string(data), "event: answer\n") != 5 || !strings.Contains(string(data), "event: done\ndata: {\"hits\":2,\"systems\":5}") {
		t.Errorf("SSE stream:\n%s", data)
	}
	var ae apiError
	if r := e.call(t, "anna", "POST", "/api/v1/search", map[string]any{"sex": "F"}, border, &ae); r.StatusCode != 400 || !strings.Contains(ae.Error.Message, "too broad") {
		t.Errorf("broad query: %d %+v", r.StatusCode, ae)
	}
	if r := e.call(t, "anna", "POST", "/api/v1/search", mrzQuery, nil, &ae); r.StatusCode != 403 {
		t.Errorf("search without a purpose: %d", r.StatusCode)
	}
}
