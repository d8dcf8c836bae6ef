package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"secunion/store"
	"secunion/store/pgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}

// cli runs the command in-process and returns stdout, stderr and the error.
func cli(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(string) string { return "" }
	err := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

func mustCLI(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	out, errs, err := cli(t, stdin, args...)
	if err != nil {
		t.Fatalf("secunion %s: %v\n%s", strings.Join(args, " "), err, errs)
	}
	return out
}

// TestAdminAndAuditVerify drives the operator commands on both engines:
// set up an authority, a user and a token; verify the log; then tamper
// with it behind the program's back and see verification name the entry.
func TestAdminAndAuditVerify(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			var where []string
			var driver, dsn string
			dir := t.TempDir()
			if engine == "sqlite" {
				where = []string{"--data", dir}
				driver, dsn = "sqlite", filepath.Join(dir, store.SQLiteFile)
			} else {
				dsn = pgtest.DSN(t)
				where = []string{"--postgres", dsn, "--keys", dir}
				driver = "pgx"
			}
			admin := func(args ...string) string {
				return mustCLI(t, "", append(append([]string{"admin"}, args...), where...)...)
			}
			admin("authority", "create", "--code", "DE-BPOL", "--name", "Bundespolizei", "--country", "DE", "--kind", "border-guard")
			mustCLI(t, "correct horse battery\n", append([]string{"admin", "user", "create", "--login", "anna", "--name", "Anna", "--authority", "DE-BPOL", "--roles", "officer", "--password-stdin"}, where...)...)
			tok := admin("token", "create", "--user", "anna")
			if !strings.HasPrefix(tok, "sut_") || strings.Count(tok, "\n") != 1 || len(strings.TrimSpace(tok)) < 40 {
				t.Errorf("token create printed %q, want the token alone on one line", tok)
			}
			if out := admin("user", "list"); !strings.Contains(out, "anna") || !strings.Contains(out, "DE-BPOL") {
				t.Errorf("user list: %s", out)
			}
			_, errs, err := cli(t, "", append([]string{"admin", "authority", "create", "--code", "x", "--name", "y", "--country", "DE", "--kind", "police"}, where...)...)
			if err == nil || exitCode(err) != 2 {
				t.Errorf("bad authority code accepted: %v %s", err, errs)
			}

			out := mustCLI(t, "", append([]string{"audit", "verify"}, where...)...)
			// Closing each admin command signs a checkpoint.
			if !strings.Contains(out, "audit log intact: 3 entries") || !strings.Contains(out, "latest signed checkpoint: size 3") {
				t.Errorf("verify: %s", out)
			}

			raw, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			drop := []string{"DROP TRIGGER audit_entries_no_update", "DROP TRIGGER audit_entries_no_delete", "DROP TRIGGER audit_values_no_delete"}
			if engine == "postgres" {
				drop = []string{"DROP TRIGGER audit_entries_immutable ON audit_entries", "DROP TRIGGER audit_values_immutable ON audit_values"}
			}
			for _, q := range drop {
				if _, err := raw.Exec(q); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := raw.Exec(`DELETE FROM audit_entries WHERE seq = 1`); err != nil {
				t.Fatal(err)
			}
			out, _, err = cli(t, "", append([]string{"audit", "verify"}, where...)...)
			if err == nil || exitCode(err) != 1 || !strings.Contains(out, "entry 1") {
				t.Errorf("verify after deleting entry 1: %v\n%s", err, out)
			}
		})
	}
}

func TestUsage(t *testing.T) {
	if _, _, err := cli(t, ""); err == nil || exitCode(err) != 2 {
		t.Errorf("no command: %v", err)
	}
	if _, errs, err := cli(t, "", "frobnicate"); err == nil || !strings.Contains(errs, "usage: secunion") {
		t.Errorf("unknown command: %v %s", err, errs)
	}
	if out := mustCLI(t, "", "version"); !strings.HasPrefix(out, "secunion ") {
		t.Errorf("version: %q", out)
	}
	if _, _, err := cli(t, "", "audit", "verify", "--data", t.TempDir()); err == nil {
		t.Error("verify of an empty folder succeeded")
	}
}

// TestVerifyAgainstKeptCheckpoint: a log cut back together with its
// checkpoints still verifies on its own, but not against a checkpoint a
// supervisor kept.
func TestVerifyAgainstKeptCheckpoint(t *testing.T) {
	dir := t.TempDir()
	where := []string{"--data", dir}
	for _, code := range []string{"DE-BPOL", "FR-PN", "NL-KMAR"} {
		mustCLI(t, "", append([]string{"admin", "authority", "create", "--code", code, "--name", code, "--country", code[:2], "--kind", "police"}, where...)...)
	}
	db, _, err := (&storeFlags{data: dir}).open(context.Background(), nil, true)
	if err != nil {
		t.Fatal(err)
	}
	note, cp, err := db.LatestCheckpoint(context.Background())
	db.Close()
	if err != nil || cp.Size != 3 {
		t.Fatalf("checkpoint %d: %v", cp.Size, err)
	}
	kept := filepath.Join(t.TempDir(), "checkpoint.txt")
	os.WriteFile(kept, []byte(note), 0o600)

	raw, err := sql.Open("sqlite", filepath.Join(dir, store.SQLiteFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"DROP TRIGGER audit_entries_no_delete", "DROP TRIGGER audit_checkpoints_no_delete",
		"DELETE FROM audit_entries WHERE seq = 2", "DELETE FROM audit_checkpoints WHERE size > 2"} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	if out := mustCLI(t, "", append([]string{"audit", "verify"}, where...)...); !strings.Contains(out, "audit log intact: 2 entries") {
		t.Fatalf("cut log on its own: %s", out)
	}
	out, _, err := cli(t, "", append([]string{"audit", "verify", "--checkpoint", kept}, where...)...)
	if err == nil || !strings.Contains(out, "truncated") {
		t.Errorf("cut log against the kept checkpoint: %v\n%s", err, out)
	}
}
