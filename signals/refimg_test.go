package signals

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The generated reference images (testdata/refimg) and the hashes Meta's
// C++ reference gives them (testdata/refimg/hashes.txt). To make them
// again, build the reference (testdata/pdqref.sh) and run
//
//	SECUNION_PDQ_REFERENCE=/path/to/pdq-photo-hasher go test ./signals -run TestGenerateRefImages -update-refimg
const refImgDir = "testdata/refimg"

var updateRefImg = flag.Bool("update-refimg", false, "rewrite testdata/refimg and its hashes with the C++ reference")

// referenceHasher is the path of Meta's pdq-photo-hasher, from
// SECUNION_PDQ_REFERENCE, or "" when it is not set.
func referenceHasher() string { return os.Getenv("SECUNION_PDQ_REFERENCE") }

// refImage is one generated reference image.
type refImage struct {
	name string
	what string // what it checks
	make func() image.Image
}

// refImages are the generated reference images: the decoders' image
// types (RGB, grey, palette, RGBA with transparency), odd and
// non-square sizes, sides over 512 (the resize), sides under 5 (the zero
// hash) and flat pictures (low quality).
var refImages = []refImage{
	{"photo-200x150.png", "photo-like RGB", func() image.Image { return photo(1, 200, 150, 8) }},
	{"photo-120x160.png", "photo-like RGB, portrait", func() image.Image { return photo(2, 120, 160, 8) }},
	{"photo-97x61.png", "odd sides", func() image.Image { return photo(3, 97, 61, 6) }},
	{"photo-5x5.png", "the smallest hashable side", func() image.Image { return photo(4, 5, 5, 0) }},
	{"grey-160x120.png", "image.Gray (the grey value is the luminance)", func() image.Image { return grey(photo(5, 160, 120, 10)) }},
	{"palette-150x100.png", "image.Paletted", func() image.Image { return paletted(photo(6, 150, 100, 0), 48) }},
	{"rgba-alpha-128x128.png", "image.NRGBA with transparency", func() image.Image { return transparent(photo(7, 128, 128, 6)) }},
	{"wide-1100x90.png", "one side over 512: resized to 512×512", func() image.Image { return blocky(photo(8, 275, 45, 0), 4, 2) }},
	{"tall-70x700.png", "one side over 512, the other small", func() image.Image { return blocky(photo(9, 35, 175, 0), 2, 4) }},
	{"big-600x560.png", "both sides over 512", func() image.Image { return blocky(photo(10, 150, 140, 4), 4, 4) }},
	{"stripes-513x513.png", "one pixel over 512, fine detail", stripes},
	{"tiny-4x4.png", "a side under 5: zero hash, quality 0", func() image.Image { return photo(11, 4, 4, 0) }},
	{"thin-3x200.png", "one side under 5", func() image.Image { return photo(12, 3, 200, 0) }},
	{"flat-64x48.png", "one colour: quality 0", func() image.Image { return uniform(64, 48, color.RGBA{90, 140, 60, 255}) }},
	{"faint-160x120.png", "a faint gradient: low quality", faint},
}

// grey returns img in shades of grey (image.Gray).
func grey(img image.Image) image.Image {
	g := image.NewGray(img.Bounds())
	draw.Draw(g, g.Rect, img, img.Bounds().Min, draw.Src)
	return g
}

// paletted returns img reduced to n colours of a fixed palette (a colour
// cube), without dithering.
func paletted(img image.Image, n int) image.Image {
	pal := color.Palette{}
	for i := range n {
		pal = append(pal, color.RGBA{uint8(i % 4 * 85), uint8(i / 4 % 4 * 85), uint8(i / 16 * 127), 255})
	}
	p := image.NewPaletted(img.Bounds(), pal)
	draw.Draw(p, p.Rect, img, img.Bounds().Min, draw.Src)
	return p
}

// transparent returns img as image.NRGBA with alpha falling from opaque at
// the top to fully transparent at the bottom, and a fully transparent
// square in the middle. The colours are kept under the transparency.
func transparent(img *image.RGBA) image.Image {
	b := img.Bounds()
	n := image.NewNRGBA(b)
	copy(n.Pix, img.Pix)
	for y := range b.Dy() {
		for x := range b.Dx() {
			a := uint8(255 - 255*y/(b.Dy()-1))
			if x > b.Dx()/3 && x < 2*b.Dx()/3 && y > b.Dy()/3 && y < 2*b.Dy()/3 {
				a = 0
			}
			n.Pix[n.PixOffset(x, y)+3] = a
		}
	}
	return n
}

// blocky returns img enlarged kx times across and ky times down, each
// pixel a block (a large image that stays a small file).
func blocky(img *image.RGBA, kx, ky int) image.Image {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx()*kx, b.Dy()*ky))
	for y := range out.Rect.Dy() {
		for x := range out.Rect.Dx() {
			out.SetRGBA(x, y, img.RGBAAt(x/kx, y/ky))
		}
	}
	return out
}

func uniform(w, h int, c color.RGBA) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Rect, image.NewUniform(c), image.Point{}, draw.Src)
	return img
}

// stripes is 513×513 of thin diagonal stripes and rings, which the
// nearest-neighbour resize samples unevenly.
func stripes() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 513, 513))
	for y := range 513 {
		for x := range 513 {
			ring := uint8(0)
			if ((x-256)*(x-256)+(y-200)*(y-200))/900%2 == 0 {
				ring = 160
			}
			v := uint8(0)
			if (x+2*y)%7 < 3 {
				v = 200
			}
			img.Set(x, y, color.RGBA{v, ring, 255 - v, 255})
		}
	}
	return img
}

// faint is a gradient of a few grey levels: little for the hash to hold.
func faint() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 160, 120))
	for y := range 120 {
		for x := range 160 {
			v := uint8(120 + (x+y)/70)
			img.Set(x, y, color.RGBA{v, v, v + 1, 255})
		}
	}
	return img
}

// refHashes is a line of hashes.txt: the file, the quality and the eight
// dihedral hashes.
type refHashes struct {
	name    string
	quality int
	hashes  [8]string
}

// readRefHashes reads hashes.txt.
func readRefHashes(t *testing.T) []refHashes {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(refImgDir, "hashes.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out []refHashes
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 10 {
			t.Fatalf("hashes.txt line %d has %d fields, want 10", i+1, len(f))
		}
		q, err := strconv.Atoi(f[1])
		if err != nil {
			t.Fatalf("hashes.txt line %d: %v", i+1, err)
		}
		r := refHashes{name: f[0], quality: q}
		copy(r.hashes[:], f[2:])
		out = append(out, r)
	}
	return out
}

// TestGenerateRefImages writes the reference images and has the C++
// reference hash them into hashes.txt; it runs only with -update-refimg.
func TestGenerateRefImages(t *testing.T) {
	if !*updateRefImg {
		t.Skip("run with -update-refimg (and SECUNION_PDQ_REFERENCE) to rewrite testdata/refimg")
	}
	ref := referenceHasher()
	if ref == "" {
		t.Fatal("SECUNION_PDQ_REFERENCE must name Meta's pdq-photo-hasher (build it with testdata/pdqref.sh)")
	}
	tmp := t.TempDir()
	var out strings.Builder
	out.WriteString("# PDQ hashes of the generated images in this directory by Meta's C++ reference\n" +
		"# (ThreatExchange pdq/cpp, built by ../pdqref.sh; pdq-photo-hasher --pdqdih-across).\n" +
		"# Columns: file, quality, then the hashes of the original, rotate 90, rotate 180,\n" +
		"# rotate 270, flip x, flip y, flip +1 (transpose), flip -1 (transverse).\n" +
		"# Written by: go test ./signals -run TestGenerateRefImages -update-refimg\n")
	for _, ri := range refImages {
		img := ri.make()
		var buf bytes.Buffer
		enc := png.Encoder{CompressionLevel: png.BestCompression}
		if err := enc.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(refImgDir, ri.name)
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		hashed := path
		if _, ok := img.(*image.NRGBA); ok {
			// The reference refuses an alpha channel: it hashes the
			// colour channels alone, written as RGB.
			hashed = filepath.Join(tmp, ri.name)
			rgb := image.NewRGBA(img.Bounds())
			copy(rgb.Pix, img.(*image.NRGBA).Pix)
			for i := 3; i < len(rgb.Pix); i += 4 {
				rgb.Pix[i] = 255
			}
			buf.Reset()
			if err := enc.Encode(&buf, rgb); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(hashed, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&out, "# %s: hashed by the reference with its alpha channel removed.\n", ri.name)
		}
		f, err := exec.Command(ref, "--pdqdih-across", hashed).Output()
		if err != nil {
			t.Fatalf("%s %s: %v", ref, hashed, err)
		}
		fields := strings.Split(strings.TrimSpace(string(f)), ",")
		if len(fields) != 10 {
			t.Fatalf("%s: the reference printed %q", ri.name, f)
		}
		fmt.Fprintf(&out, "%s %s %s\n", ri.name, fields[8], strings.Join(fields[:8], " "))
	}
	if err := os.WriteFile(filepath.Join(refImgDir, "hashes.txt"), []byte(out.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRefImages: on every generated image, each of the eight dihedral
// hashes and the quality are exactly those Meta's C++ reference gives
// (for an image with transparency, the reference's hash of its colour
// channels, alpha removed, since the reference refuses alpha).
func TestRefImages(t *testing.T) {
	want := readRefHashes(t)
	if len(want) != len(refImages) {
		t.Errorf("hashes.txt has %d images, the generator %d", len(want), len(refImages))
	}
	for _, w := range want {
		data, err := os.ReadFile(filepath.Join(refImgDir, w.name))
		if err != nil {
			t.Fatal(err)
		}
		img, _, err := DecodeImage(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		hs, q, err := PDQImage(img)
		if err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		if q != w.quality {
			t.Errorf("%s: quality %d, the reference %d", w.name, q, w.quality)
		}
		for v, h := range hs {
			if h.String() != w.hashes[v] {
				t.Errorf("%s variant %d:\n got %s\nwant %s", w.name, v, h, w.hashes[v])
			}
		}
	}
}
