package main

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// digitArticles writes two unrelated articles of size bytes each, tables of
// single digits: the low-vocabulary pair whose alignment takes longest.
func digitArticles(t *testing.T, size int) string {
	t.Helper()
	var lines []string
	for k, id := range []string{"table-a", "table-b"} {
		r := rand.New(rand.NewPCG(uint64(k+1), 1))
		var sb strings.Builder
		for sb.Len() < size {
			for range 12 {
				sb.WriteByte(byte('0' + r.IntN(10)))
				sb.WriteByte(' ')
			}
			sb.WriteByte('\n')
		}
		line, _ := json.Marshal(map[string]string{"id": id, "outlet": id, "text": sb.String()})
		lines = append(lines, string(line))
	}
	path := filepath.Join(t.TempDir(), "tables.jsonl")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestInterruptDuringAlignment sends SIGINT to compare pairs while it aligns
// two 1 MiB digit tables (seconds of work; reading them takes a fraction of
// that) and checks it exits within a second, unsuccessfully, writing no
// output. A child killed outright by the signal got it before main had
// started to handle it (a slow start under load or the race detector): it
// is started again, with longer to start.
func TestInterruptDuringAlignment(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT")
	}
	in := digitArticles(t, 1<<20)
	out := filepath.Join(t.TempDir(), "pairs.tsv")
	for _, wait := range []time.Duration{500 * time.Millisecond, 2 * time.Second, 5 * time.Second} {
		cmd, stderr := mainChild(t, nil, "pairs", "--workers", "1", "-o", out, in)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
			t.Skip("finished before the interrupt")
		case <-time.After(wait):
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
		took := time.Since(sent)
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGINT {
			t.Logf("killed by SIGINT %v after the start, before main handled it: again", wait)
			continue
		}
		if took > time.Second {
			t.Errorf("exited %v after SIGINT, want under 1 s", took)
		}
		if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
			t.Errorf("exit code %d after SIGINT, want %d (128+SIGINT); stderr %q", code, exitInterrupted, stderr)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("output written despite the interrupt")
		}
		t.Logf("exit %d, %v after SIGINT; stderr %q", cmd.ProcessState.ExitCode(), took, stderr)
		return
	}
	t.Skip("the child never handled SIGINT in time to be tested")
}
