// Command secunion runs the information-exchange tools of the EU Security
// Union: `secunion demo` for a seeded node, `secunion serve` for a real one,
// `secunion admin` and `secunion audit` for operators.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"secunion"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "secunion:", secunion.MessageOf(err)+detail(err))
		}
		os.Exit(exitCode(err))
	}
}

// detail adds the cause of an internal failure: at the command line the
// operator is the one who needs it.
func detail(err error) string {
	var e *secunion.Error
	if errors.As(err, &e) && e.Err != nil {
		return " (" + e.Err.Error() + ")"
	}
	if !errors.As(err, &e) {
		return " (" + err.Error() + ")"
	}
	return ""
}

// exitStatus gives an error an exit status of its own.
type exitStatus struct {
	err  error
	code int
}

func (e exitStatus) Error() string { return e.err.Error() }

func (e exitStatus) Unwrap() error { return e.err }

func exitCode(err error) int {
	var x exitStatus
	if errors.As(err, &x) {
		return x.code
	}
	if errors.Is(err, flag.ErrHelp) || secunion.CodeOf(err) == secunion.Invalid {
		return 2
	}
	return 1
}

const usage = `usage: secunion <command> [flags]

commands:
  demo     create and seed a demo node (if new), then serve it
  serve    serve a node on SQLite (--data) or PostgreSQL (--postgres)
  admin    manage authorities, users and API tokens
  audit    verify the audit log
  mrz      parse MRZ lines from stdin and print the document as JSON
  import   load records of a source system from JSON Lines or CSV
  synth    generate synthetic persons and records with ground truth
  links    detect identity links (multiple-identity detector) over stored records
  provider-sim  run simulated hosting service providers answering removal orders
  hash     print the MD5, SHA-256, SHA-512 and PDQ hashes of files
  signals  import and export hash lists (TAT, STIX 2.1, CSV) into and out of the banks
  alerts   the alert hub: import and export STIX 2.1 bundles, set sharing groups and collections
  version  print the version
Run 'secunion <command> -h' for the flags of a command.
`

// env is what a subcommand gets from the outside world.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return secunion.Errorf(secunion.Invalid, "no command given")
	}
	switch args[0] {
	case "demo":
		return runDemo(ctx, args[1:], e)
	case "serve":
		return runServe(ctx, args[1:], e)
	case "admin":
		return runAdmin(ctx, args[1:], e)
	case "audit":
		return runAudit(ctx, args[1:], e)
	case "mrz":
		return runMRZ(ctx, args[1:], e)
	case "import":
		return runImport(ctx, args[1:], e)
	case "synth":
		return runSynth(ctx, args[1:], e)
	case "links":
		return runLinks(ctx, args[1:], e)
	case "hash":
		return runHash(ctx, args[1:], e)
	case "signals":
		return runSignals(ctx, args[1:], e)
	case "alerts":
		return runAlerts(ctx, args[1:], e)
	case "provider-sim":
		return runProviderSim(ctx, args[1:], e)
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, "secunion", version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return secunion.Errorf(secunion.Invalid, "unknown command %q", args[0])
}
