package main

import (
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
		}, inputFlags()...),
		Action: func(c *cli.Context) error {
			format, err := output.ParseFormat(c.String("format"))
			if err != nil {
				return cmdline.Usage(err)
			}
			level, err := cluster.ParseLevel(c.String("level"))
			if err != nil {
				return cmdline.Usagef("--level: %w", err)
			}
			if c.String("index") != "" {
				members, err := e.indexClusters(c, level)
				if err != nil {
					return err
				}
				return e.output(c, func(w io.Writer) error { return output.WriteClusters(w, format, members) })
			}
			res, err := e.stream(c, level == cluster.StoryLvl, level == cluster.Copy)
			if err != nil {
				return err
			}
			groups := res.Groups(level)
			members := make([]output.Member, len(res.IDs))
			for i, g := range groups {
				members[i] = output.Member{ID: res.IDs[i], Cluster: res.IDs[g], Level: level.String()}
			}
			return e.output(c, func(w io.Writer) error { return output.WriteClusters(w, format, members) })
		},
	}
}
