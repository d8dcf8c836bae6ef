// Package pgtest starts a throwaway PostgreSQL cluster for tests (initdb and
// pg_ctl in a temporary folder) and hands each test a fresh database. When
// the binaries are missing, tests skip loudly, or fail under CI=true.
//
// PostgreSQL refuses to run as root, so under root the cluster runs as the
// "postgres" user (or "nobody") through runuser.
package pgtest

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// Durable makes the cluster fsync its writes like a production server.
// Tests leave it off for speed; benchmarks of durable writes set it before
// their first DSN call.
var Durable = false

var (
	once    sync.Once
	dir     string
	port    int
	bin     string
	asUser  string
	startEr error
	counter atomic.Int64
)

// findBin returns the folder holding initdb and pg_ctl.
func findBin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("pg_ctl"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(matches) > 0 {
		return filepath.Dir(matches[len(matches)-1]), nil
	}
	return "", fmt.Errorf("initdb and pg_ctl not found (install postgresql)")
}

func command(name string, args ...string) *exec.Cmd {
	path := filepath.Join(bin, name)
	if asUser != "" {
		return exec.Command("runuser", append([]string{"-u", asUser, "--", path}, args...)...)
	}
	return exec.Command(path, args...)
}

func start() error {
	var err error
	if bin, err = findBin(); err != nil {
		return err
	}
	if os.Geteuid() == 0 {
		asUser = "nobody"
		if _, err := user.Lookup("postgres"); err == nil {
			asUser = "postgres"
		}
	}
	if dir, err = os.MkdirTemp("", "secunion-pg-"); err != nil {
		return err
	}
	if asUser != "" {
		u, _ := user.Lookup(asUser)
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return err
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	data := filepath.Join(dir, "data")
	if out, err := command("initdb", "-D", data, "-U", "secunion", "-A", "trust", "-E", "UTF8", "--no-sync").CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %v\n%s", err, out)
	}
	fsync := "off"
	if Durable {
		fsync = "on"
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=%s -c max_connections=200", port, dir, fsync)
	if out, err := command("pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "start").CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		return fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
	return nil
}

// Stop stops the cluster, if one was started, and removes its folder. Call
// it from TestMain after m.Run.
func Stop() {
	if dir == "" {
		return
	}
	if startEr == nil {
		command("pg_ctl", "-D", filepath.Join(dir, "data"), "-m", "immediate", "stop").Run()
	}
	os.RemoveAll(dir)
}

// DSN returns the connection string of a new empty database in the test
// cluster, starting the cluster on first use.
func DSN(t testing.TB) string {
	t.Helper()
	once.Do(func() { startEr = start() })
	if startEr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is required under CI=true: %v", startEr)
		}
		t.Skipf("SKIPPING PostgreSQL test: %v", startEr)
	}
	name := fmt.Sprintf("t%d_%d", os.Getpid(), counter.Add(1))
	admin := fmt.Sprintf("postgres://secunion@127.0.0.1:%d/postgres?sslmode=disable", port)
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	return fmt.Sprintf("postgres://secunion@127.0.0.1:%d/%s?sslmode=disable", port, name)
}
