package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"

	"secunion"
	"secunion/access"
	"secunion/audit"
	"secunion/store"
	"secunion/store/pgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}

var epoch = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

// env is one engine under test: open opens (or reopens) the same database.
type env struct {
	engine store.Engine
	keys   *store.Keys
	clock  *secunion.FakeClock
	open   func(t *testing.T, opts store.Options) *store.DB
	// raw runs SQL on the database directly, as someone holding it would.
	raw func(t *testing.T, q string) error
	// openErr opens the database and returns only the error.
	openErr func(opts store.Options) error
}

// engines runs test once on SQLite and once on PostgreSQL: the contract
// suite that both implementations must pass.
func engines(t *testing.T, test func(t *testing.T, e env)) {
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		test(t, newEnv(t, store.SQLite, "sqlite", "file:"+filepath.Join(dir, store.SQLiteFile), func(ctx context.Context, opts store.Options) (*store.DB, error) {
			return store.OpenSQLite(ctx, dir, opts)
		}))
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := pgtest.DSN(t)
		test(t, newEnv(t, store.Postgres, "pgx", dsn, func(ctx context.Context, opts store.Options) (*store.DB, error) {
			return store.OpenPostgres(ctx, dsn, opts)
		}))
	})
}

func newEnv(t *testing.T, engine store.Engine, driver, dsn string, open func(context.Context, store.Options) (*store.DB, error)) env {
	keys, err := store.LoadKeys(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e := env{engine: engine, keys: keys, clock: secunion.NewFakeClock(epoch)}
	e.open = func(t *testing.T, opts store.Options) *store.DB {
		t.Helper()
		if opts.Keys == nil && !opts.Inspect {
			opts.Keys = keys
		}
		if opts.Clock == nil {
			opts.Clock = e.clock
		}
		if opts.CheckpointEvery == 0 {
			opts.CheckpointEvery = time.Hour // tests sign checkpoints explicitly
		}
		db, err := open(context.Background(), opts)
		if err != nil {
			t.Fatalf("open %s: %v", engine, err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	e.raw = func(t *testing.T, q string) error {
		db, err := sql.Open(driver, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		_, err = db.Exec(q)
		return err
	}
	e.openErr = func(opts store.Options) error {
		db, err := open(context.Background(), opts)
		if err == nil {
			db.Close()
		}
		return err
	}
	return e
}

var admin = secunion.LocalOperator // the local operator

func seed(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	for _, a := range []access.Authority{
		{Code: "EU-ADMIN", Name: "Administration", Country: "EU", Kind: access.KindAdministrator},
		{Code: "DE-BPOL", Name: "Bundespolizei", Country: "DE", Kind: access.KindBorderGuard},
		{Code: "FR-CNIL", Name: "CNIL", Country: "FR", Kind: access.KindSupervisory},
	} {
		if _, err := db.CreateAuthority(ctx, admin, a); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []access.User{
		{Login: "root", Name: "Root", Authority: "EU-ADMIN", Roles: []string{access.RoleAdmin}},
		{Login: "anna", Name: "Anna Schmidt", Authority: "DE-BPOL", Roles: []string{access.RoleOfficer}},
		{Login: "dpo", Name: "Claire Dupont", Authority: "FR-CNIL", Roles: []string{access.RoleSupervisor}},
	} {
		if _, err := db.CreateUser(ctx, admin, u, "correct horse battery"); err != nil {
			t.Fatal(err)
		}
	}
}

func actor(t *testing.T, db *store.DB, login string) secunion.Actor {
	t.Helper()
	a, _, err := db.CheckPassword(context.Background(), login, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func verify(t *testing.T, e env, db *store.DB) audit.Report {
	t.Helper()
	r, err := db.VerifyAudit(context.Background(), e.keys.Verifier)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return r
}

func TestAuthoritiesUsersAndAudit(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		db := e.open(t, store.Options{})
		seed(t, db)
		_, err := db.CreateAuthority(ctx, admin, access.Authority{Code: "DE-BPOL", Name: "x", Country: "DE", Kind: access.KindPolice})
		if secunion.CodeOf(err) != secunion.Conflict {
			t.Errorf("duplicate authority: got %v, want conflict", err)
		}
		_, err = db.CreateUser(ctx, admin, access.User{Login: "anna", Name: "Other", Authority: "DE-BPOL", Roles: []string{"officer"}}, "")
		if secunion.CodeOf(err) != secunion.Conflict {
			t.Errorf("duplicate login: got %v, want conflict", err)
		}
		_, err = db.CreateUser(ctx, admin, access.User{Login: "eve", Name: "Eve", Authority: "DE-BPOL", Roles: []string{"supervisor"}}, "")
		if secunion.CodeOf(err) != secunion.Invalid {
			t.Errorf("supervisor outside supervisory authority: got %v, want invalid", err)
		}
		// An officer may not create authorities; the refusal is audited.
		anna := actor(t, db, "anna")
		_, err = db.CreateAuthority(ctx, anna, access.Authority{Code: "XX-NEW", Name: "New", Country: "DE", Kind: access.KindPolice})
		if secunion.CodeOf(err) != secunion.Forbidden {
			t.Fatalf("officer creating authority: got %v, want forbidden", err)
		}
		users, err := db.Users(ctx, "DE-BPOL")
		if err != nil || len(users) != 1 || users[0].Login != "anna" || users[0].Roles[0] != "officer" {
			t.Fatalf("users of DE-BPOL = %+v, %v", users, err)
		}
		// 3 authorities + 3 users + 1 denial were recorded.
		r := verify(t, e, db)
		if r.Entries != 7 {
			t.Errorf("audit entries = %d, want 7", r.Entries)
		}
		dpo := actor(t, db, "dpo")
		decl := access.Declaration{Purpose: secunion.PurposeSupervision}
		got, err := db.SearchAudit(ctx, dpo, decl, store.AuditFilter{Operation: string(audit.OpAccessDenied)})
		if err != nil || len(got) != 1 || got[0].User != "anna" || got[0].Outcome != "denied" {
			t.Fatalf("denials = %+v, %v", got, err)
		}
		if _, err := db.SearchAudit(ctx, anna, decl, store.AuditFilter{}); secunion.CodeOf(err) != secunion.Forbidden {
			t.Errorf("officer searching the log: got %v, want forbidden", err)
		}
		// The supervisor's search and the officer's refused one are logged too.
		if r := verify(t, e, db); r.Entries != 9 {
			t.Errorf("audit entries after searches = %d, want 9", r.Entries)
		}
	})
}

func TestTokens(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		db := e.open(t, store.Options{})
		seed(t, db)
		secret, tok, err := db.CreateToken(ctx, admin, "anna", "laptop", 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		a, err := db.TokenActor(ctx, secret)
		if err != nil || a.Login != "anna" || a.AuthorityKind != string(access.KindBorderGuard) {
			t.Fatalf("token actor = %+v, %v", a, err)
		}
		if _, err := db.TokenActor(ctx, secret+"x"); secunion.CodeOf(err) != secunion.Unauthenticated {
			t.Errorf("wrong secret: %v", err)
		}
		// An officer cannot issue tokens for another authority's user.
		anna := actor(t, db, "anna")
		if _, _, err := db.CreateToken(ctx, anna, "dpo", "x", 0); secunion.CodeOf(err) != secunion.Forbidden {
			t.Errorf("token for someone else: %v", err)
		}
		e.clock.Advance(25 * time.Hour)
		if _, err := db.TokenActor(ctx, secret); secunion.CodeOf(err) != secunion.Unauthenticated {
			t.Errorf("expired token accepted: %v", err)
		}
		secret2, tok2, err := db.CreateToken(ctx, anna, "anna", "second", 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.RevokeToken(ctx, anna, tok2.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.TokenActor(ctx, secret2); secunion.CodeOf(err) != secunion.Unauthenticated {
			t.Errorf("revoked token accepted: %v", err)
		}
		toks, err := db.Tokens(ctx, "anna")
		if err != nil || len(toks) != 2 || toks[0].ID != tok2.ID || toks[0].Revoked == nil || toks[1].ID != tok.ID {
			t.Fatalf("tokens = %+v, %v", toks, err)
		}
	})
}

func TestLoginAndSessions(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		db := e.open(t, store.Options{})
		seed(t, db)
		if _, reason, err := db.CheckPassword(ctx, "anna", "wrong password!"); secunion.CodeOf(err) != secunion.Unauthenticated || reason != "wrong password" {
			t.Errorf("wrong password: %q %v", reason, err)
		}
		if _, reason, err := db.CheckPassword(ctx, "nobody", "wrong password!"); secunion.CodeOf(err) != secunion.Unauthenticated || reason != "unknown user" {
			t.Errorf("unknown user: %q %v", reason, err)
		}
		anna := actor(t, db, "anna")
		secret, s, err := db.CreateSession(ctx, anna, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.SessionFor(ctx, secret)
		if err != nil || got.Actor.Login != "anna" || got.CSRF != s.CSRF || s.CSRF == "" {
			t.Fatalf("session = %+v, %v", got, err)
		}
		if err := db.SetPassword(ctx, anna, "anna", "another long password"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SessionFor(ctx, secret); secunion.CodeOf(err) != secunion.Unauthenticated {
			t.Errorf("session survived a password change: %v", err)
		}
	})
}

// TestGroupCommit sends many concurrent writes, some failing: the failing
// ones leave nothing behind, the others are all there, and the log has no
// gap.
func TestGroupCommit(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		db := e.open(t, store.Options{})
		seed(t, db)
		before := verify(t, e, db).Entries
		var wg sync.WaitGroup
		errs := make([]error, 64)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = db.Write(ctx, func(tx *store.Tx) error {
					if err := tx.Audit(audit.Entry{User: "anna", Authority: "DE-BPOL", Operation: audit.OpConsultation, Outcome: "ok"}); err != nil {
						return err
					}
					if err := tx.SetSetting("k"+string(rune('a'+i%26))+string(rune('a'+i/26)), "v"); err != nil {
						return err
					}
					if i%4 == 0 {
						return errors.New("refused")
					}
					return nil
				})
			}()
		}
		wg.Wait()
		ok := 0
		for i, err := range errs {
			if (i%4 == 0) != (err != nil) {
				t.Errorf("write %d: %v", i, err)
			}
			if err == nil {
				ok++
			}
			v, _ := db.Setting(ctx, "k"+string(rune('a'+i%26))+string(rune('a'+i/26)))
			if (v == "v") != (err == nil) {
				t.Errorf("write %d: setting %q after error %v", i, v, err)
			}
		}
		if r := verify(t, e, db); r.Entries != before+uint64(ok) {
			t.Errorf("entries = %d, want %d", r.Entries, before+uint64(ok))
		}
	})
}

func TestCheckpointsAndProofs(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		db := e.open(t, store.Options{})
		seed(t, db)
		if err := db.SignCheckpoint(ctx); err != nil {
			t.Fatal(err)
		}
		_, cp1, err := db.LatestCheckpoint(ctx)
		if err != nil || cp1.Size != 6 {
			t.Fatalf("checkpoint = %+v, %v", cp1, err)
		}
		for i := 0; i < 5; i++ {
			if _, _, err := db.CreateToken(ctx, admin, "anna", "t", 0); err != nil {
				t.Fatal(err)
			}
		}
		db.SignCheckpoint(ctx)
		_, cp2, err := db.LatestCheckpoint(ctx)
		if err != nil || cp2.Size != 11 {
			t.Fatalf("checkpoint = %+v, %v", cp2, err)
		}
		entries, err := db.SearchAudit(ctx, actor(t, db, "dpo"), access.Declaration{Purpose: secunion.PurposeSupervision}, store.AuditFilter{Operation: string(audit.OpTokenCreated), Limit: 1})
		if err != nil || len(entries) != 1 {
			t.Fatal(entries, err)
		}
		leaf := entries[0].LeafHash()
		p, err := db.InclusionProof(ctx, entries[0].Seq, cp2.Size)
		if err != nil {
			t.Fatal(err)
		}
		if err := proof.VerifyInclusion(rfc6962.DefaultHasher, entries[0].Seq, cp2.Size, leaf[:], bytesOf(p), cp2.Root[:]); err != nil {
			t.Errorf("inclusion proof: %v", err)
		}
		c, err := db.ConsistencyProof(ctx, cp1.Size, cp2.Size)
		if err != nil {
			t.Fatal(err)
		}
		if err := proof.VerifyConsistency(rfc6962.DefaultHasher, cp1.Size, cp2.Size, bytesOf(c), cp1.Root[:], cp2.Root[:]); err != nil {
			t.Errorf("consistency proof: %v", err)
		}
		// Reopening keeps the log and its checkpoints; a new checkpoint is
		// signed on close.
		db.Close()
		db = e.open(t, store.Options{})
		if r := verify(t, e, db); r.Entries != 12 || r.Latest == nil || r.Latest.Size != 12 {
			t.Errorf("after reopen: %+v", r)
		}
	})
}

func bytesOf(p [][32]byte) [][]byte {
	out := make([][]byte, len(p))
	for i := range p {
		out[i] = p[i][:]
	}
	return out
}

// TestTamperDetected alters the log behind the program's back, as someone
// with the database would: verification names the entry, and the server
// refuses to start on the damaged log rather than sign over it.
func TestTamperDetected(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		db := e.open(t, store.Options{})
		seed(t, db)
		db.SignCheckpoint(ctx)
		db.Close()
		if err := e.raw(t, `UPDATE audit_entries SET user_login = 'x' WHERE seq = 4`); err == nil {
			t.Fatal("the database let an audit entry be changed")
		}
		dropTriggers(t, e)
		if err := e.raw(t, `UPDATE audit_entries SET user_login = 'mallory' WHERE seq = 4`); err != nil {
			t.Fatal(err)
		}
		insp := e.open(t, store.Options{Inspect: true})
		_, err := insp.VerifyAudit(ctx, e.keys.Verifier)
		var f *audit.Failure
		if !errors.As(err, &f) || f.Seq != 4 {
			t.Fatalf("verify after alteration: %v, want failure at entry 4", err)
		}
		// Checkpoints are built from the stored leaf hashes, so an altered
		// field cannot be signed over; altering the hash too is refused.
		if err := e.openErr(store.Options{Keys: e.keys, Clock: e.clock}); err != nil {
			t.Fatalf("open after a field alteration: %v", err)
		}
		if err := e.raw(t, `UPDATE audit_entries SET leaf_hash = (SELECT leaf_hash FROM audit_entries WHERE seq = 0) WHERE seq = 4`); err != nil {
			t.Fatal(err)
		}
		if err := e.openErr(store.Options{Keys: e.keys, Clock: e.clock}); err == nil {
			t.Error("server opened a log that no longer matches its checkpoint")
		}
	})
}

// dropTriggers removes the database's guard on the log, as an attacker with
// the database would.
func dropTriggers(t *testing.T, e env) {
	t.Helper()
	qs := []string{"DROP TRIGGER audit_entries_no_update", "DROP TRIGGER audit_entries_no_delete"}
	if e.engine == store.Postgres {
		qs = []string{"DROP TRIGGER audit_entries_immutable ON audit_entries"}
	}
	for _, q := range qs {
		if err := e.raw(t, q); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTamperCases alters the stored log in each way an attacker with the
// database could, and checks that verification names the first bad entry.
func TestTamperCases(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sql   []string
		first uint64
	}{
		{"indexed column changed", []string{`UPDATE audit_entries SET operation = 'login' WHERE seq = 3`}, 3},
		{"leaf replaced by another", []string{`UPDATE audit_entries SET leaf = (SELECT leaf FROM audit_entries WHERE seq = 2) WHERE seq = 5`}, 5},
		{"leaf and hash replaced", []string{`UPDATE audit_entries SET leaf = (SELECT leaf FROM audit_entries WHERE seq = 2), leaf_hash = (SELECT leaf_hash FROM audit_entries WHERE seq = 2) WHERE seq = 5`}, 5},
		{"value index row deleted", []string{`DELETE FROM audit_values WHERE seq = 6`}, 6},
		{"entry deleted", []string{`DELETE FROM audit_entries WHERE seq = 4`}, 4},
		{"entries swapped", []string{`UPDATE audit_entries SET seq = 100 WHERE seq = 1`, `UPDATE audit_entries SET seq = 1 WHERE seq = 2`, `UPDATE audit_entries SET seq = 2 WHERE seq = 100`}, 1},
		{"truncated below checkpoint", []string{`DELETE FROM audit_values WHERE seq >= 5`, `DELETE FROM audit_entries WHERE seq >= 5`}, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			engines(t, func(t *testing.T, e env) {
				ctx := context.Background()
				db := e.open(t, store.Options{})
				seed(t, db)
				// Entry 6 used a personal value: it has a row in the value index.
				err := db.Write(ctx, func(tx *store.Tx) error {
					return tx.Audit(audit.Entry{Authority: "DE-BPOL", User: "anna", Operation: audit.OpConsultation,
						Purpose: "border-check", Categories: []string{"identity"}, Outcome: "ok"}, "ERIKSSON ANNA")
				})
				if err != nil {
					t.Fatal(err)
				}
				db.Close()
				if r := verify(t, e, e.open(t, store.Options{Inspect: true})); r.Entries != 7 || r.Latest == nil || r.Latest.Size != 7 {
					t.Fatalf("before tampering: %+v", r)
				}
				dropTriggers(t, e)
				raw := "DROP TRIGGER audit_values_no_delete"
				if e.engine == store.Postgres {
					raw = "DROP TRIGGER audit_values_immutable ON audit_values"
				}
				if err := e.raw(t, raw); err != nil {
					t.Fatal(err)
				}
				for _, q := range tc.sql {
					if err := e.raw(t, q); err != nil {
						t.Fatal(err)
					}
				}
				_, err = e.open(t, store.Options{Inspect: true}).VerifyAudit(ctx, e.keys.Verifier)
				var f *audit.Failure
				if !errors.As(err, &f) || f.Seq != tc.first {
					t.Fatalf("verify: %v, want the failure at entry %d", err, tc.first)
				}
			})
		})
	}
}

// TestCancelledCallerInBatch: a caller whose context ends while its write
// runs (a client that hung up) must not break the shared transaction: its
// write and everyone else's commit, and the log stays gap-free.
func TestCancelledCallerInBatch(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		db := e.open(t, store.Options{})
		seed(t, db)
		var wg sync.WaitGroup
		errs := make([]error, 32)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				errs[i] = db.Write(ctx, func(tx *store.Tx) error {
					if i%3 == 0 {
						cancel() // the client goes away mid-write
					}
					if err := tx.SetSetting(fmt.Sprintf("c%d", i), "v"); err != nil {
						return err
					}
					return tx.Audit(audit.Entry{User: "anna", Authority: "DE-BPOL", Operation: audit.OpConsultation, Outcome: "ok"})
				})
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("write %d: %v", i, err)
			}
		}
		if r := verify(t, e, db); r.Entries != 6+32 {
			t.Errorf("entries = %d, want %d", r.Entries, 6+32)
		}
		if err := db.Ping(context.Background()); err != nil {
			t.Errorf("node not ready after cancelled callers: %v", err)
		}
	})
}
