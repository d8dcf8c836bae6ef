package signals

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// benchFiles are the image files BenchmarkPDQ hashes: the reference's
// JPEGs and PNGs in ../shared/testdata/pdq when present, else the
// generated ones in testdata/refimg. Images with an alpha channel are
// left out: the C++ reference refuses them.
func benchFiles(b *testing.B) []string {
	b.Helper()
	var files []string
	for _, pat := range []string{"jpeg/*.jpg", "png/*.png"} {
		m, _ := filepath.Glob(filepath.Join(referenceDir, pat))
		files = append(files, m...)
	}
	if len(files) == 0 {
		files, _ = filepath.Glob(filepath.Join(refImgDir, "*.png"))
	}
	kept := files[:0]
	for _, f := range files {
		r, err := os.Open(f)
		if err != nil {
			b.Fatal(err)
		}
		cfg, _, err := image.DecodeConfig(r)
		r.Close()
		if err != nil {
			b.Fatalf("%s: %v", f, err)
		}
		if cfg.ColorModel != color.NRGBAModel && cfg.ColorModel != color.NRGBA64Model {
			kept = append(kept, f)
		}
	}
	if len(kept) == 0 {
		b.Fatal("no image to hash")
	}
	return kept
}

// BenchmarkPDQ measures what hashing an uploaded image costs: one
// operation reads an image file, decodes it (DecodeImage) and computes
// its eight dihedral hashes and quality (PDQImage), going round a fixed
// set of files; with -cpu 1,2 it runs on one core and on two. It reports
// images/s, and when SECUNION_PDQ_REFERENCE names Meta's pdq-photo-hasher
// (signals/testdata/pdqref.sh builds it) the reference's images/s doing
// the same work (--pdqdih-across: read, decode with libjpeg or libpng,
// eight hashes and the quality) over the same files, in as many processes
// as there are cores in use (the file list dealt out between them), and
// the ratio go/ref.
func BenchmarkPDQ(b *testing.B) {
	files := benchFiles(b)
	procs := runtime.GOMAXPROCS(0)
	// The reference is timed on each run but the first probe of b.N = 1,
	// so that each of -count's results has its own measurement.
	var refRate float64
	ref := referenceHasher()
	if ref == "" {
		b.Log("SECUNION_PDQ_REFERENCE is not set: the C++ reference is not timed (signals/testdata/pdqref.sh builds it)")
	} else if b.N > 1 {
		refRate = timeReference(b, ref, files, procs)
	}
	var next atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			f := files[int(next.Add(1)-1)%len(files)]
			data, err := os.ReadFile(f)
			if err != nil {
				b.Error(err)
				return
			}
			img, _, err := DecodeImage(bytes.NewReader(data))
			if err != nil {
				b.Error(err)
				return
			}
			if _, _, err := PDQImage(img); err != nil {
				b.Error(err)
				return
			}
		}
	})
	rate := float64(b.N) / b.Elapsed().Seconds()
	b.ReportMetric(rate, "images/s")
	if refRate > 0 {
		b.ReportMetric(refRate, "ref-images/s")
		b.ReportMetric(rate/refRate, "go/ref")
	}
}

// timeReference runs the C++ reference over files, repeated to at least
// 500 images, dealt out between procs processes run at once, and returns
// the images hashed per second, start of the first process to end of the
// last.
func timeReference(b *testing.B, ref string, files []string, procs int) float64 {
	b.Helper()
	lists := make([][]string, procs)
	n := 0
	for ; n < 500 || n%len(files) != 0; n++ {
		lists[n%procs] = append(lists[n%procs], files[n%len(files)])
	}
	var wg sync.WaitGroup
	errs := make([]error, procs)
	start := time.Now()
	for p, list := range lists {
		wg.Go(func() {
			cmd := exec.Command(ref, "--pdqdih-across", "-i")
			cmd.Stdin = strings.NewReader(strings.Join(list, "\n") + "\n")
			out, err := cmd.Output()
			if lines := bytes.Count(out, []byte("\n")); err == nil && lines != len(list) {
				err = fmt.Errorf("%d lines for %d images", lines, len(list))
			}
			errs[p] = err
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	for _, err := range errs {
		if err != nil {
			b.Fatalf("%s: %v", ref, err)
		}
	}
	return float64(n) / elapsed.Seconds()
}

// BenchmarkPDQHash measures the hash alone (PDQImage on images decoded
// beforehand) over BenchmarkPDQ's files: with BenchmarkPDQ it parts the
// cost of decoding from that of hashing.
func BenchmarkPDQHash(b *testing.B) {
	var imgs []image.Image
	for _, f := range benchFiles(b) {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		img, _, err := DecodeImage(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		imgs = append(imgs, img)
	}
	var next atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := PDQImage(imgs[int(next.Add(1)-1)%len(imgs)]); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "images/s")
}
