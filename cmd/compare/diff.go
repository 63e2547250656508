package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/pipeline"
	"github.com/copydesk/copydesk/internal/report"
)

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

func diffCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "diff",
		Usage:     "show two articles word by word: what B dropped from A and what it added",
		ArgsUsage: "A B",
		Description: `Prints B's text with A's words that B lacks marked [-like this-] and B's
own words marked {+like this+} (in red and green on a terminal), after a
summary line with the pair's relation and scores. Words are compared after
normalisation, so "U.S." and "US" or curly and straight quotes are equal.
With --html, writes instead one self-contained HTML page with the two texts
side by side, as the report draws a pair.`,
		Flags: append([]cli.Flag{
			&cli.BoolFlag{Name: "color", Usage: "colour even when standard output is not a terminal"},
			&cli.BoolFlag{Name: "html", Usage: "write a side-by-side HTML page instead of text"},
		}, inputFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() != 2 {
				return usageError{errors.New("diff: give exactly two articles, A and B")}
			}
			arts, err := e.load(c)
			if err != nil {
				return err
			}
			if len(arts) != 2 {
				return fmt.Errorf("diff: need two articles, read %d", len(arts))
			}
			res, err := pipeline.Run(c.Context, arts, e.options(c, true))
			if err != nil {
				return err
			}
			a, b := res.Docs[0], res.Docs[1]
			v, err := align.VerifyContext(c.Context, a, b)
			if err != nil {
				return err
			}
			if c.Bool("html") {
				rel := cluster.Classify(&v)
				return report.WritePage(e.stdout, report.NewDiffPage(&arts[0], &arts[1], a, b, rel, &v))
			}
			color := c.Bool("color")
			if f, ok := e.stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
				color = true
			}
			return writeDiff(e.stdout, &arts[0], &arts[1], a, b, &v, color)
		},
	}
}

func writeDiff(w io.Writer, aa, ab *article.Article, a, b *align.Doc, v *align.Result, color bool) error {
	bw := bufio.NewWriter(w)
	rel := cluster.Classify(v)
	fmt.Fprintf(bw, "A: %s\nB: %s\n%s: a_in_b %.3f, b_in_a %.3f, similarity %.3f, %d shared passages, %d shared quotes\n\n",
		aa.ID, ab.ID, rel, report.Round3(v.AInB), report.Round3(v.BInA), report.Round3(v.Cosine), v.Copies(), v.Quotes())
	del, ins, end := "[-", "{+", [2]string{"-]", "+}"}
	if color {
		del, ins, end = "\x1b[31m[-", "\x1b[32m{+", [2]string{"-]\x1b[0m", "+}\x1b[0m"}
	}
	// Print B's text in order, with A's deleted words where they fell.
	pos := 0 // next byte of B to print
	pa := 0 // next byte of A not yet shown, for report.Follows
	for _, ed := range align.WordDiff(a, b) {
		if !report.Follows(ed, pa, pos) {
			continue
		}
		if ed.A.Words() > 0 {
			pa = ed.A.EndOffset
		}
		switch ed.Op {
		case align.Equal:
			bw.WriteString(b.Text[pos:ed.B.EndOffset])
			pos = ed.B.EndOffset
		case align.Delete:
			bw.WriteString(" " + del + a.Text[ed.A.Offset:ed.A.EndOffset] + end[0] + " ")
		case align.Insert:
			bw.WriteString(b.Text[pos:ed.B.Offset])
			bw.WriteString(ins + b.Text[ed.B.Offset:ed.B.EndOffset] + end[1])
			pos = ed.B.EndOffset
		}
	}
	bw.WriteString(b.Text[pos:])
	bw.WriteString("\n")
	return bw.Flush()
}
