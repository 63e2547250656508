package batch

import (
	"context"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/cluster"
)

func init() {
	register.DoFn4x0[context.Context, string, int, func(uint64, partner)](&partnersFn{})
	register.DoFn5x1[context.Context, uint64, func(*doc) bool, func(*partner) bool, func(uint64, half), error](&sendFn{})
	register.DoFn5x1[context.Context, uint64, func(*doc) bool, func(*half) bool, func(edge), error](&verifyFn{})
	register.Emitter2[uint64, partner]()
	register.Emitter2[uint64, half]()
	register.Emitter1[edge]()
	register.Iter1[doc]()
	register.Iter1[partner]()
	register.Iter1[half]()
}

// partnersFn keys a distinct candidate pair by its first article.
type partnersFn struct{}

func (partnersFn) ProcessElement(ctx context.Context, key string, mask int, emit func(uint64, partner)) {
	beam.NewCounter(Namespace, CCandidates).Inc(ctx, 1)
	a, b := unpackPair(key)
	emit(a, partner{Ord: b, Routes: int32(mask)})
}

// sendFn is the first half of the text join: article a, grouped with the
// later articles it is a candidate with, is sent to each of them.
type sendFn struct{}

func (sendFn) ProcessElement(ctx context.Context, ord uint64, docs func(*doc) bool, partners func(*partner) bool, emit func(uint64, half)) error {
	var d doc
	if !docs(&d) {
		return fmt.Errorf("candidate pair with article %d, which was never read", ord)
	}
	var p partner
	n := int64(0)
	for partners(&p) {
		emit(p.Ord, half{Routes: p.Routes, Doc: d})
		n++
	}
	beam.NewCounter(Namespace, CJoinedTextByte).Inc(ctx, n*int64(len(d.Text)+len(d.Vec)))
	return nil
}

// verifyFn is the second half: article b meets every earlier article it is
// a candidate with; each pair is verified (align.Verify, a read first) and
// classified (cluster.NewPair).
type verifyFn struct{}

func (verifyFn) ProcessElement(ctx context.Context, ord uint64, docs func(*doc) bool, halves func(*half) bool, emit func(edge)) error {
	var d doc
	if !docs(&d) {
		return fmt.Errorf("candidate pair with article %d, which was never read", ord)
	}
	b, err := alignDoc(&d)
	if err != nil {
		return err
	}
	verified := beam.NewCounter(Namespace, CVerified)
	related := beam.NewCounter(Namespace, CRelated)
	var h half
	for halves(&h) {
		a, err := alignDoc(&h.Doc)
		if err != nil {
			return err
		}
		res := align.Verify(a, b)
		p := cluster.NewPair(0, 1, &res)
		verified.Inc(ctx, 1)
		if p.Relation >= cluster.Story {
			related.Inc(ctx, 1)
		}
		emit(edge{
			A: node(h.Doc.Ord, h.Doc.ID), B: node(d.Ord, d.ID),
			Routes: h.Routes, Relation: int32(p.Relation),
			AInB: p.AInB, BInA: p.BInA, Similarity: p.Similarity,
			Passages: int32(p.Passages), Quotes: int32(p.Quotes),
		})
	}
	return nil
}

func alignDoc(d *doc) (*align.Doc, error) {
	ad := align.NewDoc(d.Text)
	v, err := decodeVector(d.Vec)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.ID, err)
	}
	ad.Vector = v
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
	}
}
