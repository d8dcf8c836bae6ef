package signals

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"secunion"
)

// pngBytes encodes a small test image as PNG.
func pngBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(x * 7), uint8(y * 5), uint8(x ^ y), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestDecodeImageRefuses: a header announcing a huge image (a
// decompression bomb), another format, a truncated file and an empty one
// are refused with a message saying which, before any pixel is decoded.
func TestDecodeImageRefuses(t *testing.T) {
	bomb := pngBytes(t, 8, 8)
	binary.BigEndian.PutUint32(bomb[16:], 100_000) // IHDR width
	binary.BigEndian.PutUint32(bomb[20:], 100_000) // IHDR height
	binary.BigEndian.PutUint32(bomb[29:], crc32.ChecksumIEEE(bomb[12:29]))
	good := pngBytes(t, 40, 30)
	for _, tc := range []struct {
		name string
		data []byte
		code secunion.Code
		says string
	}{
		{"decompression bomb", bomb, secunion.TooLarge, "100000×100000"},
		{"not an image", []byte("%PDF-1.7 not an image at all"), secunion.Invalid, "not an image"},
		{"truncated", good[:len(good)/2], secunion.Invalid, "damaged or truncated"},
		{"empty", nil, secunion.Invalid, "not an image"},
		{"too long a file", make([]byte, MaxImageBytes+1), secunion.TooLarge, "larger than"},
	} {
		_, _, err := DecodeImage(bytes.NewReader(tc.data))
		if secunion.CodeOf(err) != tc.code || !strings.Contains(secunion.MessageOf(err), tc.says) {
			t.Errorf("%s: %v, want %s saying %q", tc.name, err, tc.code, tc.says)
		}
	}
	img, format, err := DecodeImage(bytes.NewReader(good))
	if err != nil || format != "png" || img.Bounds().Dx() != 40 {
		t.Fatalf("a good PNG: %v %q", err, format)
	}
}

// TestPDQSmallAndOddImages: images under 5 pixels a side hash to zero
// with quality 0, as the reference's do; a flat image has quality 0.
func TestPDQSmallAndOddImages(t *testing.T) {
	hs, q, err := PDQImage(image.NewGray(image.Rect(0, 0, 4, 100)))
	if err != nil || q != 0 || hs[Original] != (PDQ{}) {
		t.Errorf("4×100: %v %d %v", err, q, hs[Original])
	}
	flat := image.NewGray(image.Rect(0, 0, 100, 100))
	for i := range flat.Pix {
		flat.Pix[i] = 128
	}
	if _, q, _ := PDQImage(flat); q != 0 {
		t.Errorf("a flat image has quality %d", q)
	}
	img, _, _ := DecodeImage(bytes.NewReader(pngBytes(t, 64, 48)))
	hs, q, err = PDQImage(img)
	if err != nil || q == 0 || hs[Original] == (PDQ{}) {
		t.Errorf("a gradient: %v %d %v", err, q, hs[Original])
	}
}

// TestPDQColourModes: the reference's photo in every colour mode is
// hashed (or refused with a clear error), never a crash, and every mode
// hashed is within distance 16 of the RGB JPEG (a 1-bit image loses the
// most).
func TestPDQColourModes(t *testing.T) {
	dir := filepath.Join(referenceDir, "modes")
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		t.Skipf("%s is absent: the colour modes are not checked", dir)
	}
	if err != nil {
		t.Fatal(err)
	}
	var hashes = map[string]PDQ{}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		img, _, err := DecodeImage(f)
		f.Close()
		if err != nil {
			if secunion.MessageOf(err) == "" {
				t.Errorf("%s: refused without a message", e.Name())
			}
			continue
		}
		hs, _, err := PDQImage(img)
		if err != nil {
			t.Errorf("%s: %v", e.Name(), err)
			continue
		}
		hashes[e.Name()] = hs[Original]
	}
	rgb, ok := hashes["RGB.jpg"]
	if !ok {
		t.Fatalf("RGB.jpg not hashed: %v", hashes)
	}
	for name, h := range hashes {
		if h.Distance(rgb) > 16 {
			t.Errorf("%s: distance %d from RGB.jpg", name, h.Distance(rgb))
		}
	}
}

// TestParsePDQ reads hashes back and refuses malformed ones.
func TestParsePDQ(t *testing.T) {
	const s = "f8f8f0cee0f4a84f06370a22038f67f0b36e2ed596621e1d33e6339c4e9c9b22"
	h, err := ParsePDQ(s)
	if err != nil || h.String() != s {
		t.Fatalf("%v %s", err, h)
	}
	for _, bad := range []string{"", s[:63], s + "0", strings.Replace(s, "f", "g", 1)} {
		if _, err := ParsePDQ(bad); secunion.CodeOf(err) != secunion.Invalid {
			t.Errorf("%q: %v", bad, err)
		}
	}
	other := h
	other[0] ^= 0b1011
	if h.Distance(other) != 3 {
		t.Errorf("distance %d, want 3", h.Distance(other))
	}
}

// TestHashFile checks MD5 and SHA-256 against their published test
// vectors ("abc").
func TestHashFile(t *testing.T) {
	h, err := HashFile(strings.NewReader("abc"))
	if err != nil || h.MD5 != "900150983cd24fb0d6963f7d28e17f72" || h.SHA256 != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("%v %+v", err, h)
	}
}

// FuzzDecodeImage: whatever the bytes, intake and hashing end in an
// image and its hashes or an error, never a crash.
func FuzzDecodeImage(f *testing.F) {
	f.Add(pngBytes(f, 16, 9))
	f.Add([]byte("GIF89a"))
	f.Add([]byte{0xff, 0xd8, 0xff, 0xe0})
	f.Fuzz(func(t *testing.T, data []byte) {
		img, _, err := DecodeImage(bytes.NewReader(data))
		if err != nil {
			if secunion.MessageOf(err) == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		if _, _, err := PDQImage(img); err != nil && secunion.MessageOf(err) == "" {
			t.Fatal("an error without a message")
		}
	})
}

// FuzzParsePDQ: a hash read back writes the same text, any case aside.
func FuzzParsePDQ(f *testing.F) {
	f.Add("f8f8f0cee0f4a84f06370a22038f67f0b36e2ed596621e1d33e6339c4e9c9b22")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParsePDQ(s)
		if err == nil && !strings.EqualFold(h.String(), s) {
			t.Fatalf("%q read as %s", s, h)
		}
	})
}
