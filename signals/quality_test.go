package signals

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// matchDistance is the PDQ distance at or under which two images count
// as the same: the threshold Meta and HMA use.
const matchDistance = 31

// qualityImages is how many base pictures TestDetectionQuality makes:
// SECUNION_QUALITY_IMAGES, else 40.
func qualityImages(t *testing.T) int {
	s := os.Getenv("SECUNION_QUALITY_IMAGES")
	if s == "" {
		return 40
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 2 {
		t.Fatalf("SECUNION_QUALITY_IMAGES=%q: want a whole number of at least 2", s)
	}
	return n
}

// edit is a change a re-upload makes to a picture.
type edit struct {
	name string
	// apply returns the re-uploaded picture; r draws what the edit picks
	// at random (a watermark's strokes).
	apply func(img *image.RGBA, r *rand.Rand) (image.Image, error)
	// floor is the least share of re-uploads that must be caught, at
	// the default size, by any of the query's eight dihedral hashes; 0
	// for an edit PDQ is not made to survive (a crop of 10%, a turn of
	// 5°), measured only.
	floor float64
}

// edits are the re-uploads TestDetectionQuality tries, with the floors
// (set a little under what the default run measures) a user would
// notice falling.
var edits = []edit{
	{"resize to 50%", func(img *image.RGBA, _ *rand.Rand) (image.Image, error) { return halve(img), nil }, 0.95},
	{"JPEG quality 50", func(img *image.RGBA, _ *rand.Rand) (image.Image, error) { return recompress(img, 50) }, 0.95},
	{"crop 4% (2% off each side)", func(img *image.RGBA, _ *rand.Rand) (image.Image, error) { return crop(img, 0.02), nil }, 0.1},
	{"crop 10% (5% off each side)", func(img *image.RGBA, _ *rand.Rand) (image.Image, error) { return crop(img, 0.05), nil }, 0},
	{"watermark 25%×8% (bottom right)", func(img *image.RGBA, r *rand.Rand) (image.Image, error) { return watermark(img, r, 0.25, 0.08), nil }, 0.5},
	{"watermark 40%×15% (bottom right)", func(img *image.RGBA, r *rand.Rand) (image.Image, error) { return watermark(img, r, 0.40, 0.15), nil }, 0.15},
	{"colour (hue 30°, brightness, contrast)", func(img *image.RGBA, _ *rand.Rand) (image.Image, error) { return recolour(img), nil }, 0.9},
	{"rotate 90°", func(img *image.RGBA, _ *rand.Rand) (image.Image, error) { return rotate90(img), nil }, 0.95},
	{"rotate 5°", func(img *image.RGBA, _ *rand.Rand) (image.Image, error) { return rotate(img, 5), nil }, 0},
	{"flip horizontally", func(img *image.RGBA, _ *rand.Rand) (image.Image, error) { return mirror(img), nil }, 0.95},
}

// halve scales img to half its width and height, averaging each 2×2
// block.
func halve(img *image.RGBA) *image.RGBA {
	w, h := img.Rect.Dx()/2, img.Rect.Dy()/2
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			for k := range 4 {
				s := int(img.Pix[img.PixOffset(2*x, 2*y)+k]) + int(img.Pix[img.PixOffset(2*x+1, 2*y)+k]) +
					int(img.Pix[img.PixOffset(2*x, 2*y+1)+k]) + int(img.Pix[img.PixOffset(2*x+1, 2*y+1)+k])
				out.Pix[out.PixOffset(x, y)+k] = uint8((s + 2) / 4)
			}
		}
	}
	return out
}

// recompress encodes img as JPEG at quality q and decodes it again.
func recompress(img image.Image, q int) (image.Image, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		return nil, err
	}
	out, _, err := DecodeImage(&buf)
	return out, err
}

// crop cuts the share f of img's width and height off each side.
func crop(img *image.RGBA, f float64) image.Image {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	dx, dy := int(f*float64(w)), int(f*float64(h))
	return img.SubImage(image.Rect(dx, dy, w-dx, h-dy))
}

// watermark lays a half-opaque white box, the share fw of img's width
// and fh of its height, over its bottom-right corner (2% in from the
// edges), with a round logo and dark strokes like text on it.
func watermark(img *image.RGBA, r *rand.Rand, fw, fh float64) image.Image {
	c := canvasOf(img)
	x1, y1 := c.w-c.w/50, c.h-c.h/50
	x0, y0 := x1-int(fw*float64(c.w)), y1-int(fh*float64(c.h))
	white := [3]float32{255, 255, 255}
	cx, cy, rad := float64(x0)+float64(y1-y0)/2, float64(y0+y1)/2, float64(y1-y0)*0.4
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			c.blend(x, y, white, 0.55)
			if math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy) < rad {
				c.blend(x, y, [3]float32{200, 40, 40}, 0.8)
			}
		}
	}
	strokes(r, c, x0+(y1-y0), y0, x1, y1, [3]float32{30, 30, 30}, 2)
	return c.rgba()
}

// recolour turns img's hues by 30° (in YIQ), then raises its contrast by
// a fifth and its brightness by 15 levels.
func recolour(img *image.RGBA) image.Image {
	c := canvasOf(img)
	sin, cos := math.Sincos(math.Pi / 6)
	for i := 0; i < len(c.px); i += 3 {
		r, g, b := float64(c.px[i]), float64(c.px[i+1]), float64(c.px[i+2])
		y := 0.299*r + 0.587*g + 0.114*b
		u := 0.596*r - 0.274*g - 0.322*b
		v := 0.211*r - 0.523*g + 0.312*b
		u, v = u*cos-v*sin, u*sin+v*cos
		rgb := [3]float64{y + 0.956*u + 0.621*v, y - 0.272*u - 0.647*v, y - 1.106*u + 1.703*v}
		for k, x := range rgb {
			c.px[i+k] = float32((x-128)*1.2 + 128 + 15)
		}
	}
	return c.rgba()
}

// rotate90 turns img a quarter turn clockwise.
func rotate90(img *image.RGBA) image.Image {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	out := image.NewRGBA(image.Rect(0, 0, h, w))
	for y := range h {
		for x := range w {
			out.SetRGBA(h-1-y, x, img.RGBAAt(x, y))
		}
	}
	return out
}

// mirror flips img left to right.
func mirror(img *image.RGBA) image.Image {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			out.SetRGBA(w-1-x, y, img.RGBAAt(x, y))
		}
	}
	return out
}

// rotate turns img by deg degrees about its centre on a canvas of the
// same size, sampling bilinearly; the corners it uncovers are black.
func rotate(img *image.RGBA, deg float64) image.Image {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	c := newCanvas(w, h)
	sin, cos := math.Sincos(deg * math.Pi / 180)
	cx, cy := float64(w)/2, float64(h)/2
	for y := range h {
		for x := range w {
			dx, dy := float64(x)+0.5-cx, float64(y)+0.5-cy
			sx, sy := dx*cos+dy*sin+cx-0.5, -dx*sin+dy*cos+cy-0.5
			x0, y0 := int(math.Floor(sx)), int(math.Floor(sy))
			fx, fy := float32(sx-float64(x0)), float32(sy-float64(y0))
			p := c.px[3*(y*w+x):]
			for k := range 3 {
				at := func(x, y int) float32 {
					if x < 0 || y < 0 || x >= w || y >= h {
						return 0
					}
					return float32(img.Pix[img.PixOffset(x, y)+k])
				}
				top := at(x0, y0)*(1-fx) + at(x0+1, y0)*fx
				bottom := at(x0, y0+1)*(1-fx) + at(x0+1, y0+1)*fx
				p[k] = top*(1-fy) + bottom*fy
			}
		}
	}
	return c.rgba()
}

// bestDistance returns the least distance between any of a query's
// dihedral hashes and a stored hash, as a lookup that tries all eight
// finds it.
func bestDistance(query [8]PDQ, stored PDQ) int {
	best := 256
	for _, h := range query {
		best = min(best, h.Distance(stored))
	}
	return best
}

// detection is what the edits did to one picture's hash.
type detection struct {
	orig    [8]PDQ
	quality int
	direct  []int // per edit: the re-upload's own hash to the original's
	best    []int // per edit: the best of its eight
}

// detect hashes n pictures and their edited copies on all cores;
// picture returns picture i and the seed of its edits.
func detect(t *testing.T, n int, picture func(i int) (*image.RGBA, uint64)) []detection {
	t.Helper()
	results := make([]detection, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				img, seed := picture(i)
				hs, q, err := PDQImage(img)
				if err != nil {
					t.Error(err)
					return
				}
				res := detection{orig: hs, quality: q}
				r := rand.New(rand.NewPCG(seed, 0xed17))
				for _, e := range edits {
					changed, err := e.apply(img, r)
					if err != nil {
						t.Errorf("%s: %v", e.name, err)
						return
					}
					ehs, _, err := PDQImage(changed)
					if err != nil {
						t.Errorf("%s: %v", e.name, err)
						return
					}
					res.direct = append(res.direct, ehs[Original].Distance(hs[Original]))
					res.best = append(res.best, bestDistance(ehs, hs[Original]))
				}
				results[i] = res
			}
		})
	}
	wg.Wait()
	return results
}

// caughtTable writes, per edit, the share of re-uploads caught by their
// own hash and by the best of eight, and the median distances; it
// returns the shares caught by the best of eight.
func caughtTable(w *strings.Builder, results []detection) []float64 {
	fmt.Fprintf(w, "%-38s %8s %8s %8s %8s\n", "edit", "caught", "caught8", "median", "median8")
	var shares []float64
	for k, e := range edits {
		var direct, best []int
		caught, caught8 := 0, 0
		for _, res := range results {
			direct, best = append(direct, res.direct[k]), append(best, res.best[k])
			if res.direct[k] <= matchDistance {
				caught++
			}
			if res.best[k] <= matchDistance {
				caught8++
			}
		}
		n := float64(len(results))
		fmt.Fprintf(w, "%-38s %8.3f %8.3f %8d %8d\n", e.name, float64(caught)/n, float64(caught8)/n, median(direct), median(best))
		shares = append(shares, float64(caught8)/n)
	}
	return shares
}

// TestDetectionQuality measures on generated photo-like pictures
// (640×480) how often PDQ recognises a re-upload after each edit at
// distance ≤ 31, comparing the stored original's hash with the
// re-upload's own hash and with the best of its eight dihedral hashes,
// and how often two unrelated pictures come within that distance. It logs
// the table and, from 40 pictures up, fails if a rate falls under the
// floors set from it.
// SECUNION_QUALITY_IMAGES sets the number of pictures (default 40). When
// ../shared/testdata/pdq is present it logs the same edits on the
// reference's photographs, for comparison.
func TestDetectionQuality(t *testing.T) {
	n := qualityImages(t)
	results := detect(t, n, func(i int) (*image.RGBA, uint64) {
		seed := uint64(1000 + i)
		return photo(seed, 640, 480, 6), seed
	})
	if t.Failed() {
		return
	}
	var table strings.Builder
	fmt.Fprintf(&table, "PDQ on %d generated 640×480 pictures, match at distance ≤ %d\n", n, matchDistance)
	for k, share := range caughtTable(&table, results) {
		if n >= 40 && share < edits[k].floor { // fewer pictures are too few to judge
			t.Errorf("%s: %.3f of re-uploads caught, want at least %.2f", edits[k].name, share, edits[k].floor)
		}
	}
	falseDirect, falseBest, pairs, nearest := 0, 0, 0, 256
	lowQuality := 0
	for i, a := range results {
		if a.quality < 50 {
			lowQuality++
		}
		for _, b := range results[i+1:] {
			pairs++
			d := a.orig[Original].Distance(b.orig[Original])
			nearest = min(nearest, d)
			if d <= matchDistance {
				falseDirect++
			}
			if bestDistance(a.orig, b.orig[Original]) <= matchDistance {
				falseBest++
			}
		}
	}
	fmt.Fprintf(&table, "unrelated pairs: %d; within %d: %d (%.2g) by their own hashes, %d (%.2g) by the best of eight; nearest %d\n",
		pairs, matchDistance, falseDirect, float64(falseDirect)/float64(pairs), falseBest, float64(falseBest)/float64(pairs), nearest)
	fmt.Fprintf(&table, "pictures of quality under 50: %d of %d\n", lowQuality, n)
	t.Log("\n" + table.String())

	if rate := float64(falseBest) / float64(pairs); rate > 0.001 {
		t.Errorf("%.4f of unrelated pairs match, want at most 0.001", rate)
	}
}

// TestDetectionQualityPhotos logs TestDetectionQuality's table on the
// PNG photographs of ../shared/testdata/pdq (several are edits of one
// photograph, so unrelated pairs are not counted), to compare generated
// pictures with real ones.
func TestDetectionQualityPhotos(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(referenceDir, "png", "*.png"))
	if len(files) == 0 {
		t.Skipf("%s is absent: the photographs are not measured", referenceDir)
	}
	results := detect(t, len(files), func(i int) (*image.RGBA, uint64) {
		data, err := os.ReadFile(files[i])
		if err != nil {
			t.Fatal(err)
		}
		img, _, err := DecodeImage(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", files[i], err)
		}
		rgba := image.NewRGBA(img.Bounds().Sub(img.Bounds().Min))
		draw.Draw(rgba, rgba.Rect, img, img.Bounds().Min, draw.Src)
		return rgba, uint64(i)
	})
	var table strings.Builder
	fmt.Fprintf(&table, "PDQ on the %d reference PNG photographs, match at distance ≤ %d\n", len(files), matchDistance)
	caughtTable(&table, results)
	low := 0
	for _, res := range results {
		if res.quality < 50 {
			low++
		}
	}
	fmt.Fprintf(&table, "photographs of quality under 50: %d of %d\n", low, len(results))
	t.Log("\n" + table.String())
}

// median returns the middle of ds (the upper one of an even count).
func median(ds []int) int {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
