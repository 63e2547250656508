package index

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/candidate"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/pipeline"
	"github.com/copydesk/copydesk/internal/shingle"
)

// TestBuildFixture writes a large SQLite index for measuring `compare
// index check` at sizes that adding batch by batch would take hours to
// reach (BENCHMARKS.md: the 1M index). It runs only when asked:
//
//	COPYDESK_FIXTURE=/tmp/idx1m.db COPYDESK_FIXTURE_N=1000000 go test -run TestBuildFixture -timeout 0 ./internal/index
//
// The articles are those of `compare synth --seed 1 --n N`, stored as Add
// stores them (records, postings, document frequencies), with every
// article's story keys weighted by the final DF, and no edges: Check reads
// none. Postings are written in one sorted pass.
//
// With COPYDESK_FIXTURE_EDGES=1 it also stores the copy relations
// (duplicate, derived, partial) that `compare pairs` finds in the corpus,
// as Add stores a verified pair, so that `compare serve`'s article pages
// and relation filters have them; story relations (the story route) are
// not stored.
func TestBuildFixture(t *testing.T) {
	path := os.Getenv("COPYDESK_FIXTURE")
	if path == "" {
		t.Skip("set COPYDESK_FIXTURE (and COPYDESK_FIXTURE_N) to build a benchmark index")
	}
	n, err := strconv.Atoi(os.Getenv("COPYDESK_FIXTURE_N"))
	if err != nil {
		t.Fatal("COPYDESK_FIXTURE_N: ", err)
	}
	ctx := context.Background()
	if done(t, path) == n {
		// The articles are there (a run killed in the edges pass, which
		// needs memory of its own): only the edges are added.
		addFixtureEdges(t, path, n)
		return
	}
	const chunk = 10000
	// each calls fn on the corpus in chunks.
	each := func(fn func(arts []article.Article) error) {
		var arts []article.Article
		err := eachSynthetic(ctx, 1, n, func(art article.Article) error {
			var err error
			if arts = append(arts, art); len(arts) == chunk {
				err = fn(arts)
				arts = arts[:0]
			}
			return err
		})
		if err == nil && len(arts) > 0 {
			err = fn(arts)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	terms := func(arts []article.Article) [][]shingle.Term {
		out := make([][]shingle.Term, len(arts))
		parallel(ctx, len(arts), Options{}, "terms", func(i int) {
			d := align.NewDoc(pipeline.Text(&arts[i]))
			out[i] = shingle.Terms(d.Text, d.Tokens)
		})
		return out
	}
	var df shingle.DF
	each(func(arts []article.Article) error {
		for _, ts := range terms(arts) {
			df.Add(ts)
		}
		return nil
	})
	t.Logf("%d articles, %d terms", df.N, len(df.Count))

	st := open(t, path, false)
	tx, err := st.Begin(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	stx := tx.(*sqliteTx)
	var posts []Posting
	var seq int64
	each(func(arts []article.Article) error {
		preps, err := prepare(ctx, arts, Options{})
		if err != nil {
			return err
		}
		recs := make([]Record, len(preps))
		for i, p := range preps {
			seq++
			p.rec.Seq = seq
			top := candidate.PostedStoryKeys(shingle.NewVector(p.rec.Terms, &df))
			p.rec.Keys = slices.Concat(p.bands, p.anchors, salt(top, storySalt))
			for _, k := range p.rec.Keys {
				posts = append(posts, Posting{k, seq})
			}
			recs[i] = p.rec
			recs[i].Keys = nil // postings go in below, sorted, all at once
		}
		if err := tx.Put(ctx, recs, nil, nil); err != nil {
			return err
		}
		// The keys column as Add writes it.
		for i, p := range preps {
			if _, err := stx.tx.ExecContext(ctx, "UPDATE articles SET keys = ? WHERE seq = ?", encodeU64s(p.rec.Keys), recs[i].Seq); err != nil {
				return err
			}
		}
		return nil
	})
	slices.SortFunc(posts, func(a, b Posting) int {
		if int64(a.Key) != int64(b.Key) {
			if int64(a.Key) < int64(b.Key) {
				return -1
			}
			return 1
		}
		return int(a.Seq - b.Seq)
	})
	posts = slices.Compact(posts)
	run := make([]post, len(posts))
	for i, p := range posts {
		run[i] = post{int64(p.Key), p.Seq}
	}
	posts = nil
	if err := stx.writeRun(ctx, 1, run); err != nil {
		t.Fatal(err)
	}
	run = nil
	if err := tx.Put(ctx, nil, nil, df.Count); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	st.Close()
	addFixtureEdges(t, path, n)
}

// done returns how many articles the index at path holds (0 when there is
// none).
func done(t *testing.T, path string) int {
	if _, err := os.Stat(path); err != nil {
		return 0
	}
	st := open(t, path, true)
	defer st.Close()
	s, err := st.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s.Articles
}

// addFixtureEdges adds the copy relations of the first n articles of
// `compare synth --seed 1` to the fixture at path when
// COPYDESK_FIXTURE_EDGES is set, and prints what the fixture holds.
func addFixtureEdges(t *testing.T, path string, n int) {
	ctx := context.Background()
	st := open(t, path, false)
	if os.Getenv("COPYDESK_FIXTURE_EDGES") != "" {
		fixtureEdges(t, st, n)
	}
	s, _ := st.Stats(ctx)
	fmt.Printf("fixture %s: %d articles, %d edges, %d bytes\n", path, s.Articles, s.Edges, s.Bytes)
}

// fixtureEdges stores the copy relations among the first n articles of
// `compare synth --seed 1` (article k is seq k+1) as edges: a streaming
// copy run finds and classifies the pairs, as `compare pairs` does, and
// each copy pair is verified again for what an edge keeps of its result.
func fixtureEdges(t *testing.T, st Store, n int) {
	ctx := context.Background()
	var arts []article.Article // ids and outlets: what a Doc needs besides its text
	scan, err := pipeline.Stream(ctx, func(emit func(article.Article) error) error {
		return eachSynthetic(ctx, 1, n, func(art article.Article) error {
			arts = append(arts, article.Article{ID: art.ID, Outlet: art.Outlet})
			return emit(art)
		})
	}, pipeline.Options{CopyOnly: true, KeepTexts: true})
	if err != nil {
		t.Fatal(err)
	}
	res := scan.Result(arts)
	var copies []cluster.Pair
	for _, p := range scan.Pairs {
		if p.Relation >= cluster.Partial {
			copies = append(copies, p)
		}
	}
	t.Logf("%d verified pairs, %d copy pairs", len(scan.Pairs), len(copies))
	edges := make([]Edge, len(copies))
	parallel(ctx, len(copies), Options{}, "edges", func(k int) {
		p := copies[k]
		v, _ := cluster.Verify(ctx, res.Doc(p.I), res.Doc(p.J))
		edges[k] = Edge{A: int64(p.I + 1), B: int64(p.J + 1), AInB: v.AInB, BInA: v.BInA,
			CopyA: v.CopyA, CopyB: v.CopyB, Longest: v.LongestCopy, Passages: p.Passages, Quotes: p.Quotes, Verdict: cluster.Fitted.Verdict(&v)}
	})
	tx, err := st.Begin(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for len(edges) > 0 {
		k := min(len(edges), 100000)
		if err := tx.Put(ctx, nil, edges[:k], nil); err != nil {
			t.Fatal(err)
		}
		edges = edges[k:]
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}
