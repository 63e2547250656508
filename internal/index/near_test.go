package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/cluster"
)

// prose returns n words of made-up prose (syllable words, sentences of
// twelve), different for each seed.
func prose(seed uint64, n int) string {
	syl := []string{"ka", "lo", "mi", "ter", "sun", "bra", "vek", "dol", "pri", "zan", "gor", "fe", "nu", "ship", "wal", "tro", "hem", "quin", "ard", "sel"}
	rng := rand.New(rand.NewPCG(seed, 99))
	var b strings.Builder
	for i := range n {
		for range 2 + rng.IntN(2) {
			b.WriteString(syl[rng.IntN(len(syl))])
		}
		if i%12 == 11 {
			b.WriteString(". ")
		} else {
			b.WriteString(" ")
		}
	}
	return b.String()
}

// nearStory returns an original, a copy of it with a paragraph added, and k
// articles that copy that paragraph only: the copy's story grows with k,
// the original's direct partners do not.
func nearStory(k int) []article.Article {
	orig, para := prose(1, 200), prose(2, 90)
	arts := []article.Article{
		{ID: "orig", Outlet: "A", Title: "The original", Published: "2024-05-01T08:00:00Z", Body: orig},
		{ID: "copy", Outlet: "B", Title: "The copy", Published: "2024-05-01T09:00:00Z", Body: orig + "\n\n" + para},
	}
	for i := range k {
		arts = append(arts, article.Article{ID: fmt.Sprintf("follow%d", i), Outlet: "C", Title: fmt.Sprintf("Follower %d", i),
			Published: fmt.Sprintf("2024-05-02T%02d:00:00Z", i), Body: para + "\n\n" + prose(uint64(10+i), 150)})
	}
	return arts
}

// txCounts counts a transaction's reads: calls, and articles read with
// their text.
type txCounts struct{ calls, texts int }

type countingStore struct {
	Store
	c *txCounts
}

func (s countingStore) Begin(ctx context.Context, write bool) (Tx, error) {
	tx, err := s.Store.Begin(ctx, write)
	return countingTx{tx, s.c}, err
}

type countingTx struct {
	Tx
	c *txCounts
}

func (t countingTx) Count(ctx context.Context) (int, int64, error) {
	t.c.calls++
	return t.Tx.Count(ctx)
}
func (t countingTx) Versions(ctx context.Context, ids []string) (map[string]Version, error) {
	t.c.calls++
	return t.Tx.Versions(ctx, ids)
}
func (t countingTx) Light(ctx context.Context, seqs []int64) ([]Record, error) {
	t.c.calls++
	return t.Tx.Light(ctx, seqs)
}
func (t countingTx) DF(ctx context.Context, terms []uint64) (map[uint64]int32, error) {
	t.c.calls++
	return t.Tx.DF(ctx, terms)
}
func (t countingTx) Edges(ctx context.Context, seqs []int64) ([]Edge, error) {
	t.c.calls++
	return t.Tx.Edges(ctx, seqs)
}
func (t countingTx) Load(ctx context.Context, seqs []int64, text bool) ([]Record, error) {
	t.c.calls++
	recs, err := t.Tx.Load(ctx, seqs, text)
	if text {
		t.c.texts += len(recs)
	}
	return recs, err
}
func (t countingTx) meta(ctx context.Context, seqs []int64) ([]Record, error) {
	t.c.calls++
	return t.Tx.(searcher).meta(ctx, seqs)
}
func (t countingTx) copyEdges(ctx context.Context, seqs []int64) ([]Edge, error) {
	t.c.calls++
	return t.Tx.(searcher).copyEdges(ctx, seqs)
}
func (t countingTx) search(ctx context.Context, q Query) ([]Hit, int, error) {
	return t.Tx.(searcher).search(ctx, q)
}
func (t countingTx) outletDays(ctx context.Context, outlet string) ([]DayCount, error) {
	return t.Tx.(searcher).outletDays(ctx, outlet)
}
func (t countingTx) outletSeqs(ctx context.Context, outlet string, limit int) ([]int64, error) {
	return t.Tx.(searcher).outletSeqs(ctx, outlet, limit)
}

// TestDirectDoesNotGrowWithTheStory: an article page's reads (Direct) are
// the same whether its copy's story holds 2 or 8 other articles: as many
// calls, the texts of the article and its one copy only; its pair with
// the copy is Around's; a DFCache gives the same answer.
func TestDirectDoesNotGrowWithTheStory(t *testing.T) {
	ctx := context.Background()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			var counts []txCounts
			for _, k := range []int{2, 8} {
				st := open(t, be.dsn(t), false)
				if _, err := Add(ctx, st, nearStory(k), Options{}); err != nil {
					t.Fatal(err)
				}
				around, _, err := Around(ctx, st, "copy")
				if err != nil || len(around) != k+2 {
					t.Fatalf("k=%d: the copy's story holds %d articles, want %d (%v)", k, len(around), k+2, err)
				}
				c := &txCounts{}
				near, err := Direct(ctx, countingStore{st, c}, "orig", 20, nil)
				if err != nil {
					t.Fatal(err)
				}
				counts = append(counts, *c)
				checkNear(t, ctx, st, near)
				cached := &DFCache{}
				for range 2 {
					again, err := Direct(ctx, st, "orig", 20, cached)
					if err != nil || fmt.Sprint(again.Pairs) != fmt.Sprint(near.Pairs) {
						t.Errorf("k=%d: with a DFCache: %v, %v; want %v", k, again.Pairs, err, near.Pairs)
					}
				}
			}
			if counts[0] != counts[1] {
				t.Errorf("Direct's reads grow with the story: %+v with 2 followers, %+v with 8", counts[0], counts[1])
			}
			if counts[0].texts != 2 {
				t.Errorf("Direct read %d texts, want 2 (the article and its copy)", counts[0].texts)
			}
		})
	}
}

// checkNear checks Direct's answer for "orig": the copy is a copy
// partner with its text, and the centre's pairs are those of Around.
func checkNear(t *testing.T, ctx context.Context, st Store, near *Near) {
	t.Helper()
	if near.Articles[near.Centre].ID != "orig" || near.Articles[near.Centre].Body == "" {
		t.Fatalf("centre %d of %v", near.Centre, near.Articles)
	}
	ci := slices.IndexFunc(near.Articles, func(a article.Article) bool { return a.ID == "copy" })
	if ci < 0 || near.Articles[ci].Body == "" || !slices.Contains(near.Copies, ci) {
		t.Fatalf("the copy is not a copy partner with its text: %d in %v", ci, near.Copies)
	}
	arts, pairs, err := Around(ctx, st, "orig")
	if err != nil {
		t.Fatal(err)
	}
	want := centrePairs(arts, pairs, "orig")
	if got := centrePairs(near.Articles, near.Pairs, "orig"); !slices.Equal(got, want) {
		t.Errorf("Direct's pairs of orig:\n%v\nAround's:\n%v", got, want)
	}
	if !slices.ContainsFunc(want, func(s string) bool {
		return strings.HasPrefix(s, "copy ") && !strings.Contains(s, cluster.Story.String())
	}) {
		t.Errorf("no copy relation to the copy among %v", want)
	}
}

// centrePairs describes the pairs of id with the other articles.
func centrePairs(arts []article.Article, pairs []cluster.Pair, id string) []string {
	var out []string
	for _, p := range pairs {
		a, b := arts[p.I].ID, arts[p.J].ID
		if b == id {
			a, b = b, a
		}
		if a == id {
			out = append(out, fmt.Sprintf("%s %s %.4f %.4f %.4f %d %d", b, p.Relation, p.Similarity, p.AInB, p.BInA, p.Passages, p.Quotes))
		}
	}
	slices.Sort(out)
	return out
}

// TestCheckWithDFCache: Check through a DFCache finds the same pairs,
// scores included, as without, again once the cache holds the terms, and
// after an add (a new generation).
func TestCheckWithDFCache(t *testing.T) {
	t.Parallel() // see "Parallel tests" in store_test.go
	ctx := context.Background()
	arts := synthetic(t, 3, 90)
	st := open(t, filepath.Join(t.TempDir(), "i.db"), false)
	if _, err := Add(ctx, st, arts[:60], Options{}); err != nil {
		t.Fatal(err)
	}
	dfc := &DFCache{}
	check := func(when string) {
		t.Helper()
		want, err := Check(ctx, st, arts[60:75], Options{})
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			got, err := Check(ctx, st, arts[60:75], Options{DF: dfc})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got.Pairs) != fmt.Sprint(want.Pairs) {
				t.Errorf("%s: with a DFCache:\n%v\nwithout:\n%v", when, got.Pairs, want.Pairs)
			}
		}
	}
	check("60 indexed")
	if _, err := Add(ctx, st, arts[75:], Options{}); err != nil {
		t.Fatal(err)
	}
	check("75 indexed")
}
