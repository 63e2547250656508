package shingle

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortKeys: SortKeys sorts as slices.Sort, the reference, on both
// sides of radixFrom, with repeats, with bytes every key shares and
// with none.
func TestSortKeys(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	gens := map[string]func() uint64{
		"random":   r.Uint64,
		"trigrams": func() uint64 { return uint64(r.IntN(128))<<42 | uint64(r.IntN(128))<<21 | uint64(r.IntN(128)) },
		"repeats":  func() uint64 { return uint64(r.IntN(5)) << 60 },
		"top bit":  func() uint64 { return 1<<63 | uint64(r.IntN(3)) },
	}
	for name, gen := range gens {
		for _, n := range []int{0, 1, 2, radixFrom - 1, radixFrom, radixFrom + 1, 257, 1000, 5000} {
			keys := make([]uint64, n)
			for i := range keys {
				keys[i] = gen()
			}
			want := slices.Clone(keys)
			slices.Sort(want)
			SortKeys(keys)
			if !slices.Equal(keys, want) {
				t.Fatalf("%s, %d keys: not sorted as slices.Sort sorts them", name, n)
			}
		}
	}
}

func FuzzSortKeys(f *testing.F) {
	f.Add([]byte{1, 2, 3}, uint8(0))
	f.Fuzz(func(t *testing.T, seed []byte, spread uint8) {
		keys := make([]uint64, radixFrom+len(seed))
		var h uint64 = 1469598103934665603
		for i := range keys {
			h ^= uint64(i)
			if len(seed) > 0 {
				h ^= uint64(seed[i%len(seed)])
			}
			h *= 1099511628211
			keys[i] = h >> (spread % 64)
		}
		want := slices.Clone(keys)
		slices.Sort(want)
		SortKeys(keys)
		if !slices.Equal(keys, want) {
			t.Fatal("not sorted as slices.Sort sorts")
		}
	})
}

func BenchmarkSortKeys(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	trigram := func() uint64 { return uint64(97+r.IntN(26))<<42 | uint64(97+r.IntN(26))<<21 | uint64(97+r.IntN(26)) }
	for _, c := range []struct {
		n    int
		kind string
		key  func() uint64
	}{{64, "hashes", r.Uint64}, {130, "hashes", r.Uint64}, {400, "hashes", r.Uint64}, {1000, "hashes", r.Uint64}, {130, "trigrams", trigram}} {
		n := c.n
		lists := make([][]uint64, 256)
		for i := range lists {
			lists[i] = make([]uint64, n)
			for j := range lists[i] {
				lists[i][j] = c.key()
			}
		}
		work := make([]uint64, n)
		for _, s := range []struct {
			name string
			sort func([]uint64)
		}{{"slices.Sort", slices.Sort[[]uint64]}, {"SortKeys", SortKeys}} {
			b.Run(fmt.Sprintf("%s/%d-%s", s.name, n, c.kind), func(b *testing.B) {
				for i := 0; b.Loop(); i++ {
					copy(work, lists[i%len(lists)])
					s.sort(work)
				}
			})
		}
	}
}
