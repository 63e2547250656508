package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/copydesk/copydesk/internal/article"
)

// TestDateTags: the tags of a range cover exactly its days (every day from
// from's to to's last instant), each day once, with few tags; checked
// against expanding each tag into its days, on ranges at year, month and
// day edges and random ones.
func TestDateTags(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	if got := articleTags("Reuters", day(2026, 12, 4).Add(15*time.Hour)); got != "o52657574657273 y2026 m202612 d20261204" {
		t.Errorf("articleTags = %q, as in the package comment", got)
	}
	for _, c := range []struct {
		from, to time.Time
		want     string
	}{
		{day(2026, 11, 20), day(2026, 12, 20), "d20261120 … d20261219 (30 tags)"},
		{day(2025, 1, 1), day(2026, 2, 1), "y2025 m202601"},
		{day(2026, 12, 4), day(2026, 12, 4).Add(time.Hour), "d20261204"},
		{day(2026, 12, 4).Add(23 * time.Hour), day(2026, 12, 6).Add(time.Second), "d20261204 d20261205 d20261206"},
		{day(2026, 12, 4), day(2026, 12, 4), ""},
	} {
		got := dateTags(c.from, c.to)
		s := strings.Join(got, " ")
		if len(got) > 5 {
			s = fmt.Sprintf("%s … %s (%d tags)", got[0], got[len(got)-1], len(got))
		}
		if s != c.want {
			t.Errorf("dateTags(%s, %s) = %s, want %s", c.from, c.to, s, c.want)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	base := day(2019, 1, 1)
	for range 2000 {
		from := base.Add(time.Duration(rng.Int64N(int64(6 * 365 * 24 * time.Hour))))
		to := from.Add(time.Duration(rng.Int64N(int64(rng.IntN(4*365)+1) * int64(24*time.Hour))))
		var want []string
		for d := day(from.Year(), from.Month(), from.Day()); d.Before(to); d = d.AddDate(0, 0, 1) {
			want = append(want, d.Format("20060102"))
		}
		var got []string
		tags := dateTags(from, to)
		for _, tag := range tags {
			got = append(got, expandTag(t, tag)...)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("dateTags(%s, %s) = %v: %d days, want %d", from, to, tags, len(got), len(want))
		}
		if years := to.Year() - from.Year() + 1; len(tags) > years+2*(11+30) {
			t.Fatalf("dateTags(%s, %s): %d tags", from, to, len(tags))
		}
	}
}

// expandTag lists the days (yyyymmdd) of a year, month or day tag.
func expandTag(t *testing.T, tag string) []string {
	var start, end time.Time
	switch tag[0] {
	case 'y':
		y, _ := time.Parse("2006", tag[1:])
		start, end = y, y.AddDate(1, 0, 0)
	case 'm':
		m, _ := time.Parse("200601", tag[1:])
		start, end = m, m.AddDate(0, 1, 0)
	case 'd':
		d, _ := time.Parse("20060102", tag[1:])
		start, end = d, d.AddDate(0, 0, 1)
	default:
		t.Fatalf("tag %q", tag)
	}
	var out []string
	for d := start; d.Before(end); d = d.AddDate(0, 0, 1) {
		out = append(out, d.Format("20060102"))
	}
	return out
}

// TestFilteredSearchAgainstScan: words with an outlet, a date range or
// both find exactly the articles a scan of every article finds, newest
// indexed first, with the same count, in both backends; 400 articles of
// five outlets (two differing only in case) over three years (some
// undated), a vocabulary of 12 words; date bounds at midnight (the tags
// alone decide) and inside a day.
func TestFilteredSearchAgainstScan(t *testing.T) {
	t.Parallel() // see "Parallel tests" in store_test.go
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	words := strings.Fields("river budget cup valley harbour storm vote court strike bridge school fire")
	outlets := []string{"Alpha", "Beta", "Gamma News", "gamma news", "Δέλτα"}
	base := time.Date(2023, 11, 20, 0, 0, 0, 0, time.UTC)
	var arts []article.Article
	for i := range 400 {
		var body []string
		for range 3 + rng.IntN(6) {
			body = append(body, words[rng.IntN(len(words))])
		}
		a := article.Article{ID: fmt.Sprintf("s%03d", i), Outlet: outlets[rng.IntN(len(outlets))], Title: words[rng.IntN(len(words))], Body: strings.Join(body, " ") + "."}
		if i%17 != 0 {
			a.Published = base.Add(time.Duration(rng.Int64N(int64(3 * 365 * 24 * time.Hour)))).Format(time.RFC3339)
		}
		arts = append(arts, a)
	}
	has := func(a article.Article, w string) bool {
		return slices.Contains(strings.Fields(strings.TrimSuffix(a.Title+" "+a.Body, ".")), w)
	}
	scan := func(q Query) []string {
		var out []string
		for i := len(arts) - 1; i >= 0; i-- {
			a := arts[i]
			pub, _ := time.Parse(time.RFC3339, a.Published)
			switch {
			case !has(a, q.Text),
				q.Outlet != "" && a.Outlet != q.Outlet,
				(!q.From.IsZero() || !q.To.IsZero()) && a.Published == "",
				!q.From.IsZero() && pub.Before(q.From),
				!q.To.IsZero() && !pub.Before(q.To):
				continue
			}
			out = append(out, a.ID)
		}
		return out
	}
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			st := open(t, be.dsn(t), false)
			if _, err := Add(ctx, st, arts, Options{}); err != nil {
				t.Fatal(err)
			}
			for k := range 300 {
				q := Query{Text: words[rng.IntN(len(words))], Limit: 1000}
				if k%3 != 1 {
					q.Outlet = outlets[rng.IntN(len(outlets))]
				}
				if k%3 != 0 {
					at := base.Add(time.Duration(rng.Int64N(int64(3 * 365 * 24 * time.Hour))))
					switch k % 4 {
					case 0:
						q.From = at
					case 1:
						q.To = at
					default:
						q.From, q.To = at, at.Add(time.Duration(rng.Int64N(int64(200*24*time.Hour))))
					}
				}
				if k%2 == 0 { // days, as the search form gives: the tags alone decide
					q.From, q.To = q.From.Truncate(24*time.Hour), q.To.Truncate(24*time.Hour)
				}
				hs, n, err := Search(ctx, st, q)
				if err != nil {
					t.Fatalf("%+v: %v", q, err)
				}
				want := scan(q)
				if got := hitIDs(hs); !slices.Equal(got, want) || n != len(want) {
					t.Fatalf("%+v: %d hits %v (count %d), want %d %v", q, len(got), got, n, len(want), want)
				}
			}
		})
	}
}

// TestSearchUpgradeFrom9: an index of schema 9 (a full-text table without
// tags) is still searched with filters when read as it is, and gets the
// tags, filled from the stored articles, when opened for writing.
func TestSearchUpgradeFrom9(t *testing.T) {
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "i.db")
	st := open(t, dsn, false)
	if _, err := Add(ctx, st, searchArts(), Options{}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	execRaw(t, "sqlite", dsn, `DROP TABLE search;
		CREATE VIRTUAL TABLE search USING fts5(title, text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');
		INSERT INTO search (rowid, title, text) SELECT seq, title, '' FROM articles;`, 9)
	alpha := Query{Text: "floods", Outlet: "Alpha", From: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}
	ro := open(t, dsn, true)
	if hs, n, err := Search(ctx, ro, alpha); err != nil || n != 1 || !slices.Equal(hitIDs(hs), []string{"a1"}) {
		t.Errorf("schema 9, read only: %v (%d) %v", hitIDs(hs), n, err)
	}
	ro.Close()
	st = open(t, dsn, false)
	if s, err := st.Stats(ctx); err != nil || s.SchemaVersion != SchemaVersion {
		t.Fatalf("after upgrade: %+v %v", s, err)
	}
	for _, c := range []struct {
		q    Query
		want []string
	}{
		{alpha, []string{"a1"}},
		{Query{Text: "valley", Outlet: "Alpha"}, []string{"a1"}}, // a body word: the text was indexed again
		{Query{Text: "valley", To: time.Date(2024, 3, 3, 0, 0, 0, 0, time.UTC)}, []string{"a2", "a1"}},  // a date range
		{Query{Text: "o" + outletTag("Alpha")[1:]}, nil},                                                // tags are not words
		{Query{Text: "valley", From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Outlet: "Beta"}, nil}, // past the last date
	} {
		hs, n, err := Search(ctx, st, c.q)
		if err != nil || n != len(c.want) || !slices.Equal(hitIDs(hs), c.want) {
			t.Errorf("%+v: %v (%d) %v, want %v", c.q, hitIDs(hs), n, err, c.want)
		}
	}
}
