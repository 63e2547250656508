package batch

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/candidate"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/output"
	"github.com/copydesk/copydesk/internal/pipeline"
	"github.com/copydesk/copydesk/internal/synth"
)

func TestMain(m *testing.M) {
	beam.Init()
	os.Exit(m.Run())
}

// oneMachine is what `compare pairs --format jsonl --min-relation minRel`
// and `compare clusters --format jsonl --level level` write for files, as
// sorted lines: the same reading, pipeline.Run, filter and writers.
func oneMachine(t *testing.T, files []string, level cluster.Level, minRel cluster.Relation, window candidate.Window) (pairs, clusters []string) {
	t.Helper()
	ctx := context.Background()
	r := article.Reader{Bad: func(error) {}}
	arts, err := r.Load(ctx, files)
	if err != nil {
		t.Fatal(err)
	}
	res, err := pipeline.Run(ctx, arts, pipeline.Options{Story: minRel <= cluster.Story, Window: window})
	if err != nil {
		t.Fatal(err)
	}
	var rows []output.Pair
	for _, p := range res.Pairs {
		if p.Relation < minRel || p.Relation == cluster.Unrelated && minRel > cluster.Unrelated {
			continue
		}
		rows = append(rows, output.PairRow(arts[p.I].ID, arts[p.J].ID, &p))
	}
	var buf bytes.Buffer
	if err := output.WritePairs(&buf, output.JSONL, rows); err != nil {
		t.Fatal(err)
	}
	pairs = sortedLines(buf.String())

	res, err = pipeline.Run(ctx, arts, pipeline.Options{Story: level == cluster.StoryLvl, Window: window})
	if err != nil {
		t.Fatal(err)
	}
	name := map[cluster.Level]string{cluster.Copy: "copy", cluster.StoryLvl: "story"}[level]
	members := make([]output.Member, len(arts))
	for i, g := range res.Groups(level) {
		members[i] = output.Member{ID: arts[i].ID, Cluster: arts[g].ID, Level: name}
	}
	buf.Reset()
	if err := output.WriteClusters(&buf, output.JSONL, members); err != nil {
		t.Fatal(err)
	}
	return pairs, sortedLines(buf.String())
}

// onBeam runs Build on Prism and returns the sorted lines of its pairs and
// clusters shards and its counters.
func onBeam(t *testing.T, files []string, level cluster.Level, minRel cluster.Relation, window candidate.Window) (pairs, clusters []string, counts map[string]int64) {
	t.Helper()
	out := t.TempDir()
	p, s := beam.NewPipelineWithRoot()
	if err := Build(s, Options{Files: files, Output: out, Level: level, MinRelation: minRel, Shards: 3, Window: window}); err != nil {
		t.Fatal(err)
	}
	res, err := prism.Execute(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	counts = make(map[string]int64)
	for _, c := range res.Metrics().AllMetrics().Counters() {
		if c.Key.Namespace == Namespace {
			counts[c.Key.Name] += c.Result()
		}
	}
	for _, kind := range []string{"pairs", "clusters"} {
		var all []string
		for i := range 3 {
			data, err := os.ReadFile(ShardName(out, kind, i, 3))
			if err != nil {
				t.Fatal(err) // every shard is written, empty ones too
			}
			all = append(all, sortedLines(string(data))...)
		}
		slices.Sort(all)
		if kind == "pairs" {
			pairs = all
		} else {
			clusters = all
		}
	}
	return pairs, clusters, counts
}

func sortedLines(s string) []string {
	var out []string
	for l := range strings.Lines(s) {
		if l = strings.TrimSuffix(l, "\n"); l != "" {
			out = append(out, l)
		}
	}
	slices.Sort(out)
	return out
}

func same(t *testing.T, what string, beam, one []string) {
	t.Helper()
	if slices.Equal(beam, one) {
		return
	}
	t.Errorf("%s: Beam wrote %d lines, compare %d", what, len(beam), len(one))
	for _, l := range beam {
		if _, ok := slices.BinarySearch(one, l); !ok {
			t.Errorf("  only Beam:   %s", l)
		}
	}
	for _, l := range one {
		if _, ok := slices.BinarySearch(beam, l); !ok {
			t.Errorf("  only compare: %s", l)
		}
	}
}

// seedsAndCrafted returns the seeds and crafted cases as JSONL lines.
func seedsAndCrafted(t *testing.T) []string {
	t.Helper()
	var paths []string
	for _, dir := range []string{"../../../testdata/seeds", "../../../testdata/crafted"} {
		m, err := filepath.Glob(filepath.Join(dir, "*.txt"))
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, m...)
	}
	var lines []string
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(map[string]string{"id": filepath.Base(p), "text": string(data)})
		lines = append(lines, string(b))
	}
	return lines
}

func writeInput(t *testing.T, path string, lines []string) {
	t.Helper()
	data := []byte(strings.Join(lines, "\n") + "\n")
	if strings.HasSuffix(path, ".gz") {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(data)
		zw.Close()
		data = buf.Bytes()
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSameAsCompare: the synthetic corpus (600 articles, so the story route
// goes through its term index) in one file, the seeds and crafted cases in
// a gzipped second one, with malformed lines and a repeated id: Beam on
// Prism writes the same pairs and clusters as compare, at both levels.
func TestSameAsCompare(t *testing.T) {
	dir := t.TempDir()
	var corpus, truth bytes.Buffer
	if err := synth.Write(context.Background(), 600, 11, &corpus, &truth); err != nil {
		t.Fatal(err)
	}
	a := sortedLinesKeepOrder(corpus.String())
	a = slices.Insert(a, 100, `{"id": "broken", "text": 5}`, `{not json`)
	b := append(seedsAndCrafted(t), a[0]) // a repeated id
	files := []string{filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl.gz")}
	writeInput(t, files[0], a)
	writeInput(t, files[1], b)

	for _, c := range []struct {
		level  cluster.Level
		minRel cluster.Relation
		window candidate.Window
	}{
		{cluster.StoryLvl, cluster.Story, candidate.Window{}},
		{cluster.Copy, cluster.Derived, candidate.Window{}},
		{cluster.StoryLvl, cluster.Story, candidate.Window{Span: 6 * time.Hour}},
	} {
		t.Run(fmt.Sprintf("level=%d,min=%s,window=%s", c.level, c.minRel, c.window), func(t *testing.T) {
			bp, bc, counts := onBeam(t, files, c.level, c.minRel, c.window)
			op, oc := oneMachine(t, files, c.level, c.minRel, c.window)
			same(t, "pairs", bp, op)
			same(t, "clusters", bc, oc)
			if len(op) == 0 || len(oc) != 600+len(seedsAndCrafted(t)) {
				t.Errorf("compare found %d pairs, %d cluster lines: the corpus tests nothing", len(op), len(oc))
			}
			if counts[CBadLines] != 2 || counts[CDuplicateIDs] != 1 {
				t.Errorf("bad lines %d, duplicate ids %d; want 2 and 1", counts[CBadLines], counts[CDuplicateIDs])
			}
			if c.window.IsZero() != (counts[CWindowed] == 0) {
				t.Errorf("%d story pairs dropped outside the window", counts[CWindowed])
			}
			if counts[CArticles] != int64(600+len(b)) || counts[CCandidates] == 0 || counts[CVerified]+counts[CWindowed] != counts[CCandidates] || counts[CUnconverged] != 0 {
				t.Errorf("counters %v", counts)
			}
		})
	}
}

func sortedLinesKeepOrder(s string) []string {
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// TestSmallCorpus: twelve articles, so the story route compares all pairs;
// and under a window of two articles, the pairs of those at most two
// apart in input order.
func TestSmallCorpus(t *testing.T) {
	path := filepath.Join(t.TempDir(), "small.jsonl")
	writeInput(t, path, seedsAndCrafted(t))
	var whole []string
	for _, w := range []candidate.Window{{}, {Articles: 2}} {
		bp, bc, _ := onBeam(t, []string{path}, cluster.StoryLvl, cluster.Story, w)
		op, oc := oneMachine(t, []string{path}, cluster.StoryLvl, cluster.Story, w)
		same(t, "pairs", bp, op)
		same(t, "clusters", bc, oc)
		if !slices.ContainsFunc(op, func(l string) bool { return strings.Contains(l, `"relation":"story"`) }) {
			t.Errorf("window %v: no story pair among the seeds", w)
		}
		if w.IsZero() {
			whole = op
		} else if len(op) >= len(whole) {
			t.Errorf("a window of 2 articles kept %d pairs of %d", len(op), len(whole))
		}
	}
}

// TestSkew: one story copied 230 times (more than candidate.MaxBucket) and
// a boilerplate paragraph in every article: the oversized buckets are
// cut to their first members and counted, and the results are still compare's.
func TestSkew(t *testing.T) {
	var corpus, truth bytes.Buffer
	if err := synth.Write(context.Background(), 60, 5, &corpus, &truth); err != nil {
		t.Fatal(err)
	}
	boiler := " This article is published under the terms of our syndication agreement and may not be reproduced, rewritten or redistributed in any form without the written consent of the copyright holder and its partners."
	var lines []string
	var first synth.Article
	for i, l := range sortedLinesKeepOrder(corpus.String()) {
		var a synth.Article
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = a
		}
		a.Text += "\n\n" + boiler
		b, _ := json.Marshal(a)
		lines = append(lines, string(b))
	}
	for i := range 230 {
		c := first
		c.ID = fmt.Sprintf("copy-%03d", i)
		c.Text += "\n\n" + boiler
		b, _ := json.Marshal(c)
		lines = append(lines, string(b))
	}
	path := filepath.Join(t.TempDir(), "skew.jsonl")
	writeInput(t, path, lines)
	bp, bc, counts := onBeam(t, []string{path}, cluster.Copy, cluster.Derived, candidate.Window{})
	op, oc := oneMachine(t, []string{path}, cluster.Copy, cluster.Derived, candidate.Window{})
	same(t, "pairs", bp, op)
	same(t, "clusters", bc, oc)
	if counts[CCappedLSH] == 0 || counts[CCappedAnchors] == 0 {
		t.Errorf("no capped buckets counted: %v", counts)
	}
	// Expanded whole, the boilerplate's buckets would pair all 290
	// articles (41,905 pairs). Capped, they give at most every pair of
	// their first members (candidate.BucketPairs), the star of the copies,
	// and every pair of the 60 stories' articles.
	capped := func(m int) int { return m * (m - 1) / 2 }
	if n, limit := counts[CCandidates], capped(candidate.MaxBucket)+capped(candidate.MaxAnchorBucket)+capped(60)+len(lines); n > int64(limit) {
		t.Errorf("%d candidates, more than %d: oversized buckets were expanded", n, limit)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
