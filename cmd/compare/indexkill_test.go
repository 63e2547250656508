package main

// index add killed (SIGKILL) at each point of its work, on SQLite and
// PostgreSQL: every committed article's relations were printed, or are
// printed by index relations, byte-identical to an uninterrupted run's.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// indexDSNs returns a maker of fresh indexes for SQLite and, when
// COPYDESK_TEST_PG names a server (always in CI), PostgreSQL.
func indexDSNs(t *testing.T) map[string]func() string {
	ds := map[string]func() string{"sqlite": func() string { return filepath.Join(t.TempDir(), "index.db") }}
	base := os.Getenv("COPYDESK_TEST_PG")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("COPYDESK_TEST_PG is not set in CI (.ci/run sets it up)")
		}
		t.Log("PostgreSQL skipped: COPYDESK_TEST_PG is not set")
		return ds
	}
	ds["postgres"] = func() string { return pgSchema(t, base) }
	return ds
}

// pgSchema creates a schema for one index, dropped at the end of the
// test, and returns a URL whose search_path points at it.
func pgSchema(t *testing.T, base string) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "copydesk_cmd_" + hex.EncodeToString(b)
	ctx := context.Background()
	sql := func(q string) {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Fatalf("PostgreSQL at COPYDESK_TEST_PG: %v", err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Error(err)
		}
	}
	sql("CREATE SCHEMA " + schema)
	t.Cleanup(func() { sql("DROP SCHEMA " + schema + " CASCADE") })
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// killedAdd runs index add in a child process killed at point; it returns
// what the child printed.
func killedAdd(t *testing.T, point string, args ...string) string {
	t.Helper()
	a, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^TestMainHelperProcess$")
	cmd.Env = append(os.Environ(), "COPYDESK_MAIN_HELPER=1", "COPYDESK_MAIN_ARGS="+string(a), "COPYDESK_TEST_KILL="+point)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	err := cmd.Run()
	if err == nil || cmd.ProcessState.ExitCode() != -1 {
		t.Fatalf("%s: the child was not killed (%v): %s", point, err, stderr.String())
	}
	return out.String()
}

// indexedCount returns how many articles the index holds.
func indexedCount(t *testing.T, dsn string) int {
	t.Helper()
	out, stderr, code := compare(t, "", "index", "stats", "--index", dsn, "-f", "json")
	if code != 0 {
		t.Fatalf("stats: %s", stderr)
	}
	var s struct{ Articles int }
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	return s.Articles
}

// within keeps the JSONL pair lines whose two articles are both in ids.
func within(lines string, ids map[string]bool) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(lines, "\n") {
		var p struct{ A, B string }
		if json.Unmarshal([]byte(l), &p) == nil && ids[p.A] && ids[p.B] {
			b.WriteString(l)
		}
	}
	return b.String()
}

func TestIndexAddKilledLosesNoRelation(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("kills with SIGKILL")
	}
	corpus := synthFile(t, "45")
	var order []string // ids in input order
	data, _ := os.ReadFile(corpus)
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var a struct{ ID string }
		json.Unmarshal([]byte(l), &a)
		order = append(order, a.ID)
	}
	cases := []struct {
		point string
		batch string // --batch-size
	}{
		{"before-commit", "0"},
		{"in-transaction", "0"},
		{"after-commit", "0"},
		{"in-transaction:2", "15"},
		{"after-commit:2", "15"},
		{"between-batches:2", "15"},
	}
	for name, fresh := range indexDSNs(t) {
		t.Run(name, func(t *testing.T) {
			want := map[string]string{}
			for _, size := range []string{"0", "15"} {
				out, stderr, code := compare(t, "", "index", "add", "--index", fresh(), "--batch-size", size, "-f", "jsonl", corpus)
				if code != 0 || out == "" {
					t.Fatalf("uninterrupted add: %d %s", code, stderr)
				}
				want[size] = out
			}
			for _, c := range cases {
				t.Run(c.point+"/"+c.batch, func(t *testing.T) {
					t.Parallel() // mostly waiting on the database: cheap side by side
					dsn := fresh()
					args := []string{"--index", dsn, "--batch-size", c.batch, "-f", "jsonl", corpus}
					printed := killedAdd(t, c.point, append([]string{"index", "add"}, args...)...)
					n := indexedCount(t, dsn)
					committed := map[string]bool{}
					for _, id := range order[:n] {
						committed[id] = true
					}
					got, stderr, code := compare(t, "", append([]string{"index", "relations"}, args...)...)
					if code != 0 {
						t.Fatalf("%s: relations: %s", c.point, stderr)
					}
					// The committed articles' relations, as the uninterrupted
					// run printed them: the first batches' lines.
					if w := within(want[c.batch], committed); got != w || !strings.HasPrefix(want[c.batch], w) {
						t.Errorf("%s (%d committed): index relations printed\n%d bytes, want %d", c.point, n, len(got), len(w))
					}
					if !strings.HasPrefix(got, printed) {
						t.Errorf("%s: what add printed is not the start of what the index holds", c.point)
					}
					// Adding the same input again completes the index.
					if _, stderr, code := compare(t, "", append([]string{"index", "add"}, args...)...); code != 0 {
						t.Fatalf("%s: add again: %s", c.point, stderr)
					}
					if got, _, _ := compare(t, "", append([]string{"index", "relations"}, args...)...); got != want[c.batch] {
						t.Errorf("%s: after adding again, index relations differs from the uninterrupted add", c.point)
					}
					t.Logf("%s --batch-size %s: %d committed, %d lines printed, %d retrieved", c.point, c.batch, n,
						strings.Count(printed, "\n"), strings.Count(got, "\n"))
				})
			}
		})
	}
}
