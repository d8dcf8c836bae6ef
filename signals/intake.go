package signals

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"image"
	_ "image/gif" // formats DecodeImage reads
	_ "image/jpeg"
	_ "image/png"
	"io"

	"secunion"
)

// Limits on an image taken in: its file, its pixels, and a side. The
// pixel count is checked from the header, before any pixel is decoded,
// so that a small file announcing a huge image (a decompression bomb)
// costs nothing.
const (
	MaxImageBytes  = 50 << 20
	MaxImagePixels = 100_000_000
	MaxImageSide   = 30_000
)

// DecodeImage reads an image (JPEG, PNG or GIF) of at most MaxImageBytes
// and returns it with its format. An unknown format, an image too large,
// and a damaged or truncated file are refused with an Invalid or TooLarge
// *secunion.Error saying which. As Meta's reference (which decodes with
// CImg), it does not apply an EXIF orientation: the hash is of the pixels
// as stored, and the dihedral variants cover the rotations.
func DecodeImage(r io.Reader) (image.Image, string, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImageBytes+1))
	if err != nil {
		return nil, "", secunion.Wrap(secunion.Invalid, err, "the image could not be read")
	}
	if len(data) > MaxImageBytes {
		return nil, "", secunion.Errorf(secunion.TooLarge, "the image file is larger than %d MiB", MaxImageBytes>>20)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	switch {
	case errors.Is(err, image.ErrFormat):
		return nil, "", secunion.Errorf(secunion.Invalid, "not an image in a format read here (JPEG, PNG, GIF)")
	case err != nil:
		return nil, "", secunion.Errorf(secunion.Invalid, "the image header is damaged: %s", secunion.Clip(err.Error(), 200))
	case cfg.Width <= 0 || cfg.Height <= 0:
		return nil, "", secunion.Errorf(secunion.Invalid, "the image has no pixels (%d×%d)", cfg.Width, cfg.Height)
	case cfg.Width > MaxImageSide || cfg.Height > MaxImageSide || cfg.Width*cfg.Height > MaxImagePixels:
		return nil, "", secunion.Errorf(secunion.TooLarge, "the %s image is %d×%d pixels, over the limit of %d pixels and %d a side", format, cfg.Width, cfg.Height, MaxImagePixels, MaxImageSide)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", secunion.Errorf(secunion.Invalid, "the %s image is damaged or truncated: %s", format, secunion.Clip(err.Error(), 200))
	}
	return img, format, nil
}

// FileHashes are the cryptographic hashes of a file, in lowercase hex.
type FileHashes struct {
	MD5    string `json:"md5"`
	SHA256 string `json:"sha256"`
	SHA512 string `json:"sha512"`
}

// HashFile reads r to its end and returns its MD5, SHA-256 and SHA-512.
func HashFile(r io.Reader) (FileHashes, error) {
	m, s, l := md5.New(), sha256.New(), sha512.New()
	if _, err := io.Copy(io.MultiWriter(m, s, l), r); err != nil {
		return FileHashes{}, secunion.Wrap(secunion.Invalid, err, "the file could not be read")
	}
	return FileHashes{MD5: hex.EncodeToString(m.Sum(nil)), SHA256: hex.EncodeToString(s.Sum(nil)), SHA512: hex.EncodeToString(l.Sum(nil))}, nil
}

// ParsePDQ reads a PDQ hash written as 64 hex digits (String's form).
func ParsePDQ(s string) (PDQ, error) {
	var h PDQ
	if len(s) != 64 {
		return h, secunion.Errorf(secunion.Invalid, "a PDQ hash is 64 hex digits, not %d characters", len(s))
	}
	raw, err := hex.DecodeString(s)
	if err != nil {
		return h, secunion.Errorf(secunion.Invalid, "a PDQ hash is 64 hex digits: %s", secunion.Clip(err.Error(), 100))
	}
	for i := range 16 {
		h[15-i] = uint16(raw[2*i])<<8 | uint16(raw[2*i+1])
	}
	return h, nil
}
