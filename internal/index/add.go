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
	anchors []uint64 // winnowed, salted
	sampled []uint64 // the anchors of an index written before winnowing, salted
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
		p.sampled = salt(shingle.SampledAnchors(d.Shingles), anchorSalt)
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

// apply adds (write) or checks the prepared batch b in one transaction.
// Its phases are the methods of applying, called in order; each reads
// what the ones before it left in applying's fields.
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
	a := &applying{ctx: ctx, tx: tx, opt: opt, write: write, clock: clock, res: &Result{}}
	defer a.wait()
	if err := a.split(preps); err != nil {
		return nil, err
	}
	if len(a.batch) == 0 {
		return a.res, tx.Commit()
	}
	for _, phase := range []func() error{a.number, a.anchors, a.frequencies, a.weighBatch, a.candidates, a.readIndexed, a.verifyAll, a.relations} {
		if err := phase(); err != nil {
			return nil, err
		}
	}
	if !write {
		return a.res, nil
	}
	if err := tx.Put(ctx, nil, a.edges, nil); err != nil {
		return nil, err
	}
	clock.mark("edges written")
	if err := a.mergeSearch(); err != nil {
		return nil, err
	}
	return a.res, tx.Commit()
}

// mergeSearch merges the full-text table into one segment (SQLite) when
// the batch is at least a tenth of the index: a search of an index built
// in batches then looks each word up once, at a cost of at most about a
// tenth of the adding (100k articles in ten batches: 2.5 s to merge, 30 s
// to add the last batch; a filtered search then 0.73× the CPU). Smaller
// batches leave the merging to FTS5's own.
func (a *applying) mergeSearch() error {
	m, ok := a.tx.(interface{ optimizeSearch(context.Context) error })
	if !ok {
		return nil
	}
	if 10*len(a.batch) < a.df.N { // the index now (frequencies counted it)
		return nil
	}
	err := m.optimizeSearch(a.ctx)
	a.clock.mark("search merged")
	return err
}

// applying is one Add or Check in progress: the transaction and what its
// phases found so far.
type applying struct {
	ctx   context.Context
	tx    Tx
	opt   Options
	write bool
	clock stageClock
	res   *Result

	batch   []*prepared // new or changed articles, given seqs by number
	oldSeqs []int64     // the versions they replace, sorted
	oldRecs []Record
	n       int   // articles indexed before the batch
	next    int64 // the first new seq

	delta  map[uint64]int32 // document frequency changes the batch makes
	df     shingle.DF
	dfs    dfCache
	policy candidate.Plan // the routes: no story route for Check with CopyOnly

	exist []int64       // indexed articles sharing keys with the batch, by seq
	lists [3][][]uint64 // each route's keys: exist, then the batch
	nx    int           // len(exist): batch article j is candidate index nx+j
	wrote chan error    // the batch's records being written (write)

	routes     [][]candidate.Pair
	cands      []candidate.Pair
	cosineOnly []bool                  // per candidate: scored by cosine alone
	copyCand   map[candidate.Pair]bool // Add with CopyOnly: the candidates reported

	recs   []Record     // the indexed articles the candidates need, light
	recOf  []*Record    // per candidate index
	docs   []*align.Doc // per candidate index; indexed texts loaded a chunk at a time
	hollow []bool       // per candidate: verified without the indexed text
	text   []bool       // per indexed article: its text is read

	pairs []cluster.Pair
	edges []Edge
}

// split sorts the batch into articles unchanged, replaced and new; the
// latter two go on.
func (a *applying) split(preps []*prepared) error {
	ids := make([]string, len(preps))
	for i, p := range preps {
		ids[i] = p.rec.Article.ID
	}
	vers, err := a.tx.Versions(a.ctx, ids)
	if err != nil {
		return err
	}
	for _, p := range preps {
		id := p.rec.Article.ID
		if v, ok := vers[id]; ok {
			if bytes.Equal(v.Hash, p.rec.Hash) {
				a.res.Unchanged = append(a.res.Unchanged, id)
				continue
			}
			a.oldSeqs = append(a.oldSeqs, v.Seq)
			a.res.Replaced = append(a.res.Replaced, id)
		}
		a.res.Added = append(a.res.Added, id)
		a.batch = append(a.batch, p)
	}
	return nil
}

// number gives the batch its seqs and reads the versions it replaces.
func (a *applying) number() error {
	var err error
	if a.n, a.next, err = a.tx.Count(a.ctx); err != nil {
		return err
	}
	slices.Sort(a.oldSeqs)
	if a.oldRecs, err = a.tx.Load(a.ctx, a.oldSeqs, false); err != nil {
		return err
	}
	for i, p := range a.batch {
		p.rec.Seq = a.next + int64(i)
	}
	return nil
}

// anchors keeps of the batch's two anchor sets the one the index's
// postings were written with: sampled in an index written before
// winnowing (Tx.Winnowed).
func (a *applying) anchors() error {
	winnowed, err := a.tx.Winnowed(a.ctx)
	if err != nil {
		return err
	}
	for _, p := range a.batch {
		if !winnowed {
			p.anchors = p.sampled
		}
		p.sampled = nil
	}
	return nil
}

// frequencies works out the document frequencies after the batch (stored
// counts, minus the versions replaced, plus the batch) of the batch's
// terms, and whether every pair is a candidate.
func (a *applying) frequencies() error {
	a.delta = make(map[uint64]int32)
	for _, r := range a.oldRecs {
		for _, t := range r.Terms {
			a.delta[t.Hash()]--
		}
	}
	for _, p := range a.batch {
		for _, t := range p.rec.Terms {
			a.delta[t.Hash()]++
		}
	}
	a.df = shingle.DF{N: a.n - len(a.oldRecs) + len(a.batch), Count: make(map[uint64]int32)}
	a.dfs = dfCache{gen: Generation{N: a.n, Next: a.next}}
	if !a.write {
		a.dfs.shared = a.opt.DF
	}
	if err := fetchDF(a.ctx, a.tx, &a.dfs, &a.df, a.delta, mapKeys(a.delta), a.n); err != nil {
		return err
	}
	a.policy = candidate.Plan{N: a.df.N, Story: !a.opt.CopyOnly || a.write}
	return nil
}

// weighBatch weighs the batch's vectors and gives each its stored keys and
// its story route's query keys.
func (a *applying) weighBatch() error {
	return parallel(a.ctx, len(a.batch), a.opt, "weigh", func(i int) {
		p := a.batch[i]
		p.doc.Vector = shingle.NewVector(p.rec.Terms, &a.df)
		top := candidate.PostedStoryKeys(p.doc.Vector)
		p.rec.Keys = slices.Concat(p.bands, p.anchors, salt(top, storySalt))
		p.story = salt(a.policy.StoryKeys(p.doc.Vector, &a.df), storySalt)
	})
}

// candidates looks the batch's keys up in the postings and applies each
// route's usual rule over the indexed articles found and the batch. The
// batch's records go in (and the versions it replaces out) meanwhile:
// SQLite's work on one core, the routes on the others (see wait).
func (a *applying) candidates() error {
	a.clock.mark("document frequencies", len(a.df.Count))
	var err error
	if a.exist, a.lists, err = lookup(a.ctx, a.tx, a.batch, a.oldSeqs, a.policy.AllPairs()); err != nil {
		return err
	}
	a.clock.mark("postings looked up", len(a.exist))
	a.startWrite()
	a.nx = len(a.exist)
	for r, route := range []candidate.Route{candidate.LSH, candidate.Anchors, candidate.Terms} {
		if r == 2 && !a.policy.Indexed() {
			continue
		}
		found, _ := route.FindFrom(a.lists[r], a.nx) // pairs with a new article
		a.routes = append(a.routes, found)
	}
	if a.policy.AllPairs() {
		a.routes = append(a.routes, candidate.EveryPair(a.nx+len(a.batch), a.nx))
	}
	a.cands = candidate.Merge(a.routes...)
	// Past candidate.AllPairsUpTo, a pair only the story route found that
	// shares no anchor either is scored by its cosine alone, as `compare
	// pairs` scores it (cluster.CosineOnly): no text is read for it.
	if a.policy.Indexed() {
		one, _ := candidate.OneAnchor.FindFrom(a.lists[1], a.nx)
		a.cosineOnly = a.policy.CosineOnly(a.cands, candidate.Merge(a.routes[0], a.routes[1]), one)
	}
	// Add with CopyOnly verifies (and stores) every candidate but reports
	// only the copy routes' ones, as Check with CopyOnly does. Even a pair
	// scored by cosine alone needs its cosine: at cluster.MeasureCosine it is
	// aligned (cluster.CosineOnly) and stored with its verdict.
	if a.opt.CopyOnly && a.policy.Story {
		a.copyCand = make(map[candidate.Pair]bool)
		for _, c := range candidate.Merge(a.routes[0], a.routes[1]) {
			a.copyCand[c] = true
		}
	}
	return nil
}

// startWrite writes the batch's records and deletes the versions they
// replace, on a goroutine of its own; nothing else uses the transaction
// until wait.
func (a *applying) startWrite() {
	if !a.write {
		return
	}
	newRecs := make([]Record, len(a.batch))
	for i, p := range a.batch {
		newRecs[i] = p.rec
	}
	a.wrote = make(chan error, 1)
	go func() {
		err := a.tx.Delete(a.ctx, a.oldRecs)
		if err == nil {
			err = a.tx.Put(a.ctx, newRecs, nil, a.delta)
		}
		a.wrote <- err
	}()
}

// wait waits for startWrite's records; after it, the stored document
// frequencies include the batch (delta).
func (a *applying) wait() error {
	if a.wrote == nil {
		return nil
	}
	err := <-a.wrote
	a.wrote = nil
	return err
}

// readIndexed reads the indexed articles the candidates need, without
// their texts: their terms weigh their vectors; the fingerprints of those
// in a pair not scored by cosine alone tell which pairs need a text at
// all (plan).
func (a *applying) readIndexed() error {
	need := make([]bool, a.nx)
	needFP := make([]bool, a.nx)
	for k, c := range a.cands {
		if int(c.I) < a.nx {
			need[c.I] = true
			if a.cosineOnly == nil || !a.cosineOnly[k] {
				needFP[c.I] = true
			}
		}
	}
	var load, loadFP []int64
	for i, s := range a.exist {
		if need[i] {
			load = append(load, s)
		}
		if needFP[i] {
			loadFP = append(loadFP, s)
		}
	}
	a.clock.mark("candidates", len(a.cands), len(load), len(loadFP))
	if err := a.wait(); err != nil {
		return err
	}
	a.clock.mark("records written")
	var err error
	if a.recs, err = a.tx.Light(a.ctx, load); err != nil {
		return err
	}
	if len(a.recs) != len(load) {
		return fmt.Errorf("index changed while reading it (%d of %d articles found)", len(a.recs), len(load))
	}
	a.recOf = make([]*Record, a.nx+len(a.batch))
	for k := range a.recs {
		i, _ := slices.BinarySearch(a.exist, a.recs[k].Seq)
		a.recOf[i] = &a.recs[k]
	}
	for j, p := range a.batch {
		a.recOf[a.nx+j] = &p.rec
	}
	a.clock.mark("terms read")
	fps, err := a.tx.Fingerprints(a.ctx, loadFP)
	if err != nil {
		return err
	}
	for _, f := range fps {
		i, _ := slices.BinarySearch(a.exist, f.Seq)
		a.recOf[i].Shingles = f.Shingles
	}
	a.clock.mark("fingerprints read")
	return a.weighIndexed()
}

// weighIndexed fetches the document frequencies the indexed articles'
// terms add and weighs their vectors into hollow docs: a vector and no
// text, until their chunk is verified.
func (a *applying) weighIndexed() error {
	var missing []uint64
	if a.dfs.all == nil {
		for _, r := range a.recs {
			for _, t := range r.Terms {
				if _, ok := a.df.Count[t.Hash()]; !ok {
					missing = append(missing, t.Hash())
				}
			}
		}
		stored := a.delta // what the stored counts lack
		if a.write {
			stored = nil // Put has added delta to them
		}
		if err := fetchDF(a.ctx, a.tx, &a.dfs, &a.df, stored, missing, a.n); err != nil {
			return err
		}
	}
	a.docs = make([]*align.Doc, a.nx+len(a.batch))
	err := parallel(a.ctx, len(a.recs), a.opt, "weigh", func(k int) {
		i, _ := slices.BinarySearch(a.exist, a.recs[k].Seq)
		a.docs[i] = &align.Doc{Vector: shingle.NewVector(a.recs[k].Terms, &a.df)}
		a.recs[k].Terms = nil
	})
	if err != nil {
		return err
	}
	for j, p := range a.batch {
		a.docs[a.nx+j] = p.doc
	}
	a.clock.mark("weighed", len(missing))
	return nil
}

// plan marks the candidates verified by a hollow doc: a pair whose cosine
// is below cluster.MeasureCosine and that is scored by cosine alone, or
// whose fingerprints share nothing (so no shingle), is given all
// align.Verify reads of it (the cosine) by a hollow doc, and the indexed
// article's text is not needed for it. The others need it (so do rows
// written before fingerprints were stored).
func (a *applying) plan() {
	a.hollow = make([]bool, len(a.cands))
	a.text = make([]bool, a.nx)
	for k, c := range a.cands {
		if int(c.I) >= a.nx {
			continue
		}
		_, low := cluster.CosineOnly(a.docs[c.I].Vector, a.docs[c.J].Vector)
		fp := a.recOf[c.I].Shingles
		if low && (a.cosineOnly != nil && a.cosineOnly[k] || fp != nil && !shingle.Meet(fp, a.recOf[c.J].Shingles)) {
			a.hollow[k] = true
		} else {
			a.text[c.I] = true
		}
	}
}

// verifyAll verifies the hollow pairs and those within the batch, then the
// pairs of each chunk of textChunk indexed texts, read a chunk at a time.
func (a *applying) verifyAll() error {
	a.plan()
	a.pairs = make([]cluster.Pair, len(a.cands))
	a.edges = make([]Edge, len(a.cands))
	var ks []int
	for k := range a.cands {
		if a.hollow[k] {
			ks = append(ks, k)
		}
	}
	if err := a.verify(ks); err != nil {
		return err
	}
	a.clock.mark("hollow pairs verified", len(ks))
	lo := a.candidatesFrom(a.nx)
	ks = ks[:0]
	for k := lo; k < len(a.cands); k++ {
		ks = append(ks, k)
	}
	if err := a.verify(ks); err != nil {
		return err
	}
	a.clock.mark("batch verified")
	var chunk []int // indexes into exist
	for i := range a.nx {
		if a.text[i] {
			chunk = append(chunk, i)
			if len(chunk) == textChunk {
				if err := a.verifyChunk(chunk); err != nil {
					return err
				}
				chunk = chunk[:0]
			}
		}
	}
	if err := a.verifyChunk(chunk); err != nil {
		return err
	}
	a.clock.mark("indexed texts verified", a.res.textsRead)
	return nil
}

// candidatesFrom is the first candidate whose I is at least i (candidates
// are sorted by I).
func (a *applying) candidatesFrom(i int) int {
	k, _ := slices.BinarySearchFunc(a.cands, int32(i), func(c candidate.Pair, i int32) int { return cmp.Compare(c.I, i) })
	return k
}

// verifyChunk reads the texts of the indexed articles chunk (indexes into
// exist, ascending), verifies their pairs that are not hollow, and drops
// the texts.
func (a *applying) verifyChunk(chunk []int) error {
	if len(chunk) == 0 {
		return nil
	}
	seqs := make([]int64, len(chunk))
	for x, i := range chunk {
		seqs[x] = a.exist[i]
	}
	full, err := a.tx.Texts(a.ctx, seqs)
	if err != nil {
		return err
	}
	a.res.textsRead += len(full)
	if len(full) != len(seqs) {
		return fmt.Errorf("index changed while reading it (%d of %d articles found)", len(full), len(seqs))
	}
	err = parallel(a.ctx, len(full), a.opt, "load", func(x int) {
		i := chunk[x]
		d := pipeline.NewDoc(&full[x].Article)
		d.Vector = a.docs[i].Vector
		a.docs[i] = d
	})
	if err != nil {
		return err
	}
	var ks []int // this chunk's pairs are one run of candidates
	for k := a.candidatesFrom(chunk[0]); k < a.candidatesFrom(chunk[len(chunk)-1]+1); k++ {
		if !a.hollow[k] {
			ks = append(ks, k)
		}
	}
	if err := a.verify(ks); err != nil {
		return err
	}
	for _, i := range chunk {
		a.docs[i] = nil
	}
	return nil
}

// verify verifies candidates ks into pairs and edges, by seq.
func (a *applying) verify(ks []int) error {
	return parallel(a.ctx, len(ks), a.opt, "verify", func(x int) {
		k := ks[x]
		i, j := int(a.cands[k].I), int(a.cands[k].J)
		var v align.Result
		final := false
		if a.cosineOnly != nil && a.cosineOnly[k] {
			v, final = cluster.CosineOnly(a.docs[i].Vector, a.docs[j].Vector)
		}
		if !final {
			v, _ = cluster.Verify(a.ctx, a.docs[i], a.docs[j]) // cancelled: parallel says so
		}
		verdict := cluster.Fitted.Verdict(&v)
		p := cluster.StoredPair(i, j, &v, verdict).Renumber(int(a.recOf[i].Seq), int(a.recOf[j].Seq))
		a.pairs[k] = p
		a.edges[k] = Edge{A: a.recOf[i].Seq, B: a.recOf[j].Seq, AInB: v.AInB, BInA: v.BInA,
			CopyA: v.CopyA, CopyB: v.CopyB, Longest: v.LongestCopy, Passages: p.Passages, Quotes: p.Quotes, Verdict: verdict}
	})
}

// relations names the indexed articles of the pairs reported and lists
// the pairs as Result.Pairs.
func (a *applying) relations() error {
	var named []int64
	for _, c := range a.cands {
		if int(c.I) < a.nx && (a.copyCand == nil || a.copyCand[c]) {
			named = append(named, a.exist[c.I])
		}
	}
	slices.Sort(named)
	named = slices.Compact(named)
	names, err := a.tx.IDs(a.ctx, named)
	if err != nil {
		return err
	}
	if len(names) != len(named) {
		return fmt.Errorf("index changed while reading it (%d of %d articles found)", len(names), len(named))
	}
	for i, s := range a.exist {
		if a.recOf[i] != nil {
			a.recOf[i].Article.ID = names[s]
		}
	}
	for k, c := range a.cands {
		if a.copyCand != nil && !a.copyCand[c] {
			continue
		}
		a.res.Pairs = append(a.res.Pairs, Relation{A: a.recOf[c.I].Article.ID, B: a.recOf[c.J].Article.ID, Pair: a.pairs[k]})
	}
	sortRelations(a.res.Pairs)
	return nil
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
	// MaxBucket+1, the lowest seqs (candidate.BucketPairs: a route pairs
	// only its first Max members with each other; LSH pairs a later one
	// with the first member, the other routes pair it with none), so no
	// more are read; the versions being replaced are filtered out below,
	// hence len(skip) more.
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
