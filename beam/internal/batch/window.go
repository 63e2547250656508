package batch

import (
	"cmp"
	"context"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/candidate"
)

// The story window (candidate.Window) on Beam. An article's place on the
// window's axis depends on the whole input order (an undated article takes
// the time of the dated one before it; a window of articles counts input
// positions), so every record's ordinal and time go to one key, placesFn
// places them all with Window.Places as compare does, and each record gets
// its Place back by ordinal before the join. That one key holds 24 bytes
// an article (24 MB for a million). verifyFn then drops, unverified, the
// pairs only the story route found whose articles the window holds apart.

func init() {
	register.Function1x2[record, int, stamp](stampOf)
	register.DoFn4x0[context.Context, int, func(*stamp) bool, func(uint64, candidate.Place)](&placesFn{})
	register.DoFn4x0[uint64, func(*record) bool, func(*candidate.Place) bool, func(record)](&placeFn{})
	register.Emitter2[uint64, candidate.Place]()
	register.Iter1[stamp]()
	register.Iter1[candidate.Place]()
}

// stamp is a record's ordinal and publication time.
type stamp struct {
	Ord               uint64
	Published, Within int64
}

func stampOf(r record) (int, stamp) { return 0, stamp{r.Ord, r.Published, r.Within} }

// placeRecords gives each record its Place under w.
func placeRecords(s beam.Scope, recs beam.PCollection, w candidate.Window) beam.PCollection {
	s = s.Scope("Window")
	places := beam.ParDo(s, &placesFn{Window: w}, beam.GroupByKey(s, beam.ParDo(s, stampOf, recs)))
	return beam.ParDo(s, &placeFn{}, beam.CoGroupByKey(s, beam.ParDo(s, byOrd, recs), places))
}

// placesFn places every article, in input order, as candidate.Window.Places
// does for compare; a window of time over articles none of which has a time
// bounds nothing, which counter CUnwindowed says.
type placesFn struct {
	Window candidate.Window
}

func (f *placesFn) ProcessElement(ctx context.Context, _ int, stamps func(*stamp) bool, emit func(uint64, candidate.Place)) {
	var all []stamp
	var s stamp
	for stamps(&s) {
		all = append(all, s)
	}
	slices.SortFunc(all, func(a, b stamp) int { return cmp.Compare(a.Ord, b.Ord) })
	times := make([]align.When, len(all))
	for i, s := range all {
		times[i] = when(s.Published, s.Within)
	}
	places, dated := f.Window.Places(times)
	if !dated {
		beam.NewCounter(Namespace, CUnwindowed).Inc(ctx, 1)
	}
	for i, s := range all {
		emit(s.Ord, places[i])
	}
}

// placeFn sets a record's Place.
type placeFn struct{}

func (placeFn) ProcessElement(_ uint64, recs func(*record) bool, places func(*candidate.Place) bool, emit func(record)) {
	var r record
	if recs(&r) {
		places(&r.Place)
		emit(r)
	}
}
