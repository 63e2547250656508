package cmdline

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestExitCode(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{nil, ExitOK},
		{Usagef("--level: %q is not copy or story", "x"), ExitUsage},
		{fmt.Errorf("pairs: %w", Usage(errors.New("no PATH given"))), ExitUsage},
		{ErrBadInput, ExitBadInput},
		{errors.New("disk full"), ExitBadInput},
		{errors.Join(ErrInterrupted, context.Canceled), ExitInterrupted},
	} {
		if got := ExitCode(c.err); got != c.want {
			t.Errorf("ExitCode(%v) = %d, want %d", c.err, got, c.want)
		}
	}
	if Usage(nil) != nil {
		t.Error("Usage(nil) is not nil")
	}
	inner := errors.New("bad flag")
	if err := Usage(inner); !errors.Is(err, inner) || err.Error() != "bad flag" || !IsUsage(err) {
		t.Errorf("Usage(inner) = %v: does not wrap it or reads differently", err)
	}
}

func TestParseSize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
	}{
		{"16MiB", 16 << 20}, {"16mb", 16 << 20}, {"16M", 16 << 20},
		{"500k", 500 << 10}, {"500 KiB", 500 << 10}, {"2GB", 2 << 30},
		{"4096", 4096}, {"4096b", 4096}, {" 1 g ", 1 << 30},
		{"8589934591g", 8589934591 << 30}, // the largest count of GiB an int64 holds
	} {
		got, err := ParseSize(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"", "lots", "0", "-1", "1.5MiB", "MiB", "16 TiB", "8589934592g", "9223372036854775808"} {
		if n, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", in, n)
		}
	}
}

func TestDashDash(t *testing.T) {
	for in, want := range map[string]string{
		"flag provided but not defined: -bogus":        "flag provided but not defined: --bogus",
		`invalid value "abc" for flag -workers: parse`: `invalid value "abc" for flag --workers: parse`,
		"flag needs an argument: -o":                   "flag needs an argument: -o",
		"flag needs an argument: -max-size":            "flag needs an argument: --max-size",
		"--level: \"x\" is not copy or story":          "--level: \"x\" is not copy or story",
	} {
		if got := DashDash(in); got != want {
			t.Errorf("DashDash(%q) = %q, want %q", in, got, want)
		}
	}
}
