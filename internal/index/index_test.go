package index

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/pipeline"
	"github.com/copydesk/copydesk/internal/shingle"
)

const (
	seedsDir  = "../../testdata/seeds"
	crafted   = "../../testdata/crafted"
	seedCopy  = "../../testdata/index/seed003_syndicated.txt"
	seedThree = "../../testdata/seeds/003_42b99dcc7e84c36f.txt"
)

func find(rs []Relation, a, b string) *Relation {
	for i := range rs {
		if rs[i].A == a && rs[i].B == b {
			return &rs[i]
		}
	}
	return nil
}

// The seeds go in first; the second batch, crafted cases plus a
// syndicated copy of a seed, finds that copy against batch one, and check
// gives the same answer without adding anything.
func TestTwoBatches(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			dsn := b.dsn(t)
			st := open(t, dsn, false)
			res, err := Add(ctx, st, loadDir(t, seedsDir), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Added) != 5 || len(res.Pairs) != 10 {
				t.Fatalf("batch 1: %d added, %d pairs; want 5 and 10 (every seed pair)", len(res.Added), len(res.Pairs))
			}
			second := loadDir(t, crafted, seedCopy)

			ro := open(t, dsn, true)
			checked, err := Check(ctx, ro, second, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if n := count(t, st); n != 5 {
				t.Fatalf("check added articles: %d indexed, want 5", n)
			}

			res, err = Add(ctx, st, second, Options{})
			if err != nil {
				t.Fatal(err)
			}
			r := find(res.Pairs, seedThree, seedCopy)
			if r == nil || r.Pair.Relation != cluster.Duplicate {
				t.Fatalf("the copy of seed 003 was not found as a duplicate of it: %+v", r)
			}
			if !slices.Equal(relKeys(checked.Pairs), relKeys(res.Pairs)) {
				t.Errorf("check and add disagree:\ncheck %v\nadd   %v", relKeys(checked.Pairs), relKeys(res.Pairs))
			}
			for _, p := range res.Pairs {
				if strings.Contains(p.B, "seeds/") {
					t.Errorf("pair between two batch-1 articles reported in batch 2: %s %s", p.A, p.B)
				}
			}
			if n := count(t, st); n != 5+len(second) {
				t.Errorf("%d indexed, want %d", n, 5+len(second))
			}
		})
	}
}

func relKeys(rs []Relation) []string {
	var out []string
	for _, r := range rs {
		out = append(out, fmt.Sprintf("%s|%s|%s|%.6f|%.6f|%.6f|%d|%d", r.A, r.B, r.Pair.Relation, r.Pair.AInB, r.Pair.BInA, r.Pair.Similarity, r.Pair.Passages, r.Pair.Quotes))
	}
	return out
}

// addCopyPairs adds the batches to st in turn and returns the copy pairs
// (partial and stronger) they report, as pairKeys without similarity,
// sorted.
func addCopyPairs(t *testing.T, st Store, batches [][]article.Article, opt Options) []string {
	t.Helper()
	var got []string
	for _, b := range batches {
		res, err := Add(context.Background(), st, b, opt)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res.Pairs {
			if r.Pair.Relation >= cluster.Partial {
				got = append(got, pairKey(r.A, r.B, r.Pair, false))
			}
		}
	}
	slices.Sort(got)
	return got
}

// pairKey names a verified pair by ids (a is p.I's, b p.J's), with
// everything reported of it, its source by id.
func pairKey(a, b string, p cluster.Pair, withSimilarity bool) string {
	source := map[int]string{p.I: a, p.J: b}[p.Source]
	s := fmt.Sprintf("%s|%s|%s|%.9f|%.9f|%d|%d|%s|%.9f", a, b, p.Relation, p.AInB, p.BInA, p.Passages, p.Quotes, source, p.Share)
	if withSimilarity {
		s += fmt.Sprintf("|%.9f", p.Similarity)
	}
	return s
}

// Adding a corpus in ten batches gives the relations of `compare pairs` on
// the whole corpus at once: copy relations as each batch reports them
// (they do not depend on document frequencies), everything (story
// relations and similarities too) when the index is read as a whole with
// the final DF. Batch-time story similarities drift, and the test shows
// that they do.
func TestTenBatchesEqualAllAtOnce(t *testing.T) {
	t.Parallel() // see "Parallel tests" in store_test.go
	ctx := context.Background()
	n := 240
	if testing.Short() {
		n = 120
	}
	arts := synthetic(t, 7, n)
	whole, err := pipeline.Run(ctx, arts, pipeline.Options{Story: true})
	if err != nil {
		t.Fatal(err)
	}
	var wantCopy, wantAll []string
	for _, p := range whole.Pairs {
		a, b := arts[p.I].ID, arts[p.J].ID
		if p.Relation >= cluster.Partial {
			wantCopy = append(wantCopy, pairKey(a, b, p, false))
		}
		if p.Relation >= cluster.Story {
			wantAll = append(wantAll, pairKey(a, b, p, true))
		}
	}
	if len(wantCopy) < 10 {
		t.Fatalf("corpus too poor: %d copy pairs", len(wantCopy))
	}
	final := map[[2]string]float64{}
	for _, p := range whole.Pairs {
		final[[2]string{arts[p.I].ID, arts[p.J].ID}] = p.Similarity
	}

	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			st := open(t, b.dsn(t), false)
			var gotCopy []string
			drifted := 0
			for k := range 10 {
				batch := arts[k*n/10 : (k+1)*n/10]
				res, err := Add(ctx, st, batch, Options{})
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range res.Pairs {
					if r.Pair.Relation >= cluster.Partial {
						gotCopy = append(gotCopy, pairKey(r.A, r.B, r.Pair, false))
					}
					if r.Pair.Relation == cluster.Story && r.Pair.Similarity != final[[2]string{r.A, r.B}] {
						drifted++
					}
				}
			}
			slices.Sort(gotCopy)
			slices.Sort(wantCopy)
			if !slices.Equal(gotCopy, wantCopy) {
				t.Errorf("copy relations from ten batches differ from all at once:\n got %d %v\nwant %d %v", len(gotCopy), gotCopy, len(wantCopy), wantCopy)
			}
			if drifted == 0 {
				t.Errorf("no story similarity changed between its batch and the whole corpus: the test does not exercise DF drift")
			}
			t.Logf("%d copy pairs equal; %d story similarities reported at batch time differ from the final ones", len(gotCopy), drifted)

			g, err := LoadGraph(ctx, st, zeroTime)
			if err != nil {
				t.Fatal(err)
			}
			var gotAll []string
			for _, p := range g.Pairs {
				if p.Relation >= cluster.Story {
					gotAll = append(gotAll, pairKey(g.Articles[p.I].ID, g.Articles[p.J].ID, p, true))
				}
			}
			slices.Sort(gotAll)
			slices.Sort(wantAll)
			if !slices.Equal(gotAll, wantAll) {
				t.Errorf("index relations under the final DF differ from all at once:\n got %d\nwant %d", len(gotAll), len(wantAll))
			}
			for _, level := range []cluster.Level{cluster.Copy, cluster.StoryLvl} {
				got := cluster.Groups(len(g.Articles), g.Pairs, level)
				want := whole.Groups(level)
				if !slices.Equal(got, want) {
					t.Errorf("level %d: clusters over the index differ from all at once", level)
				}
			}
		})
	}
}

// Past candidate.AllPairsUpTo, with anchor buckets past their cap (the
// generator's stock phrases), a corpus of
// 3,000 articles added in ten batches gives exactly the copy pairs and copy
// groups of one run over it all: a capped bucket's pairs depend only on
// its earlier members (candidate.BucketPairs), so a batch that sees a
// bucket before it grows past its cap finds no pair the whole run does
// not. Seed 11 (the 3,000-article corpus of `compare synth --n 3000
// --seed 11`), SQLite: the rule is the store's lookup, not its SQL.
func TestTenBatchesEqualAllAtOnceAt3k(t *testing.T) {
	t.Parallel() // see "Parallel tests" in store_test.go
	if testing.Short() {
		t.Skip("3,000 articles")
	}
	ctx := context.Background()
	const n = 3000
	for _, seed := range []uint64{11} {
		arts := synthetic(t, seed, n)
		whole, err := pipeline.Run(ctx, arts, pipeline.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if whole.Stats.Anchors.Capped == 0 {
			t.Fatalf("seed %d: no capped bucket (%+v): the test does not exercise the caps", seed, whole.Stats)
		}
		var want []string
		for _, p := range whole.Pairs {
			if p.Relation >= cluster.Partial {
				want = append(want, pairKey(arts[p.I].ID, arts[p.J].ID, p, false))
			}
		}
		st := open(t, filepath.Join(t.TempDir(), "index.db"), false)
		var batches [][]article.Article
		for k := range 10 {
			batches = append(batches, arts[k*n/10:(k+1)*n/10])
		}
		got := addCopyPairs(t, st, batches, Options{CopyOnly: true})
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("seed %d: copy pairs from ten batches differ from all at once: %d and %d", seed, len(got), len(want))
		}
		g, err := LoadGraph(ctx, st, zeroTime)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(cluster.Groups(len(g.Articles), g.Pairs, cluster.Copy), whole.Groups(cluster.Copy)) {
			t.Errorf("seed %d: copy groups over the index differ from all at once", seed)
		}
		t.Logf("seed %d: %d copy pairs equal", seed, len(got))
	}
}

// Re-adding an unchanged article is a no-op; a changed one replaces the
// old version and its relations are recomputed.
func TestReAddAndRemove(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			st := open(t, b.dsn(t), false)
			arts := loadDir(t, crafted)
			if _, err := Add(ctx, st, arts, Options{}); err != nil {
				t.Fatal(err)
			}
			before, _ := st.Stats(ctx)
			res, err := Add(ctx, st, arts, Options{})
			if err != nil {
				t.Fatal(err)
			}
			after, _ := st.Stats(ctx)
			if len(res.Unchanged) != len(arts) || len(res.Added) != 0 || len(res.Pairs) != 0 || before.Articles != after.Articles || before.Edges != after.Edges {
				t.Fatalf("re-adding unchanged: %+v, %+v → %+v", res, before, after)
			}

			// Replace the wire story by unrelated text: its duplicate
			// relation with the syndicated copy must go.
			wire := slices.IndexFunc(arts, func(a article.Article) bool { return strings.HasSuffix(a.ID, "wire.txt") })
			other := slices.IndexFunc(arts, func(a article.Article) bool { return strings.HasSuffix(a.ID, "unrelated.txt") })
			changed := arts[wire]
			changed.Title, changed.Body = arts[other].Title, arts[other].Body+"\n\nAn extra closing paragraph."
			res, err = Add(ctx, st, []article.Article{changed}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Replaced) != 1 {
				t.Fatalf("replaced %v", res.Replaced)
			}
			for _, r := range res.Pairs {
				if r.Pair.Relation >= cluster.Derived && strings.HasSuffix(r.A, "syndicated.txt") {
					t.Errorf("replaced article still a copy of the syndicated one: %+v", r)
				}
			}
			if r := find(res.Pairs, arts[other].ID, changed.ID); r == nil || r.Pair.Relation != cluster.Duplicate {
				t.Errorf("new version not found as a duplicate of unrelated.txt: %+v", r)
			}
			g, err := LoadGraph(ctx, st, zeroTime)
			if err != nil {
				t.Fatal(err)
			}
			if len(g.Articles) != len(arts) {
				t.Errorf("%d articles after replacing one, want %d", len(g.Articles), len(arts))
			}
			for _, p := range g.Pairs {
				a, b := g.Articles[p.I].ID, g.Articles[p.J].ID
				if p.Relation >= cluster.Derived && (a == changed.ID && strings.HasSuffix(b, "syndicated.txt") || b == changed.ID && strings.HasSuffix(a, "syndicated.txt")) {
					t.Errorf("stale edge kept: %s %s %s", a, b, p.Relation)
				}
			}

			// The first article too: later articles' links name it.
			missing, err := Remove(ctx, st, []string{changed.ID, arts[0].ID, "no-such-id"})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(missing, []string{"no-such-id"}) {
				t.Errorf("missing %v", missing)
			}
			g, _ = LoadGraph(ctx, st, zeroTime)
			if len(g.Articles) != len(arts)-2 {
				t.Errorf("%d articles after rm, want %d", len(g.Articles), len(arts)-2)
			}
			for _, p := range g.Pairs {
				if g.Articles[p.I].ID == changed.ID || g.Articles[p.J].ID == changed.ID || g.Articles[p.I].ID == arts[0].ID {
					t.Errorf("edge of a removed article kept")
				}
			}
			// What is stored, links included, names indexed articles only.
			tx, _ := st.Begin(ctx, false)
			stored, err := tx.Edges(ctx, nil)
			tx.Rollback()
			if err != nil {
				t.Fatal(err)
			}
			links := 0
			for _, e := range stored {
				_, okA := slices.BinarySearch(g.Seqs, e.A)
				_, okB := slices.BinarySearch(g.Seqs, e.B)
				if !okA || !okB {
					t.Errorf("stored edge %d-%d names a removed article", e.A, e.B)
				}
				if isLink(&e) {
					links++
				}
			}
			if s, _ := st.Stats(ctx); s.Edges != len(stored) || len(g.Pairs) != len(stored) || links == 0 {
				t.Errorf("stats count %d verified pairs, %d stored (%d links), graph %d", s.Edges, len(stored), links, len(g.Pairs))
			}
			// Document frequencies are back to those of the articles left:
			// adding the whole set again to a fresh index gives the same DF.
			tx, _ = st.Begin(ctx, false)
			dfGot, err := tx.AllDF(ctx)
			tx.Rollback()
			if err != nil {
				t.Fatal(err)
			}
			fresh := open(t, b.dsn(t), false)
			left := slices.Delete(slices.Clone(arts), wire, wire+1)[1:]
			if _, err := Add(ctx, fresh, left, Options{}); err != nil {
				t.Fatal(err)
			}
			tx, _ = fresh.Begin(ctx, false)
			dfWant, _ := tx.AllDF(ctx)
			tx.Rollback()
			if len(dfGot) != len(dfWant) {
				t.Errorf("DF table after replace and rm: %d terms, fresh index %d", len(dfGot), len(dfWant))
			}
			for k, v := range dfWant {
				if dfGot[k] != v {
					t.Fatalf("DF of %x: %d, want %d", k, dfGot[k], v)
				}
			}
		})
	}
}

// Two writers on one index at once: both finish, nothing is lost, and the
// copies split across their batches are found.
func TestConcurrentAdders(t *testing.T) {
	t.Parallel() // see "Parallel tests" in store_test.go
	ctx := context.Background()
	arts := synthetic(t, 3, 160)
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			dsn := b.dsn(t)
			open(t, dsn, false) // create
			var wg sync.WaitGroup
			results := make([]*Result, 2)
			errs := make([]error, 2)
			for w := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					st, err := Open(ctx, dsn, false)
					if err != nil {
						errs[w] = err
						return
					}
					defer st.Close()
					var mine []article.Article
					for i := w; i < len(arts); i += 2 {
						mine = append(mine, arts[i])
					}
					results[w], errs[w] = Add(ctx, st, mine, Options{Workers: 1})
				}()
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			st := open(t, dsn, true)
			if n := count(t, st); n != len(arts) {
				t.Fatalf("%d articles indexed, want %d", n, len(arts))
			}
			// Every copy pair of the whole corpus is in the index.
			whole, err := pipeline.Run(ctx, arts, pipeline.Options{})
			if err != nil {
				t.Fatal(err)
			}
			g, err := LoadGraph(ctx, st, zeroTime)
			if err != nil {
				t.Fatal(err)
			}
			have := map[[2]string]cluster.Relation{}
			for _, p := range g.Pairs {
				a, b := g.Articles[p.I].ID, g.Articles[p.J].ID
				have[[2]string{a, b}], have[[2]string{b, a}] = p.Relation, p.Relation
			}
			copies := 0
			for _, p := range whole.Pairs {
				if p.Relation < cluster.Partial {
					continue
				}
				copies++
				if got := have[[2]string{arts[p.I].ID, arts[p.J].ID}]; got != p.Relation {
					t.Errorf("%s %s: %s in the index, %s all at once", arts[p.I].ID, arts[p.J].ID, got, p.Relation)
				}
			}
			if copies == 0 {
				t.Fatal("no copy pairs in the corpus")
			}
		})
	}
}

// An index of schema version 1 is upgraded on open; one written by a newer
// version is refused and left as it was.
func TestSchemaVersions(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v1.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(sqliteSchema(migrations[0]) + fmt.Sprintf("; PRAGMA application_id=%d; PRAGMA user_version=1", applicationID)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	st := open(t, path, false)
	s, err := st.Stats(ctx)
	if err != nil || s.SchemaVersion != SchemaVersion {
		t.Fatalf("after upgrade: %+v %v", s, err)
	}
	if _, err := Add(ctx, st, loadDir(t, seedsDir), Options{}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	newer := filepath.Join(t.TempDir(), "newer.db")
	db, _ = sql.Open("sqlite", newer)
	if _, err := db.Exec(fmt.Sprintf("CREATE TABLE t (x); PRAGMA application_id=%d; PRAGMA user_version=%d", applicationID, SchemaVersion+1)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, ro := range []bool{false, true} {
		assertRefused(t, newer, ro, "newer copydesk")
	}
}

// assertRefused opens path, expects an error mentioning want, and checks
// that the file was not touched and no journal was left beside it.
func assertRefused(t *testing.T, path string, readOnly bool, want string) {
	t.Helper()
	before, _ := os.ReadFile(path)
	_, err := Open(context.Background(), path, readOnly)
	if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), path+": ") {
		t.Errorf("open %s (read-only %v): %v; want an error naming the file and saying %q", path, readOnly, err, want)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error spans lines: %q", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Errorf("%s was modified", path)
	}
	for _, s := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(path + s); err == nil {
			t.Errorf("%s%s left behind", path, s)
		}
	}
}

func TestBadFiles(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.db")
	os.WriteFile(junk, bytes.Repeat([]byte("not a database, "), 400), 0o644)
	assertRefused(t, junk, false, "not a SQLite database")

	// A SQLite header on corrupt pages.
	corrupt := filepath.Join(dir, "corrupt.db")
	page := make([]byte, 8192)
	copy(page, sqliteMagic)
	page[16], page[17] = 0x10, 0x00 // page size 4096
	for i := 100; i < len(page); i++ {
		page[i] = byte(i * 7)
	}
	os.WriteFile(corrupt, page, 0o644)
	assertRefused(t, corrupt, false, "")

	other := filepath.Join(dir, "other.db")
	db, _ := sql.Open("sqlite", other)
	if _, err := db.Exec("CREATE TABLE notes (x)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	assertRefused(t, other, false, "another application")

	if _, err := Open(context.Background(), filepath.Join(dir, "missing.db"), true); err == nil || !strings.Contains(err.Error(), "no such index") {
		t.Errorf("read-only open of a missing index: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("read-only open created the file")
	}
}

func TestAroundAndSince(t *testing.T) {
	ctx := context.Background()
	st := open(t, filepath.Join(t.TempDir(), "i.db"), false)
	arts := loadDir(t, crafted)
	for i := range arts {
		arts[i].Published = fmt.Sprintf("2024-05-%02dT10:00:00Z", i+1)
	}
	if _, err := Add(ctx, st, arts, Options{}); err != nil {
		t.Fatal(err)
	}
	wire := "../../testdata/crafted/wire.txt"
	got, pairs, err := Around(ctx, st, wire)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range got {
		ids = append(ids, filepath.Base(a.ID))
		if a.Body == "" {
			t.Errorf("%s: no text", a.ID)
		}
	}
	for _, want := range []string{"wire.txt", "syndicated.txt", "trimmed.txt", "partial.txt"} {
		if !slices.Contains(ids, want) {
			t.Errorf("around wire.txt: %v lacks %s", ids, want)
		}
	}
	if slices.Contains(ids, "unrelated.txt") {
		t.Errorf("around wire.txt: %v holds unrelated.txt", ids)
	}
	if len(pairs) < len(got)-1 {
		t.Errorf("%d pairs among %d articles", len(pairs), len(got))
	}
	if _, _, err := Around(ctx, st, "nope"); err == nil {
		t.Error("Around of a missing id: no error")
	}
	g, err := LoadGraph(ctx, st, parsePublished("2024-05-04"))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Articles) != len(arts)-3 {
		t.Errorf("since 2024-05-04: %d articles, want %d", len(g.Articles), len(arts)-3)
	}
}

// CopyOnly: Check skips the story route, Add verifies it but reports the
// same pairs as Check; their copy relations are a full check's, less at
// most those only a story candidate finds.
func TestCheckCopyOnly(t *testing.T) {
	ctx := context.Background()
	arts := synthetic(t, 7, 140)
	st := open(t, filepath.Join(t.TempDir(), "c.db"), false)
	if _, err := Add(ctx, st, arts[:100], Options{}); err != nil {
		t.Fatal(err)
	}
	keys := func(res *Result, copies bool) []string {
		var out []string
		for _, r := range res.Pairs {
			if !copies || r.Pair.Relation >= cluster.Partial {
				out = append(out, pairKey(r.A, r.B, r.Pair, true))
			}
		}
		slices.Sort(out)
		return out
	}
	full, err := Check(ctx, st, arts[100:], Options{})
	if err != nil {
		t.Fatal(err)
	}
	only, err := Check(ctx, st, arts[100:], Options{CopyOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	fullCopies, onlyCopies := keys(full, true), keys(only, true)
	if len(onlyCopies) == 0 || len(only.Pairs) >= len(full.Pairs) {
		t.Errorf("copy-only check: %d pairs (%d copies), full check %d", len(only.Pairs), len(onlyCopies), len(full.Pairs))
	}
	for _, k := range onlyCopies {
		if _, found := slices.BinarySearch(fullCopies, k); !found {
			t.Errorf("copy-only check found %s, the full check did not", k)
		}
	}
	added, err := Add(ctx, st, arts[100:], Options{CopyOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := keys(added, false), keys(only, false); !slices.Equal(got, want) {
		t.Errorf("add with CopyOnly reported %d pairs, check with CopyOnly %d", len(got), len(want))
	}
	s, _ := st.Stats(ctx)
	g, err := LoadGraph(ctx, st, zeroTime)
	if err != nil || s.Articles != 140 {
		t.Fatal(s, err)
	}
	if len(g.Pairs) < len(full.Pairs) {
		t.Errorf("add with CopyOnly stored %d pairs in all, fewer than the full check verified for the batch (%d)", len(g.Pairs), len(full.Pairs))
	}
}

// Reading at most MaxBucket+1 postings per key gives the same candidates
// as reading them all, for keys held by more articles than that.
func TestLookupCapped(t *testing.T) {
	ctx := context.Background()
	seed := loadDir(t, seedThree)[0]
	var arts []article.Article
	for i := range 215 {
		a := seed
		a.ID = fmt.Sprintf("copy%03d", i)
		a.Body += fmt.Sprintf("\n\nFiled by desk %d.", i)
		arts = append(arts, a)
	}
	st := open(t, filepath.Join(t.TempDir(), "cap.db"), false)
	for _, b := range [][]article.Article{arts[:100], arts[100:205]} {
		if _, err := Add(ctx, st, b, Options{}); err != nil {
			t.Fatal(err)
		}
	}
	check := func(all bool) []string {
		lookupAll = all
		defer func() { lookupAll = false }()
		res, err := Check(ctx, st, arts[205:], Options{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range res.Pairs {
			out = append(out, pairKey(r.A, r.B, r.Pair, true))
		}
		return out
	}
	capped, all := check(false), check(true)
	if len(all) == 0 || !slices.Equal(capped, all) {
		t.Errorf("capped lookup: %d pairs, full lookup: %d", len(capped), len(all))
	}
}

// An index of schema 3 (postings rows; terms and fingerprints in the
// articles rows, some rows without a fingerprint) is upgraded on open and
// gives the same answers: the same pairs for a new batch, the same graph.
func TestUpgradeFrom3(t *testing.T) {
	t.Parallel() // see "Parallel tests" in store_test.go
	ctx := context.Background()
	arts := synthetic(t, 17, 800)
	path := filepath.Join(t.TempDir(), "v3.db")
	st := open(t, path, false)
	// An index of schema 3 holds sampled anchors (before winnowing).
	if _, err := st.(*sqliteStore).db.Exec("UPDATE anchor_scheme SET winnowed = 0"); err != nil {
		t.Fatal(err)
	}
	if _, err := Add(ctx, st, arts[:600], Options{}); err != nil {
		t.Fatal(err)
	}
	answers := func(st Store) ([]string, []string) {
		res, err := Check(ctx, st, arts[600:], Options{})
		if err != nil {
			t.Fatal(err)
		}
		var pairs, graph []string
		for _, r := range res.Pairs {
			pairs = append(pairs, pairKey(r.A, r.B, r.Pair, true))
		}
		g, err := LoadGraph(ctx, st, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range g.Pairs {
			graph = append(graph, fmt.Sprintf("%d %d %s %.9f", p.I, p.J, p.Relation, p.Similarity))
		}
		return pairs, graph
	}
	// Edges written before schema 7 hold no verdict of the derivation
	// model: the answers to keep are those of edges without one.
	if _, err := st.(*sqliteStore).db.Exec("UPDATE edges SET derivation = 0, share = 0, reworded = 0"); err != nil {
		t.Fatal(err)
	}
	wantPairs, wantGraph := answers(st)
	// Back to schema 3's layout: postings rows, terms and fingerprints in
	// the articles rows (a third of them without a fingerprint).
	tx, err := st.Begin(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	stx := tx.(*sqliteTx)
	runs, err := stx.runs(ctx)
	if err != nil || len(runs) == 0 {
		t.Fatalf("runs: %v %v", runs, err)
	}
	if _, err := stx.tx.Exec(`CREATE TABLE postings (key INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (key, seq)) WITHOUT ROWID`); err != nil {
		t.Fatal(err)
	}
	for i := range runs {
		ps, err := stx.readRun(ctx, &runs[i])
		if err != nil {
			t.Fatal(err)
		}
		var args []any
		for _, p := range ps {
			args = append(args, p.key, p.seq)
		}
		if err := stx.insert(ctx, "INSERT INTO postings (key, seq)", "", 2, args); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := stx.tx.Exec("DROP TABLE runs; DROP TABLE blocks"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	st.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`ALTER TABLE articles ADD COLUMN terms BLOB;
		ALTER TABLE articles ADD COLUMN shingles BLOB;
		UPDATE articles SET terms = (SELECT t.terms FROM terms t WHERE t.seq = articles.seq),
			shingles = (SELECT f.shingles FROM fingerprints f WHERE f.seq = articles.seq AND f.seq % 3 <> 0);
		DROP TABLE terms;
		DROP TABLE fingerprints;
		DROP TABLE search;
		DROP TABLE link_back;
		DROP TABLE anchor_scheme;
		DROP INDEX articles_outlet;
		ALTER TABLE edges DROP COLUMN derivation;
		ALTER TABLE edges DROP COLUMN share;
		ALTER TABLE edges DROP COLUMN reworded;
		PRAGMA user_version = 3`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	st = open(t, path, false)
	if s, err := st.Stats(ctx); err != nil || s.SchemaVersion != SchemaVersion || s.Articles != 600 {
		t.Fatalf("after upgrade: %+v %v", s, err)
	}
	gotPairs, gotGraph := answers(st)
	if len(wantPairs) == 0 || !slices.Equal(gotPairs, wantPairs) {
		t.Errorf("pairs after the upgrade differ: got %d, want %d", len(gotPairs), len(wantPairs))
	}
	if len(wantGraph) == 0 || !slices.Equal(gotGraph, wantGraph) {
		t.Errorf("graph after the upgrade differs: got %d pairs, want %d", len(gotGraph), len(wantGraph))
	}
	if _, err := Add(ctx, st, arts[600:], Options{}); err != nil {
		t.Fatal(err)
	}
	if err := st.Verify(ctx); err != nil {
		t.Fatal(err)
	}
}

// Candidates whose fingerprints share nothing are decided without reading
// the indexed text; rows without a fingerprint (written before schema 3)
// have their text read; both give the same pairs as reading every text.
func TestFingerprints(t *testing.T) {
	t.Parallel() // see "Parallel tests" in store_test.go
	ctx := context.Background()
	// Up to candidate.AllPairsUpTo every pair is a candidate and aligned
	// unless the texts share no shingle (past it, a story pair sharing no
	// anchor is scored by cosine alone whatever its fingerprint).
	arts := synthetic(t, 11, 400)
	path := filepath.Join(t.TempDir(), "fp.db")
	st := open(t, path, false)
	if _, err := Add(ctx, st, arts[:300], Options{}); err != nil {
		t.Fatal(err)
	}
	check := func() ([]string, *Result) {
		res, err := Check(ctx, st, arts[300:], Options{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range res.Pairs {
			out = append(out, pairKey(r.A, r.B, r.Pair, true))
		}
		return out, res
	}
	withFP, res := check()
	indexed := map[string]bool{}
	for _, r := range res.Pairs {
		for _, id := range []string{r.A, r.B} {
			if slices.ContainsFunc(arts[:300], func(a article.Article) bool { return a.ID == id }) {
				indexed[id] = true
			}
		}
	}
	fpRead := res.textsRead
	if res.textsRead == 0 || res.textsRead >= len(indexed) {
		t.Errorf("read %d indexed texts for %d indexed articles in candidate pairs: want some, not all", res.textsRead, len(indexed))
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("DELETE FROM fingerprints"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	without, res := check()
	if res.textsRead != len(indexed) {
		t.Errorf("without fingerprints: read %d texts, want every candidate's (%d)", res.textsRead, len(indexed))
	}
	t.Logf("%d pairs; %d indexed articles in them; texts read with fingerprints: %d", len(withFP), len(indexed), fpRead)
	if len(withFP) == 0 || !slices.Equal(withFP, without) {
		t.Errorf("with fingerprints %d pairs, reading every text %d:\n%v\n%v", len(withFP), len(without), withFP, without)
	}
}

// Past candidate.AllPairsUpTo the story route goes through the term index
// and its pairs that share no anchor are scored by cosine alone, in the
// index as in `compare pairs`: copy relations from two batches equal the
// all-at-once run's.
func TestCopyPastAllPairs(t *testing.T) {
	t.Parallel() // see "Parallel tests" in store_test.go
	ctx := context.Background()
	arts := synthetic(t, 13, 700)
	whole, err := pipeline.Run(ctx, arts, pipeline.Options{Story: true})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, p := range whole.Pairs {
		if p.Relation >= cluster.Partial {
			want = append(want, pairKey(arts[p.I].ID, arts[p.J].ID, p, false))
		}
	}
	st := open(t, filepath.Join(t.TempDir(), "big.db"), false)
	got := addCopyPairs(t, st, [][]article.Article{arts[:600], arts[600:]}, Options{})
	slices.Sort(want)
	if len(want) < 10 || !slices.Equal(got, want) {
		t.Errorf("copy relations from two batches differ from all at once:\n got %d %v\nwant %d %v", len(got), got, len(want), want)
	}
}

// TestAddEqualsCheckPastAllPairs: a batch of one syndicated copy against
// 1,000 indexed articles gives the same pairs, scores included, whether it
// is checked or added. The batch is small enough that the document
// frequencies of the candidates' terms are looked up one by one after its
// records (and their counts) are written: Add must not count the batch
// twice there.
func TestAddEqualsCheckPastAllPairs(t *testing.T) {
	t.Parallel() // see "Parallel tests" in store_test.go
	ctx := context.Background()
	arts := synthetic(t, 17, 1000)
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			st := open(t, be.dsn(t), false)
			if _, err := Add(ctx, st, arts, Options{}); err != nil {
				t.Fatal(err)
			}
			// The copy of the first article with story relations too
			// (pairs whose indexed article has terms the copy lacks).
			var cp article.Article
			var checked *Result
			for i := range 100 {
				cp = arts[i]
				cp.ID, cp.Title = "copy-of-"+cp.ID, cp.Title+" (update)"
				var err error
				if checked, err = Check(ctx, st, []article.Article{cp}, Options{}); err != nil {
					t.Fatal(err)
				}
				if len(checked.Pairs) >= 4 {
					break
				}
			}
			added, err := Add(ctx, st, []article.Article{cp}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			show := func(res *Result) []string {
				var out []string
				for _, r := range res.Pairs {
					out = append(out, pairKey(r.A, r.B, r.Pair, true)+fmt.Sprintf(" %.12f", r.Pair.Similarity))
				}
				return out
			}
			got, want := show(added), show(checked)
			if len(want) < 4 || !slices.Equal(got, want) {
				t.Errorf("add and check differ:\n add %v\ncheck %v", got, want)
			}
			if p := added.Pairs[0]; "copy-of-"+p.A != cp.ID || p.Pair.Relation < cluster.Derived {
				t.Errorf("strongest pair %s–%s %v, want the copy and its original", p.A, p.B, p.Pair.Relation)
			}
		})
	}
}

// TestAddCopyOnlyStoresTheSame: adding with CopyOnly skips the cosines of
// the pairs scored by cosine alone (it does not report them), but stores
// what a full add stores: the index read as a whole is the same.
func TestAddCopyOnlyStoresTheSame(t *testing.T) {
	t.Parallel() // see "Parallel tests" in store_test.go
	ctx := context.Background()
	arts := synthetic(t, 19, 1100)
	graph := func(opt Options) *Graph {
		st := open(t, filepath.Join(t.TempDir(), "g.db"), false)
		for _, b := range [][]article.Article{arts[:700], arts[700:]} {
			if _, err := Add(ctx, st, b, opt); err != nil {
				t.Fatal(err)
			}
		}
		g, err := LoadGraph(ctx, st, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	full, only := graph(Options{}), graph(Options{CopyOnly: true})
	story := 0
	for _, p := range full.Pairs {
		if p.Relation == cluster.Story {
			story++
		}
	}
	if story < 10 || !slices.Equal(full.Pairs, only.Pairs) {
		t.Errorf("stored pairs differ: full add %d (%d story), copy-only add %d", len(full.Pairs), story, len(only.Pairs))
	}
}

// TestBatchUsedOnce: a batch prepared ahead is added like the same
// articles given to Add, and cannot be added a second time.
func TestBatchUsedOnce(t *testing.T) {
	ctx := context.Background()
	arts := synthetic(t, 23, 60)
	one := open(t, filepath.Join(t.TempDir(), "a.db"), false)
	two := open(t, filepath.Join(t.TempDir(), "b.db"), false)
	want, err := Add(ctx, one, arts, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Prepare(ctx, arts, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.Add(ctx, two, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Pairs) < 5 || len(got.Pairs) != len(want.Pairs) || len(got.Added) != len(arts) {
		t.Errorf("prepared batch: %d pairs, %d added; Add: %d pairs", len(got.Pairs), len(got.Added), len(want.Pairs))
	}
	for i := range min(len(got.Pairs), len(want.Pairs)) {
		if g, w := got.Pairs[i], want.Pairs[i]; g.A != w.A || g.B != w.B || g.Pair != w.Pair {
			t.Fatalf("pair %d: %+v, want %+v", i, g, w)
		}
	}
	if _, err := b.Add(ctx, two, Options{}); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("adding a batch twice: %v", err)
	}
	if n := count(t, two); n != len(arts) {
		t.Errorf("%d articles indexed, want %d", n, len(arts))
	}
}

// An index that held articles before schema 9 keeps its sampled anchors
// (its postings were written with them), so the articles added to it get
// sampled anchors too; a new index, or one that was empty, winnows.
func TestAnchorSchemeOnUpgrade(t *testing.T) {
	ctx := context.Background()
	arts := synthetic(t, 5, 40)
	winnowed := func(st Store) bool {
		tx, err := st.Begin(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		w, err := tx.Winnowed(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	for _, c := range []struct {
		name     string
		articles int
		want     bool
	}{{"empty", 0, true}, {"written", 20, false}} {
		path := filepath.Join(t.TempDir(), c.name+".db")
		st := open(t, path, false)
		if !winnowed(st) {
			t.Fatalf("%s: a new index does not winnow", c.name)
		}
		if _, err := Add(ctx, st, arts[:c.articles], Options{}); err != nil {
			t.Fatal(err)
		}
		st.Close()
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("DROP TABLE anchor_scheme; PRAGMA user_version = 8"); err != nil {
			t.Fatal(err)
		}
		db.Close()
		st = open(t, path, false)
		if got := winnowed(st); got != c.want {
			t.Fatalf("%s: winnowed %v after the upgrade, want %v", c.name, got, c.want)
		}
		// The next article's anchor postings follow the index's scheme.
		if _, err := Add(ctx, st, arts[30:31], Options{}); err != nil {
			t.Fatal(err)
		}
		d := pipeline.NewDoc(&arts[30])
		anchors := shingle.SampledAnchors(d.Shingles)
		if c.want {
			anchors = shingle.Anchors(d.Shingles)
		}
		tx, err := st.Begin(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		ps, err := tx.Lookup(ctx, salt(anchors, anchorSalt), 0)
		tx.Rollback()
		if err != nil {
			t.Fatal(err)
		}
		found := make(map[uint64]bool)
		for _, p := range ps {
			found[p.Key] = true
		}
		if len(found) != len(anchors) {
			t.Errorf("%s: %d of the article's %d anchors posted", c.name, len(found), len(anchors))
		}
	}
}
