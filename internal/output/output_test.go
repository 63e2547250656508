package output

import (
	"bytes"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

// TestWriteFileAtomicSymlink: a symlink is followed and its target replaced
// atomically; the link stays a link. Chains and dangling links too.
func TestWriteFileAtomicSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real.csv")
	if err := os.WriteFile(target, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.csv")
	chain := filepath.Join(dir, "chain.csv")
	os.Symlink("real.csv", link) // relative, resolved against the link's dir
	os.Symlink(link, chain)
	for _, p := range []string{link, chain} {
		if err := WriteFileAtomic(p, writeString("new "+p+"\n")); err != nil {
			t.Fatal(err)
		}
		if info, err := os.Lstat(p); err != nil || info.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s is no longer a symlink", p)
		}
		if b, _ := os.ReadFile(target); string(b) != "new "+p+"\n" {
			t.Errorf("through %s the target holds %q", p, b)
		}
		if info, _ := os.Stat(target); info.Mode().Perm() != 0o600 {
			t.Errorf("the target's mode became %v, want it kept (0600)", info.Mode().Perm())
		}
	}
	dangling := filepath.Join(dir, "dangling.csv")
	os.Symlink("made.csv", dangling)
	if err := WriteFileAtomic(dangling, writeString("x")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "made.csv")); string(b) != "x" {
		t.Errorf("a dangling link's target holds %q", b)
	}
	loop := filepath.Join(dir, "loop")
	os.Symlink("loop", loop)
	if err := WriteFileAtomic(loop, writeString("x")); err == nil {
		t.Error("a symlink loop was written")
	}
}

// TestWriteFileAtomicFIFO: a FIFO is written through, its reader gets the
// output, and it stays a FIFO.
func TestWriteFileAtomicFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "out.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	got := make(chan string, 1)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- string(b)
	}()
	if err := WriteFileAtomic(fifo, writeString("through the pipe\n")); err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-got:
		if s != "through the pipe\n" {
			t.Errorf("the reader got %q", s)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the FIFO's reader got nothing")
	}
	if info, _ := os.Lstat(fifo); info.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: mode %v", info.Mode())
	}
}

// TestWriteFileAtomicDevice: a character device is written through, never
// replaced. The device is a private null device made with mknod (needs
// root, as CI runs): /dev/null itself is never a test's output. A symlink
// to the device is followed to it.
func TestWriteFileAtomicDevice(t *testing.T) {
	dir := t.TempDir()
	dev := filepath.Join(dir, "null")
	// 1,3 is the null device's major and minor number on Linux.
	if err := syscall.Mknod(dev, syscall.S_IFCHR|0o666, int(mkdev(1, 3))); err != nil {
		if os.Getenv("CI") != "" && os.Geteuid() == 0 {
			t.Fatalf("mknod as root in CI: %v", err)
		}
		t.Skip("mknod needs root:", err)
	}
	link := filepath.Join(dir, "link")
	os.Symlink(dev, link)
	for _, p := range []string{dev, link} {
		if err := WriteFileAtomic(p, writeString(strings.Repeat("x", 1<<16))); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		info, err := os.Lstat(dev)
		if err != nil || info.Mode()&os.ModeCharDevice == 0 {
			t.Fatalf("writing to %s replaced the device: %v", p, info.Mode())
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("left beside the device: %v", entries)
	}
}

func mkdev(major, minor uint32) uint64 {
	return uint64(major)<<8 | uint64(minor)
}

// TestWriteOutputDash: "-" is standard output, no file named "-".
func TestWriteOutputDash(t *testing.T) {
	t.Chdir(t.TempDir())
	var out bytes.Buffer
	if err := WriteOutput("-", &out, writeString("hi\n")); err != nil {
		t.Fatal(err)
	}
	if out.String() != "hi\n" {
		t.Errorf("stdout got %q", out.String())
	}
	if _, err := os.Stat("-"); err == nil {
		t.Error("a file named - was written")
	}
	if !IsStream("-") || IsStream("new.csv") {
		t.Error("IsStream")
	}
}

// TestWriteFileAtomicMissingDir: the error names the missing directory,
// not a temporary file.
func TestWriteFileAtomicMissingDir(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope")
	err := WriteFileAtomic(filepath.Join(missing, "out.csv"), writeString("x"))
	if err == nil || !strings.Contains(err.Error(), "directory "+missing+" does not exist") || strings.Contains(err.Error(), ".tmp-") {
		t.Errorf("error %v, want it to name directory %s", err, missing)
	}
	if err := WriteFileAtomic(dir, writeString("x")); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("writing onto a directory: %v", err)
	}
}

// TestWriteDirAtomicSymlink: a report directory reached through a symlink
// is replaced at the target; the link stays.
func TestWriteDirAtomicSymlink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	os.Mkdir(real, 0o755)
	os.WriteFile(filepath.Join(real, "index.html"), []byte("old"), 0o644)
	link := filepath.Join(dir, "report")
	os.Symlink("real", link)
	if err := WriteDirAtomic(link, []File{{Name: "index.html", Write: writeString("new")}}); err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Lstat(link); info.Mode()&os.ModeSymlink == 0 {
		t.Error("the link was replaced")
	}
	if b, _ := os.ReadFile(filepath.Join(real, "index.html")); string(b) != "new" {
		t.Errorf("target holds %q", b)
	}
	if err := WriteDirAtomic(filepath.Join(dir, "no", "report"), nil); err == nil || !strings.Contains(err.Error(), "directory "+filepath.Join(dir, "no")+" does not exist") {
		t.Errorf("missing parent: %v", err)
	}
}

// TestWriteFileAtomicSocket: a Unix socket is connected to and written
// through, not replaced.
func TestWriteFileAtomicSocket(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "out.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Skip("no Unix sockets here:", err)
	}
	defer l.Close()
	got := make(chan string, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(c)
		got <- string(b)
	}()
	if err := WriteFileAtomic(sock, writeString("over the socket")); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "over the socket" {
		t.Errorf("the listener got %q", s)
	}
	if info, _ := os.Lstat(sock); info.Mode()&os.ModeSocket == 0 {
		t.Errorf("the socket was replaced: %v", info.Mode())
	}
}
