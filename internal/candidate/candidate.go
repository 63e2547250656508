// Package candidate finds the pairs of articles worth verifying, without
// comparing every article with every other. Three routes feed it, each a
// list of keys per article; two articles are candidates when they share
// enough keys of one route:
//
//   - Copy by LSH: MinHash band keys (shingle.BandKeys). One shared band is
//     enough; it finds pairs whose shingle sets have a Jaccard similarity
//     around 0.4 and above (syndicated and lightly edited copies).
//   - Copy by anchors: content-defined shingle samples (shingle.Anchors,
//     by winnowing). Two shared anchors are needed; any passage of 20
//     words (cluster.PartialLongest) two texts share word for word has
//     them, whatever the rest of the texts hold (partial reuse, a short
//     brief cut from a long wire story), which Jaccard cannot find.
//   - Story: each article's most distinctive terms (shingle.Vector.Top),
//     counted only if other articles use them too. Independent rewrites of
//     one story share almost no shingles but share their names, places and
//     numbers; two shared top terms make a candidate.
//
// A key shared by very many articles says little about any two of them:
// boilerplate every page of a site carries, a stock phrase, a common word.
// A bucket larger than its route's Max (MaxBucket, MaxAnchorBucket) is not
// expanded into all its pairs (that would be quadratic), and is counted in
// Stats.Capped. The copy routes cut it (Route.Cut): only its first Max
// members, in article order, are paired with each other; for LSH, whose
// buckets of that size are usually one story syndicated thousands of
// times, each later member is paired with the bucket's first member, so
// the copies still end up in one group; for anchors the later members get
// no pair from that key. A member's copy candidates so depend only on the
// members before it, and an index fed the same articles in batches finds
// the same ones as one run over all of them. The story route drops the
// bucket whole: its keys depend on document frequencies, which a batch
// does not see final anyway, and cutting would pair the first articles of
// every common term (BENCHMARKS.md has what that cost).
//
// For example, a footer phrase held by 5,000 articles of one outlet, under
// the anchor route (Max 50), pairs the outlet's first 50 articles with
// each other through that key and no others; their alignment then finds
// that the footer is all they share.
package candidate

import (
	"runtime"
	"slices"

	"github.com/copydesk/copydesk/internal/shingle"
)

// MaxBucket is the largest bucket the LSH and story routes expand into
// all its pairs, and the largest cap of any route: a reader of postings
// (the index) needs at most MaxBucket+1 of a key's to apply every route's
// rule.
const MaxBucket = 200

// MaxAnchorBucket is the anchor route's cap. An anchor held by more than
// fifty articles is a stock phrase, not a passage worth aligning, and
// pairing every article with every other through it is quadratic. On
// `compare synth -n 100000 --seed 1` (copy routes only), with oversized
// buckets cut to their first members as BucketPairs cuts them: at 100 the
// anchor route gave 382,530 candidates and `clusters --level copy` took
// 1.12 times the CPU of a run that dropped such buckets whole (226,656
// candidates), for 15 more partial pairs between different stories; at 50
// it gives 264,737, takes 0.94 times that CPU, finds the same copy
// clusters and planted reuse (partial precision 0.9978 against 0.9979).
const MaxAnchorBucket = 50

// Pair is a candidate pair of article indexes, I < J.
type Pair struct{ I, J int32 }

// Stats counts what a route did.
type Stats struct {
	Keys   int // keys indexed
	Pairs  int // distinct candidate pairs
	Capped int // buckets larger than MaxBucket
}

// Route names how a candidate route treats large buckets and how many
// shared keys it needs.
type Route struct {
	MinShared int  // keys two articles must share
	Max       int  // largest bucket expanded into all its pairs, at most MaxBucket
	Cut       bool // pair an oversized bucket's first Max members (else none)
	Star      bool // pair an oversized bucket's members past those with its first
}

// kept is how many members of a bucket of n, its first, r pairs with each
// other: all of a bucket of at most r.Max, else r.Max when r.Cut, else none.
func (r Route) kept(n int) int {
	switch {
	case n <= r.Max:
		return n
	case r.Cut:
		return r.Max
	}
	return 0
}

var (
	// LSH is the band-key route.
	LSH = Route{MinShared: 1, Max: MaxBucket, Cut: true, Star: true}
	// Anchors is the anchor-shingle route.
	Anchors = Route{MinShared: 2, Max: MaxAnchorBucket, Cut: true}
	// Terms is the story route.
	Terms = Route{MinShared: 2, Max: MaxBucket}
)

type entry struct {
	key uint64
	doc int32
}

// Find returns the candidate pairs of one route over the articles' key
// lists (keys[i] lists article i's keys, without repeats), sorted. See
// scale.go for how it runs on all cores.
func (r Route) Find(keys [][]uint64) ([]Pair, Stats) {
	return r.find(keys, 0, runtime.GOMAXPROCS(0))
}

// FindFrom returns the pairs Find returns whose second article J is from
// or later, without expanding the others: an index batch lists the
// indexed articles first and wants only the pairs with a new article in
// them, while a bucket's indexed members would otherwise be paired with
// each other too. Stats.Pairs counts the pairs returned.
func (r Route) FindFrom(keys [][]uint64, from int) ([]Pair, Stats) {
	return r.find(keys, from, runtime.GOMAXPROCS(0))
}

// findReference is the plain version of Find, kept as its oracle in tests:
// one sort of every (key, article) entry, one sort of every pair.
func (r Route) findReference(keys [][]uint64) ([]Pair, Stats) {
	var st Stats
	var entries []entry
	for i, ks := range keys {
		for _, k := range ks {
			entries = append(entries, entry{k, int32(i)})
		}
	}
	st.Keys = len(entries)
	slices.SortFunc(entries, func(a, b entry) int {
		if a.key != b.key {
			if a.key < b.key {
				return -1
			}
			return 1
		}
		return int(a.doc - b.doc)
	})
	var packed []uint64
	for s := 0; s < len(entries); {
		e := s + 1
		for e < len(entries) && entries[e].key == entries[s].key {
			e++
		}
		bucket := entries[s:e]
		s = e
		if BucketPairs(r, len(bucket), func(x, y int) {
			packed = append(packed, pack(bucket[x].doc, bucket[y].doc))
		}) {
			st.Capped++
		}
	}
	slices.Sort(packed)
	var out []Pair
	for s := 0; s < len(packed); {
		e := s + 1
		for e < len(packed) && packed[e] == packed[s] {
			e++
		}
		if e-s >= r.MinShared {
			out = append(out, Pair{int32(packed[s] >> 32), int32(packed[s])})
		}
		s = e
	}
	st.Pairs = len(out)
	return out, st
}

// BucketPairs applies route r's rule to one bucket of n members, sorted by
// article order: it calls pair(x, y) with member positions x < y for each
// pair the bucket gives, and reports whether the bucket was capped (larger
// than r.Max). A bucket of at most r.Max members gives every pair. A
// larger one gives none unless r.Cut: then every pair of its first r.Max
// members, and with r.Star each later member paired with member 0. Under
// r.Cut the pairs a member gets depend only on the members before it, so
// an index that adds articles in batches finds the same pairs as one run
// over all of them. Find uses it on every bucket; a distributed run
// (beam/internal/batch) calls it on buckets it has grouped itself, so both
// apply the same rule.
func BucketPairs(r Route, n int, pair func(x, y int)) (capped bool) {
	return bucketPairsFrom(r, n, 0, pair)
}

// bucketPairsFrom is BucketPairs giving only the pairs whose second member
// y is at position f or later.
func bucketPairsFrom(r Route, n, f int, pair func(x, y int)) (capped bool) {
	kept := r.kept(n)
	for y := max(1, f); y < kept; y++ {
		for x := range y {
			pair(x, y)
		}
	}
	if r.Star {
		for y := max(kept, 1, f); y < n; y++ {
			pair(0, y)
		}
	}
	return n > r.Max
}

func pack(i, j int32) uint64 {
	if i > j {
		i, j = j, i
	}
	return uint64(i)<<32 | uint64(uint32(j))
}

// Merge returns the sorted union of sorted pair lists.
func Merge(lists ...[]Pair) []Pair {
	n := 0
	for _, l := range lists {
		n += len(l)
	}
	all := make([]uint64, 0, n)
	for _, l := range lists {
		for _, p := range l {
			all = append(all, pack(p.I, p.J))
		}
	}
	shingle.SortKeys(all)
	out := make([]Pair, 0, len(all))
	for k, v := range all {
		if k > 0 && v == all[k-1] {
			continue
		}
		out = append(out, Pair{int32(v >> 32), int32(v)})
	}
	return out
}
