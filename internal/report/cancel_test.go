package report

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A report stopped by Ctrl-C (ctx cancelled) while it is laid out or
// written returns at once and leaves the previous report as it was.
func TestWriteReportCancelled(t *testing.T) {
	inRoot(t)
	rep := build(t, 0, "testdata/seeds", "testdata/crafted")
	dir := filepath.Join(t.TempDir(), "r")
	if err := WriteReport(dir, rep); err != nil {
		t.Fatal(err)
	}
	before := dirFiles(t, dir)
	for _, after := range []time.Duration{0, time.Millisecond, 5 * time.Millisecond} {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(after, cancel)
		start := time.Now()
		err := WriteReportContext(ctx, dir, rep)
		if err == nil {
			continue // finished before the cancel: a whole new report, the same
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled after %v: %v", after, err)
		}
		if d := time.Since(start); d > time.Second+after {
			t.Errorf("cancelled after %v: returned after %v", after, d)
		}
		if got := dirFiles(t, dir); len(got) != len(before) {
			t.Errorf("cancelled after %v: the report's files changed: %v", after, got)
		}
		if left, _ := os.ReadDir(filepath.Dir(dir)); len(left) != 1 {
			t.Errorf("cancelled after %v: left %v beside the report", after, left)
		}
		for name, data := range before {
			if b, _ := os.ReadFile(filepath.Join(dir, name)); string(b) != data {
				t.Errorf("cancelled after %v: %s changed", after, name)
			}
		}
	}
}

func dirFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := make(map[string]string)
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		files[e.Name()] = string(b)
	}
	return files
}

// LayoutContext looks at ctx as it lays out: cancelled, it lays out
// nothing and says so.
func TestLayoutCancelled(t *testing.T) {
	inRoot(t)
	rep := build(t, 0, "testdata/seeds", "testdata/crafted")
	if len(rep.Clusters) == 0 {
		t.Fatal("no story cluster to lay out")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if pages, err := rep.LayoutContext(ctx); pages != nil || !errors.Is(err, context.Canceled) {
		t.Errorf("LayoutContext(cancelled) = %v, %v; want nil, context.Canceled", pages, err)
	}
	if pages, err := rep.LayoutContext(context.Background()); err != nil || len(pages.Pages) == 0 {
		t.Errorf("LayoutContext = %v, %v", pages, err)
	}
}
