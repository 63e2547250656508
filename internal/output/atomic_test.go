package output

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteFileAtomic checks that a reader of path sees the old file or the
// whole new one: a writer failing half way leaves the old file, and no
// temporary file is left behind. (cmd/compare's atomic tests interrupt and
// kill real runs.)
func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "pairs.jsonl")
	leftovers := func() []string {
		entries, _ := os.ReadDir(dir)
		var out []string
		for _, e := range entries {
			if e.Name() != "pairs.jsonl" {
				out = append(out, e.Name())
			}
		}
		return out
	}
	write := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}

	if err := WriteFileAtomic(path, write("first\n")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "first\n" {
		t.Fatalf("new file holds %q", b)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", info.Mode().Perm())
	}

	// Half the output, then an error: the old file stays whole.
	boom := errors.New("disk on fire")
	half := strings.Repeat("x", 1<<20)
	err := WriteFileAtomic(path, func(w io.Writer) error {
		if _, err := io.WriteString(w, half); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("failed write returned %v, want %v", err, boom)
	}
	if b, _ := os.ReadFile(path); string(b) != "first\n" {
		t.Errorf("after a failed write the file holds %d bytes, want the old 6", len(b))
	}
	if l := leftovers(); l != nil {
		t.Errorf("left behind: %v", l)
	}

	// A second write replaces the file whole.
	if err := WriteFileAtomic(path, write("second\n")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "second\n" {
		t.Errorf("replaced file holds %q", b)
	}
	if l := leftovers(); l != nil {
		t.Errorf("left behind: %v", l)
	}

	// A directory that does not exist: an error, nothing written.
	missing := filepath.Join(dir, "no", "such", "dir", "out.csv")
	if err := WriteFileAtomic(missing, write("x")); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
	if _, err := os.Stat(filepath.Join(dir, "no")); !os.IsNotExist(err) {
		t.Errorf("a missing directory was created: %v", err)
	}
}

func TestWriteDirAtomic(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "report")
	write := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	if err := WriteDirAtomic(dir, []File{{"index.html", write("one")}, {"report.json", write("{}")}}); err != nil {
		t.Fatal(err)
	}
	// A failing writer leaves the previous report as it was.
	err := WriteDirAtomic(dir, []File{{"index.html", write("two")}, {"report.json", func(io.Writer) error { return io.ErrUnexpectedEOF }}})
	if err == nil || !strings.Contains(err.Error(), "report.json") {
		t.Errorf("failed write: err %v, want one naming report.json", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "index.html")); string(b) != "one" {
		t.Errorf("index.html after a failed write: %q", b)
	}
	// A new report replaces the whole directory: no stale cluster pages.
	os.WriteFile(filepath.Join(dir, "cluster-0009.html"), []byte("stale"), 0o644)
	if err := WriteDirAtomic(dir, []File{{"index.html", write("three")}}); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("after replacing: %v", entries)
	}
	// Nothing is left beside it.
	side, _ := os.ReadDir(filepath.Dir(dir))
	if len(side) != 1 {
		t.Errorf("left beside the report: %v", side)
	}
	// A directory holding anything else is not replaced.
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
	if err := WriteDirAtomic(dir, []File{{"index.html", write("four")}}); err == nil || !strings.Contains(err.Error(), "notes.txt") {
		t.Errorf("replacing a directory of other files: err %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "notes.txt")); string(b) != "mine" {
		t.Error("notes.txt lost")
	}
}
