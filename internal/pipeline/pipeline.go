// Package pipeline runs the stages over a whole corpus in memory: prepare
// each article (tokens, shingles, signature, keys), find candidates, verify
// them, classify the pairs. It is the one place the stage functions are
// wired together, so that the command line, the report and the tests give
// the same answers; work is spread over all cores and the results come back
// in a fixed order, so output does not depend on the core count.
package pipeline

import (
	"context"
	"runtime"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/candidate"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/par"
	"github.com/copydesk/copydesk/internal/shingle"
)

// Options tune a run. The zero value finds copy only, on all cores.
type Options struct {
	Story    bool                                // also find story pairs (needed for story clusters)
	Workers  int                                 // 0: one per core
	Progress func(stage string, done, total int) // called as work advances; may be nil
	// CopyOnly (Stream only, without Story) decides the copy relations
	// alone: no TF-IDF is computed, so Similarity is 0 and pairs that are
	// not copy come out unrelated rather than story. Copy groups are the
	// same; counting terms and weighing vectors is a third of a run.
	CopyOnly bool
	// KeepTexts (Stream only) keeps each article's compressed text and
	// word count in the Scan, so that Scan.Result can stand for a Run
	// whose Docs are built again one at a time (compare report).
	KeepTexts bool
	// Keep (Stream only) is the weakest relation Scan.Pairs keeps: weaker
	// pairs are verified and then dropped, a chunk at a time. Unrelated, the
	// zero value, keeps every pair. Most candidates of a story run come out
	// unrelated (6.3 of the 7.0 million at `compare synth -n 100000`), so a
	// command that prints nothing weaker (clusters, pairs --min-relation
	// story) holds a tenth of the pairs.
	Keep cluster.Relation
	// Window bounds the story route to articles published close together
	// (candidate.Window); the zero Window pairs across the whole corpus.
	Window candidate.Window
}

func (o *Options) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

func (o *Options) progress(stage string, done, total int) {
	if o.Progress != nil {
		o.Progress(stage, done, total)
	}
}

// Text is what is compared of an article: its headline, a blank line and its
// body (or the body alone). Passage offsets point into this text.
func Text(a *article.Article) string {
	if a.Title == "" {
		return a.Body
	}
	return a.Title + "\n\n" + a.Body
}

// NewDoc prepares article a for alignment: its Text, with its outlet and
// publication time (align.Doc.Outlet, Published). Vector is left for the
// caller.
func NewDoc(a *article.Article) *align.Doc { return docOf(Text(a), a) }

// docOf prepares text, article a's Text, for alignment with a's outlet and
// publication time.
func docOf(text string, a *article.Article) *align.Doc {
	d := align.NewDoc(text)
	d.Outlet = a.Outlet
	d.Published = Published(a)
	return d
}

// Published is when article a was published (align.Doc.Published), read
// by article.PublishedTime; zero when undated.
func Published(a *article.Article) align.When {
	at, within, ok := article.PublishedTime(a.Published)
	if !ok {
		return align.When{}
	}
	return align.When{At: at, Within: within}
}

// Corpus is a set of prepared articles. A Corpus made by Prepare holds
// every article's Doc; one made by Scan.Result holds none, but each
// article's text compressed and its word count, and Doc builds the Doc
// again when asked.
type Corpus struct {
	Articles []article.Article
	Docs     []*align.Doc
	DF       shingle.DF
	sigs     []shingle.Signature
	texts    [][]byte // without Docs: each article's text, s2-compressed
	words    []int32  // without Docs: each article's word count
}

// Doc returns article i's Doc: the one held, or, in a Corpus without
// Docs, one built from its text (without Vector) that the caller may drop.
func (c *Corpus) Doc(i int) *align.Doc {
	if c.Docs != nil {
		return c.Docs[i]
	}
	return docOf(text(c.texts, i), &c.Articles[i])
}

// Words returns how many words article i has: its Doc's tokens.
func (c *Corpus) Words(i int) int {
	if c.Docs != nil {
		return len(c.Docs[i].Tokens)
	}
	return int(c.words[i])
}

// Prepare tokenises and fingerprints every article, counts document
// frequencies and weighs each article's terms.
func Prepare(ctx context.Context, arts []article.Article, opt Options) (*Corpus, error) {
	c := &Corpus{Articles: arts, Docs: make([]*align.Doc, len(arts)), sigs: make([]shingle.Signature, len(arts))}
	terms := make([][]shingle.Term, len(arts))
	err := parallel(ctx, len(arts), opt, "prepare", func(i int) {
		d := NewDoc(&arts[i])
		c.Docs[i] = d
		terms[i] = shingle.Terms(d.Text, d.Tokens)
		c.sigs[i] = shingle.Sign(d.Shingles)
	})
	if err != nil {
		return nil, err
	}
	for _, t := range terms {
		c.DF.Add(t)
	}
	err = parallel(ctx, len(arts), opt, "weigh", func(i int) {
		c.Docs[i].Vector = shingle.NewVector(terms[i], &c.DF)
	})
	return c, err
}

// Stats counts the work of a run.
type Stats struct {
	LSH, Anchors, Terms candidate.Stats
	Candidates          int // distinct pairs verified
	CosineOnly          int // of which story-route pairs scored by cosine alone
	// Unwindowed: a window of time was asked and no article has a
	// publication time, so the window bounded nothing.
	Unwindowed bool
}

// routePlan is the route policy of a run over articles published at times
// (input order): the story route when opt.Story, under opt.Window.
func routePlan(opt Options, times []align.When, st *Stats) candidate.Plan {
	p := candidate.Plan{N: len(times), Story: opt.Story, Window: opt.Window}
	if opt.Story && !opt.Window.IsZero() {
		var dated bool
		p.Places, dated = opt.Window.Places(times)
		st.Unwindowed = !dated
	}
	return p
}

// Candidates returns the pairs to verify, sorted: copy routes always, the
// story route when opt.Story is set. cosineOnly marks the pairs scored by
// their cosine alone (see cluster.CosineOnly); it is nil when there are none.
func (c *Corpus) Candidates(opt Options) (cands []candidate.Pair, cosineOnly []bool, st Stats) {
	bands := make([][]uint64, len(c.Docs))
	anchors := make([][]uint64, len(c.Docs))
	for i, d := range c.Docs {
		bands[i] = shingle.BandKeys(&c.sigs[i])
		anchors[i] = shingle.Anchors(d.Shingles)
	}
	lsh, lst := candidate.LSH.Find(bands)
	anc, ast := candidate.Anchors.Find(anchors)
	st.LSH, st.Anchors = lst, ast
	copied := candidate.Merge(lsh, anc)
	cands = copied
	if opt.Story {
		times := make([]align.When, len(c.Docs))
		for i, d := range c.Docs {
			times[i] = d.Published
		}
		plan := routePlan(opt, times, &st)
		story := c.storyCandidates(plan, &st)
		cands = candidate.Merge(copied, story)
		if plan.Indexed() {
			one, _ := candidate.OneAnchor.Find(anchors)
			cosineOnly = plan.CosineOnly(cands, copied, one)
		}
	}
	st.Candidates = len(cands)
	st.CosineOnly = count(cosineOnly)
	return cands, cosineOnly, st
}

func count(m []bool) int {
	n := 0
	for _, v := range m {
		if v {
			n++
		}
	}
	return n
}

// storyCandidates returns the story route's pairs under plan: every pair
// of a small corpus, else those of the term index.
func (c *Corpus) storyCandidates(plan candidate.Plan, st *Stats) []candidate.Pair {
	keys := make([][]uint64, len(c.Docs))
	for i, d := range c.Docs {
		keys[i] = plan.StoryKeys(d.Vector, &c.DF)
	}
	out, tst := plan.StoryPairs(keys)
	st.Terms = tst
	return out
}

// Verify aligns and classifies each candidate pair, in parallel (those
// cosineOnly marks by their cosine alone); the pairs come back in the
// candidates' order.
func (c *Corpus) Verify(ctx context.Context, cands []candidate.Pair, cosineOnly []bool, opt Options) ([]cluster.Pair, error) {
	out := make([]cluster.Pair, len(cands))
	err := parallel(ctx, len(cands), opt, "verify", func(k int) {
		i, j := int(cands[k].I), int(cands[k].J)
		var res align.Result
		final := false
		if cosineOnly != nil && cosineOnly[k] {
			res, final = cluster.CosineOnly(c.Docs[i].Vector, c.Docs[j].Vector)
		}
		if !final {
			res, _ = cluster.Verify(ctx, c.Docs[i], c.Docs[j]) // cancelled: parallel says so
		}
		out[k] = cluster.NewPair(i, j, &res)
	})
	return out, err
}

// Result is a finished run.
type Result struct {
	*Corpus
	Pairs []cluster.Pair // every verified candidate, unrelated ones too
	Stats Stats
}

// Run prepares the articles, finds and verifies candidates.
func Run(ctx context.Context, arts []article.Article, opt Options) (*Result, error) {
	c, err := Prepare(ctx, arts, opt)
	if err != nil {
		return nil, err
	}
	cands, cosineOnly, st := c.Candidates(opt)
	pairs, err := c.Verify(ctx, cands, cosineOnly, opt)
	if err != nil {
		return nil, err
	}
	return &Result{Corpus: c, Pairs: pairs, Stats: st}, nil
}

// Groups labels each article with its group at the level asked.
func (r *Result) Groups(level cluster.Level) []int {
	return cluster.Groups(len(r.Articles), r.Pairs, level)
}

// parallel runs fn over 0..n-1 in chunks of 64 (see Each).
func parallel(ctx context.Context, n int, opt Options, stage string, fn func(int)) error {
	return Each(ctx, n, 64, opt, stage, fn)
}

// Each calls fn(0..n-1) on opt.Workers goroutines (one per core when 0),
// chunk indexes at a time (par.Each), reporting progress of stage after
// each chunk, and stops early when ctx is cancelled. fn must write only to
// its own index's slot, so that results do not depend on the schedule.
func Each(ctx context.Context, n, chunk int, opt Options, stage string, fn func(int)) error {
	return par.Each(ctx, n, chunk, opt.workers(), fn, func(done int) { opt.progress(stage, done, n) })
}
