package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	"github.com/copydesk/copydesk/beam/internal/batch"
	"github.com/copydesk/copydesk/internal/candidate"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/cmdline"
)

// errBadInput: some lines were bad; each was counted and logged, the rest
// processed (exit 1).
var errBadInput = errors.New("some input lines were bad")

const usageHead = `Usage: compare-beam --input GLOB --output DIR [--level copy|story] [--min-relation R] [--window SPAN] [--runner prism|flink|spark|dataflow] [runner flags]

compare-beam runs copydesk's pipeline on Apache Beam and writes
DIR/pairs-SSSSS-of-NNNNN.jsonl and DIR/clusters-SSSSS-of-NNNNN.jsonl: together
the lines "compare pairs --format jsonl --min-relation R" and "compare clusters
--format jsonl --level L" write for the same files (sorted within each shard
as compare sorts them). GLOB names JSONL files (.jsonl, .ndjson, optionally
.gz) of one article per line, {"id", "text"} required; files are read in
sorted order, which is the order compare is given them in.

A malformed line is counted (counter bad-lines), logged with its file and line
and skipped. Exit status: 0 ok, 1 some lines were bad (the rest was processed)
or the run failed, 2 usage error, 130 interrupted (Ctrl-C).

Flags:
`

const runnerHelp = `
Runner flags (Apache Beam; the most used):
  --runner NAME            prism (default: in-process, offline), flink, spark, dataflow
  --endpoint HOST:PORT     job server of a portable runner (Flink, Spark); empty for prism
  --environment_type T     worker environment: LOOPBACK (this process; prism's default),
                           DOCKER (the default elsewhere), PROCESS or EXTERNAL
  --environment_config C   the container image (DOCKER) or command (PROCESS)
  --project, --region      Google Cloud project and region (dataflow)
  --temp_location URL      gs:// scratch space (dataflow)
  --staging_location URL   gs:// staging for the worker binary (dataflow)
  --worker_binary PATH     this binary cross-compiled for linux/amd64, when not already so
  --num_workers N, --max_num_workers N, --worker_machine_type T   (dataflow)
  --parallelism N          (flink)
  --job_name NAME

Every other flag of the Apache Beam SDK is accepted too; --help-beam lists them.
`

// run is the whole program: --help prints the usage on stdout and returns
// nil; a mistake in the command line is a cmdline usage error, which main
// prints on stderr (exit 2).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("compare-beam", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned and printed once, by main
	input := fs.String("input", "", "JSONL files to read: a glob (`GLOB`), local or gs://; .gz files are decompressed")
	output := fs.String("output", "", "directory (`DIR`, local or gs://) for pairs-*.jsonl and clusters-*.jsonl")
	level := fs.String("level", "story", "clusters to write: copy (duplicate groups) or story (story clusters)")
	minRel := fs.String("min-relation", "story", "weakest relation in the pairs output: duplicate, derived, partial, story or unrelated")
	shards := fs.Int("shards", 4, "output files of each kind")
	rounds := fs.Int("cc-rounds", batch.DefaultRounds, "large-star/small-star rounds for connected components; the run fails if they do not converge")
	maxSize := fs.String("max-size", "16MiB", "largest JSONL line; longer ones are reported and skipped")
	window := fs.String("window", "", "story route: pair only articles published within `SPAN` of each other (3d, 36h), or, given a number, within that many articles in input order (compare --window); default: the whole corpus")
	helpBeam := fs.Bool("help-beam", false, "list every Apache Beam SDK flag and exit")
	// Beam's own flags (runner, endpoint, project, ... and the worker
	// harness's) live in the flag package's default set; parse them here.
	flag.CommandLine.VisitAll(func(f *flag.Flag) {
		if fs.Lookup(f.Name) == nil {
			fs.Var(f.Value, f.Name, f.Usage)
		}
	})
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout, fs)
			return nil
		}
		return cmdline.Usagef("%s (see compare-beam --help)", cmdline.DashDash(err.Error()))
	}
	if *helpBeam {
		flag.CommandLine.VisitAll(func(f *flag.Flag) { printFlag(stdout, f) })
		return nil
	}
	beam.Init() // on a worker, runs the harness and does not return
	if fs.NArg() > 0 {
		return cmdline.Usagef("unexpected argument %q (inputs are given by --input)", fs.Arg(0))
	}
	if *input == "" || *output == "" {
		return cmdline.Usagef("--input and --output are required (see compare-beam --help)")
	}
	var opt batch.Options
	var err error
	if opt.Level, err = cluster.ParseLevel(*level); err != nil {
		return cmdline.Usagef("--level: %v", err)
	}
	r, err := cluster.ParseRelation(*minRel)
	if err != nil {
		return cmdline.Usagef("--min-relation: %v", err)
	}
	opt.MinRelation = r
	if *shards < 1 || *rounds < 1 {
		return cmdline.Usagef("--shards and --cc-rounds must be at least 1")
	}
	opt.Shards, opt.Rounds, opt.Output = *shards, *rounds, *output
	if opt.MaxBytes, err = cmdline.ParseSize(*maxSize); err != nil {
		return cmdline.Usagef("--max-size: %v", err)
	}
	if opt.Window, err = candidate.ParseWindow(*window); err != nil {
		return cmdline.Usagef("--window: %v", err)
	}
	opt.Files, err = batch.Glob(ctx, *input)
	if err != nil {
		return err
	}
	if len(opt.Files) == 0 {
		return cmdline.Usagef("--input: no file matches %q", *input)
	}
	if !strings.Contains(opt.Output, "://") {
		if err := os.MkdirAll(opt.Output, 0o755); err != nil {
			return err
		}
	}

	p, s := beam.NewPipelineWithRoot()
	if err := batch.Build(s, opt); err != nil {
		return err
	}
	start := time.Now()
	res, err := beamx.RunWithMetrics(ctx, p)
	if err != nil {
		return fmt.Errorf("pipeline: %w", err)
	}
	counts := counters(res)
	fmt.Fprintf(stderr, "compare-beam: %s in %.1fs\n", summary(counts), time.Since(start).Seconds())
	if counts[batch.CUnwindowed] > 0 {
		fmt.Fprintf(stderr, "compare-beam: --window %s: no article has a publication time, so it bounds nothing (a number of articles, --window 5000, bounds by input order)\n", *window)
	}
	if c := counts[batch.CUnconverged]; c > 0 {
		return fmt.Errorf("connected components did not converge in %d rounds (%d nodes left); run again with --cc-rounds %d", opt.Rounds, c, 2*opt.Rounds)
	}
	if counts[batch.CBadLines]+counts[batch.CDuplicateIDs] > 0 {
		return errBadInput
	}
	return nil
}

// counters sums the copydesk counters over steps.
func counters(res beam.PipelineResult) map[string]int64 {
	out := make(map[string]int64)
	if res == nil {
		return out
	}
	for _, c := range res.Metrics().AllMetrics().Counters() {
		if c.Key.Namespace == batch.Namespace {
			out[c.Key.Name] += c.Result()
		}
	}
	return out
}

func summary(counts map[string]int64) string {
	names := make([]string, 0, len(counts))
	for n := range counts {
		names = append(names, n)
	}
	slices.Sort(names)
	var parts []string
	for _, n := range names {
		parts = append(parts, fmt.Sprintf("%s=%d", n, counts[n]))
	}
	return strings.Join(parts, " ")
}

func printFlag(w io.Writer, f *flag.Flag) {
	name, usage := flag.UnquoteUsage(f)
	line := "  --" + f.Name
	if name != "" {
		line += " " + name
	}
	line += "\n    \t" + strings.ReplaceAll(usage, "\n", "\n    \t")
	if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
		line += fmt.Sprintf(" (default %s)", f.DefValue)
	}
	fmt.Fprintln(w, line)
}

// printUsage writes the help: what the command does, its own flags, then
// the runner flags most used.
func printUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, usageHead)
	fs.VisitAll(func(f *flag.Flag) {
		if flag.CommandLine.Lookup(f.Name) == nil {
			printFlag(w, f)
		}
	})
	fmt.Fprint(w, runnerHelp)
}
