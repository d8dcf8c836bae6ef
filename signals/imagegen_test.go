package signals

import (
	"image"
	"math"
	"math/rand/v2"
)

// canvas is an RGB picture being painted, in float32 channels of 0–255,
// row by row.
type canvas struct {
	w, h int
	px   []float32 // 3 per pixel: red, green, blue
}

func newCanvas(w, h int) *canvas { return &canvas{w: w, h: h, px: make([]float32, 3*w*h)} }

// blend mixes colour c into the pixel at (x, y) with weight a (0–1).
func (c *canvas) blend(x, y int, col [3]float32, a float32) {
	p := c.px[3*(y*c.w+x):]
	for k := range 3 {
		p[k] += a * (col[k] - p[k])
	}
}

// rgba returns the picture, rounded and clamped to 8 bits, as an opaque
// image.RGBA.
func (c *canvas) rgba() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, c.w, c.h))
	for i := range c.w * c.h {
		for k := range 3 {
			img.Pix[4*i+k] = clamp8(c.px[3*i+k])
		}
		img.Pix[4*i+3] = 255
	}
	return img
}

func clamp8(v float32) uint8 {
	return uint8(math.Round(float64(min(255, max(0, v)))))
}

// photo paints a photo-like picture of w×h, the same for the same seed:
// a background of layered colour gradients, soft-edged ellipses and
// rotated rectangles, clusters of strokes like handwriting or text, and
// grain of the given strength (0 for none).
func photo(seed uint64, w, h int, grain float32) *image.RGBA {
	r := rand.New(rand.NewPCG(seed, 0x9d0c))
	c := newCanvas(w, h)
	background(r, c)
	for range 4 + r.IntN(9) {
		shape(r, c)
	}
	for range 1 + r.IntN(5) {
		strokes(r, c, 0, 0, w, h, randomColour(r), 1+2*r.Float32())
	}
	if grain > 0 {
		for i := range c.px {
			c.px[i] += grain * (r.Float32() + r.Float32() - 1)
		}
	}
	return c.rgba()
}

func randomColour(r *rand.Rand) [3]float32 {
	return [3]float32{255 * r.Float32(), 255 * r.Float32(), 255 * r.Float32()}
}

// background fills c with a base colour plus layered gradients as in
// photographs, whose detail fades with fineness: a luminance field shared
// by the three channels and a fainter tint field for each.
func background(r *rand.Rand, c *canvas) {
	base := randomColour(r)
	light := field(r, c.w, c.h, 70)
	for k := range 3 {
		tint := field(r, c.w, c.h, 30)
		for i, v := range light {
			c.px[3*i+k] = base[k] + v + tint[i]
		}
	}
}

// field returns w×h values that are a sum of plane waves over five
// octaves, from half a period across the picture to eight, each octave
// at half the amplitude of the one before (amp for the first).
func field(r *rand.Rand, w, h int, amp float64) []float32 {
	out := make([]float32, w*h)
	cosX, sinX := make([]float32, w), make([]float32, w)
	cosY, sinY := make([]float32, h), make([]float32, h)
	for octave := range 5 {
		for range 3 {
			periods := math.Ldexp(0.5+r.Float64(), octave-1)
			dir := 2 * math.Pi * r.Float64()
			fx := 2 * math.Pi * periods * math.Cos(dir) / float64(w)
			fy := 2 * math.Pi * periods * math.Sin(dir) / float64(h)
			phase := 2 * math.Pi * r.Float64()
			a := float32(math.Ldexp(amp*(0.5+r.Float64()), -octave))
			for x := range w {
				s, c := math.Sincos(fx*float64(x) + phase)
				sinX[x], cosX[x] = a*float32(s), a*float32(c)
			}
			for y := range h {
				s, c := math.Sincos(fy * float64(y))
				sinY[y], cosY[y] = float32(s), float32(c)
			}
			// cos(fx·x + phase + fy·y), one product per term.
			for y := range h {
				row := out[y*w : (y+1)*w]
				for x := range row {
					row[x] += cosX[x]*cosY[y] - sinX[x]*sinY[y]
				}
			}
		}
	}
	return out
}

// shape paints a random ellipse or rotated rectangle with an edge about
// a pixel and a half wide.
func shape(r *rand.Rand, c *canvas) {
	cx, cy := float64(c.w)*r.Float64(), float64(c.h)*r.Float64()
	side := float64(min(c.w, c.h))
	a, b := side*(0.05+0.3*r.Float64()), side*(0.05+0.3*r.Float64())
	sin, cos := math.Sincos(math.Pi * r.Float64())
	ellipse := r.IntN(2) == 0
	col, alpha := randomColour(r), 0.5+0.5*r.Float32()
	reach := math.Hypot(a, b) + 2
	x0, x1 := max(0, int(cx-reach)), min(c.w, int(cx+reach)+1)
	y0, y1 := max(0, int(cy-reach)), min(c.h, int(cy+reach)+1)
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			dx, dy := float64(x)+0.5-cx, float64(y)+0.5-cy
			u, v := dx*cos+dy*sin, -dx*sin+dy*cos
			// inside is how far, in pixels, the point lies inside the edge.
			var inside float64
			if ellipse {
				inside = (1 - math.Hypot(u/a, v/b)) * min(a, b)
			} else {
				inside = min(a-math.Abs(u), b-math.Abs(v))
			}
			if cover := min(1, max(0, inside/1.5+0.5)); cover > 0 {
				c.blend(x, y, col, alpha*float32(cover))
			}
		}
	}
}

// strokes paints, within the box (x0, y0)–(x1, y1), a line of "words":
// random walks of short segments of the given width, like handwriting or
// text seen from afar.
func strokes(r *rand.Rand, c *canvas, x0, y0, x1, y1 int, col [3]float32, width float32) {
	bw, bh := float64(x1-x0), float64(y1-y0)
	x, y := float64(x0)+bw*0.8*r.Float64(), float64(y0)+bh*(0.1+0.8*r.Float64())
	size := max(3, math.Min(bw, bh)*(0.03+0.05*r.Float64()))
	for range 3 + r.IntN(6) { // words
		for range 2 + r.IntN(6) { // letters
			for range 2 + r.IntN(3) {
				nx := x + size*(r.Float64()-0.3)
				ny := y + size*2*(r.Float64()-0.5)
				segment(c, x, y, nx, ny, float64(width), col)
				x, y = nx, ny
			}
		}
		x += size * 1.5
		if x > float64(x1) {
			return
		}
	}
}

// segment paints the line from (ax, ay) to (bx, by), w pixels wide, with
// antialiased edges.
func segment(c *canvas, ax, ay, bx, by, w float64, col [3]float32) {
	dx, dy := bx-ax, by-ay
	l2 := max(dx*dx+dy*dy, 1e-9)
	x0, x1 := max(0, int(math.Min(ax, bx)-w)), min(c.w, int(math.Max(ax, bx)+w)+1)
	y0, y1 := max(0, int(math.Min(ay, by)-w)), min(c.h, int(math.Max(ay, by)+w)+1)
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			px, py := float64(x)+0.5-ax, float64(y)+0.5-ay
			t := min(1, max(0, (px*dx+py*dy)/l2))
			d := math.Hypot(px-t*dx, py-t*dy)
			if cover := min(1, max(0, w/2-d+0.5)); cover > 0 {
				c.blend(x, y, col, float32(cover))
			}
		}
	}
}

// canvasOf returns img's pixels as a canvas (alpha ignored).
func canvasOf(img *image.RGBA) *canvas {
	b := img.Bounds()
	c := newCanvas(b.Dx(), b.Dy())
	for y := range c.h {
		row := img.Pix[img.PixOffset(b.Min.X, b.Min.Y+y):]
		for x := range c.w {
			for k := range 3 {
				c.px[3*(y*c.w+x)+k] = float32(row[4*x+k])
			}
		}
	}
	return c
}
