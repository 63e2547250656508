package pipeline

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/candidate"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/shingle"
	"github.com/copydesk/copydesk/internal/synth"
)

// synthArticles generates n synthetic articles, parsed as compare reads
// them.
func synthArticles(t testing.TB, n int) []article.Article {
	t.Helper()
	var arts []article.Article
	err := synth.New(7).Generate(context.Background(), n, func(a *synth.Article, _ *synth.Truth) error {
		line, err := jsonLine(a)
		if err != nil {
			return err
		}
		art, err := article.ParseJSONLine(line)
		if err != nil {
			return err
		}
		arts = append(arts, art)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return arts
}

func emitAll(arts []article.Article) func(func(article.Article) error) error {
	return func(emit func(article.Article) error) error {
		for _, a := range arts {
			if err := emit(a); err != nil {
				return err
			}
		}
		return nil
	}
}

// TestStreamMatchesRun: the streaming run gives exactly Run's pairs and
// groups, on one core and several, copy and story routes, on a corpus past
// AllPairsUpTo and on one under it.
func TestStreamMatchesRun(t *testing.T) {
	for _, tc := range []struct {
		n, workers int
		story      bool
		window     candidate.Window
	}{
		{300, 2, true, candidate.Window{}}, {900, 1, false, candidate.Window{}}, {900, 3, true, candidate.Window{}},
		{300, 2, true, candidate.Window{Articles: 40}}, {900, 3, true, candidate.Window{Span: 24 * time.Hour}},
	} {
		n, story, w := tc.n, tc.story, tc.workers
		arts := synthArticles(t, n)
		want, err := Run(context.Background(), arts, Options{Story: story, Window: tc.window})
		if err != nil {
			t.Fatal(err)
		}
		got, err := Stream(context.Background(), emitAll(arts), Options{Story: story, Workers: w, Window: tc.window})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Pairs, want.Pairs) {
			t.Fatalf("n=%d story=%v workers=%d: %d pairs, Run %d", n, story, w, len(got.Pairs), len(want.Pairs))
		}
		if got.Stats != want.Stats {
			t.Errorf("n=%d story=%v workers=%d: stats %+v, Run %+v", n, story, w, got.Stats, want.Stats)
		}
		for i, a := range arts {
			if got.IDs[i] != a.ID {
				t.Fatalf("id %d: %q, want %q", i, got.IDs[i], a.ID)
			}
		}
		for _, l := range []cluster.Level{cluster.Copy, cluster.StoryLvl} {
			if !slices.Equal(got.Groups(l), want.Groups(l)) {
				t.Fatalf("n=%d story=%v workers=%d: groups at level %v differ", n, story, w, l)
			}
		}
	}
}

// TestScanResult: a streamed run kept with KeepTexts stands for Run's
// result without Docs: the same pairs, and each article's Doc built again
// with Run's text, tokens and shingles, and its word count.
func TestScanResult(t *testing.T) {
	arts := synthArticles(t, 120)
	want, err := Run(context.Background(), arts, Options{Story: true})
	if err != nil {
		t.Fatal(err)
	}
	scan, err := Stream(context.Background(), emitAll(arts), Options{Story: true, Workers: 2, KeepTexts: true})
	if err != nil {
		t.Fatal(err)
	}
	got := scan.Result(arts)
	if got.Docs != nil || !slices.Equal(got.Pairs, want.Pairs) {
		t.Fatalf("Docs held (%v) or %d pairs, Run %d", got.Docs != nil, len(got.Pairs), len(want.Pairs))
	}
	for i := range arts {
		d, w := got.Doc(i), want.Doc(i)
		if d == w || d.Text != w.Text || !slices.Equal(d.Tokens, w.Tokens) || !slices.Equal(d.Shingles, w.Shingles) {
			t.Fatalf("article %d: Doc not built again from its text", i)
		}
		if got.Words(i) != want.Words(i) || want.Words(i) != len(w.Tokens) {
			t.Fatalf("article %d: %d words, Run %d", i, got.Words(i), want.Words(i))
		}
	}
}

// TestStreamCancel: a cancelled context stops the run with its error.
func TestStreamCancel(t *testing.T) {
	arts := synthArticles(t, 1000)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err := Stream(ctx, func(emit func(article.Article) error) error {
		for _, a := range arts {
			if n++; n == 700 {
				cancel()
			}
			if err := emit(a); err != nil {
				return err
			}
		}
		return nil
	}, Options{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if n > 700+streamBatch {
		t.Fatalf("read %d articles after cancelling at 700", n)
	}
}

// TestStreamCopyOnly: skipping TF-IDF changes no copy relation and no copy
// group.
func TestStreamCopyOnly(t *testing.T) {
	arts := synthArticles(t, 900)
	full, err := Stream(context.Background(), emitAll(arts), Options{})
	if err != nil {
		t.Fatal(err)
	}
	fast, err := Stream(context.Background(), emitAll(arts), Options{CopyOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(fast.Pairs) != len(full.Pairs) {
		t.Fatalf("%d pairs, full run %d", len(fast.Pairs), len(full.Pairs))
	}
	copies := 0
	for k, p := range full.Pairs {
		q := fast.Pairs[k]
		if p.Relation >= cluster.Partial || q.Relation >= cluster.Partial {
			copies++
			if p.Relation != q.Relation || p.AInB != q.AInB || p.BInA != q.BInA {
				t.Fatalf("pair %d-%d: %v with TF-IDF, %v without", p.I, p.J, p.Relation, q.Relation)
			}
		} else if q.Relation != cluster.Unrelated || q.Similarity != 0 {
			t.Fatalf("pair %d-%d: %v, similarity %v without TF-IDF", q.I, q.J, q.Relation, q.Similarity)
		}
	}
	if copies < 100 {
		t.Fatalf("only %d copy pairs: the test corpus is too thin", copies)
	}
	if !slices.Equal(fast.Groups(cluster.Copy), full.Groups(cluster.Copy)) {
		t.Fatal("copy groups differ")
	}
}

// Options.Keep drops the weaker pairs and nothing else: the kept pairs are
// the full run's of that relation or stronger, in the same order, and the
// groups of each level are the same when the level's Weakest is kept.
func TestStreamKeep(t *testing.T) {
	arts := synthArticles(t, 900)
	all, err := Stream(context.Background(), emitAll(arts), Options{Story: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, level := range []cluster.Level{cluster.Copy, cluster.StoryLvl} {
		keep := level.Weakest()
		kept, err := Stream(context.Background(), emitAll(arts), Options{Story: true, Keep: keep})
		if err != nil {
			t.Fatal(err)
		}
		want := slices.DeleteFunc(slices.Clone(all.Pairs), func(p cluster.Pair) bool { return p.Relation < keep })
		if !slices.Equal(kept.Pairs, want) {
			t.Fatalf("keep %v: %d pairs, want %d of the full run's %d", keep, len(kept.Pairs), len(want), len(all.Pairs))
		}
		if len(want) == 0 || len(want) == len(all.Pairs) {
			t.Fatalf("keep %v keeps %d of %d pairs: the test shows nothing", keep, len(want), len(all.Pairs))
		}
		if !slices.Equal(kept.Groups(level), all.Groups(level)) {
			t.Fatalf("%v groups differ when pairs under %v are dropped", level, keep)
		}
	}
}

// Past AllPairsUpTo, the pairs only the story route finds are scored by
// cosine alone (CosineOnly) unless they share an anchor shingle or reach
// cluster.MeasureCosine: a story
// run holds every copy relation the copy routes find, with the same
// scores, and its pairs without a shared anchor carry no passage.
func TestStoryRouteIsCosineOnly(t *testing.T) {
	arts := synthArticles(t, 900)
	story, err := Run(context.Background(), arts, Options{Story: true})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := Run(context.Background(), arts, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if story.Stats.CosineOnly == 0 || story.Stats.CosineOnly >= story.Stats.Candidates {
		t.Fatalf("stats %+v: want some, not all, pairs scored by cosine alone", story.Stats)
	}
	inStory := map[[2]int]cluster.Pair{}
	for _, p := range story.Pairs {
		inStory[[2]int{p.I, p.J}] = p
	}
	inPlain := map[[2]int]bool{}
	copies := 0
	for _, p := range plain.Pairs {
		inPlain[[2]int{p.I, p.J}] = true
		if got := inStory[[2]int{p.I, p.J}]; got != p {
			t.Fatalf("pair %d-%d: story run %+v, copy routes %+v", p.I, p.J, got, p)
		}
		if p.Relation >= cluster.Partial {
			copies++
		}
	}
	if copies == 0 {
		t.Fatal("no copy pair")
	}
	aligned, cosine := 0, 0
	for _, p := range story.Pairs {
		if inPlain[[2]int{p.I, p.J}] {
			continue
		}
		anchored := shingle.Intersect(shingle.Anchors(story.Docs[p.I].Shingles), shingle.Anchors(story.Docs[p.J].Shingles)) > 0
		switch {
		case anchored || p.Similarity >= cluster.MeasureCosine:
			aligned++
		default:
			cosine++
			if p.Passages > 0 || p.Quotes > 0 || p.AInB > 0 || p.BInA > 0 {
				t.Fatalf("story-route pair %d-%d shares no anchor, has cosine %.3f, but was aligned: %+v", p.I, p.J, p.Similarity, p)
			}
		}
	}
	if aligned == 0 || cosine == 0 {
		t.Fatalf("story-route pairs: %d share an anchor, %d do not: both kinds must occur", aligned, cosine)
	}
}

// TestEachDocBuiltOnce: the candidate order of this corpus (three copies
// of each text, 1,300 articles apart) sends each article's pairs far from
// one another, which a cache of recent Docs misses; every article is
// still tokenised twice at most in the run, once to fingerprint it and
// once for its Doc.
func TestEachDocBuiltOnce(t *testing.T) {
	const m = 1300
	rng := rand.New(rand.NewPCG(3, 5))
	texts := make([]string, m)
	for k := range texts {
		words := make([]string, 80)
		for w := range words {
			words[w] = fmt.Sprintf("w%d", rng.IntN(50000))
		}
		texts[k] = strings.Join(words, " ") + "."
	}
	arts := make([]article.Article, 3*m)
	for i := range arts {
		arts[i] = article.Article{ID: fmt.Sprintf("a%04d", i), Body: texts[i%m]}
	}
	s, err := Stream(context.Background(), emitAll(arts), Options{CopyOnly: true, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Pairs) != 3*m {
		t.Fatalf("%d pairs, want %d", len(s.Pairs), 3*m)
	}
	if s.DocsBuilt != len(arts) {
		t.Fatalf("%d Docs built for %d articles, each in a pair: want each built once", s.DocsBuilt, len(arts))
	}
}

// TestDocStoreOverBudget: past its budget the store builds a Doc for the
// pair that asks and keeps none, and a kept Doc goes after its last pair.
func TestDocStoreOverBudget(t *testing.T) {
	cands := []candidate.Pair{{I: 0, J: 1}, {I: 0, J: 2}, {I: 1, J: 2}}
	s := newDocStore(3, cands, 2, func(i int32) *align.Doc { return align.NewDoc(fmt.Sprint("text ", i)) })
	for _, p := range cands {
		if a, b := s.get(p.I), s.get(p.J); a.Text != fmt.Sprint("text ", p.I) || b.Text != fmt.Sprint("text ", p.J) {
			t.Fatalf("pair %v: got Docs %q, %q", p, a.Text, b.Text)
		}
		s.release(p.I)
		s.release(p.J)
	}
	// 0 and 1 are kept (the budget), 2 is built for each of its two pairs.
	if got := s.built.Load(); got != 4 {
		t.Fatalf("%d Docs built, want 4", got)
	}
	if s.live != 0 || slices.ContainsFunc(s.docs, func(e *docEntry) bool { return e != nil }) {
		t.Fatalf("%d Docs still kept after every pair", s.live)
	}
}

// TestWindowBoundsStoryRoute: under a window, no pair of articles
// published farther apart comes from the story route (a story pair across
// it is one the copy routes found), fewer candidates are verified, and
// copy relations are those of the whole-corpus run (the siblings whose
// copy only the story route finds are published hours apart, not days).
func TestWindowBoundsStoryRoute(t *testing.T) {
	arts := synthArticles(t, 900)
	whole, err := Run(context.Background(), arts, Options{Story: true})
	if err != nil {
		t.Fatal(err)
	}
	w := candidate.Window{Span: 12 * time.Hour}
	got, err := Run(context.Background(), arts, Options{Story: true, Window: w})
	if err != nil {
		t.Fatal(err)
	}
	times := make([]align.When, len(arts))
	for i, d := range got.Docs {
		times[i] = d.Published
	}
	places, dated := w.Places(times)
	if !dated {
		t.Fatal("the synthetic corpus has no times")
	}
	copied, _, _ := got.Candidates(Options{}) // the copy routes' pairs
	isCopied := map[candidate.Pair]bool{}
	for _, c := range copied {
		isCopied[c] = true
	}
	far := 0
	for _, p := range got.Pairs {
		if !w.Near(places[p.I], places[p.J]) {
			far++
			if !isCopied[candidate.Pair{I: int32(p.I), J: int32(p.J)}] {
				t.Fatalf("pair %s %s, %v apart, verified though no copy route found it", arts[p.I].ID, arts[p.J].ID, w)
			}
		}
	}
	if got.Stats.Terms.Pairs >= whole.Stats.Terms.Pairs || far == 0 {
		t.Errorf("story route pairs %d under %v, %d without; %d copy pairs across it", got.Stats.Terms.Pairs, w, whole.Stats.Terms.Pairs, far)
	}
	strong := func(r *Result) (out []cluster.Pair) {
		for _, p := range r.Pairs {
			if p.Relation >= cluster.Partial {
				out = append(out, p)
			}
		}
		return out
	}
	if !slices.Equal(strong(got), strong(whole)) {
		t.Error("the window changed copy relations")
	}
}
