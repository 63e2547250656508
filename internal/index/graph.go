package index

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/shingle"
)

// Graph is what the index holds, read as a whole: its articles in seq
// order and every stored edge, classified with the current document
// frequencies (see "Document-frequency drift" above).
type Graph struct {
	Articles []article.Article // metadata only: Body is empty
	Seqs     []int64
	Pairs    []cluster.Pair // I, J index Articles; sorted by (I, J)
}

// LoadGraph reads the index as a whole; with since set, only articles
// published at or after it (and the edges between them).
func LoadGraph(ctx context.Context, st Store, since time.Time) (*Graph, error) {
	tx, err := st.Begin(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	n, _, err := tx.Count(ctx)
	if err != nil {
		return nil, err
	}
	counts, err := tx.AllDF(ctx)
	if err != nil {
		return nil, err
	}
	df := shingle.DF{N: n, Count: counts}
	g := &Graph{}
	var vecs []shingle.Vector
	err = tx.Scan(ctx, since, func(r *Record) error {
		g.Articles = append(g.Articles, r.Article)
		g.Seqs = append(g.Seqs, r.Seq)
		vecs = append(vecs, shingle.NewVector(r.Terms, &df))
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	edges, err := tx.Edges(ctx, nil)
	if err != nil {
		return nil, err
	}
	for _, e := range edges {
		i, okA := slices.BinarySearch(g.Seqs, e.A)
		j, okB := slices.BinarySearch(g.Seqs, e.B)
		if !okA || !okB {
			continue // outside --since
		}
		g.Pairs = append(g.Pairs, classify(i, j, &e, vecs[i], vecs[j]))
	}
	return g, nil
}

// classify turns a stored edge into a pair, its cosine taken from the
// current vectors.
func classify(i, j int, e *Edge, a, b shingle.Vector) cluster.Pair {
	res := align.Result{
		Cosine: shingle.Cosine(a, b),
		AInB:   e.AInB, BInA: e.BInA,
		CopyA: e.CopyA, CopyB: e.CopyB,
		LongestCopy: e.Longest,
	}
	p := cluster.StoredPair(i, j, &res, e.Verdict)
	p.Passages, p.Quotes = e.Passages, e.Quotes
	return p
}

// Around returns one article and every indexed article related to it (at
// least a story), with their full text, in seq order, and the pairs among
// them as stored edges classify them now (I, J index the articles).
func Around(ctx context.Context, st Store, id string) ([]article.Article, []cluster.Pair, error) {
	tx, err := st.Begin(ctx, false)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	vers, err := tx.Versions(ctx, []string{id})
	if err != nil {
		return nil, nil, err
	}
	v, ok := vers[id]
	if !ok {
		return nil, nil, fmt.Errorf("%s: not in the index", id)
	}
	n, _, err := tx.Count(ctx)
	if err != nil {
		return nil, nil, err
	}
	edges, err := tx.Edges(ctx, []int64{v.Seq})
	if err != nil {
		return nil, nil, err
	}
	seqs := []int64{v.Seq}
	for _, e := range edges {
		seqs = append(seqs, e.A, e.B)
	}
	slices.Sort(seqs)
	seqs = slices.Compact(seqs)
	recs, err := tx.Load(ctx, seqs, true)
	if err != nil {
		return nil, nil, err
	}
	var terms []uint64
	for _, r := range recs {
		for _, t := range r.Terms {
			terms = append(terms, t.Hash())
		}
	}
	df := shingle.DF{N: n, Count: make(map[uint64]int32)}
	if err := fetchDF(ctx, tx, &dfCache{}, &df, nil, terms, n); err != nil {
		return nil, nil, err
	}
	pos := make(map[int64]int, len(recs))
	vecs := make([]shingle.Vector, len(recs))
	for i, r := range recs {
		pos[r.Seq] = i
		vecs[i] = shingle.NewVector(r.Terms, &df)
	}
	keep := map[int64]bool{v.Seq: true}
	for _, e := range edges {
		p := classify(pos[e.A], pos[e.B], &e, vecs[pos[e.A]], vecs[pos[e.B]])
		if p.Relation >= cluster.Story {
			keep[e.A], keep[e.B] = true, true
		}
	}
	// The pairs among the kept articles: the centre's edges and those
	// between its neighbours.
	var kept []int64
	for _, r := range recs {
		if keep[r.Seq] {
			kept = append(kept, r.Seq)
		}
	}
	all, err := tx.Edges(ctx, kept)
	if err != nil {
		return nil, nil, err
	}
	var arts []article.Article
	idx := make(map[int64]int)
	for _, r := range recs {
		if keep[r.Seq] {
			idx[r.Seq] = len(arts)
			arts = append(arts, r.Article)
		}
	}
	var pairs []cluster.Pair
	for _, e := range all {
		i, okA := idx[e.A]
		j, okB := idx[e.B]
		if okA && okB {
			pairs = append(pairs, classify(i, j, &e, vecs[pos[e.A]], vecs[pos[e.B]]))
		}
	}
	return arts, pairs, nil
}

// Remove deletes articles by id in one transaction and returns the ids
// that were not indexed.
func Remove(ctx context.Context, st Store, ids []string) (missing []string, err error) {
	tx, err := st.Begin(ctx, true)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	vers, err := tx.Versions(ctx, ids)
	if err != nil {
		return nil, err
	}
	var seqs []int64
	for _, id := range ids {
		if v, ok := vers[id]; ok {
			seqs = append(seqs, v.Seq)
		} else {
			missing = append(missing, id)
		}
	}
	slices.Sort(seqs)
	seqs = slices.Compact(seqs)
	recs, err := tx.Load(ctx, seqs, false)
	if err != nil {
		return nil, err
	}
	delta := make(map[uint64]int32)
	for _, r := range recs {
		for _, t := range r.Terms {
			delta[t.Hash()]--
		}
	}
	if err := tx.Delete(ctx, recs); err != nil {
		return nil, err
	}
	if err := tx.Put(ctx, nil, nil, delta); err != nil {
		return nil, err
	}
	return missing, tx.Commit()
}

// Bodies returns the full articles (text included) of seqs, in seq order:
// the texts a report over LoadGraph's articles needs.
func Bodies(ctx context.Context, st Store, seqs []int64) ([]article.Article, error) {
	tx, err := st.Begin(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	recs, err := tx.Load(ctx, seqs, true)
	if err != nil {
		return nil, err
	}
	if len(recs) != len(seqs) {
		return nil, fmt.Errorf("index changed while reading it (%d of %d articles found)", len(recs), len(seqs))
	}
	out := make([]article.Article, len(recs))
	for i := range recs {
		out[i] = recs[i].Article
	}
	return out, nil
}
