package index

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/synth"
)

// Parallel tests: the slowest tests of the package (hundreds to thousands
// of synthetic articles added batch by batch) call t.Parallel. Each keeps
// about one core busy, SQLite's writes being serial, so two at a time use
// both cores of the CI machine. Parallel tests run after every sequential
// one, when the package variables those set (lookupAll, dirWritable) are
// back at their defaults: a parallel test sets none, and shares no index.

// backend makes fresh, empty indexes of one kind.
type backend struct {
	name string
	dsn  func(t testing.TB) string
}

// backends returns SQLite and, when COPYDESK_TEST_PG names a server,
// PostgreSQL. In CI (CI=true) PostgreSQL must be there.
func backends(t testing.TB) []backend {
	bs := []backend{{"sqlite", func(t testing.TB) string { return filepath.Join(t.TempDir(), "index.db") }}}
	if pg := pgURL(t); pg != "" {
		bs = append(bs, backend{"postgres", func(t testing.TB) string { return pgSchemaURL(t, pg) }})
	}
	return bs
}

// pgURL returns the PostgreSQL test server's URL, or "" after logging how
// to set one up.
func pgURL(t testing.TB) string {
	u := os.Getenv("COPYDESK_TEST_PG")
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("COPYDESK_TEST_PG is not set in CI: PostgreSQL tests would be skipped (.ci/run sets it up)")
		}
		t.Log("PostgreSQL tests skipped: set COPYDESK_TEST_PG=postgres://user:pass@127.0.0.1:5432/db?sslmode=disable (see .ci/run)")
	}
	return u
}

// pgSchemaURL creates a schema of its own for one test, dropped at the
// end, and returns a URL whose search_path points at it.
func pgSchemaURL(t testing.TB, base string) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "copydesk_test_" + hex.EncodeToString(b)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("PostgreSQL at COPYDESK_TEST_PG: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("dropping %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("dropping %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t testing.TB, dsn string, readOnly bool) Store {
	t.Helper()
	st, err := Open(context.Background(), dsn, readOnly)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// loadDir reads testdata articles the way the command line does.
func loadDir(t testing.TB, paths ...string) []article.Article {
	t.Helper()
	r := article.Reader{Bad: func(err error) { t.Errorf("loading: %v", err) }}
	arts, err := r.Load(context.Background(), paths)
	if err != nil {
		t.Fatal(err)
	}
	return arts
}

// synthetic returns n articles of the synthetic corpus, read as JSONL
// lines the way the command line reads them.
func synthetic(t testing.TB, seed uint64, n int) []article.Article {
	t.Helper()
	var out []article.Article
	err := eachSynthetic(context.Background(), seed, n, func(art article.Article) error {
		out = append(out, art)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func count(t testing.TB, st Store) int {
	t.Helper()
	s, err := st.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s.Articles
}

var zeroTime time.Time

// eachSynthetic calls fn on each of the first n articles of the synthetic
// corpus of seed, read as JSONL lines the way the command line reads them.
func eachSynthetic(ctx context.Context, seed uint64, n int, fn func(article.Article) error) error {
	return synth.New(seed).Generate(ctx, n, func(a *synth.Article, _ *synth.Truth) error {
		line, err := json.Marshal(a)
		if err != nil {
			return err
		}
		art, err := article.ParseJSONLine(line)
		if err != nil {
			return err
		}
		return fn(art)
	})
}
