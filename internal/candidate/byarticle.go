package candidate

import (
	"context"
	"slices"

	"github.com/copydesk/copydesk/internal/par"
)

// How Find runs for a route without Star (anchors, story terms). Expanding each bucket into packed pairs, as the LSH route
// does, writes a pair once for every key the two share: two reports of one
// story share ten of their twenty top terms, so the story route over a
// million articles wrote some 400 million packed pairs (3.2 GB) to find 70
// million candidates, the peak of a story run. Instead, once the shards
// are sorted by key, each article gets the list of its buckets (at most
// the route's Max members), with its place in each; then, one range of
// articles per core, the members that follow article i in its buckets are
// counted in a dense array and those counted MinShared times or more are
// its pairs (i, j), j ascending. The work is the same (every shared key of
// every pair is visited once); what is held is the entries, a place per
// entry and one counter per article per core.

// place is an article's entry in a bucket: the members after it are
// docs[next:end].
type place struct{ next, end int32 }

// findByArticle is find for a route without Star, from step 1's entries.
func (r Route) findByArticle(e *entries, n, from, workers int, st Stats) ([]Pair, Stats) {
	const nShards = 1 << shardBits
	capped := make([]int, nShards)
	par.Each(context.Background(), nShards, 1, workers, func(s int) {
		sortEntries(e.keys[e.start[s]:e.start[s+1]], e.docs[e.start[s]:e.start[s+1]])
		capped[s] = r.countCapped(e, s)
	}, nil)
	for _, c := range capped {
		st.Capped += c
	}
	first, places := r.placesByArticle(e, n)
	parts := max(1, min(nShards, workers*8))
	results := make([][]Pair, parts)
	par.Each(context.Background(), parts, 1, workers, func(p int) {
		results[p] = r.pairsOf(e.docs, first, places, p*n/parts, (p+1)*n/parts, from, n)
	}, nil)
	out := slices.Concat(results...)
	st.Pairs = len(out)
	return out, st
}

// countCapped counts shard s's buckets over the route's Max.
func (r Route) countCapped(e *entries, s int) int {
	capped := 0
	eachBucket(e.keys, e.start[s], e.start[s+1], func(a, b int) {
		if b-a > r.Max {
			capped++
		}
	})
	return capped
}

// eachBucket calls fn(a, b) for each run keys[a:b] of one key in
// keys[lo:hi], which is sorted.
func eachBucket(keys []uint64, lo, hi int, fn func(a, b int)) {
	for a := lo; a < hi; {
		b := a + 1
		for b < hi && keys[b] == keys[a] {
			b++
		}
		fn(a, b)
		a = b
	}
}

// placesByArticle lists, for each article i, its places among the members
// each bucket keeps (Route.kept, when two or more):
// places[first[i]:first[i+1]].
func (r Route) placesByArticle(e *entries, n int) (first []int, places []place) {
	first = make([]int, n+1)
	eachKept := func(fn func(a, b int)) {
		eachBucket(e.keys, 0, len(e.keys), func(a, b int) {
			if k := r.kept(b - a); k >= 2 {
				fn(a, a+k)
			}
		})
	}
	eachKept(func(a, b int) {
		for x := a; x < b; x++ {
			first[e.docs[x]+1]++
		}
	})
	for i := range n {
		first[i+1] += first[i]
	}
	places = make([]place, first[n])
	fill := slices.Clone(first[:n])
	eachKept(func(a, b int) {
		for x := a; x < b; x++ {
			d := e.docs[x]
			places[fill[d]] = place{int32(x + 1), int32(b)}
			fill[d]++
		}
	})
	return first, places
}

// pairsOf returns the pairs (i, j) of articles lo <= i < hi, j >= from,
// whose members share MinShared buckets or more, sorted: a bucket's
// members are in article order, so those after i in it are the j > i.
func (r Route) pairsOf(docs []int32, first []int, places []place, lo, hi, from, n int) []Pair {
	var out []Pair
	count := make([]int32, n)
	var touched []int32
	for i := lo; i < hi; i++ {
		for _, pl := range places[first[i]:first[i+1]] {
			for _, j := range docs[pl.next:pl.end] {
				if int(j) < from {
					continue
				}
				if count[j] == 0 {
					touched = append(touched, j)
				}
				count[j]++
			}
		}
		slices.Sort(touched)
		for _, j := range touched {
			if int(count[j]) >= r.MinShared {
				out = append(out, Pair{int32(i), j})
			}
			count[j] = 0
		}
		touched = touched[:0]
	}
	return out
}
