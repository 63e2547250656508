// Package cmdline holds what copydesk's binaries (compare and compare-beam)
// share on the command line: the exit status a run's error maps to, the
// usage error that maps to 2, and the parsers of flag values both accept.
//
// Contract: ExitCode(nil) is 0; an error that wraps a UsageError is 2; one
// that wraps ErrInterrupted is 130 (128 + SIGINT, as a shell reports a
// command Ctrl-C stopped); any other error is 1 (some inputs were bad, each
// reported on stderr, and the rest was processed; or the run failed).
package cmdline

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Exit statuses.
const (
	ExitOK       = 0
	ExitBadInput = 1 // some inputs were bad; the rest was processed
	ExitUsage    = 2
	// ExitInterrupted is 128 + SIGINT, as a shell reports a command that
	// Ctrl-C stopped.
	ExitInterrupted = 130
)

// ErrInterrupted says that the run was stopped by Ctrl-C.
var ErrInterrupted = errors.New("interrupted")

// ErrBadInput says that some inputs were bad; each was reported on stderr.
var ErrBadInput = errors.New("some inputs were bad")

// UsageError is a mistake in the command line.
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

// Usage marks err as a usage error (nil stays nil).
func Usage(err error) error {
	if err == nil {
		return nil
	}
	return UsageError{err}
}

// Usagef is a usage error formatted as fmt.Errorf formats it.
func Usagef(format string, args ...any) error { return UsageError{fmt.Errorf(format, args...)} }

// IsUsage says whether err is (or wraps) a usage error.
func IsUsage(err error) bool {
	var ue UsageError
	return errors.As(err, &ue)
}

// ExitCode is the exit status for the error a run returned.
func ExitCode(err error) int {
	switch {
	case err == nil:
		return ExitOK
	case IsUsage(err):
		return ExitUsage
	case errors.Is(err, ErrInterrupted):
		return ExitInterrupted
	}
	return ExitBadInput
}

// sizeUnits are the suffixes ParseSize reads, longest first within each
// power: binary multiples whatever the spelling ("16MB" is 16 MiB), as
// line and file limits are usually meant.
var sizeUnits = []struct {
	suffix string
	mult   int64
}{
	{"gib", 1 << 30}, {"gb", 1 << 30}, {"g", 1 << 30},
	{"mib", 1 << 20}, {"mb", 1 << 20}, {"m", 1 << 20},
	{"kib", 1 << 10}, {"kb", 1 << 10}, {"k", 1 << 10},
	{"b", 1},
}

// ParseSize reads a positive byte count: "16MiB", "500k", "2GB", "1 kb" or
// a plain number; units are binary and case is ignored. A size that does
// not fit in an int64 is an error.
func ParseSize(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range sizeUnits {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (1<<63-1)/mult {
		return 0, fmt.Errorf("%q is not a size (try 16MiB)", s)
	}
	return n * mult, nil
}

// flagName finds a flag named with one dash in the flag package's
// messages ("flag provided but not defined: -bogus").
var flagName = regexp.MustCompile(`(not defined: |for flag |needs an argument: )-([A-Za-z0-9][A-Za-z0-9-]+)`)

// DashDash spells a long flag in a flag error with two dashes, as the
// commands document them: "--bogus", not "-bogus"; one letter keeps one.
func DashDash(msg string) string {
	return flagName.ReplaceAllString(msg, "$1--$2")
}
