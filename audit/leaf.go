package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"time"

	"github.com/transparency-dev/merkle/rfc6962"

	"secunion"
)

// leafVersion is the first byte of every leaf. A change to the encoding
// below takes a new version, so old and new leaves can never collide.
const leafVersion = 1

// Leaf returns the canonical encoding of the entry that the Merkle tree
// commits to. It covers every field, so changing any of them changes the
// leaf hash.
//
// Format, version 1. Fixed-width integers are big-endian. A string is its
// length in bytes as an unsigned LEB128 varint (encoding/binary.AppendUvarint)
// followed by its bytes. A list is its item count as such a varint followed
// by each item as a string; a nil and an empty list both encode as count 0.
//
//	version        1 byte, 0x01
//	seq            8 bytes, uint64
//	time           8 bytes, int64 Unix nanoseconds (the zone does not matter)
//	authority      string
//	user           string
//	operation      string
//	purpose        string
//	justification  string
//	objects        list
//	recipients     list
//	categories     list
//	results        8 bytes, int64
//	outcome        string
//	detail         string
//	values         list
//
// Every field has a fixed width or a length prefix and comes at a fixed
// place, so a leaf parses back into exactly one entry: two entries share a
// leaf only when all their fields are equal.
func (e Entry) Leaf() []byte {
	return e.appendLeaf(nil)
}

// LeafHash returns the RFC 6962 leaf hash of Leaf: SHA-256 of 0x00 || Leaf.
func (e Entry) LeafHash() [32]byte {
	h, _ := e.hashLeaf(nil)
	return h
}

// hashLeaf returns the leaf hash, building the hashed bytes in buf's storage
// and returning it for reuse, so that Verify hashes a million entries without
// allocating for each.
func (e Entry) hashLeaf(buf []byte) ([32]byte, []byte) {
	buf = e.appendLeaf(append(buf[:0], rfc6962.RFC6962LeafHashPrefix))
	return sha256.Sum256(buf), buf
}

// appendLeaf appends the Leaf encoding of e to b.
func (e Entry) appendLeaf(b []byte) []byte {
	b = append(b, leafVersion)
	b = binary.BigEndian.AppendUint64(b, e.Seq)
	b = binary.BigEndian.AppendUint64(b, uint64(e.Time.UnixNano()))
	b = appendString(b, e.Authority)
	b = appendString(b, e.User)
	b = appendString(b, string(e.Operation))
	b = appendString(b, e.Purpose)
	b = appendString(b, e.Justification)
	b = appendList(b, e.Objects)
	b = appendList(b, e.Recipients)
	b = appendList(b, e.Categories)
	b = binary.BigEndian.AppendUint64(b, uint64(int64(e.Results)))
	b = appendString(b, e.Outcome)
	b = appendString(b, e.Detail)
	b = appendList(b, e.Values)
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendList(b []byte, items []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(items)))
	for _, s := range items {
		b = appendString(b, s)
	}
	return b
}

// ParseLeaf decodes a Leaf encoding back into its entry. It is strict:
// anything but exactly one well-formed version-1 leaf is an error, so
// ParseLeaf(b) succeeds only when Leaf of its result gives b back.
func ParseLeaf(b []byte) (Entry, error) {
	p := leafParser{b: b}
	var e Entry
	if v := p.byte(); v != leafVersion {
		return e, p.fail("unknown leaf version")
	}
	e.Seq = p.uint64()
	e.Time = time.Unix(0, int64(p.uint64())).UTC()
	e.Authority = p.string()
	e.User = p.string()
	e.Operation = Operation(p.string())
	e.Purpose = p.string()
	e.Justification = p.string()
	e.Objects = p.list()
	e.Recipients = p.list()
	e.Categories = p.list()
	e.Results = int(int64(p.uint64()))
	e.Outcome = p.string()
	e.Detail = p.string()
	e.Values = p.list()
	if p.err == nil && len(p.b) != 0 {
		return e, p.fail("trailing bytes")
	}
	return e, p.err
}

// leafParser reads a leaf; after the first error every read returns zero
// values and the error stays.
type leafParser struct {
	b   []byte
	err error
}

func (p *leafParser) fail(why string) error {
	if p.err == nil {
		p.err = secunion.Errorf(secunion.Invalid, "audit: malformed leaf: %s", why)
	}
	return p.err
}

func (p *leafParser) byte() byte {
	if p.err != nil || len(p.b) < 1 {
		p.fail("too short")
		return 0
	}
	c := p.b[0]
	p.b = p.b[1:]
	return c
}

func (p *leafParser) uint64() uint64 {
	if p.err != nil || len(p.b) < 8 {
		p.fail("too short")
		return 0
	}
	v := binary.BigEndian.Uint64(p.b)
	p.b = p.b[8:]
	return v
}

func (p *leafParser) uvarint() uint64 {
	if p.err != nil {
		return 0
	}
	v, n := binary.Uvarint(p.b)
	if n <= 0 || v > uint64(len(p.b)-n) {
		p.fail("bad length")
		return 0
	}
	// A length must use its shortest encoding, or two leaves would decode
	// to one entry.
	if n != len(binary.AppendUvarint(nil, v)) {
		p.fail("non-minimal length")
		return 0
	}
	p.b = p.b[n:]
	return v
}

func (p *leafParser) string() string {
	n := p.uvarint()
	if p.err != nil {
		return ""
	}
	s := string(p.b[:n])
	p.b = p.b[n:]
	return s
}

func (p *leafParser) list() []string {
	n := p.uvarint()
	if p.err != nil || n == 0 {
		return nil
	}
	items := make([]string, 0, min(n, 64))
	for i := uint64(0); i < n && p.err == nil; i++ {
		items = append(items, p.string())
	}
	return items
}
