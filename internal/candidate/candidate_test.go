package candidate

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// randomKeys gives n articles keys from a small key space, so buckets of
// every size occur, a few of them over MaxBucket.
func randomKeys(rng *rand.Rand, n, per int, space uint64) [][]uint64 {
	keys := make([][]uint64, n)
	for i := range keys {
		var ks []uint64
		for range rng.IntN(per + 1) {
			k := rng.Uint64N(space)
			if rng.IntN(50) == 0 {
				k = 7 // a hot key: one oversized bucket
			}
			ks = append(ks, k*0x9e3779b97f4a7c15) // spread over the shards
		}
		slices.Sort(ks)
		keys[i] = slices.Compact(ks)
	}
	return keys
}

func TestFindMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct{ n, per, workers int }{{0, 0, 1}, {1, 3, 2}, {50, 4, 1}, {3000, 8, 2}, {3000, 8, 7}, {20000, 3, 3}} {
		keys := randomKeys(rng, tc.n, tc.per, uint64(tc.n*2+1))
		for _, r := range []Route{LSH, Anchors, Terms} {
			want, wst := r.findReference(keys)
			got, gst := r.find(keys, 0, tc.workers)
			if !slices.Equal(got, want) || gst != wst {
				t.Fatalf("n=%d workers=%d route %+v: got %d pairs %+v, want %d pairs %+v", tc.n, tc.workers, r, len(got), gst, len(want), wst)
			}
		}
	}
}

// TestFindFrom: FindFrom gives Find's pairs whose second article is from
// or later, for every route, with oversized buckets (star and cut),
// whatever the number of workers.
func TestFindFrom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct{ n, per, workers int }{{1, 3, 1}, {60, 4, 2}, {3000, 8, 2}, {5000, 5, 3}} {
		keys := randomKeys(rng, tc.n, tc.per, uint64(tc.n*2+1))
		for _, r := range []Route{LSH, Anchors, Terms} {
			all, ast := r.findReference(keys)
			for _, from := range []int{0, 1, tc.n / 2, tc.n - 1, tc.n} {
				want := slices.DeleteFunc(slices.Clone(all), func(p Pair) bool { return int(p.J) < from })
				got, gst := r.find(keys, from, tc.workers)
				if !slices.Equal(got, want) || gst.Pairs != len(want) || gst.Capped != ast.Capped || gst.Keys != ast.Keys {
					t.Fatalf("n=%d from=%d route %+v: got %d pairs %+v, want %d", tc.n, from, r, len(got), gst, len(want))
				}
			}
		}
	}
}

func TestFindStarAndCap(t *testing.T) {
	keys := make([][]uint64, MaxBucket+5)
	for i := range keys {
		keys[i] = []uint64{42}
	}
	// LSH: every pair of the first MaxBucket members, then the rest paired
	// with the first.
	pairs, st := LSH.Find(keys)
	want := MaxBucket*(MaxBucket-1)/2 + 5
	if st.Capped != 1 || len(pairs) != want || pairs[0] != (Pair{0, 1}) || !slices.Contains(pairs, Pair{0, MaxBucket + 4}) {
		t.Fatalf("LSH star: %d pairs, %+v; want %d", len(pairs), st, want)
	}
	if slices.Contains(pairs, Pair{1, MaxBucket}) {
		t.Fatal("LSH star: a member past the cap paired with another than the first")
	}
	if pairs, st := Anchors.Find(keys); len(pairs) != 0 || st.Capped != 1 {
		t.Fatalf("anchors: one shared key paired articles: %d pairs, %+v", len(pairs), st)
	}
	// The anchor route's own cap: a stock phrase's two sampled shingles in
	// MaxAnchorBucket articles pair them all; in one more, the last gets no
	// pair from them.
	for _, n := range []int{MaxAnchorBucket, MaxAnchorBucket + 1} {
		phrase := make([][]uint64, n)
		for i := range phrase {
			phrase[i] = []uint64{7, 8}
		}
		pairs, st := Anchors.Find(phrase)
		want, capped := n*(n-1)/2, 0
		if n > MaxAnchorBucket {
			want, capped = MaxAnchorBucket*(MaxAnchorBucket-1)/2, 2
		}
		if len(pairs) != want || st.Capped != capped || n > MaxAnchorBucket && pairs[len(pairs)-1].J != MaxAnchorBucket-1 {
			t.Fatalf("anchors, bucket of %d: %d pairs, %+v; want %d pairs, %d capped", n, len(pairs), st, want, capped)
		}
	}
	// The story route drops an oversized bucket whole.
	terms := make([][]uint64, MaxBucket+1)
	for i := range terms {
		terms[i] = []uint64{7, 8}
	}
	if pairs, st := Terms.Find(terms); len(pairs) != 0 || st.Capped != 2 {
		t.Fatalf("terms: oversized buckets not dropped: %d pairs, %+v", len(pairs), st)
	}
	two := [][]uint64{{1, 2}, {1, 2, 3}, {2, 3}}
	if got := Anchors.Find; true {
		pairs, _ := got(two)
		if !slices.Equal(pairs, []Pair{{0, 1}, {1, 2}}) {
			t.Fatalf("MinShared 2: got %v", pairs)
		}
	}
}

func TestMerge(t *testing.T) {
	got := Merge([]Pair{{0, 3}, {1, 2}}, nil, []Pair{{0, 1}, {1, 2}, {5, 9}})
	want := []Pair{{0, 1}, {0, 3}, {1, 2}, {5, 9}}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func BenchmarkFind(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	keys := randomKeys(rng, 100000, 32, 1<<40)
	b.Run("radix", func(b *testing.B) {
		for b.Loop() {
			LSH.Find(keys)
		}
	})
	b.Run("reference", func(b *testing.B) {
		for b.Loop() {
			LSH.findReference(keys)
		}
	})
}

// TestPairsDependOnlyOnEarlierArticles checks the property an index relies
// on: the pairs (i, j) of a run over the first m articles are exactly the
// pairs with j < m of a run over all of them, caps included, for every
// route that cuts its oversized buckets (here with small caps, so that
// most buckets pass them).
func TestPairsDependOnlyOnEarlierArticles(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	keys := randomKeys(rng, 400, 6, 60)
	for _, r := range []Route{{MinShared: 1, Max: 7, Cut: true, Star: true}, {MinShared: 2, Max: 5, Cut: true}, {MinShared: 1, Max: 12, Cut: true}} {
		all, _ := r.Find(keys)
		for _, m := range []int{1, 37, 200, 399} {
			prefix, _ := r.Find(keys[:m])
			want := slices.DeleteFunc(slices.Clone(all), func(p Pair) bool { return int(p.J) >= m })
			if !slices.Equal(prefix, want) {
				t.Fatalf("route %+v, first %d articles: %d pairs, want %d", r, m, len(prefix), len(want))
			}
		}
		if ref, _ := r.findReference(keys); !slices.Equal(ref, all) {
			t.Fatalf("route %+v: Find and its reference differ", r)
		}
	}
}
