package article

// Fuzz targets for every loader and recognizer of this package. The seed
// corpora are the real inputs of the repository (testdata/seeds,
// testdata/crafted) and the hand-made tricky inputs of testdata/fuzz/text,
// html and jsonl; inputs the fuzzer found failing are kept under
// testdata/fuzz/FuzzXxx and run by every "go test".
//
//	go test -run '^$' -fuzz '^FuzzParseHTML$' -fuzztime 10m -parallel 1 ./internal/article

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzSeeds returns the contents of the files matching the globs, relative
// to the repository root.
func fuzzSeeds(f *testing.F, globs ...string) [][]byte {
	f.Helper()
	var out [][]byte
	for _, g := range globs {
		names, err := filepath.Glob(filepath.Join("..", "..", g))
		if err != nil {
			f.Fatal(err)
		}
		if len(names) == 0 {
			f.Fatalf("no seed files match %s", g)
		}
		for _, name := range names {
			data, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			out = append(out, data)
		}
	}
	return out
}

// folded is text as clean sees it: each line's runs of white space folded
// to one space, lines joined by newlines.
func folded(text string) string {
	var b strings.Builder
	for line := range strings.Lines(text) {
		b.WriteString(strings.Join(strings.Fields(line), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

// checkArticle checks what every loaded article promises: a body with
// words, made of non-empty trimmed paragraphs, and, from valid UTF-8, valid
// UTF-8 in every field.
func checkArticle(t *testing.T, a *Article, validInput bool) {
	t.Helper()
	if !hasWords(a.Body) {
		t.Fatalf("article %q accepted with no words in its body: %q", a.ID, a.Body)
	}
	for i, p := range a.Paragraphs() {
		if p == "" || strings.TrimSpace(p) != p || strings.Contains(p, "\n") {
			t.Fatalf("paragraph %d is empty, untrimmed or holds a newline: %q", i, p)
		}
	}
	if !validInput {
		return
	}
	for _, s := range append([]string{a.ID, a.Outlet, a.Title, a.Byline, a.Dateline, a.URL, a.Published, a.Body}, a.Credits...) {
		if !utf8.ValidString(s) {
			t.Fatalf("field %q is not valid UTF-8 though the input was", s)
		}
	}
	for _, c := range a.Credits {
		if strings.TrimSpace(c) == "" {
			t.Fatalf("empty credit in %q", a.Credits)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range fuzzSeeds(f, "testdata/fuzz/text/*", "testdata/seeds/*.txt") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		text, err := decode(data)
		if err != nil {
			if text != "" {
				t.Fatalf("decode returned text %q with error %v", text, err)
			}
			return
		}
		if !utf8.ValidString(text) {
			t.Fatalf("decode returned invalid UTF-8 %q", text)
		}
		if strings.IndexByte(text, 0) >= 0 {
			t.Fatalf("decode returned a NUL byte: %q", text)
		}
		if strings.TrimSpace(text) == "" {
			t.Fatalf("decode accepted blank text %q", text)
		}
		if strings.HasPrefix(text, "\ufeff") && !bytes.HasPrefix(data, []byte("\xef\xbb\xbf\xef\xbb\xbf")) && !bytes.HasPrefix(data, []byte{0xff, 0xfe}) && !bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
			t.Fatalf("decode kept the UTF-8 byte order mark: %q", text)
		}
	})
}

func FuzzParseText(f *testing.F) {
	for _, s := range fuzzSeeds(f, "testdata/fuzz/text/*", "testdata/seeds/*.txt", "testdata/crafted/*.txt") {
		f.Add(string(s))
	}
	f.Fuzz(func(t *testing.T, text string) {
		a, err := ParseText("id", text)
		b, err2 := ParseText("id", text)
		if (err == nil) != (err2 == nil) || a.Body != b.Body || a.Title != b.Title || a.Byline != b.Byline || a.Dateline != b.Dateline || strings.Join(a.Credits, "|") != strings.Join(b.Credits, "|") {
			t.Fatalf("two parses of one text differ: %+v, %v and %+v, %v", a, err, b, err2)
		}
		if err != nil {
			return
		}
		checkArticle(t, &a, utf8.ValidString(text))
		// Cleaning only drops or moves whole lines and cuts a dateline off
		// the first paragraph: every kept word is the input's, in place.
		in := folded(text)
		for _, field := range append([]string{a.Title, a.Byline, a.Dateline}, append(a.Credits, a.Paragraphs()...)...) {
			if !strings.Contains(in, field) {
				t.Fatalf("%q is not in the input %q", field, in)
			}
		}
		if a.Title != "" && strings.Contains(a.Title, "\n") {
			t.Fatalf("headline spans lines: %q", a.Title)
		}
	})
}

// FuzzFields fuzzes byline, dateline and credit recognition on one line.
func FuzzFields(f *testing.F) {
	for _, s := range []string{
		"By Fatih Erel", "Par Jean-Luc de la Fontaine", "by lower case", "By",
		"GENEVA (AA) – U.S. Secretary of State John Kerry arrived",
		"WASHINGTON, April 10 (Reuters) - Officials said",
		"Beirut, Lebanon (AP) — A bomb", "US officials - said", "PARIS — Le texte",
		"Source: TRTWorld and agencies", "(With Reuters)", "(Reporting by Tom Perry)",
		"Reporting by Tom Perry; Editing by Alison Williams", "Photo: Getty Images",
		"© 2026 Example Daily. All rights reserved.", "(c) AFP", "Copyright 2016",
		"ÇANAKKALE (AA) – Türkiye", "(AA) – ", "A (B) – C", "((((((((((", "Source:",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		if m := bylineRE.FindStringSubmatch(line); m != nil && !strings.Contains(line, strings.TrimSpace(m[1])) {
			t.Fatalf("byline %q not in %q", m[1], line)
		}
		if c, ok := creditLine(line); ok && !strings.Contains(line, c) {
			t.Fatalf("credit %q not in %q", c, line)
		}
		d, agency, rest, ok := dateline(line)
		if !ok {
			if d != "" || agency != "" || rest != "" {
				t.Fatalf("dateline(%q) failed but returned %q, %q, %q", line, d, agency, rest)
			}
			return
		}
		if d == "" || rest == "" {
			t.Fatalf("dateline(%q) = %q, rest %q: an empty part", line, d, rest)
		}
		if !strings.HasPrefix(line, d) && !strings.HasPrefix(strings.TrimSpace(line), d) {
			t.Fatalf("dateline %q does not start %q", d, line)
		}
		if !strings.HasSuffix(line, rest) || len(rest) >= len(line) {
			t.Fatalf("rest %q is not a proper suffix of %q", rest, line)
		}
		if agency != "" && !strings.Contains(d, agency) {
			t.Fatalf("agency %q is not in the dateline %q", agency, d)
		}
	})
}

func FuzzParseHTML(f *testing.F) {
	for _, s := range fuzzSeeds(f, "testdata/fuzz/html/*") {
		f.Add(string(s))
	}
	f.Fuzz(func(t *testing.T, page string) {
		a, err := ParseHTML("id", page)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		checkArticle(t, &a, utf8.ValidString(page))
		if a.Title != strings.Join(strings.Fields(a.Title), " ") {
			t.Fatalf("headline not folded: %q", a.Title)
		}
	})
}

func FuzzParseJSONLine(f *testing.F) {
	for _, s := range fuzzSeeds(f, "testdata/fuzz/jsonl/*") {
		for line := range bytes.Lines(s) {
			f.Add(bytes.TrimRight(line, "\r\n"))
		}
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		a, err := ParseJSONLine(line)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if a.ID == "" {
			t.Fatalf("accepted %q without an id", line)
		}
		// encoding/json replaces invalid UTF-8 in strings, so the fields
		// are always valid.
		checkArticle(t, &a, true)
	})
}

// FuzzReader feeds arbitrary bytes to the loader as standard input, which
// sniffs JSONL, HTML or text and streams JSONL line by line under a size
// limit.
func FuzzReader(f *testing.F) {
	for _, s := range fuzzSeeds(f, "testdata/fuzz/*/*", "testdata/crafted/wire.txt") {
		f.Add(s, uint16(0))
		f.Add(s, uint16(40))
	}
	f.Fuzz(func(t *testing.T, data []byte, limit uint16) {
		var bad []error
		r := Reader{
			Stdin:    bytes.NewReader(data),
			MaxBytes: int64(limit),
			Bad:      func(err error) { bad = append(bad, err) },
		}
		arts, err := r.Load(context.Background(), []string{"-"})
		if err != nil {
			t.Fatalf("Load stopped: %v", err)
		}
		ids := make(map[string]bool)
		for i := range arts {
			a := &arts[i]
			if a.ID == "" || ids[a.ID] {
				t.Fatalf("article %d has an empty or repeated id %q", i, a.ID)
			}
			ids[a.ID] = true
			checkArticle(t, a, utf8.Valid(data))
		}
		warned := 0 // warnings name a line whose article is read all the same
		for _, e := range bad {
			if e == nil || !strings.HasPrefix(e.Error(), "-: ") {
				t.Fatalf("bad input reported without naming it: %v", e)
			}
			if strings.HasSuffix(e.Error(), "each read as U+FFFD") {
				warned++
			}
		}
		if lines := bytes.Count(data, []byte("\n")) + 1; len(arts)+len(bad)-warned > lines {
			t.Fatalf("%d articles and %d problems (%d of them warnings) from %d lines", len(arts), len(bad), warned, lines)
		}
		if len(arts)+len(bad) == 0 {
			// Even empty input is reported ("empty file").
			t.Fatalf("input %q neither read nor reported", data)
		}
	})
}
