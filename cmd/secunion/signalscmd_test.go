package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/httpapi"
	"secunion/signals"
	"secunion/store"
)

// md5s are the hashes of the pull tests.
var md5s = []string{
	"0cc175b9c0f1b6a831c399e269772661", "92eb5ffee6ae2fec3ad71c777531578f", "4a8a08f09d37b73795649038408b5f33",
	"8277e0910d750195b448797616e091ad", "e1671797c52e15f763380b45e841ec32",
}

var curator = secunion.Actor{Login: "o", Authority: "BE-TCO", AuthorityKind: string(access.KindTCOAuthority)}

// exchangeNode serves a data folder's API over real HTTP, in front of a
// gate that records the `after` of each request of the TAT feed, answers
// it after delay, and answers 503 from request number failFrom on (when
// not 0).
type exchangeNode struct {
	db       *store.DB
	srv      *httptest.Server
	delay    time.Duration // before each answer of the feed
	failFrom atomic.Int32
	mu       sync.Mutex
	afters   []string
}

func newExchangeNode(t *testing.T, dir string) *exchangeNode {
	t.Helper()
	keys, err := store.LoadKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := &exchangeNode{db: openData(t, dir)}
	t.Cleanup(func() { n.db.Close() })
	api := httpapi.New(httpapi.Config{DB: n.db, Verifier: keys.Verifier, VerifierKey: keys.VerifierKey, Version: "test"})
	n.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v1/signals/exchange/tat" {
			n.mu.Lock()
			n.afters = append(n.afters, r.URL.Query().Get("after"))
			count := len(n.afters)
			n.mu.Unlock()
			time.Sleep(n.delay)
			if f := n.failFrom.Load(); f > 0 && count >= int(f) {
				http.Error(w, `{"error":{"code":"unavailable","message":"node A is restarting"}}`, http.StatusServiceUnavailable)
				return
			}
		}
		api.ServeHTTP(w, r)
	}))
	t.Cleanup(n.srv.Close)
	return n
}

// bankState is a bank's entries as "value:on|off", in change order.
func bankState(t *testing.T, db *store.DB, bank string) []string {
	t.Helper()
	cs, err := db.SignalChangesAfter(context.Background(), bank, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range cs {
		out = append(out, c.Entry.Value[:6]+":"+map[bool]string{true: "on", false: "off"}[c.Entry.Enabled])
	}
	slices.Sort(out)
	return out
}

// TestPullResumes: node B follows node A's bank over real HTTP, two
// hashes a page. A goes down after two pages; B restarts (its store
// closed and opened again) and resumes after the last page stored, asking
// for nothing twice; every hash arrives once. A hash disabled on A is
// disabled on B at the next pull.
func TestPullResumes(t *testing.T) {
	ctx := context.Background()
	dirA, dirB := t.TempDir(), t.TempDir()
	token := officer(t, dirA, "BE-TCO", "tco-authority", "node-b")
	a := newExchangeNode(t, dirA)
	var added []signals.Entry
	for _, v := range md5s {
		e, _, err := a.db.AddSignal(ctx, curator, signals.Entry{Bank: "tco-removed", Algorithm: signals.AlgMD5, Value: v, Source: signals.SourceRemovalOrder,
			Labels: signals.Labels{ContentType: "video", Entity: "Example Front"}})
		if err != nil {
			t.Fatal(err)
		}
		added = append(added, e)
	}
	a.db.AddSignal(ctx, curator, signals.Entry{Bank: "other", Algorithm: signals.AlgMD5, Value: md5s[0], Source: signals.SourceManual})
	source := a.srv.URL + "/api/v1/signals/exchange/tat?bank=tco-removed"
	client, err := pullClient("")
	if err != nil {
		t.Fatal(err)
	}
	puller := func(db *store.DB) *signals.Puller {
		return &signals.Puller{Bank: "mirror", URL: source, Token: token, Client: client, Limit: 2, Log: slog.New(slog.DiscardHandler),
			Target: bankPull{db: db, bank: "mirror", source: source}}
	}
	b := openData(t, dirB)

	// Two pages, then A is down.
	a.failFrom.Store(3)
	pages, items, err := puller(b).Sync(ctx)
	if pages != 2 || items != 4 || secunion.CodeOf(err) != secunion.Unavailable || !strings.Contains(secunion.MessageOf(err), "node A is restarting") {
		t.Fatalf("with A down: %d pages, %d hashes, %v", pages, items, err)
	}
	ps, _ := b.PullState(ctx, "mirror", source)
	if got := bankState(t, b, "mirror"); ps.Pages != 2 || !strings.HasSuffix(ps.Checkpoint, ",4") || len(got) != 4 {
		t.Fatalf("after two pages: state %+v, %v stored", ps, got)
	}

	// B restarts; A is back.
	b.Close()
	b = openData(t, dirB)
	defer b.Close()
	a.mu.Lock()
	asked := len(a.afters)
	a.mu.Unlock()
	a.failFrom.Store(0)
	if _, _, err := puller(b).Sync(ctx); err != nil {
		t.Fatal(err)
	}
	a.mu.Lock()
	resumedAt := a.afters[asked]
	a.mu.Unlock()
	if resumedAt != ps.Checkpoint {
		t.Errorf("B resumed after %q, want its checkpoint %q", resumedAt, ps.Checkpoint)
	}
	want := []string{"0cc175:on", "4a8a08:on", "8277e0:on", "92eb5f:on", "e16717:on"}
	if got := bankState(t, b, "mirror"); !slices.Equal(got, want) {
		t.Fatalf("B's mirror: %v, want %v", got, want)
	}
	if n, _ := b.SignalBankSize(ctx, "mirror"); n != 5 {
		t.Errorf("B holds %d entries, want 5", n)
	}
	cs, _ := b.SignalChangesAfter(ctx, "mirror", 0, 10)
	if e := cs[0].Entry; e.Source != signals.SourceImport || e.SourceRef != source || e.Labels.Entity != "Example Front" || e.Labels.ContentType != "video" {
		t.Errorf("a pulled entry: %+v", e)
	}

	// A deletion upstream reaches B.
	if _, err := a.db.SetSignalEnabled(ctx, curator, added[1].ID, false); err != nil {
		t.Fatal(err)
	}
	if pages, items, err := puller(b).Sync(ctx); err != nil || pages != 1 || items != 1 {
		t.Errorf("pulling the deletion: %d pages, %d hashes, %v", pages, items, err)
	}
	want[3] = "92eb5f:off"
	if got := bankState(t, b, "mirror"); !slices.Equal(got, want) {
		t.Errorf("after the deletion: %v, want %v", got, want)
	}
	if pages, _, err := puller(b).Sync(ctx); err != nil || pages != 0 {
		t.Errorf("nothing new: %d pages, %v", pages, err)
	}
}

// tatPartner is a partner's hash list in TAT's own shape: ids, times
// without a zone, `after` as "{UTC},{id}", no checkpoint field (the
// reader takes the last item's), a Bearer token required.
type tatPartner struct {
	mu    sync.Mutex
	items []map[string]any
}

func (p *tatPartner) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer partner-secret" {
		http.Error(w, `{"detail":"Authentication credentials were not provided."}`, http.StatusUnauthorized)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	after := r.URL.Query().Get("after")
	var page []map[string]any
	for _, it := range p.items {
		key := fmt.Sprintf("%s,%d", it["updated_on"], it["id"])
		if after == "" || key > after {
			page = append(page, it)
		}
	}
	slices.SortFunc(page, func(x, y map[string]any) int {
		return strings.Compare(fmt.Sprintf("%s,%d", x["updated_on"], x["id"]), fmt.Sprintf("%s,%d", y["updated_on"], y["id"]))
	})
	if len(page) > 2 {
		page = page[:2]
	}
	json.NewEncoder(w).Encode(map[string]any{"count": len(p.items), "next": nil, "results": page})
}

// TestPullTATPartner follows a TAT-shaped partner: its items arrive with
// their ideology and file type, a page with a bad hash is refused whole
// (nothing stored, the checkpoint kept), and an item it deletes is
// disabled.
func TestPullTATPartner(t *testing.T) {
	ctx := context.Background()
	partner := &tatPartner{}
	for i, v := range md5s[:3] {
		partner.items = append(partner.items, map[string]any{"id": i + 1, "hash_digest": strings.ToUpper(v), "algorithm": "MD5", "ideology": "far-right",
			"file_type": "mp4", "deleted": false, "created_on": "2025-03-01T10:00:00.000000", "updated_on": fmt.Sprintf("2025-03-01T10:00:0%d.000000", i)})
	}
	srv := httptest.NewServer(partner)
	defer srv.Close()
	b := openData(t, t.TempDir())
	defer b.Close()
	source := srv.URL + "/hash-list/v2/all?ideology=all"
	client, _ := pullClient("")
	p := &signals.Puller{Bank: "tat-list", URL: source, Client: client, Log: slog.New(slog.DiscardHandler), Target: bankPull{db: b, bank: "tat-list", source: source}}
	if _, _, err := p.Sync(ctx); secunion.CodeOf(err) != secunion.Unavailable || !strings.Contains(secunion.MessageOf(err), "401 Unauthorized: Authentication credentials were not provided.") {
		t.Errorf("without the token: %v", err)
	}
	p.Token = "partner-secret"
	if pages, items, err := p.Sync(ctx); err != nil || pages != 2 || items != 3 {
		t.Fatalf("first pull: %d pages, %d hashes, %v", pages, items, err)
	}
	cs, _ := b.SignalChangesAfter(ctx, "tat-list", 0, 10)
	if len(cs) != 3 || cs[0].Entry.Labels.Ideology != "far-right" || cs[0].Entry.Labels.ContentType != "video" || cs[0].Entry.Value != md5s[0] {
		t.Fatalf("pulled: %+v", cs)
	}
	ps, _ := b.PullState(ctx, "tat-list", source)
	if ps.Checkpoint != "2025-03-01T10:00:02.000000,3" {
		t.Errorf("checkpoint %q", ps.Checkpoint)
	}

	// A bad hash spoils its page: nothing of it is stored.
	partner.mu.Lock()
	partner.items = append(partner.items,
		map[string]any{"id": 4, "hash_digest": md5s[3], "algorithm": "MD5", "deleted": false, "updated_on": "2025-03-02T00:00:00.000000"},
		map[string]any{"id": 5, "hash_digest": "not-a-hash", "algorithm": "MD5", "deleted": false, "updated_on": "2025-03-02T00:00:01.000000"})
	partner.mu.Unlock()
	if _, _, err := p.Sync(ctx); err == nil || !strings.Contains(secunion.MessageOf(err), "item 2 (hash_digest)") {
		t.Errorf("a bad page: %v", err)
	}
	if after, _ := b.PullState(ctx, "tat-list", source); after != ps || len(bankState(t, b, "tat-list")) != 3 {
		t.Errorf("the bad page changed the bank or the checkpoint: %+v", after)
	}

	// Fixed, and the first hash deleted.
	partner.mu.Lock()
	partner.items[4]["hash_digest"] = md5s[4]
	partner.items[0]["deleted"], partner.items[0]["updated_on"] = true, "2025-03-03T00:00:00.000000"
	partner.mu.Unlock()
	if pages, items, err := p.Sync(ctx); err != nil || pages != 2 || items != 3 {
		t.Errorf("second pull: %d pages, %d hashes, %v", pages, items, err)
	}
	want := []string{"0cc175:off", "4a8a08:on", "8277e0:on", "92eb5f:on", "e16717:on"}
	if got := bankState(t, b, "tat-list"); !slices.Equal(got, want) {
		t.Errorf("after the second pull: %v, want %v", got, want)
	}
}

// TestServePull: `secunion serve --pull` on node B follows node A's bank
// from start: a hash added on A is found by a lookup on B, and once
// disabled on A no longer is.
func TestServePull(t *testing.T) {
	dirA, dirB := t.TempDir(), t.TempDir()
	tcoA := officer(t, dirA, "BE-TCO", "tco-authority", "tco")
	nodeB := officer(t, dirA, "NL-TCO", "tco-authority", "node-b")
	vidB := officer(t, dirB, "IE-VIDSHARE", "hosting-provider", "vid")
	tokenFile := filepath.Join(t.TempDir(), "pull.token")
	os.WriteFile(tokenFile, []byte(nodeB+"\n"), 0o600)
	noEnv := func(string) string { return "" }
	urlA := startServe(t, noEnv, "--data", dirA)
	urlB := startServe(t, noEnv, "--data", dirB, "--pull", "mirror="+urlA+"/api/v1/signals/exchange/tat?bank=tco-removed",
		"--pull-token-file", tokenFile, "--pull-every", "50ms")

	var e signals.Entry
	if st := apiCall(t, "POST", urlA+"/api/v1/signals/banks/tco-removed/entries", tcoA, "", map[string]any{"algorithm": "md5", "value": md5s[0], "source": "manual"}, &e); st != http.StatusCreated {
		t.Fatalf("add on A: %d", st)
	}
	matches := func() int {
		var res struct {
			Matches []struct{ Entry signals.Entry }
		}
		if st := apiCall(t, "GET", urlB+"/api/v1/signals/lookup?algorithm=md5&value="+md5s[0], vidB, "", nil, &res); st != http.StatusOK {
			t.Fatalf("lookup on B: %d", st)
		}
		return len(res.Matches)
	}
	waitUntil(t, 20*time.Second, "the hash added on A found on B", func() bool { return matches() == 1 })
	if st := apiCall(t, "POST", fmt.Sprintf("%s/api/v1/signals/entries/%d/enabled", urlA, e.ID), tcoA, "", map[string]bool{"enabled": false}, nil); st != http.StatusOK {
		t.Fatalf("disable on A: %d", st)
	}
	waitUntil(t, 20*time.Second, "the hash disabled on A no longer found on B", func() bool { return matches() == 0 })
}

// TestServePullFlags: a bad --pull is refused naming what is wrong.
func TestServePullFlags(t *testing.T) {
	for _, c := range []struct{ arg, says string }{
		{"mirror", "BANK=URL"},
		{"Mirror=https://b.example/x", "bank"},
		{"mirror=ftp://b.example/x", "not an http or https URL"},
		{"mirror=https://user:pw@b.example/x", "without credentials"},
		{"incident-abc=https://b.example/x", "crisis protocol"},
	} {
		_, errs, err := cli(t, "", "serve", "--data", t.TempDir(), "--pull", c.arg)
		if err == nil || !strings.Contains(errs, c.says) {
			t.Errorf("--pull %s: %v %s", c.arg, err, errs)
		}
	}
}

// TestSignalsCommands imports a CSV list into a bank and exports it in
// each format; a list with a bad line is refused naming it and changes
// nothing.
func TestSignalsCommands(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(t.TempDir(), "partner.csv")
	os.WriteFile(list, []byte("algorithm,value,content_type,ideology,deleted\nmd5,"+md5s[0]+",image,jihadist,false\nmd5,"+md5s[1]+",,,false\nmd5,"+md5s[2]+",,,true\n"), 0o600)
	out := mustCLI(t, "", "signals", "import", "--data", dir, "--bank", "partner", list)
	if !strings.Contains(out, "3 hashes read, 2 added, 0 enabled again, 0 disabled, 1 unchanged") {
		t.Errorf("import: %s", out)
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("algorithm,value\nmd5,"+md5s[3]+"\nmd5,xyz\n"), 0o600)
	if _, _, err := cli(t, "", "signals", "import", "--data", dir, "--bank", "partner", bad); secunion.CodeOf(err) != secunion.Invalid || !strings.Contains(secunion.MessageOf(err), "line 3 (value)") {
		t.Errorf("a bad list: %v", err)
	}
	csvOut := mustCLI(t, "", "signals", "export", "--data", dir, "--bank", "partner", "--format", "csv")
	if l, err := signals.ReadCSV(strings.NewReader(csvOut)); err != nil || len(l.Items) != 2 || l.Items[0].Labels.Ideology != "jihadist" {
		t.Errorf("CSV export after the bad list: %v %s", err, csvOut)
	}
	stixFile := filepath.Join(t.TempDir(), "partner.json")
	mustCLI(t, "", "signals", "export", "--data", dir, "--bank", "partner", "--out", stixFile)
	out = mustCLI(t, "", "signals", "import", "--data", dir, "--bank", "copy", "--format", "stix", stixFile)
	if !strings.Contains(out, "2 hashes read, 2 added") {
		t.Errorf("the STIX export imported: %s", out)
	}
	tat := mustCLI(t, "", "signals", "export", "--data", dir, "--bank", "copy", "--format", "tat")
	if l, err := signals.ReadTAT(strings.NewReader(tat)); err != nil || len(l.Items) != 2 || !strings.HasSuffix(l.Checkpoint, ",4") {
		t.Errorf("TAT export: %v %s", err, tat)
	}
	for _, args := range [][]string{
		{"signals", "import", "--data", dir, "--bank", "partner", filepath.Join(dir, "list.json")},
		{"signals", "export", "--data", dir, "--bank", "nothing"},
		{"signals", "import", "--data", dir, "--bank", "incident-abc", list},
		{"signals", "export", "--data", dir},
		{"signals", "frobnicate"},
	} {
		if _, _, err := cli(t, "", args...); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

// TestPullSurvivesSIGKILL runs the real binary as node B, pulling node
// A's bank of 3,000 hashes a hundred at a time, and kills it with SIGKILL
// mid-pull. What B stored is exactly the pages its checkpoint counts; B
// restarted asks A after that checkpoint first, and ends with every hash
// once.
func TestPullSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("SIGKILL test skipped in -short mode")
	}
	bin := filepath.Join(t.TempDir(), "secunion")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	ctx := context.Background()
	dirA, dirB := t.TempDir(), t.TempDir()
	token := officer(t, dirA, "BE-TCO", "tco-authority", "node-b")
	a := newExchangeNode(t, dirA)
	a.delay = 20 * time.Millisecond
	var list []signals.Item
	for i := range 3000 {
		var it signals.Item
		it.Algorithm, it.Value = signals.AlgSHA256, fmt.Sprintf("%064x", i+1)
		list = append(list, it)
	}
	if _, err := a.db.ImportSignals(ctx, curator, store.SignalImportInput{Bank: "partner-list", Items: list}); err != nil {
		t.Fatal(err)
	}
	tokenFile := filepath.Join(t.TempDir(), "pull.token")
	os.WriteFile(tokenFile, []byte(token+"\n"), 0o600)
	source := a.srv.URL + "/api/v1/signals/exchange/tat?bank=partner-list&limit=100"
	args := []string{"serve", "--data", dirB, "--addr", freeAddr(t), "--pull", "mirror=" + source, "--pull-token-file", tokenFile, "--pull-every", "100ms"}
	asked := func() int {
		a.mu.Lock()
		defer a.mu.Unlock()
		return len(a.afters)
	}
	inspect := func() (store.PullState, int) {
		keys, err := store.LoadVerifier(dirB)
		if err != nil {
			t.Fatal(err)
		}
		db, err := store.OpenSQLite(ctx, dirB, store.Options{Keys: keys, Inspect: true})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		ps, err := db.PullState(ctx, "mirror", source)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := db.SignalBankSize(ctx, "mirror")
		return ps, n
	}

	kill := startBinary(t, bin, args...)
	waitUntil(t, 60*time.Second, "B half-way through A's bank", func() bool { return asked() >= 12 })
	kill()
	ps, n := inspect()
	if ps.Pages == 0 || ps.Pages >= 30 || n != int(ps.Pages)*100 || !strings.HasSuffix(ps.Checkpoint, fmt.Sprintf(",%d", ps.Pages*100)) {
		t.Fatalf("after SIGKILL: %d entries stored, pull state %+v", n, ps)
	}
	before := asked()
	kill = startBinary(t, bin, args...)
	waitUntil(t, 60*time.Second, "B caught up", func() bool {
		a.mu.Lock()
		defer a.mu.Unlock()
		return len(a.afters) > before && strings.HasSuffix(a.afters[len(a.afters)-1], ",3000")
	})
	kill()
	a.mu.Lock()
	resumed := a.afters[before]
	a.mu.Unlock()
	if resumed != ps.Checkpoint {
		t.Errorf("B resumed after %q, want its checkpoint %q", resumed, ps.Checkpoint)
	}
	if ps, n := inspect(); n != 3000 || ps.Pages != 30 {
		t.Errorf("in the end: %d entries, pull state %+v", n, ps)
	}
}

// startBinary runs bin with args until the test ends, and returns once
// the node is ready, with the function that kills it with SIGKILL.
func startBinary(t *testing.T, bin string, args ...string) (kill func()) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var logs syncBuffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	kill = func() {
		cmd.Process.Signal(syscall.SIGKILL)
		<-exited
	}
	t.Cleanup(kill)
	waitUntil(t, 30*time.Second, "the node serving", func() bool {
		select {
		case <-exited:
			t.Fatalf("the node exited:\n%s", logs.String())
		default:
		}
		return strings.Contains(logs.String(), `"msg":"serving"`)
	})
	return kill
}

// TestPullTokenAndRedirects: an unreadable pull token file is named by
// its own flag; a partner's redirect to another host or from https to
// http, which would take the token there or send it in clear, is not
// followed.
func TestPullTokenAndRedirects(t *testing.T) {
	f := pullFlags{pulls: []pullSource{{bank: "tat-list", url: "https://node-b.example/api/v1/signals/exchange/tat"}}, tokenFile: filepath.Join(t.TempDir(), "missing")}
	if _, err := startPulls(context.Background(), nil, slog.New(slog.DiscardHandler), f, ""); err == nil || !strings.Contains(secunion.MessageOf(err), "--pull-token-file") {
		t.Errorf("a missing token file: %v", err)
	}
	client, err := pullClient("")
	if err != nil {
		t.Fatal(err)
	}
	from, _ := http.NewRequest("GET", "https://node-b.example/api/v1/signals/exchange/tat", nil)
	for to, follow := range map[string]bool{
		"https://node-b.example/v2/tat":    true,
		"http://node-b.example/v2/tat":     false,
		"https://elsewhere.example/v2/tat": false,
	} {
		req, _ := http.NewRequest("GET", to, nil)
		if err := client.CheckRedirect(req, []*http.Request{from}); (err == nil) != follow {
			t.Errorf("redirect to %s: %v, want followed %v", to, err, follow)
		}
	}
}

// TestWriteFileRemovesPartial: an export that fails midway leaves no
// partial list behind to be taken for a whole one, and leaves a list
// exported before as it was.
func TestWriteFileRemovesPartial(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "bank.json")
	failing := func(w io.Writer) error {
		fmt.Fprint(w, `{"type": "bundle", "objects": [`)
		return errors.New("the store went away")
	}
	err := writeFile(name, failing)
	if err == nil || !strings.Contains(secunion.MessageOf(err), "left as it was") {
		t.Errorf("a failed write: %v", err)
	}
	if _, err := os.Stat(name); !os.IsNotExist(err) {
		t.Errorf("the partial file is left: %v", err)
	}
	if err := writeFile(name, func(w io.Writer) error { _, err := fmt.Fprint(w, "whole"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(name); string(b) != "whole" {
		t.Errorf("a written file holds %q", b)
	}
	if err := writeFile(name, failing); err == nil {
		t.Error("a failed write over a file succeeded")
	}
	if b, _ := os.ReadFile(name); string(b) != "whole" {
		t.Errorf("a failed export over an earlier one left %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}
