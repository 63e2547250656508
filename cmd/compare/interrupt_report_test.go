package main

import (
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// TestInterruptReport sends SIGINT to compare report halfway through a run
// of a synthetic corpus (halfway by the time an uninterrupted run of it
// took just before, on this machine and load: most often while the pages
// are laid out, their word diffs being the longest phase after alignment).
// Whatever the phase, the run exits 130 within a second and the previous
// report is left as it was, with nothing beside it.
func TestInterruptReport(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("sends Unix signals")
	}
	inRoot(t)
	corpus := synthFile(t, "120")
	parent := t.TempDir()
	dir := filepath.Join(parent, "report")
	// The previous report, from an uninterrupted run, timed.
	start := time.Now()
	cmd, stderr := mainChild(t, nil, "report", "-o", dir, corpus)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("report: %v: %s", err, stderr)
	}
	took := time.Since(start)
	previous := readTree(t, dir)
	// The interrupted run would write another report: one more input.
	cmd, stderr = mainChild(t, nil, "report", "-o", dir, corpus, "testdata/seeds")
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		t.Skipf("finished within half the %v an uninterrupted run took, before the interrupt", took)
	case <-time.After(took / 2):
	}
	sent := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("still running 10 s after SIGINT")
	}
	exited := time.Since(sent)
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
		t.Errorf("exit code %d after SIGINT, want %d (128+SIGINT); stderr %q", code, exitInterrupted, stderr)
	}
	if exited > time.Second {
		t.Errorf("exited %v after SIGINT, want under 1 s", exited)
	}
	if got := readTree(t, dir); !sameTree(got, previous) {
		t.Errorf("the previous report (%d files) was replaced (%d files) by an interrupted run", len(previous), len(got))
	}
	if left := temps(t, parent); left != nil {
		t.Errorf("left beside the report after Ctrl-C: %v", left)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Error(err)
	}
	t.Logf("uninterrupted run %v; SIGINT at %v, exit %d %v later; stderr %q", took, took/2, cmd.ProcessState.ExitCode(), exited, stderr)
}
