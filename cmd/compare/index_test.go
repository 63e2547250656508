package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/copydesk/copydesk/internal/index"
)

// TestIndexHelperProcess is not a test: it is the compare command run in a
// child process by the tests below (COPYDESK_INDEX_HELPER set).
func TestIndexHelperProcess(t *testing.T) {
	if os.Getenv("COPYDESK_INDEX_HELPER") != "1" {
		t.Skip("helper process for the index tests")
	}
	var args []string
	json.Unmarshal([]byte(os.Getenv("COPYDESK_INDEX_ARGS")), &args)
	err := run(context.Background(), append([]string{"compare"}, args...), os.Stdin, os.Stdout, os.Stderr)
	os.Exit(exitCode(err))
}

// child starts compare ARGS in a child process.
func child(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	a, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^TestIndexHelperProcess$")
	cmd.Env = append(os.Environ(), "COPYDESK_INDEX_HELPER=1", "COPYDESK_INDEX_ARGS="+string(a))
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &errb
}

func indexStats(t *testing.T, db string) index.Stats {
	t.Helper()
	out, errs, code := compare(t, "", "index", "stats", "--index", db, "--format", "json")
	if code != 0 {
		t.Fatalf("stats: exit %d: %s", code, errs)
	}
	var s index.Stats
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func synthCorpus(t *testing.T, n string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "corpus.jsonl")
	if _, errs, code := compare(t, "", "synth", "-n", n, "-o", path); code != 0 {
		t.Fatalf("synth: %s", errs)
	}
	return path
}

func TestIndexAddCheck(t *testing.T) {
	inRoot(t)
	db := filepath.Join(t.TempDir(), "copydesk.db")
	if _, errs, code := compare(t, "", "index", "add", "--index", db, "testdata/seeds"); code != 0 {
		t.Fatalf("add seeds: exit %d: %s", code, errs)
	}
	out, errs, code := compare(t, "", "index", "check", "--index", db, "--format", "jsonl", "--min-relation", "partial", "testdata/crafted", "testdata/index")
	if code != 0 {
		t.Fatalf("check: exit %d: %s", code, errs)
	}
	found := false
	for _, p := range parsePairs(t, out) {
		if p.A == "testdata/seeds/003_42b99dcc7e84c36f.txt" && p.B == "testdata/index/seed003_syndicated.txt" && p.Relation == "duplicate" {
			found = true
		}
	}
	if !found {
		t.Errorf("check did not find the seed's copy:\n%s", out)
	}
	if n := indexStats(t, db).Articles; n != 5 {
		t.Errorf("check added articles: %d indexed", n)
	}
	out2, _, code := compare(t, "", "index", "add", "--index", db, "--format", "jsonl", "--min-relation", "partial", "testdata/crafted", "testdata/index")
	if code != 0 || out2 != out {
		t.Errorf("add (exit %d) printed other pairs than check:\n%s\nwant\n%s", code, out2, out)
	}
	if _, errs, code := compare(t, "", "index", "rm", "--index", db, "testdata/index/seed003_syndicated.txt", "nope"); code != 1 || !strings.Contains(errs, "nope: not in the index") {
		t.Errorf("rm with a missing id: exit %d, %q", code, errs)
	}
	if n := indexStats(t, db).Articles; n != 12 {
		t.Errorf("%d indexed after rm, want 12", n)
	}
	out, _, _ = compare(t, "", "clusters", "--index", db, "--level", "copy", "--format", "jsonl")
	want, _, _ := compare(t, "", "clusters", "--level", "copy", "--format", "jsonl", "testdata/seeds", "testdata/crafted")
	if out != want {
		t.Errorf("clusters --index:\n%s\nwant (clusters on the same articles):\n%s", out, want)
	}
	if _, errs, code := compare(t, "", "index", "add", "testdata/seeds"); code != 2 || !strings.Contains(errs, "--index") {
		t.Errorf("add without --index: exit %d %q", code, errs)
	}
}

// A file that is not an index gets one error line, exit 1, and stays as it
// was.
func TestIndexBadFile(t *testing.T) {
	inRoot(t)
	dir := t.TempDir()
	for name, content := range map[string][]byte{
		"junk.db":  bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef}, 2000),
		"notes.db": []byte("SQLite format 3\x00 but then nothing that makes sense, cut short"),
	} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, content, 0o644)
		for _, cmd := range [][]string{{"add", "testdata/seeds"}, {"check", "testdata/seeds"}, {"stats"}, {"rm", "x"}} {
			args := append([]string{"index", cmd[0], "--index", path}, cmd[1:]...)
			_, errs, code := compare(t, "", args...)
			if code != 1 || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, path) || !strings.Contains(errs, "not a copydesk index") {
				t.Errorf("%v: exit %d, stderr %q; want exit 1 and one line naming the file", args, code, errs)
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, content) {
				t.Fatalf("%v modified %s", args, name)
			}
		}
		if _, err := os.Stat(path + "-wal"); err == nil {
			t.Errorf("%s-wal created", name)
		}
	}
}

// An add killed mid-way leaves the index intact, with the batch wholly in
// or wholly absent; running it again completes it.
func TestIndexAddKilled(t *testing.T) {
	inRoot(t)
	db := filepath.Join(t.TempDir(), "copydesk.db")
	if _, errs, code := compare(t, "", "index", "add", "--index", db, "testdata/seeds"); code != 0 {
		t.Fatal(errs)
	}
	corpus := synthCorpus(t, strconv.Itoa(killArticles))
	all := 5 + killArticles // the seeds, then the batch
	killed := 0
	for _, after := range []time.Duration{300 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second} {
		cmd, _ := child(t, "index", "add", "--index", db, corpus)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(after):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			killed++
		}
		st, err := index.Open(context.Background(), db, true)
		if err != nil {
			t.Fatalf("reopening after SIGKILL at %v: %v", after, err)
		}
		if err := st.Verify(context.Background()); err != nil {
			t.Fatalf("after SIGKILL at %v: %v", after, err)
		}
		s, _ := st.Stats(context.Background())
		st.Close()
		t.Logf("SIGKILL after %v: %d articles, integrity ok", after, s.Articles)
		if s.Articles != 5 && s.Articles != all {
			t.Fatalf("after SIGKILL at %v: %d articles; want 5 (batch absent) or %d (batch in)", after, s.Articles, all)
		}
		if s.Articles == all {
			break
		}
	}
	if killed == 0 {
		t.Log("every add finished before it could be killed")
	}
	if _, errs, code := compare(t, "", "index", "add", "--index", db, corpus); code != 0 {
		t.Fatalf("re-running the add: exit %d: %s", code, errs)
	}
	if n := indexStats(t, db).Articles; n != all {
		t.Errorf("%d articles after re-running the add, want %d", n, all)
	}
}

// Two add processes on one SQLite file at once: both finish, nothing lost.
func TestIndexTwoProcesses(t *testing.T) {
	inRoot(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "copydesk.db")
	corpus := synthCorpus(t, "600")
	data, _ := os.ReadFile(corpus)
	lines := strings.SplitAfter(strings.TrimSpace(string(data)), "\n")
	var halves [2]strings.Builder
	for i, l := range lines {
		halves[i%2].WriteString(l)
	}
	var cmds [2]*exec.Cmd
	var errs [2]*bytes.Buffer
	for i := range halves {
		path := filepath.Join(dir, []string{"a.jsonl", "b.jsonl"}[i])
		os.WriteFile(path, []byte(strings.TrimSpace(halves[i].String())+"\n"), 0o644)
		cmds[i], errs[i] = child(t, "index", "add", "--index", db, path)
	}
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Errorf("adder %d: %v: %s", i, err, errs[i])
		}
	}
	if n := indexStats(t, db).Articles; n != len(lines) {
		t.Errorf("%d articles indexed, want %d", n, len(lines))
	}
}

// report --index writes a report over what the index holds: around one
// article, or everything published since a date.
func TestIndexReport(t *testing.T) {
	inRoot(t)
	db := filepath.Join(t.TempDir(), "copydesk.db")
	if _, errs, code := compare(t, "", "index", "add", "--index", db, "testdata/seeds", "testdata/index"); code != 0 {
		t.Fatalf("add: exit %d: %s", code, errs)
	}
	const seed, copy = "testdata/seeds/003_42b99dcc7e84c36f.txt", "testdata/index/seed003_syndicated.txt"
	read := func(dir string) (ids []string, dup map[string]string) {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, "report.json"))
		if err != nil {
			t.Fatal(err)
		}
		html, err := os.ReadFile(filepath.Join(dir, "index.html"))
		if err != nil || len(html) == 0 {
			t.Fatalf("index.html: %v", err)
		}
		var r struct {
			Articles []struct {
				ID             string `json:"id"`
				DuplicateGroup string `json:"duplicate_group"`
			} `json:"articles"`
		}
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		dup = map[string]string{}
		for _, a := range r.Articles {
			ids = append(ids, a.ID)
			dup[a.ID] = a.DuplicateGroup
		}
		return ids, dup
	}
	dir := filepath.Join(t.TempDir(), "around")
	if _, errs, code := compare(t, "", "report", "--index", db, "--id", copy, "-o", dir); code != 0 {
		t.Fatalf("report --id: exit %d: %s", code, errs)
	}
	ids, dup := read(dir)
	if len(ids) < 2 || !slices.Contains(ids, seed) || !slices.Contains(ids, copy) || dup[copy] != dup[seed] {
		t.Errorf("report around %s: articles %v, duplicate groups %v", copy, ids, dup)
	}
	// The seeds carry no publication date; the synthetic articles do
	// (on 2016-01-01, spread over the day).
	// Some synthetic articles are undated (compare synth plants them):
	// --since leaves those out.
	synthDB := filepath.Join(t.TempDir(), "synth.db")
	corpus := synthCorpus(t, "40")
	if _, errs, code := compare(t, "", "index", "add", "--index", synthDB, corpus); code != 0 {
		t.Fatalf("add: exit %d: %s", code, errs)
	}
	raw, err := os.ReadFile(corpus)
	if err != nil {
		t.Fatal(err)
	}
	dated := 40 - strings.Count(string(raw), `"published":""`)
	dir = filepath.Join(t.TempDir(), "since")
	if _, errs, code := compare(t, "", "report", "--index", synthDB, "--since", "2016-01-01", "-o", dir); code != 0 {
		t.Fatalf("report --since: exit %d: %s", code, errs)
	}
	if ids, _ := read(dir); len(ids) != dated {
		t.Errorf("report since 2016-01-01: %d articles, want the %d dated", len(ids), dated)
	}
	dir = filepath.Join(t.TempDir(), "later")
	if _, errs, code := compare(t, "", "report", "--index", synthDB, "--since", "2016-01-01T08:00:00Z", "-o", dir); code != 0 {
		t.Fatalf("report --since: exit %d: %s", code, errs)
	}
	if ids, _ := read(dir); len(ids) == 0 || len(ids) >= dated {
		t.Errorf("report since 2016-01-01T08:00:00Z: %d articles, want some of the 40", len(ids))
	}
	for _, args := range [][]string{{"--id", "nope"}, {"--since", "yesterday"}} {
		if _, _, code := compare(t, "", append([]string{"report", "--index", db, "-o", filepath.Join(t.TempDir(), "x")}, args...)...); code == 0 {
			t.Errorf("report %v: exit 0", args)
		}
	}
}

// TestIndexAddBatchSize: adding a corpus 150 articles at a time, in one
// process, prints the copy relations that adding it in one batch prints
// (every pair once, when its second article is added), stores the same
// copy clusters, and says how many batches it took. It may print a few
// more: an anchor held by more than candidate.MaxAnchorBucket articles in
// the whole corpus is a stock phrase and finds nothing, but while the
// first batches held fewer it was expanded (1 pair of 729 here).
func TestIndexAddBatchSize(t *testing.T) {
	corpus := synthCorpus(t, "700")
	dir := t.TempDir()
	add := func(db string, extra ...string) []string {
		args := append([]string{"index", "add", "--index", filepath.Join(dir, db), "--format", "jsonl", "--min-relation", "partial"}, extra...)
		out, errs, code := compare(t, "", append(args, corpus)...)
		if code != 0 {
			t.Fatalf("add %v: exit %d: %s", extra, code, errs)
		}
		if len(extra) > 0 && !strings.Contains(errs, "700 added in 5 batches") {
			t.Errorf("add %v said %q", extra, errs)
		}
		// Similarities depend on the document frequencies of the day;
		// copy relations, coverage and passages do not.
		var lines []string
		for _, p := range parsePairs(t, out) {
			p.Similarity = 0
			lines = append(lines, fmt.Sprintf("%+v", p))
		}
		slices.Sort(lines)
		return lines
	}
	whole, batched := add("one.db"), add("batched.db", "--batch-size", "150")
	missing := 0
	for _, l := range whole {
		if _, found := slices.BinarySearch(batched, l); !found {
			missing++
		}
	}
	if len(whole) < 20 || missing > 0 || len(batched) > len(whole)+len(whole)/100 {
		t.Errorf("batches of 150 printed %d copy relations, one batch %d; %d of the latter missing", len(batched), len(whole), missing)
	}
	clusters := func(db string) string {
		out, errs, code := compare(t, "", "clusters", "--index", filepath.Join(dir, db), "--level", "copy", "--format", "jsonl")
		if code != 0 {
			t.Fatalf("clusters: %s", errs)
		}
		return out
	}
	if a, b := clusters("one.db"), clusters("batched.db"); a != b || a == "" {
		t.Errorf("copy clusters of the two indexes differ")
	}
	if _, errs, code := compare(t, "", "index", "add", "--index", filepath.Join(dir, "x.db"), "--batch-size", "-1", corpus); code != 2 || !strings.Contains(errs, "--batch-size") {
		t.Errorf("--batch-size -1: exit %d %q", code, errs)
	}
}
