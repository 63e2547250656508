// Package align verifies a candidate pair of articles: it measures how alike
// they are (shingle Jaccard, TF-IDF cosine) and finds the passages they
// share, with offsets in both texts, telling shared copy from shared quotes.
// It scores pairs; which relation a score means is the cluster stage's call.
//
// # Passages
//
// A shared passage is a stretch of words that both texts carry, allowing
// the small edits outlets make to wire copy. Alignment works in three steps:
//
//  1. Seeds. Every 5-word shingle the two texts share marks a seed (i, j):
//     word i of A starts the same five words as word j of B.
//  2. Runs. Seeds on one diagonal (j−i constant) with consecutive i form an
//     exact run: the maximal common word sequences of five words or more.
//     exactRunsReference finds the same runs by the O(n·m) textbook dynamic
//     programme and is the oracle the fuzz test checks the fast version
//     against.
//  3. Chains. Runs are cut where their words enter or leave quotation marks
//     (in either text), and consecutive pieces of the same kind are chained
//     into one passage when the gap between them is small in both texts
//     (at most MaxGap words) and about the same in both (at most MaxSkew
//     apart): a changed word, a dropped clause, an inserted adjective.
//
// For example, A = "Kerry arrived in Geneva on Sunday in an urgent bid to
// revive a cease-fire that has all but fallen apart" and B = "Kerry arrived
// in Geneva on Sunday in a bid to revive a cease-fire that has all but fallen
// apart" share two exact runs, "kerry arrived in geneva on sunday in" (7
// words) and "bid to revive a cease fire that has all but fallen apart" (12
// words; the hyphen splits words). Between them A has "an urgent" and B has
// "a": gaps of 2 and 1 words, so the runs chain into one passage of 21 words
// in A, 19 of them matched exactly.
//
// A passage whose words are quoted (in either text) is a shared quote: both
// outlets quoted the same speaker, which is not copy from each other.
package align

import (
	"cmp"
	"context"
	"math/bits"
	"slices"
	"sync/atomic"
	"time"

	"github.com/copydesk/copydesk/internal/shingle"
)

// Alignment parameters.
const (
	// MaxGap is the longest edit, in words, inside one passage: a sentence
	// reworded in more than MaxGap words splits the passage in two.
	MaxGap = 8
	// MaxSkew bounds how differently long the gap may be in the two texts
	// (an insertion of up to MaxSkew words).
	MaxSkew = 8
	// MinPassageWords is the shortest shared copy reported as a passage;
	// shorter matches are stock phrases ("said in a statement on Monday").
	MinPassageWords = 8
	// MinQuoteWords is the shortest shared quote reported.
	MinQuoteWords = 5
	// maxOccurrences caps how many places of one text a repeated shingle
	// seeds from, so a text that repeats itself cannot blow up the seeds.
	maxOccurrences = 8
)

// Doc is what alignment needs of one article.
type Doc struct {
	Text     string
	Tokens   []shingle.Token
	Shingles []uint64       // positional: shingle i covers tokens i..i+N-1
	Set      []uint64       // sorted distinct shingles
	Quoted   []bool         // token inside quotation marks
	Vector   shingle.Vector // TF-IDF unit vector; nil leaves Cosine at 0
	// Outlet is the publisher, when known (cluster.Verify tells an
	// outlet's furniture from copy by it); left to the caller, as Vector.
	Outlet string
	// Published is when the text was published, zero when undated
	// (article.PublishedTime); left to the caller, as Outlet. A result
	// carries which of its two texts came first (Result.First).
	Published When

	// occ lists where each shingle of Set occurs: the first maxOccurrences
	// positions of Set[k], ascending, are occ[occStart[k]:occStart[k+1]].
	occStart, occ []int32

	factsState
	cut atomic.Pointer[Doc] // the last Before made of it
}

// NewDoc prepares text for alignment. Vector is left for the caller, which
// holds the corpus's document frequencies.
func NewDoc(text string) *Doc {
	toks := shingle.Tokens(text)
	sh := shingle.Shingles(toks)
	d := &Doc{
		Text:     text,
		Tokens:   toks,
		Shingles: sh,
		Quoted:   MarkQuotes(text, toks),
	}
	d.Set, d.occStart, d.occ = occurrences(sh)
	return d
}

// occurrences returns the sorted distinct shingles of sh (shingle.Set) and
// where each occurs, as Doc keeps them. Shingles are well-mixed hashes, so
// a bucket sort on their top bits leaves a shingle or two a bucket, sorted
// by insertion; one pass over the buckets then yields the set and the
// positions, which the bucketing kept in text order.
func occurrences(sh []uint64) (set []uint64, start, pos []int32) {
	n := len(sh)
	if n == 0 {
		return nil, nil, nil
	}
	b := bits.Len(uint(n)) // 1<<b buckets, more than n
	shift := 64 - b
	first := make([]int32, 1<<b+1) // bucket k is order[first[k]:first[k+1]]
	for _, h := range sh {
		first[h>>shift+1]++
	}
	for k := 1; k < len(first); k++ {
		first[k] += first[k-1]
	}
	next := slices.Clone(first[:1<<b])
	order := make([]int32, n) // positions, by bucket, in text order within one
	for i, h := range sh {
		k := h >> shift
		order[next[k]] = int32(i)
		next[k]++
	}
	byHash := func(x, y int32) int { return cmp.Compare(sh[x], sh[y]) }
	for k := range 1 << b {
		seg := order[first[k]:first[k+1]]
		if len(seg) > 16 { // a text repeating itself, or unmixed input
			slices.SortStableFunc(seg, byHash)
			continue
		}
		for x := 1; x < len(seg); x++ { // stable: equal shingles keep text order
			for y := x; y > 0 && sh[seg[y-1]] > sh[seg[y]]; y-- {
				seg[y-1], seg[y] = seg[y], seg[y-1]
			}
		}
	}
	set = make([]uint64, 0, n)
	start = make([]int32, 0, n+1)
	pos = make([]int32, 0, n)
	seen := 0
	for _, i := range order {
		if h := sh[i]; len(set) == 0 || h != set[len(set)-1] {
			set = append(set, h)
			start = append(start, int32(len(pos)))
			seen = 0
		}
		if seen < maxOccurrences {
			pos = append(pos, i)
			seen++
		}
	}
	return set, append(start, int32(len(pos))), pos
}

// Span is a range of tokens [Start, End) and the bytes they cover,
// [Offset, EndOffset) in the text.
type Span struct {
	Start     int `json:"start"`
	End       int `json:"end"`
	Offset    int `json:"offset"`
	EndOffset int `json:"end_offset"`
}

// Words is the number of words in the span.
func (s Span) Words() int { return s.End - s.Start }

// Passage is a stretch shared by two texts.
type Passage struct {
	A     Span `json:"a"`
	B     Span `json:"b"`
	Quote bool `json:"quote"` // quoted speech, not copy
	// Matched is how many words of the span lie in exact runs, counted in
	// the text VerifyContext aligns first (canonical); the rest are the
	// small edits the chain bridged.
	Matched int `json:"matched"`
}

// Result is the verified comparison of two articles.
type Result struct {
	Jaccard float64 // shingle sets
	Cosine  float64 // TF-IDF vectors
	// AInB is the fraction of A's words inside passages shared with B,
	// quotes included; BInA likewise.
	AInB, BInA float64
	// CopyA and CopyB count the words of A and B inside shared copy
	// passages (quotes left out).
	CopyA, CopyB int
	// LongestCopy is the word count of the longest copy passage, in the
	// text VerifyContext aligns first (canonical), whichever is A.
	LongestCopy int
	Passages    []Passage // sorted by position in A
	// A and B: what each text takes from the other (see Derivation),
	// when the pair was measured (Derive); zero otherwise.
	A, B Side
	// First is the text published first (PublishedOrder of the Docs'
	// Published times): what tells the cluster stage which text is the
	// copy when both are dated.
	First Order
}

// Order says which of two texts was published first.
type Order int8

// Orders. The zero value is Undated.
const (
	Undated Order = iota // either text undated, or both at one time
	AFirst
	BFirst
)

// When is when a text was published: some instant in [At, At+Within).
// Within is 0 for a stated instant and a day for a date alone; the zero
// When is undated.
type When struct {
	At     time.Time
	Within time.Duration
}

// PublishedOrder is the Order of texts published at a and b: one is first
// when it was published before the other whatever instants their spans
// stand for. A date alone and a time on that day are Undated, as are two
// equal times.
func PublishedOrder(a, b When) Order {
	switch {
	case a.At.IsZero() || b.At.IsZero():
		return Undated
	case a.At.Before(b.At) && !a.At.Add(a.Within).After(b.At):
		return AFirst
	case b.At.Before(a.At) && !b.At.Add(b.Within).After(a.At):
		return BFirst
	}
	return Undated
}

// swapped is the order of the same texts given the other way round.
func (o Order) swapped() Order {
	switch o {
	case AFirst:
		return BFirst
	case BFirst:
		return AFirst
	}
	return o
}

// Quotes and Copies count the two kinds of passage.
func (r *Result) Quotes() int {
	n := 0
	for _, p := range r.Passages {
		if p.Quote {
			n++
		}
	}
	return n
}

// Copies counts the shared copy passages.
func (r *Result) Copies() int { return len(r.Passages) - r.Quotes() }

// Verify compares two prepared articles. Two texts that share no shingle
// have no exact run, so no passage: their result is the cosine alone, and
// most story candidates end there without aligning.
func Verify(a, b *Doc) Result {
	res, _ := VerifyContext(context.Background(), a, b)
	return res
}

// VerifyContext is Verify that gives up when ctx is done, with ctx's error
// and no result. Alignment is near-linear in the two lengths, but two
// 16 MiB texts still take seconds, so it checks ctx as it goes.
//
// The result does not depend on which text is a: the pair is aligned in one
// order fixed by the texts themselves (canonical), and a result for the
// other order is its mirror (swapped). Chaining reads pieces in the first
// text's order and LongestCopy counts its words, so aligning in the order
// the pair came in made a pair's passages and relation depend on the input
// order (8 pairs of a 5,000-article corpus read backwards).
func VerifyContext(ctx context.Context, a, b *Doc) (Result, error) {
	first := PublishedOrder(a.Published, b.Published)
	if !shingle.Meet(a.Set, b.Set) {
		return Result{Cosine: shingle.Cosine(a.Vector, b.Vector), First: first}, nil
	}
	r, err := verifySymmetric(ctx, a, b)
	r.First = first
	return r, err
}

// verifySymmetric is verifyFull in the canonical order, its result
// mirrored back when a and b came the other way round.
func verifySymmetric(ctx context.Context, a, b *Doc) (Result, error) {
	if !canonical(a, b) {
		res, err := verifyFull(ctx, b, a)
		return res.swapped(), err
	}
	return verifyFull(ctx, a, b)
}

// canonical reports whether a comes first in the order pairs are aligned
// in: fewer tokens first, then the smaller text.
func canonical(a, b *Doc) bool {
	if len(a.Tokens) != len(b.Tokens) {
		return len(a.Tokens) < len(b.Tokens)
	}
	return a.Text <= b.Text
}

// swapped is the result of the pair the other way round: A and B
// exchanged, passages sorted by their position in the new A. LongestCopy
// stays as counted in the canonical first text.
func (r Result) swapped() Result {
	r.AInB, r.BInA = r.BInA, r.AInB
	r.CopyA, r.CopyB = r.CopyB, r.CopyA
	r.A, r.B = r.B, r.A
	r.First = r.First.swapped()
	ps := make([]Passage, len(r.Passages))
	for k, p := range r.Passages {
		p.A, p.B = p.B, p.A
		ps[k] = p
	}
	slices.SortFunc(ps, func(x, y Passage) int {
		return cmp.Or(cmp.Compare(x.A.Start, y.A.Start), cmp.Compare(x.B.Start, y.B.Start))
	})
	if len(ps) == 0 {
		ps = r.Passages
	}
	r.Passages = ps
	return r
}

// checkEvery is how many steps of an alignment loop run between two looks
// at the context: a few microseconds of work.
const checkEvery = 1 << 12

// halted reports, every checkEvery-th step k, whether ctx is done.
func halted(ctx context.Context, k int) bool {
	return k%checkEvery == 0 && ctx.Err() != nil
}

// verifyFull is VerifyContext without the shortcut (its oracle in tests).
func verifyFull(ctx context.Context, a, b *Doc) (Result, error) {
	m := matches(a, b)
	res := Result{
		Jaccard: shingle.JaccardOf(len(m), len(a.Set), len(b.Set)),
		Cosine:  shingle.Cosine(a.Vector, b.Vector),
	}
	runs, err := runsOf(ctx, a, b, m)
	if err != nil {
		return Result{}, err
	}
	if res.Passages, err = passages(ctx, a, b, runs); err != nil {
		return Result{}, err
	}
	res.cover(len(a.Tokens), len(b.Tokens), true)
	return res, nil
}

// cover sets r's coverage (AInB, BInA), copy counts and LongestCopy from
// r.Passages, over texts of na and nb words. LongestCopy counts a copy
// passage's words in the text aligned first (canonical): A when aFirst,
// else B.
func (r *Result) cover(na, nb int, aFirst bool) {
	coverA, coverB := make([]bool, na), make([]bool, nb)
	copyA, copyB := make([]bool, na), make([]bool, nb)
	for _, p := range r.Passages {
		for i := p.A.Start; i < p.A.End; i++ {
			coverA[i] = true
			copyA[i] = copyA[i] || !p.Quote
		}
		for j := p.B.Start; j < p.B.End; j++ {
			coverB[j] = true
			copyB[j] = copyB[j] || !p.Quote
		}
		if !p.Quote {
			words := p.A.Words()
			if !aFirst {
				words = p.B.Words()
			}
			r.LongestCopy = max(r.LongestCopy, words)
		}
	}
	r.AInB, r.BInA = fraction(coverA), fraction(coverB)
	r.CopyA, r.CopyB = count(copyA), count(copyB)
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

func fraction(m []bool) float64 {
	if len(m) == 0 {
		return 0
	}
	return float64(count(m)) / float64(len(m))
}

// run is an exact common word sequence: A's tokens [a, a+n) equal B's
// tokens [b, b+n).
type run struct{ a, b, n int }

// width is the number of words a shingle of d covers.
func width(d *Doc) int { return min(shingle.N, len(d.Tokens)) }

// match is a shingle two sets share: a.Set[x] == b.Set[y].
type match struct{ x, y int32 }

// matches returns the shingles a and b share, by one merge of their sets.
func matches(a, b *Doc) []match {
	var m []match
	as, bs := a.Set, b.Set
	for x, y := 0, 0; x < len(as) && y < len(bs); {
		switch {
		case as[x] < bs[y]:
			x++
		case as[x] > bs[y]:
			y++
		default:
			m = append(m, match{int32(x), int32(y)})
			x++
			y++
		}
	}
	return m
}

// exactRuns returns the maximal common word sequences of at least N words,
// sorted by (a, b), found from shared shingles.
func exactRuns(a, b *Doc) []run {
	runs, _ := runsOf(context.Background(), a, b, matches(a, b))
	return runs
}

// runsOf is exactRuns given the shared shingles m. Every place a shared
// shingle starts in A (its first maxOccurrences) and in B (likewise) is a
// seed (i, j); seeds with consecutive i on one diagonal (j-i constant) make
// a run. It stops with ctx's error when ctx is done.
func runsOf(ctx context.Context, a, b *Doc, m []match) ([]run, error) {
	if len(m) == 0 || width(a) != width(b) {
		return nil, nil
	}
	// A seed (i, j) packs as (j-i+len(a)) << 32 | i, so that one integer
	// sort orders the seeds by diagonal, then by position.
	seeds := make([]uint64, 0, len(m))
	off := len(a.Shingles)
	for k, p := range m {
		if halted(ctx, k) {
			return nil, ctx.Err()
		}
		for _, i := range a.occ[a.occStart[p.x]:a.occStart[p.x+1]] {
			for _, j := range b.occ[b.occStart[p.y]:b.occStart[p.y+1]] {
				seeds = append(seeds, uint64(int(j)-int(i)+off)<<32|uint64(i))
			}
		}
	}
	shingle.SortKeys(seeds)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	w := width(a)
	n := 0 // runs: one per seed that does not continue the previous one
	for k := range seeds {
		if k == 0 || seeds[k] != seeds[k-1]+1 {
			n++
		}
	}
	runs := make([]run, 0, n)
	for k := 0; k < len(seeds); {
		e := k
		for e+1 < len(seeds) && seeds[e+1] == seeds[e]+1 { // same diagonal, next position
			e++
		}
		i, diag := int(uint32(seeds[k])), int(seeds[k]>>32)-off
		runs = append(runs, run{a: i, b: i + diag, n: int(uint32(seeds[e])) - i + w})
		k = e + 1
	}
	slices.SortFunc(runs, func(x, y run) int { return cmp.Or(cmp.Compare(x.a, y.a), cmp.Compare(x.b, y.b)) })
	return runs, ctx.Err()
}

// exactRunsReference is the slow oracle for exactRuns: the maximal common
// word sequences of at least N words by dynamic programming over all (i, j).
func exactRunsReference(a, b *Doc) []run {
	w := width(a)
	if len(a.Tokens) == 0 || len(b.Tokens) == 0 || w != width(b) {
		return nil
	}
	n, m := len(a.Tokens), len(b.Tokens)
	prev := make([]int, m+1)
	cur := make([]int, m+1)
	var runs []run
	for i := 1; i <= n; i++ {
		for j := 1; j <= m; j++ {
			if a.Tokens[i-1].Hash == b.Tokens[j-1].Hash {
				cur[j] = prev[j-1] + 1
			} else {
				cur[j] = 0
			}
		}
		// A run ends at (i, j) when it cannot go on to (i+1, j+1).
		for j := 1; j <= m; j++ {
			l := cur[j]
			if l < w {
				continue
			}
			if i < n && j < m && a.Tokens[i].Hash == b.Tokens[j].Hash {
				continue
			}
			runs = append(runs, run{a: i - l, b: j - l, n: l})
		}
		prev, cur = cur, prev
	}
	slices.SortFunc(runs, func(x, y run) int { return cmp.Or(cmp.Compare(x.a, y.a), cmp.Compare(x.b, y.b)) })
	return runs
}

// Passages returns the passages a and b share, sorted by position in a.
func Passages(a, b *Doc) []Passage {
	ps, _ := passages(context.Background(), a, b, exactRuns(a, b))
	return ps
}

// passages is Passages from the exact runs of a and b; it stops with ctx's
// error when ctx is done.
func passages(ctx context.Context, a, b *Doc, runs []run) ([]Passage, error) {
	if len(runs) == 0 {
		return nil, nil
	}
	out, err := chain(ctx, cut(a, b, runs), len(a.Tokens))
	if err != nil {
		return nil, err
	}
	kept := out[:0]
	for _, p := range out {
		minWords := MinPassageWords
		if p.Quote {
			minWords = MinQuoteWords
		}
		if p.A.Words() >= minWords && p.B.Words() >= minWords {
			p.A = withOffsets(p.A, a)
			p.B = withOffsets(p.B, b)
			kept = append(kept, p)
		}
	}
	slices.SortFunc(kept, func(x, y Passage) int {
		return cmp.Or(cmp.Compare(x.A.Start, y.A.Start), cmp.Compare(x.B.Start, y.B.Start))
	})
	return kept, nil
}

// cut cuts runs where quotation starts or stops, in either text: the
// pieces chain joins.
func cut(a, b *Doc, runs []run) []Passage {
	pieces := make([]Passage, 0, len(runs))
	for _, r := range runs {
		start := 0
		for t := 1; t <= r.n; t++ {
			if t < r.n && isQuoted(a, b, r, t) == isQuoted(a, b, r, start) {
				continue
			}
			pieces = append(pieces, Passage{
				A:       Span{Start: r.a + start, End: r.a + t},
				B:       Span{Start: r.b + start, End: r.b + t},
				Quote:   isQuoted(a, b, r, start),
				Matched: t - start,
			})
			start = t
		}
	}
	return pieces
}

// chain joins pieces of one kind across small edits: each piece, in order,
// extends the earlier chain whose end it follows most closely (the smallest
// gap, then the earliest chain), or starts a chain of its own. A chain can
// take a piece only if its end in A lies in [p.A.Start-MaxGap,
// p.A.Start+shingle.N], so chains are indexed by where they end in A and a
// piece looks at those few ends alone: the work is linear in the pieces
// times the chains ending at one place, which maxOccurrences bounds, instead
// of pieces × chains (two 128 KB digit tables: 0.7 s; 512 KB: minutes).
// nA is the number of tokens of A. chain reuses pieces' memory, and stops
// with ctx's error when ctx is done.
func chain(ctx context.Context, pieces []Passage, nA int) ([]Passage, error) {
	// Chains are written over the pieces already read: there are never
	// more chains than pieces read.
	out := pieces[:0]
	// The chains ending at A position e are a list: head[e] is the first
	// (or -1), next[k] the one after chain k. Lists stay a few long.
	head := make([]int32, nA+1)
	for e := range head {
		head[e] = -1
	}
	next := make([]int32, 0, len(pieces))
	link := func(k int32, e int) { next[k], head[e] = head[e], k }
	unlink := func(k int32, e int) {
		if head[e] == k {
			head[e] = next[k]
			return
		}
		for x := head[e]; x >= 0; x = next[x] {
			if next[x] == k {
				next[x] = next[k]
				return
			}
		}
	}
	for x, p := range pieces {
		if halted(ctx, x) {
			return nil, ctx.Err()
		}
		best, bestGap := int32(-1), 0
		for e := max(p.A.Start-MaxGap, 0); e <= min(p.A.Start+shingle.N, nA); e++ {
			for k := head[e]; k >= 0; k = next[k] {
				if chainProbe != nil {
					chainProbe()
				}
				q := &out[k]
				if q.Quote != p.Quote || p.A.Start < q.A.Start || p.B.Start < q.B.Start {
					continue
				}
				ga, gb := p.A.Start-q.A.End, p.B.Start-q.B.End
				if gb < -shingle.N || gb > MaxGap || abs(ga-gb) > MaxSkew {
					continue
				}
				g := max(ga, 0) + max(gb, 0)
				if best < 0 || g < bestGap || (g == bestGap && k < best) {
					best, bestGap = k, g
				}
			}
		}
		if best < 0 {
			out = append(out, p)
			next = append(next, -1)
			link(int32(len(out)-1), p.A.End)
			continue
		}
		q := &out[best]
		q.Matched += p.A.End - max(p.A.Start, q.A.End)
		if end := max(q.A.End, p.A.End); end != q.A.End {
			unlink(best, q.A.End)
			link(best, end)
			q.A.End = end
		}
		q.B.End = max(q.B.End, p.B.End)
	}
	return out, nil
}

// chainProbe, when set (by a test), is called for every chain chain
// examines, to count its work.
var chainProbe func()

func isQuoted(a, b *Doc, r run, t int) bool {
	return a.Quoted[r.a+t] || b.Quoted[r.b+t]
}

func withOffsets(s Span, d *Doc) Span {
	s.Offset = int(d.Tokens[s.Start].Start)
	s.EndOffset = int(d.Tokens[s.End-1].End)
	return s
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
