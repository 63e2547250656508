package article

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// fifo makes a named FIFO in a temporary directory and writes data to it
// from a goroutine; the test reads it by name.
func fifo(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	go func() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return // the test fails on what it reads
		}
		f.Write(data)
		f.Close()
	}()
	return path
}

func gzipped(data []byte) []byte {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	gz.Write(data)
	gz.Close()
	return buf.Bytes()
}

// TestFIFOReadByContent: a FIFO named on the command line, whatever its
// name, is read by its content as standard input is: JSONL, a JSON array,
// text or HTML, each plain or gzipped; and gives the same articles as the
// same bytes on standard input.
func TestFIFOReadByContent(t *testing.T) {
	const jsonl = `{"id":"f1","text":"Floods hit the valley.\n\nResidents were moved to the school."}` + "\n" +
		`{"id":"f2","text":"A second story about the harvest."}` + "\n"
	cases := map[string]struct {
		data string
		ids  []string
	}{
		"jsonl": {jsonl, []string{"f1", "f2"}},
		"json":  {`[{"id":"j1","text":"A story in a JSON array."}]`, []string{"j1"}},
		"text":  {"Floods hit the valley\n\nResidents were moved to the school.\n", []string{"$"}},
		"html":  {"<html><head><title>Floods</title></head><body><article><p>Floods hit the valley and residents were moved to the school on the hill.</p></article></body></html>", []string{"$"}},
	}
	for name, c := range cases {
		for _, gz := range []bool{false, true} {
			for _, workers := range []int{1, 4} {
				data := []byte(c.data)
				if gz {
					data = gzipped(data)
				}
				path := fifo(t, "feed", data) // no extension
				var bad []error
				r := &Reader{Workers: workers, Bad: func(err error) { bad = append(bad, err) }}
				arts, err := r.Load(context.Background(), []string{path})
				var ids []string
				for _, a := range arts {
					ids = append(ids, a.ID)
				}
				want := strings.ReplaceAll(strings.Join(c.ids, " "), "$", path)
				if err != nil || len(bad) > 0 || strings.Join(ids, " ") != want {
					t.Errorf("%s gzip=%v workers=%d: got %q, %v, bad %v; want %q", name, gz, workers, ids, err, bad, want)
					continue
				}
				// The same bytes on standard input.
				sr := &Reader{Workers: workers, Stdin: bytes.NewReader(data), StdinID: path, Bad: func(err error) { bad = append(bad, err) }}
				fromStdin, err := sr.Load(context.Background(), []string{"-"})
				if err != nil || len(bad) > 0 || len(fromStdin) != len(arts) {
					t.Errorf("%s gzip=%v: stdin read %d articles, %v %v", name, gz, len(fromStdin), err, bad)
					continue
				}
				for i := range arts {
					if arts[i].Body != fromStdin[i].Body || arts[i].Title != fromStdin[i].Title {
						t.Errorf("%s gzip=%v: article %d differs from stdin's", name, gz, i)
					}
				}
			}
		}
	}
}

// TestTruncatedGzip: a gzip stream cut short, in a FIFO, on standard input
// or in a .jsonl.gz file, gives one bad line naming the input and saying
// the gzip stream is truncated or corrupt; the articles before the cut
// are read.
func TestTruncatedGzip(t *testing.T) {
	var feed strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&feed, "{\"id\":\"t%d\",\"text\":\"Story number %d, with some words in it.\"}\n", i, i)
	}
	full := gzipped([]byte(feed.String()))
	cut := full[:len(full)*2/3]
	file := filepath.Join(t.TempDir(), "feed.jsonl.gz")
	if err := os.WriteFile(file, cut, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 4} {
		for _, src := range []string{"fifo", "stdin", "file"} {
			r := &Reader{Workers: workers}
			var path string
			switch src {
			case "fifo":
				path = fifo(t, "feed", cut)
			case "stdin":
				path, r.Stdin = "-", bytes.NewReader(cut)
			case "file":
				path = file
			}
			var bad []string
			r.Bad = func(err error) { bad = append(bad, err.Error()) }
			arts, err := r.Load(context.Background(), []string{path})
			if err != nil || len(arts) == 0 || len(arts) >= 2000 {
				t.Errorf("%s workers=%d: %d articles, %v", src, workers, len(arts), err)
			}
			if len(bad) != 1 || !strings.HasPrefix(bad[0], path+": ") || !strings.Contains(bad[0], "gzip stream truncated or corrupt") {
				t.Errorf("%s workers=%d: bad lines %q, want one naming %s and the truncated gzip stream", src, workers, bad, path)
			}
		}
	}
}
