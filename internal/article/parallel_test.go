package article

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestParallelJSONLMatchesSerial reads one JSONL file with bad, blank,
// long and duplicate lines serially and on several workers: the articles,
// their order and the bad-input messages must be the same.
func TestParallelJSONLMatchesSerial(t *testing.T) {
	var b strings.Builder
	for i := range 2000 {
		switch {
		case i%97 == 0:
			b.WriteString("{not json\n")
		case i%89 == 0:
			b.WriteString("\n")
		case i%83 == 0:
			fmt.Fprintf(&b, "{\"id\":\"a%d\",\"text\":\"%s\"}\n", i, strings.Repeat("long words ", 300))
		case i%79 == 0:
			b.WriteString("{\"id\":\"a1\",\"text\":\"A duplicate id.\"}\n")
		default:
			fmt.Fprintf(&b, "{\"id\":\"a%d\",\"title\":\"Headline %d\",\"text\":\"Body of article %d, with words.\\n\\nShare\\n\\nA second paragraph.\"}\n", i, i, i)
		}
	}
	b.WriteString(`{"id":"last","text":"no newline at the end"}`)
	path := filepath.Join(t.TempDir(), "feed.jsonl")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	read := func(workers int) ([]Article, []string) {
		var bad []string
		r := Reader{Workers: workers, MaxBytes: 2000, Bad: func(err error) { bad = append(bad, err.Error()) }}
		arts, err := r.Load(context.Background(), []string{path})
		if err != nil {
			t.Fatal(err)
		}
		return arts, bad
	}
	want, wantBad := read(0)
	if len(want) < 1800 || len(wantBad) < 40 {
		t.Fatalf("serial read: %d articles, %d bad: the test input is not what it should be", len(want), len(wantBad))
	}
	for _, w := range []int{2, 3, 8} {
		got, gotBad := read(w)
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotBad, wantBad) {
			t.Fatalf("workers=%d: %d articles, %d bad; serial: %d, %d", w, len(got), len(gotBad), len(want), len(wantBad))
		}
	}
}

// TestParallelJSONLStops checks that a callback error and a cancelled
// context stop a parallel read.
func TestParallelJSONLStops(t *testing.T) {
	var b strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&b, "{\"id\":\"a%d\",\"text\":\"Body %d.\"}\n", i, i)
	}
	path := filepath.Join(t.TempDir(), "feed.jsonl")
	os.WriteFile(path, []byte(b.String()), 0o644)
	stop := errors.New("stop")
	n := 0
	r := Reader{Workers: 4}
	err := r.Read(context.Background(), []string{path}, func(Article) error {
		n++
		if n == 300 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 300 {
		t.Fatalf("got %v after %d articles", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n = 0
	r = Reader{Workers: 4}
	err = r.Read(ctx, []string{path}, func(Article) error {
		n++
		if n == 10 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || n > jsonlBatchLines {
		t.Fatalf("cancelled: got %v after %d articles", err, n)
	}
}
