package report

// # The HTML report
//
// WriteReport writes a report directory: index.html, report.json and, for
// large runs, one page per story cluster. Every page is one self-contained
// file: CSS and SVG inline, no script, no font, no image, and a
// Content-Security-Policy that forbids every request, so it opens offline
// from disk and prints.
//
// Pages are rendered with html/template from the templates embedded by
// package templates (templates/*.html, parsed once). The page data is a
// plain struct, Page, with one field per section; the "page" template lays
// the sections out, each by a named sub-template:
//
//	{{template "overview" .Overview}}   articles, groups, clusters, heatmap
//	{{template "cluster" .}}            for each of .Clusters: the N-way view
//	{{template "diff" .}}               a pairwise diff (inside "cluster")
//
// # Adding a section
//
// A new section (say, quotes by speaker) takes three steps and touches no
// existing template but the one line that places it:
//
//  1. Add a field to Page (a section of the whole run) or to ClusterView (a
//     section of each story cluster), holding plain values ready to show:
//     strings, numbers, slices of small structs. Compute them in the
//     section's own package and fill the field in buildPage or
//     buildCluster.
//  2. Write templates/<section>.html with {{define "<section>"}} … {{end}},
//     rendering that field only. Every *.html file of templates/ is parsed,
//     so the new file needs no registration. Article text goes in elements
//     with dir="auto"; reuse the CSS classes of report.css.
//  3. Place it: {{with .Quotes}}{{template "quotes" .}}{{end}} in "page"
//     (or in "cluster"), and mirror the field in Report/Cluster when it
//     belongs in report.json too.
//
// A template must stay display only: no sorting, no arithmetic beyond the
// formatting functions in funcs.

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/framing"
	"github.com/copydesk/copydesk/internal/output"
	"github.com/copydesk/copydesk/internal/par"
	"github.com/copydesk/copydesk/internal/provenance"
	"github.com/copydesk/copydesk/internal/quote"
	"github.com/copydesk/copydesk/internal/shingle"
	"github.com/copydesk/copydesk/templates"
)

// Layout limits, so that a report over thousands of articles still opens
// fast.
const (
	// MaxHeatmap is the most articles the overview's similarity matrix
	// shows (a 60×60 matrix is 3,600 cells, about 400 KB of SVG); above it,
	// each story cluster page draws its own matrix of up to MaxHeatmap
	// members.
	MaxHeatmap = 60
	// InlineWords: when the story clusters' articles hold at most this many
	// words in all, every cluster is shown on index.html; above, each
	// cluster gets its own page, linked from the index. 30,000 words (about
	// 50 articles) keep index.html under about 1.5 MB.
	InlineWords = 30000
	// MaxDiffs is the most pairwise diffs drawn per cluster (all pairs of
	// ten articles); other pairs are listed with the command that diffs
	// them.
	MaxDiffs = 45
	// MinSharedRun: a run of at least this many words both texts carry
	// gets a row of its own in a diff, set side by side.
	MinSharedRun = shingle.N
)

// Page is the data of one HTML page: one field per section, nil or empty
// when the page does not show it.
type Page struct {
	Title string
	CSS   template.CSS
	// Home links back to index.html from a cluster page; empty on the
	// index itself.
	Home string
	// Overview: the run's articles, duplicate groups, story clusters and
	// similarity matrix (index.html).
	Overview *Overview
	// Clusters shown in full on this page.
	Clusters []ClusterView
	// Diff is a page of one pairwise diff (compare diff --html).
	Diff *DiffView
	// Nav links shown under the title (compare serve's story pages).
	Nav []NavLink
	// Listing is a page of one of the overview's tables past the first
	// (listing.go).
	Listing *Listing
}

// NavLink is a link in a page's header.
type NavLink struct{ Href, Text string }

// Overview is the first section of index.html.
type Overview struct {
	Summary  string // "5 articles, 1 story cluster, …"
	Articles []ArticleRow
	Groups   []GroupRow // duplicate groups
	Clusters []ClusterRow
	Heatmap  *Heatmap // nil when there are more than MaxHeatmap articles
	Pairs    int      // related pairs (story or stronger)
	Omitted  int      // articles the matrix leaves out
	// Wire is each outlet's share of wire copy (templates/provenance.html);
	// nil without provenance.
	Wire []provenance.Outlet
	// Chain is the --id article's chain back to its original; nil but for
	// compare report --index DB --id ID.
	Chain []ChainStep

	// The tables' pagers, nil when a table has one page: index.html then
	// shows its first page (listing.go).
	ArticlePager, GroupPager, ClusterPager *Pager
}

// ArticleRow is one article in the overview's table.
type ArticleRow struct {
	N                     int // 1-based, the article's number in every table and matrix
	ID, Label, Title      string
	Byline, Date, Credits string
	URL                   string
	Words                 int
	Group, Cluster        *Ref // nil when alone
}

// Ref links to a group or cluster: its number and anchor (with the page
// when it has its own).
type Ref struct {
	N    int
	Href string
}

// GroupRow is one duplicate group.
type GroupRow struct {
	N       int
	Members []ArticleRef
}

// ClusterRow is one story cluster in the overview.
type ClusterRow struct {
	N       int
	Href    string
	Members []ArticleRef
	Core    int // pieces of shared content
}

// ArticleRef is an article as a cluster or table names it.
type ArticleRef struct {
	N            int
	Label, Title string
	ID           string
}

// ClusterView is the N-way view of one story cluster.
type ClusterView struct {
	N       int
	Anchor  string
	Members []ArticleRef
	// Compared is how many members the view compares; Members past it are
	// listed only.
	Compared int
	Heatmap  *Heatmap  // when the overview has none
	Timeline *Timeline // who published when and took from whom; nil without provenance
	Core     []PieceView
	Outlets  []OutletView
	Diffs    []DiffView
	// MoreDiffs are pairs of the cluster left without a drawn diff.
	MoreDiffs []PairRef
	// Framing: quotes, numbers, names and terms (templates/quotes.html).
	Framing *framing.View
}

// PieceView is one piece of the common core.
type PieceView struct {
	Outlets  int // how many carry it
	Carriers []CarrierView
}

// CarrierView is one outlet's words for a piece.
type CarrierView struct {
	ArticleRef
	Text  string
	Match string // verbatim, quote or reworded
	With  string // label of the article the link is to
	Score float64
}

// OutletView is one outlet's section: what it added and left out.
type OutletView struct {
	ArticleRef
	Words, CopyWords, QuoteWords int
	Churn                        float64
	Added                        []string
	LeftOut                      []LeftOutView
}

// LeftOutView is a piece the outlet does not carry.
type LeftOutView struct {
	Text      string
	Of        string       // label of the outlet whose words these are
	CarriedBy []ArticleRef // every outlet carrying it
}

// PairRef names a pair without a drawn diff.
type PairRef struct {
	A, B     ArticleRef
	Relation string
	Command  string
}

// DiffView is a side-by-side word diff of two articles.
type DiffView struct {
	A, B       ArticleRef
	Relation   string
	Similarity float64
	AInB, BInA float64
	// Taken says what the derived text of a copy pair takes from its
	// source; nil for other pairs.
	Taken *Taken
	Open  bool // shown unfolded
	Rows  []DiffRow
}

// Taken is what the derived text of a pair takes from its source: Share of
// its words, Verbatim of them in shared passages and Reworded in sentences
// reworded from the source's.
type Taken struct {
	Derived, Source           string // "A" or "B"
	Share, Verbatim, Reworded float64
}

// takenOf is the Taken of pair p of articles i (A) and j (B).
func takenOf(p *cluster.Pair, i, j int) *Taken {
	if p.Source != i && p.Source != j {
		return nil
	}
	t := &Taken{Derived: "B", Source: "A", Share: output.Round3(p.Share), Reworded: output.Round3(p.Reworded)}
	if p.Source == j {
		t.Derived, t.Source = "A", "B"
	}
	t.Verbatim = output.Round3(max(p.Share-p.Reworded, 0))
	return t
}

// DiffRow is one row of a diff: a stretch both texts carry (Shared), or
// the changes between two such stretches.
type DiffRow struct {
	Shared      bool
	Left, Right []Seg
}

// Seg is a piece of text in a diff cell: plain (Op ""), deleted from A
// ("del") or inserted in B ("ins").
type Seg struct {
	Op   string
	Text string
}

// funcs are the formatting functions templates may call.
var funcs = template.FuncMap{
	"pct":  pct,
	"num3": func(x float64) string { return fmt.Sprintf("%.3f", x) },
	"num2": func(x float64) string { return fmt.Sprintf("%.2f", x) },
	// quoted keeps a quotation's own marks («…», „…“), else “…”.
	"quoted":   quote.Quoted,
	"quotedAt": quote.QuotedAt,
}

// parsed holds the templates and the CSS, parsed once.
var parsed = sync.OnceValues(func() (*pageTemplates, error) {
	t, err := template.New("").Funcs(funcs).ParseFS(templates.FS, "*.html")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	css, err := templates.FS.ReadFile("report.css")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	return &pageTemplates{t: t, css: template.CSS(css)}, nil
})

type pageTemplates struct {
	t   *template.Template
	css template.CSS
}

// WritePage renders one page.
func WritePage(w io.Writer, p *Page) error {
	pt, err := parsed()
	if err != nil {
		return err
	}
	if p.CSS == "" {
		p.CSS = pt.css
	}
	bw := bufio.NewWriter(w)
	if err := pt.t.ExecuteTemplate(bw, "page", p); err != nil {
		return err
	}
	return bw.Flush()
}

// Pages lays the report out: index.html and, when the clusters are too
// big to show inline, one page per cluster, by file name in the order
// written.
type Pages struct {
	Names []string
	Pages []*Page
}

// Layout builds the pages of the report.
func (r *Report) Layout() *Pages {
	pages, _ := r.LayoutContext(context.Background())
	return pages
}

// LayoutContext is Layout stopped by ctx: it looks at ctx before each
// cluster and each diff it lays out, and returns ctx's error once done.
func (r *Report) LayoutContext(ctx context.Context) (*Pages, error) {
	return r.layout(ctx, cmp.Or(r.InlineWords, InlineWords))
}

func (r *Report) layout(ctx context.Context, inlineWords int) (*Pages, error) {
	if r.lazy {
		if err := r.buildClusters(ctx); err != nil { // every page is held
			return nil, err
		}
	}
	pl, err := r.plan(ctx, inlineWords)
	if err != nil {
		return nil, err
	}
	out := &Pages{Names: []string{"index.html"}, Pages: []*Page{pl.index}}
	out.Names = append(out.Names, pl.paging.files()...)
	out.Pages = append(out.Pages, listingPages(pl.overview, pl.paging)...)
	for k := range pl.pages {
		page, err := r.clusterPage(ctx, pl, k)
		if err != nil {
			return nil, err
		}
		out.Names = append(out.Names, clusterFile(k))
		out.Pages = append(out.Pages, page)
	}
	return out, nil
}

// layoutPlan is a report laid out but for its cluster pages: index.html,
// whole (with the clusters inline when they are small), and the number of
// cluster pages, each laid out only when it is written (a page of word
// diffs is tens of times its articles' size: all of them at once did not
// fit in memory at 100k articles).
type layoutPlan struct {
	index    *Page
	overview *Overview       // all the rows of the overview's tables
	paging   *overviewPaging // how they are cut into pages
	pages    int             // cluster pages after index.html: 0 when inline
	heatmap  bool            // a cluster view draws its own heatmap (the overview has none)
}

// PagePlan is how many pages a report writes beside index.html and
// report.json.
type PagePlan struct {
	Overview int // pages of the overview's tables past index.html
	Clusters int // story cluster pages: 0 when they are on index.html
}

// inline says whether the story clusters are shown on index.html: their
// articles hold at most inlineWords words in all.
func (r *Report) inline(inlineWords int) bool {
	words := 0
	for _, c := range r.Clusters {
		for _, id := range c.Members {
			words += r.Articles[r.index[id]].Words
		}
	}
	return words <= inlineWords
}

// plan lays out index.html and counts the cluster pages; a Report of
// BuildStreamed must have written report.json first (coreCount).
func (r *Report) plan(ctx context.Context, inlineWords int) (*layoutPlan, error) {
	inline := r.inline(inlineWords)
	paging := r.paging()
	home := ""
	if paging.paged() {
		home = "index.html" // a link from another page of the overview
	}
	href := func(k int) string {
		if inline {
			return fmt.Sprintf("%s#cluster-%d", home, k+1)
		}
		return fmt.Sprintf("%s#cluster-%d", clusterFile(k), k+1)
	}
	ov := r.overview(href, paging)
	pl := &layoutPlan{
		index:    &Page{Title: "copydesk: " + output.Plural(len(r.Articles), "article") + ", " + output.Plural(len(r.Clusters), "story cluster"), Overview: ov.firstPage(paging)},
		overview: ov,
		paging:   paging,
		heatmap:  ov.Heatmap == nil,
	}
	if !inline {
		pl.pages = len(r.Clusters)
		return pl, nil
	}
	for k := range r.Clusters {
		cv, err := r.clusterView(ctx, k, pl.heatmap)
		if err != nil {
			return nil, err
		}
		pl.index.Clusters = append(pl.index.Clusters, cv)
	}
	return pl, nil
}

// clusterPage lays out the page of story cluster k.
func (r *Report) clusterPage(ctx context.Context, pl *layoutPlan, k int) (*Page, error) {
	cv, err := r.clusterView(ctx, k, pl.heatmap)
	if err != nil {
		return nil, err
	}
	return &Page{
		Title:    fmt.Sprintf("copydesk: story cluster %d (%d articles)", k+1, len(cv.Members)),
		Home:     "index.html",
		Clusters: []ClusterView{cv},
	}, nil
}

// renderClusterPage lays out and renders the page of story cluster k.
func (r *Report) renderClusterPage(ctx context.Context, pl *layoutPlan, k int) ([]byte, error) {
	p, err := r.clusterPage(ctx, pl, k)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	err = WritePage(&buf, p)
	return buf.Bytes(), err
}

func clusterFile(k int) string { return fmt.Sprintf("cluster-%04d.html", k+1) }

func (r *Report) member(i int) ArticleRef {
	a := &r.Articles[i]
	return ArticleRef{N: i + 1, Label: a.Label, Title: a.Title, ID: a.ID}
}

func (r *Report) members(ids []string) []ArticleRef {
	out := make([]ArticleRef, len(ids))
	for k, id := range ids {
		out[k] = r.member(r.index[id])
	}
	return out
}

// overview lays out the overview, all the rows of its tables: a cluster's
// link is href(k), a group's names its page when the overview is paged.
func (r *Report) overview(href func(int) string, paging *overviewPaging) *Overview {
	ov := &Overview{Pairs: len(r.Pairs), Wire: r.Wire, Chain: r.Chain}
	groupPage := pageOf(paging.groups)
	ov.Summary = fmt.Sprintf("%s, %s, %s, %s.", output.Plural(len(r.Articles), "article"), output.Plural(len(r.DuplicateGroups), "duplicate group"),
		output.Plural(len(r.Clusters), "story cluster"), output.Plural(len(r.Pairs), "related pair"))
	groupOf := make(map[string]*Ref)
	for k, g := range r.DuplicateGroups {
		ov.Groups = append(ov.Groups, GroupRow{N: k + 1, Members: r.members(g.Members)})
		for _, id := range g.Members {
			groupOf[id] = &Ref{N: k + 1, Href: fmt.Sprintf("%s#group-%d", groupsTable.link(groupPage[k], paging), k+1)}
		}
	}
	clusterOf := make(map[string]*Ref)
	for k, c := range r.Clusters {
		ov.Clusters = append(ov.Clusters, ClusterRow{N: k + 1, Href: href(k), Members: r.members(c.Members), Core: r.coreCount(k)})
		for _, id := range c.Members {
			clusterOf[id] = &Ref{N: k + 1, Href: href(k)}
		}
	}
	for i, a := range r.Articles {
		date := displayDate(a.Published)
		if date == "" {
			date = a.Dateline
		}
		ov.Articles = append(ov.Articles, ArticleRow{
			N: i + 1, ID: a.ID, Label: a.Label, Title: a.Title, Byline: a.Byline, Date: date,
			Credits: strings.Join(a.Credits, "; "), URL: a.URL, Words: a.Words,
			Group: groupOf[a.ID], Cluster: clusterOf[a.ID],
		})
	}
	if len(r.Articles) <= MaxHeatmap {
		all := make([]int, len(r.Articles))
		for i := range all {
			all[i] = i
		}
		ov.Heatmap = r.heatmap(all)
	}
	return ov
}

// clusterView lays out story cluster k; ctx stops it between diffs.
func (r *Report) clusterView(ctx context.Context, k int, heatmap bool) (ClusterView, error) {
	if err := ctx.Err(); err != nil {
		return ClusterView{}, err
	}
	c, err := r.clusterAt(ctx, k)
	if err != nil {
		return ClusterView{}, err
	}
	cv := ClusterView{N: k + 1, Anchor: fmt.Sprintf("cluster-%d", k+1), Members: r.members(c.Members), Compared: c.Compared, Framing: c.Framing}
	idx := make([]int, len(c.Members))
	for m, id := range c.Members {
		idx[m] = r.index[id]
	}
	label := func(id string) string { return r.Articles[r.index[id]].Label }
	if heatmap {
		cv.Heatmap = r.heatmap(idx[:min(len(idx), MaxHeatmap)])
	}
	cv.Timeline = r.timeline(idx)
	for _, p := range c.Core {
		pv := PieceView{Outlets: len(p.Members)}
		at := make(map[string]int) // article → its entry: one per outlet
		for _, car := range p.Carriers {
			if k, ok := at[car.Article]; ok {
				// Another sentence of the same outlet: one entry, its
				// sentences in order, the strongest link shown.
				e := &pv.Carriers[k]
				e.Text += " " + car.Text
				if car.Score > e.Score && car.Match == e.Match || e.Match == "" {
					e.Match, e.With, e.Score = car.Match, label(car.With), car.Score
				}
				continue
			}
			at[car.Article] = len(pv.Carriers)
			pv.Carriers = append(pv.Carriers, CarrierView{
				ArticleRef: r.member(r.index[car.Article]), Text: car.Text,
				Match: car.Match, With: label(car.With), Score: car.Score,
			})
		}
		cv.Core = append(cv.Core, pv)
	}
	for _, o := range c.Outlets {
		ov := OutletView{
			ArticleRef: r.member(r.index[o.Article]), Words: o.Words, CopyWords: o.CopyWords,
			QuoteWords: o.QuoteWords, Churn: o.Churn,
		}
		for _, s := range o.Added {
			ov.Added = append(ov.Added, s.Text)
		}
		for _, l := range o.LeftOut {
			ov.LeftOut = append(ov.LeftOut, LeftOutView{Text: l.Text, Of: label(l.Article), CarriedBy: r.members(l.CarriedBy)})
		}
		cv.Outlets = append(cv.Outlets, ov)
	}
	// Diffs: the cluster's pairs, strongest first, up to MaxDiffs, each
	// member's Doc got once for the page (built again when the run's
	// result holds none) and dropped with it.
	docs := make(map[int]*align.Doc)
	doc := func(i int) *align.Doc {
		d, ok := docs[i]
		if !ok {
			d = r.res.Doc(i)
			docs[i] = d
		}
		return d
	}
	var pairs []*cluster.Pair
	for x := range idx {
		for y := x + 1; y < len(idx); y++ {
			if p := r.pair(idx[x], idx[y]); p != nil {
				pairs = append(pairs, p)
			} else {
				pairs = append(pairs, &cluster.Pair{I: min(idx[x], idx[y]), J: max(idx[x], idx[y])})
			}
		}
	}
	slices.SortStableFunc(pairs, func(a, b *cluster.Pair) int {
		if a.Relation != b.Relation {
			return int(b.Relation) - int(a.Relation)
		}
		if a.Similarity != b.Similarity {
			if a.Similarity > b.Similarity {
				return -1
			}
			return 1
		}
		return 0
	})
	for n, p := range pairs {
		if n >= cmp.Or(r.MaxDiffs, MaxDiffs) {
			cv.MoreDiffs = append(cv.MoreDiffs, PairRef{
				A: r.member(p.I), B: r.member(p.J), Relation: p.Relation.String(),
				Command: r.diffCommand(p.I, p.J),
			})
			continue
		}
		if err := ctx.Err(); err != nil {
			return ClusterView{}, err
		}
		d := r.diff(p.I, p.J, doc)
		d.Open = n == 0
		cv.Diffs = append(cv.Diffs, d)
	}
	return cv, nil
}

// diffCommand is the compare diff command that draws the pair of articles i
// and j, to be run where the report was made: a file's article by its path,
// a feed's record as FILE#ID. An article read from standard input cannot be
// read again, so its pair gets no command.
func (r *Report) diffCommand(i, j int) string {
	name := func(k int) string {
		a := &r.res.Articles[k]
		if a.Source == "" {
			return shellQuote(a.ID)
		}
		if a.Source == "-" {
			return ""
		}
		return shellQuote(a.Source + "#" + a.ID)
	}
	a, b := name(i), name(j)
	if a == "" || b == "" {
		return "(read from standard input: save it to a file to diff this pair)"
	}
	return fmt.Sprintf("compare diff --html -o diff-%d-%d.html %s %s", i+1, j+1, a, b)
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// diff lays out the word diff of articles i and j, whose Docs doc gives.
func (r *Report) diff(i, j int, doc func(int) *align.Doc) DiffView {
	a, b := doc(i), doc(j)
	d := DiffView{A: r.member(i), B: r.member(j), Relation: cluster.Unrelated.String()}
	if p := r.pair(i, j); p != nil {
		d.Relation, d.Similarity, d.AInB, d.BInA = p.Relation.String(), output.Round3(p.Similarity), output.Round3(p.AInB), output.Round3(p.BInA)
		d.Taken = takenOf(p, i, j)
	}
	d.Rows = DiffRows(a, b)
	return d
}

// NewDiffPage is the page of one pairwise diff, for compare diff --html.
func NewDiffPage(aa, ab *article.Article, a, b *align.Doc, rel cluster.Relation, v *align.Result) *Page {
	ma := ArticleRef{N: 1, Label: aa.Label(), Title: aa.Title, ID: aa.ID}
	mb := ArticleRef{N: 2, Label: ab.Label(), Title: ab.Title, ID: ab.ID}
	d := &DiffView{
		A: ma, B: mb, Relation: rel.String(), Open: true,
		Similarity: output.Round3(v.Cosine), AInB: output.Round3(v.AInB), BInA: output.Round3(v.BInA),
		Rows: DiffRows(a, b),
	}
	if rel >= cluster.Partial {
		p := cluster.NewPair(0, 1, v)
		d.Taken = takenOf(&p, 0, 1)
	}
	return &Page{Title: fmt.Sprintf("copydesk: %s against %s", ma.Label, mb.Label), Diff: d}
}

// DiffRows lays out the word diff of a and b (align.WordDiff) side by
// side: A's text on the left with its deleted words, B's on the right with
// its inserted words. A run of MinSharedRun words or more that both carry
// gets a row of its own, so shared passages sit side by side; the changes
// between them fill the rows in between.
func DiffRows(a, b *align.Doc) []DiffRow {
	var rows []DiffRow
	var cur DiffRow
	pa, pb := 0, 0 // next byte of each text to show
	flush := func() {
		if len(cur.Left) > 0 || len(cur.Right) > 0 {
			cur.Left, cur.Right = trimSegs(cur.Left), trimSegs(cur.Right)
			rows = append(rows, cur)
		}
		cur = DiffRow{}
	}
	add := func(segs *[]Seg, op, text string) {
		if text == "" {
			return
		}
		if n := len(*segs); n > 0 && (*segs)[n-1].Op == op {
			(*segs)[n-1].Text += text
			return
		}
		*segs = append(*segs, Seg{Op: op, Text: text})
	}
	for _, e := range align.WordDiff(a, b) {
		// An edit that does not follow on from the last (an empty one, or
		// one starting before the text already shown) is skipped rather
		// than sliced out of range: no input may panic the report.
		if !Follows(e, pa, pb) {
			continue
		}
		switch e.Op {
		case align.Equal:
			if e.A.Words() >= MinSharedRun {
				// The gap before the run belongs to the changes.
				add(&cur.Left, "", a.Text[pa:e.A.Offset])
				add(&cur.Right, "", b.Text[pb:e.B.Offset])
				flush()
				// The run keeps the punctuation that closes it (". ", ",").
				ea, eb := closing(a, e.A), closing(b, e.B)
				cur.Shared = true
				add(&cur.Left, "", a.Text[e.A.Offset:ea])
				add(&cur.Right, "", b.Text[e.B.Offset:eb])
				flush()
				pa, pb = ea, eb
				continue
			}
			add(&cur.Left, "", a.Text[pa:e.A.EndOffset])
			add(&cur.Right, "", b.Text[pb:e.B.EndOffset])
			pa, pb = e.A.EndOffset, e.B.EndOffset
		case align.Delete:
			end := WholeSentenceEnd(a, e.A)
			add(&cur.Left, "", a.Text[pa:e.A.Offset])
			add(&cur.Left, "del", a.Text[e.A.Offset:end])
			pa = end
		case align.Insert:
			end := WholeSentenceEnd(b, e.B)
			add(&cur.Right, "", b.Text[pb:e.B.Offset])
			add(&cur.Right, "ins", b.Text[e.B.Offset:end])
			pb = end
		}
	}
	add(&cur.Left, "", a.Text[pa:])
	add(&cur.Right, "", b.Text[pb:])
	flush()
	return rows
}

// Follows reports whether edit e can be laid out after the bytes shown so
// far (pa of A, pb of B): its spans hold words and start at or after them.
func Follows(e align.Edit, pa, pb int) bool {
	okA := e.A.Words() > 0 && e.A.Offset >= pa && e.A.EndOffset >= e.A.Offset
	okB := e.B.Words() > 0 && e.B.Offset >= pb && e.B.EndOffset >= e.B.Offset
	switch e.Op {
	case align.Equal:
		return okA && okB
	case align.Delete:
		return okA
	case align.Insert:
		return okB
	}
	return false
}

// WholeSentenceEnd returns where a deleted or inserted span s ends: with
// the full stop that closes it when s is whole sentences (it starts a
// paragraph or follows a sentence's end, and its closing punctuation ends
// one), so that a dropped sentence is struck out with its stop ("said.
// [-Entire streets flooded.-]", not "said. [-Entire streets flooded-].");
// else at its last word.
func WholeSentenceEnd(d *align.Doc, s align.Span) int {
	c := closing(d, s)
	if c == s.EndOffset || !strings.ContainsAny(d.Text[s.EndOffset:c], ".!?") {
		return s.EndOffset
	}
	before := strings.TrimRightFunc(d.Text[:s.Offset], unicode.IsSpace)
	if before == "" || strings.HasSuffix(d.Text[:s.Offset], "\n\n") {
		return c
	}
	r, _ := utf8.DecodeLastRuneInString(before)
	if strings.ContainsRune(".!?…\"”»", r) {
		return c
	}
	return s.EndOffset
}

// closing returns where span s ends with the punctuation after its last
// word, up to the next space or word.
func closing(d *align.Doc, s align.Span) int {
	next := len(d.Text)
	if s.End < len(d.Tokens) {
		next = int(d.Tokens[s.End].Start)
	}
	end := s.EndOffset
	for end < next {
		r, n := utf8.DecodeRuneInString(d.Text[end:])
		if unicode.IsSpace(r) {
			break
		}
		end += n
	}
	return end
}

// trimSegs drops the spaces a cell starts and ends with.
func trimSegs(segs []Seg) []Seg {
	for len(segs) > 0 {
		segs[0].Text = strings.TrimLeftFunc(segs[0].Text, unicode.IsSpace)
		if segs[0].Text != "" {
			break
		}
		segs = segs[1:]
	}
	for len(segs) > 0 {
		n := len(segs) - 1
		segs[n].Text = strings.TrimRightFunc(segs[n].Text, unicode.IsSpace)
		if segs[n].Text != "" {
			break
		}
		segs = segs[:n]
	}
	return segs
}

// WriteReport writes the report directory dir atomically (see
// output.WriteDirAtomic): index.html, report.json and the cluster pages.
func WriteReport(dir string, r *Report) error {
	return WriteReportContext(context.Background(), dir, r)
}

// WriteReportContext is WriteReport stopped by ctx: cancelled while the
// pages are laid out (between two diffs) or written (between two files,
// and before the new directory takes the old one's place), it returns
// ctx's error and dir keeps its previous contents. A cluster page is laid
// out as it is written, one at a time.
func WriteReportContext(ctx context.Context, dir string, r *Report) error {
	inlineWords := cmp.Or(r.InlineWords, InlineWords)
	pages := len(r.Clusters)
	if r.inline(inlineWords) {
		pages = 0
		if r.lazy {
			if err := r.buildClusters(ctx); err != nil { // all on index.html
				return err
			}
		}
	}
	listed := r.paging().files()
	var pl *layoutPlan // index.html, laid out after report.json (coreCount)
	var listing []*Page
	files := []output.File{
		{Name: "report.json", Write: func(w io.Writer) error {
			if r.Planned != nil {
				r.Planned(PagePlan{Overview: len(listed), Clusters: pages}) // the directory is checked: the files follow
			}
			return r.writeJSON(ctx, w)
		}},
		{Name: "index.html", Write: func(w io.Writer) error {
			var err error
			if pl, err = r.plan(ctx, inlineWords); err != nil {
				return err
			}
			listing = listingPages(pl.overview, pl.paging)
			return WritePage(w, pl.index)
		}},
	}
	for p, name := range listed {
		files = append(files, output.File{Name: name, Write: func(w io.Writer) error { return WritePage(w, listing[p]) }})
	}
	// The cluster pages are laid out and rendered ahead, on r.workers()
	// goroutines, as the files are written in order.
	var ahead *par.Ahead[[]byte]
	defer func() {
		if ahead != nil {
			ahead.Stop()
		}
	}()
	for k := range pages {
		name := clusterFile(k)
		files = append(files, output.File{Name: name, Write: func(w io.Writer) error {
			if ahead == nil {
				ahead = par.NewAhead(ctx, pages, r.workers(), 2*r.workers(), func(ctx context.Context, k int) ([]byte, error) {
					return r.renderClusterPage(ctx, pl, k)
				})
			}
			page, err := ahead.Next()
			if err != nil {
				return err
			}
			_, err = w.Write(page)
			return err
		}})
	}
	if r.Written != nil {
		for n := range files {
			write := files[n].Write
			files[n].Write = func(w io.Writer) error {
				if err := write(w); err != nil {
					return err
				}
				r.Written(n+1, len(files))
				return nil
			}
		}
	}
	return output.WriteDirAtomicContext(ctx, dir, files)
}

// displayDate shows a publication time in one zone, UTC, and a readable
// form: "2026-03-01T10:30:00+03:00" is "1 Mar 2026, 07:30 UTC", a date
// alone "1 Mar 2026". A time it cannot read is shown as given.
func displayDate(s string) string {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return displayTime(t)
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.Format("2 Jan 2006")
	}
	return s
}

// displayTime shows a time as displayDate does: "1 Mar 2026, 07:30 UTC".
func displayTime(t time.Time) string { return t.UTC().Format("2 Jan 2006, 15:04 UTC") }
