package main

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/cmdline"
	"github.com/copydesk/copydesk/internal/framing"
	"github.com/copydesk/copydesk/internal/index"
	"github.com/copydesk/copydesk/internal/output"
	"github.com/copydesk/copydesk/internal/pipeline"
	"github.com/copydesk/copydesk/internal/provenance"
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
			&cli.StringFlag{Name: "index", Usage: "report on what the index `DB` holds instead of PATHs (with --id or --since)"},
			&cli.StringFlag{Name: "id", Usage: "with --index: the article `ID` and the articles related to it"},
			&cli.IntFlag{Name: "inline-words", Value: report.InlineWords, Usage: "show every story cluster on index.html while the clusters hold at most `N` words in all; above, one page per cluster"},
			&cli.IntFlag{Name: "overview-rows", Value: report.OverviewRows, Usage: "show at most `N` rows of each overview table (articles, duplicate groups, story clusters) on a page; the others on pages of their own (articles-0002.html, …)"},
			&cli.IntFlag{Name: "max-diffs", Value: report.MaxDiffs, Usage: "draw at most `N` pairwise diffs per cluster; the other pairs are listed with the command that diffs them"},
			&cli.StringFlag{Name: "names", Usage: "read the table of names for the same things from `FILE` (lines \"NAME: variant, variant\"), instead of the built-in Syria table"},
			&cli.StringFlag{Name: "since", Usage: "with --index: the articles published on or after `DATE` (YYYY-MM-DD, UTC, or an RFC 3339 time)"},
			agenciesFlag(),
		}, inputFlags()...),
		Action: func(c *cli.Context) error {
			if c.Int("inline-words") < 1 || c.Int("max-diffs") < 1 || c.Int("overview-rows") < 1 {
				return cmdline.Usage(errors.New("--inline-words, --max-diffs and --overview-rows take a number of 1 or more"))
			}
			dir := c.String("output")
			if dir == "" || dir == "-" {
				return cmdline.Usage(errors.New("report: --output DIR must name a directory (the report is several files)"))
			}
			var names []framing.Referent
			if f := c.String("names"); f != "" {
				t, err := readNames(f)
				if err != nil {
					return cmdline.Usage(err)
				}
				names = t
			}
			var res *pipeline.Result
			var parts []provenance.Article
			var err error
			build := report.BuildNames
			if c.String("index") != "" {
				if res, err = indexResult(c); err != nil {
					return err
				}
				for i := range res.Articles {
					parts = append(parts, provenance.FromArticle(&res.Articles[i]))
				}
			} else {
				build = report.BuildStreamed // one cluster's view held at a time
				if c.String("id") != "" || c.String("since") != "" {
					return cmdline.Usage(errors.New("report: --id and --since need --index"))
				}
				if res, parts, err = e.streamReport(c); err != nil {
					return err
				}
			}
			rep, err := build(c.Context, res, names)
			if err != nil {
				return err
			}
			rep.SetProvenance(provenance.Build(parts, res.Pairs, provenanceOptions(c)))
			if id := c.String("id"); id != "" {
				fam, titles, err := idFamily(c, id)
				if err != nil {
					return err
				}
				rep.SetChain(fam, 0, titles)
			}
			rep.InlineWords, rep.MaxDiffs, rep.OverviewRows = c.Int("inline-words"), c.Int("max-diffs"), c.Int("overview-rows")
			rep.Workers = c.Int("workers")
			rep.Planned = func(p report.PagePlan) { fmt.Fprintf(e.stderr, "compare: writing %s: %s\n", dir, pagesPlanned(p)) }
			if progress := e.progress(); progress != nil {
				rep.Written = func(done, total int) { progress("write", done, total) }
			}
			if err := report.WriteReportContext(c.Context, dir, rep); err != nil {
				return err
			}
			clusters := "story clusters"
			if len(rep.Clusters) == 1 {
				clusters = "story cluster"
			}
			fmt.Fprintf(e.stderr, "compare: wrote %s: %s, %d %s of two or more\n", filepath.Join(dir, "index.html"), output.Plural(len(rep.Articles), "article"), len(rep.Clusters), clusters)
			return nil
		},
	}
}

// pagesPlanned says what compare report is about to write: "index.html,
// report.json, 99 overview pages and 17005 cluster pages".
func pagesPlanned(p report.PagePlan) string {
	files := []string{"index.html", "report.json"}
	if p.Overview > 0 {
		files = append(files, output.Plural(p.Overview, "overview page"))
	}
	if p.Clusters > 0 {
		files = append(files, output.Plural(p.Clusters, "cluster page"))
	}
	return strings.Join(files[:len(files)-1], ", ") + " and " + files[len(files)-1]
}

// streamReport runs the story pipeline over the PATH arguments as
// compare pairs does (pipeline.Stream: each Doc built when its pairs are
// verified and dropped after them), keeping of each article its text
// compressed and its fields but the body: the report builds the Docs of a
// story cluster again when it compares and diffs its members.
func (e *env) streamReport(c *cli.Context) (*pipeline.Result, []provenance.Article, error) {
	var arts []article.Article
	var parts []provenance.Article
	scan, err := e.streamEach(c, true, func(o *pipeline.Options) { o.KeepTexts = true }, func(a *article.Article) {
		parts = append(parts, provenance.FromArticle(a))
		meta := *a
		meta.Body = ""
		arts = append(arts, meta)
	})
	if err != nil {
		return nil, nil, err
	}
	if len(arts) != len(scan.IDs) {
		return nil, nil, fmt.Errorf("report: read %d articles, the run holds %d", len(arts), len(scan.IDs))
	}
	return scan.Result(arts), parts, nil
}

// indexResult is what the index holds around --id, or published since
// --since (everything without either), as a run's result: the relations
// are the index's (story similarities under its current document
// frequencies), the texts are read back for the passages and diffs.
func indexResult(c *cli.Context) (*pipeline.Result, error) {
	if c.NArg() > 0 {
		return nil, cmdline.Usage(errors.New("report: give --index or PATHs, not both"))
	}
	id, sinceArg := c.String("id"), c.String("since")
	if id != "" && sinceArg != "" {
		return nil, cmdline.Usage(errors.New("report: give --id or --since, not both"))
	}
	var since time.Time
	if sinceArg != "" {
		t, err := time.Parse(time.DateOnly, sinceArg)
		if err != nil {
			if t, err = time.Parse(time.RFC3339, sinceArg); err != nil {
				return nil, cmdline.Usage(fmt.Errorf("--since: %q is not a date (YYYY-MM-DD or RFC 3339)", sinceArg))
			}
		}
		since = t
	}
	st, err := index.Open(c.Context, c.String("index"), true)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	var arts []article.Article
	var pairs []cluster.Pair
	if id != "" {
		if arts, pairs, err = index.Around(c.Context, st, id); err != nil {
			return nil, err
		}
	} else {
		g, err := index.LoadGraph(c.Context, st, since)
		if err != nil {
			return nil, err
		}
		if arts, err = index.Bodies(c.Context, st, g.Seqs); err != nil {
			return nil, err
		}
		pairs = g.Pairs
	}
	docs := make([]*align.Doc, len(arts))
	for i := range arts {
		docs[i] = pipeline.NewDoc(&arts[i])
	}
	return &pipeline.Result{Corpus: &pipeline.Corpus{Articles: arts, Docs: docs}, Pairs: pairs}, nil
}

// maxFamily bounds the articles idFamily reads.
const maxFamily = 500

// idFamily reads the family of copies around the article id in the index:
// the articles linked to it by copy relations (partial or stronger), then
// those linked to them, and so on, up to maxFamily articles, id first; and
// returns their provenance and headlines, for id's chain back to its
// original however many hops away (index.Around reaches one).
func idFamily(c *cli.Context, id string) (*provenance.Result, func(int) string, error) {
	st, err := index.Open(c.Context, c.String("index"), true)
	if err != nil {
		return nil, nil, err
	}
	defer st.Close()
	family := []string{id} // ids in the order found; arts[k] is family[k]'s
	var arts []article.Article
	at := map[string]int{id: 0}
	type copyPair struct {
		a, b string
		p    cluster.Pair
	}
	var copies []copyPair
	seen := map[[2]string]bool{}
	for k := 0; k < len(family); k++ {
		centre := family[k]
		around, pairs, err := index.Around(c.Context, st, centre)
		if err != nil {
			return nil, nil, err
		}
		arts = append(arts, around[slices.IndexFunc(around, func(a article.Article) bool { return a.ID == centre })])
		for _, p := range pairs {
			a, b := around[p.I].ID, around[p.J].ID
			if p.Relation < cluster.Partial || (a != centre && b != centre) || seen[[2]string{a, b}] {
				continue
			}
			seen[[2]string{a, b}] = true
			copies = append(copies, copyPair{a, b, p})
			for _, other := range []string{a, b} {
				if _, ok := at[other]; !ok && len(family) < maxFamily {
					at[other] = len(family)
					family = append(family, other)
				}
			}
		}
	}
	parts := make([]provenance.Article, len(arts))
	for i := range arts {
		parts[i] = provenance.FromArticle(&arts[i])
	}
	var pairs []cluster.Pair
	for _, cp := range copies {
		i, okI := at[cp.a]
		j, okJ := at[cp.b]
		if okI && okJ {
			pairs = append(pairs, cp.p.Renumber(i, j))
		}
	}
	slices.SortFunc(pairs, func(a, b cluster.Pair) int { return cmp.Or(cmp.Compare(a.I, b.I), cmp.Compare(a.J, b.J)) })
	return provenance.Build(parts, pairs, provenanceOptions(c)), func(i int) string { return arts[i].Title }, nil
}

// readNames reads compare report's --names FILE.
func readNames(path string) ([]framing.Referent, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--names: %w", err)
	}
	defer f.Close()
	t, err := framing.ReadReferents(f)
	if err != nil {
		return nil, fmt.Errorf("--names %s: %w", path, err)
	}
	return t, nil
}
