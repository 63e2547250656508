package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/copydesk/copydesk/internal/cmdline"
)

// TestHelpAndUsageErrors: --help (and -h) print the usage on stdout and
// exit 0; a mistake in the command line is one stderr line from main (the
// returned error) with exit 2 and nothing on stdout. None of these starts
// a pipeline.
func TestHelpAndUsageErrors(t *testing.T) {
	for _, arg := range []string{"--help", "-h", "-help"} {
		var out, errb bytes.Buffer
		err := run(context.Background(), []string{arg}, &out, &errb)
		if code := cmdline.ExitCode(err); code != cmdline.ExitOK || !strings.HasPrefix(out.String(), "Usage: compare-beam") ||
			!strings.Contains(out.String(), "--max-size") || !strings.Contains(out.String(), "--runner NAME") || errb.Len() != 0 {
			t.Errorf("%s: exit %d, stdout %d bytes, stderr %q", arg, code, out.Len(), errb.String())
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "not defined: --bogus"},
		{[]string{"--shards", "x"}, "for flag --shards"},
		{[]string{}, "--input and --output are required"},
		{[]string{"--input", "x", "--output", "y", "extra"}, `unexpected argument "extra"`},
		{[]string{"--input", "x", "--output", "y", "--level", "stories"}, `--level: "stories" is not copy or story`},
		{[]string{"--input", "x", "--output", "y", "--min-relation", "copy"}, "--min-relation"},
		{[]string{"--input", "x", "--output", "y", "--shards", "0"}, "--shards"},
		{[]string{"--input", "x", "--output", "y", "--max-size", "lots"}, "--max-size"},
		{[]string{"--input", "x", "--output", "y", "--window", "3x"}, `--window: window "3x": give a duration`},
	} {
		var out, errb bytes.Buffer
		err := run(context.Background(), c.args, &out, &errb)
		if code := cmdline.ExitCode(err); code != cmdline.ExitUsage || err == nil || !strings.Contains(err.Error(), c.want) || out.Len() != 0 || errb.Len() != 0 {
			t.Errorf("%v: exit %d, error %v (want %q), stdout %q, stderr %q", c.args, code, err, c.want, out.String(), errb.String())
		}
	}
}
