package main

// -o end to end: what each kind of path becomes. CI runs as root, so the
// device test runs there on a private null device made with mknod (never
// /dev/null itself).

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// privateNull makes a null character device in a temporary directory, or
// skips when not root (and fails when root in CI cannot make one).
func privateNull(t *testing.T) string {
	t.Helper()
	dev := filepath.Join(t.TempDir(), "null")
	if err := syscall.Mknod(dev, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		if os.Getenv("CI") != "" && os.Geteuid() == 0 {
			t.Fatalf("mknod as root in CI: %v", err)
		}
		t.Skip("mknod needs root:", err)
	}
	return dev
}

func isCharDevice(t *testing.T, path string) {
	t.Helper()
	info, err := os.Lstat(path)
	if err != nil || info.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("%s is no longer a device (%v, %v)", path, info.Mode(), err)
	}
}

func TestOutputDevice(t *testing.T) {
	inRoot(t)
	dev := privateNull(t)
	link := filepath.Join(filepath.Dir(dev), "to-null")
	os.Symlink(dev, link)
	for _, o := range []string{dev, link} {
		if _, stderr, code := compare(t, "", "clusters", "-o", o, "testdata/crafted"); code != 0 {
			t.Fatalf("clusters -o %s: exit %d: %s", o, code, stderr)
		}
		isCharDevice(t, dev)
	}
	// synth writes no truth.jsonl beside a device.
	if _, stderr, code := compare(t, "", "synth", "-n", "20", "-o", dev); code != 0 || !strings.Contains(stderr, "no truth written") {
		t.Fatalf("synth -o device: exit %d: %s", code, stderr)
	}
	isCharDevice(t, dev)
	entries, _ := os.ReadDir(filepath.Dir(dev))
	if len(entries) != 2 {
		t.Errorf("beside the device: %v, want only it and the link", entries)
	}
}

func TestOutputFIFO(t *testing.T) {
	inRoot(t)
	fifo := filepath.Join(t.TempDir(), "pairs.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	got := make(chan string, 1)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- string(b)
	}()
	if _, stderr, code := compare(t, "", "pairs", "--format", "csv", "-o", fifo, "testdata/crafted"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	select {
	case s := <-got:
		if !strings.HasPrefix(s, "a,b,relation,") {
			t.Errorf("the FIFO's reader got %q", s)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the FIFO's reader got nothing")
	}
	if info, _ := os.Lstat(fifo); info.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced")
	}
}

func TestOutputSymlinkAndDash(t *testing.T) {
	inRoot(t)
	dir := t.TempDir()
	target := filepath.Join(dir, "target.csv")
	os.WriteFile(target, []byte("old"), 0o644)
	link := filepath.Join(dir, "link.csv")
	os.Symlink(target, link)
	if _, stderr, code := compare(t, "", "pairs", "--format", "csv", "-o", link, "testdata/crafted"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if info, _ := os.Lstat(link); info.Mode()&os.ModeSymlink == 0 {
		t.Error("the symlink was replaced")
	}
	if !strings.HasPrefix(mustRead(t, target), "a,b,relation,") {
		t.Error("the symlink's target was not written")
	}

	// -o - is standard output, for every command with -o.
	crafted, _ := filepath.Abs("testdata/crafted")
	t.Chdir(dir)
	for _, args := range [][]string{
		{"pairs", "--format", "csv", "-o", "-", crafted},
		{"clusters", "-o", "-", crafted},
		{"synth", "-n", "5", "-o", "-"},
		{"synth", "-n", "5"},
	} {
		out, stderr, code := compare(t, "", args...)
		if code != 0 || out == "" {
			t.Errorf("%v: exit %d, %d bytes out: %s", args, code, len(out), stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "-")); err == nil {
		t.Error("-o - wrote a file named -")
	}
	if _, err := os.Stat(filepath.Join(dir, "truth.jsonl")); err == nil {
		t.Error("synth to standard output wrote truth.jsonl")
	}
	// Into a missing directory: the error names the directory.
	_, stderr, code := compare(t, "", "pairs", "-o", filepath.Join(dir, "nope", "p.csv"), crafted)
	if code == 0 || !strings.Contains(stderr, "directory "+filepath.Join(dir, "nope")+" does not exist") {
		t.Errorf("missing directory: exit %d: %s", code, stderr)
	}
}
