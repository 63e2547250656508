package main

// Atomic output, end to end: a run interrupted (Ctrl-C, or killed) before
// or while it writes leaves the previous output or the whole new one, never
// a half-written file.

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMainHelperProcess is not a test: it is the compare command run as a
// child process (COPYDESK_MAIN_HELPER set) by the tests of this file and
// determinism_test.go. COPYDESK_MAIN_ARGS runs one command through main,
// with its signal handling; COPYDESK_MAIN_BATCH runs several through run,
// each command's standard output going to a file.
func TestMainHelperProcess(t *testing.T) {
	if os.Getenv("COPYDESK_MAIN_HELPER") != "1" {
		t.Skip("helper process for the atomic-output and determinism tests")
	}
	if batch := os.Getenv("COPYDESK_MAIN_BATCH"); batch != "" {
		runBatch(batch)
		return
	}
	var args []string
	if err := json.Unmarshal([]byte(os.Getenv("COPYDESK_MAIN_ARGS")), &args); err != nil {
		os.Exit(99)
	}
	os.Args = append([]string{"compare"}, args...)
	main()
}

// mainChild starts compare ARGS in a child process.
func mainChild(t *testing.T, env []string, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	a, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^TestMainHelperProcess$")
	cmd.Env = append(append(os.Environ(), "COPYDESK_MAIN_HELPER=1", "COPYDESK_MAIN_ARGS="+string(a)), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &stderr
}

// synthFile writes a synthetic corpus of n articles.
func synthFile(t *testing.T, n string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "corpus.jsonl")
	if _, stderr, code := compare(t, "", "synth", "-n", n, "--seed", "3", "-o", path); code != 0 {
		t.Fatalf("synth: %s", stderr)
	}
	return path
}

// interrupt starts a child and sends it sig at a moment chosen by when:
// "start" right away (usually before the output is begun), "writing" as
// soon as a temporary output appears in dir (the run is writing). It
// returns whether the signal was sent in that state.
func interrupt(t *testing.T, sig syscall.Signal, when, dir string, args ...string) (hit bool, stderr string) {
	t.Helper()
	cmd, errb := mainChild(t, nil, args...)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	if when == "start" {
		cmd.Process.Signal(sig)
		hit = true
	} else {
	poll:
		for {
			select {
			case <-done:
				done <- nil
				break poll
			default:
			}
			if temps(t, dir) != nil {
				cmd.Process.Signal(sig)
				hit = true
				break
			}
			time.Sleep(time.Millisecond)
		}
	}
	<-done
	return hit, errb.String()
}

// temps lists the temporary files and directories an atomic writer leaves
// in dir while it works (.NAME.tmp-*, .NAME.old-*).
func temps(t *testing.T, dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") && (strings.Contains(e.Name(), ".tmp-") || strings.Contains(e.Name(), ".old-")) {
			out = append(out, e.Name())
		}
	}
	return out
}

// readTree reads every file under dir into a map by relative name; nil when
// dir does not exist.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		return nil
	}
	files := make(map[string]string)
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		files[rel] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func sameTree(a, b map[string]string) bool {
	if len(a) != len(b) || a == nil != (b == nil) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestOutputFileSurvivesInterrupt(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("sends Unix signals")
	}
	inRoot(t)
	corpus := synthFile(t, "200")
	dir := t.TempDir()
	out := filepath.Join(dir, "pairs.jsonl")
	args := []string{"pairs", "--format", "jsonl", "--min-relation", "unrelated", "-o", out, corpus}
	// The whole new output, from a run that is not interrupted.
	if _, stderr, code := compare(t, "", args...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	whole := mustRead(t, out)
	const previous = "the previous output\n"
	for _, tc := range []struct {
		sig  syscall.Signal
		when string
	}{
		{syscall.SIGINT, "start"}, {syscall.SIGINT, "writing"},
		{syscall.SIGKILL, "start"}, {syscall.SIGKILL, "writing"},
	} {
		t.Run(tc.sig.String()+" "+tc.when, func(t *testing.T) {
			if err := os.WriteFile(out, []byte(previous), 0o644); err != nil {
				t.Fatal(err)
			}
			hit, stderr := interrupt(t, tc.sig, tc.when, dir, args...)
			if !hit {
				t.Logf("the run finished before it could be interrupted while writing")
			}
			got := mustRead(t, out)
			if got != previous && got != whole {
				t.Fatalf("after %v: %s holds %d bytes, neither the previous output nor the whole new one (%d bytes); stderr: %s",
					tc.sig, out, len(got), len(whole), stderr)
			}
			if tc.sig == syscall.SIGINT && stderr != "" && stderr != "compare: interrupted\n" {
				t.Errorf("stderr after Ctrl-C: %q, want nothing or %q", stderr, "compare: interrupted\n")
			}
			// Ctrl-C lets the run clean up; a killed run may leave its
			// temporary file, never a half-written output.
			if left := temps(t, dir); tc.sig == syscall.SIGINT && left != nil {
				t.Errorf("temporary files left after Ctrl-C: %v", left)
			}
			for _, name := range temps(t, dir) {
				os.Remove(filepath.Join(dir, name))
			}
		})
	}
}

func TestReportSurvivesInterrupt(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("sends Unix signals")
	}
	inRoot(t)
	corpus := synthFile(t, "120")
	parent := t.TempDir()
	dir := filepath.Join(parent, "report")
	newArgs := []string{"report", "-o", dir, corpus, "testdata/seeds"}
	if _, stderr, code := compare(t, "", newArgs...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	whole := readTree(t, dir)
	if _, stderr, code := compare(t, "", "report", "-o", dir, "testdata/seeds"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	previous := readTree(t, dir)
	if sameTree(previous, whole) || len(whole) < 2 {
		t.Fatalf("the two reports do not differ (%d and %d files)", len(previous), len(whole))
	}
	for _, tc := range []struct {
		sig  syscall.Signal
		when string
	}{
		{syscall.SIGINT, "start"}, {syscall.SIGINT, "writing"}, {syscall.SIGKILL, "writing"},
	} {
		t.Run(tc.sig.String()+" "+tc.when, func(t *testing.T) {
			hit, stderr := interrupt(t, tc.sig, tc.when, parent, newArgs...)
			if !hit {
				t.Logf("the run finished before it could be interrupted while writing")
			}
			got := readTree(t, dir)
			switch {
			case sameTree(got, previous):
			case sameTree(got, whole):
				previous = whole // the next case starts from this report
			case got == nil && tc.sig == syscall.SIGKILL:
				// Killed between the two renames: the previous report is
				// kept beside, as .report.old-*/report.
				t.Logf("killed between the renames; left: %v", temps(t, parent))
			default:
				t.Fatalf("after %v: %s holds %d files, neither the previous report nor the whole new one; stderr: %s", tc.sig, dir, len(got), stderr)
			}
			if left := temps(t, parent); tc.sig == syscall.SIGINT && left != nil {
				t.Errorf("temporary files left after Ctrl-C: %v", left)
			}
			for _, name := range temps(t, parent) {
				os.RemoveAll(filepath.Join(parent, name))
			}
			if readTree(t, dir) == nil {
				// Put a report back for the next case.
				if _, stderr, code := compare(t, "", "report", "-o", dir, "testdata/seeds"); code != 0 {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				previous = readTree(t, dir)
			}
		})
	}
}
