package synth

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"secunion"
	"secunion/biometric"
	"secunion/identity"
)

// The template model. A person has one latent vector per modality, drawn
// with a decaying spectrum (coordinate j has variance 1/(1+j/16)), as the
// embeddings of real recognisers spread over fewer effective dimensions
// than they have: about 200 of 512 for faces, 135 of 256 for
// fingerprints. Two persons' latents are thus nearly orthogonal, with
// cosines centred on 0 and a standard deviation of 0.07 (faces) and 0.09
// (fingerprints): the impostor scores.
//
// A capture is the latent at unit length plus isotropic noise of squared
// size s, drawn per capture uniformly from 0.2 to 0.8. Two captures of one
// person then score about 1/√((1+s₁)(1+s₂)): 0.56 to 0.83, most near
// 0.69, as genuine pairs of modern face recognisers do. The capture's
// quality is 100 − 100·(s − 0.1): 30 to 90, a noisy capture scoring low.
const (
	spectrumScale = 16
	minNoise      = 0.2
	maxNoise      = 0.8
)

// Capture returns one capture of person i's biometric of modality m under
// seed: its template vector, at unit length, and its quality. The latent
// depends on the seed, the person and the modality alone, the noise also
// on capture, a key naming the capture (a template reference, or any text
// for a probe): the same arguments give the same vector.
func Capture(seed uint64, i int, m biometric.Modality, capture string) ([]float32, int) {
	dims := biometric.Dims(m)
	salt := uint64(0xface)
	if m == biometric.Fingerprint {
		salt = 0xf1f9
	}
	r := rand.New(rand.NewPCG(mix64(seed^salt), mix64(uint64(i)^0x6a09e667f3bcc909)))
	latent := make([]float64, dims)
	var norm float64
	for j := range latent {
		latent[j] = r.NormFloat64() / math.Sqrt(1+float64(j)/spectrumScale)
		norm += latent[j] * latent[j]
	}
	norm = math.Sqrt(norm)
	r = rand.New(rand.NewPCG(mix64(seed^salt^uint64(i)), hashString(capture)))
	s := minNoise + (maxNoise-minNoise)*r.Float64()
	sd := math.Sqrt(s / float64(dims))
	v := make([]float32, dims)
	var vn float64
	for j := range v {
		x := latent[j]/norm + sd*r.NormFloat64()
		v[j] = float32(x)
		vn += x * x
	}
	scale := float32(1 / math.Sqrt(vn))
	for j := range v {
		v[j] *= scale
	}
	return v, int(math.Round(100 - 100*(s-0.1)))
}

// Templates returns the templates a record made by Generate refers to,
// made again from o and the record's truth.
func Templates(o Options, rec identity.Record, t Truth) ([]biometric.Template, error) {
	if len(rec.Biometrics) == 0 {
		return nil, nil
	}
	i, err := strconv.Atoi(strings.TrimPrefix(t.Person, "P"))
	if err != nil || !strings.HasPrefix(t.Person, "P") {
		return nil, secunion.Errorf(secunion.Invalid, "synth: %q is not a synthetic person", t.Person)
	}
	out := make([]biometric.Template, 0, len(rec.Biometrics))
	for _, ref := range rec.Biometrics {
		var m biometric.Modality
		switch kind, _, _ := strings.Cut(ref, "-"); kind {
		case "face":
			m = biometric.Face
		case "fp":
			m = biometric.Fingerprint
		default:
			return nil, secunion.Errorf(secunion.Invalid, "synth: %q is not a template reference synth made", ref)
		}
		v, q := Capture(o.Seed, i, m, ref)
		out = append(out, biometric.Template{ID: ref, System: rec.System, RecordID: rec.ID, Modality: m, Quality: q, Vector: v})
	}
	return out, nil
}

// hashString is FNV-1a over s, mixed.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return mix64(h)
}
