package article

import (
	"math/rand/v2"
	"testing"
)

// TestBytes8 checks the word-at-a-time tests against a byte loop on words
// built from the bytes that matter to them.
func TestBytes8(t *testing.T) {
	interesting := []byte{0, 1, 0x1f, 0x20, 0x21, '"', '\\', 'a', 0x7f, 0x80, 0x81, 0xa0, 0xff}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		var b [8]byte
		for k := range b {
			if rng.IntN(3) == 0 {
				b[k] = byte(rng.IntN(256))
			} else {
				b[k] = interesting[rng.IntN(len(interesting))]
			}
		}
		x := load8(string(b[:]), 0)
		if x != load8b(b[:], 0) {
			t.Fatalf("load8 and load8b differ on %x", b)
		}
		for _, c := range []byte{0x20, '"', '\\', 0} {
			less, has, mask := false, false, uint64(0)
			for k, v := range b {
				less = less || v < c
				if v == c {
					has = true
					mask |= 0x80 << (8 * k)
				}
			}
			if hasLess(x, c) != less || hasByte(x, c) != has || byteMask(x, c) != mask {
				t.Fatalf("%x, %#x: hasLess %v hasByte %v byteMask %x; want %v %v %x", b, c, hasLess(x, c), hasByte(x, c), byteMask(x, c), less, has, mask)
			}
		}
	}
}
