package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"secunion"
	"secunion/mrz"
)

// maxMRZInput bounds what runMRZ reads: an MRZ is at most 3 lines of 30 or
// 2 of 44 characters, so 4 KiB leaves room for any white space around it.
const maxMRZInput = 4 << 10

// runMRZ reads the lines of a machine-readable zone on stdin and prints the
// document as indented JSON on stdout. A zone that does not verify prints
// nothing and returns the *mrz.FieldError that says why, with exit status 1.
func runMRZ(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("mrz", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprint(e.stderr, "usage: secunion mrz < zone.txt\n\nReads the 2 or 3 lines of an ICAO 9303 machine-readable zone on stdin\n(blank lines are ignored), verifies every check digit and field, and\nprints the document as JSON.\n")
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return secunion.Errorf(secunion.Invalid, "mrz takes no arguments: give the MRZ lines on stdin")
	}
	text, err := io.ReadAll(io.LimitReader(e.stdin, maxMRZInput+1))
	if err != nil {
		return secunion.Wrap(secunion.Internal, err, "mrz: cannot read stdin")
	}
	if len(text) > maxMRZInput {
		return secunion.Errorf(secunion.TooLarge, "mrz: the input is larger than 4 KiB; an MRZ is 2 or 3 lines of at most 44 characters")
	}
	d, err := mrz.Parse(string(text))
	if err != nil {
		return exitStatus{err, 1} // a zone that does not verify is a result, not a usage error
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // keep the fillers '<' readable
	return enc.Encode(d)
}
