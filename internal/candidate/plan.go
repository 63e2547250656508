package candidate

import (
	"slices"

	"github.com/copydesk/copydesk/internal/shingle"
)

// The route policy: which routes run over a corpus, which keys an article
// is indexed under, and which candidate pairs are scored by their TF-IDF
// cosine alone rather than aligned. Every front end (compare's Run and
// Stream, the index's Add and Check, the Beam pipeline) asks a Plan, so
// that they find and verify the same pairs.

const (
	// AllPairsUpTo: corpora this small compare every pair for stories
	// instead of going through the term index (at most 125,000 cosines).
	AllPairsUpTo = 500
	// TopTerms is how many distinctive terms of each article the story
	// route indexes.
	TopTerms = 20
)

// Plan is the route policy for one corpus of N articles (for the index:
// the articles indexed once the batch is in).
type Plan struct {
	N     int  // articles in the corpus
	Story bool // the story route runs
	// Window bounds the story route's pairs to articles Near each other
	// at Places (Window.Places, one per article); the zero Window, the
	// whole corpus.
	Window Window
	Places []Place
}

// AllPairs reports whether the story route pairs every article with every
// other: it runs, over a corpus of at most AllPairsUpTo articles.
func (p Plan) AllPairs() bool { return p.Story && p.N <= AllPairsUpTo }

// Indexed reports whether the story route goes through the term index
// (Terms, over StoryKeys): it runs, over more than AllPairsUpTo articles.
// Only then are pairs scored by cosine alone (CosineOnly).
func (p Plan) Indexed() bool { return p.Story && p.N > AllPairsUpTo }

// StoryKeys returns the keys an article is indexed under by the story
// route when the plan goes through the term index (nil otherwise): its
// TopTerms heaviest terms among those another article has too. df only
// needs the counts of v's own terms.
func (p Plan) StoryKeys(v shingle.Vector, df *shingle.DF) []uint64 {
	if !p.Indexed() {
		return nil
	}
	return shared(v, df).Top(TopTerms)
}

// shared keeps the terms of v that at least one other document has.
func shared(v shingle.Vector, df *shingle.DF) shingle.Vector {
	out := make(shingle.Vector, 0, len(v))
	for _, w := range v {
		if df.Count[w.Hash()] >= 2 {
			out = append(out, w)
		}
	}
	return out
}

// StoryPairs returns the story route's pairs over a whole corpus under a
// plan whose story route runs: every pair when AllPairs holds, else the
// pairs the Terms route finds over keys (each article's StoryKeys); under
// a Window, only those of articles near each other. Stats.Pairs counts the
// pairs returned.
func (p Plan) StoryPairs(keys [][]uint64) ([]Pair, Stats) {
	var out []Pair
	var st Stats
	if p.AllPairs() {
		out = EveryPair(p.N, 0)
	} else {
		out, st = Terms.Find(keys)
	}
	out = p.windowed(out)
	st.Pairs = len(out)
	return out, st
}

// windowed drops, in place, the pairs of articles that p's Window holds
// apart.
func (p Plan) windowed(pairs []Pair) []Pair {
	if p.Window.IsZero() || p.Places == nil {
		return pairs
	}
	return slices.DeleteFunc(pairs, func(c Pair) bool {
		return !p.Window.Near(p.Places[c.I], p.Places[c.J])
	})
}

// OneAnchor is the anchor route at one shared key: the story pairs it
// holds are aligned rather than scored by cosine alone (ScoredByCosine). It
// keeps buckets up to MaxBucket, past the anchor route's cap: a story pair
// sharing a stock phrase is aligned, not scored by cosine alone.
var OneAnchor = Route{MinShared: 1, Max: MaxBucket}

// ScoredByCosine is the rule for a candidate pair found by the story route:
// under a plan that goes through the term index (Indexed), a pair that no
// copy route found and that shares no anchor either (OneAnchor) is scored
// by its TF-IDF cosine alone (cluster.CosineOnly); aligned says it was
// found by a copy route or shares an anchor. A corpus of at most
// AllPairsUpTo articles aligns every pair.
//
// For example, over 10,000 articles, a pair that shares five distinctive
// terms (a minister's name, a town) but no shingle is scored by cosine; the
// same pair sharing one winnowed shingle ("said in a statement on Monday")
// is aligned, so that the passage and quotes it shares count.
func (p Plan) ScoredByCosine(aligned bool) bool { return p.Indexed() && !aligned }

// CosineOnly marks the pairs of cands that ScoredByCosine scores by cosine
// alone, given the lists of pairs that are aligned (the copy routes',
// OneAnchor's); all sorted as Merge sorts. nil when the plan scores none
// that way.
func (p Plan) CosineOnly(cands []Pair, aligned ...[]Pair) []bool {
	if !p.ScoredByCosine(false) {
		return nil
	}
	out := make([]bool, len(cands))
	at := make([]int, len(aligned))
	for x, c := range cands {
		in := false
		for l, list := range aligned {
			for at[l] < len(list) && pack(list[at[l]].I, list[at[l]].J) < pack(c.I, c.J) {
				at[l]++
			}
			in = in || at[l] < len(list) && list[at[l]] == c
		}
		out[x] = p.ScoredByCosine(in)
	}
	return out
}

// PostedStoryKeys are the story keys an index stores with an article: its
// TopTerms heaviest terms, shared or not (which of them another article
// has changes as the index grows; StoryKeys decides at query time).
func PostedStoryKeys(v shingle.Vector) []uint64 { return v.Top(TopTerms) }

// EveryPair lists every pair (i, j), i < j < n, whose j is from or later,
// sorted by i, then j: the story route of a plan whose AllPairs holds (from 0 for a
// whole corpus, the first new article's index for an index batch).
func EveryPair(n, from int) []Pair {
	from = max(from, 0)
	var out []Pair
	if n > from {
		out = make([]Pair, 0, (n*(n-1)-from*(from-1))/2)
	}
	for i := range n {
		for j := max(i+1, from); j < n; j++ {
			out = append(out, Pair{I: int32(i), J: int32(j)})
		}
	}
	return out
}
