package report

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"slices"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/compare"
	"github.com/copydesk/copydesk/internal/framing"
	"github.com/copydesk/copydesk/internal/output"
	"github.com/copydesk/copydesk/internal/par"
	"github.com/copydesk/copydesk/internal/pipeline"
	"github.com/copydesk/copydesk/internal/provenance"
)

// SchemaVersion is the version of report.json's layout; it changes when a
// field is renamed or removed, not when one is added.
const SchemaVersion = 1

// Report is everything the comparison report shows. report.json is this
// value as JSON; index.html renders it (see WriteReport). Build makes it.
type Report struct {
	Schema          int           `json:"schema"`
	Generator       string        `json:"generator"`        // "copydesk": article readers skip the file
	Articles        []ArticleInfo `json:"articles"`         // in input order
	Pairs           []output.Pair `json:"pairs"`            // story or stronger, strongest first, as `compare pairs`
	DuplicateGroups []Group       `json:"duplicate_groups"` // groups of two or more (duplicate and derived edges)
	// Wire is each outlet's share of wire copy, as compare provenance
	// --table outlets gives it; absent without SetProvenance.
	Wire []provenance.Outlet `json:"wire,omitempty"`
	// Chain is the --id article's chain back to its original (SetChain).
	Chain    []ChainStep `json:"chain,omitempty"`
	Clusters []Cluster   `json:"clusters"` // story clusters of two or more, largest first; the last field (writeJSON)

	// Limits of the HTML layout; zero means the default (InlineWords,
	// MaxDiffs, OverviewRows). Set by compare report's --inline-words,
	// --max-diffs and --overview-rows.
	InlineWords  int `json:"-"`
	MaxDiffs     int `json:"-"`
	OverviewRows int `json:"-"`
	// Workers lays out that many story clusters at once while the report
	// is written (0: one per core); the files are written in order.
	Workers int `json:"-"`
	// Planned, when set, is told how many pages WriteReport will write
	// beside index.html and report.json (pages of the overview's tables,
	// and of the story clusters: 0 when they are on index.html), once it
	// has counted them and before the first file.
	Planned func(PagePlan) `json:"-"`
	// Written, when set, is told after each file WriteReport writes how
	// many it has written of how many.
	Written func(done, total int) `json:"-"`

	res   *pipeline.Result
	prov  *provenance.Result // who took from whom (SetProvenance); nil: not shown
	names []framing.Referent // table of names (framing.Build); nil: the default
	// A Report from BuildStreamed holds of each story cluster its ID and
	// Members only: groups are their article indexes, cores the length
	// of each one's Core once report.json has counted them.
	groups [][]int
	cores  []int
	lazy   bool
	index  map[string]int // article id → index
	rel    []cluster.Pair // verified pairs by index, strongest first
	pairs  map[[2]int]*cluster.Pair
}

// ArticleInfo is one article of the report.
type ArticleInfo struct {
	ID             string   `json:"id"`
	Label          string   `json:"label"` // outlet, else the file name
	Outlet         string   `json:"outlet,omitempty"`
	Title          string   `json:"title,omitempty"`
	Byline         string   `json:"byline,omitempty"`
	Dateline       string   `json:"dateline,omitempty"`
	Credits        []string `json:"credits,omitempty"`
	URL            string   `json:"url,omitempty"`
	Published      string   `json:"published,omitempty"`
	Words          int      `json:"words"`
	DuplicateGroup string   `json:"duplicate_group"` // id of the group's first article (its own id when alone)
	StoryCluster   string   `json:"story_cluster"`   // id of the cluster's first article (its own id when alone)
}

// Group is a duplicate group: its id (its first article's) and members.
type Group struct {
	ID      string   `json:"id"`
	Members []string `json:"members"`
}

// Cluster is the N-way view of one story cluster (internal/compare).
type Cluster struct {
	ID      string   `json:"id"`
	Members []string `json:"members"` // in input order
	// The view of the members (compare.BuildStory): the first
	// compare.MaxMembers compared, their shared core, each one's additions
	// and omissions, and the framing.
	compare.Story
}

// The parts of a cluster's view, as compare.BuildStory builds them.
type (
	Piece    = compare.StoryPiece
	Carrier  = compare.StoryCarrier
	Sentence = compare.StorySentence
	Outlet   = compare.StoryOutlet
	LeftOut  = compare.StoryLeftOut
)

// Build gathers the report of a finished run, which must have been made
// with pipeline.Options.Story so that story clusters exist. It compares the
// members of every story cluster (internal/compare); ctx stops it early.
func Build(ctx context.Context, res *pipeline.Result) (*Report, error) {
	return BuildNames(ctx, res, nil)
}

// BuildNames is Build with the table of names for the framing section
// (compare report --names FILE); nil is framing.Referents.
func BuildNames(ctx context.Context, res *pipeline.Result, names []framing.Referent) (*Report, error) {
	r := newReport(res, names)
	if err := r.buildClusters(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

// BuildStreamed is BuildNames for a report too large to hold: it compares
// no cluster's members, and each story cluster in Clusters has its ID and
// Members only. WriteReport then compares each cluster's members when it
// writes report.json and again for the cluster's page, holding one
// cluster's view at a time, and gives the same files as from BuildNames.
func BuildStreamed(ctx context.Context, res *pipeline.Result, names []framing.Referent) (*Report, error) {
	r := newReport(res, names)
	r.lazy = true
	for _, g := range r.groups {
		r.Clusters = append(r.Clusters, Cluster{ID: res.Articles[g[0]].ID, Members: r.ids(g)})
	}
	return r, ctx.Err()
}

// buildClusters compares the members of every story cluster, for a
// Report of BuildNames or one of BuildStreamed that is to be held whole.
func (r *Report) buildClusters(ctx context.Context) error {
	r.Clusters, r.lazy, r.cores = []Cluster{}, false, nil
	for _, g := range r.groups {
		c, err := r.cluster(ctx, g)
		if err != nil {
			return err
		}
		r.Clusters = append(r.Clusters, c)
	}
	return nil
}

// newReport gathers the report of a run but for its story clusters' views.
func newReport(res *pipeline.Result, names []framing.Referent) *Report {
	r := &Report{names: names, Schema: SchemaVersion, Generator: article.GeneratorMark, res: res, index: make(map[string]int), pairs: make(map[[2]int]*cluster.Pair)}
	dup := res.Groups(cluster.Copy)
	story := res.Groups(cluster.StoryLvl)
	for i := range res.Articles {
		a := &res.Articles[i]
		r.index[a.ID] = i
		r.Articles = append(r.Articles, ArticleInfo{
			ID: a.ID, Label: a.Label(), Outlet: a.Outlet, Title: a.Title, Byline: a.Byline,
			Dateline: a.Dateline, Credits: a.Credits, URL: a.URL, Published: a.Published,
			Words:          res.Words(i),
			DuplicateGroup: res.Articles[dup[i]].ID,
			StoryCluster:   res.Articles[story[i]].ID,
		})
	}
	r.rel = shownPairs(res.Pairs, story, len(res.Articles) <= MaxHeatmap)
	slices.SortFunc(r.rel, cluster.ComparePairs)
	for k := range r.rel {
		p := &r.rel[k]
		r.pairs[[2]int{p.I, p.J}] = p
		if p.Relation >= cluster.Story {
			r.Pairs = append(r.Pairs, output.Pair{
				A: res.Articles[p.I].ID, B: res.Articles[p.J].ID, Relation: p.Relation.String(),
				AInB: output.Round3(p.AInB), BInA: output.Round3(p.BInA), Similarity: output.Round3(p.Similarity),
				SharedPassages: p.Passages, SharedQuotes: p.Quotes,
				Source: sourceID(res, p), SourceShare: output.Round3(p.Share), SourceReworded: output.Round3(p.Reworded),
			})
		}
	}
	if r.Pairs == nil {
		r.Pairs = []output.Pair{}
	}
	for _, g := range groupsOf(dup) {
		r.DuplicateGroups = append(r.DuplicateGroups, Group{ID: res.Articles[g[0]].ID, Members: r.ids(g)})
	}
	if r.DuplicateGroups == nil {
		r.DuplicateGroups = []Group{}
	}
	r.groups = groupsOf(story)
	r.Clusters = []Cluster{}
	return r
}

// clusterAt returns story cluster k's view: held, or, in a Report of
// BuildStreamed, built again.
func (r *Report) clusterAt(ctx context.Context, k int) (*Cluster, error) {
	if !r.lazy {
		return &r.Clusters[k], nil
	}
	c, err := r.cluster(ctx, r.groups[k])
	return &c, err
}

// workers is how many story clusters are laid out at once.
func (r *Report) workers() int {
	if r.Workers > 0 {
		return r.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// coreCount is the number of pieces in story cluster k's core.
func (r *Report) coreCount(k int) int {
	if r.lazy {
		return r.cores[k]
	}
	return len(r.Clusters[k].Core)
}

// shownPairs is a copy of the verified pairs the report can show: those
// of story or stronger, and the others of two members of one story
// cluster (its diffs and heatmap); with all, every pair (the overview's
// heatmap). A large corpus has tens of unrelated candidates an article,
// none of which the report shows.
func shownPairs(pairs []cluster.Pair, story []int, all bool) []cluster.Pair {
	if all {
		return slices.Clone(pairs)
	}
	var out []cluster.Pair
	for _, p := range pairs {
		if p.Relation >= cluster.Story || story[p.I] == story[p.J] {
			out = append(out, p)
		}
	}
	return out
}

// groupsOf turns group labels into the groups of two or more, largest
// first, then by first member.
func groupsOf(labels []int) [][]int {
	byLabel := make(map[int][]int)
	for i, l := range labels {
		byLabel[l] = append(byLabel[l], i)
	}
	var out [][]int
	for _, g := range byLabel {
		if len(g) >= 2 {
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(a, b []int) int { return cmp.Or(cmp.Compare(len(b), len(a)), cmp.Compare(a[0], b[0])) })
	return out
}

// sourceID is the id of a pair's source article, "" when it has none.
func sourceID(res *pipeline.Result, p *cluster.Pair) string {
	if p.Source < 0 || p.Source >= len(res.Articles) {
		return ""
	}
	return res.Articles[p.Source].ID
}

func (r *Report) ids(members []int) []string {
	out := make([]string, len(members))
	for k, m := range members {
		out[k] = r.res.Articles[m].ID
	}
	return out
}

// pair returns the verified pair of articles i and j, or nil.
func (r *Report) pair(i, j int) *cluster.Pair {
	return r.pairs[[2]int{min(i, j), max(i, j)}]
}

func (r *Report) cluster(ctx context.Context, members []int) (Cluster, error) {
	ms := make([]compare.StoryMember, min(len(members), compare.MaxMembers))
	for k := range ms {
		a := &r.res.Articles[members[k]]
		ms[k] = compare.StoryMember{Doc: r.res.Doc(members[k]), ID: a.ID, Label: a.Label()}
	}
	story, err := compare.BuildStory(ctx, ms, r.names)
	if err != nil {
		return Cluster{}, err
	}
	return Cluster{ID: r.res.Articles[members[0]].ID, Members: r.ids(members), Story: story}, nil
}

// WriteJSON writes the report as report.json: indented, scores rounded to
// three decimals, HTML characters unescaped.
func WriteJSON(w io.Writer, r *Report) error {
	return r.writeJSON(context.Background(), w)
}

// writeJSON is WriteJSON stopped by ctx. A Report of BuildStreamed is
// written a story cluster at a time, each cluster's view built, written
// and dropped, its core counted (coreCount); the bytes are those of the
// whole Report encoded at once.
func (r *Report) writeJSON(ctx context.Context, w io.Writer) error {
	bw := bufio.NewWriter(w)
	if !r.lazy || len(r.groups) == 0 {
		if err := jsonEncoder(bw, "").Encode(r); err != nil {
			return fmt.Errorf("report.json: %w", err)
		}
		return bw.Flush()
	}
	// Everything but the clusters, then each cluster as an element of the
	// last field's array, indented two levels down.
	head := *r
	head.Clusters = []Cluster{}
	var buf bytes.Buffer
	if err := jsonEncoder(&buf, "").Encode(&head); err != nil {
		return fmt.Errorf("report.json: %w", err)
	}
	const empty = "[]\n}\n"
	b, ok := bytes.CutSuffix(buf.Bytes(), []byte(empty))
	if !ok {
		return fmt.Errorf("report.json: the clusters are not the last field")
	}
	bw.Write(b)
	bw.WriteString("[")
	r.cores = make([]int, len(r.groups))
	enc := jsonEncoder(&buf, "  ")
	ahead := par.NewAhead(ctx, len(r.groups), r.workers(), 2*r.workers(), r.clusterAt)
	defer ahead.Stop()
	for k := range r.groups {
		c, err := ahead.Next()
		if err != nil {
			return err
		}
		r.cores[k] = len(c.Core)
		buf.Reset()
		if err := enc.Encode(c); err != nil {
			return fmt.Errorf("report.json: %w", err)
		}
		if k > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n  ")
		bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	}
	bw.WriteString("\n ]\n}\n")
	return bw.Flush()
}

// jsonEncoder is report.json's encoder: one space an indent, after prefix
// on every line but the first; HTML characters unescaped.
func jsonEncoder(w io.Writer, prefix string) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, " ")
	return enc
}
