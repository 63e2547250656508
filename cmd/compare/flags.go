package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/candidate"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/cmdline"
	"github.com/copydesk/copydesk/internal/output"
)

// inputs is the flag group of the commands that read articles: the PATH
// arguments, --max-size, --workers and --stdin-id, as given. readInputs
// never fails; check validates the group, and a command calls it only on
// the paths that read PATHs (a bad --max-size is ignored, and a negative
// --workers passed on, where no PATH is read, as before).
type inputs struct {
	Paths    []string
	MaxSize  string           // --max-size, unparsed
	Workers  int              // --workers, maybe negative until check
	StdinID  string           // --stdin-id
	Skip     []string         // paths never read (report's own --output)
	Window   string           // --window, unparsed ("" for commands without it)
	command  string           // the command's name, for the "no PATH" error
	maxBytes int64            // MaxSize parsed by check
	window   candidate.Window // Window parsed by check
}

// readInputs reads the input group of c's command.
func readInputs(c *cli.Context) inputs {
	return inputs{
		Paths:   c.Args().Slice(),
		MaxSize: c.String("max-size"),
		Workers: c.Int("workers"),
		StdinID: c.String("stdin-id"),
		Window:  c.String("window"),
		command: c.Command.Name,
	}
}

// check refuses, in this order, no PATH, a --max-size that is not a size,
// a negative --workers and a --window that is not a window, each as a
// usage error.
func (in *inputs) check() error {
	if len(in.Paths) == 0 {
		return cmdline.Usage(errors.New(in.command + ": no PATH given (a file, a directory, or - for standard input)"))
	}
	maxBytes, err := cmdline.ParseSize(in.MaxSize)
	if err != nil {
		return cmdline.Usage(fmt.Errorf("--max-size: %w", err))
	}
	if in.Workers < 0 {
		return cmdline.Usage(fmt.Errorf("--workers: %d is negative (0 or unset: one per core)", in.Workers))
	}
	window, err := candidate.ParseWindow(in.Window)
	if err != nil {
		return cmdline.Usage(fmt.Errorf("--window: %w", err))
	}
	in.maxBytes, in.window = maxBytes, window
	return nil
}

// newReader checks in and returns a reader of its PATHs that reports each
// bad input on stderr.
func (e *env) newReader(in *inputs) (*article.Reader, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	return &article.Reader{
		Stdin:    e.stdin,
		MaxBytes: in.maxBytes,
		StdinID:  in.StdinID,
		Skip:     in.Skip,
		Bad: func(err error) {
			e.bad++
			fmt.Fprintf(e.stderr, "compare: %s\n", escapeControls(err.Error()))
		},
		Note: func(s string) { fmt.Fprintf(e.stderr, "compare: note: %s\n", escapeControls(s)) },
	}, nil
}

// loadInputs reads the articles under in's PATHs (after checking in),
// reporting each bad input on stderr.
func (e *env) loadInputs(ctx context.Context, in *inputs) ([]article.Article, error) {
	r, err := e.newReader(in)
	if err != nil {
		return nil, err
	}
	return r.Load(ctx, in.Paths)
}

// tableOut is the output group of the commands that write tables
// (pairs, clusters, provenance, index add/check/relations): --format
// (text, json, jsonl or csv) and --output.
type tableOut struct {
	Format output.Format
	Output string // "" or - is standard output
}

// parseTableOut reads --format and --output, refusing (a usage error) a
// --format that output.ParseFormat does not take.
func parseTableOut(c *cli.Context) (tableOut, error) {
	format, err := output.ParseFormat(c.String("format"))
	if err != nil {
		return tableOut{}, cmdline.Usage(err)
	}
	return tableOut{Format: format, Output: c.String("output")}, nil
}

// pairsOut is the output group of the commands that print pairs: tableOut
// and --min-relation.
type pairsOut struct {
	tableOut
	MinRel cluster.Relation
}

// parsePairsOut reads --format, --output and --min-relation, refusing (a
// usage error) a bad --format, then a bad --min-relation.
func parsePairsOut(c *cli.Context) (pairsOut, error) {
	t, err := parseTableOut(c)
	if err != nil {
		return pairsOut{}, err
	}
	minRel, err := cluster.ParseRelation(c.String("min-relation"))
	if err != nil {
		return pairsOut{}, cmdline.Usage(fmt.Errorf("--min-relation: %w", err))
	}
	return pairsOut{tableOut: t, MinRel: minRel}, nil
}

// parseSince parses --since: a date (YYYY-MM-DD, UTC) or an RFC 3339 time;
// "" is the zero time. Anything else is a usage error.
func parseSince(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		if t, err = time.Parse(time.RFC3339, s); err != nil {
			return time.Time{}, cmdline.Usage(fmt.Errorf("--since: %q is not a date (YYYY-MM-DD or RFC 3339)", s))
		}
	}
	return t, nil
}

// parseAgencies splits --agencies at commas, dropping blank names; nil
// (the built-in list) when none is left.
func parseAgencies(s string) []string {
	var names []string
	for _, a := range strings.Split(s, ",") {
		if a = strings.TrimSpace(a); a != "" {
			names = append(names, a)
		}
	}
	return names
}
