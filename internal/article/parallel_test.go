package article

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
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

// TestParallelJSONLBoundsBytes reads a feed of huge lines (valid articles
// and garbage) on several workers with a small bound on bytes in flight:
// counted as the reader reads and hands on lines, they never pass the bound
// and one line, however far the reader could run ahead of a slow consumer;
// and the articles and messages are the serial reader's.
func TestParallelJSONLBoundsBytes(t *testing.T) {
	const lineBytes = 300 << 10
	const budget = 1 << 20
	var b strings.Builder
	for i := range 30 {
		if i%3 == 2 {
			b.WriteString(strings.Repeat("garbage ", lineBytes/8) + "\n")
			continue
		}
		fmt.Fprintf(&b, "{\"id\":\"h%d\",\"text\":\"%s\"}\n", i, strings.Repeat("many words in a line ", lineBytes/21))
	}
	path := filepath.Join(t.TempDir(), "huge.jsonl")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	read := func(r *Reader, full chan struct{}) ([]string, []string) {
		var ids, bad []string
		r.Bad = func(err error) { bad = append(bad, err.Error()) }
		err := r.Read(context.Background(), []string{path}, func(a Article) error {
			ids = append(ids, a.ID)
			if full != nil && len(ids) == 1 {
				<-full // let the reader fill the bound before going on
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return ids, bad
	}
	wantIDs, wantBad := read(&Reader{}, nil)
	if len(wantIDs) != 20 || len(wantBad) != 10 {
		t.Fatalf("serial read: %d articles, %d bad: the test input is not what it should be", len(wantIDs), len(wantBad))
	}
	for _, workers := range []int{2, 4, 8} {
		var cur, peak atomic.Int64
		full := make(chan struct{})
		var once sync.Once
		r := &Reader{Workers: workers, flightBytes: budget}
		r.onFlight = func(n int64) {
			c := cur.Add(n)
			for p := peak.Load(); c > p && !peak.CompareAndSwap(p, c); p = peak.Load() {
			}
			if c >= budget-lineBytes {
				once.Do(func() { close(full) })
			}
		}
		ids, bad := read(r, full)
		if !reflect.DeepEqual(ids, wantIDs) || !reflect.DeepEqual(bad, wantBad) {
			t.Errorf("workers=%d: %d articles, %d bad; serial: %d, %d", workers, len(ids), len(bad), len(wantIDs), len(wantBad))
		}
		if max := int64(budget + lineBytes + 64); peak.Load() > max || cur.Load() != 0 {
			t.Errorf("workers=%d: %d bytes in flight at most (%d at the end), want at most %d", workers, peak.Load(), cur.Load(), max)
		}
	}
}
