package audit

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"secunion"
)

// minKeyLen is the shortest key NewKeyed accepts: the 256 bits of the
// HMAC-SHA256 output, so that the key is never the weak point.
const minKeyLen = 32

// Keyed computes keyed hashes (HMAC-SHA256) of the personal values a query
// used, such as a name or a document number, for Entry.Values. A supervisor
// who holds a value and the key can check whether it was queried, while the
// log never holds the value in clear and, without the key, nobody can test
// guesses against it. A Keyed is safe for concurrent use.
type Keyed struct {
	key []byte
}

// NewKeyed returns a Keyed using a copy of key, which must be at least 32
// bytes long; otherwise it returns an Invalid error.
func NewKeyed(key []byte) (*Keyed, error) {
	if len(key) < minKeyLen {
		return nil, secunion.Errorf(secunion.Invalid, "audit: value key is %d bytes long, at least %d are needed", len(key), minKeyLen)
	}
	return &Keyed{key: slices.Clone(key)}, nil
}

// MAC returns the lowercase hex HMAC-SHA256 of the normalised value.
//
// Normalisation makes a value typed differently by two users hash the same:
// leading and trailing white space is removed, every inner run of white space
// (as unicode.IsSpace defines it) becomes one space, and letters are upper-cased
// with strings.ToUpper. No other folding is done: "Müller" and "Mueller" stay
// different values.
func (k *Keyed) MAC(value string) string {
	return k.mac(normalise(value))
}

// MACs returns the MACs of the values that are not empty after
// normalisation, without duplicates, sorted; nil when there are none.
func (k *Keyed) MACs(values ...string) []string {
	var macs []string
	for _, v := range values {
		if n := normalise(v); n != "" {
			macs = append(macs, k.mac(n))
		}
	}
	slices.Sort(macs)
	return slices.Compact(macs)
}

// mac returns the hex HMAC of an already normalised value.
func (k *Keyed) mac(normalised string) string {
	m := hmac.New(sha256.New, k.key)
	m.Write([]byte(normalised))
	return hex.EncodeToString(m.Sum(nil))
}

// normalise trims value, collapses its inner white space and upper-cases it.
func normalise(value string) string {
	return strings.ToUpper(strings.Join(strings.Fields(value), " "))
}
