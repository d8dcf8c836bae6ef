package main

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/events"
	"secunion/signals"
	"secunion/store"
)

// TestStartSignals: the matcher is built from the banks' enabled entries
// and follows additions and disablings committed after it started.
func TestStartSignals(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	data := t.TempDir()
	db := openData(t, data)
	defer db.Close()
	curator := secunion.Actor{Login: "o", Authority: "BE-TCO", AuthorityKind: string(access.KindTCOAuthority)}
	add := func(value string) signals.Entry {
		t.Helper()
		e, _, err := db.AddSignal(ctx, curator, signals.Entry{Bank: "tco-removed", Algorithm: signals.AlgMD5, Value: value, Source: signals.SourceManual})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	first := add("900150983cd24fb0d6963f7d28e17f72")
	disabled := add("d41d8cd98f00b204e9800998ecf8427e")
	if _, err := db.SetSignalEnabled(ctx, curator, disabled.ID, false); err != nil {
		t.Fatal(err)
	}

	d := events.NewDispatcher(db, db.Clock(), slog.New(slog.DiscardHandler))
	d.Poll = 20 * time.Millisecond
	db.OnWrite(d.Wake)
	m, err := startSignals(ctx, db, d, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if m.Len() != 1 {
		t.Fatalf("built with %d entries, want the 1 enabled", m.Len())
	}
	go d.Run(ctx)

	later := add("0cc175b9c0f1b6a831c399e269772661")
	if _, err := db.SetSignalEnabled(ctx, curator, first.ID, false); err != nil {
		t.Fatal(err)
	}
	found := func(value string) bool {
		hits, err := m.Lookup(signals.AlgMD5, value, 0)
		if err != nil {
			t.Fatal(err)
		}
		return len(hits) == 1
	}
	for deadline := time.Now().Add(10 * time.Second); !(found(later.Value) && !found(first.Value)); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s: the added entry found %v, the disabled one found %v", found(later.Value), found(first.Value))
		}
	}
	if found(disabled.Value) {
		t.Error("an entry disabled before the start is matched")
	}
}

// openData opens the SQLite store of a data folder with its keys; the
// caller closes it.
func openData(t testing.TB, data string) *store.DB {
	t.Helper()
	keys, err := store.LoadKeys(data)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.OpenSQLite(context.Background(), data, store.Options{Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	return db
}
