package signals

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// referenceDir holds Meta's reference hashes of test images
// (../shared/testdata/pdq, see its README), when present.
const referenceDir = "../../shared/testdata/pdq"

// reference reads expected-dihedral.csv: per file, the quality and the
// eight dihedral hashes.
func reference(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open(filepath.Join(referenceDir, "expected-dihedral.csv"))
	if os.IsNotExist(err) {
		t.Skipf("%s is absent: the reference test vectors are not checked", referenceDir)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, r := range rows[1:] {
		out[r[0]] = r[1:]
	}
	return out
}

func hashFile(t *testing.T, name string) ([8]PDQ, int) {
	t.Helper()
	f, err := os.Open(filepath.Join(referenceDir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := DecodeImage(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	hs, q, err := PDQImage(img)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return hs, q
}

// eachReference hashes each reference image under dir ("png/", "jpeg/")
// and hands check its hashes and quality with the reference's (the
// quality, then the eight hashes).
func eachReference(t *testing.T, dir string, check func(name string, hs [8]PDQ, q int, want []string)) {
	n := 0
	for name, want := range reference(t) {
		if strings.HasPrefix(name, dir) {
			n++
			hs, q := hashFile(t, name)
			check(name, hs, q, want)
		}
	}
	if n == 0 {
		t.Fatalf("no %s image in the reference list", dir)
	}
}

// TestPDQReferencePNG: on losslessly stored images every dihedral hash and
// the quality are exactly those of Meta's reference.
func TestPDQReferencePNG(t *testing.T) {
	eachReference(t, "png/", func(name string, hs [8]PDQ, q int, want []string) {
		if strconv.Itoa(q) != want[0] {
			t.Errorf("%s: quality %d, want %s", name, q, want[0])
		}
		for v, h := range hs {
			if h.String() != want[1+v] {
				t.Errorf("%s variant %d:\n got %s\nwant %s", name, v, h, want[1+v])
			}
		}
	})
}

// TestPDQReferenceJPEG: JPEG decoders differ, so on the reference's
// photos each hash lands within distance 10 of the reference's.
func TestPDQReferenceJPEG(t *testing.T) {
	eachReference(t, "jpeg/", func(name string, hs [8]PDQ, q int, want []string) {
		if q < 80 {
			t.Errorf("%s: quality %d, want at least 80", name, q)
		}
		for v, h := range hs {
			ref, err := ParsePDQ(want[1+v])
			if err != nil {
				t.Fatal(err)
			}
			if d := h.Distance(ref); d > 10 {
				t.Errorf("%s variant %d: distance %d from the reference", name, v, d)
			}
		}
	})
}
