package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/cmdline"
	"github.com/copydesk/copydesk/internal/output"
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
--format html (or --html) writes instead one self-contained HTML page with
the two texts side by side, as the report draws a pair; --format json the
scores and the word edits.

A and B are files (a text or HTML article), or FILE#ID: the article with id
ID in a JSONL or JSON feed. A file whose own name holds # is read whole.`,
		Flags: append([]cli.Flag{
			colorFlag(),
			&cli.BoolFlag{Name: "html", Usage: "the same as --format html"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "output format: text, html or json"},
			outputFlag(),
		}, inputFlags()...),
		Action: func(c *cli.Context) error {
			f, err := parseDiffFlags(c)
			if err != nil {
				return err
			}
			arts := make([]article.Article, 0, 2)
			for _, arg := range f.Paths {
				a, err := e.pick(c.Context, &f.inputs, arg)
				if err != nil {
					return err
				}
				arts = append(arts, a)
			}
			res, err := pipeline.Run(c.Context, arts, e.options(&f.inputs, true))
			if err != nil {
				return err
			}
			a, b := res.Docs[0], res.Docs[1]
			v, err := cluster.Verify(c.Context, a, b)
			if err != nil {
				return err
			}
			rel := cluster.Classify(&v)
			return e.writeOutput(f.Output, func(w io.Writer) error {
				switch f.Format {
				case "html":
					return report.WritePage(w, report.NewDiffPage(&arts[0], &arts[1], a, b, rel, &v))
				case "json":
					return writeDiffJSON(w, &arts[0], &arts[1], a, b, &v)
				}
				return writeDiff(w, &arts[0], &arts[1], a, b, &v, colorFor(f.Color, w))
			})
		},
	}
}

// diffFlags are compare diff's flags; Paths holds A and B.
type diffFlags struct {
	inputs
	Color  string // --color: auto, always or never
	Format string // --format (html with --html): text, html or json
	Output string // --output ("" or - is standard output)
}

// parseDiff reads compare diff's flags, refusing (a usage error), in this
// order, other than two arguments, a bad --color, a bad --format, then the
// input group's errors (inputs.check).
func parseDiffFlags(c *cli.Context) (diffFlags, error) {
	if c.NArg() != 2 {
		return diffFlags{}, cmdline.Usage(errors.New("diff: give exactly two articles, A and B (FILE or FILE#ID)"))
	}
	f := diffFlags{inputs: readInputs(c), Color: c.String("color"), Format: c.String("format"), Output: c.String("output")}
	if err := checkColor(f.Color); err != nil {
		return diffFlags{}, err
	}
	if c.Bool("html") {
		f.Format = "html"
	}
	if f.Format != "text" && f.Format != "html" && f.Format != "json" {
		return diffFlags{}, cmdline.Usage(fmt.Errorf("--format: %q is not text, html or json", f.Format))
	}
	if err := f.check(); err != nil {
		return diffFlags{}, err
	}
	return f, nil
}

// pick reads the one article that arg names: a file holding one article,
// or FILE#ID, the record ID of a feed (a file whose own name holds # is
// read whole), with a reader of in (inputs.check).
func (e *env) pick(ctx context.Context, in *inputs, arg string) (article.Article, error) {
	r, err := e.newReader(in)
	if err != nil {
		return article.Article{}, err
	}
	path, id := arg, ""
	if i := strings.LastIndexByte(arg, '#'); i > 0 {
		if _, err := os.Stat(arg); err != nil {
			path, id = arg[:i], arg[i+1:]
		}
	}
	bad := e.bad
	arts, err := r.Load(ctx, []string{path})
	if err != nil {
		return article.Article{}, err
	}
	if id == "" {
		if len(arts) != 1 {
			if len(arts) == 0 && e.bad > bad {
				return article.Article{}, errBadInput
			}
			return article.Article{}, fmt.Errorf("diff: %s holds %d articles; name one as %s#ID", path, len(arts), path)
		}
		return arts[0], nil
	}
	for _, a := range arts {
		if a.ID == id {
			return a, nil
		}
	}
	return article.Article{}, fmt.Errorf("diff: %s: no article with id %q", path, id)
}

func writeDiff(w io.Writer, aa, ab *article.Article, a, b *align.Doc, v *align.Result, color bool) error {
	bw := bufio.NewWriter(w)
	rel := cluster.Classify(v)
	fmt.Fprintf(bw, "A: %s\nB: %s\n%s: a_in_b %.3f, b_in_a %.3f, similarity %.3f, %d shared passages, %d shared quotes\n\n",
		aa.ID, ab.ID, rel, output.Round3(v.AInB), output.Round3(v.BInA), output.Round3(v.Cosine), v.Copies(), v.Quotes())
	del, ins, end := "[-", "{+", [2]string{"-]", "+}"}
	if color {
		del, ins, end = "\x1b[31m[-", "\x1b[32m{+", [2]string{"-]\x1b[0m", "+}\x1b[0m"}
	}
	// Print B's text in order, with A's deleted words where they fell.
	pos := 0 // next byte of B to print
	pa := 0  // next byte of A not yet shown, for report.Follows
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
			// A whole sentence is marked with its stop, as in the report.
			pa = report.WholeSentenceEnd(a, ed.A)
			pos = writeDeletion(bw, a, b, ed, pos, del+a.Text[ed.A.Offset:pa]+end[0])
		case align.Insert:
			stop := report.WholeSentenceEnd(b, ed.B)
			bw.WriteString(b.Text[pos:ed.B.Offset])
			bw.WriteString(ins + b.Text[ed.B.Offset:stop] + end[1])
			pos = stop
		}
	}
	bw.WriteString(b.Text[pos:])
	bw.WriteString("\n")
	return bw.Flush()
}

// writeDeletion writes the deletion mark of A's words that B lacks, at
// B's byte pos, and returns the next byte of B to print. The punctuation
// closing B's last word stays with it ("said. [-One.-]", not "said [-One-]
// ."), and one space separates the mark from what follows. Words that
// opened a paragraph of A are marked at the start of B's next paragraph,
// not at the end of the one before, when a paragraph break follows.
func writeDeletion(bw *bufio.Writer, a, b *align.Doc, ed align.Edit, pos int, mark string) int {
	next := len(b.Text)
	if ed.B.Start < len(b.Tokens) {
		next = int(b.Tokens[ed.B.Start].Start)
	}
	opensParagraph := strings.HasSuffix(strings.TrimRight(a.Text[:ed.A.Offset], " \t"), "\n\n") || strings.TrimSpace(a.Text[:ed.A.Offset]) == ""
	if opensParagraph && next < len(b.Text) && strings.Contains(b.Text[pos:next], "\n\n") {
		bw.WriteString(b.Text[pos:next])
		bw.WriteString(mark + " ")
		return next
	}
	k := pos
	for k < next && b.Text[k] != ' ' && b.Text[k] != '\n' {
		k++
	}
	bw.WriteString(b.Text[pos:k])
	bw.WriteString(" " + mark)
	if k >= len(b.Text) || b.Text[k] != ' ' && b.Text[k] != '\n' {
		bw.WriteString(" ")
	}
	return k
}

// writeDiffJSON writes the pair's scores and B's text as edits of A's:
// {"op": "equal" | "delete" | "insert", "text"}.
func writeDiffJSON(w io.Writer, aa, ab *article.Article, a, b *align.Doc, v *align.Result) error {
	type edit struct {
		Op   string `json:"op"`
		Text string `json:"text"`
	}
	out := struct {
		output.Pair
		Edits []edit `json:"edits"`
	}{Pair: output.Pair{A: aa.ID, B: ab.ID, Relation: cluster.Classify(v).String(), AInB: output.Round3(v.AInB), BInA: output.Round3(v.BInA),
		Similarity: output.Round3(v.Cosine), SharedPassages: v.Copies(), SharedQuotes: v.Quotes()}}
	pa, pb := 0, 0
	for _, ed := range align.WordDiff(a, b) {
		if !report.Follows(ed, pa, pb) {
			continue
		}
		switch ed.Op {
		case align.Equal:
			out.Edits = append(out.Edits, edit{"equal", b.Text[ed.B.Offset:ed.B.EndOffset]})
		case align.Delete:
			out.Edits = append(out.Edits, edit{"delete", a.Text[ed.A.Offset:ed.A.EndOffset]})
		case align.Insert:
			out.Edits = append(out.Edits, edit{"insert", b.Text[ed.B.Offset:ed.B.EndOffset]})
		}
		if ed.A.Words() > 0 {
			pa = ed.A.EndOffset
		}
		if ed.B.Words() > 0 {
			pb = ed.B.EndOffset
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
