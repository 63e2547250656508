package main

import (
	"io"
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/output"
)

func pairsCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "pairs",
		Usage:     "list related pairs of articles with their relation and scores",
		ArgsUsage: "PATH...",
		Description: `Every pair of articles gets one relation, strongest first: duplicate (the
same copy, lightly edited), derived (one mostly built from the other), partial
(shares substantial passages of copy), story (the same story, written
independently; shared quotes alone never make more than this), unrelated.

Output columns: a, b (article ids), relation, a_in_b (the fraction of a's
words inside passages shared with b), b_in_a, similarity (TF-IDF cosine),
shared_passages (passages of copy), shared_quotes (quoted speech both carry).`,
		Flags: append([]cli.Flag{
			formatFlag(), outputFlag(),
			minRelationFlag(),
			windowFlag(),
		}, inputFlags()...),
		Action: func(c *cli.Context) error {
			f, err := parsePairsFlags(c)
			if err != nil {
				return err
			}
			res, err := e.stream(c.Context, &f.inputs, f.MinRel <= cluster.Story, false, f.MinRel)
			if err != nil {
				return err
			}
			pairs := pairRows(res.IDs, res.Pairs, f.MinRel)
			return e.writeOutput(f.Output, func(w io.Writer) error { return output.WritePairs(w, f.Format, pairs) })
		},
	}
}

// pairsFlags are compare pairs' flags.
type pairsFlags struct {
	pairsOut
	inputs
}

// parsePairs reads compare pairs' flags, refusing (a usage error) a bad
// --format, then a bad --min-relation, then the input group's errors
// (inputs.check).
func parsePairsFlags(c *cli.Context) (pairsFlags, error) {
	out, err := parsePairsOut(c)
	if err != nil {
		return pairsFlags{}, err
	}
	f := pairsFlags{pairsOut: out, inputs: readInputs(c)}
	if err := f.check(); err != nil {
		return pairsFlags{}, err
	}
	return f, nil
}

// pairRows turns verified pairs into output rows, in cluster.ComparePairs
// order: strongest relation first, then higher score, then the articles'
// input order.
func pairRows(ids []string, verified []cluster.Pair, minRel cluster.Relation) []output.Pair {
	var rows []output.Pair
	sorted := slices.Clone(verified)
	slices.SortFunc(sorted, cluster.ComparePairs)
	for _, p := range sorted {
		if p.Relation < minRel || p.Relation == cluster.Unrelated && minRel > cluster.Unrelated {
			continue
		}
		rows = append(rows, output.PairRow(ids[p.I], ids[p.J], &p))
	}
	return rows
}

func minRelationFlag() cli.Flag {
	return &cli.StringFlag{Name: "min-relation", Value: "story", Usage: "list pairs at least this strong: duplicate, derived, partial, story or unrelated"}
}
