package cluster

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/copydesk/copydesk/internal/align"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		r    align.Result
		want Relation
	}{
		{"syndicated", align.Result{AInB: 0.97, BInA: 0.96, CopyA: 400, CopyB: 390, LongestCopy: 200, Cosine: 0.9}, Duplicate},
		{"trimmed", align.Result{AInB: 0.45, BInA: 0.7, CopyA: 150, CopyB: 150, LongestCopy: 80, Cosine: 0.5}, Derived},
		{"two paragraphs", align.Result{AInB: 0.2, BInA: 0.15, CopyA: 80, CopyB: 80, LongestCopy: 45, Cosine: 0.2}, Partial},
		{"several short passages", align.Result{AInB: 0.1, BInA: 0.1, CopyA: 45, CopyB: 44, LongestCopy: 15, Cosine: 0.2}, Partial},
		{"stock phrase only", align.Result{AInB: 0.02, BInA: 0.02, CopyA: 12, CopyB: 12, LongestCopy: 12, Cosine: 0.3}, Story},
		// Two outlets quoting one long statement: all shared text is quotes.
		{"shared quotes only", align.Result{AInB: 0.6, BInA: 0.6, CopyA: 0, CopyB: 0, Cosine: 0.4}, Story},
		{"other topic", align.Result{Cosine: 0.03}, Unrelated},
	}
	for _, tc := range tests {
		if got := Classify(&tc.r); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestRelationNames(t *testing.T) {
	for r := Unrelated; r <= Duplicate; r++ {
		back, err := ParseRelation(r.String())
		if err != nil || back != r {
			t.Errorf("%v does not round-trip: %v %v", r, back, err)
		}
	}
	if _, err := ParseRelation("copy"); err == nil {
		t.Error("unknown relation accepted")
	}
}

func story(i, j int, cos float64) Pair { return Pair{I: i, J: j, Relation: Story, Similarity: cos} }

func TestStoryClustersDoNotChain(t *testing.T) {
	// Two stories of four articles each, tightly knit inside, and one weak
	// story link between article 3 and article 4.
	var pairs []Pair
	for _, g := range [][]int{{0, 1, 2, 3}, {4, 5, 6, 7}} {
		for x := range g {
			for y := x + 1; y < len(g); y++ {
				pairs = append(pairs, story(g[x], g[y], 0.4))
			}
		}
	}
	pairs = append(pairs, story(3, 4, 0.12))
	got := Groups(8, pairs, StoryLvl)
	want := []int{0, 0, 0, 0, 4, 4, 4, 4}
	if !slices.Equal(got, want) {
		t.Errorf("groups %v, want %v", got, want)
	}
	// Single linkage (connected components over story edges) would chain
	// them: the copy level, over copy edges only, has no edge here at all.
	if got := Groups(8, pairs, Copy); !slices.Equal(got, []int{0, 1, 2, 3, 4, 5, 6, 7}) {
		t.Errorf("copy groups from story edges: %v", got)
	}
}

func TestStoryClusterNeedsAverageSupport(t *testing.T) {
	// A chain a-b-c where a and c are unrelated: b joins one side, and the
	// third article joins only if its mean similarity to both is enough.
	pairs := []Pair{story(0, 1, 0.5), story(1, 2, 0.15)}
	got := Groups(3, pairs, StoryLvl)
	if !slices.Equal(got, []int{0, 0, 2}) {
		t.Errorf("groups %v, want [0 0 2]", got)
	}
	pairs = append(pairs, story(0, 2, 0.2))
	if got := Groups(3, pairs, StoryLvl); !slices.Equal(got, []int{0, 0, 0}) {
		t.Errorf("groups %v, want [0 0 0]", got)
	}
}

func TestCopyGroups(t *testing.T) {
	pairs := []Pair{
		{I: 0, J: 2, Relation: Duplicate},
		{I: 2, J: 5, Relation: Derived},
		{I: 1, J: 3, Relation: Partial}, // partial reuse does not make a group
		{I: 3, J: 4, Relation: Story},
	}
	got := Groups(6, pairs, Copy)
	want := []int{0, 1, 0, 3, 4, 0}
	if !slices.Equal(got, want) {
		t.Errorf("groups %v, want %v", got, want)
	}
}

func TestStoryClustersAreDeterministic(t *testing.T) {
	// Equal weights everywhere: ties must break the same way every run.
	var pairs []Pair
	for i := range 12 {
		for j := i + 1; j < 12; j++ {
			if (i+j)%3 != 0 {
				pairs = append(pairs, story(i, j, 0.3))
			}
		}
	}
	first := Groups(12, pairs, StoryLvl)
	for range 20 {
		if got := Groups(12, pairs, StoryLvl); !slices.Equal(got, first) {
			t.Fatalf("run differs: %v vs %v", got, first)
		}
	}
}

// Two look-alike stories of three articles each: alike within (0.5), alike
// enough across (0.2) for average linkage to merge them, but far less alike
// across than within, so the split test takes the merge back. A single
// story of five with uneven cosines stays whole: no side reaches three.
func TestStorySplit(t *testing.T) {
	var pairs []Pair
	for i := range 6 {
		for j := i + 1; j < 6; j++ {
			cos := 0.2
			if i/3 == j/3 {
				cos = 0.5
			}
			pairs = append(pairs, story(i, j, cos))
		}
	}
	if got := averageLink(6, edges(pairs), nil, nil, StoryLinkage, 0, StorySplitMin); !slices.Equal(got, []int{0, 0, 0, 0, 0, 0}) {
		t.Fatalf("without the split test got %v, want one cluster", got)
	}
	if got, want := Groups(6, pairs, StoryLvl), []int{0, 0, 0, 3, 3, 3}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	five := []Pair{story(0, 1, 0.31), story(0, 2, 0.3), story(1, 2, 0.28), story(3, 4, 0.25),
		story(0, 3, 0.16), story(1, 3, 0.17), story(2, 4, 0.16), story(0, 4, 0.16), story(1, 4, 0.17), story(2, 3, 0.16)}
	if got := Groups(5, five, StoryLvl); !slices.Equal(got, []int{0, 0, 0, 0, 0}) {
		t.Errorf("five reports of one story: got %v, want one cluster", got)
	}
}

// Six reports of two look-alike events whose cosines alone do not tell
// them apart (0.25 within and across: one cluster), but whose reports of
// one event share quotes and phrasing (three tenths of each text covered):
// the shared passages lift the weights within each event to
// 1 − 0.75·0.7 = 0.475, and the split test then keeps the events apart. A
// story pair with no shared passage weighs its cosine.
func TestStoryWeightCountsSharedPassages(t *testing.T) {
	if w := weight(&Pair{Relation: Story, Similarity: 0.3}); w != 0.3 {
		t.Errorf("story pair without passages weighs %v, want its cosine 0.3", w)
	}
	if w := weight(&Pair{Relation: Story, Similarity: 0.3, AInB: 0.1, BInA: 0.2, Quotes: 1, Passages: 1}); w < 0.44-1e-9 || w > 0.44+1e-9 {
		t.Errorf("story pair covering 0.2 weighs %v, want 1 − 0.7·0.8 = 0.44", w)
	}
	if w := weight(&Pair{Relation: Unrelated, Similarity: 0.05, AInB: 0.1, BInA: 0.1}); w != 0 {
		t.Errorf("unrelated pair weighs %v, want 0", w)
	}
	var plain, shared []Pair
	for i := range 6 {
		for j := i + 1; j < 6; j++ {
			p := story(i, j, 0.25)
			plain = append(plain, p)
			if i/3 == j/3 {
				p.AInB, p.BInA, p.Quotes = 0.3, 0.3, 1
			}
			shared = append(shared, p)
		}
	}
	if got := Groups(6, plain, StoryLvl); !slices.Equal(got, []int{0, 0, 0, 0, 0, 0}) {
		t.Fatalf("cosines alone: got %v, want one cluster", got)
	}
	if got, want := Groups(6, shared, StoryLvl), []int{0, 0, 0, 3, 3, 3}; !slices.Equal(got, want) {
		t.Errorf("with shared passages got %v, want %v", got, want)
	}
}

// A stored pair, classified from its coverage and the verdict kept for
// it, is the pair NewPair made of the full result.
func TestStoredPairIsNewPair(t *testing.T) {
	measured := align.Result{AInB: 0.12, BInA: 0.3, CopyA: 10, CopyB: 10, LongestCopy: 10, Cosine: 0.5,
		A: align.Side{Words: 300, Copy: 0.03, Reworded: 0.2, Sentences: 0.3, Best: 0.7, Grams3: 0.3, Grams5: 0.12, Vocab: 0.5, Names: 0.6, Numbers: 0.5},
		B: align.Side{Words: 120, Copy: 0.08, Quote: 0.1, Reworded: 0.6, Sentences: 0.6, Best: 0.9, Grams3: 0.7, Grams5: 0.3, Vocab: 0.9, Names: 1, Numbers: 1}}
	for _, r := range []align.Result{measured, {AInB: 0.9, BInA: 0.9, CopyA: 200, CopyB: 200, LongestCopy: 150, Cosine: 0.9}, {Cosine: 0.2}} {
		want := NewPair(3, 7, &r)
		stored := align.Result{AInB: r.AInB, BInA: r.BInA, CopyA: r.CopyA, CopyB: r.CopyB, LongestCopy: r.LongestCopy, Cosine: r.Cosine}
		if got := StoredPair(3, 7, &stored, Fitted.Verdict(&r)); got != want {
			t.Errorf("stored %+v, want %+v", got, want)
		}
	}
	p := NewPair(3, 7, &measured)
	if p.Relation != Derived || p.Source != 3 || p.Share != measured.B.Taken() {
		t.Errorf("rewritten copy: %+v, want derived from 3 with share %.2f", p, measured.B.Taken())
	}
	// The same texts with no shingle in common: retold, not copied.
	measured.A.Grams5, measured.B.Grams5 = 0, 0
	if p := NewPair(3, 7, &measured); p.Relation != Story {
		t.Errorf("no shared shingle: %v, want story", p.Relation)
	}
}

// The later of two dated texts is the copy: a short wire story wholly
// inside a long feature published after it is partial, the feature's
// share; undated, the more covered text is taken for the copy, derived;
// dated the other way round, the feature is the source and the wire
// derived from it.
func TestLaterTextIsTheCopy(t *testing.T) {
	wireInFeature := align.Result{AInB: 1, BInA: 0.25, CopyA: 200, CopyB: 200, LongestCopy: 200, Cosine: 0.5}
	for _, c := range []struct {
		first  align.Order
		rel    Relation
		source int
		share  float64
	}{
		{align.AFirst, Partial, 0, 0.25},
		{align.Undated, Derived, 1, 1},
		{align.BFirst, Derived, 1, 1},
	} {
		r := wireInFeature
		r.First = c.first
		p := NewPair(0, 1, &r)
		if p.Relation != c.rel || p.Source != c.source || p.Share != c.share {
			t.Errorf("first %d: %v from %d with share %.2f, want %v from %d with %.2f", c.first, p.Relation, p.Source, p.Share, c.rel, c.source, c.share)
		}
		if stored := StoredPair(0, 1, &wireInFeature, Fitted.Verdict(&r)); stored != p {
			t.Errorf("first %d: stored %+v, want %+v", c.first, stored, p)
		}
	}
}

// mayDerive never rules out a pair the model would call derived, whatever
// its sentence measures: random sides, each ruled out is NotDerived with
// any sentence measures.
func TestMayDeriveIsABound(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	side := func() align.Side {
		return align.Side{Words: 20 + r.IntN(900), Copy: r.Float64() / 3, Quote: r.Float64() / 3, Grams3: r.Float64(), Grams5: r.Float64(),
			Vocab: r.Float64(), Names: r.Float64(), Numbers: r.Float64()}
	}
	ruled := 0
	for range 20000 {
		res := align.Result{A: side(), B: side()}
		if Fitted.mayDerive(&res) {
			continue
		}
		ruled++
		for range 4 {
			for _, s := range []*align.Side{&res.A, &res.B} {
				s.Sentences, s.Best = r.Float64(), r.Float64()
			}
			if c := Fitted.Predict(Features(&res)); c != NotDerived {
				t.Fatalf("ruled out, then %v: %+v", c, res)
			}
		}
	}
	if ruled < 1000 {
		t.Fatalf("only %d of 20000 ruled out: the test shows little", ruled)
	}
}

func TestRenumber(t *testing.T) {
	p := Pair{I: 2, J: 5, AInB: 0.9, BInA: 0.4, Source: 5, Relation: Derived}
	if got := p.Renumber(7, 1); got.I != 1 || got.J != 7 || got.AInB != 0.4 || got.BInA != 0.9 || got.Source != 1 {
		t.Errorf("Renumber(7, 1) = %+v: want I 1, J 7, the sides swapped, Source 1 (was J)", got)
	}
	if got := p.Renumber(3, 4); got.I != 3 || got.J != 4 || got.AInB != 0.9 || got.Source != 4 {
		t.Errorf("Renumber(3, 4) = %+v", got)
	}
	p.Source = -1
	if got := p.Renumber(4, 3); got.Source != -1 {
		t.Errorf("an undecided pair got Source %d", got.Source)
	}
}
