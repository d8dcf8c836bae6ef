package audit

import (
	"crypto/sha256"
	"encoding/binary"

	"github.com/transparency-dev/merkle/rfc6962"
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
