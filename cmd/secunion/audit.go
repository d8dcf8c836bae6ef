package main

import (
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"secunion"
	"secunion/audit"
)

func runAudit(ctx context.Context, args []string, e env) error {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprint(e.stderr, "usage: secunion audit verify --data DIR | --postgres DSN [--keys DIR] [--checkpoint FILE]...\n")
		return secunion.Errorf(secunion.Invalid, "unknown audit command")
	}
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var sf storeFlags
	sf.register(fs, e, "")
	var kept stringList
	fs.Var(&kept, "checkpoint", "a signed checkpoint kept outside the node (file; repeatable): the log must still extend it")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	var extra []string
	for _, path := range kept {
		b, err := os.ReadFile(path)
		if err != nil {
			return secunion.Wrap(secunion.Invalid, err, "cannot read checkpoint "+path)
		}
		extra = append(extra, string(b))
	}
	db, keys, err := sf.open(ctx, slog.New(slog.DiscardHandler), true)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	fmt.Fprintf(e.stdout, "verifying with key %s+%08x\n", keys.Verifier.Name(), keys.Verifier.KeyHash())
	rep, err := db.VerifyAudit(ctx, keys.Verifier, extra...)
	var f *audit.Failure
	if errors.As(err, &f) {
		fmt.Fprintf(e.stdout, "audit log DAMAGED: %s\n", f.Error())
		fmt.Fprintf(e.stdout, "%d entries before it verified\n", rep.Entries)
		return secunion.Errorf(secunion.Internal, "the audit log does not verify: first bad entry %d", f.Seq)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "audit log intact: %d entries, %d checkpoints verified in %s\n", rep.Entries, rep.Checkpoints, time.Since(start).Round(time.Millisecond))
	if rep.Latest == nil {
		fmt.Fprintln(e.stdout, "no signed checkpoint yet")
		return nil
	}
	c := rep.Latest
	fmt.Fprintf(e.stdout, "latest signed checkpoint: size %d, root %s, signed %s by %s\n",
		c.Size, base64.StdEncoding.EncodeToString(c.Root[:]), c.Time.Format(time.RFC3339), c.Origin)
	if rep.Entries > c.Size {
		fmt.Fprintf(e.stdout, "%d newer entries are not yet under a checkpoint (one is signed every few seconds)\n", rep.Entries-c.Size)
	}
	return nil
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(v string) error {
	*l = append(*l, v)
	return nil
}
