package article

// Eight bytes at a time: the tests below let the hot loops of reading
// (scanning a JSON string, checking a line's white space) skip plain ASCII
// text a word at a time, going byte by byte only where something needs a
// look.

const (
	ones  uint64 = 0x0101010101010101
	highs uint64 = 0x8080808080808080
	lows  uint64 = 0x7f7f7f7f7f7f7f7f
)

// load8 returns s[i:i+8] as a little-endian word; i+8 <= len(s).
func load8(s string, i int) uint64 {
	_ = s[i+7]
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
}

// load8b is load8 for a byte slice.
func load8b(b []byte, i int) uint64 {
	_ = b[i+7]
	return uint64(b[i]) | uint64(b[i+1])<<8 | uint64(b[i+2])<<16 | uint64(b[i+3])<<24 |
		uint64(b[i+4])<<32 | uint64(b[i+5])<<40 | uint64(b[i+6])<<48 | uint64(b[i+7])<<56
}

// hasLess reports whether a byte of x is below n (n <= 128).
func hasLess(x uint64, n byte) bool { return (x-ones*uint64(n))&^x&highs != 0 }

// hasByte reports whether a byte of x is c.
func hasByte(x uint64, c byte) bool { y := x ^ ones*uint64(c); return (y-ones)&^y&highs != 0 }

// byteMask has the high bit of each byte of x that is c set, and no other.
func byteMask(x uint64, c byte) uint64 {
	y := x ^ ones*uint64(c)
	return ^((y&lows + lows) | y | lows)
}
