package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/copydesk/copydesk/internal/cmdline"
	"github.com/copydesk/copydesk/internal/output"
	"github.com/copydesk/copydesk/internal/synth"
)

func synthCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "synth",
		Usage: "write a synthetic news corpus with planted reuse and its ground truth",
		Description: `Writes N articles as JSONL to FILE (standard output without -o) and the
ground truth to truth.jsonl beside a regular FILE (--truth to name it): one
record per article, {"id", "story", "outlet"} and, for planted reuse, "source" (the reused article's id),
"relation" (duplicate, derived or partial) and "edit" (syndicated, trimmed,
topped-tailed, rewritten, partial), "credited" (the reuse names its source's
outlet or the agency), "words" and "wire_words" (its words, and those of
them that are agency copy), "undated" (written without a publication time).
Some reuses copy a copy with edits of its own (a chain wire → B → C; C's
source is B). The same --seed and --n give the same bytes; see
internal/synth for what is planted.

compare synth score --truth truth.jsonl PAIRS.jsonl scores the output of
compare pairs --format jsonl --min-relation partial against the truth;
--provenance PROV.json scores compare provenance --format json too (or
alone): direction, immediate source, credit, wire share per outlet.`,
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "n", Value: 10000, Usage: "number of articles"},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "random seed"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "-", Usage: "write the corpus to `FILE` (JSONL; - is standard output)"},
			&cli.StringFlag{Name: "truth", Usage: "write the truth to `FILE` (default: truth.jsonl beside a corpus written to a regular file; none for standard output, a device or a FIFO)"},
		},
		Subcommands: []*cli.Command{synthScoreCommand(e)},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return cmdline.Usage(fmt.Errorf("synth: unexpected argument %q", c.Args().First()))
			}
			n := c.Int("n")
			if n <= 0 {
				return cmdline.Usage(errors.New("--n must be positive"))
			}
			out := c.String("output")
			if out == "" {
				return cmdline.Usage(errors.New("synth: --output must not be empty (- for standard output)"))
			}
			truth := c.String("truth")
			if truth == "" && !output.IsStream(out) {
				truth = filepath.Join(filepath.Dir(out), "truth.jsonl")
			}
			if truth != "" && filepath.Clean(truth) == filepath.Clean(out) {
				return cmdline.Usage(errors.New("--truth and --output name the same file"))
			}
			if truth == "" {
				// Never a truth.jsonl beside a device or in the working
				// directory for a corpus piped on.
				fmt.Fprintln(e.stderr, "compare: synth: no truth written (the corpus goes to a stream; --truth FILE writes it)")
				return output.WriteOutput(out, e.stdout, func(cw io.Writer) error {
					return synth.Write(c.Context, n, c.Uint64("seed"), cw, io.Discard)
				})
			}
			// Both files appear together or not at all: the corpus is
			// renamed into place only after the truth is.
			return output.WriteOutput(out, e.stdout, func(cw io.Writer) error {
				return output.WriteOutput(truth, e.stdout, func(tw io.Writer) error {
					return synth.Write(c.Context, n, c.Uint64("seed"), cw, tw)
				})
			})
		},
	}
}

func synthScoreCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "score",
		Usage:     "score pairs (compare pairs --format jsonl) against a synthetic corpus's truth",
		ArgsUsage: "[PAIRS.jsonl]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "truth", Required: true, Usage: "the truth `FILE` written by compare synth"},
			&cli.StringFlag{Name: "provenance", Usage: "also score `PROV.json`, the output of compare provenance --format json"},
		},
		Action: func(c *cli.Context) error {
			prov := c.String("provenance")
			if c.NArg() > 1 || c.NArg() == 0 && prov == "" {
				return cmdline.Usage(errors.New("synth score: give one PAIRS.jsonl file (- for standard input), --provenance PROV.json, or both"))
			}
			tf, err := os.Open(c.String("truth"))
			if err != nil {
				return err
			}
			defer tf.Close()
			truth, err := synth.ReadTruth(tf)
			if err != nil {
				return fmt.Errorf("%s: %w", c.String("truth"), err)
			}
			if prov != "" {
				s, err := scoreProvenance(prov, truth)
				if err != nil {
					return err
				}
				fmt.Fprintln(e.stdout, s)
			}
			if c.NArg() == 0 {
				return nil
			}
			var in io.Reader = e.stdin
			name := c.Args().First()
			if name != "-" {
				f, err := os.Open(name)
				if err != nil {
					return err
				}
				defer f.Close()
				in = f
			}
			found, err := readFound(name, in)
			if err != nil {
				return err
			}
			s := synth.Score(truth, found)
			_, err = fmt.Fprintln(e.stdout, strings.ReplaceAll(s.String(), "; ", "\n"))
			return err
		},
	}
}

// readFound reads the a, b and relation fields of compare pairs JSONL.
func readFound(name string, in io.Reader) ([]synth.Found, error) {
	var out []synth.Found
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for n := 1; sc.Scan(); n++ {
		var p struct{ A, B, Relation string }
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", name, n, err)
		}
		out = append(out, synth.Found{A: p.A, B: p.B, Relation: p.Relation})
	}
	return out, sc.Err()
}

// scoreProvenance reads the output of compare provenance --format json and
// scores it against the truth.
func scoreProvenance(name string, truth []synth.Truth) (synth.ProvenanceScores, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return synth.ProvenanceScores{}, err
	}
	var p output.Provenance
	if err := json.Unmarshal(data, &p); err != nil {
		return synth.ProvenanceScores{}, fmt.Errorf("%s: %w", name, err)
	}
	claims := make([]synth.Claim, 0, len(p.Articles))
	for _, a := range p.Articles {
		c := synth.Claim{ID: a.ID, Credited: a.Credited}
		if len(a.Sources) > 0 {
			c.Source = a.Sources[0].ID
		}
		claims = append(claims, c)
	}
	links := make([]synth.Link, 0, len(p.Links))
	for _, l := range p.Links {
		links = append(links, synth.Link{Source: l.Source, Copy: l.Copy})
	}
	outlets := make([]synth.OutletWire, 0, len(p.Outlets))
	for _, o := range p.Outlets {
		outlets = append(outlets, synth.OutletWire{Outlet: o.Outlet, WireShare: o.WireShare})
	}
	return synth.ScoreProvenance(truth, claims, links, outlets), nil
}
