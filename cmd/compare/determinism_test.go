package main

// Determinism: the same input gives byte-identical output in every format,
// whatever the core count and from run to run.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// batchCommand is one command of a batch: its arguments and the file its
// standard output goes to.
type batchCommand struct {
	Args   []string
	Stdout string
}

// runBatch runs a JSON list of batchCommands in this process and records
// GOMAXPROCS next to the first output; it exits non-zero on the first
// failure.
func runBatch(batch string) {
	var cmds []batchCommand
	if err := json.Unmarshal([]byte(batch), &cmds); err != nil || len(cmds) == 0 {
		fmt.Fprintln(os.Stderr, "bad batch:", err)
		os.Exit(99)
	}
	procs := filepath.Join(filepath.Dir(cmds[0].Stdout), "gomaxprocs")
	if err := os.WriteFile(procs, []byte(fmt.Sprint(runtime.GOMAXPROCS(0))), 0o644); err != nil {
		os.Exit(98)
	}
	for _, c := range cmds {
		f, err := os.Create(c.Stdout)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(97)
		}
		err = run(context.Background(), append([]string{"compare"}, c.Args...), strings.NewReader(""), f, os.Stderr)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "%v: %v\n", c.Args, err)
			os.Exit(exitCode(err) + 10)
		}
	}
	os.Exit(0)
}

func TestDeterministicOutput(t *testing.T) {
	inRoot(t)
	// Enough articles that every parallel stage splits its work (the
	// pipeline hands out chunks of 64), plus the seeds and crafted cases.
	inputs := []string{synthFile(t, "130"), "testdata/seeds", "testdata/crafted"}
	// Every format once per core count; the repeated run does the
	// commands marked again, which cover every parallel stage.
	commands := []struct {
		name  string
		args  []string
		again bool
	}{
		{"pairs.txt", []string{"pairs", "--min-relation", "unrelated"}, false},
		{"pairs.json", []string{"pairs", "--min-relation", "unrelated", "--format", "json"}, false},
		{"pairs.jsonl", []string{"pairs", "--min-relation", "unrelated", "--format", "jsonl"}, true},
		{"pairs.csv", []string{"pairs", "--min-relation", "unrelated", "--format", "csv"}, false},
		{"clusters-story.txt", []string{"clusters", "--level", "story"}, false},
		{"clusters-story.json", []string{"clusters", "--level", "story", "--format", "json"}, false},
		{"clusters-story.jsonl", []string{"clusters", "--level", "story", "--format", "jsonl"}, true},
		{"clusters-story.csv", []string{"clusters", "--level", "story", "--format", "csv"}, false},
		{"clusters-copy.jsonl", []string{"clusters", "--level", "copy", "--format", "jsonl"}, true},
		{"quotes.txt", []string{"quotes"}, false},
		{"quotes.json", []string{"quotes", "--format", "json"}, true},
		{"report", []string{"report", "-o"}, true}, // the directory is added below
	}
	two := []string{"testdata/crafted/wire.txt", "testdata/crafted/trimmed.txt"}
	runs := []struct {
		name  string
		procs string
		extra []string // flags for the commands that take --workers
		again bool     // the repeated run
	}{
		{"GOMAXPROCS=1", "1", nil, false},
		{"GOMAXPROCS=2", "2", nil, false},
		// A repeated run, with more workers than cores to stir the
		// scheduling further.
		{"GOMAXPROCS=2 again, --workers 7", "2", []string{"--workers", "7"}, true},
	}
	// The runs are started together (their outputs go to directories of
	// their own), then compared in order with the first: on two cores the
	// single-core run does not leave the other idle.
	outs := make([]string, len(runs))
	children := make([]*exec.Cmd, len(runs))
	logs := make([]*bytes.Buffer, len(runs))
	for k, r := range runs {
		out := t.TempDir()
		outs[k] = out
		var batch []batchCommand
		for _, c := range commands {
			if r.again && !c.again {
				continue
			}
			args := append([]string{}, c.args...)
			if c.name == "report" {
				args = append(args, filepath.Join(out, "report"))
			}
			if c.args[0] != "quotes" {
				args = append(args, r.extra...)
			}
			batch = append(batch, batchCommand{Args: append(args, inputs...), Stdout: filepath.Join(out, c.name+".stdout")})
		}
		batch = append(batch,
			batchCommand{Args: append([]string{"diff"}, two...), Stdout: filepath.Join(out, "diff.txt")},
			batchCommand{Args: append([]string{"diff", "--html"}, two...), Stdout: filepath.Join(out, "diff.html")},
		)
		b, _ := json.Marshal(batch)
		cmd := exec.Command(os.Args[0], "-test.run=^TestMainHelperProcess$")
		cmd.Env = append(os.Environ(), "COPYDESK_MAIN_HELPER=1", "COPYDESK_MAIN_BATCH="+string(b), "GOMAXPROCS="+r.procs)
		logs[k] = new(bytes.Buffer)
		cmd.Stdout, cmd.Stderr = logs[k], logs[k]
		if err := cmd.Start(); err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		children[k] = cmd
		defer func() { cmd.Process.Kill(); cmd.Wait() }() // a run still going when an earlier one failed
	}
	var first map[string]string
	for k, r := range runs {
		if err := children[k].Wait(); err != nil {
			t.Fatalf("%s: %v\n%s", r.name, err, logs[k])
		}
		got := readTree(t, outs[k])
		if got["gomaxprocs"] != r.procs {
			t.Fatalf("%s: the child ran with GOMAXPROCS %q", r.name, got["gomaxprocs"])
		}
		delete(got, "gomaxprocs")
		for _, want := range []string{"pairs.jsonl.stdout", "report/index.html", "report/report.json", "diff.html"} {
			if len(got[want]) == 0 {
				t.Fatalf("%s: %s is missing or empty", r.name, want)
			}
		}
		if first == nil {
			first = got
			continue
		}
		for name, data := range first {
			if _, ok := got[name]; !ok && r.again {
				continue // not repeated
			}
			if got[name] != data {
				t.Errorf("%s: %s differs from the GOMAXPROCS=1 run (%d and %d bytes)%s", r.name, name, len(got[name]), len(data), firstDiff(data, got[name]))
			}
		}
		if len(got) != len(first) && !r.again {
			t.Errorf("%s: %d files, the GOMAXPROCS=1 run wrote %d", r.name, len(got), len(first))
		}
	}
}

// firstDiff shows the first line where two outputs part.
func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return fmt.Sprintf("; line %d:\n  %.200s\n  %.200s", i+1, la[i], lb[i])
		}
	}
	return ""
}
