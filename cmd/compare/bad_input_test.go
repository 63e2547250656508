package main

// End-to-end tests of bad input: each case gives one bad input (from
// testdata/bad, or made here when it is large or cannot be committed)
// before two good articles, and checks the contract of the README's
// "Limits and failure behaviour": one stderr line naming the input and the
// reason, exit code 1, every other input processed, output complete.

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// goodInputs are read after every bad input: a duplicate pair.
var goodInputs = []string{"testdata/crafted/wire.txt", "testdata/crafted/syndicated.txt"}

// problem is one expected stderr line: "compare: <where>: ...<reason>...",
// where "$" in either stands for the input as given.
type problem struct{ where, reason string }

// resolve puts the input as given in place of "$".
func (tc *badCase) resolve(path string) (want []problem, keeps []string) {
	for _, p := range tc.want {
		want = append(want, problem{strings.ReplaceAll(p.where, "$", path), strings.ReplaceAll(p.reason, "$", path)})
	}
	for _, k := range tc.keeps {
		keeps = append(keeps, strings.ReplaceAll(k, "$", path))
	}
	return want, keeps
}

type badCase struct {
	name  string
	path  func(t *testing.T) string // the input given on the command line
	stdin string
	want  []problem // stderr lines, in order
	keeps []string  // ids of the articles the input still yields
}

// badCases are the bad inputs of the issue, one each.
func badCases() []badCase {
	const dir = "testdata/bad/"
	file := func(name string) func(*testing.T) string { return func(*testing.T) string { return dir + name } }
	return []badCase{
		{name: "binary", path: file("binary.txt"), want: []problem{{"$", "binary file (NUL byte at offset 8)"}}},
		{name: "invalid UTF-8", path: file("invalid_utf8.txt"), want: []problem{{"$", "invalid UTF-8 at byte 3"}}},
		// UTF-16 with a byte order mark is a valid encoding: the loader
		// decodes it and the article is processed like any other.
		{name: "UTF-16 with BOM", path: file("utf16_bom.txt"), keeps: []string{"$"}},
		{name: "empty", path: file("empty.txt"), want: []problem{{"$", "empty file"}}},
		{name: "whitespace only", path: file("whitespace.txt"), want: []problem{{"$", "empty file"}}},
		{name: "100 MB one line", path: hugeFile(".txt"), want: []problem{{"$", "file is 100.0 MiB, over the 16.0 MiB article limit (--max-size)"}}},
		{name: "100 MB JSONL line", path: hugeFile(".jsonl"), want: []problem{{"$: line 1", "longer than the 16.0 MiB article limit (--max-size); skipped"}}},
		{name: "JSONL broken line", path: file("broken_line.jsonl"), keeps: []string{"broken-ok-1", "broken-ok-2"},
			want: []problem{{"$: line 2", "invalid JSON"}}},
		{name: "JSONL missing text", path: file("missing_text.jsonl"), keeps: []string{"missing-ok"},
			want: []problem{{"$: line 2", `missing "text"`}}},
		{name: "JSONL id of the wrong type", path: file("wrong_types.jsonl"), keeps: []string{"types-ok"},
			want: []problem{{"$: line 2", `field "id" is an array, want a string`}}},
		{name: "JSONL text of the wrong type", path: file("wrong_types_text.jsonl"),
			want: []problem{{"$: line 1", `field "text" is an object, want a string`}}},
		{name: "JSONL duplicate ids", path: file("duplicate_ids.jsonl"), keeps: []string{"dup"},
			want: []problem{{"$: line 2", `duplicate id "dup" (first read at $ line 1); skipped`}}},
		// Text with raw bytes that are not UTF-8 is read (they become
		// U+FFFD), with a warning naming the line: exit 1 all the same.
		{name: "JSONL text with invalid bytes", path: invalidText, keeps: []string{"bytes-bad", "bytes-ok"},
			want: []problem{{"$: line 1", `"text" holds bytes that are not valid UTF-8, each read as U+FFFD`}}},
		{name: "HTML nested 100k levels", path: deepHTML, want: []problem{{"$", "HTML: failed to parse input: html: open stack of elements exceeds 512 nodes"}}},
		{name: "HTML with only script and style", path: file("script_style_only.html"), want: []problem{{"$", "no main text found in the HTML"}}},
		{name: "directory with a symlink loop", path: symlinkLoop, keeps: []string{"$/a.txt"},
			want: []problem{{"$/cycle.txt", "too many levels of symbolic links"}}},
		{name: "unreadable file (mode 000)", path: unreadable, want: []problem{{"$", "permission denied"}}},
		{name: "unreadable file (read error)", path: readError, want: []problem{{"$", "input/output error"}}},
		{name: "FIFO in a directory", path: fifoDir, keeps: []string{"$/a.txt"},
			want: []problem{{"$/feed.jsonl", "not a regular file"}}},
		// A FIFO or process substitution (<(cat feed.jsonl.gz)) is read
		// by its content, whatever its name; a gzip stream cut short is
		// named as such after the articles before the cut.
		{name: "FIFO of truncated gzip JSONL", path: truncatedGzipFIFO, keeps: []string{"fifo-1", "fifo-2"},
			want: []problem{{"$: line 3", "gzip stream truncated or corrupt"}}},
		{name: "path that does not exist", path: file("no/such/file.txt"), want: []problem{{"$", "no such file or directory"}}},
		{name: "binary on standard input", path: func(*testing.T) string { return "-" }, stdin: "\x7fELF\x02\x01\x01\x00\x00",
			want: []problem{{"$", "binary file (NUL byte at offset 7)"}}},
	}
}

// hugeFile links name.ext to a 100 MB file of one line (a JSONL record, so
// that the same bytes are a huge text file or a huge JSONL line), written
// once per top-level test into its temporary directory.
func hugeFile(ext string) func(t *testing.T) string {
	return func(t *testing.T) string {
		data := hugeData(t)
		path := filepath.Join(t.TempDir(), "huge"+ext)
		if err := os.Link(data, path); err != nil {
			t.Fatal(err)
		}
		return path
	}
}

var huge struct {
	sync.Mutex
	dir  map[string]string // top-level test name → its temporary directory
	path map[string]string // top-level test name → the 100 MB file
}

// keepHuge lets the subtests of the top-level test t share one 100 MB file.
func keepHuge(t *testing.T) {
	huge.Lock()
	defer huge.Unlock()
	if huge.dir == nil {
		huge.dir, huge.path = make(map[string]string), make(map[string]string)
	}
	huge.dir[t.Name()] = t.TempDir()
	t.Cleanup(func() {
		huge.Lock()
		defer huge.Unlock()
		delete(huge.dir, t.Name())
		delete(huge.path, t.Name())
	})
}

func hugeData(t *testing.T) string {
	huge.Lock()
	defer huge.Unlock()
	top, _, _ := strings.Cut(t.Name(), "/")
	if p, ok := huge.path[top]; ok {
		return p
	}
	dir, ok := huge.dir[top]
	if !ok {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, "huge.data")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(`{"id":"huge","text":"`)
	word := strings.Repeat("words without end ", 1<<10)
	for n := 0; n < 100<<20; n += len(word) {
		w.WriteString(word)
	}
	w.WriteString("\"}\n")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if ok {
		huge.path[top] = path
	}
	return path
}

// invalidText writes a JSONL feed whose first text holds a byte that is
// not UTF-8.
func invalidText(t *testing.T) string {
	path := filepath.Join(t.TempDir(), "bytes.jsonl")
	feed := "{\"id\":\"bytes-bad\",\"text\":\"A story with one \xff stray byte in its text.\"}\n" +
		"{\"id\":\"bytes-ok\",\"text\":\"A story of plain words.\"}\n"
	if err := os.WriteFile(path, []byte(feed), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// deepHTML writes a page nested 100,000 elements deep.
func deepHTML(t *testing.T) string {
	path := filepath.Join(t.TempDir(), "deep.html")
	const depth = 100_000
	page := "<html><body>" + strings.Repeat("<div>", depth) +
		"<p>The innermost paragraph of a page nested a hundred thousand levels deep.</p>" +
		strings.Repeat("</div>", depth) + "</body></html>"
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// symlinkLoop makes a directory holding an article, a link to its own
// parent (a directory loop, which the walk does not follow) and a link to
// itself (which cannot be read).
func symlinkLoop(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "looped")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile(t, "testdata/crafted/partial.txt", filepath.Join(dir, "a.txt"))
	for link, target := range map[string]string{"back": "..", "here": ".", "cycle.txt": "cycle.txt"} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Skipf("cannot make symbolic links here: %v", err)
		}
	}
	return dir
}

// unreadable makes a file without read permission. Root reads it anyway,
// so the case is skipped as root; "read error" below covers a file that
// nobody can read.
func unreadable(t *testing.T) string {
	if os.Geteuid() == 0 {
		t.Skip("running as root, which can read a mode-000 file; the read-error case covers an unreadable file")
	}
	path := filepath.Join(t.TempDir(), "locked.txt")
	copyFile(t, "testdata/crafted/partial.txt", path)
	if err := os.Chmod(path, 0); err != nil {
		t.Fatal(err)
	}
	return path
}

// readError links mem.txt to /proc/self/mem: a regular file that opens
// but fails to read (EIO at offset 0), for root too.
func readError(t *testing.T) string {
	if runtime.GOOS != "linux" {
		t.Skip("needs Linux's /proc/self/mem for a file that fails to read")
	}
	path := filepath.Join(t.TempDir(), "mem.txt")
	if err := os.Symlink("/proc/self/mem", path); err != nil {
		t.Skipf("cannot make symbolic links here: %v", err)
	}
	return path
}

// fifoDir makes a directory holding an article and a FIFO named like a
// JSONL feed, which would block a reader that opened it.
func fifoDir(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "pipes")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile(t, "testdata/crafted/partial.txt", filepath.Join(dir, "a.txt"))
	if err := syscall.Mkfifo(filepath.Join(dir, "feed.jsonl"), 0o644); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	return dir
}

// truncatedGzipFIFO makes a FIFO with no extension that gives, to each
// reader that opens it, a gzipped JSONL feed of two articles cut short
// just after them (the third line is lost).
func truncatedGzipFIFO(t *testing.T) string {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	gz.Write([]byte(`{"id":"fifo-1","text":"Storms closed the northern pass for a third day."}` + "\n" +
		`{"id":"fifo-2","text":"The town council voted to rebuild the old bridge."}` + "\n"))
	gz.Flush()
	data := buf.Bytes()[:buf.Len():buf.Len()]
	gz.Write([]byte(`{"id":"fifo-3","text":"This line is lost."}` + "\n"))
	gz.Close()
	return fifoServing(t, data)
}

// fifoServing makes a FIFO and serves data to each reader that opens it,
// one after another, until the test ends. Each reader gets a FIFO of its
// own: before the writer closes one (and its reader sees the end), a new
// FIFO is renamed into its place for the next reader.
func fifoServing(t *testing.T, data []byte) string {
	dir := t.TempDir()
	path := filepath.Join(dir, "feed")
	mkfifo := func() error {
		tmp := filepath.Join(dir, ".feed.next")
		if err := syscall.Mkfifo(tmp, 0o644); err != nil {
			return err
		}
		return os.Rename(tmp, path)
	}
	if err := mkfifo(); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			f, err := os.OpenFile(path, os.O_WRONLY, 0) // waits for a reader
			if err != nil {
				return
			}
			select {
			case <-done:
				f.Close()
				return
			default:
			}
			f.Write(data)
			err = mkfifo()
			f.Close()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		close(done)
		// A reader lets the writer waiting in open go on and see done.
		if r, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
			defer r.Close()
		}
		wg.Wait()
	})
	return path
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkStderr checks that stderr holds exactly one line per problem, in
// order, each naming the input and the reason.
func checkStderr(t *testing.T, stderr string, want []problem) {
	t.Helper()
	var lines []string
	if s := strings.TrimSuffix(stderr, "\n"); s != "" {
		lines = strings.Split(s, "\n")
	}
	if len(lines) != len(want) {
		t.Fatalf("stderr has %d lines, want %d:\n%s", len(lines), len(want), stderr)
	}
	for i, p := range want {
		reason, ok := strings.CutPrefix(lines[i], "compare: "+p.where+": ")
		if !ok {
			t.Errorf("stderr line %d %q does not name %s", i+1, lines[i], p.where)
		} else if !strings.Contains(reason, p.reason) {
			t.Errorf("stderr line %d %q does not give the reason %q", i+1, lines[i], p.reason)
		}
	}
}

// clusterIDs runs clusters --format jsonl, which prints one line per
// article read, and returns the ids in order.
func clusterIDs(t *testing.T, stdin string, paths []string) (ids []string, stderr string, code int) {
	t.Helper()
	out, stderr, code := compare(t, stdin, append([]string{"clusters", "--format", "jsonl"}, paths...)...)
	for line := range strings.Lines(out) {
		var m struct{ ID string }
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("clusters output line %q: %v", line, err)
		}
		ids = append(ids, m.ID)
	}
	return ids, stderr, code
}

// checkPairsComplete runs pairs over every pair (--min-relation unrelated)
// to standard output and to a file, and checks that both list all n(n-1)/2
// pairs, identically.
func checkPairsComplete(t *testing.T, stdin string, paths []string, n int) {
	t.Helper()
	args := append([]string{"pairs", "--format", "jsonl", "--min-relation", "unrelated"}, paths...)
	out, _, _ := compare(t, stdin, args...)
	file := filepath.Join(t.TempDir(), "pairs.jsonl")
	if _, stderr, code := compare(t, stdin, append([]string{"pairs", "-o", file}, args[1:]...)...); code == exitUsage {
		t.Fatalf("pairs -o: usage error: %s", stderr)
	}
	if got := mustRead(t, file); got != out {
		t.Errorf("pairs -o wrote other bytes than standard output got:\n%s\nwant:\n%s", got, out)
	}
	if lines := strings.Count(out, "\n"); lines != n*(n-1)/2 || !strings.HasSuffix(out, "}\n") && n > 1 {
		t.Errorf("pairs output has %d lines for %d articles, want %d:\n%s", lines, n, n*(n-1)/2, out)
	}
	if !strings.Contains(out, `"a":"testdata/crafted/wire.txt","b":"testdata/crafted/syndicated.txt","relation":"duplicate"`) {
		t.Errorf("the good inputs' duplicate pair is missing:\n%s", out)
	}
}

func TestBadInputs(t *testing.T) {
	inRoot(t)
	keepHuge(t)
	for _, tc := range badCases() {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path(t)
			paths := append([]string{path}, goodInputs...)
			wantLines, keeps := tc.resolve(path)
			ids, stderr, code := clusterIDs(t, tc.stdin, paths)
			wantCode := exitOK
			if len(wantLines) > 0 {
				wantCode = exitBadInput
			}
			if code != wantCode {
				t.Errorf("exit %d, want %d (stderr %q)", code, wantCode, stderr)
			}
			checkStderr(t, stderr, wantLines)
			want := append(keeps, goodInputs...)
			if fmt.Sprint(ids) != fmt.Sprint(want) {
				t.Errorf("articles read: %q, want %q", ids, want)
			}
			checkPairsComplete(t, tc.stdin, paths, len(want))
		})
	}
}

// TestBadInputsTogether gives every bad input at once, between the good
// ones, to the report command: one line per problem, in order, and a
// complete report of the rest.
func TestBadInputsTogether(t *testing.T) {
	inRoot(t)
	keepHuge(t)
	paths := []string{goodInputs[0]}
	var want []problem
	var keeps []string
	stdin := ""
	for _, tc := range badCases() {
		if tc.name == "unreadable file (mode 000)" && os.Geteuid() == 0 {
			continue
		}
		path := tc.path(t)
		w, k := tc.resolve(path)
		paths = append(paths, path)
		want = append(want, w...)
		keeps = append(keeps, k...)
		stdin += tc.stdin
	}
	paths = append(paths, goodInputs[1])
	dir := filepath.Join(t.TempDir(), "report")
	_, stderr, code := compare(t, stdin, append([]string{"report", "-o", dir}, paths...)...)
	if code != exitBadInput {
		t.Errorf("exit %d, want %d", code, exitBadInput)
	}
	// The last two lines say what will be written and what was.
	stderr, summary, _ := strings.Cut(stderr, "compare: writing ")
	checkStderr(t, stderr, want)
	if !strings.Contains(summary, fmt.Sprintf("%d articles", len(keeps)+2)) {
		t.Errorf("summary %q: want %d articles", summary, len(keeps)+2)
	}
	var rep struct{ Articles []struct{ ID string } }
	if err := json.Unmarshal([]byte(mustRead(t, filepath.Join(dir, "report.json"))), &rep); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range rep.Articles {
		ids = append(ids, a.ID)
	}
	wantIDs := append(append([]string{goodInputs[0]}, keeps...), goodInputs[1])
	if fmt.Sprint(ids) != fmt.Sprint(wantIDs) {
		t.Errorf("report.json articles %q, want %q", ids, wantIDs)
	}
	if page := mustRead(t, filepath.Join(dir, "index.html")); !strings.HasSuffix(strings.TrimSpace(page), "</html>") {
		t.Errorf("index.html is not complete")
	}
}

// TestMaxSize checks the article size limit and its flag.
func TestMaxSize(t *testing.T) {
	inRoot(t)
	ids, stderr, code := clusterIDs(t, "", append([]string{"--max-size", "1k"}, goodInputs...))
	if code != exitBadInput || len(ids) != 0 {
		t.Errorf("--max-size 1k: exit %d, read %q", code, ids)
	}
	checkStderr(t, stderr, []problem{
		{goodInputs[0], "over the 1.0 KiB article limit (--max-size)"},
		{goodInputs[1], "over the 1.0 KiB article limit (--max-size)"},
	})
	if ids, stderr, code := clusterIDs(t, "", append([]string{"--max-size", "64KiB"}, goodInputs...)); code != 0 || len(ids) != 2 {
		t.Errorf("--max-size 64KiB: exit %d, read %q: %s", code, ids, stderr)
	}
	if _, stderr, code := compare(t, "", "clusters", "--max-size", "lots", goodInputs[0]); code != exitUsage || !strings.Contains(stderr, "--max-size") {
		t.Errorf("--max-size lots: exit %d, stderr %q", code, stderr)
	}
}
