package pipeline

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/s2"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/candidate"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/par"
	"github.com/copydesk/copydesk/internal/shingle"
)

// Streaming runs: corpora too large to hold.
//
// Run holds every article's text, tokens, shingles and term vector (about
// 20 KB an article): fine for thousands, not for millions. Stream gives the
// same pairs (TestStreamMatchesRun) while holding, per article, only what
// the candidate routes index and what verification needs to start again:
//
//	id                     ~ 20 B
//	LSH band keys          32 × 8 B
//	anchor shingles        ~ 2 in 9 shingles × 8 B (winnowed)
//	text, s2-compressed    ~ 0.5–0.7 × the text
//	terms, then vector     story runs only, ~ 190 × 12 B
//
// (a batch's ids, texts and keys in one block each) and the corpus's
// document frequencies. Articles are read in batches;
// each batch is prepared (tokens, shingles, signature, keys, terms counted
// into the worker's own document frequencies) by one of opt.Workers
// goroutines while reading goes on, and batches are put back in input
// order. Verification rebuilds an article's align.Doc from its compressed
// text when a candidate pair first needs it and keeps it until its
// article's last pair is verified (docStore), so each Doc is built once
// while fewer than maxLiveDocs are waiting for their pairs; a story pair
// scored by cosine alone (cluster.CosineOnly) needs no Doc. Every
// result lands at its input position, so the output is the same whatever
// the number of cores.

// Scan is a finished streaming run.
type Scan struct {
	IDs   []string       // article ids, in input order
	Pairs []cluster.Pair // every verified candidate of Options.Keep or stronger (unrelated ones too by default)
	Stats Stats
	// DocsBuilt counts the align.Docs built to verify pairs: at most one
	// an article while the docStore's budget holds.
	DocsBuilt int

	texts [][]byte // with Options.KeepTexts: each article's text, s2-compressed
	words []int32  // with Options.KeepTexts: each article's word count
}

// Result is the scan of a run made with Options.KeepTexts as a Run's
// Result that holds no Docs: Corpus.Doc builds an article's Doc again from
// its compressed text. arts are the articles read, in input order; their
// bodies are not used and may have been dropped. Its Corpus has no
// document frequencies.
func (s *Scan) Result(arts []article.Article) *Result {
	return &Result{Corpus: &Corpus{Articles: arts, texts: s.texts, words: s.words}, Pairs: s.Pairs, Stats: s.Stats}
}

// Groups labels each article with its group at the level asked.
func (s *Scan) Groups(level cluster.Level) []int {
	return cluster.Groups(len(s.IDs), s.Pairs, level)
}

const (
	streamBatch = 256 // articles prepared together
	verifyChunk = 256 // candidate pairs a verify worker takes at a time
)

type prepared struct {
	ids     []string
	texts   [][]byte
	words   []int32
	outlets []string     // align.Doc.Outlet of each
	times   []align.When // align.Doc.Published of each
	bands   [][]uint64
	anchors [][]uint64
	terms   [][]shingle.Term // story runs: each article's terms, until weighed
}

// Stream runs the pipeline over the articles read calls emit with, in
// order (emit returns an error only when the run is cancelled).
func Stream(ctx context.Context, read func(emit func(article.Article) error) error, opt Options) (*Scan, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := opt.workers()
	type job struct {
		seq  int
		arts []article.Article
	}
	jobs := make(chan job, workers)
	var (
		mu      sync.Mutex
		batches []*prepared
		dfs     = make([]shingle.DF, workers)
		wg      sync.WaitGroup
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			df := &dfs[w]
			for j := range jobs {
				p := prepareBatch(j.arts, df, opt.CopyOnly && !opt.Story, opt.Story)
				mu.Lock()
				for len(batches) <= j.seq {
					batches = append(batches, nil)
				}
				batches[j.seq] = p
				mu.Unlock()
			}
		}()
	}
	var cur []article.Article
	seq, total := 0, 0
	flush := func() error {
		if len(cur) == 0 {
			return nil
		}
		select {
		case jobs <- job{seq, cur}:
		case <-ctx.Done():
			return ctx.Err()
		}
		seq++
		cur = make([]article.Article, 0, streamBatch)
		return nil
	}
	err := read(func(a article.Article) error {
		cur = append(cur, a)
		total++
		if total%streamBatch == 0 {
			opt.progress("read", total, -1)
		}
		if len(cur) == streamBatch {
			return flush()
		}
		return ctx.Err()
	})
	if err == nil {
		err = flush()
	}
	close(jobs)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c := joinBatches(batches, total)
	batches = nil
	df := mergeDF(dfs)
	dfs = nil

	var st Stats
	lsh, lst := candidate.LSH.Find(c.bands)
	c.bands = nil
	anc, ast := candidate.Anchors.Find(c.anchors)
	plan := routePlan(opt, c.times, &st)
	var one []candidate.Pair
	if plan.Indexed() {
		one, _ = candidate.OneAnchor.Find(c.anchors)
	}
	c.anchors = nil
	st.LSH, st.Anchors = lst, ast
	cands := candidate.Merge(lsh, anc)
	lsh, anc = nil, nil
	var vecs []shingle.Vector
	var cosineOnly []bool
	if opt.Story {
		story, v, err := streamStory(ctx, plan, c.terms, df, opt, &st)
		if err != nil {
			return nil, err
		}
		copied := cands
		cands, vecs, c.terms = candidate.Merge(copied, story), v, nil
		if plan.Indexed() {
			cosineOnly = plan.CosineOnly(cands, copied, one)
		}
		one = nil
	}
	st.Candidates = len(cands)
	st.CosineOnly = count(cosineOnly)
	pairs, built, err := streamVerify(ctx, c, df, vecs, cands, cosineOnly, opt)
	if err != nil {
		return nil, err
	}
	s := &Scan{IDs: c.ids, Pairs: pairs, Stats: st, DocsBuilt: built}
	if opt.KeepTexts {
		s.texts, s.words = c.texts, c.words
	}
	return s, nil
}

// joinBatches puts the prepared batches of total articles back in order,
// in one.
func joinBatches(batches []*prepared, total int) *prepared {
	c := &prepared{
		ids:     make([]string, 0, total),
		texts:   make([][]byte, 0, total),
		words:   make([]int32, 0, total),
		outlets: make([]string, 0, total),
		times:   make([]align.When, 0, total),
		bands:   make([][]uint64, 0, total),
		anchors: make([][]uint64, 0, total),
	}
	for _, b := range batches {
		c.ids = append(c.ids, b.ids...)
		c.texts = append(c.texts, b.texts...)
		c.words = append(c.words, b.words...)
		c.outlets = append(c.outlets, b.outlets...)
		c.times = append(c.times, b.times...)
		c.bands = append(c.bands, b.bands...)
		c.anchors = append(c.anchors, b.anchors...)
		c.terms = append(c.terms, b.terms...)
	}
	return c
}

// prepareBatch fingerprints a batch of articles, counting their terms into
// df unless copyOnly; with story it keeps the terms.
func prepareBatch(arts []article.Article, df *shingle.DF, copyOnly, story bool) *prepared {
	p := &prepared{
		ids:     make([]string, len(arts)),
		texts:   make([][]byte, len(arts)),
		words:   make([]int32, len(arts)),
		outlets: make([]string, len(arts)),
		times:   make([]align.When, len(arts)),
		bands:   make([][]uint64, len(arts)),
		anchors: make([][]uint64, len(arts)),
	}
	if story {
		p.terms = make([][]shingle.Term, len(arts))
	}
	// What is kept of the batch lives in four blocks, sub-sliced per
	// article: a million articles are then a few thousand objects for the
	// garbage collector to mark, not four million.
	var buf, blob []byte
	var idBlob strings.Builder
	keys := make([]uint64, 0, len(arts)*(shingle.Bands+64))
	type span struct{ text, id, bands, anchors [2]int }
	spans := make([]span, len(arts))
	outlets := make(map[string]string) // one string per outlet of the batch
	for i := range arts {
		o := arts[i].Outlet
		if _, ok := outlets[o]; !ok {
			outlets[o] = strings.Clone(o)
		}
		p.outlets[i] = outlets[o]
		p.times[i] = Published(&arts[i])
		text := Text(&arts[i])
		toks := shingle.Tokens(text)
		p.words[i] = int32(len(toks))
		sh := shingle.Shingles(toks)
		sig := shingle.Sign(sh)
		n := len(keys)
		keys = append(keys, shingle.BandKeys(&sig)...)
		spans[i].bands = [2]int{n, len(keys)}
		keys = append(keys, shingle.Anchors(sh)...)
		spans[i].anchors = [2]int{spans[i].bands[1], len(keys)}
		if !copyOnly {
			terms := shingle.Terms(text, toks)
			df.Add(terms)
			if story {
				p.terms[i] = terms
			}
		}
		buf = s2.EncodeBetter(buf[:cap(buf)], []byte(text))
		spans[i].text = [2]int{len(blob), len(blob) + len(buf)}
		blob = append(blob, buf...)
		spans[i].id = [2]int{idBlob.Len(), idBlob.Len() + len(arts[i].ID)}
		idBlob.WriteString(arts[i].ID)
	}
	blob = slices.Clip(blob)
	keys = slices.Clip(keys)
	ids := idBlob.String()
	for i, sp := range spans {
		p.ids[i] = ids[sp.id[0]:sp.id[1]]
		p.texts[i] = blob[sp.text[0]:sp.text[1]:sp.text[1]]
		p.bands[i] = keys[sp.bands[0]:sp.bands[1]:sp.bands[1]]
		p.anchors[i] = keys[sp.anchors[0]:sp.anchors[1]:sp.anchors[1]]
	}
	return p
}

// mergeDF sums the workers' document frequencies: counts add up the same
// whichever worker counted which article.
func mergeDF(dfs []shingle.DF) *shingle.DF {
	out := &shingle.DF{Count: make(map[uint64]int32)}
	for _, d := range dfs {
		out.N += d.N
		for h, n := range d.Count {
			out.Count[h] += n
		}
	}
	return out
}

// text decompresses article i's text.
func text(texts [][]byte, i int) string {
	b, err := s2.Decode(nil, texts[i])
	if err != nil {
		panic("pipeline: corrupt compressed text: " + err.Error()) // written by us a moment ago
	}
	return string(b)
}

// buildDoc is Prepare's Doc for article i of c, from its text: its Vector
// is vecs[i] when vecs is given (a story run weighed them all), else
// weighed from df; without document frequencies (a CopyOnly run) it has
// none.
func buildDoc(c *prepared, i int32, df *shingle.DF, vecs []shingle.Vector) *align.Doc {
	d := align.NewDoc(text(c.texts, int(i)))
	d.Outlet = c.outlets[i]
	d.Published = c.times[i]
	if vecs != nil {
		d.Vector = vecs[i]
	} else if df.N > 0 {
		d.Vector = shingle.NewVector(shingle.Terms(d.Text, d.Tokens), df)
	}
	return d
}

// streamStory is the story route of Candidates (storyCandidates) under
// plan: it weighs each article's terms into its vector (returned, for
// verification) and indexes the same keys, plan.StoryKeys, unless the
// corpus is small enough to compare every pair.
func streamStory(ctx context.Context, plan candidate.Plan, terms [][]shingle.Term, df *shingle.DF, opt Options, st *Stats) (pairs []candidate.Pair, vecs []shingle.Vector, err error) {
	n := len(terms)
	vecs = make([]shingle.Vector, n)
	keys := make([][]uint64, n)
	err = parallel(ctx, n, opt, "story terms", func(i int) {
		vecs[i] = shingle.NewVector(terms[i], df)
		terms[i] = nil
		keys[i] = plan.StoryKeys(vecs[i], df)
	})
	if err != nil {
		return nil, nil, err
	}
	pairs, st.Terms = plan.StoryPairs(keys)
	return pairs, vecs, nil
}

// streamVerify verifies the candidates a chunk at a time per worker,
// taking Docs from a docStore, which builds each at most once while its
// budget lasts. In story runs vecs holds every article's vector, and the
// pairs cosineOnly marks are scored from them without Docs. It returns
// the pairs of opt.Keep or stronger, in candidate order.
func streamVerify(ctx context.Context, c *prepared, df *shingle.DF, vecs []shingle.Vector, cands []candidate.Pair, cosineOnly []bool, opt Options) (pairs []cluster.Pair, built int, err error) {
	chunks := (len(cands) + verifyChunk - 1) / verifyChunk
	out := make([][]cluster.Pair, chunks) // each chunk's pairs of opt.Keep or stronger
	docs := newDocStore(len(c.texts), cands, maxLiveDocs, func(i int32) *align.Doc {
		return buildDoc(c, i, df, vecs)
	})
	var done sync.Mutex
	finished := 0
	err = par.Each(ctx, chunks, 1, opt.workers(), func(k int) {
		end := min((k+1)*verifyChunk, len(cands))
		if opt.Keep == cluster.Unrelated {
			out[k] = make([]cluster.Pair, 0, end-k*verifyChunk) // every pair kept
		}
		for x := k * verifyChunk; x < end; x++ {
			p := cands[x]
			var res align.Result
			final := false
			if cosineOnly != nil && cosineOnly[x] {
				res, final = cluster.CosineOnly(vecs[p.I], vecs[p.J])
			}
			if !final {
				res, _ = cluster.Verify(ctx, docs.get(p.I), docs.get(p.J)) // cancelled: parallelChunks says so
			}
			docs.release(p.I)
			docs.release(p.J)
			if pair := cluster.NewPair(int(p.I), int(p.J), &res); pair.Relation >= opt.Keep {
				out[k] = append(out[k], pair)
			}
		}
		done.Lock()
		finished += end - k*verifyChunk
		opt.progress("verify", finished, len(cands))
		done.Unlock()
	}, nil)
	return concat(out), int(docs.built.Load()), err
}

// concat joins the chunks' pairs into one slice, dropping each chunk once
// copied so that a collection may free it before the last is copied.
func concat(chunks [][]cluster.Pair) []cluster.Pair {
	n := 0
	for _, c := range chunks {
		n += len(c)
	}
	out := make([]cluster.Pair, 0, n)
	for k := range chunks {
		out = append(out, chunks[k]...)
		chunks[k] = nil
	}
	return out
}

// maxLiveDocs bounds the Docs a docStore holds at once (some 30 KB each
// for a 400-word article, measures included, so about 120 MB).
const maxLiveDocs = 4096

// docStore hands out the align.Doc of an article for verification. A Doc
// is built when a pair first asks for it and kept until the last of its
// article's candidate pairs has been verified, so however far apart the
// pairs of one article lie in the candidate order, its Doc is built once.
// Only max are kept at a time (maxLiveDocs): past that a Doc is built for
// the pair that asks and dropped after it, which Scan.DocsBuilt shows.
type docStore struct {
	build func(i int32) *align.Doc
	max   int
	built atomic.Int64 // Docs built

	mu   sync.Mutex
	refs []int32     // per article, pairs not yet released
	docs []*docEntry // per article, its Doc while kept
	live int         // entries in docs
}

type docEntry struct {
	once sync.Once
	doc  *align.Doc
}

// newDocStore returns a store for n articles whose Docs cands ask for,
// keeping at most max at a time.
func newDocStore(n int, cands []candidate.Pair, max int, build func(int32) *align.Doc) *docStore {
	s := &docStore{build: build, max: max, refs: make([]int32, n), docs: make([]*docEntry, n)}
	for _, p := range cands {
		s.refs[p.I]++
		s.refs[p.J]++
	}
	return s
}

// get returns article i's Doc, building it if it is not kept.
func (s *docStore) get(i int32) *align.Doc {
	s.mu.Lock()
	e := s.docs[i]
	if e == nil {
		e = &docEntry{}
		if s.live < s.max {
			s.docs[i] = e
			s.live++
		}
	}
	s.mu.Unlock()
	e.once.Do(func() {
		e.doc = s.build(i)
		s.built.Add(1)
	})
	return e.doc
}

// release says one pair of article i's is verified (or needed no Doc);
// after its last the Doc is dropped.
func (s *docStore) release(i int32) {
	s.mu.Lock()
	s.refs[i]--
	if s.refs[i] == 0 && s.docs[i] != nil {
		s.docs[i] = nil
		s.live--
	}
	s.mu.Unlock()
}
