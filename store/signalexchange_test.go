package store_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"secunion"
	"secunion/crisis"
	"secunion/signals"
	"secunion/store"
)

const (
	xMD5    = "900150983cd24fb0d6963f7d28e17f72"
	xSHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	xPDQ    = "f8f8f0cee0f4a84f06370a22038f67f0b36e2ed596621e1d33e6339c4e9c9b22"
)

// item is a list's hash.
func item(a signals.Algorithm, v string, deleted bool) signals.Item {
	it := signals.Item{Deleted: deleted}
	it.Algorithm, it.Value = a, v
	return it
}

// changes lists the change feed as "number:value-prefix:enabled".
func changes(t *testing.T, db *store.DB, bank string, after int64) []string {
	t.Helper()
	cs, err := db.SignalChangesAfter(context.Background(), bank, after, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range cs {
		out = append(out, strings.Join([]string{strconv.FormatInt(c.Change, 10), c.Entry.Value[:6], map[bool]string{true: "on", false: "off"}[c.Entry.Enabled]}, ":"))
	}
	return out
}

// TestSignalChangeFeed: every addition, disabling and enabling takes the
// next change number, so a reader after a checkpoint sees deletions; the
// feed filters by bank.
func TestSignalChangeFeed(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		clock := secunion.NewFakeClock(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC))
		db := e.open(t, store.Options{Clock: clock})
		seed(t, db)
		fr, _, _ := removalParties(t, db)
		add := func(bank string, a signals.Algorithm, v string) signals.Entry {
			got, _, err := db.AddSignal(ctx, fr, signals.Entry{Bank: bank, Algorithm: a, Value: v, Source: signals.SourceManual})
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		a := add("tco-removed", signals.AlgMD5, xMD5)
		add("tco-removed", signals.AlgSHA256, xSHA256)
		add("partner-1", signals.AlgPDQ, xPDQ)
		if got := strings.Join(changes(t, db, "", 0), " "); got != "1:900150:on 2:ba7816:on 3:f8f8f0:on" {
			t.Fatalf("feed: %s", got)
		}
		clock.Advance(time.Minute)
		if _, err := db.SetSignalEnabled(ctx, fr, a.ID, false); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(changes(t, db, "", 3), " "); got != "4:900150:off" {
			t.Errorf("after the checkpoint 3, the disabling: %s", got)
		}
		if _, err := db.SetSignalEnabled(ctx, fr, a.ID, false); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(changes(t, db, "", 3), " "); got != "4:900150:off" {
			t.Errorf("disabling a disabled entry numbers nothing: %s", got)
		}
		db.SetSignalEnabled(ctx, fr, a.ID, true)
		if got := strings.Join(changes(t, db, "tco-removed", 0), " "); got != "2:ba7816:on 5:900150:on" {
			t.Errorf("bank tco-removed: %s", got)
		}
		if n, err := db.SignalBankSize(ctx, "tco-removed"); err != nil || n != 2 {
			t.Errorf("bank size %d, %v; want 2", n, err)
		}
		cs, _ := db.SignalChangesAfter(ctx, "tco-removed", 4, 10)
		if len(cs) != 1 || !cs[0].Updated.Equal(clock.Now()) || cs[0].Item().Seq != 5 || cs[0].Item().Deleted {
			t.Errorf("change 5: %+v", cs)
		}
	})
}

// TestSignalImport imports lists into a bank on both engines: new hashes
// added and audited, held ones unchanged, deletions disabling; a bad item
// or a refused caller changes nothing; a pull's checkpoint moves with its
// page, and a page stored by another node first is refused whole.
func TestSignalImport(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		clock := secunion.NewFakeClock(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC))
		db := e.open(t, store.Options{Clock: clock})
		seed(t, db)
		fr, _, vid := removalParties(t, db)
		pdq := item(signals.AlgPDQ, strings.ToUpper(xPDQ), false)
		pdq.Labels = signals.Labels{ContentType: "image", Ideology: "jihadist"}
		list := []signals.Item{pdq, item(signals.AlgMD5, xMD5, false), item(signals.AlgSHA256, xSHA256, true)}
		audit0 := db.AuditSize()
		st, err := db.ImportSignals(ctx, fr, store.SignalImportInput{Bank: "tat-list", Ref: "tat:https://tat.example/hash-list/v2/all", Items: list})
		if err != nil || st != (store.SignalImport{Added: 2, Unchanged: 1}) {
			t.Fatalf("first import: %+v %v", st, err)
		}
		if db.AuditSize() != audit0+2 {
			t.Errorf("audit grew by %d, want one entry a new hash", db.AuditSize()-audit0)
		}
		cs, _ := db.SignalChangesAfter(ctx, "tat-list", 0, 10)
		if len(cs) != 2 || cs[0].Entry.Source != signals.SourceImport || cs[0].Entry.SourceRef != "tat:https://tat.example/hash-list/v2/all" ||
			cs[0].Entry.Labels.Ideology != "jihadist" || cs[0].Entry.Value != xPDQ || cs[0].Entry.AddedBy != "FR-OCLCTIC/fr-oclctic" {
			t.Errorf("imported: %+v", cs)
		}

		// The list deletes the MD5 and holds the SHA-256 now.
		st, err = db.ImportSignals(ctx, fr, store.SignalImportInput{Bank: "tat-list", Items: []signals.Item{item(signals.AlgMD5, xMD5, true), item(signals.AlgSHA256, xSHA256, false), pdq}})
		if err != nil || st != (store.SignalImport{Added: 1, Disabled: 1, Unchanged: 1}) {
			t.Fatalf("second import: %+v %v", st, err)
		}
		st, _ = db.ImportSignals(ctx, fr, store.SignalImportInput{Bank: "tat-list", Items: []signals.Item{item(signals.AlgMD5, xMD5, false)}})
		if st != (store.SignalImport{Enabled: 1}) {
			t.Errorf("held again by the list: %+v", st)
		}
		if got := strings.Join(changes(t, db, "tat-list", 0), " "); got != "1:f8f8f0:on 4:ba7816:on 5:900150:on" {
			t.Errorf("feed: %s", got)
		}

		// Refusals change nothing.
		before, feed := db.AuditSize(), changes(t, db, "", 0)
		bad := []signals.Item{item(signals.AlgMD5, "1111111111111111111111111111111a", false), item(signals.AlgMD5, "123", false)}
		if _, err := db.ImportSignals(ctx, fr, store.SignalImportInput{Bank: "tat-list", Items: bad}); secunion.CodeOf(err) != secunion.Invalid || !strings.Contains(secunion.MessageOf(err), "item 2: value") {
			t.Errorf("a bad item: %v", err)
		}
		if _, err := db.ImportSignals(ctx, fr, store.SignalImportInput{Bank: "Bad Bank", Items: list}); secunion.CodeOf(err) != secunion.Invalid {
			t.Errorf("a bad bank: %v", err)
		}
		if _, err := db.ImportSignals(ctx, vid, store.SignalImportInput{Bank: "tat-list", Items: list}); secunion.CodeOf(err) != secunion.Forbidden {
			t.Errorf("a provider importing: %v", err)
		}
		if db.AuditSize() != before+1 || strings.Join(changes(t, db, "", 0), " ") != strings.Join(feed, " ") {
			t.Errorf("refusals changed the banks or audited %d entries (want the one denial)", db.AuditSize()-before)
		}

		// A pull's pages: the checkpoint moves with each, and a page asked
		// after a checkpoint that has moved on is refused whole.
		src := "https://node-b.example/api/v1/signals/exchange/tat?bank=tco-removed"
		if ps, err := db.PullState(ctx, "mirror", src); err != nil || ps != (store.PullState{}) {
			t.Errorf("before the first page: %+v %v", ps, err)
		}
		page := store.SignalImportInput{Bank: "mirror", Ref: src, Items: list[:1], Pull: &store.PullStep{Source: src, Prev: "", Next: "t,1"}}
		if _, err := db.ImportSignals(ctx, signalsPuller, page); err != nil {
			t.Fatal(err)
		}
		if ps, _ := db.PullState(ctx, "mirror", src); ps.Checkpoint != "t,1" || ps.Pages != 1 {
			t.Errorf("after the first page: %+v", ps)
		}
		page.Items, page.Pull = list[1:2], &store.PullStep{Source: src, Prev: "", Next: "t,2"}
		if _, err := db.ImportSignals(ctx, signalsPuller, page); secunion.CodeOf(err) != secunion.Conflict {
			t.Errorf("a page after an old checkpoint: %v", err)
		}
		if got := strings.Join(changes(t, db, "mirror", 0), " "); got != "6:f8f8f0:on" {
			t.Errorf("the refused page left %s", got)
		}
		page.Pull.Prev = "t,1"
		if st, err := db.ImportSignals(ctx, signalsPuller, page); err != nil || st.Added != 1 {
			t.Errorf("the page after the right checkpoint: %+v %v", st, err)
		}
		if ps, _ := db.PullState(ctx, "mirror", src); ps.Checkpoint != "t,2" || ps.Pages != 2 {
			t.Errorf("after the second page: %+v", ps)
		}
	})
}

// signalsPuller is the local operator, as a node's pull loop runs.
var signalsPuller = secunion.LocalOperator

// TestSignalChangeMigration: entries held before migration 00011 are
// numbered in the change feed when it runs, and the migration runs again
// without harm.
func TestSignalChangeMigration(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		db := e.open(t, store.Options{})
		seed(t, db)
		fr, _, _ := removalParties(t, db)
		for _, v := range []string{xMD5, "11111111111111111111111111111111"} {
			if _, _, err := db.AddSignal(ctx, fr, signals.Entry{Bank: "old", Algorithm: signals.AlgMD5, Value: v, Source: signals.SourceManual}); err != nil {
				t.Fatal(err)
			}
		}
		db.Close()
		for _, q := range []string{`DROP TABLE signal_changes`, `DELETE FROM goose_db_version WHERE version_id >= 11`} {
			if err := e.raw(t, q); err != nil {
				t.Fatal(err)
			}
		}
		db = e.open(t, store.Options{})
		if got := strings.Join(changes(t, db, "", 0), " "); got != "1:900150:on 2:111111:on" {
			t.Errorf("after the migration: %s", got)
		}
		db.Close()
		if err := e.raw(t, `DELETE FROM goose_db_version WHERE version_id >= 8`); err != nil {
			t.Fatal(err)
		}
		db = e.open(t, store.Options{})
		if got := strings.Join(changes(t, db, "", 0), " "); got != "1:900150:on 2:111111:on" {
			t.Errorf("after the migrations ran again: %s", got)
		}
	})
}

// curated opens a store with a curator of the banks, who has added an
// MD5 hash to each of banks.
func curated(t *testing.T, e env, banks ...string) (*store.DB, secunion.Actor) {
	t.Helper()
	db := e.open(t, store.Options{})
	seed(t, db)
	fr, _, _ := removalParties(t, db)
	for _, b := range banks {
		if _, _, err := db.AddSignal(context.Background(), fr, signals.Entry{Bank: b, Algorithm: signals.AlgMD5, Value: xMD5, Source: signals.SourceManual}); err != nil {
			t.Fatal(err)
		}
	}
	return db, fr
}

// TestSignalIncidentBankReserved: no curator writes an incident's bank by
// hand or by list; the crisis protocol alone fills it.
func TestSignalIncidentBankReserved(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		db, fr := curated(t, e)
		bank := crisis.Bank("inc-abc")
		for what, write := range map[string]func() error{
			"an entry added by hand": func() error {
				_, _, err := db.AddSignal(ctx, fr, signals.Entry{Bank: bank, Algorithm: signals.AlgMD5, Value: xMD5, Source: signals.SourceManual})
				return err
			},
			"a list imported": func() error {
				_, err := db.ImportSignals(ctx, fr, store.SignalImportInput{Bank: bank, Items: []signals.Item{item(signals.AlgMD5, xMD5, false)}})
				return err
			},
		} {
			if err := write(); secunion.CodeOf(err) != secunion.Invalid || !strings.Contains(secunion.MessageOf(err), "crisis protocol") {
				t.Errorf("%s into %s: %v", what, bank, err)
			}
		}
		if n, _ := db.SignalBankSize(ctx, bank); n != 0 {
			t.Errorf("the incident's bank holds %d entries", n)
		}
	})
}

// TestSignalChangeRowMissing: an entry stored without a change number (by
// a binary older than the change feed, beside a newer one) still reaches
// the feed when it is disabled, so that pullers see the deletion.
func TestSignalChangeRowMissing(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		db, fr := curated(t, e, "old")
		if err := e.raw(t, `DELETE FROM signal_changes`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SetSignalEnabled(context.Background(), fr, 1, false); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(changes(t, db, "old", 0), " "); got != "1:900150:off" {
			t.Errorf("the feed after disabling: %q, want the deletion", got)
		}
	})
}
