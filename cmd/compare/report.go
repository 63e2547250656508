package main

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/copydesk/copydesk/internal/pipeline"
	"github.com/copydesk/copydesk/internal/report"
)

func reportCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "write the HTML comparison report (index.html) and report.json into a directory",
		ArgsUsage: "PATH...",
		Description: `Writes DIR/index.html, one self-contained page (no scripts, fonts or
requests; it opens offline and prints), and DIR/report.json, the same content
machine-readable. The page shows the articles, duplicate groups, story clusters
and a similarity matrix; then, for each story cluster, the content two or more
outlets share, what each outlet added and left out, its share of reused copy,
and a side-by-side word diff of each pair. Large runs get one page per story
cluster, linked from the index.

DIR is replaced as a whole, atomically: an interrupted run leaves the previous
report. An existing DIR is only replaced if it holds nothing but .html and
.json files.`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "report", Usage: "write the report into `DIR`"},
		}, inputFlags()...),
		Action: func(c *cli.Context) error {
			dir := c.String("output")
			if dir == "" {
				return usageError{errors.New("report: -o DIR must not be empty")}
			}
			arts, err := e.load(c)
			if err != nil {
				return err
			}
			res, err := pipeline.Run(c.Context, arts, e.options(c, true))
			if err != nil {
				return err
			}
			rep, err := report.Build(c.Context, res)
			if err != nil {
				return err
			}
			if err := report.WriteReport(dir, rep); err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "compare: wrote %s: %d articles, %d story clusters of two or more\n", filepath.Join(dir, "index.html"), len(rep.Articles), len(rep.Clusters))
			return nil
		},
	}
}
