package index

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/shingle"
)

// Postings kept as runs answer every lookup as a plain list would: capped
// and uncapped, across runs merged and not, for keys spanning many blocks
// (and both ends of the int64 range), after postings are removed.
func TestRuns(t *testing.T) {
	ctx := context.Background()
	st := open(t, filepath.Join(t.TempDir(), "runs.db"), false)
	rng := rand.New(rand.NewPCG(1, 2))
	// Keys: a few held by many articles, most by one or two.
	pool := []uint64{0, 1 << 63, 1<<63 - 1, 1<<64 - 1, 42}
	for range 300 {
		pool = append(pool, rng.Uint64())
	}
	var model []Posting
	seq := int64(1)
	sizes := []int{700, 400, 300, 90, 40, 15} // the first two merge
	for _, n := range sizes {
		var batch []post
		for range n {
			keys := []uint64{pool[rng.IntN(5)], pool[rng.IntN(5)], pool[5+rng.IntN(len(pool)-5)], rng.Uint64()}
			for _, k := range keys {
				batch = append(batch, post{int64(k), seq})
				model = append(model, Posting{k, seq})
			}
			seq++
		}
		tx, err := st.Begin(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		if err := tx.(*sqliteTx).addRun(ctx, batch); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	sortPostings(model)
	model = slices.Compact(model)
	want := func(keys []uint64, perKey int) []Posting {
		var out []Posting
		n := 0
		for i, p := range model {
			if i > 0 && p.Key != model[i-1].Key {
				n = 0
			}
			if slices.Contains(keys, p.Key) && (perKey <= 0 || n < perKey) {
				out = append(out, p)
			}
			if slices.Contains(keys, p.Key) {
				n++
			}
		}
		return out
	}
	check := func(what string) {
		tx, err := st.Begin(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		runs, _ := tx.(*sqliteTx).runs(ctx)
		t.Logf("%s: %d postings in %d runs", what, len(model), len(runs))
		queries := [][]uint64{pool[:5], pool, {pool[7]}, {rng.Uint64(), model[len(model)/2].Key}}
		for qi, keys := range queries {
			for _, perKey := range []int{0, 1, 3, 150, 201, 2000} {
				got, err := tx.Lookup(ctx, keys, perKey)
				if err != nil {
					t.Fatal(err)
				}
				if w := want(keys, perKey); !slices.Equal(got, w) {
					t.Errorf("%s (%d runs), query %d, perKey %d: %d postings, want %d", what, len(runs), qi, perKey, len(got), len(w))
				}
			}
		}
	}
	check("after adding")

	// Remove some articles' postings, from every run.
	var gone []post
	kept := model[:0]
	for _, p := range model {
		if p.Seq%7 == 0 {
			gone = append(gone, post{int64(p.Key), p.Seq})
		} else {
			kept = append(kept, p)
		}
	}
	model = kept
	tx, err := st.Begin(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.(*sqliteTx).deletePosts(ctx, gone); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	check("after removing")
	if err := st.Verify(ctx); err != nil {
		t.Fatal(err)
	}
}

// Light reads most of a range of seqs in one scan: it gives what reading
// them one by one gives.
func TestLightRange(t *testing.T) {
	ctx := context.Background()
	st := open(t, filepath.Join(t.TempDir(), "light.db"), false)
	rng := rand.New(rand.NewPCG(3, 4))
	var recs []Record
	for i := range 3000 {
		r := Record{Seq: int64(i + 1), Hash: []byte{1}}
		r.Article.ID = fmt.Sprint("a", i)
		for range 1 + rng.IntN(40) {
			r.Terms = append(r.Terms, shingle.NewTerm(rng.Uint64(), int32(1+rng.IntN(5))))
		}
		slices.SortFunc(r.Terms, func(a, b shingle.Term) int { return cmp.Compare(a.Hash(), b.Hash()) })
		recs = append(recs, r)
	}
	tx, err := st.Begin(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Put(ctx, recs, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	tx, err = st.Begin(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var dense []int64 // most of 100..2900, and one seq not indexed
	for s := int64(100); s <= 2900; s++ {
		if s%5 != 0 {
			dense = append(dense, s)
		}
	}
	dense = append(dense, 3001)
	got, err := tx.Light(ctx, dense)
	if err != nil {
		t.Fatal(err)
	}
	var want []Record
	for start := 0; start < len(dense); start += 100 { // under the scan's threshold
		part, err := tx.Light(ctx, dense[start:min(start+100, len(dense))])
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, part...)
	}
	if len(got) != len(dense)-1 || len(got) != len(want) {
		t.Fatalf("%d records read in one scan, %d one by one, %d asked for (one not indexed)", len(got), len(want), len(dense))
	}
	for i := range got {
		if got[i].Seq != want[i].Seq || !slices.Equal(got[i].Terms, want[i].Terms) || !slices.Equal(got[i].Terms, recs[got[i].Seq-1].Terms) {
			t.Fatalf("record %d: got seq %d %v, want seq %d %v", i, got[i].Seq, got[i].Terms, want[i].Seq, want[i].Terms)
		}
	}
}

// TestSortPosts: the radix sort orders postings as comparePost does, with
// keys and seqs across the whole int64 range, repeats, and short lists.
func TestSortPosts(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 7, 255, 256, 1000, 100000} {
		for _, spread := range []uint{0, 8, 40, 64} {
			ps := make([]post, n)
			for i := range ps {
				ps[i] = post{key: int64(rng.Uint64() >> (64 - spread)), seq: int64(rng.Uint64() >> (64 - spread/2))}
				if spread == 64 && i%3 == 0 {
					ps[i].key, ps[i].seq = -ps[i].key, -ps[i].seq
				}
			}
			want := slices.Clone(ps)
			slices.SortFunc(want, comparePost)
			sortPosts(ps)
			if !slices.Equal(ps, want) {
				t.Fatalf("%d postings, %d bits: not sorted as comparePost sorts", n, spread)
			}
		}
	}
}

func BenchmarkSortPosts(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	ps := make([]post, 600000)
	for i := range ps {
		ps[i] = post{key: int64(rng.Uint64()), seq: int64(90000 + i/60)}
	}
	for _, m := range []struct {
		name string
		sort func([]post)
	}{{"radix", sortPosts}, {"SortFunc", func(p []post) { slices.SortFunc(p, comparePost) }}} {
		b.Run(m.name, func(b *testing.B) {
			work := make([]post, len(ps))
			for b.Loop() {
				copy(work, ps)
				m.sort(work)
			}
		})
	}
}

// TestRunsCacheFollowsWrites: a read-only store's cached runs are those
// the table holds, after another store adds a batch (a new run, merges)
// and removes articles (counts change in place).
func TestRunsCacheFollowsWrites(t *testing.T) {
	t.Parallel() // see "Parallel tests" in store_test.go
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "i.db")
	st := open(t, dsn, false)
	arts := synthetic(t, 7, 300)
	if _, err := Add(ctx, st, arts[:100], Options{}); err != nil {
		t.Fatal(err)
	}
	ro := open(t, dsn, true)
	check := func(when string) {
		t.Helper()
		tx, err := ro.Begin(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		stx := tx.(*sqliteTx)
		cached, err := stx.runs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := stx.readRuns(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(cached, fresh) {
			t.Errorf("%s: cached runs differ from the table's", when)
		}
	}
	check("first read")
	check("read again")
	for k, batch := range [][]article.Article{arts[100:200], arts[200:250], arts[250:]} {
		if _, err := Add(ctx, st, batch, Options{}); err != nil {
			t.Fatal(err)
		}
		check(fmt.Sprintf("after batch %d", k+2))
	}
	if _, err := Remove(ctx, st, []string{arts[3].ID, arts[150].ID}); err != nil {
		t.Fatal(err)
	}
	check("after removing two")
}
