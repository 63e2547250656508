package article

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/copydesk/copydesk/internal/synth"
)

var (
	synthOnce  sync.Once
	synthLines [][]byte
	synthBytes int64
)

// synthCorpus returns the lines of the 10k-article synthetic corpus of seed
// 1 (what compare synth --n 10000 --seed 1 writes), made once per process.
func synthCorpus(tb testing.TB) [][]byte {
	tb.Helper()
	synthOnce.Do(func() {
		var buf bytes.Buffer
		if err := synth.Write(context.Background(), 10_000, 1, &buf, io.Discard); err != nil {
			tb.Fatal(err)
		}
		synthBytes = int64(buf.Len())
		for line := range bytes.Lines(buf.Bytes()) {
			synthLines = append(synthLines, bytes.TrimRight(line, "\n"))
		}
	})
	return synthLines
}

// BenchmarkParseJSONLine parses and cleans the 10k synthetic articles: the
// per-article cost of reading a JSONL corpus, on one core. Reference is the
// same with the reference implementation (reference_test.go: encoding/json
// and rule-by-rule cleaning), for the speed-up in one run.
func BenchmarkParseJSONLine(b *testing.B) {
	b.Run("fast", func(b *testing.B) { benchParse(b, ParseJSONLine) })
	b.Run("reference", func(b *testing.B) { benchParse(b, refParseJSONLine) })
}

func benchParse(b *testing.B, parse func([]byte) (Article, error)) {
	lines := synthCorpus(b)
	b.SetBytes(synthBytes)
	b.ReportAllocs()
	for b.Loop() {
		for _, line := range lines {
			if _, err := parse(line); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(lines)), "ns/article")
}

// BenchmarkParseText cleans the seeds and crafted texts as plain-text files.
func BenchmarkParseText(b *testing.B) {
	var texts []string
	for _, g := range []string{"testdata/seeds/*.txt", "testdata/crafted/*.txt"} {
		for _, s := range seedFiles(b, g) {
			texts = append(texts, string(s))
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, t := range texts {
			if _, err := ParseText("x.txt", t); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// seedFiles returns the contents of the files matching glob, relative to
// the repository root.
func seedFiles(tb testing.TB, glob string) [][]byte {
	tb.Helper()
	names, err := filepath.Glob(filepath.Join("..", "..", glob))
	if err != nil || len(names) == 0 {
		tb.Fatalf("no files match %s (%v)", glob, err)
	}
	var out [][]byte
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}
