package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"secunion"
	"secunion/signals"
)

// runHash prints the hashes of each file: MD5, SHA-256 and SHA-512 of any file,
// and for an image its PDQ hash with quality. A file that cannot be read
// is reported on stderr and the others are still hashed; the exit status
// is then 1.
func runHash(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("hash", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dihedral := fs.Bool("dihedral", false, "also print the PDQ hashes of the image's seven rotations and flips")
	fs.Usage = func() {
		fmt.Fprint(e.stderr, "usage: secunion hash [--dihedral] FILE...\n\nPrints, a line each, FILE, the algorithm, the hash and (for PDQ) the\nquality 0–100: md5, sha256 and sha512 of any file, pdq of a JPEG, PNG or GIF\nimage, as Meta's reference computes it.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return secunion.Errorf(secunion.Invalid, "hash: give one or more files")
	}
	failed := 0
	for _, name := range fs.Args() {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := hashOne(name, *dihedral, e.stdout); err != nil {
			fmt.Fprintf(e.stderr, "secunion: %s: %s\n", name, secunion.MessageOf(err))
			failed++
		}
	}
	if failed > 0 {
		return exitStatus{secunion.Errorf(secunion.Invalid, "%d of %d files not hashed", failed, fs.NArg()), 1}
	}
	return nil
}

// hashOne prints the lines of one file.
func hashOne(name string, dihedral bool, out io.Writer) error {
	data, err := readImageFile(name)
	if err != nil {
		return err
	}
	c, err := signals.HashContent(data)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s\tmd5\t%s\t\n%s\tsha256\t%s\t\n%s\tsha512\t%s\t\n", name, c.MD5, name, c.SHA256, name, c.SHA512)
	for v, h := range c.PDQ {
		if v > 0 && !dihedral {
			break
		}
		fmt.Fprintf(out, "%s\t%s\t%s\t%d\n", name, signals.VariantNames[v], h, c.Quality)
	}
	return nil
}

// readImageFile reads a file of at most signals.MaxImageBytes.
func readImageFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, secunion.Errorf(secunion.Invalid, "cannot open: %s", secunion.Clip(err.Error(), 200))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, signals.MaxImageBytes+1))
	if err != nil {
		return nil, secunion.Errorf(secunion.Invalid, "cannot read: %s", secunion.Clip(err.Error(), 200))
	}
	if len(data) > signals.MaxImageBytes {
		return nil, secunion.Errorf(secunion.TooLarge, "larger than %d MiB", signals.MaxImageBytes>>20)
	}
	return data, nil
}
