package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"secunion"
	"secunion/signals"
)

// runHash prints the hashes of each file: MD5 and SHA-256 of any file,
// and for an image its PDQ hash with quality. A file that cannot be read
// is reported on stderr and the others are still hashed; the exit status
// is then 1.
func runHash(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("hash", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dihedral := fs.Bool("dihedral", false, "also print the PDQ hashes of the image's seven rotations and flips")
	fs.Usage = func() {
		fmt.Fprint(e.stderr, "usage: secunion hash [--dihedral] FILE...\n\nPrints, a line each, FILE, the algorithm, the hash and (for PDQ) the\nquality 0–100: md5 and sha256 of any file, pdq of a JPEG, PNG or GIF\nimage, as Meta's reference computes it.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return secunion.Errorf(secunion.Invalid, "hash: give one or more files")
	}
	variants := []string{"pdq", "pdq-rot90", "pdq-rot180", "pdq-rot270", "pdq-flipx", "pdq-flipy", "pdq-flip-plus1", "pdq-flip-minus1"}
	failed := 0
	for _, name := range fs.Args() {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := hashOne(name, *dihedral, variants, e.stdout); err != nil {
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
func hashOne(name string, dihedral bool, variants []string, out io.Writer) error {
	data, err := readImageFile(name)
	if err != nil {
		return err
	}
	sums, err := signals.HashFile(bytes.NewReader(data))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s\tmd5\t%s\t\n%s\tsha256\t%s\t\n%s\tsha512\t%s\t\n", name, sums.MD5, name, sums.SHA256, name, sums.SHA512)
	img, _, err := signals.DecodeImage(bytes.NewReader(data))
	if err != nil {
		if secunion.CodeOf(err) == secunion.Invalid && !isImageLike(data) {
			return nil // not an image: the cryptographic hashes are all it has
		}
		return err
	}
	hs, quality, err := signals.PDQImage(img)
	if err != nil {
		return err
	}
	for v, h := range hs {
		if v > 0 && !dihedral {
			break
		}
		fmt.Fprintf(out, "%s\t%s\t%s\t%d\n", name, variants[v], h, quality)
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

// isImageLike reports whether data begins like a JPEG, PNG or GIF file,
// so that a damaged image is reported rather than taken for another file.
func isImageLike(data []byte) bool {
	for _, magic := range []string{"\xff\xd8\xff", "\x89PNG\r\n\x1a\n", "GIF87a", "GIF89a"} {
		if bytes.HasPrefix(data, []byte(magic)) {
			return true
		}
	}
	return false
}
