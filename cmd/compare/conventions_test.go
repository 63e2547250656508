package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/copydesk/copydesk/internal/output"
)

// TestCLIConventions: --version, "did you mean", --workers below 0,
// --color always|never|auto with NO_COLOR, exit codes.
func TestCLIConventions(t *testing.T) {
	inRoot(t)
	if out, _, code := compare(t, "", "--version"); code != 0 || !strings.HasPrefix(out, "compare version ") {
		t.Errorf("--version: exit %d: %q", code, out)
	}
	if _, stderr, code := compare(t, "", "repot", "x"); code != exitUsage || !strings.Contains(stderr, `did you mean "report"?`) {
		t.Errorf("mistyped command: exit %d: %s", code, stderr)
	}
	// A mistyped subcommand is suggested among its command's subcommands.
	if _, stderr, code := compare(t, "", "index", "chek", "--index", "x.db"); code != exitUsage || !strings.Contains(stderr, `did you mean "check"? (see compare index --help)`) {
		t.Errorf("mistyped index subcommand: exit %d: %s", code, stderr)
	}
	if _, stderr, code := compare(t, "", "index", "pairz"); code != exitUsage || strings.Contains(stderr, "did you mean") || !strings.Contains(stderr, "compare index --help") {
		t.Errorf("index pairz: exit %d: %s (pairs is no index subcommand)", code, stderr)
	}
	if _, stderr, code := compare(t, "", "pairs", "--workers", "-1", "testdata/crafted"); code != exitUsage || !strings.Contains(stderr, "--workers") {
		t.Errorf("--workers -1: exit %d: %s", code, stderr)
	}
	a, b := "testdata/crafted/wire.txt", "testdata/crafted/syndicated.txt"
	if out, _, _ := compare(t, "", "diff", "--color", "always", a, b); !strings.Contains(out, "\x1b[") {
		t.Error("--color always: no colour")
	}
	t.Setenv("NO_COLOR", "1")
	for _, c := range []string{"auto", "never"} {
		if out, _, _ := compare(t, "", "diff", "--color", c, a, b); strings.Contains(out, "\x1b[") {
			t.Errorf("--color %s with NO_COLOR: colour", c)
		}
	}
	if _, _, code := compare(t, "", "diff", "--color", "sometimes", a, b); code != exitUsage {
		t.Errorf("--color sometimes: exit %d", code)
	}
	if editDistance("clusers", "clusters") != 1 || nearest("zzzzzz", nil) != "" {
		t.Error("editDistance")
	}
}

// TestHelpAndCompletion: compare help COMMAND, and a completion script for
// each shell (bash's parses with bash -n when bash is here).
func TestHelpAndCompletion(t *testing.T) {
	if out, _, code := compare(t, "", "help", "pairs"); code != 0 || !strings.Contains(out, "compare pairs - ") {
		t.Errorf("help pairs: exit %d: %s", code, out)
	}
	for sh, want := range map[string]string{"bash": "complete -o default", "zsh": "#compdef compare", "fish": "complete -c compare"} {
		out, stderr, code := compare(t, "", "completion", sh)
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("completion %s: exit %d, %q missing: %s", sh, code, want, stderr)
		}
		if sh == "bash" {
			if bash, err := exec.LookPath("bash"); err == nil {
				cmd := exec.Command(bash, "-n")
				cmd.Stdin = strings.NewReader(out)
				if b, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("bash -n: %v %s", err, b)
				}
			}
		}
	}
	if _, _, code := compare(t, "", "completion", "tcsh"); code != exitUsage {
		t.Errorf("completion tcsh: exit %d", code)
	}
}

func TestPlural(t *testing.T) {
	for _, c := range []struct {
		n    int
		noun string
		want string
	}{{1, "article", "1 article"}, {0, "pair", "0 pairs"}, {2, "batch", "2 batches"}, {1, "batch", "1 batch"}} {
		if got := output.Plural(c.n, c.noun); got != c.want {
			t.Errorf("output.Plural(%d, %q) = %q, want %q", c.n, c.noun, got, c.want)
		}
	}
}

func TestFlagErrorsDashDash(t *testing.T) {
	inRoot(t)
	_, stderr, code := compare(t, "", "pairs", "--bogus", "testdata/crafted")
	if code != exitUsage || !strings.Contains(stderr, "not defined: --bogus") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	_, stderr, _ = compare(t, "", "pairs", "--workers", "abc", "testdata/crafted")
	if !strings.Contains(stderr, "for flag --workers") {
		t.Errorf("%s", stderr)
	}
}

// TestHelpOnStdout: every --help (the program's, a command's, a
// subcommand's, compare help) is printed on stdout with exit 0 and nothing
// on stderr; a usage error is printed on stderr with exit 2 and nothing on
// stdout.
func TestHelpOnStdout(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"pairs", "--help"}, {"index", "--help"}, {"index", "add", "--help"}, {"help", "clusters"}, {"serve", "-h"}} {
		out, stderr, code := compare(t, "", args...)
		if code != exitOK || !strings.Contains(out, "USAGE") || stderr != "" {
			t.Errorf("%v: exit %d, stdout %d bytes, stderr %q", args, code, len(out), stderr)
		}
	}
	for _, args := range [][]string{{"--bogus"}, {"pairs", "--bogus"}, {"index", "bogus"}, {"clusters", "--level", "stories", "x"}, {"serve", "--max-size", "lots"}} {
		out, stderr, code := compare(t, "", args...)
		if code != exitUsage || out != "" || !strings.HasPrefix(stderr, "compare: ") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, stderr)
		}
	}
}
