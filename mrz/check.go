package mrz

// checkDigit returns the Doc 9303 Part 3 check digit of the concatenated
// parts: each character is valued ('0'–'9' as digits, 'A'–'Z' as 10–35,
// '<' as 0), weighted 7, 3, 1 repeating, and the sum taken modulo 10.
func checkDigit(parts ...string) byte {
	weights := [3]int{7, 3, 1}
	sum, n := 0, 0
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			sum += charValue(p[i]) * weights[n%3]
			n++
		}
	}
	return byte('0' + sum%10)
}

func charValue(c byte) int {
	switch {
	case isDigit(c):
		return int(c - '0')
	case isLetter(c):
		return int(c-'A') + 10
	}
	return 0
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' }

// inAlphabet reports whether c is one of the MRZ characters A–Z, 0–9, '<'.
func inAlphabet(c byte) bool { return isDigit(c) || isLetter(c) || c == '<' }
