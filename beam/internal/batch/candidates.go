package batch

import (
	"cmp"
	"context"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/copydesk/copydesk/internal/candidate"
)

func init() {
	register.DoFn4x1[context.Context, int, func(*[]byte) bool, func(int, []byte), error](&bucketsFn{})
	register.DoFn4x1[context.Context, int, func(*[]byte) bool, func(uint64, partner), error](&pairsFn{})
	register.DoFn3x0[int, func(*uint64) bool, func(int, []byte)](&allPairsFn{})
	register.Emitter2[uint64, partner]()
	register.Iter1[uint64]()
}

// bucketsFn takes one shard of bucket entries, finds its buckets (all
// articles sharing one key of one route) and expands each by the route's
// rule, candidate.BucketPairs: oversized buckets are capped and counted,
// not expanded quadratically. It emits, batched by pair shard, how many
// keys of each route each pair shares within this shard.
type bucketsFn struct {
	Shards int
}

func (f *bucketsFn) ProcessElement(ctx context.Context, _ int, batches func(*[]byte) bool, emit func(int, []byte)) error {
	var entries []keyEntry
	var buf []byte
	var err error
	for batches(&buf) {
		if entries, err = unpackKeys(entries, buf); err != nil {
			return err
		}
	}
	beam.NewCounter(Namespace, CBucketEntries).Inc(ctx, int64(len(entries)))
	slices.SortFunc(entries, func(x, y keyEntry) int {
		return cmp.Or(cmp.Compare(x.Route, y.Route), cmp.Compare(x.Key, y.Key), cmp.Compare(x.Ord, y.Ord))
	})
	var pairs []pairEntry
	var members []uint64
	for s := 0; s < len(entries); {
		e := s + 1
		for e < len(entries) && entries[e].Route == entries[s].Route && entries[e].Key == entries[s].Key {
			e++
		}
		route := entries[s].Route
		members = members[:0]
		for _, x := range entries[s:e] {
			members = append(members, x.Ord)
		}
		members = slices.Compact(members) // sorted by ordinal already
		s = e
		capped := candidate.BucketPairs(routes[route], len(members), func(x, y int) {
			pairs = append(pairs, pairEntry{A: members[x], B: members[y], Route: route, N: 1})
		})
		if capped {
			beam.NewCounter(Namespace, cappedCounters[route]).Inc(ctx, 1)
		}
	}
	entries = nil
	var out batcher
	for _, p := range sumPairs(pairs) {
		out.putPair(f.Shards, p)
		if out.full() {
			out.flush(emit)
		}
	}
	out.flush(emit)
	return nil
}

// sumPairs sorts pair×route counts and adds up those of the same pair and
// route.
func sumPairs(ps []pairEntry) []pairEntry {
	slices.SortFunc(ps, func(x, y pairEntry) int {
		return cmp.Or(cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B), cmp.Compare(x.Route, y.Route))
	})
	out := ps[:0]
	for _, p := range ps {
		if n := len(out); n > 0 && out[n-1].A == p.A && out[n-1].B == p.B && out[n-1].Route == p.Route {
			out[n-1].N += p.N
			continue
		}
		out = append(out, p)
	}
	return out
}

// pairsFn takes one shard of pair×route counts, keeps for each route the
// pairs that share at least Route.MinShared of its keys, and emits each
// distinct pair once, keyed by its first article, with the routes that
// found it.
type pairsFn struct{}

func (pairsFn) ProcessElement(ctx context.Context, _ int, batches func(*[]byte) bool, emit func(uint64, partner)) error {
	var ps []pairEntry
	var buf []byte
	var err error
	for batches(&buf) {
		if ps, err = unpackPairs(ps, buf); err != nil {
			return err
		}
	}
	ps = sumPairs(ps)
	candidates := beam.NewCounter(Namespace, CCandidates)
	for s := 0; s < len(ps); {
		e := s
		mask := int32(0)
		oneAnchor := false
		for ; e < len(ps) && ps[e].A == ps[s].A && ps[e].B == ps[s].B; e++ {
			if int(ps[e].N) >= routes[ps[e].Route].MinShared {
				mask |= 1 << ps[e].Route
			}
			if ps[e].Route == routeAnchors && int(ps[e].N) >= candidate.OneAnchor.MinShared {
				oneAnchor = true
			}
		}
		if mask != 0 {
			if oneAnchor {
				mask |= 1 << routeOneAnchor
			}
			candidates.Inc(ctx, 1)
			emit(ps[s].A, partner{Ord: ps[s].B, Routes: mask})
		}
		s = e
	}
	return nil
}

// allPairsFn pairs every article of a corpus whose plan compares all
// pairs (candidate.Plan.AllPairs), the story route's rule for small corpora, as
// pair×route counts that pass the route's MinShared.
type allPairsFn struct {
	Shards int
}

func (f *allPairsFn) ProcessElement(_ int, ords func(*uint64) bool, emit func(int, []byte)) {
	var all []uint64
	var o uint64
	for ords(&o) {
		all = append(all, o)
	}
	if !(candidate.Plan{N: len(all), Story: true}).AllPairs() {
		return // cannot happen: smallCorpusFn sends nothing then
	}
	slices.Sort(all)
	var out batcher
	for _, p := range candidate.EveryPair(len(all), 0) {
		out.putPair(f.Shards, pairEntry{A: all[p.I], B: all[p.J], Route: routeTerms, N: int32(candidate.Terms.MinShared)})
	}
	out.flush(emit)
}
