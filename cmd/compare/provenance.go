package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/cmdline"
	"github.com/copydesk/copydesk/internal/index"
	"github.com/copydesk/copydesk/internal/output"
	"github.com/copydesk/copydesk/internal/pipeline"
	"github.com/copydesk/copydesk/internal/provenance"
)

func provenanceCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "provenance",
		Usage:     "say who took from whom, whether they credited it, and each outlet's share of wire copy",
		ArgsUsage: "PATH...",
		Description: `For every copy relation (duplicate, derived, partial) names the source and
the copy, with the evidence that decided it, strongest first: time (both
dated, one earlier), credit (the copy's credits, dateline or byline name the
other's outlet), agency (one outlet is a news agency), chain (a third article
is the source of both; the copy is further from it), text (the text more
covered by the shared passages is the copy). Then each family of copies as a
tree under its original (each article under its immediate source, with the
share of its words taken), whether each copy credits its source or the
agency upstream, and per outlet its share of words from agencies.

An article whose published value is not a time, or lies in the future, is
named on stderr once and treated as undated.

--format text prints the trees and the outlet table; json one object
{"articles", "links", "outlets"}; jsonl the articles, one a line; csv the
table --table names (articles, links or outlets). The fields are described
in the README.`,
		Flags: append([]cli.Flag{
			formatFlag(), outputFlag(),
			&cli.StringFlag{Name: "table", Value: "articles", Usage: "with --format csv: the table to write: articles, links or outlets"},
			agenciesFlag(),
			&cli.StringFlag{Name: "index", Usage: "read what the index `DB` holds instead of PATHs"},
			&cli.StringFlag{Name: "since", Usage: "with --index: the articles published on or after `DATE` (YYYY-MM-DD, UTC, or an RFC 3339 time)"},
			&cli.StringFlag{Name: "outlet", Usage: "only this outlet's `NAME`: its articles with their chains, and its row of the outlet table"},
		}, inputFlags()...),
		Action: func(c *cli.Context) error {
			f, err := parseProvenanceFlags(c)
			if err != nil {
				return err
			}
			opt := provenance.Options{Agencies: f.Agencies}
			opt.Warn = func(id, problem string) {
				e.bad++
				fmt.Fprintf(e.stderr, "compare: %s: %s\n", id, problem)
			}
			var arts []provenance.Article
			var pairs []cluster.Pair
			if f.Index != "" {
				arts, pairs, err = indexProvenanceInput(c.Context, f.Index, f.Since)
			} else {
				arts, pairs, err = e.provenanceInput(c.Context, &f.inputs)
			}
			if err != nil {
				return err
			}
			out := output.NewProvenance(provenance.Build(arts, pairs, opt))
			if f.Outlet != "" {
				out = onlyOutlet(out, f.Outlet)
			}
			return e.writeOutput(f.Output, func(w io.Writer) error { return output.WriteProvenance(w, f.Format, f.Table, out) })
		},
	}
}

// provenanceFlags are compare provenance's flags.
type provenanceFlags struct {
	tableOut
	inputs
	Table    string    // --table: one of output.ProvTables
	Agencies []string  // --agencies, nil for the built-in list
	Index    string    // --index DB, "" to read PATHs
	Since    time.Time // --since (with --index), zero for all
	Outlet   string    // --outlet NAME, "" for all
}

// parseProvenance reads compare provenance's flags, refusing (a usage
// error), in this order, a bad --format, a bad --table, then with --index
// any PATH, then a bad --since; without --index a --since, then the input
// group's errors (inputs.check: --max-size and --workers are not checked
// with --index).
func parseProvenanceFlags(c *cli.Context) (provenanceFlags, error) {
	out, err := parseTableOut(c)
	if err != nil {
		return provenanceFlags{}, err
	}
	f := provenanceFlags{tableOut: out, inputs: readInputs(c), Table: c.String("table"),
		Agencies: parseAgencies(c.String("agencies")), Index: c.String("index"), Outlet: c.String("outlet")}
	if !slices.Contains(output.ProvTables, f.Table) {
		return provenanceFlags{}, cmdline.Usage(fmt.Errorf("--table: %q is not a table (want articles, links or outlets)", f.Table))
	}
	if f.Index != "" {
		if len(f.Paths) > 0 {
			return provenanceFlags{}, cmdline.Usage(errors.New("provenance: give --index or PATHs, not both"))
		}
		if f.Since, err = parseSince(c.String("since")); err != nil {
			return provenanceFlags{}, err
		}
		return f, nil
	}
	if c.String("since") != "" {
		return provenanceFlags{}, cmdline.Usage(errors.New("provenance: --since needs --index"))
	}
	if err := f.check(); err != nil {
		return provenanceFlags{}, err
	}
	return f, nil
}

// agenciesFlag is --agencies, of compare provenance and compare report.
func agenciesFlag() cli.Flag {
	return &cli.StringFlag{Name: "agencies", Usage: "the news agency `NAMES`, comma-separated, instead of the built-in list (" + strings.Join(provenance.DefaultAgencies[:8], ", ") + ", …)"}
}

// provenanceInput runs the copy pipeline over the PATH arguments as they
// stream (as compare pairs --min-relation partial does), keeping of each
// article only what provenance needs.
func (e *env) provenanceInput(ctx context.Context, in *inputs) ([]provenance.Article, []cluster.Pair, error) {
	var arts []provenance.Article
	keepCopy := func(o *pipeline.Options) { o.Keep = provenance.Weakest }
	res, err := e.streamInputs(ctx, in, false, keepCopy, func(a *article.Article) {
		arts = append(arts, provenance.FromArticle(a))
	})
	if err != nil {
		return nil, nil, err
	}
	if len(arts) != len(res.IDs) {
		return nil, nil, fmt.Errorf("provenance: read %d articles, the run holds %d", len(arts), len(res.IDs))
	}
	return arts, res.Pairs, nil
}

// indexProvenanceInput reads the graph of the index dsn (since since,
// everything when it is zero) and every article's text, for its credits
// and words: an outlet's wire share is a share of all its words, copied or
// not.
func indexProvenanceInput(ctx context.Context, dsn string, since time.Time) ([]provenance.Article, []cluster.Pair, error) {
	st, err := index.Open(ctx, dsn, true)
	if err != nil {
		return nil, nil, err
	}
	defer st.Close()
	g, err := index.LoadGraph(ctx, st, since)
	if err != nil {
		return nil, nil, err
	}
	arts := make([]provenance.Article, 0, len(g.Seqs))
	for start := 0; start < len(g.Seqs); start += bodiesBatch {
		full, err := index.Bodies(ctx, st, g.Seqs[start:min(start+bodiesBatch, len(g.Seqs))])
		if err != nil {
			return nil, nil, err
		}
		for i := range full {
			if full[i].ID != g.Articles[len(arts)].ID {
				return nil, nil, fmt.Errorf("provenance: the index changed while reading it (%s)", g.Articles[len(arts)].ID)
			}
			arts = append(arts, provenance.FromArticle(&full[i]))
		}
	}
	return arts, g.Pairs, nil
}

// bodiesBatch is how many articles' texts indexProvenanceInput holds at
// once.
const bodiesBatch = 2000

// onlyOutlet keeps of p the outlet name's articles with the articles of
// their chains, the links they are in, and the outlet's row.
func onlyOutlet(p *output.Provenance, name string) *output.Provenance {
	out := &output.Provenance{Articles: []output.ProvArticle{}, Links: []output.ProvLink{}, Outlets: []provenance.Outlet{}}
	keep := map[string]bool{}
	mine := map[string]bool{}
	for _, a := range p.Articles {
		if strings.EqualFold(a.Outlet, name) {
			mine[a.ID] = true
			for _, id := range a.Chain {
				keep[id] = true
			}
		}
	}
	for _, a := range p.Articles {
		if keep[a.ID] {
			out.Articles = append(out.Articles, a)
		}
	}
	for _, l := range p.Links {
		if mine[l.Source] || mine[l.Copy] {
			out.Links = append(out.Links, l)
		}
	}
	for _, o := range p.Outlets {
		if strings.EqualFold(o.Outlet, name) {
			out.Outlets = append(out.Outlets, o)
		}
	}
	return out
}
