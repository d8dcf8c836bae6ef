package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"secunion/signals"
)

// TestHashCommand prints the cryptographic hashes of any file and the PDQ
// hash and quality of an image; a damaged image and a missing file are
// reported, the other files still hashed, and the exit status is 1.
func TestHashCommand(t *testing.T) {
	dir := t.TempDir()
	img := image.NewGray(image.Rect(0, 0, 80, 60))
	for i := range img.Pix {
		img.Pix[i] = uint8(i % 80 * 3)
	}
	img.Set(10, 10, color.Gray{255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	pic, text, broken := filepath.Join(dir, "a.png"), filepath.Join(dir, "notes.txt"), filepath.Join(dir, "broken.png")
	os.WriteFile(pic, b.Bytes(), 0o600)
	os.WriteFile(text, []byte("abc"), 0o600)
	os.WriteFile(broken, b.Bytes()[:b.Len()/2], 0o600)
	want, q, _ := signals.PDQImage(img)

	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"hash", "--dihedral", pic, text, broken, filepath.Join(dir, "missing")}, func(string) string { return "" }, nil, &out, &errb)
	if exitCode(err) != 1 {
		t.Errorf("exit status %d (%v), want 1", exitCode(err), err)
	}
	got := out.String()
	for _, line := range []string{
		text + "\tmd5\t900150983cd24fb0d6963f7d28e17f72\t",
		text + "\tsha256\tba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\t",
		pic + "\tpdq\t" + want[signals.Original].String() + "\t",
		pic + "\tpdq-flip-minus1\t" + want[signals.FlipMinus1].String() + "\t",
	} {
		if !strings.Contains(got, line) {
			t.Errorf("no line %q in\n%s", line, got)
		}
	}
	if q == 0 || strings.Count(got, pic+"\tpdq") != 8 || strings.Contains(got, text+"\tpdq") {
		t.Errorf("PDQ lines (quality %d):\n%s", q, got)
	}
	if !strings.Contains(errb.String(), "broken.png: the png image is damaged or truncated") || !strings.Contains(errb.String(), "missing: cannot open") {
		t.Errorf("stderr: %s", errb.String())
	}
}
