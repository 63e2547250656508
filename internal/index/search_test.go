package index

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/copydesk/copydesk/internal/article"
)

// searchArts are four small articles whose words a search can tell apart.
func searchArts() []article.Article {
	return []article.Article{
		{ID: "a1", Outlet: "Alpha", Title: "Floods in the valley", Published: "2024-03-01", Body: "Heavy rain flooded the valley town of Rêveville on Monday."},
		{ID: "a2", Outlet: "Beta", Title: "Budget talks stall", Published: "2024-03-02", Body: "Ministers failed to agree on the budget; the valley projects wait."},
		{ID: "a3", Outlet: "Alpha", Title: "Cup final tonight", Published: "2024-03-05", Body: "The cup final kicks off at eight. \"Quoted\" OR NOT; -- '); DROP TABLE articles;"},
		{ID: "a4", Outlet: "Gamma", Title: "No date here", Body: "An undated note about the valley and its rain."},
	}
}

func hitIDs(hs []Hit) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.ID)
	}
	return out
}

// TestSearch: words, outlet and dates filter; hits come newest first and
// are paged with a total; query syntax and SQL in the words are just
// words; a removed or replaced article leaves the search index.
func TestSearch(t *testing.T) {
	ctx := context.Background()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			st := open(t, be.dsn(t), false)
			if _, err := Add(ctx, st, searchArts(), Options{}); err != nil {
				t.Fatal(err)
			}
			search := func(q Query, want []string, wantN int) {
				t.Helper()
				hs, n, err := Search(ctx, st, q)
				if err != nil {
					t.Fatalf("%+v: %v", q, err)
				}
				if got := hitIDs(hs); !slices.Equal(got, want) || n != wantN {
					t.Errorf("%+v: got %v (%d), want %v (%d)", q, got, n, want, wantN)
				}
			}
			search(Query{Text: "valley"}, []string{"a4", "a2", "a1"}, 3)
			search(Query{Text: "VALLEY rain"}, []string{"a4", "a1"}, 2)
			search(Query{Text: "reveville"}, []string{"a1"}, 1) // diacritics folded
			search(Query{Text: "valley", Outlet: "Alpha"}, []string{"a1"}, 1)
			search(Query{Text: "valley", From: time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC)}, []string{"a2"}, 1)
			search(Query{To: time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC)}, []string{"a1"}, 1)
			search(Query{Text: "valley", Limit: 1, Offset: 1}, []string{"a2"}, 3)
			march := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
			search(Query{Text: "valley", From: march, Limit: 1, Offset: 1}, []string{"a1"}, 2)
			search(Query{Text: "valley", From: march, Limit: 1, Offset: 1, NoCount: true}, []string{"a1"}, -1)
			search(Query{Text: "valley", From: march, Limit: 5, Offset: 2}, nil, 2)
			search(Query{Text: "valley", NoCount: true}, []string{"a4", "a2", "a1"}, -1)
			search(Query{}, []string{"a4", "a3", "a2", "a1"}, 4)
			search(Query{Text: `"Quoted" OR NOT; -- '); DROP TABLE articles;`}, []string{"a3"}, 1)
			search(Query{Text: `* ") ( NEAR`}, []string{}, 0)
			search(Query{Text: "; --"}, nil, 0)
			// Each word is one token of the full-text table's tokenizer (it
			// keeps columns, not positions: a phrase of two would fail).
			for _, w := range []string{"don't", "état-major", "東京都", "e\u0301te", "ｆｕｌｌ", "½", "x²", "٣٤", "a\u200db", "🙂x", "Ⅻ", "ß"} {
				if _, _, err := Search(ctx, st, Query{Text: w, Outlet: "Alpha"}); err != nil {
					t.Errorf("%q: %v", w, err)
				}
				if _, _, err := Search(ctx, st, Query{Text: w}); err != nil {
					t.Errorf("%q: %v", w, err)
				}
			}

			if _, err := Remove(ctx, st, []string{"a1"}); err != nil {
				t.Fatal(err)
			}
			changed := searchArts()[3]
			changed.Body = "A dated note about the harbour."
			if _, err := Add(ctx, st, []article.Article{changed}, Options{}); err != nil {
				t.Fatal(err)
			}
			search(Query{Text: "valley"}, []string{"a2"}, 1)
			search(Query{Text: "harbour"}, []string{"a4"}, 1)

			days, err := OutletDays(ctx, st, "Alpha")
			if err != nil || len(days) != 1 || days[0].N != 1 || !days[0].Day.Equal(time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("OutletDays(Alpha) = %+v, %v", days, err)
			}
			got, err := Articles(ctx, st, []string{"a3", "nope", "a2"})
			if err != nil || len(got) != 2 || got[0].ID != "a3" || got[1].Body == "" {
				t.Errorf("Articles = %+v, %v", got, err)
			}
		})
	}
}

// TestSearchUpgradeFrom5: an index of schema 5 (no search table) gets one,
// filled from the stored bodies, when opened for writing.
func TestSearchUpgradeFrom5(t *testing.T) {
	ctx := context.Background()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			dsn := be.dsn(t)
			st := open(t, dsn, false)
			if _, err := Add(ctx, st, searchArts(), Options{}); err != nil {
				t.Fatal(err)
			}
			st.Close()
			downgrade := "DROP TABLE anchor_scheme; DROP TABLE link_back; DROP TABLE search; DROP INDEX articles_outlet; ALTER TABLE edges DROP COLUMN derivation; ALTER TABLE edges DROP COLUMN share; ALTER TABLE edges DROP COLUMN reworded;"
			if be.name == "sqlite" {
				db, err := sql.Open("sqlite", dsn)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := db.Exec(downgrade + "PRAGMA user_version = 5"); err != nil {
					t.Fatal(err)
				}
				db.Close()
			} else {
				conn, err := pgx.Connect(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := conn.Exec(ctx, downgrade+"UPDATE copydesk_meta SET value = 5 WHERE key = 'schema_version'"); err != nil {
					t.Fatal(err)
				}
				conn.Close(ctx)
			}
			st = open(t, dsn, false)
			if s, err := st.Stats(ctx); err != nil || s.SchemaVersion != SchemaVersion {
				t.Fatalf("after upgrade: %+v %v", s, err)
			}
			hs, n, err := Search(ctx, st, Query{Text: "valley"})
			if err != nil || n != 3 || !slices.Equal(hitIDs(hs), []string{"a4", "a2", "a1"}) {
				t.Errorf("after upgrade: %v (%d) %v", hitIDs(hs), n, err)
			}
		})
	}
}

// Schema 8 reads an article's links through link_back and the links
// primary key: Edges of a few seqs equals the edges of the whole index
// touching them, after an upgrade from schema 7 (link_back filled from
// the links rows) and after a re-added article replaces its old version.
func TestLinkBackUpgradeFrom7(t *testing.T) {
	t.Parallel() // see "Parallel tests" in store_test.go
	ctx := context.Background()
	arts := synthetic(t, 5, 120)
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			dsn := be.dsn(t)
			st := open(t, dsn, false)
			if _, err := Add(ctx, st, arts[:100], Options{}); err != nil {
				t.Fatal(err)
			}
			st.Close()
			execRaw(t, be.name, dsn, "DROP TABLE anchor_scheme; DROP TABLE link_back;", 7)
			st = open(t, dsn, false)
			if s, err := st.Stats(ctx); err != nil || s.SchemaVersion != SchemaVersion {
				t.Fatalf("after upgrade: %+v %v", s, err)
			}
			checkEdgesBySeq(t, st)
			changed := arts[100:]
			changed = append(changed, arts[3])
			changed[len(changed)-1].Body += " A sentence added later to change its content."
			if _, err := Add(ctx, st, changed, Options{}); err != nil {
				t.Fatal(err)
			}
			checkEdgesBySeq(t, st)
			if be.name == "sqlite" {
				checkPlan(t, st, "SELECT a, b FROM link_back WHERE a IN (?)", "USING PRIMARY KEY (a=?)")
				checkPlan(t, st, "SELECT b, a FROM links WHERE b IN (?)", "USING INTEGER PRIMARY KEY (rowid=?)")
			}
		})
	}
}

// execRaw runs downgrade on the index at dsn and sets its schema version.
func execRaw(t *testing.T, backend, dsn, downgrade string, version int) {
	ctx := context.Background()
	if backend == "sqlite" {
		db, err := sql.Open("sqlite", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(downgrade + fmt.Sprintf("PRAGMA user_version = %d", version)); err != nil {
			t.Fatal(err)
		}
		return
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, downgrade+fmt.Sprintf("UPDATE copydesk_meta SET value = %d WHERE key = 'schema_version'", version)); err != nil {
		t.Fatal(err)
	}
}

// checkEdgesBySeq compares Edges of each seq with the whole index's edges
// touching it; the index must hold links.
func checkEdgesBySeq(t *testing.T, st Store) {
	ctx := context.Background()
	tx, err := st.Begin(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	all, err := tx.Edges(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	seqs := map[int64]bool{}
	links := 0
	for _, e := range all {
		seqs[e.A], seqs[e.B] = true, true
		if isLink(&e) {
			links++
		}
	}
	if links == 0 {
		t.Fatal("no links in the index: the test needs some")
	}
	for s := range seqs {
		got, err := tx.Edges(ctx, []int64{s})
		if err != nil {
			t.Fatal(err)
		}
		want := slices.DeleteFunc(slices.Clone(all), func(e Edge) bool { return e.A != s && e.B != s })
		if !slices.EqualFunc(got, want, func(x, y Edge) bool { return x.A == y.A && x.B == y.B && isLink(&x) == isLink(&y) }) {
			t.Fatalf("Edges(%d): %d edges, want %d", s, len(got), len(want))
		}
	}
}

// checkPlan asserts that SQLite's plan for q mentions use.
func checkPlan(t *testing.T, st Store, q, use string, args ...any) {
	var plan []string
	if args == nil {
		args = []any{1}
	}
	rows, err := st.(*sqliteStore).db.Query("EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if !strings.Contains(strings.Join(plan, "; "), use) {
		t.Errorf("plan of %q: %q, want it %s", q, plan, use)
	}
}

// TestSearchFilteredPlans: SQLite pages and counts words with filters in
// FTS5's order (the tags narrow the matches; no sort of every match), each
// match's article read by its seq.
func TestSearchFilteredPlans(t *testing.T) {
	st := open(t, filepath.Join(t.TempDir(), "i.db"), false)
	if _, err := Add(context.Background(), st, searchArts(), Options{}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		cond string
		args []any
	}{
		{"a.outlet = ?", []any{"Alpha"}},
		{"a.published_at >= ? AND a.published_at < ?", []any{1, 2}},
		{"a.outlet = ? AND a.published_at >= ?", []any{"Alpha", 1}},
	} {
		page := fmt.Sprintf(filteredPageSQL, f.cond)
		pageArgs := append(append([]any{`"valley"`}, f.args...), 20, 0)
		checkPlan(t, st, page, "SCAN s VIRTUAL TABLE", pageArgs...)
		checkNoPlan(t, st, page, "TEMP B-TREE", pageArgs...)
		seqs := fmt.Sprintf(filteredSeqsSQL, f.cond)
		seqArgs := append(append([]any{`"valley"`}, f.args...), MaxCount+1)
		checkPlan(t, st, seqs, "SCAN s VIRTUAL TABLE", seqArgs...)
		checkPlan(t, st, seqs, "SEARCH a USING INTEGER PRIMARY KEY", seqArgs...)
		checkNoPlan(t, st, seqs, "TEMP B-TREE", seqArgs...)
	}
}

// TestPublishedSpanPlan: the earliest and latest publication times are
// read from the ends of articles_published, not by a scan.
func TestPublishedSpanPlan(t *testing.T) {
	st := open(t, filepath.Join(t.TempDir(), "i.db"), false)
	if _, err := Add(context.Background(), st, searchArts(), Options{}); err != nil {
		t.Fatal(err)
	}
	q := "SELECT (SELECT min(published_at) FROM articles), (SELECT max(published_at) FROM articles)"
	checkPlan(t, st, q, "SEARCH articles USING COVERING INDEX articles_published")
	checkNoPlan(t, st, q, "SCAN articles")
}

// checkNoPlan fails if the plan of q names avoid.
func checkNoPlan(t *testing.T, st Store, q, avoid string, args ...any) {
	rows, err := st.(*sqliteStore).db.Query("EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(detail, avoid) {
			t.Errorf("plan of %q: %q", q, detail)
		}
	}
}
