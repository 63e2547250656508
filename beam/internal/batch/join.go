package batch

import (
	"context"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/candidate"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/shingle"
)

func init() {
	register.DoFn5x1[context.Context, uint64, func(*record) bool, func(*partner) bool, func(uint64, half), error](&sendFn{})
	register.DoFn7x1[context.Context, uint64, func(*record) bool, func(*half) bool, int, func(*[]byte) bool, func(edge), error](&verifyFn{})
	register.Function1x2[record, uint64, record](byOrd)
	register.Emitter2[uint64, half]()
	register.Emitter1[edge]()
	register.Iter1[record]()
	register.Iter1[partner]()
	register.Iter1[half]()
}

func byOrd(r record) (uint64, record) { return r.Ord, r }

// sendFn is the first half of the text join: article a, grouped with the
// later articles it is a candidate with, is sent to each of them, its text
// compressed and nothing else (b's worker weighs it again).
type sendFn struct{}

func (sendFn) ProcessElement(ctx context.Context, ord uint64, docs func(*record) bool, partners func(*partner) bool, emit func(uint64, half)) error {
	var d record
	if !docs(&d) {
		return fmt.Errorf("candidate pair with article %d, which was never read", ord)
	}
	var p partner
	n := int64(0)
	for partners(&p) {
		emit(p.Ord, half{Routes: p.Routes, A: d})
		n++
	}
	beam.NewCounter(Namespace, CJoinedTextByte).Inc(ctx, n*int64(len(d.Z)+len(d.ID)))
	return nil
}

// verifyFn is the second half: article b meets every earlier article it is
// a candidate with; each pair is verified (align.Verify, a read first) and
// classified (cluster.NewPair). The TF-IDF vectors are weighed here from
// the texts and the document frequencies (side inputs), exactly as
// weighFn and pipeline.Prepare weigh them, rather than shipped with every
// pair: a vector is about as large as the compressed text.
type verifyFn struct {
	Window candidate.Window // Options.Window when the story route runs

	df sharedDF
}

func (f *verifyFn) ProcessElement(ctx context.Context, ord uint64, docs func(*record) bool, halves func(*half) bool, n int, dfIter func(*[]byte) bool, emit func(edge)) error {
	var d record
	if !docs(&d) {
		return fmt.Errorf("candidate pair with article %d, which was never read", ord)
	}
	if err := f.df.load(dfIter); err != nil {
		return err
	}
	b, err := f.alignDoc(&d, n)
	if err != nil {
		return err
	}
	verified := beam.NewCounter(Namespace, CVerified)
	related := beam.NewCounter(Namespace, CRelated)
	windowed := beam.NewCounter(Namespace, CWindowed)
	var h half
	for halves(&h) {
		if f.outsideWindow(&h, &d) {
			windowed.Inc(ctx, 1)
			continue
		}
		var res align.Result
		final := false
		if cosineOnly(n, h.Routes) {
			text, err := h.A.text()
			if err != nil {
				return err
			}
			va, _ := f.df.vector(text, shingle.Tokens(text), n)
			res, final = cluster.CosineOnly(va, b.Vector)
		}
		if !final {
			a, err := f.alignDoc(&h.A, n)
			if err != nil {
				return err
			}
			res, _ = cluster.Verify(ctx, a, b) // cancelled: the runner stops the bundle
		}
		p := cluster.NewPair(0, 1, &res)
		verified.Inc(ctx, 1)
		if p.Relation >= cluster.Story {
			related.Inc(ctx, 1)
		}
		emit(edge{
			A: node(h.A.Ord, h.A.ID), B: node(d.Ord, d.ID),
			Routes: h.Routes, Relation: int32(p.Relation),
			AInB: p.AInB, BInA: p.BInA, Similarity: p.Similarity,
			Passages: int32(p.Passages), Quotes: int32(p.Quotes),
			Source: int32(p.Source), Share: p.Share, Reworded: p.Reworded,
		})
	}
	return nil
}

// outsideWindow reports whether the pair of h and d was found by the
// story route alone and the window holds its articles apart (as
// candidate.Plan.StoryPairs drops it in compare).
func (f *verifyFn) outsideWindow(h *half, d *record) bool {
	return !f.Window.IsZero() && h.Routes&copyRoutes == 0 && !f.Window.Near(h.A.Place, d.Place)
}

// cosineOnly tells the pairs compare scores by cosine alone
// (candidate.Plan.ScoredByCosine): routes has neither a copy route's bit
// nor routeOneAnchor.
func cosineOnly(n int, routes int32) bool {
	return candidate.Plan{N: n, Story: true}.ScoredByCosine(routes&(copyRoutes|1<<routeOneAnchor) != 0)
}

func (f *verifyFn) alignDoc(r *record, n int) (*align.Doc, error) {
	ad, err := r.doc()
	if err != nil {
		return nil, err
	}
	ad.Vector, _ = f.df.vector(ad.Text, ad.Tokens, n)
	return ad, nil
}

// pair is the cluster.Pair of an edge between articles i and j.
func (e *edge) pair(i, j int) cluster.Pair {
	return cluster.Pair{
		I: i, J: j,
		Relation:   cluster.Relation(e.Relation),
		AInB:       e.AInB,
		BInA:       e.BInA,
		Similarity: e.Similarity,
		Passages:   int(e.Passages),
		Quotes:     int(e.Quotes),
		Source:     [...]int{-1, i, j}[e.Source+1],
		Share:      e.Share,
		Reworded:   e.Reworded,
	}
}
