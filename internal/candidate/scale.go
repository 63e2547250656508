package candidate

import (
	"context"

	"github.com/copydesk/copydesk/internal/par"
	"github.com/copydesk/copydesk/internal/shingle"
)

// How Find runs at scale. A million articles give 32 million LSH entries
// and some 50 million anchor entries; one comparison sort over them takes
// longer than everything else the run does. Find instead
//
//  1. shards the (key, article) entries by the key's top byte, so each
//     shard holds whole buckets, and fills the shards in article order;
//  2. sorts each shard by key with a stable LSD radix sort (article order
//     within a key is kept, so a bucket's members come out sorted), one
//     shard per core at a time, and expands each bucket into packed pairs
//     (BucketPairs, as findReference does);
//  3. regroups the packed pairs by their first article into ranges, sorts
//     each range (shingle.SortKeys) and counts repeats (MinShared), one range per
//     core, and concatenates the ranges in order.
//
// Every step's output depends only on the input, never on which core did
// what, so the pairs are those of findReference, in the same order
// (TestFindMatchesReference). Steps 2 and 3 are the LSH route's (Star);
// the routes that drop their oversized buckets count shared keys per
// article instead (byarticle.go), holding far less.

const shardBits = 8

// entries are the (key, article) entries of Find's step 1: sharded by
// the key's top byte (shard s is start[s]:start[s+1]), each shard in
// article order.
type entries struct {
	keys  []uint64
	docs  []int32
	start [1<<shardBits + 1]int
}

// shardEntries is step 1: every article's keys, sharded.
func shardEntries(keys [][]uint64) *entries {
	const nShards = 1 << shardBits
	var count [nShards]int
	for _, ks := range keys {
		for _, k := range ks {
			count[k>>(64-shardBits)]++
		}
	}
	e := &entries{}
	for s := range nShards {
		e.start[s+1] = e.start[s] + count[s]
	}
	e.keys = make([]uint64, e.start[nShards])
	e.docs = make([]int32, e.start[nShards])
	fill := e.start
	for i, ks := range keys {
		for _, k := range ks {
			s := k >> (64 - shardBits)
			e.keys[fill[s]], e.docs[fill[s]] = k, int32(i)
			fill[s]++
		}
	}
	return e
}

// find is Find and FindFrom on workers cores: step 1, then the LSH
// route's steps 2 and 3 or, for a route without Star, findByArticle.
func (r Route) find(keys [][]uint64, from, workers int) ([]Pair, Stats) {
	workers = max(1, workers)
	e := shardEntries(keys)
	st := Stats{Keys: len(e.keys)}
	if !r.Star {
		return r.findByArticle(e, len(keys), from, workers, st)
	}
	ekeys, edocs, start := e.keys, e.docs, e.start
	const nShards = 1 << shardBits
	// Step 2: buckets, one shard at a time per worker.
	packed := make([][]uint64, nShards)
	capped := make([]int, nShards)
	par.Each(context.Background(), nShards, 1, workers, func(s int) {
		sortEntries(ekeys[start[s]:start[s+1]], edocs[start[s]:start[s+1]])
		var out []uint64
		eachBucket(ekeys, start[s], start[s+1], func(a, b int) {
			bucket := edocs[a:b]
			f := 0 // the first member from on (members are in article order)
			for f < len(bucket) && int(bucket[f]) < from {
				f++
			}
			if bucketPairsFrom(r, len(bucket), f, func(x, y int) {
				out = append(out, pack(bucket[x], bucket[y]))
			}) {
				capped[s]++
			}
		})
		packed[s] = out
	}, nil)
	ekeys, edocs = nil, nil
	for _, c := range capped {
		st.Capped += c
	}
	// Step 3: regroup by first article, sort, count.
	n := len(keys)
	parts := max(1, min(nShards, workers*8))
	partOf := func(v uint64) int { return int(int64(v>>32) * int64(parts) / int64(max(n, 1))) }
	var pcount = make([]int, parts+1)
	for _, l := range packed {
		for _, v := range l {
			pcount[partOf(v)+1]++
		}
	}
	for p := range parts {
		pcount[p+1] += pcount[p]
	}
	all := make([]uint64, pcount[parts])
	pfill := append([]int(nil), pcount...)
	for s, l := range packed {
		for _, v := range l {
			p := partOf(v)
			all[pfill[p]] = v
			pfill[p]++
		}
		packed[s] = nil
	}
	results := make([][]Pair, parts)
	par.Each(context.Background(), parts, 1, workers, func(p int) {
		seg := all[pcount[p]:pcount[p+1]]
		shingle.SortKeys(seg)
		var out []Pair
		for a := 0; a < len(seg); {
			b := a + 1
			for b < len(seg) && seg[b] == seg[a] {
				b++
			}
			if b-a >= r.MinShared {
				out = append(out, Pair{int32(seg[a] >> 32), int32(seg[a])})
			}
			a = b
		}
		results[p] = out
	}, nil)
	total := 0
	for _, l := range results {
		total += len(l)
	}
	out := make([]Pair, 0, total)
	for _, l := range results {
		out = append(out, l...)
	}
	st.Pairs = len(out)
	return out, st
}

// sortEntries sorts keys (and docs with them) by key, stably, by LSD radix
// sort on the bytes below the shard byte. Small shards use insertion sort.
func sortEntries(keys []uint64, docs []int32) {
	n := len(keys)
	if n < 64 {
		for i := 1; i < n; i++ {
			for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
				keys[j], keys[j-1] = keys[j-1], keys[j]
				docs[j], docs[j-1] = docs[j-1], docs[j]
			}
		}
		return
	}
	tk, td := make([]uint64, n), make([]int32, n)
	src, dst := keys, tk
	sd, dd := docs, td
	for shift := uint(0); shift < 64-shardBits; shift += 8 {
		var c [256]int
		for _, k := range src {
			c[byte(k>>shift)]++
		}
		if c[byte(src[0]>>shift)] == n {
			continue // every key has this byte: nothing to do
		}
		sum := 0
		for b := range c {
			c[b], sum = sum, sum+c[b]
		}
		for i, k := range src {
			b := byte(k >> shift)
			dst[c[b]], dd[c[b]] = k, sd[i]
			c[b]++
		}
		src, dst = dst, src
		sd, dd = dd, sd
	}
	if &src[0] != &keys[0] {
		copy(keys, src)
		copy(docs, sd)
	}
}
