package main

import (
	"errors"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/cmdline"
	"github.com/copydesk/copydesk/internal/output"
)

func clustersCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "clusters",
		Usage:     "group articles into duplicate groups (--level copy) or story clusters (--level story)",
		ArgsUsage: "PATH...",
		Description: `--level copy groups articles joined by duplicate or derived relations: the
same wire copy, trimmed or lightly rewritten. --level story groups articles
about the same story by average linkage over verified similarity, so one weak
link cannot chain two stories together.

Output: one record per article, in input order: id, cluster (the id of the
cluster's first article), level. The text format lists clusters of two or
more articles.`,
		Flags: append([]cli.Flag{
			formatFlag(), outputFlag(),
			&cli.StringFlag{Name: "level", Value: "story", Usage: "copy or story"},
			&cli.StringFlag{Name: "index", Usage: "cluster what the index `DB` holds (a SQLite file or postgres:// URL) instead of PATHs"},
			windowFlag(),
		}, inputFlags()...),
		Action: func(c *cli.Context) error {
			f, err := parseClustersFlags(c)
			if err != nil {
				return err
			}
			if f.Index != "" {
				members, err := e.indexClusters(c.Context, f.Index, f.Level)
				if err != nil {
					return err
				}
				return e.writeOutput(f.Output, func(w io.Writer) error { return output.WriteClusters(w, f.Format, members) })
			}
			res, err := e.stream(c.Context, &f.inputs, f.Level == cluster.StoryLvl, f.Level == cluster.Copy, f.Level.Weakest())
			if err != nil {
				return err
			}
			groups := res.Groups(f.Level)
			members := make([]output.Member, len(res.IDs))
			for i, g := range groups {
				members[i] = output.Member{ID: res.IDs[i], Cluster: res.IDs[g], Level: f.Level.String()}
			}
			return e.writeOutput(f.Output, func(w io.Writer) error { return output.WriteClusters(w, f.Format, members) })
		},
	}
}

// clustersFlags are compare clusters' flags.
type clustersFlags struct {
	tableOut
	inputs
	Level cluster.Level
	Index string // --index DB, "" to read PATHs
}

// parseClusters reads compare clusters' flags, refusing (a usage error),
// in this order, a bad --format, a bad --level, then with --index any
// PATH, without it the input group's errors (inputs.check: --max-size and
// --workers are not checked with --index).
func parseClustersFlags(c *cli.Context) (clustersFlags, error) {
	out, err := parseTableOut(c)
	if err != nil {
		return clustersFlags{}, err
	}
	level, err := cluster.ParseLevel(c.String("level"))
	if err != nil {
		return clustersFlags{}, cmdline.Usagef("--level: %w", err)
	}
	f := clustersFlags{tableOut: out, inputs: readInputs(c), Level: level, Index: c.String("index")}
	if f.Index != "" {
		if len(f.Paths) > 0 {
			return clustersFlags{}, cmdline.Usage(errors.New("clusters: give --index or PATHs, not both"))
		}
		if f.Window != "" {
			return clustersFlags{}, cmdline.Usage(errors.New("clusters: --window clusters PATHs; an index keeps its own story relations"))
		}
	} else if err := f.check(); err != nil {
		return clustersFlags{}, err
	}
	return f, nil
}
