package index

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/candidate"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/pipeline"
	"github.com/copydesk/copydesk/internal/shingle"
)

// traceStages (COPYDESK_INDEX_TRACE set) has Add and Check print each
// stage's time to standard error, for measuring.
var traceStages = os.Getenv("COPYDESK_INDEX_TRACE") != ""

// stageClock prints the time since it started at each stage when
// traceStages is on.
type stageClock time.Time

func (c stageClock) mark(stage string, counts ...any) {
	if traceStages {
		fmt.Fprintf(os.Stderr, "index: %7.3f s %s %v\n", time.Since(time.Time(c)).Seconds(), stage, counts)
	}
}

// textChunk is how many indexed articles' texts are held at once while
// their candidate pairs are verified.
const textChunk = 2000

// Options tune Add and Check. The zero value uses every core.
type Options struct {
	Workers  int                                 // 0: one per core
	Progress func(stage string, done, total int) // may be nil
	// CopyOnly reports only the pairs the copy routes (LSH bands, anchors)
	// find, as `compare pairs --min-relation partial` does: Check skips the
	// story route altogether; Add still verifies and stores its pairs (the
	// index must hold every verified pair for Graph) but leaves them out of
	// Result.Pairs, so that both report the same. A story candidate can
	// turn out a partial copy the copy routes missed (27 of 1,044 copy
	// pairs for 1,000 synthetic articles against 100k): a full run reports
	// those too.
	CopyOnly bool
	// DF, for Check, keeps the stored document frequencies it reads for
	// the next checks at the same generation of the index (a server's
	// checks read mostly the same terms); Add ignores it.
	DF *DFCache
}

// Relation is a verified pair by article id; Pair.I and Pair.J are the
// articles' seqs (A's is the smaller: A was indexed first).
type Relation struct {
	A, B string
	Pair cluster.Pair
}

// Result is what Add or Check found.
type Result struct {
	// Pairs holds every verified pair with a new article in it, strongest
	// first, then by seq; unrelated ones too (callers filter).
	Pairs     []Relation
	Added     []string // ids added (Check: that would be)
	Replaced  []string // ids whose older version was (would be) replaced
	Unchanged []string // ids already indexed with the same content

	textsRead int // indexed articles whose text was read (tests)
}

// Add adds a batch of articles in one transaction and returns their
// relations to the indexed articles and to each other.
func Add(ctx context.Context, st Store, arts []article.Article, opt Options) (*Result, error) {
	b, err := Prepare(ctx, arts, opt)
	if err != nil {
		return nil, err
	}
	return b.Add(ctx, st, opt)
}

// Check returns what Add would, in a read-only transaction.
func Check(ctx context.Context, st Store, arts []article.Article, opt Options) (*Result, error) {
	b, err := Prepare(ctx, arts, opt)
	if err != nil {
		return nil, err
	}
	return b.Check(ctx, st, opt)
}

// Batch is a batch of articles prepared for Add or Check: tokens,
// shingles, signature, keys, terms, compressed body. Preparing needs no
// index, so one batch can be prepared while the one before is added.
type Batch struct {
	preps []*prepared
	start time.Time
}

// Prepare prepares arts for Add or Check (once: a Batch is used up by
// either).
func Prepare(ctx context.Context, arts []article.Article, opt Options) (*Batch, error) {
	start := time.Now()
	preps, err := prepare(ctx, arts, opt)
	return &Batch{preps: preps, start: start}, err
}

// Add adds the batch, as Add does.
func (b *Batch) Add(ctx context.Context, st Store, opt Options) (*Result, error) {
	return apply(ctx, st, b, opt, true)
}

// Check checks the batch, as Check does.
func (b *Batch) Check(ctx context.Context, st Store, opt Options) (*Result, error) {
	return apply(ctx, st, b, opt, false)
}

// prepared is one new article with what the stages computed of it.
type prepared struct {
	rec     Record
	doc     *align.Doc
	bands   []uint64
	anchors []uint64
	story   []uint64 // query keys of the story route (salted)
}

func prepare(ctx context.Context, arts []article.Article, opt Options) ([]*prepared, error) {
	seen := make(map[string]bool, len(arts))
	for i := range arts {
		if seen[arts[i].ID] {
			return nil, fmt.Errorf("%s: id given twice in one batch", arts[i].ID)
		}
		seen[arts[i].ID] = true
	}
	out := make([]*prepared, len(arts))
	err := parallel(ctx, len(arts), opt, "prepare", func(i int) {
		a := arts[i]
		d := pipeline.NewDoc(&a)
		p := &prepared{doc: d}
		p.rec = Record{
			Article:     a,
			PublishedAt: parsePublished(a.Published),
			Hash:        contentHash(&a),
			Sig:         shingle.Sign(d.Shingles),
			Terms:       shingle.Terms(d.Text, d.Tokens),
		}
		p.rec.Shingles = fingerprint(d.Set)
		// Compressed here, on every core, rather than while SQLite writes.
		p.rec.body = encodeBody(&a)
		p.bands = shingle.BandKeys(&p.rec.Sig)
		p.anchors = salt(shingle.Anchors(d.Shingles), anchorSalt)
		out[i] = p
	})
	return out, err
}

func salt(keys []uint64, s uint64) []uint64 {
	out := make([]uint64, len(keys))
	for i, k := range keys {
		out[i] = k ^ s
	}
	return out
}

func apply(ctx context.Context, st Store, b *Batch, opt Options, write bool) (*Result, error) {
	preps, start := b.preps, b.start
	if start.IsZero() {
		return nil, errors.New("index: a prepared batch added or checked twice")
	}
	b.preps, b.start = nil, time.Time{}
	clock := stageClock(start) // "prepared": since Prepare began
	defer clock.mark("done")
	clock.mark("prepared", len(preps))
	tx, err := st.Begin(ctx, write)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	res := &Result{}
	ids := make([]string, len(preps))
	for i, p := range preps {
		ids[i] = p.rec.Article.ID
	}
	vers, err := tx.Versions(ctx, ids)
	if err != nil {
		return nil, err
	}
	var batch []*prepared
	var oldSeqs []int64
	for _, p := range preps {
		id := p.rec.Article.ID
		if v, ok := vers[id]; ok {
			if bytes.Equal(v.Hash, p.rec.Hash) {
				res.Unchanged = append(res.Unchanged, id)
				continue
			}
			oldSeqs = append(oldSeqs, v.Seq)
			res.Replaced = append(res.Replaced, id)
		}
		res.Added = append(res.Added, id)
		batch = append(batch, p)
	}
	if len(batch) == 0 {
		return res, tx.Commit()
	}
	n, next, err := tx.Count(ctx)
	if err != nil {
		return nil, err
	}
	slices.Sort(oldSeqs)
	oldRecs, err := tx.Load(ctx, oldSeqs, false)
	if err != nil {
		return nil, err
	}
	for i, p := range batch {
		p.rec.Seq = next + int64(i)
	}

	// Document frequencies after the batch: stored counts, minus the
	// versions replaced, plus the batch.
	delta := make(map[uint64]int32)
	for _, r := range oldRecs {
		for _, t := range r.Terms {
			delta[t.Hash]--
		}
	}
	for _, p := range batch {
		for _, t := range p.rec.Terms {
			delta[t.Hash]++
		}
	}
	df := shingle.DF{N: n - len(oldRecs) + len(batch), Count: make(map[uint64]int32)}
	dfs := dfCache{gen: Generation{N: n, Next: next}}
	if !write {
		dfs.shared = opt.DF
	}
	if err := fetchDF(ctx, tx, &dfs, &df, delta, mapKeys(delta), n); err != nil {
		return nil, err
	}
	allPairs := df.N <= pipeline.AllPairsUpTo
	copyOnly := opt.CopyOnly && !write
	if copyOnly {
		allPairs = false
	}
	err = parallel(ctx, len(batch), opt, "weigh", func(i int) {
		p := batch[i]
		p.doc.Vector = shingle.NewVector(p.rec.Terms, &df)
		top := p.doc.Vector.Top(pipeline.TopTerms)
		p.rec.Keys = slices.Concat(p.bands, p.anchors, salt(top, storySalt))
		if !allPairs && !copyOnly {
			p.story = salt(pipeline.StoryKeys(p.doc.Vector, &df), storySalt)
		}
	})
	if err != nil {
		return nil, err
	}

	// Candidates: the batch's keys looked up in the postings, then each
	// route's usual rule over the indexed articles found and the batch.
	clock.mark("document frequencies", len(df.Count))
	exist, lists, err := lookup(ctx, tx, batch, oldSeqs, allPairs)
	if err != nil {
		return nil, err
	}
	clock.mark("postings looked up", len(exist))
	// The batch's records go in (and the versions it replaces out) while
	// the candidates are found: SQLite's work on one core, the routes on
	// the others. Nothing else uses the transaction until wait; after it,
	// the stored document frequencies include the batch (delta).
	var wrote chan error
	wait := func() error {
		if wrote == nil {
			return nil
		}
		err := <-wrote
		wrote = nil
		return err
	}
	defer wait()
	if write {
		newRecs := make([]Record, len(batch))
		for i, p := range batch {
			newRecs[i] = p.rec
		}
		wrote = make(chan error, 1)
		go func() {
			err := tx.Delete(ctx, oldRecs)
			if err == nil {
				err = tx.Put(ctx, newRecs, nil, delta)
			}
			wrote <- err
		}()
	}
	nx := len(exist)
	var routes [][]candidate.Pair
	for r, route := range []candidate.Route{candidate.LSH, candidate.Anchors, candidate.Terms} {
		if r == 2 && (allPairs || copyOnly) {
			continue
		}
		found, _ := route.FindFrom(lists[r], nx) // pairs with a new article
		routes = append(routes, found)
	}
	if allPairs {
		var all []candidate.Pair
		for j := nx; j < nx+len(batch); j++ {
			for i := range j {
				all = append(all, candidate.Pair{I: int32(i), J: int32(j)})
			}
		}
		routes = append(routes, all)
	}
	cands := candidate.Merge(routes...)
	// Past pipeline.AllPairsUpTo, a pair only the story route found that
	// shares no anchor either is scored by its cosine alone, as `compare
	// pairs` scores it (pipeline.CosineOnly): no text is read for it.
	var cosineOnly []bool
	if !allPairs && !copyOnly {
		one, _ := pipeline.OneAnchor.FindFrom(lists[1], nx)
		cosineOnly = pipeline.StoryOnly(cands, candidate.Merge(routes[0], routes[1]), one)
	}
	// Add with CopyOnly verifies (and stores) every candidate but reports
	// only the copy routes' ones, as Check with CopyOnly does. Even a pair
	// scored by cosine alone needs its cosine: at cluster.MeasureCosine it is
	// aligned (pipeline.CosineOnly) and stored with its verdict.
	var copyCand map[candidate.Pair]bool
	if opt.CopyOnly && !copyOnly {
		copyCand = make(map[candidate.Pair]bool)
		for _, c := range candidate.Merge(routes[0], routes[1]) {
			copyCand[c] = true
		}
	}

	// The indexed articles the candidates need, without their texts: their
	// terms weigh their vectors; the fingerprints of those in a pair that
	// is not scored by cosine alone tell which pairs need a text at all.
	need := make([]bool, nx)
	needFP := make([]bool, nx)
	for k, c := range cands {
		if int(c.I) < nx {
			need[c.I] = true
			if cosineOnly == nil || !cosineOnly[k] {
				needFP[c.I] = true
			}
		}
	}
	var load, loadFP []int64
	for i, s := range exist {
		if need[i] {
			load = append(load, s)
		}
		if needFP[i] {
			loadFP = append(loadFP, s)
		}
	}
	clock.mark("candidates", len(cands), len(load), len(loadFP))
	if err := wait(); err != nil {
		return nil, err
	}
	clock.mark("records written")
	recs, err := tx.Light(ctx, load)
	if err != nil {
		return nil, err
	}
	if len(recs) != len(load) {
		return nil, fmt.Errorf("index changed while reading it (%d of %d articles found)", len(recs), len(load))
	}
	recOf := make([]*Record, nx+len(batch))
	for k := range recs {
		i, _ := slices.BinarySearch(exist, recs[k].Seq)
		recOf[i] = &recs[k]
	}
	for j, p := range batch {
		recOf[nx+j] = &p.rec
	}
	clock.mark("terms read")
	fps, err := tx.Fingerprints(ctx, loadFP)
	if err != nil {
		return nil, err
	}
	for _, f := range fps {
		i, _ := slices.BinarySearch(exist, f.Seq)
		recOf[i].Shingles = f.Shingles
	}
	clock.mark("fingerprints read")
	var missing []uint64
	if dfs.all == nil {
		for _, r := range recs {
			for _, t := range r.Terms {
				if _, ok := df.Count[t.Hash]; !ok {
					missing = append(missing, t.Hash)
				}
			}
		}
		stored := delta // what the stored counts lack
		if write {
			stored = nil // Put has added delta to them
		}
		if err := fetchDF(ctx, tx, &dfs, &df, stored, missing, n); err != nil {
			return nil, err
		}
	}
	// docs[i] is the indexed article's text, prepared, while its chunk is
	// verified; before that it is hollow: its vector and no shingle.
	docs := make([]*align.Doc, nx+len(batch))
	err = parallel(ctx, len(recs), opt, "weigh", func(k int) {
		i, _ := slices.BinarySearch(exist, recs[k].Seq)
		docs[i] = &align.Doc{Vector: shingle.NewVector(recs[k].Terms, &df)}
		recs[k].Terms = nil
	})
	if err != nil {
		return nil, err
	}
	for j, p := range batch {
		docs[nx+j] = p.doc
	}
	clock.mark("weighed", len(missing))

	// A pair whose cosine is below cluster.MeasureCosine and that is scored by
	// cosine alone, or whose fingerprints share nothing (so no shingle), is
	// given all align.Verify reads of it (the cosine) by a hollow doc: the
	// indexed article's text is not needed for it. The others need it (so
	// do rows written before fingerprints were stored).
	hollow := make([]bool, len(cands))
	text := make([]bool, nx)
	for k, c := range cands {
		if int(c.I) >= nx {
			continue
		}
		_, low := pipeline.CosineOnly(docs[c.I].Vector, docs[c.J].Vector)
		fp := recOf[c.I].Shingles
		if low && (cosineOnly != nil && cosineOnly[k] || fp != nil && !shingle.Meet(fp, recOf[c.J].Shingles)) {
			hollow[k] = true
		} else {
			text[c.I] = true
		}
	}

	// Verify: the hollow pairs and those within the batch, then the pairs
	// of each chunk of indexed texts.
	pairs := make([]cluster.Pair, len(cands))
	edges := make([]Edge, len(cands))
	verify := func(ks []int) error {
		return parallel(ctx, len(ks), opt, "verify", func(x int) {
			k := ks[x]
			i, j := int(cands[k].I), int(cands[k].J)
			var v align.Result
			final := false
			if cosineOnly != nil && cosineOnly[k] {
				v, final = pipeline.CosineOnly(docs[i].Vector, docs[j].Vector)
			}
			if !final {
				v, _ = cluster.Verify(ctx, docs[i], docs[j]) // cancelled: parallel says so
			}
			verdict := cluster.Fitted.Verdict(&v)
			p := cluster.StoredPair(i, j, &v, verdict)
			p.I, p.J = int(recOf[i].Seq), int(recOf[j].Seq)
			switch p.Source { // the source by seq too
			case i:
				p.Source = p.I
			case j:
				p.Source = p.J
			}
			pairs[k] = p
			edges[k] = Edge{A: recOf[i].Seq, B: recOf[j].Seq, AInB: v.AInB, BInA: v.BInA,
				CopyA: v.CopyA, CopyB: v.CopyB, Longest: v.LongestCopy, Passages: p.Passages, Quotes: p.Quotes, Verdict: verdict}
		})
	}
	var ks []int
	for k := range cands {
		if hollow[k] {
			ks = append(ks, k)
		}
	}
	if err := verify(ks); err != nil {
		return nil, err
	}
	clock.mark("hollow pairs verified", len(ks))
	lo, _ := slices.BinarySearchFunc(cands, int32(nx), func(c candidate.Pair, i int32) int { return cmp.Compare(c.I, i) })
	ks = ks[:0]
	for k := lo; k < len(cands); k++ {
		ks = append(ks, k)
	}
	if err := verify(ks); err != nil {
		return nil, err
	}
	clock.mark("batch verified")
	var chunk []int // indexes into exist
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		seqs := make([]int64, len(chunk))
		for x, i := range chunk {
			seqs[x] = exist[i]
		}
		full, err := tx.Texts(ctx, seqs)
		if err != nil {
			return err
		}
		res.textsRead += len(full)
		if len(full) != len(seqs) {
			return fmt.Errorf("index changed while reading it (%d of %d articles found)", len(full), len(seqs))
		}
		err = parallel(ctx, len(full), opt, "load", func(x int) {
			i := chunk[x]
			d := pipeline.NewDoc(&full[x].Article)
			d.Vector = docs[i].Vector
			docs[i] = d
		})
		if err != nil {
			return err
		}
		// Candidates are sorted by I: this chunk's pairs are one run.
		lo, _ := slices.BinarySearchFunc(cands, int32(chunk[0]), func(c candidate.Pair, i int32) int { return cmp.Compare(c.I, i) })
		hi, _ := slices.BinarySearchFunc(cands, int32(chunk[len(chunk)-1]+1), func(c candidate.Pair, i int32) int { return cmp.Compare(c.I, i) })
		ks = ks[:0]
		for k := lo; k < hi; k++ {
			if !hollow[k] {
				ks = append(ks, k)
			}
		}
		if err := verify(ks); err != nil {
			return err
		}
		for _, i := range chunk {
			docs[i] = nil
		}
		chunk = chunk[:0]
		return nil
	}
	for i := range nx {
		if text[i] {
			chunk = append(chunk, i)
			if len(chunk) == textChunk {
				if err := flush(); err != nil {
					return nil, err
				}
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	clock.mark("indexed texts verified", res.textsRead)
	// The ids of the indexed articles in the pairs reported.
	var named []int64
	for _, c := range cands {
		if int(c.I) < nx && (copyCand == nil || copyCand[c]) {
			named = append(named, exist[c.I])
		}
	}
	slices.Sort(named)
	named = slices.Compact(named)
	names, err := tx.IDs(ctx, named)
	if err != nil {
		return nil, err
	}
	if len(names) != len(named) {
		return nil, fmt.Errorf("index changed while reading it (%d of %d articles found)", len(names), len(named))
	}
	for i, s := range exist {
		if recOf[i] != nil {
			recOf[i].Article.ID = names[s]
		}
	}
	for k, c := range cands {
		if copyCand != nil && !copyCand[c] {
			continue
		}
		res.Pairs = append(res.Pairs, Relation{A: recOf[c.I].Article.ID, B: recOf[c.J].Article.ID, Pair: pairs[k]})
	}
	sortRelations(res.Pairs)
	if !write {
		return res, nil
	}
	if err := tx.Put(ctx, nil, edges, nil); err != nil {
		return nil, err
	}
	clock.mark("edges written")
	return res, tx.Commit()
}

// lookupAll reads every posting of the batch's keys (tests compare it with
// the capped lookup).
var lookupAll bool

// lookup finds the indexed articles that share keys with the batch and
// builds each route's key lists: indexed articles first (by seq), holding
// only the keys they share with the batch, then the batch with all its
// keys. With allPairs every indexed article is listed.
func lookup(ctx context.Context, tx Tx, batch []*prepared, skip []int64, allPairs bool) ([]int64, [3][][]uint64, error) {
	var lists [3][][]uint64
	route := make(map[uint64]uint8) // key → routes (bit r) of the batch's keys
	var keys []uint64
	for _, p := range batch {
		for r, ks := range [][]uint64{p.bands, p.anchors, p.story} {
			for _, k := range ks {
				if route[k] == 0 {
					keys = append(keys, k)
				}
				route[k] |= 1 << r
			}
		}
	}
	slices.Sort(keys)
	// A key held by more than candidate.MaxBucket articles gives every
	// route the same pairs whatever its postings past the first
	// MaxBucket+1 (LSH pairs its first member with the others, the other
	// routes drop it), so no more are read; the versions being replaced
	// are filtered out below, hence len(skip) more.
	perKey := candidate.MaxBucket + 1 + len(skip)
	if lookupAll {
		perKey = 0
	}
	posts, err := tx.Lookup(ctx, keys, perKey)
	if err != nil {
		return nil, lists, err
	}
	posts = slices.DeleteFunc(posts, func(p Posting) bool {
		_, found := slices.BinarySearch(skip, p.Seq)
		return found
	})
	var exist []int64
	if allPairs {
		if exist, err = tx.Seqs(ctx); err != nil {
			return nil, lists, err
		}
		exist = slices.DeleteFunc(exist, func(s int64) bool {
			_, found := slices.BinarySearch(skip, s)
			return found
		})
	} else {
		for _, p := range posts {
			exist = append(exist, p.Seq)
		}
		slices.Sort(exist)
		exist = slices.Compact(exist)
	}
	nx := len(exist)
	for r := range lists {
		lists[r] = make([][]uint64, nx+len(batch))
	}
	for _, p := range posts {
		i, _ := slices.BinarySearch(exist, p.Seq)
		for r := range lists {
			if route[p.Key]&(1<<r) != 0 {
				lists[r][i] = append(lists[r][i], p.Key)
			}
		}
	}
	for j, p := range batch {
		lists[0][nx+j], lists[1][nx+j], lists[2][nx+j] = p.bands, p.anchors, p.story
	}
	return exist, lists, nil
}

// dfCache holds the whole DF table, adjusted by delta, once fetchDF has
// read it; or, with shared set, reads the stored counts through shared
// (at generation gen) and never the whole table.
type dfCache struct {
	all    map[uint64]int32
	shared *DFCache
	gen    Generation
}

// fetchDF sets the frequencies of terms in df: the stored ones adjusted by
// delta. Past n/2 terms (n: the articles indexed; the DF table holds a few
// times as many rows) one scan of the whole table is cheaper than looking
// each up: df.Count then becomes the whole table, adjusted, which gives
// every term its frequency, and c keeps it (later calls do nothing).
func fetchDF(ctx context.Context, tx Tx, c *dfCache, df *shingle.DF, delta map[uint64]int32, terms []uint64, n int) error {
	if c.all != nil {
		return nil
	}
	slices.Sort(terms)
	terms = slices.Compact(terms)
	if c.shared != nil {
		if err := c.shared.fill(ctx, tx, c.gen, terms, df); err != nil {
			return err
		}
		for _, t := range terms {
			df.Count[t] += delta[t]
		}
		return nil
	}
	if len(terms) > n/2 {
		all, err := tx.AllDF(ctx)
		if err != nil {
			return err
		}
		for t, d := range delta {
			all[t] += d
		}
		c.all, df.Count = all, all
		return nil
	}
	got, err := tx.DF(ctx, terms)
	if err != nil {
		return err
	}
	for _, t := range terms {
		df.Count[t] = got[t] + delta[t]
	}
	return nil
}

func mapKeys(m map[uint64]int32) []uint64 {
	out := make([]uint64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// sortRelations orders pairs strongest first, then by seq.
func sortRelations(rs []Relation) {
	slices.SortFunc(rs, func(a, b Relation) int {
		return cmp.Or(cmp.Compare(b.Pair.Relation, a.Pair.Relation), cmp.Compare(a.Pair.I, b.Pair.I), cmp.Compare(a.Pair.J, b.Pair.J))
	})
}

// parallel runs fn over 0..n-1 on all cores in chunks of 16 (smaller than
// the pipeline's: an index batch is short and its items are heavier).
func parallel(ctx context.Context, n int, opt Options, stage string, fn func(int)) error {
	return pipeline.Each(ctx, n, 16, pipeline.Options{Workers: opt.Workers, Progress: opt.Progress}, stage, fn)
}
