package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/cmdline"
	"github.com/copydesk/copydesk/internal/eval"
	"github.com/copydesk/copydesk/internal/output"
	"github.com/copydesk/copydesk/internal/pipeline"
	"github.com/copydesk/copydesk/internal/provenance"
)

func evalCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "eval",
		Usage:     "measure accuracy on labelled data: story clusters (--gold) or relations (--pairs, --synth)",
		ArgsUsage: "PATH...",
		Description: `--gold FIELD[,FIELD...] clusters the articles into stories and scores the
clusters against each article's FIELD in the JSONL input (or in --labels FILE):
Adjusted Rand Index, B-cubed and pairwise precision/recall/F1, clusters found
against gold.

--pairs FILE scores the relation of each labelled pair ({"a","b","relation"}
a line) against copydesk's: per-class precision/recall/F1, macro-F1, and a
confusion matrix (gold rows, predicted columns). A pair copydesk does not list
is unrelated. Labels are copydesk's relations, or METER's wholly / partially /
non (derived), onto which duplicate+derived, partial and story+unrelated map.

--meter DIR scores the relations on the METER corpus (Press Association copy
and the newspaper articles built from it, labelled wholly / partially / non
derived; research licence, not shipped: DIR is a clone of a repository that
holds it under t/meter-corpus/). Each newspaper article is paired with its
story's PA copy; scores are given for both domains together and for each, in
METER's three classes and as derived / non derived, with the share of copy
pairs whose source is the PA copy.

--synth builds the calibration set from the articles given (cut, spliced,
trimmed and rewritten copies, by a generator seeded with --seed) and scores the
relations on it, as relations and as METER classes; --synth-out DIR also writes
the set (articles.jsonl, pairs.jsonl).`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "gold", Usage: "score story clusters against this JSONL `FIELD` (comma-separated for several)"},
			&cli.StringFlag{Name: "labels", Usage: "read the --gold labels from this JSONL `FILE` instead of the inputs"},
			&cli.StringFlag{Name: "pairs", Usage: "score relations against the labelled pairs in this JSONL `FILE`"},
			&cli.StringFlag{Name: "meter", Usage: "score relations on the METER corpus in `DIR` (a clone of a repository holding it under t/meter-corpus/)"},
			&cli.BoolFlag{Name: "fit", Usage: "with --meter: also print the derivation model fitted on every labelled pair (the weights of cluster.Fitted)"},
			&cli.BoolFlag{Name: "synth", Usage: "score relations on the calibration set built from the inputs"},
			&cli.Int64Flag{Name: "seed", Value: 1, Usage: "seed of the calibration set generator"},
			&cli.StringFlag{Name: "synth-story", Value: "subtopic", Usage: "JSONL `FIELD` naming each input's story, for the calibration set's story and unrelated pairs"},
			&cli.StringFlag{Name: "synth-out", Usage: "also write the calibration set to `DIR`"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "output format: text or json"},
			outputFlag(),
			windowFlag(),
		}, inputFlags()...),
		Action: func(c *cli.Context) error {
			f, err := parseEvalFlags(c)
			if err != nil {
				return err
			}
			if f.Meter != "" {
				out, err := e.evalMeter(c.Context, &f)
				if err != nil {
					return err
				}
				return e.writeOutput(f.Output, func(w io.Writer) error { return out.write(w, f.Format) })
			}
			arts, err := e.loadInputs(c.Context, &f.inputs)
			if err != nil {
				return err
			}
			var out evalOutput
			if len(f.Gold) > 0 {
				if out.Clusters, err = e.evalClusters(c.Context, &f, arts); err != nil {
					return err
				}
			}
			if f.Pairs != "" {
				rel, err := e.evalPairs(c.Context, &f, arts)
				if err != nil {
					return err
				}
				out.Relations = append(out.Relations, rel)
			}
			if f.Synth {
				rel, err := e.evalSynth(c.Context, &f, arts)
				if err != nil {
					return err
				}
				out.Relations = append(out.Relations, rel...)
			}
			return e.writeOutput(f.Output, func(w io.Writer) error { return out.write(w, f.Format) })
		},
	}
}

// evalFlags are compare eval's flags.
type evalFlags struct {
	inputs
	Format     string   // --format: text or json
	Output     string   // --output ("" or - is standard output)
	Gold       []string // --gold, split at commas; nil for none
	Labels     string   // --labels FILE, "" to read the inputs
	Pairs      string   // --pairs FILE, "" for none
	Meter      string   // --meter DIR, "" for none
	Fit        bool     // --fit (with --meter)
	Synth      bool     // --synth
	Seed       int64    // --seed of the calibration set
	SynthStory string   // --synth-story FIELD
	SynthOut   string   // --synth-out DIR, "" for none
}

// parseEvalFlags reads compare eval's flags, refusing (a usage error), in
// this order, a --format other than text or json; then, unless --meter
// (which reads no PATH: --max-size and --workers go unchecked), nothing
// to score, then the input group's errors (inputs.check).
func parseEvalFlags(c *cli.Context) (evalFlags, error) {
	f := evalFlags{inputs: readInputs(c), Format: c.String("format"), Output: c.String("output"),
		Labels: c.String("labels"), Pairs: c.String("pairs"), Meter: c.String("meter"), Fit: c.Bool("fit"),
		Synth: c.Bool("synth"), Seed: c.Int64("seed"), SynthStory: c.String("synth-story"), SynthOut: c.String("synth-out")}
	if g := c.String("gold"); g != "" {
		f.Gold = strings.Split(g, ",")
	}
	if f.Format != "text" && f.Format != "json" {
		return evalFlags{}, cmdline.Usage(fmt.Errorf("--format: %q is not text or json", f.Format))
	}
	if f.Meter != "" {
		return f, nil
	}
	if len(f.Gold) == 0 && f.Pairs == "" && !f.Synth {
		return evalFlags{}, cmdline.Usage(errors.New("eval: say what to score: --gold FIELD, --pairs FILE, --synth or --meter DIR"))
	}
	if err := f.check(); err != nil {
		return evalFlags{}, err
	}
	return f, nil
}

// evalPairs scores the relations found in arts against the labelled
// pairs of --pairs.
func (e *env) evalPairs(ctx context.Context, f *evalFlags, arts []article.Article) (namedRelations, error) {
	res, err := pipeline.Run(ctx, arts, e.options(&f.inputs, true))
	if err != nil {
		return namedRelations{}, err
	}
	gold, err := e.readPairs(f.Pairs)
	if err != nil {
		return namedRelations{}, err
	}
	s, err := eval.Relations(gold, predicted(res))
	if err != nil {
		return namedRelations{}, fmt.Errorf("%s: %w", f.Pairs, err)
	}
	return namedRelations{Name: f.Pairs, RelationScores: s}, nil
}

// evalOutput is everything eval measured.
type evalOutput struct {
	Clusters  []namedClusters  `json:"clusters,omitempty"`
	Relations []namedRelations `json:"relations,omitempty"`
	Source    *sourceScore     `json:"source,omitempty"`
	// Measured is, with --meter, how often the derived side of a derived
	// pair, measured directly, is the newspaper article.
	Measured *sourceScore `json:"measured_source,omitempty"`
	// Provenance is, with --meter, how often compare provenance's links
	// between a PA copy and a newspaper article name the PA copy, and by
	// which evidence.
	Provenance *provenanceScore `json:"provenance,omitempty"`
	// Fitted is the derivation model fitted on every METER pair (--fit),
	// as Go source for cluster.Fitted.
	Fitted string `json:"fitted,omitempty"`
}

type namedClusters struct {
	Gold    string `json:"gold"`
	Missing int    `json:"missing"` // articles without a gold label, left out
	eval.ClusterScores
}

type namedRelations struct {
	Name string `json:"name"`
	eval.RelationScores
}

// evalClusters scores the story clusters of arts against each --gold
// field.
func (e *env) evalClusters(ctx context.Context, f *evalFlags, arts []article.Article) ([]namedClusters, error) {
	res, err := pipeline.Run(ctx, arts, e.options(&f.inputs, true))
	if err != nil {
		return nil, err
	}
	e.warnWindow(&f.inputs, res.Stats)
	groups := res.Groups(cluster.StoryLvl)
	var out []namedClusters
	for _, field := range f.Gold {
		labels, err := e.readLabels(f, field)
		if err != nil {
			return nil, err
		}
		var pred []int
		var gold []string
		missing := 0
		for i, a := range arts {
			l, ok := labels[a.ID]
			if !ok {
				missing++
				continue
			}
			pred = append(pred, groups[i])
			gold = append(gold, l)
		}
		if missing > 0 {
			fmt.Fprintf(e.stderr, "compare: eval: %d of %d articles have no %q label and are left out\n", missing, len(arts), field)
		}
		out = append(out, namedClusters{Gold: field, Missing: missing, ClusterScores: eval.Clustering(pred, gold)})
	}
	return out, nil
}

// readLabels reads field from --labels, else from every JSONL input.
func (e *env) readLabels(f *evalFlags, field string) (map[string]string, error) {
	files := f.Paths
	if f.Labels != "" {
		files = []string{f.Labels}
	}
	labels := make(map[string]string)
	for _, path := range files {
		if f.Labels == "" && !strings.HasSuffix(path, ".jsonl") && !strings.HasSuffix(path, ".ndjson") {
			continue
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		m, err := eval.ReadLabels(f, path, field, e.badLine)
		f.Close()
		if err != nil {
			return nil, err
		}
		for k, v := range m {
			labels[k] = v
		}
	}
	if len(labels) == 0 {
		return nil, cmdline.Usage(fmt.Errorf("--gold %s: no labels found (give JSONL inputs with that field, or --labels FILE)", field))
	}
	return labels, nil
}

func (e *env) readPairs(path string) ([]eval.GoldPair, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gold, err := eval.ReadPairs(f, path, e.badLine)
	if err != nil {
		return nil, err
	}
	if len(gold) == 0 {
		return nil, cmdline.Usage(fmt.Errorf("--pairs %s: no pairs", path))
	}
	return gold, nil
}

// badLine reports one bad line of a gold file.
func (e *env) badLine(err error) {
	e.bad++
	fmt.Fprintf(e.stderr, "compare: %v\n", err)
}

// predicted maps each verified pair to its relation name.
func predicted(res *pipeline.Result) map[eval.Key]string {
	m := make(map[eval.Key]string, len(res.Pairs))
	for _, p := range res.Pairs {
		m[eval.KeyOf(res.Articles[p.I].ID, res.Articles[p.J].ID)] = p.Relation.String()
	}
	return m
}

// evalSynth scores the relations on the calibration set built from arts
// (--synth), as relations and as METER classes.
func (e *env) evalSynth(ctx context.Context, f *evalFlags, arts []article.Article) ([]namedRelations, error) {
	// Story labels, for the story and unrelated pairs, from the inputs'
	// --synth-story field when they have it.
	labels := map[string]string{}
	if f.SynthStory != "" {
		if l, err := e.readLabels(f, f.SynthStory); err == nil {
			labels = l
		}
	}
	sources := make([]eval.Source, len(arts))
	for i, a := range arts {
		sources[i] = eval.Source{Article: a, Story: labels[a.ID]}
	}
	set := eval.Synthesize(sources, f.Seed)
	if f.SynthOut != "" {
		if err := set.WriteDir(f.SynthOut); err != nil {
			return nil, err
		}
	}
	res, err := pipeline.Run(ctx, set.Articles, e.options(&f.inputs, true))
	if err != nil {
		return nil, err
	}
	pred := predicted(res)
	rel, err := eval.Relations(set.Pairs, pred)
	if err != nil {
		return nil, err
	}
	meter, err := eval.Relations(eval.AsDerivation(set.Pairs), pred)
	if err != nil {
		return nil, err
	}
	return []namedRelations{{Name: "calibration", RelationScores: rel}, {Name: "calibration (METER classes)", RelationScores: meter}}, nil
}

func (o *evalOutput) write(w io.Writer, format string) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(o)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, s := range o.Clusters {
		fmt.Fprintf(tw, "story clusters against %q (%s)\n", s.Gold, output.Plural(s.Items, "article"))
		fmt.Fprintf(tw, "  ARI\t%.3f\n", s.ARI)
		fmt.Fprintf(tw, "  B-cubed P / R / F1\t%.3f / %.3f / %.3f\n", s.BCubedP, s.BCubedR, s.BCubedF1)
		fmt.Fprintf(tw, "  pairwise P / R / F1\t%.3f / %.3f / %.3f\n", s.PairP, s.PairR, s.PairF1)
		fmt.Fprintf(tw, "  clusters found / gold\t%d / %d\n", s.Clusters, s.GoldClusters)
		fmt.Fprintf(tw, "  singletons found / gold\t%d / %d\n", s.Singletons, s.GoldSingleton)
	}
	for _, s := range o.Relations {
		fmt.Fprintf(tw, "relations against %s (%s)\n", s.Name, output.Plural(s.Pairs, "pair"))
		fmt.Fprintf(tw, "  class\tgold\tpredicted\tP\tR\tF1\n")
		for _, cs := range s.Classes {
			fmt.Fprintf(tw, "  %s\t%d\t%d\t%.3f\t%.3f\t%.3f\n", cs.Class, cs.Gold, cs.Predicted, cs.Precision, cs.Recall, cs.F1)
		}
		fmt.Fprintf(tw, "  macro-F1\t%.3f\n", s.MacroF1)
		fmt.Fprintf(tw, "  accuracy\t%.3f\n", s.Accuracy)
		fmt.Fprintf(tw, "  confusion (gold \\ predicted)")
		for _, cs := range s.Classes {
			fmt.Fprintf(tw, "\t%s", cs.Class)
		}
		fmt.Fprintln(tw)
		for i, row := range s.Confusion {
			fmt.Fprintf(tw, "  %s", s.Classes[i].Class)
			for _, n := range row {
				fmt.Fprintf(tw, "\t%d", n)
			}
			fmt.Fprintln(tw)
		}
	}
	if o.Source != nil {
		fmt.Fprintf(tw, "source named right\t%d of %d copy pairs (%.3f)\n", o.Source.Right, o.Source.Pairs, o.Source.Share)
	}
	if o.Measured != nil {
		fmt.Fprintf(tw, "derived side named right\t%d of %d derived pairs measured (%.3f)\n", o.Measured.Right, o.Measured.Pairs, o.Measured.Share)
	}
	if p := o.Provenance; p != nil {
		fmt.Fprintf(tw, "provenance: source named right\t%d of %d copy links (%.3f)", p.Right, p.Pairs, p.Share)
		for _, ev := range slices.Sorted(maps.Keys(p.ByEvidence)) {
			fmt.Fprintf(tw, "; %s %d", ev, p.ByEvidence[ev])
		}
		fmt.Fprintln(tw)
	}
	if o.Fitted != "" {
		tw.Flush()
		fmt.Fprintf(w, "derivation model fitted on every pair (cluster.Fitted):\n%s", o.Fitted)
	}
	return tw.Flush()
}

// evalMeter scores the relations on every labelled METER pair: as compare
// pairs finds them over the whole corpus (the shipped model, fitted on all
// of METER: in-sample), then each pair measured directly and classified by
// models fitted without it (held out: the other domain, and grouped
// cross-validation by story), each three-way and binary, and which side is
// named the source. f gives --meter DIR, --fit and --workers.
func (e *env) evalMeter(ctx context.Context, f *evalFlags) (*evalOutput, error) {
	set, err := eval.LoadMeter(f.Meter)
	if err != nil {
		return nil, err
	}
	if set.NoSource > 0 {
		fmt.Fprintf(e.stderr, "compare: eval: METER: %s without PA copy left out\n", output.Plural(set.NoSource, "labelled article"))
	}
	res, err := pipeline.Run(ctx, set.Articles, e.options(&f.inputs, true))
	if err != nil {
		return nil, err
	}
	out := &evalOutput{}
	pred := predicted(res)
	for _, domain := range []string{"", "courts", "showbiz"} {
		var gold []eval.GoldPair
		for _, p := range set.Pairs {
			if domain == "" || p.Domain == domain {
				gold = append(gold, p.GoldPair)
			}
		}
		name := "METER " + cmp.Or(domain, "courts+showbiz") + ", compare pairs (in-sample)"
		if err := out.addMeter(name, gold, pred); err != nil {
			return nil, err
		}
	}
	ex, err := eval.MeterExamples(ctx, set, res.Docs)
	if err != nil {
		return nil, err
	}
	splits, err := eval.HeldOut(ex)
	if err != nil {
		return nil, err
	}
	for _, s := range splits {
		if err := out.addMeter(s.Name+" (held out)", s.Gold, s.Pred); err != nil {
			return nil, err
		}
	}
	out.Source = meterSource(res)
	out.Measured = measuredSource(ex)
	out.Provenance = meterProvenance(res)
	if f.Fit {
		m, err := eval.FitMeter(ex)
		if err != nil {
			return nil, err
		}
		out.Fitted = eval.GoSource(m)
	}
	return out, nil
}

// addMeter scores predicted relations against METER gold pairs, three-way
// and binary.
func (o *evalOutput) addMeter(name string, gold []eval.GoldPair, pred map[eval.Key]string) error {
	s, err := eval.Relations(gold, pred)
	if err != nil {
		return err
	}
	o.Relations = append(o.Relations,
		namedRelations{Name: name, RelationScores: s},
		namedRelations{Name: name + " (derived / non)", RelationScores: eval.Binary(s)})
	return nil
}

// meterSource counts the copy pairs of a newspaper article and a PA copy
// whose source is the PA copy (the agency text is always the source).
func meterSource(res *pipeline.Result) *sourceScore {
	s := &sourceScore{}
	for _, p := range res.Pairs {
		if p.Relation < cluster.Partial || p.Source < 0 {
			continue
		}
		a, b := res.Articles[p.I].Outlet == "PA", res.Articles[p.J].Outlet == "PA"
		if a == b {
			continue
		}
		s.Pairs++
		if res.Articles[p.Source].Outlet == "PA" {
			s.Right++
		}
	}
	if s.Pairs > 0 {
		s.Share = float64(s.Right) / float64(s.Pairs)
	}
	return s
}

// provenanceScore is sourceScore for compare provenance's links, with the
// number of links each kind of evidence decided.
type provenanceScore struct {
	sourceScore
	ByEvidence map[provenance.Evidence]int `json:"by_evidence"`
}

// meterProvenance orients res's copy pairs as compare provenance does
// (time, credit, agency, chain, text) and counts the links between a PA
// copy and a newspaper article that name the PA copy as the source.
func meterProvenance(res *pipeline.Result) *provenanceScore {
	arts := make([]provenance.Article, len(res.Articles))
	for i := range res.Articles {
		arts[i] = provenance.FromArticle(&res.Articles[i])
	}
	s := &provenanceScore{ByEvidence: make(map[provenance.Evidence]int)}
	for _, l := range provenance.Build(arts, res.Pairs, provenance.Options{}).Links {
		src, cp := res.Articles[l.Source].Outlet == "PA", res.Articles[l.Copy].Outlet == "PA"
		if src == cp {
			continue
		}
		s.Pairs++
		s.ByEvidence[l.Evidence]++
		if src {
			s.Right++
		}
	}
	if s.Pairs > 0 {
		s.Share = float64(s.Right) / float64(s.Pairs)
	}
	return s
}

// measuredSource counts the derived METER pairs (wholly or partially),
// measured directly (cluster.Verify measures them), whose derived side is
// the newspaper article.
func measuredSource(ex []eval.Example) *sourceScore {
	s := &sourceScore{}
	for k := range ex {
		r := &ex[k].Result
		if ex[k].Class == 0 || r.A.Words == 0 {
			continue
		}
		if cluster.Derivation(r) == 1 { // B, the newspaper article
			s.Right++
		}
		s.Pairs++
	}
	if s.Pairs > 0 {
		s.Share = float64(s.Right) / float64(s.Pairs)
	}
	return s
}

// sourceScore is how often a copy pair names the right source.
type sourceScore struct {
	Pairs int     `json:"pairs"` // copy pairs with a known source
	Right int     `json:"right"` // of which the source is named right
	Share float64 `json:"share"`
}
