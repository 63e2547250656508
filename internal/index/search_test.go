package index

import (
	"context"
	"database/sql"
	"slices"
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
			search(Query{}, []string{"a4", "a3", "a2", "a1"}, 4)
			search(Query{Text: `"Quoted" OR NOT; -- '); DROP TABLE articles;`}, []string{"a3"}, 1)
			search(Query{Text: `* ") ( NEAR`}, []string{}, 0)
			search(Query{Text: "; --"}, nil, 0)

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
			downgrade := "DROP TABLE search; DROP INDEX articles_outlet; ALTER TABLE edges DROP COLUMN derivation; ALTER TABLE edges DROP COLUMN share; ALTER TABLE edges DROP COLUMN reworded;"
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
