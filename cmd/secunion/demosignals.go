package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"secunion"
	"secunion/crisis"
	"secunion/signals"
	"secunion/store"
)

// demoRemovedImages is how many removals of the demo's history carry
// the hashes of a removed image.
const demoRemovedImages = 4

// demoImageDir is the folder, in the demo's data folder, holding copies
// of the removed demo images as they might be uploaded again.
const demoImageDir = "demo-images"

// demoPicture draws removed demo image n: a photo-like picture of waves
// and shapes, the same for the same n.
func demoPicture(n int) *image.RGBA {
	const w, h = 640, 480
	r := rand.New(rand.NewPCG(uint64(n), 0x5eC))
	type wave struct{ fx, fy, phase, amp float64 }
	var waves [3][4]wave
	for c := range waves {
		for i := range waves[c] {
			waves[c][i] = wave{r.Float64() / 30, r.Float64() / 30, r.Float64() * 2 * math.Pi, 20 + 30*r.Float64()}
		}
	}
	type blob struct{ x, y, rx, ry float64 }
	blobs := make([]blob, 6)
	for i := range blobs {
		blobs[i] = blob{r.Float64() * w, r.Float64() * h, 20 + 80*r.Float64(), 20 + 80*r.Float64()}
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			var px [3]float64
			for c := range px {
				px[c] = 128
				for _, v := range waves[c] {
					px[c] += v.amp * math.Sin(v.fx*float64(x)+v.fy*float64(y)+v.phase)
				}
			}
			for i, b := range blobs {
				dx, dy := (float64(x)-b.x)/b.rx, (float64(y)-b.y)/b.ry
				if dx*dx+dy*dy < 1 {
					px[i%3] = 255 - px[i%3]
				}
			}
			img.SetRGBA(x, y, color.RGBA{clampByte(px[0]), clampByte(px[1]), clampByte(px[2]), 255})
		}
	}
	return img
}

func clampByte(v float64) uint8 { return uint8(max(0, min(255, v))) }

// demoRemovedHashes returns the hashes a provider gives with the removal
// of demo image n: its PDQ hash, with quality, and its MD5.
func demoRemovedHashes(n int) ([]signals.Entry, error) {
	var b bytes.Buffer
	if err := png.Encode(&b, demoPicture(n)); err != nil {
		return nil, secunion.Wrap(secunion.Internal, err, "demo image")
	}
	c, err := signals.HashContent(b.Bytes())
	if err != nil {
		return nil, err
	}
	return []signals.Entry{
		{Algorithm: signals.AlgPDQ, Value: c.PDQ[signals.Original].String(), Quality: c.Quality, Labels: signals.Labels{ContentType: "image", Ideology: "jihadist"}},
		{Algorithm: signals.AlgMD5, Value: c.MD5, Labels: signals.Labels{ContentType: "image", Ideology: "jihadist"}},
	}, nil
}

// writeDemoReuploads writes, for demo images 1 to n, a copy as it might
// come back: half the size, JPEG-compressed and mirrored, so that
// its file hashes differ and its PDQ hash still matches.
func writeDemoReuploads(data string, n int) (string, error) {
	dir := filepath.Join(data, demoImageDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", secunion.Wrap(secunion.Internal, err, "demo images")
	}
	for i := 1; i <= n; i++ {
		src := demoPicture(i)
		b := src.Bounds()
		small := image.NewRGBA(image.Rect(0, 0, b.Dx()/2, b.Dy()/2))
		for y := range small.Bounds().Dy() {
			for x := range small.Bounds().Dx() {
				small.Set(x, y, src.At(b.Dx()-1-2*x, 2*y)) // mirrored left to right
			}
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, small, &jpeg.Options{Quality: 70}); err != nil {
			return "", secunion.Wrap(secunion.Internal, err, "demo images")
		}
		if err := os.WriteFile(filepath.Join(dir, reuploadName(i)), buf.Bytes(), 0o644); err != nil {
			return "", secunion.Wrap(secunion.Internal, err, "demo images")
		}
	}
	return dir, nil
}

// reuploadName names the re-uploaded copy of demo image n.
func reuploadName(n int) string { return fmt.Sprintf("reupload-%d.jpg", n) }

// demoCrisisImage is the demo image shared in the demo's crisis incident
// (the removed ones are 1 to demoRemovedImages).
const demoCrisisImage = demoRemovedImages + 1

// seedDemoCrisis plays the start of a crisis on clock, set back: BE-TCO
// declares an incident with VidShare and PicBoard, Europol (which takes
// part in every incident) activates the protocol, VidShare shares the hash
// of the attack video's key frame four minutes later and BE-TCO a URL,
// and Europol coordinates the response. The incident is live at the
// start: providers' lookups of that frame count as uploads blocked.
func seedDemoCrisis(ctx context.Context, db *store.DB, clock *demoClock) error {
	be, europol, vid := demoActor("BE-TCO"), demoActor("EU-EUROPOL"), demoActor("IE-VIDSHARE")
	clock.setBack(40 * time.Minute)
	inc, err := db.DeclareIncident(ctx, be, crisis.Incident{Title: "Livestreamed attack in Ghent",
		Description: "An attacker livestreamed a knife attack at a Ghent tram stop; copies spread on video platforms within minutes."},
		[]string{"IE-VIDSHARE", "NL-PICBOARD"})
	if err != nil {
		return err
	}
	clock.advance(6 * time.Minute)
	if _, err := db.StepIncident(ctx, europol, inc.ID, crisis.Step{Action: crisis.Activate}); err != nil {
		return err
	}
	clock.advance(4 * time.Minute)
	hs, err := demoRemovedHashes(demoCrisisImage)
	if err != nil {
		return err
	}
	if _, _, err := db.ShareHash(ctx, vid, inc.ID, hs[0], "key frame of the livestream"); err != nil {
		return err
	}
	clock.advance(3 * time.Minute)
	if _, _, err := db.ShareURL(ctx, be, inc.ID, "https://vidshare.example/live/gh3nt", "the original stream"); err != nil {
		return err
	}
	clock.advance(2 * time.Minute)
	_, err = db.StepIncident(ctx, europol, inc.ID, crisis.Step{Action: crisis.Coordinate, Text: "Europol coordinates: every participant filters the shared hashes."})
	return err
}
