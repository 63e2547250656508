package shingle

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// cosineReference is Cosine with a branching merge, its test oracle.
func cosineReference(a, b Vector) float64 {
	var dot float64
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i].Hash() < b[j].Hash():
			i++
		case a[i].Hash() > b[j].Hash():
			j++
		default:
			dot += float64(a[i].W) * float64(b[j].W)
			i++
			j++
		}
	}
	return min(dot, 1)
}

// randomVectors returns unit-free vectors over a vocabulary small enough
// that pairs share some terms, as story candidates do.
func randomVectors(n int) []Vector {
	rng := rand.New(rand.NewPCG(7, 8))
	vocab := make([]uint64, 3000)
	for i := range vocab {
		vocab[i] = rng.Uint64()
	}
	vs := make([]Vector, n)
	for k := range vs {
		seen := map[uint64]bool{}
		for range rng.IntN(300) {
			h := vocab[rng.IntN(len(vocab))]
			if !seen[h] {
				seen[h] = true
				vs[k] = append(vs[k], NewWeight(h, rng.Float32()/16))
			}
		}
		slices.SortFunc(vs[k], func(x, y Weight) int { return cmpU64(x.Hash(), y.Hash()) })
	}
	return vs
}

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Cosine gives the branching merge's value, bit for bit.
func TestCosineMatchesReference(t *testing.T) {
	vs := randomVectors(400)
	vs = append(vs, nil, Vector{NewWeight(1, 1)}, Vector{NewWeight(^uint64(0), 1)})
	for i := range vs {
		for j := range vs {
			if got, want := Cosine(vs[i], vs[j]), cosineReference(vs[i], vs[j]); got != want {
				t.Fatalf("vectors %d and %d: Cosine %v, reference %v", i, j, got, want)
			}
		}
	}
}

func BenchmarkCosine(b *testing.B) {
	vs := randomVectors(2000)
	for _, f := range []struct {
		name string
		fn   func(a, b Vector) float64
	}{{"branchless", Cosine}, {"branching", cosineReference}} {
		b.Run(f.name, func(b *testing.B) {
			k := 0
			for b.Loop() {
				f.fn(vs[k%len(vs)], vs[(k*7+1)%len(vs)])
				k++
			}
		})
	}
}
