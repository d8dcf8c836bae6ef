package signals

import (
	"image"
	"image/color"
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

// background fills c with a base colour plus, per channel, a few
// products of sines across x and y (waves of up to three periods over
// the picture).
func background(r *rand.Rand, c *canvas) {
	base := randomColour(r)
	type wave struct {
		amp      float32
		col, row []float32
	}
	var waves [3][]wave
	for k := range 3 {
		for range 3 {
			wv := wave{amp: 20 + 50*r.Float32(), col: make([]float32, c.w), row: make([]float32, c.h)}
			fx, px := 2*math.Pi*3*r.Float64()/float64(c.w), 2*math.Pi*r.Float64()
			fy, py := 2*math.Pi*3*r.Float64()/float64(c.h), 2*math.Pi*r.Float64()
			for x := range c.w {
				wv.col[x] = float32(math.Sin(fx*float64(x) + px))
			}
			for y := range c.h {
				wv.row[y] = float32(math.Sin(fy*float64(y) + py))
			}
			waves[k] = append(waves[k], wv)
		}
	}
	for y := range c.h {
		for x := range c.w {
			p := c.px[3*(y*c.w+x):]
			for k := range 3 {
				v := base[k]
				for _, wv := range waves[k] {
					v += wv.amp * wv.col[x] * wv.row[y]
				}
				p[k] = v
			}
		}
	}
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
func canvasOf(img image.Image) *canvas {
	b := img.Bounds()
	c := newCanvas(b.Dx(), b.Dy())
	for y := range c.h {
		for x := range c.w {
			col := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
			p := c.px[3*(y*c.w+x):]
			p[0], p[1], p[2] = float32(col.R), float32(col.G), float32(col.B)
		}
	}
	return c
}
