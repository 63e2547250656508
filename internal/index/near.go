package index

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/shingle"
)

// Generation names a state of the index: an add raises Next (the next
// free seq), a removal lowers N. A page computed at one generation holds
// for as long as the index reports the same one (see Near).
type Generation struct {
	N    int
	Next int64
}

// Near is an article and the articles directly related to it: what its
// page shows, read without its story's wider neighbourhood.
type Near struct {
	// Articles holds the article and every indexed article related to it
	// (at least a story), in seq order. Body is read only for the article
	// and the partners it shares a passage or a quote with (at most
	// maxTexts of them, strongest relation first): the texts its page
	// aligns. These are its copy partners below.
	Articles []article.Article
	Seqs     []int64
	Centre   int // the article's index in Articles
	// Pairs are the article's pair with each other article, then the
	// stored edges among its copy partners, classified as Around
	// classifies them (I, J index Articles).
	Pairs []cluster.Pair
	// Copies are the indexes of the articles whose Body was read, the
	// article's own included.
	Copies []int
	// Generation is the index's state the answer was read at.
	Generation Generation
}

// DFCache keeps document frequencies read for one generation of the
// index, so that pages weighing the vectors of a story's articles read
// each term's count once (a term's count changes only with the
// generation). Safe for concurrent use; holds at most dfCacheMax terms
// (then starts again). The zero value is ready to use.
type DFCache struct {
	mu     sync.Mutex
	gen    Generation
	counts map[uint64]int32
}

// dfCacheMax bounds a DFCache: 1M terms (about 40 MB) is three times the
// 349k distinct terms of the 100k synth index.
const dfCacheMax = 1 << 20

// fill sets df.Count for terms (sorted, distinct) at generation gen,
// reading from tx those the cache does not hold.
func (c *DFCache) fill(ctx context.Context, tx Tx, gen Generation, terms []uint64, df *shingle.DF) error {
	c.mu.Lock()
	if c.gen != gen || c.counts == nil || len(c.counts) > dfCacheMax {
		c.gen, c.counts = gen, make(map[uint64]int32)
	}
	var missing []uint64
	for _, t := range terms {
		if n, ok := c.counts[t]; ok {
			df.Count[t] = n
		} else {
			missing = append(missing, t)
		}
	}
	c.mu.Unlock()
	if len(missing) == 0 {
		return nil
	}
	got, err := tx.DF(ctx, missing)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, t := range missing {
		df.Count[t] = got[t]
		if c.gen == gen {
			c.counts[t] = got[t]
		}
	}
	return nil
}

// CurrentGeneration returns the index's generation.
func CurrentGeneration(ctx context.Context, st Store) (Generation, error) {
	tx, err := st.Begin(ctx, false)
	if err != nil {
		return Generation{}, err
	}
	defer tx.Rollback()
	n, next, err := tx.Count(ctx)
	return Generation{N: n, Next: next}, err
}

// Direct returns the article id and the articles directly related to it
// (see Near), reading texts for at most maxTexts copy partners. Its reads
// do not depend on the size of the article's story beyond its own
// partners: one lookup of the article's stored pairs, the partners'
// metadata and terms, the texts of the article and its copy partners, and
// the stored pairs of those (for provenance). Document frequencies come
// from dfc where it holds them (nil: read them all).
func Direct(ctx context.Context, st Store, id string, maxTexts int, dfc *DFCache) (*Near, error) {
	tx, err := st.Begin(ctx, false)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	vers, err := tx.Versions(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	v, ok := vers[id]
	if !ok {
		return nil, fmt.Errorf("%s: not in the index", id)
	}
	n, next, err := tx.Count(ctx)
	if err != nil {
		return nil, err
	}
	near := &Near{Generation: Generation{N: n, Next: next}}
	edges, err := tx.Edges(ctx, []int64{v.Seq})
	if err != nil {
		return nil, err
	}
	recs, err := lightRecords(ctx, tx, withEnds([]int64{v.Seq}, edges))
	if err != nil {
		return nil, err
	}
	vecs, err := nearVectors(ctx, tx, dfc, near.Generation, recs)
	if err != nil {
		return nil, err
	}
	// The article's pairs; those below a story drop their other article.
	keep := map[int64]bool{v.Seq: true}
	var centre []cluster.Pair
	var copies []int64
	storyOrStronger(edges, recs, vecs, func(e *Edge, _, _ int, p cluster.Pair) {
		keep[e.A], keep[e.B] = true, true
		centre = append(centre, p)
		if p.Passages+p.Quotes > 0 {
			copies = append(copies, e.A+e.B-v.Seq)
		}
	})
	copies = strongest(copies, centre, recs, maxTexts)
	return near, near.fill(ctx, tx, v.Seq, recs, vecs, keep, copies, edges)
}

// strongest returns up to max of the copy partners, strongest relation
// first (then in seq order), given the article's pairs over recs.
func strongest(copies []int64, pairs []cluster.Pair, recs []Record, max int) []int64 {
	rel := make(map[int64]cluster.Relation, len(pairs))
	for _, p := range pairs {
		rel[recs[p.I].Seq], rel[recs[p.J].Seq] = p.Relation, p.Relation
	}
	slices.SortStableFunc(copies, func(a, b int64) int { return int(rel[b]) - int(rel[a]) })
	return copies[:min(len(copies), max)]
}

// nearVectors weighs each record's terms with the document frequencies of
// generation gen (from dfc where it holds them).
func nearVectors(ctx context.Context, tx Tx, dfc *DFCache, gen Generation, recs []Record) ([]shingle.Vector, error) {
	var terms []uint64
	for _, r := range recs {
		for _, t := range r.Terms {
			terms = append(terms, t.Hash())
		}
	}
	slices.Sort(terms)
	terms = slices.Compact(terms)
	df := shingle.DF{N: gen.N, Count: make(map[uint64]int32, len(terms))}
	if dfc == nil {
		dfc = &DFCache{}
	}
	if err := dfc.fill(ctx, tx, gen, terms, &df); err != nil {
		return nil, err
	}
	vecs := make([]shingle.Vector, len(recs))
	for i, r := range recs {
		vecs[i] = shingle.NewVector(r.Terms, &df)
	}
	return vecs, nil
}

// fill sets near's articles (the kept records, texts of the centre and
// copies read) and pairs: the centre's edges to the kept articles, then
// the stored edges between two copies.
func (near *Near) fill(ctx context.Context, tx Tx, centre int64, recs []Record, vecs []shingle.Vector, keep map[int64]bool, copies []int64, edges []Edge) error {
	texts, err := tx.Load(ctx, sortedWith(copies, centre), true)
	if err != nil {
		return err
	}
	body := make(map[int64]article.Article, len(texts))
	for _, r := range texts {
		body[r.Seq] = r.Article
	}
	idx := make(map[int64]int)
	vi := make([]int, 0, len(recs)) // record index of each kept article
	for k, r := range recs {
		if !keep[r.Seq] {
			continue
		}
		idx[r.Seq] = len(near.Articles)
		a := r.Article
		if b, ok := body[r.Seq]; ok {
			a = b
			near.Copies = append(near.Copies, len(near.Articles))
		}
		near.Articles = append(near.Articles, a)
		near.Seqs = append(near.Seqs, r.Seq)
		vi = append(vi, k)
	}
	near.Centre = idx[centre]
	add := func(e *Edge) {
		i, okA := idx[e.A]
		j, okB := idx[e.B]
		if okA && okB {
			near.Pairs = append(near.Pairs, classify(i, j, e, vecs[vi[i]], vecs[vi[j]]))
		}
	}
	for k := range edges {
		add(&edges[k])
	}
	if len(copies) < 2 {
		return nil
	}
	among, err := tx.Edges(ctx, sortedWith(copies, -1))
	if err != nil {
		return err
	}
	isCopy := make(map[int64]bool, len(copies))
	for _, s := range copies {
		isCopy[s] = true
	}
	for k, e := range among {
		if isCopy[e.A] && isCopy[e.B] {
			add(&among[k])
		}
	}
	return nil
}

// sortedWith returns a sorted copy of seqs, with extra added unless
// negative.
func sortedWith(seqs []int64, extra int64) []int64 {
	out := slices.Clone(seqs)
	if extra >= 0 {
		out = append(out, extra)
	}
	slices.Sort(out)
	return out
}
