package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/urfave/cli/v2"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/cmdline"
	"github.com/copydesk/copydesk/internal/index"
	"github.com/copydesk/copydesk/internal/output"
)

func indexFlag() cli.Flag {
	return &cli.StringFlag{Name: "index", Usage: "the index: a SQLite `DB` file (created if missing) or a postgres:// URL"}
}

// indexDSN returns --index or a usage error.
func indexDSN(c *cli.Context) (string, error) {
	dsn := c.String("index")
	if dsn == "" {
		return "", cmdline.Usage(errors.New(c.Command.Name + ": --index DB is required (a SQLite file or a postgres:// URL)"))
	}
	return dsn, nil
}

func indexCommand(e *env) *cli.Command {
	pairsFlags := append([]cli.Flag{
		indexFlag(), formatFlag(), outputFlag(),
		minRelationFlag(),
	}, inputFlags()...)
	return &cli.Command{
		Name:  "index",
		Usage: "keep articles in a persistent index and check new ones against it",
		Description: `The index (--index DB) is a SQLite file, created on first use, or a
postgres:// URL for one index shared by several machines. "add" compares a
batch with everything indexed and with itself, prints the relations in the
pairs format and stores the batch (all of it or, if interrupted, none);
"check" prints the same and stores nothing; "relations" prints again what
"add" printed for the batches it committed (if its output was lost).`,
		Subcommands: []*cli.Command{
			{
				Name:      "add",
				Usage:     "add articles and print their relations to the indexed ones and to each other",
				ArgsUsage: "PATH...",
				Description: `Re-adding an id with the same content changes nothing; with other content
it replaces the old version and its relations are recomputed. Story
similarities are weighed by the document frequencies of the index with the
batch in it; copy relations do not depend on them.`,
				Flags: append([]cli.Flag{&cli.IntFlag{Name: "batch-size", Usage: "add the articles `N` at a time, one transaction each, preparing the next N while one batch is added (a large archive in bounded memory; 0: all in one batch)"}}, pairsFlags...),
				Action: func(c *cli.Context) error {
					f, err := parseIndexPairsFlags(c, true)
					if err != nil {
						return err
					}
					return e.indexPairs(c.Context, &f, true)
				},
			},
			{
				Name:      "check",
				Usage:     "print what add would, without adding anything (opens the index read-only)",
				ArgsUsage: "PATH...",
				Flags:     pairsFlags,
				Action: func(c *cli.Context) error {
					f, err := parseIndexPairsFlags(c, false)
					if err != nil {
						return err
					}
					return e.indexPairs(c.Context, &f, false)
				},
			},
			{
				Name:      "relations",
				Usage:     "print again the relations that index add printed for the articles of PATH (output lost to a crash)",
				ArgsUsage: "PATH...",
				Description: `Reads the articles of PATH as index add did (give it the same --batch-size)
and prints, for each batch, the relations the index holds for the batch's
articles that it holds with the same content: what index add printed when
it committed them, byte for byte, while nothing indexed up to them has been
replaced or removed since. Articles that are not in the index are left out:
after a crash, this prints what the committed batches printed, and index
add of the same input adds the rest and prints their relations. Opens the
index read-only.`,
				Flags: append([]cli.Flag{&cli.IntFlag{Name: "batch-size", Usage: "the --batch-size `N` that index add was given (0: one batch)"}}, pairsFlags...),
				Action: func(c *cli.Context) error {
					f, err := parseIndexPairsFlags(c, true)
					if err != nil {
						return err
					}
					return e.indexRelations(c.Context, &f)
				},
			},
			{
				Name:  "stats",
				Usage: "articles, outlets, date range, size on disk and schema version of the index",
				Flags: []cli.Flag{indexFlag(), &cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "text or json"}},
				Action: func(c *cli.Context) error {
					f, err := parseIndexStatsFlags(c)
					if err != nil {
						return err
					}
					return e.indexStats(c.Context, &f)
				},
			},
			{
				Name:      "rm",
				Usage:     "remove articles from the index by id",
				ArgsUsage: "ID...",
				Flags:     []cli.Flag{indexFlag()},
				Action: func(c *cli.Context) error {
					f, err := parseIndexRemoveFlags(c)
					if err != nil {
						return err
					}
					return e.indexRemove(c.Context, &f)
				},
			},
		},
	}
}

// indexPairsFlags are the flags of compare index add, check and
// relations.
type indexPairsFlags struct {
	pairsOut
	inputs
	Index     string // --index DB
	BatchSize int    // --batch-size (add and relations; 0 for check): 0 is one batch
}

// parseIndexPairs reads the flags of compare index add, check or
// relations, refusing (a usage error), in this order, no --index, a bad
// --format, a bad --min-relation, with batched (add, relations) a
// negative --batch-size, then the input group's errors (inputs.check).
func parseIndexPairsFlags(c *cli.Context, batched bool) (indexPairsFlags, error) {
	dsn, err := indexDSN(c)
	if err != nil {
		return indexPairsFlags{}, err
	}
	out, err := parsePairsOut(c)
	if err != nil {
		return indexPairsFlags{}, err
	}
	f := indexPairsFlags{pairsOut: out, inputs: readInputs(c), Index: dsn}
	if batched {
		if f.BatchSize = c.Int("batch-size"); f.BatchSize < 0 {
			return indexPairsFlags{}, cmdline.Usage(fmt.Errorf("--batch-size: %d is not a number of articles", f.BatchSize))
		}
	}
	if err := f.check(); err != nil {
		return indexPairsFlags{}, err
	}
	return f, nil
}

// indexPairs runs index add (write) or index check.
func (e *env) indexPairs(ctx context.Context, f *indexPairsFlags, write bool) error {
	size, minRel := f.BatchSize, f.MinRel
	r, err := e.newReader(&f.inputs)
	if err != nil {
		return err
	}
	var arts []article.Article
	if size == 0 {
		if arts, err = r.Load(ctx, f.Paths); err != nil {
			return err
		}
	}
	st, err := index.Open(ctx, f.Index, !write)
	if err != nil {
		return err
	}
	defer st.Close()
	// Copy relations only: the copy routes' candidates, as `compare pairs`
	// (check then skips the story route).
	opt := index.Options{Workers: f.Workers, Progress: killInTransaction(e.progress()), CopyOnly: minRel >= cluster.Partial}
	out := e.pairStream(f.tableOut, size > 0)
	var added, replaced, unchanged, batches int
	// maxReplacedNamed is how many replaced ids a run names on stderr; the
	// summary line counts them all.
	const maxReplacedNamed = 20
	apply := func(b *index.Batch) error {
		var res *index.Result
		var err error
		killPoint("before-commit")
		if write {
			res, err = b.Add(ctx, st, opt)
		} else {
			res, err = b.Check(ctx, st, opt)
		}
		if err != nil {
			return err
		}
		killPoint("after-commit")
		batches++
		// Never a text replaced under its id without saying so.
		for _, id := range res.Replaced {
			if replaced < maxReplacedNamed {
				fmt.Fprintf(e.stderr, "compare: index: %q: a different text with this id replaces the one indexed\n", id)
			}
			replaced++
		}
		added, unchanged = added+len(res.Added), unchanged+len(res.Unchanged)
		err = out.batch(indexRows(res.Pairs, minRel))
		killPoint("between-batches")
		return err
	}
	if size == 0 {
		var b *index.Batch
		if b, err = index.Prepare(ctx, arts, opt); err == nil {
			err = apply(b)
		}
	} else {
		err = inBatches(ctx, r, f.Paths, size, opt, apply)
	}
	// The relations of the batches added before an error are printed too:
	// those batches are in the index, and adding them again prints nothing.
	if err != nil && batches == 0 {
		return err
	}
	if werr := out.close(); werr != nil {
		return werr
	}
	verb := "added"
	if !write {
		verb = "new"
	}
	in := ""
	if size > 0 {
		in = " in " + output.Plural(batches, "batch")
	}
	fmt.Fprintf(e.stderr, "compare: index: %d %s%s (%d replacing an older version), %d unchanged\n",
		added, verb, in, replaced, unchanged)
	return err
}

// inBatches reads the articles under paths and calls add with each run of
// size of them, prepared, in input order: while one batch is added, the
// next is prepared (on the cores the index's database leaves idle) and the
// one after it read.
func inBatches(ctx context.Context, r *article.Reader, paths []string, size int, opt index.Options, add func(*index.Batch) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	runs := make(chan []article.Article, 1)
	read := make(chan error, 1)
	go func() {
		defer close(runs)
		var run []article.Article
		send := func() error {
			select {
			case runs <- run:
				run = nil
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		err := r.Read(ctx, paths, func(a article.Article) error {
			if run = append(run, a); len(run) == size {
				return send()
			}
			return nil
		})
		if err == nil && len(run) > 0 {
			err = send()
		}
		read <- err
	}()
	type prepared struct {
		b   *index.Batch
		err error
	}
	batches := make(chan prepared)
	quiet := opt
	quiet.Progress = nil // the progress shown is the batch being added
	go func() {
		defer close(batches)
		for run := range runs {
			b, err := index.Prepare(ctx, run, quiet)
			select {
			case batches <- prepared{b, err}:
			case <-ctx.Done():
			}
		}
	}()
	for p := range batches {
		err := p.err
		if err == nil {
			err = add(p.b)
		}
		if err != nil {
			cancel()
			for range batches { // let the reader and the preparer finish
			}
			return err
		}
	}
	if err := <-read; err != nil {
		return err
	}
	return ctx.Err() // a reader stopped by Ctrl-C without saying so
}

// indexStatsFlags are compare index stats' flags.
type indexStatsFlags struct {
	Index  string // --index DB
	Format string // --format: text or json
}

// parseIndexStatsFlags reads compare index stats' flags, refusing (a
// usage error) no --index, then a --format other than text or json.
func parseIndexStatsFlags(c *cli.Context) (indexStatsFlags, error) {
	dsn, err := indexDSN(c)
	if err != nil {
		return indexStatsFlags{}, err
	}
	f := indexStatsFlags{Index: dsn, Format: c.String("format")}
	if f.Format != "text" && f.Format != "json" {
		return indexStatsFlags{}, cmdline.Usage(fmt.Errorf("--format: %q is not text or json", f.Format))
	}
	return f, nil
}

// indexStats prints the index's figures (compare index stats).
func (e *env) indexStats(ctx context.Context, f *indexStatsFlags) error {
	st, err := index.Open(ctx, f.Index, true)
	if err != nil {
		return err
	}
	defer st.Close()
	s, err := st.Stats(ctx)
	if err != nil {
		return err
	}
	first, last := "", ""
	if !s.First.IsZero() {
		first, last = s.First.Format(time.DateOnly), s.Last.Format(time.DateOnly)
	}
	if f.Format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			index.Stats
			First string `json:"first_published,omitempty"`
			Last  string `json:"last_published,omitempty"`
		}{s, first, last})
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "backend:\t%s\n", s.Backend)
	fmt.Fprintf(tw, "schema version:\t%d\n", s.SchemaVersion)
	fmt.Fprintf(tw, "articles:\t%d\n", s.Articles)
	fmt.Fprintf(tw, "outlets:\t%d\n", s.Outlets)
	fmt.Fprintf(tw, "verified pairs:\t%d\n", s.Edges)
	if first != "" {
		fmt.Fprintf(tw, "published:\t%s to %s\n", first, last)
	} else {
		fmt.Fprintf(tw, "published:\tunknown\n")
	}
	per := ""
	if s.Articles > 0 {
		per = fmt.Sprintf(" (%s per article)", humanize.IBytes(uint64(s.Bytes)/uint64(s.Articles)))
	}
	fmt.Fprintf(tw, "size on disk:\t%s%s\n", humanize.IBytes(uint64(s.Bytes)), per)
	return tw.Flush()
}

// indexRemoveFlags are compare index rm's flags and arguments.
type indexRemoveFlags struct {
	Index string   // --index DB
	IDs   []string // the ids to remove, at least one
}

// parseIndexRemoveFlags reads compare index rm's flags and arguments,
// refusing (a usage error) no --index, then no ID.
func parseIndexRemoveFlags(c *cli.Context) (indexRemoveFlags, error) {
	dsn, err := indexDSN(c)
	if err != nil {
		return indexRemoveFlags{}, err
	}
	if c.NArg() == 0 {
		return indexRemoveFlags{}, cmdline.Usage(errors.New("rm: no ID given"))
	}
	return indexRemoveFlags{Index: dsn, IDs: c.Args().Slice()}, nil
}

// indexRemove removes f's ids from the index, naming on stderr (a bad
// input) each id it does not hold (compare index rm).
func (e *env) indexRemove(ctx context.Context, f *indexRemoveFlags) error {
	st, err := index.Open(ctx, f.Index, false)
	if err != nil {
		return err
	}
	defer st.Close()
	missing, err := index.Remove(ctx, st, f.IDs)
	if err != nil {
		return err
	}
	for _, id := range missing {
		e.bad++
		fmt.Fprintf(e.stderr, "compare: %s: not in the index\n", escapeControls(id))
	}
	return nil
}

// indexClusters groups what the index dsn holds (compare clusters
// --index).
func (e *env) indexClusters(ctx context.Context, dsn string, level cluster.Level) ([]output.Member, error) {
	st, err := index.Open(ctx, dsn, true)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	g, err := index.LoadGraph(ctx, st, time.Time{})
	if err != nil {
		return nil, err
	}
	groups := cluster.Groups(len(g.Articles), g.Pairs, level)
	members := make([]output.Member, len(groups))
	for i, gi := range groups {
		members[i] = output.Member{ID: g.Articles[i].ID, Cluster: g.Articles[gi].ID, Level: level.String()}
	}
	return members, nil
}
