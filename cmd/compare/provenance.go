package main

import (
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
			format, err := output.ParseFormat(c.String("format"))
			if err != nil {
				return cmdline.Usage(err)
			}
			if !slices.Contains(output.ProvTables, c.String("table")) {
				return cmdline.Usage(fmt.Errorf("--table: %q is not a table (want articles, links or outlets)", c.String("table")))
			}
			opt := provenanceOptions(c)
			opt.Warn = func(id, problem string) {
				e.bad++
				fmt.Fprintf(e.stderr, "compare: %s: %s\n", id, problem)
			}
			var arts []provenance.Article
			var pairs []cluster.Pair
			if c.String("index") != "" {
				arts, pairs, err = indexProvenanceInput(c)
			} else {
				if c.String("since") != "" {
					return cmdline.Usage(errors.New("provenance: --since needs --index"))
				}
				arts, pairs, err = e.provenanceInput(c)
			}
			if err != nil {
				return err
			}
			out := output.NewProvenance(provenance.Build(arts, pairs, opt))
			if name := c.String("outlet"); name != "" {
				out = onlyOutlet(out, name)
			}
			return e.output(c, func(w io.Writer) error { return output.WriteProvenance(w, format, c.String("table"), out) })
		},
	}
}

// agenciesFlag is --agencies, of compare provenance and compare report.
func agenciesFlag() cli.Flag {
	return &cli.StringFlag{Name: "agencies", Usage: "the news agency `NAMES`, comma-separated, instead of the built-in list (" + strings.Join(provenance.DefaultAgencies[:8], ", ") + ", …)"}
}

// provenanceOptions are the options --agencies sets.
func provenanceOptions(c *cli.Context) provenance.Options {
	var opt provenance.Options
	for _, a := range strings.Split(c.String("agencies"), ",") {
		if a = strings.TrimSpace(a); a != "" {
			opt.Agencies = append(opt.Agencies, a)
		}
	}
	return opt
}

// provenanceInput runs the copy pipeline over the PATH arguments as they
// stream (as compare pairs --min-relation partial does), keeping of each
// article only what provenance needs.
func (e *env) provenanceInput(c *cli.Context) ([]provenance.Article, []cluster.Pair, error) {
	var arts []provenance.Article
	res, err := e.streamEach(c, false, nil, func(a *article.Article) {
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

// indexProvenanceInput reads the index's graph (since --since) and every
// article's text, for its credits and words: an outlet's wire share is a
// share of all its words, copied or not.
func indexProvenanceInput(c *cli.Context) ([]provenance.Article, []cluster.Pair, error) {
	if c.NArg() > 0 {
		return nil, nil, cmdline.Usage(errors.New("provenance: give --index or PATHs, not both"))
	}
	var since time.Time
	if s := c.String("since"); s != "" {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			if t, err = time.Parse(time.RFC3339, s); err != nil {
				return nil, nil, cmdline.Usage(fmt.Errorf("--since: %q is not a date (YYYY-MM-DD or RFC 3339)", s))
			}
		}
		since = t
	}
	st, err := index.Open(c.Context, c.String("index"), true)
	if err != nil {
		return nil, nil, err
	}
	defer st.Close()
	g, err := index.LoadGraph(c.Context, st, since)
	if err != nil {
		return nil, nil, err
	}
	arts := make([]provenance.Article, 0, len(g.Seqs))
	for start := 0; start < len(g.Seqs); start += bodiesBatch {
		full, err := index.Bodies(c.Context, st, g.Seqs[start:min(start+bodiesBatch, len(g.Seqs))])
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
