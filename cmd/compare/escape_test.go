package main

import (
	"strings"
	"testing"
)

// A file name holding a newline, an escape sequence or a bidi override
// cannot forge a line on stderr: it is escaped as %q escapes it.
func TestErrorLineEscapesControls(t *testing.T) {
	inRoot(t)
	name := "evil\ncompare: all fine\u202e\x1b[31m.txt"
	_, stderr, code := compare(t, "", "pairs", "testdata/seeds", name)
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, stderr)
	}
	if strings.Count(stderr, "\n") != 1 || strings.ContainsAny(stderr, "\u202e\x1b") {
		t.Errorf("stderr %q: want one line with the controls escaped", stderr)
	}
	if !strings.Contains(stderr, `evil\ncompare: all fine\u202e\x1b[31m.txt`) {
		t.Errorf("stderr %q does not name the file as %%q escapes it", stderr)
	}
}
