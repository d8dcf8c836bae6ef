package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/httpapi"
	"secunion/identity"
	"secunion/search"
)

// Records of node B, which holds SIS and VIS for node A.
var nodeBRecords = []identity.Record{
	{System: "SIS", ID: "S1", Person: &identity.Person{Surname: "Eriksson", GivenNames: "Anna Maria", BirthDate: "1974-08-12", Sex: "F"},
		Documents: []identity.Document{{Type: "P", Number: "L898902C3", IssuingCountry: "UTO"}}, Biometrics: []string{"sbms:face:1"},
		SIS: &identity.SISAlert{Category: "refusal-of-entry", IssuingState: "SE"}},
	{System: "VIS", ID: "V1", Person: &identity.Person{Surname: "Eriksson", GivenNames: "Anna", BirthDate: "1974-08-12"},
		VIS: &identity.VisaFile{ApplicationNumber: "A1", Status: "issued", IssuingState: "IT"}},
}

// Records of node A, which holds the other systems itself.
var nodeARecords = []identity.Record{
	{System: "ETIAS", ID: "T1", Person: &identity.Person{Surname: "Eriksson", GivenNames: "Anna", BirthDate: "1974-08-12"},
		ETIAS: &identity.Application{Number: "ETIAS-1", Status: "granted"}},
}

// remoteSystems are the systems node A asks node B for.
var remoteSystems = []string{"SIS", "VIS"}

// faulty serves node B's API, or fails the way a test sets: "down" drops
// every connection, "slow" answers only once the client has given up,
// "huge" sends an answer over any sensible limit, "truncated" cuts the
// JSON short, "extra" adds a field the API does not have.
type faulty struct {
	api   http.Handler
	mode  atomic.Value
	calls atomic.Int32
}

func (f *faulty) set(mode string) { f.mode.Store(mode) }

func (f *faulty) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.calls.Add(1)
	mode, _ := f.mode.Load().(string)
	switch mode {
	case "down":
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	case "slow":
		io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	case "huge":
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"answers":[`+strings.Repeat(" ", 1<<20)+`],"hits":0}`)
	case "truncated":
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"answers":[{"system":"SIS","status":"answered","hits":[`)
	case "extra":
		rec := httptest.NewRecorder()
		f.api.ServeHTTP(rec, r)
		w.Header().Set("Content-Type", rec.Header().Get("Content-Type"))
		w.WriteHeader(rec.Code)
		w.Write(bytes.Replace(rec.Body.Bytes(), []byte("{"), []byte(`{"injected":true,`), 1))
	default:
		f.api.ServeHTTP(w, r)
	}
}

// nodes are two secunion nodes, each the real API over its own SQLite
// store: A holds ETIAS and the other systems itself and asks B for SIS and
// VIS as the service user node-a of B's national ETIAS unit.
type nodes struct {
	a, b  *apiEnv
	bAPI  *faulty
	clock *secunion.FakeClock // the breakers' clock
}

// twoNodes starts B, then A with SIS and VIS remote to B. o sets the
// remotes' options beyond the URL and, unless it names one, the token;
// timeout is A's per-system timeout.
func twoNodes(t *testing.T, o search.RemoteOptions, timeout time.Duration) *nodes {
	return startNodes(t, o, timeout, httptest.NewServer)
}

// startNodes is twoNodes with B served by start; an o.CAFile of "B"
// stands for a file holding B's own certificate.
func startNodes(t *testing.T, o search.RemoteOptions, timeout time.Duration, start func(http.Handler) *httptest.Server) *nodes {
	t.Helper()
	n := &nodes{b: newAPI(t), clock: secunion.NewFakeClock(time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC))}
	n.b.addUser(t, access.Authority{Code: "ES-ETIAS", Name: "ETIAS National Unit", Country: "ES", Kind: access.KindETIASUnit}, "node-a", access.RoleNode)
	n.bAPI = &faulty{api: n.b.withPortal(t, nodeBRecords, nil, 0)}
	bSrv := start(n.bAPI)
	t.Cleanup(bSrv.Close)
	if o.CAFile == "B" {
		o.CAFile = filepath.Join(t.TempDir(), "ca.pem")
		os.WriteFile(o.CAFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: bSrv.Certificate().Raw}), 0o600)
	}

	n.a = newAPI(t)
	n.a.addUser(t, access.Authority{Code: "EU-ETIAS-CU", Name: "ETIAS Central Unit", Country: "EU", Kind: access.KindETIASCentral}, "lena")
	remotes := map[string]search.Source{}
	for _, sys := range remoteSystems {
		ro := o
		ro.System, ro.URL, ro.Clock = sys, bSrv.URL, n.clock
		if ro.Token == "" {
			ro.Token = n.b.tokens["node-a"]
		}
		r, err := search.NewRemote(ro)
		if err != nil {
			t.Fatal(err)
		}
		remotes[sys] = r
	}
	aSrv := httptest.NewServer(n.a.withPortal(t, nodeARecords, remotes, timeout))
	t.Cleanup(aSrv.Close)
	n.a.srv = aSrv
	return n
}

// addUser creates an authority and a user of it with an API token, an
// officer unless other roles are given.
func (e *apiEnv) addUser(t *testing.T, a access.Authority, login string, roles ...string) {
	t.Helper()
	ctx := context.Background()
	if _, err := e.db.CreateAuthority(ctx, secunion.LocalOperator, a); err != nil {
		t.Fatal(err)
	}
	if roles == nil {
		roles = []string{access.RoleOfficer}
	}
	if _, err := e.db.CreateUser(ctx, secunion.LocalOperator, access.User{Login: login, Name: login, Authority: a.Code, Roles: roles}, ""); err != nil {
		t.Fatal(err)
	}
	secret, _, err := e.db.CreateToken(ctx, secunion.LocalOperator, login, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	e.tokens[login] = secret
}

// withPortal stores records and returns the node's API with a portal over
// its own systems, except those in remote.
func (e *apiEnv) withPortal(t *testing.T, records []identity.Record, remote map[string]search.Source, timeout time.Duration) http.Handler {
	t.Helper()
	ctx := context.Background()
	index := search.NewIndex()
	for _, r := range records {
		if _, _, err := e.db.PutRecord(ctx, secunion.LocalOperator, access.Declaration{Purpose: secunion.PurposeAdministration}, access.Profile{}, r); err != nil {
			t.Fatal(err)
		}
		index.Put(r)
	}
	portal := &search.Portal{Clock: e.db.Clock(), Audit: e.db.Append, Timeout: timeout, Sources: map[string]search.Source{}}
	for _, sys := range identity.Systems {
		portal.Sources[sys] = search.Local{System: sys, Index: index, Records: e.db, Clock: e.db.Clock()}
		if r, ok := remote[sys]; ok {
			portal.Sources[sys] = r
		}
	}
	return httpapi.New(httpapi.Config{DB: e.db, Portal: portal})
}

var (
	etiasCheck = map[string]string{"X-Purpose": "travel-authorisation"}
	eriksson   = map[string]any{"surname": "Eriksson", "given_names": "Anna", "birth_date": "1974-08-12"}
)

// searchAs runs eriksson on e as login and returns the answers by system.
func (e *apiEnv) searchAs(t *testing.T, login string, headers map[string]string) map[string]search.Answer {
	t.Helper()
	var res struct{ Answers []search.Answer }
	if r := e.call(t, login, "POST", "/api/v1/search", eriksson, headers, &res); r.StatusCode != 200 {
		t.Fatalf("search: %d", r.StatusCode)
	}
	out := map[string]search.Answer{}
	for _, a := range res.Answers {
		out[a.System] = a
	}
	return out
}

// auditOf returns the entries of B's log made for node-a with operation op.
func (e *apiEnv) auditOf(t *testing.T, user, op string) []struct {
	Authority, User, Purpose string
	Objects, Recipients      []string
} {
	t.Helper()
	var found struct {
		Entries []struct {
			Authority, User, Purpose string
			Objects, Recipients      []string
		}
	}
	e.call(t, "dpo", "POST", "/api/v1/audit/search", map[string]any{"user": user, "operation": op}, map[string]string{"X-Purpose": "data-protection-supervision"}, &found)
	return found.Entries
}

func TestRemoteSystems(t *testing.T) {
	n := twoNodes(t, search.RemoteOptions{}, 0)

	// Lena of the ETIAS Central Unit finds B's records through A, with
	// the fields of her own profile: B lets its national ETIAS unit's
	// service user see visa data, A cuts them.
	got := n.a.searchAs(t, "lena", etiasCheck)
	if len(got) != len(identity.Systems) {
		t.Fatalf("answers from %d systems, want all %d: %+v", len(got), len(identity.Systems), got)
	}
	sis, vis, etias := got["SIS"], got["VIS"], got["ETIAS"]
	if sis.Status != search.Answered || len(sis.Hits) != 1 || sis.Hits[0].RecordID != "S1" || sis.Hits[0].Record.SIS == nil || sis.Hits[0].Record.Biometrics != nil {
		t.Errorf("SIS through B: %+v", sis)
	}
	if vis.Status != search.Answered || len(vis.Hits) != 1 || vis.Hits[0].Record.Person == nil || vis.Hits[0].Record.VIS != nil {
		t.Errorf("VIS through B, cut to lena's profile: %+v", vis)
	}
	if etias.Status != search.Answered || etias.Hits[0].RecordID != "T1" {
		t.Errorf("A's own ETIAS: %+v", etias)
	}
	var direct identity.Record
	n.b.call(t, "node-a", "GET", "/api/v1/systems/VIS/records/V1", nil, map[string]string{"X-Purpose": "travel-authorisation", "X-On-Behalf-Of": "EU-ETIAS-CU/lena"}, &direct)
	if direct.VIS == nil {
		t.Fatalf("B hides visa data from its own ETIAS unit: the cut above proves nothing")
	}

	// B's log shows the consultation by A's service user for lena.
	entries := n.b.auditOf(t, "node-a", "consultation")
	var forLena int
	for _, e := range entries {
		if e.Authority == "ES-ETIAS" && e.Purpose == "travel-authorisation" && strings.Join(e.Recipients, ",") == "EU-ETIAS-CU/lena" {
			forLena++
		}
	}
	// Per system: the query and its answers; and the direct read above,
	// made for lena too.
	if forLena != 5 {
		t.Errorf("B's log for lena: %+v", entries)
	}

	// Records are fetched from B, cut to lena's profile, logged on both.
	var rec identity.Record
	if r := n.a.call(t, "lena", "GET", "/api/v1/systems/VIS/records/V1", nil, etiasCheck, &rec); r.StatusCode != 200 || rec.ID != "V1" || rec.Person == nil || rec.VIS != nil {
		t.Errorf("VIS record through A: %d %+v", r.StatusCode, rec)
	}
	var ae apiError
	if r := n.a.call(t, "lena", "GET", "/api/v1/systems/SIS/records/NONE", nil, etiasCheck, &ae); r.StatusCode != 404 {
		t.Errorf("absent record through A: %d %+v", r.StatusCode, ae)
	}
	// A write to a system held by B is refused on A, where no search
	// would read it.
	put := identity.Record{Person: &identity.Person{Surname: "Doe", GivenNames: "Jane", BirthDate: "1990-01-01"}}
	if r := n.a.call(t, "lena", "PUT", "/api/v1/systems/VIS/records/V9", put, etiasCheck, &ae); r.StatusCode != 409 || !strings.Contains(ae.Error.Message, "held by another node") {
		t.Errorf("write to a remote system on A: %d %+v", r.StatusCode, ae)
	}
	if e := n.b.auditOf(t, "node-a", "consultation"); len(e) != len(entries)+1 || e[0].Objects[0] != "record:VIS/V1" || e[0].Recipients[0] != "EU-ETIAS-CU/lena" {
		t.Errorf("B's log of the record read: %+v", e)
	}
	if e := n.a.auditOf(t, "lena", "consultation"); len(e) != 3 || e[0].Objects[0] != "record:VIS/V1" {
		t.Errorf("A's log of lena: %+v", e)
	}

	// The remote profile is the service user's: B refuses a border check
	// by its ETIAS unit, and says so; A's own systems answer.
	got = n.a.searchAs(t, "anna", map[string]string{"X-Purpose": "border-check"})
	if got["SIS"].Status != search.Failed || !strings.Contains(got["SIS"].Error, "etias-unit may not act for purpose border-check") || got["ETIAS"].Status != search.Answered {
		t.Errorf("border check through B's ETIAS unit: %+v", got)
	}
}

func TestRemoteStatus(t *testing.T) {
	n := twoNodes(t, search.RemoteOptions{}, 0)
	var st search.SystemStatus
	if r := n.a.call(t, "lena", "GET", "/api/v1/systems/SIS/status", nil, etiasCheck, &st); r.StatusCode != 200 ||
		st.System != "SIS" || st.State != search.Up || !st.Remote || st.Records == nil || *st.Records != 1 {
		t.Errorf("remote SIS: %d %+v", r.StatusCode, st)
	}
	st = search.SystemStatus{}
	if n.a.call(t, "lena", "GET", "/api/v1/systems/etias/status", nil, etiasCheck, &st); st.State != search.Up || st.Remote || st.Records == nil || *st.Records != 1 {
		t.Errorf("local ETIAS: %+v", st)
	}
	border := map[string]string{"X-Purpose": "border-check"}
	for _, tc := range []struct {
		name, path string
		headers    map[string]string
		status     int
	}{
		{"unknown system", "/api/v1/systems/NOPE/status", border, 404},
		{"outside the profile", "/api/v1/systems/Eurodac/status", border, 404},
		{"no purpose", "/api/v1/systems/SIS/status", nil, 403},
		{"an end user named by an officer", "/api/v1/systems/SIS/status", map[string]string{"X-Purpose": "border-check", "X-On-Behalf-Of": "DE-BPOL/anna"}, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ae apiError
			r := n.a.call(t, "anna", "GET", tc.path, nil, tc.headers, &ae)
			if r.StatusCode != tc.status || strings.Contains(ae.Error.Message, "profile") || strings.Contains(ae.Error.Message, "Eurodac") {
				t.Errorf("%d %+v, want %d naming no system", r.StatusCode, ae, tc.status)
			}
		})
	}
	if e := n.a.auditOf(t, "anna", "access-denied"); len(e) != 3 {
		t.Errorf("refusals not logged: %+v", e)
	}
}

func TestRemoteDownBreaker(t *testing.T) {
	n := twoNodes(t, search.RemoteOptions{Failures: 3, CoolDown: 30 * time.Second}, 0)
	n.bAPI.set("down")
	for i := range 3 {
		start := time.Now()
		got := n.a.searchAs(t, "lena", etiasCheck)
		if took := time.Since(start); took > time.Second {
			t.Errorf("search %d with B down took %v", i, took)
		}
		if got["SIS"].Status != search.Failed || !strings.Contains(got["SIS"].Error, "cannot be reached") || got["ETIAS"].Status != search.Answered {
			t.Fatalf("search %d with B down: %+v", i, got)
		}
	}
	// Three failures in a row: B is not asked any more for a while.
	calls := n.bAPI.calls.Load()
	got := n.a.searchAs(t, "lena", etiasCheck)
	if got["SIS"].Status != search.Failed || !strings.Contains(got["SIS"].Error, "down after 3 failures in a row") || !strings.Contains(got["SIS"].Error, "next try in 30 s") {
		t.Errorf("open breaker: %+v", got["SIS"])
	}
	var st search.SystemStatus
	n.a.call(t, "lena", "GET", "/api/v1/systems/SIS/status", nil, etiasCheck, &st)
	if st.State != search.Down || !strings.Contains(st.LastError, "down after 3 failures") || st.LastErrorAt.IsZero() {
		t.Errorf("status with the breaker open: %+v", st)
	}
	if c := n.bAPI.calls.Load(); c != calls {
		t.Errorf("B was asked %d times while the breaker was open", c-calls)
	}
	// After the cool-down one probe per system goes through; B is still
	// down, so the breaker opens again.
	n.clock.Advance(31 * time.Second)
	if got := n.a.searchAs(t, "lena", etiasCheck); !strings.Contains(got["SIS"].Error, "cannot be reached") || n.bAPI.calls.Load() != calls+2 {
		t.Errorf("probe: %+v, %d calls to B", got["SIS"], n.bAPI.calls.Load()-calls)
	}
	if got := n.a.searchAs(t, "lena", etiasCheck); !strings.Contains(got["SIS"].Error, "down after 4 failures in a row") || n.bAPI.calls.Load() != calls+2 {
		t.Errorf("after a failed probe: %+v, %d calls to B", got["SIS"], n.bAPI.calls.Load()-calls)
	}
	// B is back: the next probe closes the breaker.
	n.bAPI.set("")
	n.clock.Advance(31 * time.Second)
	if got := n.a.searchAs(t, "lena", etiasCheck); got["SIS"].Status != search.Answered || got["VIS"].Status != search.Answered {
		t.Errorf("after the cool-down: %+v", got)
	}
	if n.a.call(t, "lena", "GET", "/api/v1/systems/SIS/status", nil, etiasCheck, &st); st.State != search.Up {
		t.Errorf("status after recovery: %+v", st)
	}
}

func TestRemoteSlow(t *testing.T) {
	const timeout = time.Second
	n := twoNodes(t, search.RemoteOptions{}, timeout)
	n.bAPI.set("slow")
	body, _ := json.Marshal(eriksson)
	req, _ := http.NewRequest("POST", n.a.srv.URL+"/api/v1/search", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+n.a.tokens["lena"])
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Purpose", "travel-authorisation")
	req.Header.Set("Accept", "application/x-ndjson")
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	arrived := map[string]time.Duration{}
	status := map[string]string{}
	lines := bufio.NewScanner(resp.Body)
	for lines.Scan() {
		var line struct{ Answer *search.Answer }
		if err := json.Unmarshal(lines.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		if line.Answer != nil {
			arrived[line.Answer.System], status[line.Answer.System] = time.Since(start), line.Answer.Status
		}
	}
	for _, sys := range remoteSystems {
		if status[sys] != search.TimedOut || arrived[sys] < timeout {
			t.Errorf("%s on a slow B: %s after %v", sys, status[sys], arrived[sys])
		}
	}
	if status["ETIAS"] != search.Answered || arrived["ETIAS"] > timeout/2 {
		t.Errorf("A's own ETIAS held up by a slow B: %s after %v", status["ETIAS"], arrived["ETIAS"])
	}
}

func TestRemoteBadAnswers(t *testing.T) {
	for _, tc := range []struct {
		mode, token, want string
	}{
		{"huge", "", "over the limit of 65536 bytes"},
		{"truncated", "", "malformed answer (unexpected end)"},
		{"extra", "", `malformed answer (unknown field "injected")`},
		{"", "sut_forged", "authentication failed"},
	} {
		t.Run(tc.mode+tc.token, func(t *testing.T) {
			n := twoNodes(t, search.RemoteOptions{Token: tc.token, MaxAnswer: 64 << 10}, 0)
			n.bAPI.set(tc.mode)
			got := n.a.searchAs(t, "lena", etiasCheck)
			if got["SIS"].Status != search.Failed || !strings.Contains(got["SIS"].Error, tc.want) || len(got["SIS"].Hits) != 0 {
				t.Errorf("SIS: %+v, want failed with %q", got["SIS"], tc.want)
			}
			if got["ETIAS"].Status != search.Answered {
				t.Errorf("A's own ETIAS: %+v", got["ETIAS"])
			}
			var st search.SystemStatus
			n.a.call(t, "lena", "GET", "/api/v1/systems/SIS/status", nil, etiasCheck, &st)
			if st.State != search.Down || st.LastError == "" {
				t.Errorf("status: %+v", st)
			}
		})
	}
}

func TestRemoteTLS(t *testing.T) {
	// B's certificate is trusted through the CA file.
	n := startNodes(t, search.RemoteOptions{CAFile: "B"}, 0, httptest.NewTLSServer)
	if got := n.a.searchAs(t, "lena", etiasCheck); got["SIS"].Status != search.Answered {
		t.Errorf("SIS over TLS: %+v", got["SIS"])
	}
	// Without it, B's self-signed certificate is refused.
	n = startNodes(t, search.RemoteOptions{}, 0, httptest.NewTLSServer)
	if got := n.a.searchAs(t, "lena", etiasCheck); got["SIS"].Status != search.Failed || !strings.Contains(got["SIS"].Error, "TLS certificate this node does not trust") {
		t.Errorf("SIS over TLS with an untrusted certificate: %+v", got["SIS"])
	}
}
