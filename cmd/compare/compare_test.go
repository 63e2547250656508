package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// runMu serialises the in-process runs of compare: urfave/cli v2 writes its
// package-level HelpFlag and VersionFlag each time it parses a command line,
// so two runs at once in one process race (the race detector caught it in
// the parallel kill test). The binary makes one run per process.
var runMu sync.Mutex

// compare runs the command line in the repository root and returns stdout,
// stderr and the exit code.
func compare(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	runMu.Lock()
	defer runMu.Unlock()
	var out, errb bytes.Buffer
	err := run(context.Background(), append([]string{"compare"}, args...), strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), exitCode(err)
}

func inRoot(t *testing.T) { t.Chdir("../..") }

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from golden file (run go test -update after checking the change):\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}

type pairLine struct {
	A, B           string
	Relation       string
	AInB           float64 `json:"a_in_b"`
	BInA           float64 `json:"b_in_a"`
	Similarity     float64
	SharedPassages int `json:"shared_passages"`
	SharedQuotes   int `json:"shared_quotes"`
}

func parsePairs(t *testing.T, jsonl string) []pairLine {
	t.Helper()
	var out []pairLine
	for _, line := range strings.Split(strings.TrimSpace(jsonl), "\n") {
		if line == "" {
			continue
		}
		var p pairLine
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			t.Fatalf("bad pairs line %q: %v", line, err)
		}
		out = append(out, p)
	}
	return out
}

func TestSeedsAreOneStory(t *testing.T) {
	inRoot(t)
	out, stderr, code := compare(t, "", "pairs", "--format", "jsonl", "--min-relation", "unrelated", "testdata/seeds")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	pairs := parsePairs(t, out)
	if len(pairs) != 10 {
		t.Fatalf("%d seed pairs, want 10", len(pairs))
	}
	for _, p := range pairs {
		if p.Relation != "story" {
			t.Errorf("%s ~ %s: %s, want story (independent reports)", filepath.Base(p.A), filepath.Base(p.B), p.Relation)
		}
		if p.SharedPassages > 0 && p.AInB > 0.1 {
			t.Errorf("%s ~ %s: a_in_b %.3f of copy between independent reports", p.A, p.B, p.AInB)
		}
		if strings.HasPrefix(filepath.Base(p.A), "000") && strings.HasPrefix(filepath.Base(p.B), "002") && p.SharedQuotes < 2 {
			t.Errorf("000 ~ 002: %d shared quotes, want the envoy's two fragments", p.SharedQuotes)
		}
	}
	out, _, _ = compare(t, "", "clusters", "--format", "jsonl", "--level", "story", "testdata/seeds")
	clusters := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var m struct{ ID, Cluster, Level string }
		json.Unmarshal([]byte(line), &m)
		clusters[m.Cluster] = true
		if m.Level != "story" {
			t.Errorf("level %q", m.Level)
		}
	}
	if len(clusters) != 1 {
		t.Errorf("seeds fall in %d story clusters, want 1", len(clusters))
	}
}

func TestCraftedRelations(t *testing.T) {
	inRoot(t)
	out, stderr, code := compare(t, "", "pairs", "--format", "jsonl", "--min-relation", "unrelated", "testdata/crafted")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	got := map[[2]string]string{}
	for _, p := range parsePairs(t, out) {
		got[[2]string{filepath.Base(p.A), filepath.Base(p.B)}] = p.Relation
	}
	want := map[[2]string]string{
		{"syndicated.txt", "wire.txt"}:   "duplicate", // new headline, punctuation, a few words
		{"trimmed.txt", "wire.txt"}:      "derived",   // half the wire plus two own paragraphs
		{"partial.txt", "wire.txt"}:      "partial",   // two wire paragraphs inside own writing
		{"unrelated.txt", "wire.txt"}:    "unrelated", // other topic
		{"boiler_a.txt", "boiler_b.txt"}: "unrelated", // same page furniture, different stories
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s ~ %s: %q, want %q", k[0], k[1], got[k], w)
		}
	}
	out, _, _ = compare(t, "", "clusters", "--format", "csv", "--level", "copy", "testdata/crafted")
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "partial.txt") && strings.Contains(line, "wire.txt") {
			t.Errorf("partial reuse put in the wire's duplicate group: %s", line)
		}
	}
	if !strings.Contains(out, "testdata/crafted/trimmed.txt,testdata/crafted/syndicated.txt,copy") {
		t.Errorf("trimmed version not grouped with the wire copies:\n%s", out)
	}
}

func TestGoldenOutputs(t *testing.T) {
	inRoot(t)
	for _, set := range []string{"seeds", "crafted"} {
		for _, f := range []string{"text", "json", "jsonl", "csv"} {
			out, stderr, code := compare(t, "", "pairs", "--format", f, "testdata/"+set)
			if code != 0 {
				t.Fatalf("pairs %s %s: exit %d: %s", set, f, code, stderr)
			}
			golden(t, set+"/pairs."+f, out)
			for _, level := range []string{"copy", "story"} {
				out, _, _ := compare(t, "", "clusters", "--level", level, "--format", f, "testdata/"+set)
				golden(t, set+"/clusters-"+level+"."+f, out)
			}
		}
	}
}

func TestDiff(t *testing.T) {
	inRoot(t)
	out, stderr, code := compare(t, "", "diff", "testdata/crafted/wire.txt", "testdata/crafted/syndicated.txt")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "duplicate:") {
		t.Errorf("summary line missing:\n%s", out)
	}
	// The syndicated copy changed "pay" to "wages" and "positions" to "jobs".
	for _, want := range []string{"[-pay-]", "{+wages+}", "[-positions-]", "{+jobs+}"} {
		if !strings.Contains(out, want) {
			t.Errorf("diff lacks %s", want)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colour codes written to a non-terminal")
	}
	_, _, code = compare(t, "", "diff", "testdata/crafted/wire.txt")
	if code != exitUsage {
		t.Errorf("diff with one article: exit %d, want %d", code, exitUsage)
	}
}

func TestExitCodes(t *testing.T) {
	inRoot(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("\xff\xfe\xfd binary\x00"), 0o644)
	out, stderr, code := compare(t, "", "pairs", "--format", "jsonl", bad, "testdata/crafted/wire.txt", "testdata/crafted/syndicated.txt")
	if code != exitBadInput {
		t.Errorf("bad input: exit %d, want %d", code, exitBadInput)
	}
	if lines := strings.Split(strings.TrimSpace(stderr), "\n"); len(lines) != 1 || !strings.Contains(lines[0], "bad.txt") {
		t.Errorf("stderr %q: want one line naming bad.txt", stderr)
	}
	if !strings.Contains(out, `"relation":"duplicate"`) {
		t.Errorf("the good inputs were not processed:\n%s", out)
	}
	for _, args := range [][]string{
		{"pairs"},
		{"pairs", "--format", "xml", "testdata/seeds"},
		{"pairs", "--min-relation", "copy", "testdata/seeds"},
		{"clusters", "--level", "paragraph", "testdata/seeds"},
		{"nosuchcommand"},
		{"pairs", "--no-such-flag", "testdata/seeds"},
	} {
		if _, stderr, code := compare(t, "", args...); code != exitUsage || stderr == "" {
			t.Errorf("%v: exit %d (stderr %q), want %d with a message", args, code, stderr, exitUsage)
		}
	}
	if out, _, code := compare(t, "", "--help"); code != 0 || !strings.Contains(out, "pairs") {
		t.Errorf("--help: exit %d\n%s", code, out)
	}
}

func TestStdinAndOutputFile(t *testing.T) {
	inRoot(t)
	feed := `{"id":"w","text":"` + strings.ReplaceAll(mustRead(t, "testdata/crafted/wire.txt"), "\n", `\n`) + `"}` + "\n" +
		`{"id":"s","text":"` + strings.ReplaceAll(mustRead(t, "testdata/crafted/syndicated.txt"), "\n", `\n`) + `"}` + "\n"
	feed = strings.ReplaceAll(feed, "\"We", `\"We`)
	feed = strings.ReplaceAll(feed, "living,\"", `living,\"`)
	outFile := filepath.Join(t.TempDir(), "pairs.csv")
	_, stderr, code := compare(t, feed, "pairs", "--format", "csv", "-o", outFile, "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got := mustRead(t, outFile)
	if !strings.HasPrefix(got, "a,b,relation,a_in_b,b_in_a,similarity,shared_passages,shared_quotes,source,source_share,source_reworded\n") || !strings.Contains(got, "w,s,duplicate,") {
		t.Errorf("output file:\n%s", got)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFlagsAfterPaths(t *testing.T) {
	inRoot(t)
	before, _, code1 := compare(t, "", "pairs", "--format", "csv", "--min-relation", "unrelated", "testdata/crafted")
	after, stderr, code2 := compare(t, "", "pairs", "testdata/crafted", "--format", "csv", "--min-relation=unrelated")
	if code1 != 0 || code2 != 0 || before != after {
		t.Errorf("flags after paths: exit %d/%d, stderr %q, outputs equal: %v", code1, code2, stderr, before == after)
	}
	// After "--", a dash-led argument is a path, not a flag.
	_, stderr, code := compare(t, "", "pairs", "--", "--format")
	if code != exitBadInput || !strings.Contains(stderr, "--format") {
		t.Errorf("path after --: exit %d, stderr %q", code, stderr)
	}
}

func TestReportLayoutFlags(t *testing.T) {
	inRoot(t)
	dir := filepath.Join(t.TempDir(), "r")
	_, stderr, code := compare(t, "", "report", "testdata/seeds", "testdata/crafted", "-o", dir, "--inline-words", "100", "--max-diffs", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// Over 100 words the clusters get pages of their own; past two drawn
	// diffs a cluster lists the command for the rest.
	page := mustRead(t, filepath.Join(dir, "cluster-0001.html"))
	if !strings.Contains(page, "compare diff --html") {
		t.Error("cluster page lists no further diffs")
	}
	if n := strings.Count(page, "<ins"); n == 0 {
		t.Error("cluster page draws no diff")
	}
	if _, _, code := compare(t, "", "report", "--max-diffs", "0", "-o", dir, "testdata/seeds"); code != exitUsage {
		t.Errorf("--max-diffs 0: exit %d, want %d", code, exitUsage)
	}
}
