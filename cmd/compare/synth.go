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
			f, err := parseSynthFlags(c)
			if err != nil {
				return err
			}
			if f.Truth == "" {
				// Never a truth.jsonl beside a device or in the working
				// directory for a corpus piped on.
				fmt.Fprintln(e.stderr, "compare: synth: no truth written (the corpus goes to a stream; --truth FILE writes it)")
				return output.WriteOutput(f.Output, e.stdout, func(cw io.Writer) error {
					return synth.Write(c.Context, f.N, f.Seed, cw, io.Discard)
				})
			}
			// Both files appear together or not at all: the corpus is
			// renamed into place only after the truth is.
			return output.WriteOutput(f.Output, e.stdout, func(cw io.Writer) error {
				return output.WriteOutput(f.Truth, e.stdout, func(tw io.Writer) error {
					return synth.Write(c.Context, f.N, f.Seed, cw, tw)
				})
			})
		},
	}
}

// synthFlags are compare synth's flags.
type synthFlags struct {
	N      int    // --n, positive
	Seed   uint64 // --seed
	Output string // --output, not empty (- is standard output)
	Truth  string // --truth, or truth.jsonl beside a regular --output; "" for none
}

// parseSynth reads compare synth's flags, refusing in this order an
// argument, a --n that is not positive, an empty --output and a --truth
// naming the --output file, each as a usage error.
func parseSynthFlags(c *cli.Context) (synthFlags, error) {
	if c.NArg() > 0 {
		return synthFlags{}, cmdline.Usage(fmt.Errorf("synth: unexpected argument %q", c.Args().First()))
	}
	f := synthFlags{N: c.Int("n"), Seed: c.Uint64("seed"), Output: c.String("output"), Truth: c.String("truth")}
	if f.N <= 0 {
		return synthFlags{}, cmdline.Usage(errors.New("--n must be positive"))
	}
	if f.Output == "" {
		return synthFlags{}, cmdline.Usage(errors.New("synth: --output must not be empty (- for standard output)"))
	}
	if f.Truth == "" && !output.IsStream(f.Output) {
		f.Truth = filepath.Join(filepath.Dir(f.Output), "truth.jsonl")
	}
	if f.Truth != "" && filepath.Clean(f.Truth) == filepath.Clean(f.Output) {
		return synthFlags{}, cmdline.Usage(errors.New("--truth and --output name the same file"))
	}
	return f, nil
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
			f, err := parseSynthScoreFlags(c)
			if err != nil {
				return err
			}
			tf, err := os.Open(f.Truth)
			if err != nil {
				return err
			}
			defer tf.Close()
			truth, err := synth.ReadTruth(tf)
			if err != nil {
				return fmt.Errorf("%s: %w", f.Truth, err)
			}
			if f.Provenance != "" {
				s, err := scoreProvenance(f.Provenance, truth)
				if err != nil {
					return err
				}
				fmt.Fprintln(e.stdout, s)
			}
			if !f.ScorePairs {
				return nil
			}
			var in io.Reader = e.stdin
			if f.Pairs != "-" {
				pf, err := os.Open(f.Pairs)
				if err != nil {
					return err
				}
				defer pf.Close()
				in = pf
			}
			found, err := readFound(f.Pairs, in)
			if err != nil {
				return err
			}
			s := synth.Score(truth, found)
			_, err = fmt.Fprintln(e.stdout, strings.ReplaceAll(s.String(), "; ", "\n"))
			return err
		},
	}
}

// synthScoreFlags are compare synth score's flags and argument.
type synthScoreFlags struct {
	Truth      string // --truth
	Provenance string // --provenance, "" for none
	ScorePairs bool   // a PAIRS.jsonl argument was given
	Pairs      string // PAIRS.jsonl (- is standard input)
}

// parseSynthScore reads compare synth score's flags, refusing (a usage
// error) more than one argument, or none without --provenance.
func parseSynthScoreFlags(c *cli.Context) (synthScoreFlags, error) {
	f := synthScoreFlags{Truth: c.String("truth"), Provenance: c.String("provenance"), ScorePairs: c.NArg() > 0, Pairs: c.Args().First()}
	if c.NArg() > 1 || c.NArg() == 0 && f.Provenance == "" {
		return synthScoreFlags{}, cmdline.Usage(errors.New("synth score: give one PAIRS.jsonl file (- for standard input), --provenance PROV.json, or both"))
	}
	return f, nil
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
