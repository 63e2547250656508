package batch

import (
	"context"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/copydesk/copydesk/internal/candidate"
	"github.com/copydesk/copydesk/internal/pipeline"
)

func init() {
	register.DoFn4x0[context.Context, string, func(*uint64) bool, func(string, int)](&bucketFn{})
	register.DoFn3x0[string, int, func(string, int)](&minSharedFn{})
	register.DoFn3x0[int, func(*uint64) bool, func(string, int)](&allPairsFn{})
	register.Function2x1[int, int, int](orRoutes)
	register.Emitter2[string, int]()
	register.Iter1[uint64]()
}

// bucketFn expands one bucket (all articles sharing one key of one route)
// into pair×route keys by the route's rule, candidate.BucketPairs:
// oversized buckets are capped and counted, not expanded quadratically.
type bucketFn struct{}

func (bucketFn) ProcessElement(ctx context.Context, key string, ords func(*uint64) bool, emit func(string, int)) {
	route := key[0]
	var members []uint64
	var o uint64
	for ords(&o) {
		members = append(members, o)
	}
	beam.NewCounter(Namespace, CBucketEntries).Inc(ctx, int64(len(members)))
	slices.Sort(members)
	members = slices.Compact(members)
	capped := candidate.BucketPairs(routes[route], len(members), func(x, y int) {
		emit(string(route)+pairKey(members[x], members[y]), 1)
	})
	if capped {
		beam.NewCounter(Namespace, cappedCounters[route]).Inc(ctx, 1)
	}
}

// minSharedFn keeps the pairs that share enough keys of one route and
// emits them with the route's bit.
type minSharedFn struct{}

func (minSharedFn) ProcessElement(key string, shared int, emit func(string, int)) {
	route := key[0]
	if shared >= routes[route].MinShared {
		emit(key[1:], 1<<route)
	}
}

// allPairsFn pairs every article of a corpus of at most
// pipeline.AllPairsUpTo, the story route's rule for small corpora.
type allPairsFn struct{}

func (allPairsFn) ProcessElement(_ int, ords func(*uint64) bool, emit func(string, int)) {
	var all []uint64
	var o uint64
	for ords(&o) {
		all = append(all, o)
	}
	if len(all) > pipeline.AllPairsUpTo {
		return // cannot happen: smallCorpusFn sends nothing then
	}
	slices.Sort(all)
	for i := range all {
		for j := i + 1; j < len(all); j++ {
			emit(pairKey(all[i], all[j]), 1<<routeTerms)
		}
	}
}

// orRoutes merges the route masks of one pair.
func orRoutes(a, b int) int { return a | b }
