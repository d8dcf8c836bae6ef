package signals

import (
	"bytes"

	"secunion"
)

// VariantNames name the dihedral variants, in the order PDQImage returns
// them.
var VariantNames = [8]string{"pdq", "pdq-rot90", "pdq-rot180", "pdq-rot270", "pdq-flipx", "pdq-flipy", "pdq-flip-plus1", "pdq-flip-minus1"}

// ContentHashes are the hashes of one file: the cryptographic hashes of
// any file and, for an image, its PDQ hashes with their quality.
type ContentHashes struct {
	FileHashes
	Size    int    `json:"size"`             // bytes
	Format  string `json:"format,omitempty"` // jpeg, png or gif; empty when not an image
	PDQ     []PDQ  `json:"-"`                // the eight dihedral variants (Original first); nil when not an image
	Quality int    `json:"pdq_quality"`      // 0–100; below 50 a PDQ hash is not to be trusted
}

// HashContent hashes a file held in memory (at most MaxImageBytes): MD5,
// SHA-256 and SHA-512 of any file, and PDQ of a JPEG, PNG or GIF image.
// A file that begins like an image but cannot be decoded is refused
// rather than taken for some other file, so that a damaged upload is
// reported and not matched by its cryptographic hashes alone.
func HashContent(data []byte) (ContentHashes, error) {
	if len(data) > MaxImageBytes {
		return ContentHashes{}, secunion.Errorf(secunion.TooLarge, "the file is larger than %d MiB", MaxImageBytes>>20)
	}
	sums, err := HashFile(bytes.NewReader(data))
	if err != nil {
		return ContentHashes{}, err
	}
	c := ContentHashes{FileHashes: sums, Size: len(data)}
	img, format, err := DecodeImage(bytes.NewReader(data))
	if err != nil {
		if secunion.CodeOf(err) == secunion.Invalid && !imageLike(data) {
			return c, nil // not an image: the cryptographic hashes are all it has
		}
		return c, err
	}
	hs, quality, err := PDQImage(img)
	if err != nil {
		return c, err
	}
	c.Format, c.PDQ, c.Quality = format, hs[:], quality
	return c, nil
}

// imageLike reports whether data begins like a JPEG, PNG or GIF file.
func imageLike(data []byte) bool {
	for _, magic := range []string{"\xff\xd8\xff", "\x89PNG\r\n\x1a\n", "GIF87a", "GIF89a"} {
		if bytes.HasPrefix(data, []byte(magic)) {
			return true
		}
	}
	return false
}
