package main

// A newcomer's first hour, end to end: the report does not read itself
// back, .json feeds are articles, stdin articles get real ids, compare diff
// picks FILE#ID and the commands the report prints run as printed.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// story writes a two-paragraph article whose words are shared by every
// call with the same topic, so copies cluster.
func story(topic, extra string) string {
	return "The " + topic + " rose overnight\n\n" +
		"Officials said the " + topic + " had risen above the danger mark in the valley on Tuesday, and residents of three villages were moved to the school.\n\n" +
		"Crews worked through the night to strengthen the banks of the " + topic + " with sandbags, the regional office said. " + extra + "\n"
}

func TestReportTwiceSkipsItself(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	os.WriteFile("a.txt", []byte(story("river", "Schools stayed closed.")), 0o644)
	os.WriteFile("b.txt", []byte(story("river", "Roads were shut.")), 0o644)
	os.WriteFile("c.txt", []byte(story("volcano", "Flights were cancelled.")), 0o644)
	_, stderr, code := compare(t, "", "report", ".")
	if code != 0 {
		t.Fatalf("first run: exit %d: %s", code, stderr)
	}
	first := mustRead(t, "report/report.json")
	if !strings.Contains(mustRead(t, "report/index.html"), `<meta name="generator" content="copydesk`) {
		t.Error("the report's page carries no generator mark")
	}
	// A copy of the page elsewhere in the folder is skipped too.
	os.WriteFile("saved.html", []byte(mustRead(t, "report/index.html")), 0o644)
	_, stderr, code = compare(t, "", "report", ".")
	if code != 0 {
		t.Fatalf("second run: exit %d: %s", code, stderr)
	}
	if second := mustRead(t, "report/report.json"); second != first {
		t.Errorf("the second report differs from the first: it read its own output")
	}
	for _, note := range []string{"report: skipped (this run's output)", "saved.html: skipped (a page copydesk wrote)"} {
		if !strings.Contains(stderr, note) {
			t.Errorf("stderr lacks %q:\n%s", note, stderr)
		}
	}
}

func TestJSONFeedAndStdinIDs(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	arts := []map[string]string{
		{"id": "j1", "outlet": "Daily", "text": story("river", "One.")},
		{"id": "j2", "outlet": "Herald", "text": story("river", "Two.")},
	}
	b, _ := json.MarshalIndent(arts, "", "  ")
	os.WriteFile("feed.json", b, 0o644)
	os.WriteFile("notes.md", []byte(story("river", "Three.")), 0o644)
	out, stderr, code := compare(t, "", "pairs", "-f", "jsonl", "feed.json", "notes.md")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, `"a":"j1","b":"j2"`) {
		t.Errorf("feed.json not read as two articles:\n%s", out)
	}
	if !strings.Contains(stderr, "notes.md: not an article file name") {
		t.Errorf("no warning for notes.md:\n%s", stderr)
	}

	// Standard input: a content id, or --stdin-id.
	out, _, _ = compare(t, story("river", "Stdin."), "pairs", "-f", "jsonl", "-", "feed.json")
	if !strings.Contains(out, `"stdin-`) || strings.Contains(out, `"a":"-"`) || strings.Contains(out, `"b":"-"`) {
		t.Errorf("stdin article's id:\n%s", out)
	}
	out, _, _ = compare(t, story("river", "Stdin."), "pairs", "-f", "jsonl", "--stdin-id", "wire-1", "-", "feed.json")
	if !strings.Contains(out, `"wire-1"`) {
		t.Errorf("--stdin-id:\n%s", out)
	}
	// Two different texts on stdin into one index: two ids, both kept.
	db := filepath.Join(dir, "feed.db")
	for _, s := range []string{story("river", "First."), story("river", "Second.")} {
		if _, stderr, code := compare(t, s, "index", "add", "--index", db, "-"); code != 0 {
			t.Fatalf("index add: exit %d: %s", code, stderr)
		}
	}
	// The same id for a new text is said on stderr.
	compare(t, story("river", "Third."), "index", "add", "--index", db, "--stdin-id", "x", "-")
	_, stderr, _ = compare(t, story("river", "Fourth."), "index", "add", "--index", db, "--stdin-id", "x", "-")
	if !strings.Contains(stderr, `"x": a different text with this id replaces the one indexed`) {
		t.Errorf("replacing x said nothing:\n%s", stderr)
	}
}

func TestDiffFileHashID(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	var feed strings.Builder
	for i, extra := range []string{"One.", "Two.", "Three.", "Four."} {
		b, _ := json.Marshal(map[string]string{"id": "r" + string(rune('1'+i)), "text": story("river", extra)})
		feed.Write(b)
		feed.WriteByte('\n')
	}
	os.WriteFile("feed.jsonl", []byte(feed.String()), 0o644)
	out, stderr, code := compare(t, "", "diff", "feed.jsonl#r1", "feed.jsonl#r2")
	if code != 0 || !strings.Contains(out, "A: r1\nB: r2\n") || !strings.Contains(out, "office said. [-One.-] {+Two.+}") {
		t.Fatalf("diff FILE#ID: exit %d\n%s%s", code, out, stderr)
	}
	if _, stderr, code := compare(t, "", "diff", "feed.jsonl#nope", "feed.jsonl#r2"); code == 0 || !strings.Contains(stderr, `no article with id "nope"`) {
		t.Errorf("a missing id: exit %d: %s", code, stderr)
	}
	// The report lists the pairs it does not draw with a command that
	// runs as printed.
	if _, stderr, code := compare(t, "", "report", "--max-diffs", "1", "feed.jsonl"); code != 0 {
		t.Fatalf("report: %s", stderr)
	}
	page := mustRead(t, "report/index.html")
	i := strings.Index(page, "compare diff --html -o ")
	if i < 0 {
		t.Fatal("the report prints no diff command")
	}
	cmd := page[i:]
	cmd = cmd[:strings.Index(cmd, "<")]
	cmd = strings.ReplaceAll(cmd, "&#39;", "'")
	args := shellWords(t, strings.TrimPrefix(cmd, "compare "))
	if _, stderr, code := compare(t, "", args...); code != 0 {
		t.Fatalf("%s: exit %d: %s", cmd, code, stderr)
	}
	if !strings.Contains(mustRead(t, args[3]), "<!DOCTYPE html>") {
		t.Errorf("%s wrote no page", cmd)
	}
}

// shellWords splits a command line of plain and single-quoted words.
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	var out []string
	var cur strings.Builder
	in, any := false, false
	for _, r := range s {
		switch {
		case r == '\'':
			in, any = !in, true
		case r == ' ' && !in:
			if any {
				out = append(out, cur.String())
			}
			cur.Reset()
			any = false
		default:
			cur.WriteRune(r)
			any = true
		}
	}
	if any {
		out = append(out, cur.String())
	}
	return out
}

// TestNewsroomGolden runs the report on testdata/newsroom, a hand-written
// folder (a wire story, a saved web page, a JSONL feed, a Russian story and
// its copy), against its golden report.json, and checks the report details
// it was written for. go test ./cmd/compare -run Newsroom -update rewrites
// the golden file.
func TestNewsroomGolden(t *testing.T) {
	inRoot(t)
	dir := filepath.Join(t.TempDir(), "report")
	if _, stderr, code := compare(t, "", "report", "-o", dir, "testdata/newsroom"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got := mustRead(t, filepath.Join(dir, "report.json"))
	golden(t, "newsroom/report.json", got)
	for _, want := range []string{
		`"outlet": "Valley Courier"`,                              // og:site_name
		`"url": "https://courier.example/2026/05/03/arva-floods"`, // rel=canonical
		`"Nina Costa in Vellano"`,                                 // "… contributed to this report"
		`"speaker": "Marco Ferri"`,                                // "said the mayor of Vellano, Marco Ferri"
		`"speaker": "Lucia Brandi"`,                               // "said Dr Lucia Brandi of the University of Arvena"
		`"speaker": "Иван Петров"`,                                // «…», — сказал Петров
		`"marks": "«»"`,
		`"what": "killed: people"`,
		`"what": "resident"`, // 10,000 residents evacuated, not killed
		`"names": []`,        // the Syria table stays out of these stories
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report.json lacks %s", want)
		}
	}
	for _, bad := range []string{`"text": "Лесная"`, `"text": "Новые Сады"`} {
		if strings.Contains(got, bad) {
			t.Errorf("report.json lists a station name as a quotation: %s", bad)
		}
	}
	page := mustRead(t, filepath.Join(dir, "index.html"))
	for _, want := range []string{"3 May 2026, 19:40 UTC", "«Это важный день"} {
		if !strings.Contains(page, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}

	// A table of names the user supplies.
	names := filepath.Join(t.TempDir(), "names.txt")
	os.WriteFile(names, []byte("# floods\nflood defences: levee, embankment, dyke\n"), 0o644)
	if _, stderr, code := compare(t, "", "report", "-o", dir, "--names", names, "testdata/newsroom"); code != 0 {
		t.Fatalf("--names: exit %d: %s", code, stderr)
	}
	if got := mustRead(t, filepath.Join(dir, "report.json")); !strings.Contains(got, `"referent": "flood defences"`) {
		t.Error("--names: the user's referent is not in report.json")
	}
	os.WriteFile(names, []byte("no colon\n"), 0o644)
	if _, stderr, code := compare(t, "", "report", "-o", dir, "--names", names, "testdata/newsroom"); code != exitUsage || !strings.Contains(stderr, "line 1") {
		t.Errorf("--names with a bad line: exit %d, stderr %q", code, stderr)
	}
}
