package index

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A read-only index (its directory not writable, or on a read-only mount)
// is read as immutable: stats, check and the graph work and nothing is
// created beside it. Root can write to a chmodded directory, so the test
// forces the read-only answer as well as removing the write bits.
func TestReadOnlyDirectory(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "index.db")
	st, err := Open(ctx, path, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Add(ctx, st, loadDir(t, seedsDir), Options{}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil { // the last close checkpoints the WAL
		t.Fatal(err)
	}
	os.Chmod(path, 0o444)
	os.Chmod(dir, 0o555)
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	defer func(f func(string) bool) { dirWritable = f }(dirWritable)
	dirWritable = func(string) bool { return false }

	ro, err := Open(ctx, path, true)
	if err != nil {
		t.Fatalf("read-only open: %v", err)
	}
	s, err := ro.Stats(ctx)
	if err != nil || s.Articles != 5 {
		t.Fatalf("stats: %+v, %v; want 5 articles", s, err)
	}
	if _, err := Check(ctx, ro, loadDir(t, crafted), Options{}); err != nil {
		t.Fatalf("check: %v", err)
	}
	g, err := LoadGraph(ctx, ro, zeroTime)
	if err != nil || len(g.Articles) != 5 {
		t.Fatalf("graph: %v", err)
	}
	ro.Close()
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files beside a read-only index: %v", entries)
	}

	// Commits still in a -wal file cannot be read without writing: refused.
	if err := os.WriteFile(path+"-wal", []byte("x"), 0o444); err != nil && os.Geteuid() == 0 {
		t.Fatal(err)
	} else if err == nil {
		_, err := Open(ctx, path, true)
		if err == nil || !strings.Contains(err.Error(), "-wal holds commits") {
			t.Errorf("with a -wal: %v", err)
		}
	}
}
