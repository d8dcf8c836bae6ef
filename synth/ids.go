package synth

import "strconv"

// Identifiers are made by permuting counters with keyed bijections, so
// that they look random, never collide, and need no memory of those
// already given out.

// passportBits is the width of the passport-number permutation. Every
// person has up to three passport numbers (original, renewed, forged), so
// 3·MaxPersons must fit, and every pattern in countrySpecs must hold at
// least 2^passportBits numbers.
const passportBits = 29

// idBits is the width of the record-number permutation.
const idBits = 40

// mix64 is the finaliser of SplitMix64: a bijection on 64 bits.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// permute is a keyed bijection on the integers below 2^bits (bits ≥ 8):
// xor with a key, multiplications by odd constants and right xor-shifts
// each map the range onto itself one to one.
func permute(x, key uint64, bits uint) uint64 {
	mask := uint64(1)<<bits - 1
	x = (x ^ key) & mask
	x = (x * 0x9e3779b97f4a7c15) & mask
	x ^= x >> (bits / 2)
	x = (x * 0xd6e8feb86659fd93) & mask
	x ^= x >> (bits/2 + 1)
	x = (x * 0x94d049bb133111eb) & mask
	x ^= x >> (bits / 3)
	return x
}

func radix(c byte) uint64 {
	switch c {
	case 'A':
		return 26
	case '9':
		return 10
	case 'X':
		return 36
	}
	return 1
}

// passportNumber writes the k-th passport (0 original, 1 renewed, 2
// forged) of person i in pattern, unique for the issuing country.
func passportNumber(pattern string, key uint64, i, k int) string {
	y := permute(uint64(3*i+k), key, passportBits)
	var b [16]byte
	n := len(pattern)
	for j := n - 1; j >= 0; j-- {
		c := pattern[j]
		r := radix(c)
		if r == 1 {
			b[j] = c
			continue
		}
		v := byte(y % r)
		y /= r
		switch {
		case c == 'A':
			b[j] = 'A' + v
		case v < 10:
			b[j] = '0' + v
		default:
			b[j] = 'A' + v - 10
		}
	}
	return string(b[:n])
}

// recordID writes a record ID: the system's prefix and a 13-digit number.
func recordID(prefix string, counter, key uint64) string {
	var b [32]byte
	out := append(b[:0], prefix...)
	out = append(out, '-')
	v := permute(counter, key, idBits)
	var digits [13]byte
	for j := len(digits) - 1; j >= 0; j-- {
		digits[j] = byte('0' + v%10)
		v /= 10
	}
	return string(append(out, digits[:]...))
}

// personID writes the ID of person i: P and at least seven digits.
func personID(i int) string {
	var b [24]byte
	d := strconv.AppendInt(b[:0], int64(i), 10)
	out := make([]byte, 0, 1+max(7, len(d)))
	out = append(out, 'P')
	for range 7 - len(d) {
		out = append(out, '0')
	}
	return string(append(out, d...))
}

// biometricRef writes a template reference of the shared biometric
// matching service: kind and 16 hexadecimal digits, distinct per record.
func biometricRef(kind string, record string, key uint64) string {
	var b [32]byte
	out := append(b[:0], kind...)
	out = append(out, '-')
	v := hashString(record) ^ key
	const hex = "0123456789abcdef"
	for shift := 60; shift >= 0; shift -= 4 {
		out = append(out, hex[v>>uint(shift)&15])
	}
	return string(out)
}
