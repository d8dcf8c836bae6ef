// Package biometric is the shared Biometric Matching Service (sBMS;
// Regulation 2019/817 Art 12–16, DOMAIN.md §2): it holds biometric
// templates — never raw images — each with a reference to its source
// record, and answers 1:N identification (the closest templates to a
// probe) and 1:1 verification (how close two templates are).
//
// Templates are fixed-length feature vectors made by an external
// extractor, one length per modality (Dims): 512 for faces, as the
// embeddings of current face recognisers (ArcFace and its successors)
// have, and 256 for fingerprints, as fixed-length deep fingerprint
// representations (DeepPrint-style) have. Vectors are stored at unit
// length, so that the score of two templates is their cosine similarity
// in [−1, 1]: about 0.6–0.8 for two captures of one person with a modern
// extractor, about 0 (±0.1) for two people. Threshold gives the score a
// 1:N candidate must reach, per modality.
package biometric

import (
	"bytes"
	"math"

	"secunion"
)

// Modality is the kind of biometric a template describes.
type Modality string

// The modalities the service holds.
const (
	Face        Modality = "face"
	Fingerprint Modality = "fingerprint"
)

// Dims returns the length of a modality's templates, 0 for an unknown
// modality.
func Dims(m Modality) int {
	switch m {
	case Face:
		return 512
	case Fingerprint:
		return 256
	}
	return 0
}

// Threshold returns the least score of a 1:N candidate for a modality.
// Impostor scores of unit-length embeddings centre on 0 with a standard
// deviation of about 1/√Dims (0.044 for faces, 0.063 for fingerprints),
// so 0.4 and 0.45 lie far above them, while genuine pairs score 0.6 or
// more.
func Threshold(m Modality) float32 {
	switch m {
	case Fingerprint:
		return 0.45
	}
	return 0.4
}

// Template is one biometric template with its source record.
type Template struct {
	ID       string    `json:"id"`        // the template's reference, as source records list it
	System   string    `json:"system"`    // the source system of the record
	RecordID string    `json:"record_id"` // the record it belongs to
	Modality Modality  `json:"modality"`
	Quality  int       `json:"quality"` // the extractor's quality score, 0–100
	Vector   []float32 `json:"vector"`  // Dims(Modality) values
}

// Validate checks t and scales its vector to unit length. It refuses, with
// an Invalid error naming the problem, a missing reference, a quality
// outside 0–100, and the vector faults of unitVector.
func (t *Template) Validate() error {
	switch {
	case t.ID == "" || len(t.ID) > 100:
		return secunion.Errorf(secunion.Invalid, "template: id: give 1 to 100 characters")
	case t.System == "" || t.RecordID == "":
		return secunion.Errorf(secunion.Invalid, "template %s: give the system and record it belongs to", t.ID)
	case t.Quality < 0 || t.Quality > 100:
		return secunion.Errorf(secunion.Invalid, "template %s: quality %d is not 0–100", t.ID, t.Quality)
	}
	return unitVector(t.Modality, t.Vector, "template "+t.ID)
}

// unitVector checks a vector of modality m and scales it to unit length in
// place. It refuses an unknown modality, a vector of the wrong length,
// values that are not finite numbers and an all-zero vector, naming what
// as the vector's owner.
func unitVector(m Modality, v []float32, what string) error {
	dims := Dims(m)
	switch {
	case dims == 0:
		return secunion.Errorf(secunion.Invalid, "%s: unknown modality %q: use face or fingerprint", what, m)
	case len(v) != dims:
		return secunion.Errorf(secunion.Invalid, "%s: a %s template has %d values, not %d", what, m, dims, len(v))
	}
	var sum float64
	for i, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return secunion.Errorf(secunion.Invalid, "%s: value %d is %v, not a finite number", what, i, x)
		}
		sum += float64(x) * float64(x)
	}
	if sum == 0 {
		return secunion.Errorf(secunion.Invalid, "%s: an all-zero vector describes nobody", what)
	}
	scale := float32(1 / math.Sqrt(sum))
	for i := range v {
		v[i] *= scale
	}
	return nil
}

// imageMagic lists the first bytes of the image formats biometric images
// travel in; the service refuses them, since it holds templates only.
var imageMagic = []struct {
	name  string
	magic []byte
}{
	{"JPEG", []byte{0xFF, 0xD8, 0xFF}},
	{"PNG", []byte{0x89, 'P', 'N', 'G'}},
	{"JPEG 2000", []byte{0x00, 0x00, 0x00, 0x0C, 'j', 'P', ' ', ' '}},
	{"JPEG 2000", []byte{0xFF, 0x4F, 0xFF, 0x51}},
	{"WSQ (fingerprint image)", []byte{0xFF, 0xA0}},
	{"GIF", []byte("GIF8")},
	{"BMP", []byte("BM")},
	{"TIFF", []byte{'I', 'I', 0x2A, 0x00}},
	{"TIFF", []byte{'M', 'M', 0x00, 0x2A}},
	{"WebP", []byte("RIFF")},
}

// RefuseImage returns an Invalid error naming the format when b starts as
// an image file does, nil otherwise: a raw image sent where a template
// belongs is refused, never stored.
func RefuseImage(b []byte) error {
	for _, m := range imageMagic {
		if bytes.HasPrefix(b, m.magic) {
			return secunion.Errorf(secunion.Invalid, "this is a %s image: the biometric service stores templates only, never images; extract the template first", m.name)
		}
	}
	return nil
}
