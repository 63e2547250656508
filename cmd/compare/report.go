package main

import (
	"cmp"
	"context"
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
			windowFlag(),
		}, inputFlags()...),
		Action: func(c *cli.Context) error {
			f, err := parseReportFlags(c)
			if err != nil {
				return err
			}
			return e.report(c.Context, &f)
		},
	}
}

// reportFlags are compare report's flags.
type reportFlags struct {
	inputs                          // Skip holds Dir
	Dir          string             // --output DIR, not "" or -
	Index        string             // --index DB, "" to read PATHs
	ID           string             // --id (with --index), "" for none
	Since        time.Time          // --since (with --index), zero for all
	InlineWords  int                // --inline-words, 1 or more
	MaxDiffs     int                // --max-diffs, 1 or more
	OverviewRows int                // --overview-rows, 1 or more
	Names        []framing.Referent // the table --names FILE holds, nil for the built-in one
	Agencies     []string           // --agencies, nil for the built-in list
}

// parseReportFlags reads compare report's flags and the --names FILE,
// refusing (a usage error), in this order, an --inline-words, --max-diffs
// or --overview-rows under 1, an --output that names no directory, a
// --names FILE that cannot be read or is not a table of names; then with
// --index any PATH, both --id and --since, then a bad --since; without
// --index an --id or a --since, then the input group's errors
// (inputs.check: --max-size and --workers are not checked with --index,
// where --workers is passed on as given).
func parseReportFlags(c *cli.Context) (reportFlags, error) {
	f := reportFlags{inputs: readInputs(c), Dir: c.String("output"), Index: c.String("index"), ID: c.String("id"),
		InlineWords: c.Int("inline-words"), MaxDiffs: c.Int("max-diffs"), OverviewRows: c.Int("overview-rows"),
		Agencies: parseAgencies(c.String("agencies"))}
	since := c.String("since")
	if f.InlineWords < 1 || f.MaxDiffs < 1 || f.OverviewRows < 1 {
		return reportFlags{}, cmdline.Usage(errors.New("--inline-words, --max-diffs and --overview-rows take a number of 1 or more"))
	}
	if f.Dir == "" || f.Dir == "-" {
		return reportFlags{}, cmdline.Usage(errors.New("report: --output DIR must name a directory (the report is several files)"))
	}
	f.Skip = []string{f.Dir} // never read the last report back
	if file := c.String("names"); file != "" {
		names, err := readNames(file)
		if err != nil {
			return reportFlags{}, cmdline.Usage(err)
		}
		f.Names = names
	}
	if f.Index == "" {
		if f.ID != "" || since != "" {
			return reportFlags{}, cmdline.Usage(errors.New("report: --id and --since need --index"))
		}
		if err := f.check(); err != nil {
			return reportFlags{}, err
		}
		return f, nil
	}
	if len(f.Paths) > 0 {
		return reportFlags{}, cmdline.Usage(errors.New("report: give --index or PATHs, not both"))
	}
	if f.Window != "" {
		return reportFlags{}, cmdline.Usage(errors.New("report: --window clusters PATHs; an index keeps its own story relations"))
	}
	if f.ID != "" && since != "" {
		return reportFlags{}, cmdline.Usage(errors.New("report: give --id or --since, not both"))
	}
	var err error
	if f.Since, err = parseSince(since); err != nil {
		return reportFlags{}, err
	}
	return f, nil
}

// report writes the report f asks for into f.Dir (compare report): on
// what the index holds around f.ID or since f.Since with f.Index, else on
// f's PATHs as they stream.
func (e *env) report(ctx context.Context, f *reportFlags) error {
	var res *pipeline.Result
	var parts []provenance.Article
	var err error
	build := report.BuildNames
	var st index.Store // read once for the report and, with f.ID, its chain
	if f.Index != "" {
		if st, err = index.Open(ctx, f.Index, true); err != nil {
			return err
		}
		defer st.Close()
		if res, err = indexResult(ctx, st, f.ID, f.Since); err != nil {
			return err
		}
		for i := range res.Articles {
			parts = append(parts, provenance.FromArticle(&res.Articles[i]))
		}
	} else {
		build = report.BuildStreamed // one cluster's view held at a time
		if res, parts, err = e.streamReport(ctx, &f.inputs); err != nil {
			return err
		}
	}
	rep, err := build(ctx, res, f.Names)
	if err != nil {
		return err
	}
	opt := provenance.Options{Agencies: f.Agencies}
	rep.SetProvenance(provenance.Build(parts, res.Pairs, opt))
	if f.ID != "" {
		fam, titles, err := idFamily(ctx, st, f.ID, opt)
		if err != nil {
			return err
		}
		rep.SetChain(fam, 0, titles)
	}
	rep.InlineWords, rep.MaxDiffs, rep.OverviewRows = f.InlineWords, f.MaxDiffs, f.OverviewRows
	rep.Workers = f.Workers
	rep.Planned = func(p report.PagePlan) { fmt.Fprintf(e.stderr, "compare: writing %s: %s\n", f.Dir, pagesPlanned(p)) }
	if progress := e.progress(); progress != nil {
		rep.Written = func(done, total int) { progress("write", done, total) }
	}
	if err := report.WriteReportContext(ctx, f.Dir, rep); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "compare: wrote %s: %s, %s of two or more\n", filepath.Join(f.Dir, "index.html"), output.Plural(len(rep.Articles), "article"), output.Plural(len(rep.Clusters), "story cluster"))
	return nil
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

// streamReport runs the story pipeline over in's PATHs as compare pairs
// does (pipeline.Stream: each Doc built when its pairs are verified and
// dropped after them), keeping of each article its text compressed and
// its fields but the body: the report builds the Docs of a story cluster
// again when it compares and diffs its members.
func (e *env) streamReport(ctx context.Context, in *inputs) (*pipeline.Result, []provenance.Article, error) {
	var arts []article.Article
	var parts []provenance.Article
	scan, err := e.streamInputs(ctx, in, true, func(o *pipeline.Options) { o.KeepTexts = true }, func(a *article.Article) {
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

// indexResult is what the index st holds around the article id, or
// published since since (everything without either), as a run's result:
// the relations are the index's (story similarities under its current
// document frequencies), the texts are read back for the passages and
// diffs.
func indexResult(ctx context.Context, st index.Store, id string, since time.Time) (*pipeline.Result, error) {
	var arts []article.Article
	var pairs []cluster.Pair
	var err error
	if id != "" {
		if arts, pairs, err = index.Around(ctx, st, id); err != nil {
			return nil, err
		}
	} else {
		g, err := index.LoadGraph(ctx, st, since)
		if err != nil {
			return nil, err
		}
		if arts, err = index.Bodies(ctx, st, g.Seqs); err != nil {
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

// idFamily reads the family of copies around the article id in the index
// st:
// the articles linked to it by copy relations (partial or stronger), then
// those linked to them, and so on, up to maxFamily articles, id first; and
// returns their provenance (under opt) and headlines, for id's chain back
// to its original however many hops away (index.Around reaches one).
func idFamily(ctx context.Context, st index.Store, id string, opt provenance.Options) (*provenance.Result, func(int) string, error) {
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
		around, pairs, err := index.Around(ctx, st, centre)
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
	return provenance.Build(parts, pairs, opt), func(i int) string { return arts[i].Title }, nil
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
