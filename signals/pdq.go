// Package signals holds the hashes that recognise content again: PDQ,
// Meta's perceptual hash for images, and cryptographic hashes of files.
package signals

import (
	"fmt"
	"image"
	"math"
	"math/bits"
	"slices"

	"secunion"
)

// PDQ is a 256-bit PDQ hash as sixteen 16-bit words: bit k (the k-th of
// the 16×16 DCT coefficients, row by row) is bit k%16 of word k/16. Its
// text form, as Meta's reference writes it, is the words from the last to
// the first, four hex digits each.
type PDQ [16]uint16

// String writes h as 64 lowercase hex digits, as the reference does.
func (h PDQ) String() string {
	b := make([]byte, 0, 64)
	for i := 15; i >= 0; i-- {
		b = fmt.Appendf(b, "%04x", h[i])
	}
	return string(b)
}

// Distance returns the Hamming distance between h and o: the number of
// bits that differ.
func (h PDQ) Distance(o PDQ) int {
	d := 0
	for i := range h {
		d += bits.OnesCount16(h[i] ^ o[i])
	}
	return d
}

// The dihedral variants of an image, in the order the reference lists
// them (pdq-photo-hasher --pdqdih-across).
const (
	Original = iota
	Rotate90
	Rotate180
	Rotate270
	FlipX
	FlipY
	FlipPlus1  // transpose
	FlipMinus1 // transverse
)

// Sizes PDQ works at: images larger than maxSide either way are first
// resized to maxSide × maxSide by nearest neighbour, as the reference
// does before its filter; images smaller than minSide either way get the
// zero hash and quality 0.
const (
	maxSide = 512
	minSide = 5
)

// PDQImage hashes img as Meta's reference implementation does, bit for
// bit on losslessly decoded pixels: luminance (0.299 R + 0.587 G +
// 0.114 B in float32, or the grey value itself for a grey image), a
// nearest-neighbour resize to 512×512 for larger images, two passes of
// Jarosz box filters, decimation to 64×64, the 16×16 lowest non-constant
// DCT coefficients, and one bit per coefficient above their median. It
// returns the hash of each dihedral variant (Original, Rotate90, …) and the
// quality (0–100) from the image's gradients.
func PDQImage(img image.Image) ([8]PDQ, int, error) {
	var out [8]PDQ
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= 0 || h <= 0 {
		return out, 0, secunion.Errorf(secunion.Invalid, "the image has no pixels")
	}
	if w < minSide || h < minSide {
		return out, 0, nil
	}
	cols, rows := w, h
	if w > maxSide || h > maxSide {
		cols, rows = maxSide, maxSide
	}
	luma := lumaOf(img, rows, cols)
	tmp := make([]float32, len(luma))
	wr, wc := jaroszWindow(cols), jaroszWindow(rows)
	for range 2 {
		for i := range rows {
			box1D(luma[i*cols:], tmp[i*cols:], cols, 1, wr)
		}
		for j := range cols {
			box1D(tmp[j:], luma[j:], rows, cols, wc)
		}
	}
	var small [64][64]float32
	for i := range 64 {
		si := int((float64(i) + 0.5) * float64(rows) / 64)
		for j := range 64 {
			sj := int((float64(j) + 0.5) * float64(cols) / 64)
			small[i][j] = luma[si*cols+sj]
		}
	}
	quality := pdqQuality(&small)
	dct := dct64To16(&small)
	for v := range out {
		out[v] = pdqBits(dihedral(&dct, v))
	}
	return out, quality, nil
}

// lumaOf returns the luminance of img at rows × cols, sampling by nearest
// neighbour when that is smaller than the image (as CImg's resize does:
// output column x reads input column ⌊x·width/cols⌋).
func lumaOf(img image.Image, rows, cols int) []float32 {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	luma := make([]float32, rows*cols)
	_, grey := img.(*image.Gray) // one channel: its value is the luminance
	if _, ok := img.(*image.Gray16); ok {
		grey = true
	}
	for i := range rows {
		y := b.Min.Y + int(float64(i)*float64(h)/float64(rows))
		for j := range cols {
			x := b.Min.X + int(float64(j)*float64(w)/float64(cols))
			r8, g8, b8 := pixel(img, x, y)
			if grey {
				luma[i*cols+j] = float32(r8)
				continue
			}
			r := float32(lumaR) * float32(r8)
			g := float32(lumaG) * float32(g8)
			bl := float32(lumaB) * float32(b8)
			luma[i*cols+j] = float32(r+g) + bl
		}
	}
	return luma
}

// pixel returns the 8-bit red, green and blue of img at (x, y), as
// color.NRGBAModel converts them (alpha divided out), without the
// allocation of img.At for the image types decoders return.
func pixel(img image.Image, x, y int) (uint8, uint8, uint8) {
	var r, g, b, a uint32
	switch m := img.(type) {
	case *image.NRGBA:
		c := m.NRGBAAt(x, y)
		return c.R, c.G, c.B
	case *image.Gray:
		v := m.GrayAt(x, y).Y
		return v, v, v
	case *image.RGBA:
		r, g, b, a = m.RGBAAt(x, y).RGBA()
	case *image.YCbCr:
		r, g, b, a = m.YCbCrAt(x, y).RGBA()
	default:
		r, g, b, a = img.At(x, y).RGBA()
	}
	switch a {
	case 0xffff:
	case 0:
		return 0, 0, 0
	default:
		r, g, b = r*0xffff/a, g*0xffff/a, b*0xffff/a
	}
	return uint8(r >> 8), uint8(g >> 8), uint8(b >> 8)
}

// The luminance weights (ITU-R BT.601), held as float32 as the reference
// holds them.
const (
	lumaR = 0.299
	lumaG = 0.587
	lumaB = 0.114
)

// jaroszWindow is the box filter's window along a side of n pixels, for a
// 64-pixel result in two passes: n/128, rounded up.
func jaroszWindow(n int) int { return (n + 2*64 - 1) / (2 * 64) }

// box1D writes to out the running means of in over a window of size
// window centred on each element (shorter at the ends), for n elements
// stride apart, summing in float32 in the reference's order.
func box1D(in, out []float32, n, stride, window int) {
	half := (window + 2) / 2
	var sum float32
	size := 0
	li, ri, oi := 0, 0, 0
	for range half - 1 {
		sum += in[ri]
		size++
		ri += stride
	}
	for range window - half + 1 {
		sum += in[ri]
		size++
		out[oi] = sum / float32(size)
		ri += stride
		oi += stride
	}
	for range n - window {
		sum += in[ri]
		sum -= in[li]
		out[oi] = sum / float32(size)
		li += stride
		ri += stride
		oi += stride
	}
	for range half - 1 {
		sum -= in[li]
		size--
		out[oi] = sum / float32(size)
		li += stride
		oi += stride
	}
}

// pdqQuality grades the 64×64 image by its significant gradients: the sum
// of |difference|·100/255 (truncated) between neighbours, over 90, at most
// 100.
func pdqQuality(a *[64][64]float32) int {
	sum := 0
	for i := range 63 {
		for j := range 64 {
			sum += abs(int(float32(float32(a[i][j]-a[i+1][j])*100) / 255))
		}
	}
	for i := range 64 {
		for j := range 63 {
			sum += abs(int(float32(float32(a[i][j]-a[i][j+1])*100) / 255))
		}
	}
	return min(sum/90, 100)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// dctMatrix is the 16×64 matrix of DCT-II rows 1–16 (row 0, the mean, is
// left out), in float32 as the reference computes it.
var dctMatrix = func() (d [16][64]float32) {
	scale := float32(math.Sqrt(2.0 / 64))
	for i := range 16 {
		for j := range 64 {
			d[i][j] = float32(float64(scale) * math.Cos(math.Pi/2/64*float64(i+1)*float64(2*j+1)))
		}
	}
	return d
}()

// dct64To16 returns D·A·Dᵀ, summing in float32 in the reference's order.
func dct64To16(a *[64][64]float32) (b [16][16]float32) {
	var t [16][64]float32
	for i := range 16 {
		for j := range 64 {
			var s float32
			for k := range 64 {
				s += float32(dctMatrix[i][k] * a[k][j])
			}
			t[i][j] = s
		}
	}
	for i := range 16 {
		for j := range 16 {
			var s float32
			for k := range 64 {
				s += float32(t[i][k] * dctMatrix[j][k])
			}
			b[i][j] = s
		}
	}
	return b
}

// dihedral returns the DCT of variant v of the image whose DCT is a: a
// rotation or flip changes the signs of the odd coefficients along the
// axes it mirrors, and a quarter turn or a diagonal flip transposes.
func dihedral(a *[16][16]float32, v int) [16][16]float32 {
	var b [16][16]float32
	for i := range 16 {
		for j := range 16 {
			x := a[i][j]
			var neg, swap bool
			switch v {
			case Rotate90:
				neg, swap = j&1 == 0, true
			case Rotate180:
				neg = (i+j)&1 == 1
			case Rotate270:
				neg, swap = i&1 == 0, true
			case FlipX:
				neg = i&1 == 0
			case FlipY:
				neg = j&1 == 0
			case FlipPlus1:
				swap = true
			case FlipMinus1:
				neg, swap = (i+j)&1 == 1, true
			}
			if neg {
				x = -x
			}
			if swap {
				b[j][i] = x
			} else {
				b[i][j] = x
			}
		}
	}
	return b
}

// pdqBits sets one bit per coefficient greater than the median (the
// 128th smallest of the 256, as the reference's Torben median gives).
func pdqBits(a [16][16]float32) PDQ {
	flat := make([]float32, 0, 256)
	for i := range 16 {
		flat = append(flat, a[i][:]...)
	}
	sorted := slices.Clone(flat)
	slices.Sort(sorted)
	median := sorted[127]
	var h PDQ
	for k, x := range flat {
		if x > median {
			h[k/16] |= 1 << (k % 16)
		}
	}
	return h
}
