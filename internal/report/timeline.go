package report

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/copydesk/copydesk/internal/output"
	"github.com/copydesk/copydesk/internal/provenance"
)

// # Provenance in the report
//
// Given who took from whom (SetProvenance: provenance.Build over the
// report's articles and pairs, as compare provenance decides it), the
// report shows on index.html each outlet's share of wire copy (the rows of
// compare provenance --table outlets) and, per story cluster, a timeline:
// publication time across, one row per outlet, a dot per article, and an
// arrow from each copy's immediate source to it. The original of a family
// of copies is ringed; an arrow into a copy that credits neither its
// source nor an agency upstream is dashed and red. Undated articles stand
// in a column of their own at the right. The SVG is laid out here; the
// template only draws it.

// SetProvenance gives the report the provenance of its articles (indexes
// as Articles); index.html then shows the outlets' wire share (when there
// is a copy relation) and each story cluster a timeline. The caller builds
// it, as it holds what provenance needs of each article (credits, word
// counts).
func (r *Report) SetProvenance(p *provenance.Result) {
	r.prov = p
	if len(p.Links) > 0 {
		r.Wire = output.Outlets(p)
	}
}

// Timeline layout, in pixels.
const (
	tlLabel   = 170 // outlet labels, left of the plot
	tlPlot    = 560 // dated articles across
	tlUndated = 90  // the undated column, right of the plot
	tlRow     = 26
	tlTop     = 34 // the time axis above the rows
	tlDot     = 6  // radius
)

// Timeline is a story cluster's timeline, laid out for SVG.
type Timeline struct {
	Width, Height int
	Rows          []TimelineRow
	Ticks         []TimelineTick
	Dots          []TimelineDot
	Arrows        []TimelineArrow
	Undated       *TimelineTick // the undated column's label, when it has articles
}

// TimelineRow is an outlet's row.
type TimelineRow struct {
	Y     int
	Label string
}

// TimelineTick labels a time on the axis; Anchor is its text's SVG
// text-anchor (the last time ends at its line).
type TimelineTick struct {
	X            int
	Text, Anchor string
}

// TimelineDot is one article.
type TimelineDot struct {
	X, Y     int
	N        int  // the article's number
	Original bool // the root of a family of copies
	Title    string
}

// TimelineArrow runs from a source to its copy; Head is the arrowhead's
// polygon.
type TimelineArrow struct {
	X1, Y1, X2, Y2 int
	Head           string
	Uncredited     bool
	Title          string
}

// timeline lays out the timeline of the articles idx (one story cluster's
// members); nil without provenance, or when fewer than two of them are
// dated and none is a copy of another.
func (r *Report) timeline(idx []int) *Timeline {
	if r.prov == nil || len(idx) < 2 {
		return nil
	}
	idx = idx[:min(len(idx), MaxHeatmap)]
	member := make(map[int]bool, len(idx))
	dated := 0
	for _, i := range idx {
		member[i] = true
		if !r.prov.Nodes[i].Time.IsZero() {
			dated++
		}
	}
	arrows := r.timelineLinks(idx, member)
	if dated < 2 && len(arrows) == 0 {
		return nil
	}
	tl := &Timeline{Width: tlLabel + tlPlot + tlUndated}
	row := r.timelineRows(tl, idx)
	tl.Height = tlTop + len(tl.Rows)*tlRow + 4
	x := r.timelineAxis(tl, idx)
	copied := make(map[int]bool) // members a member takes from
	for _, a := range arrows {
		copied[a.Source] = true
	}
	at := make(map[int][2]int, len(idx))
	for _, i := range idx {
		n := &r.prov.Nodes[i]
		d := TimelineDot{X: x(i), Y: row[r.Articles[i].Label], N: i + 1, Original: n.Root == i && copied[i]}
		d.Title = r.dotTitle(i, d.Original)
		at[i] = [2]int{d.X, d.Y}
		tl.Dots = append(tl.Dots, d)
	}
	for _, a := range arrows {
		tl.Arrows = append(tl.Arrows, r.arrow(a, at[a.Source], at[a.Copy]))
	}
	return tl
}

// timelineLinks are the immediate-source links among the members: the
// derivation graph's edges (A → B → C, not A → C).
func (r *Report) timelineLinks(idx []int, member map[int]bool) []provenance.Link {
	var out []provenance.Link
	for _, i := range idx {
		for _, s := range r.prov.Nodes[i].Sources {
			if member[s.Index] {
				out = append(out, r.prov.Links[s.Link])
			}
		}
	}
	return out
}

// timelineRows gives each outlet of the members a row, in order of its
// first article (dated first, earliest first; then undated, in member
// order), and returns each label's row centre.
func (r *Report) timelineRows(tl *Timeline, idx []int) map[string]int {
	order := slices.Clone(idx)
	slices.SortStableFunc(order, func(a, b int) int {
		ta, tb := r.prov.Nodes[a].Time, r.prov.Nodes[b].Time
		switch {
		case ta.IsZero() || tb.IsZero():
			return boolInt(ta.IsZero()) - boolInt(tb.IsZero())
		default:
			return ta.Compare(tb)
		}
	})
	row := make(map[string]int)
	for _, i := range order {
		label := r.Articles[i].Label
		if _, ok := row[label]; ok {
			continue
		}
		y := tlTop + len(tl.Rows)*tlRow + tlRow/2
		row[label] = y
		tl.Rows = append(tl.Rows, TimelineRow{Y: y, Label: truncate(label, 24)})
	}
	return row
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// timelineAxis labels the time axis and returns each member's x: dated
// articles spread linearly from the earliest to the latest (centred when
// they share one time), undated ones in their own column.
func (r *Report) timelineAxis(tl *Timeline, idx []int) func(i int) int {
	var first, last time.Time
	undated := false
	for _, i := range idx {
		t := r.prov.Nodes[i].Time
		switch {
		case t.IsZero():
			undated = true
		case first.IsZero():
			first, last = t, t
		default:
			if t.Before(first) {
				first = t
			}
			if t.After(last) {
				last = t
			}
		}
	}
	left, right := tlLabel+tlDot*2, tlLabel+tlPlot-tlDot*2
	span := last.Sub(first)
	x := func(t time.Time) int {
		if span == 0 {
			return (left + right) / 2
		}
		return left + int(float64(right-left)*float64(t.Sub(first))/float64(span))
	}
	if !first.IsZero() {
		tl.Ticks = append(tl.Ticks, TimelineTick{X: x(first), Text: tickTime(first, span), Anchor: "middle"})
		if span > 0 {
			tl.Ticks = append(tl.Ticks, TimelineTick{X: x(last), Text: tickTime(last, span), Anchor: "end"})
		}
	}
	undatedX := tlLabel + tlPlot + tlUndated/2
	if undated {
		tl.Undated = &TimelineTick{X: undatedX, Text: "undated", Anchor: "middle"}
	}
	return func(i int) int {
		if t := r.prov.Nodes[i].Time; !t.IsZero() {
			return x(t)
		}
		return undatedX
	}
}

// tickTime writes an axis time in UTC: the date when the span is days,
// the date and time otherwise.
func tickTime(t time.Time, span time.Duration) string {
	if span >= 72*time.Hour {
		return t.UTC().Format("2 Jan 2006")
	}
	return t.UTC().Format("2 Jan 15:04 UTC")
}

// dotTitle says what hovering over article i's dot shows.
func (r *Report) dotTitle(i int, original bool) string {
	a, n := &r.Articles[i], &r.prov.Nodes[i]
	parts := []string{fmt.Sprintf("%d %s", i+1, a.Label)}
	if a.Title != "" {
		parts = append(parts, a.Title)
	}
	if n.Time.IsZero() {
		parts = append(parts, "undated")
	} else {
		parts = append(parts, displayTime(n.Time))
	}
	if original {
		parts = append(parts, "original")
	}
	if n.WireShare > 0 {
		parts = append(parts, fmt.Sprintf("wire share %s (%s)", pct(n.WireShare), strings.Join(n.Agencies, ", ")))
	}
	return strings.Join(parts, " · ")
}

// arrow draws link l from the source's dot at s to the copy's at c,
// stopping at the copy dot's edge.
func (r *Report) arrow(l provenance.Link, s, c [2]int) TimelineArrow {
	copyNode := &r.prov.Nodes[l.Copy]
	a := TimelineArrow{X1: s[0], Y1: s[1], Uncredited: !copyNode.Credited}
	credit := "credited"
	if a.Uncredited {
		credit = "uncredited"
	}
	a.Title = fmt.Sprintf("%d %s took %s of its words from %d %s (%s: %s), %s", l.Copy+1, r.Articles[l.Copy].Label,
		pct(l.Share), l.Source+1, r.Articles[l.Source].Label, l.Evidence, l.Reason, credit)
	a.X2, a.Y2, a.Head = arrowHead(s, c)
	return a
}

// arrowHead shortens the segment s → c to end at the edge of c's dot and
// returns its end and the arrowhead's polygon there.
func arrowHead(s, c [2]int) (x2, y2 int, head string) {
	dx, dy := float64(c[0]-s[0]), float64(c[1]-s[1])
	d := math.Hypot(dx, dy)
	if d < 1 {
		dx, dy, d = 1, 0, 1 // two articles on one spot: a stub
	}
	ux, uy := dx/d, dy/d
	ex, ey := float64(c[0])-ux*(tlDot+1), float64(c[1])-uy*(tlDot+1)
	const length, half = 8.0, 4.0
	bx, by := ex-ux*length, ey-uy*length
	head = fmt.Sprintf("%.1f,%.1f %.1f,%.1f %.1f,%.1f", ex, ey, bx-uy*half, by+ux*half, bx+uy*half, by-ux*half)
	return int(bx + 0.5), int(by + 0.5), head
}

// pct writes a share as a whole percentage, as the templates' pct does.
func pct(x float64) string { return fmt.Sprintf("%.0f%%", 100*x) }

// ChainStep is one article of a chain back to its original (compare report
// --index DB --id ID): the article first, then its immediate source, and so
// on. Source, Share, Evidence, Reason and Credited say what the step took
// from the next one; they are empty on the original.
type ChainStep struct {
	ID        string  `json:"id"`
	Outlet    string  `json:"outlet"`
	Title     string  `json:"title,omitempty"`
	Published string  `json:"published,omitempty"` // RFC 3339 in UTC; "" when undated
	Source    string  `json:"source,omitempty"`    // the next step's id
	Share     float64 `json:"share,omitempty"`     // of its words taken from the next step
	Evidence  string  `json:"evidence,omitempty"`
	Reason    string  `json:"reason,omitempty"`
	Credited  bool    `json:"credited"` // false on the original
	Date      string  `json:"-"`        // shown on the page
	From      string  `json:"-"`        // the next step's outlet, shown on the page
}

// SetChain gives the report article i's chain back to its original in p
// (a family of copies around it, however many hops wide), shown at the top
// of index.html and as report.json's "chain". titles gives each article's
// headline.
func (r *Report) SetChain(p *provenance.Result, i int, titles func(int) string) {
	r.Chain = []ChainStep{}
	chain := p.Chain(i)
	for k, c := range chain {
		a, n := &p.Articles[c], &p.Nodes[c]
		st := ChainStep{ID: a.ID, Outlet: a.Outlet, Title: titles(c)}
		if !n.Time.IsZero() {
			st.Published = n.Time.UTC().Format(time.RFC3339)
			st.Date = displayTime(n.Time)
		}
		if k+1 < len(chain) {
			s := n.Sources[0]
			l := &p.Links[s.Link]
			st.Source, st.From = p.Articles[s.Index].ID, p.Articles[s.Index].Outlet
			st.Share, st.Evidence, st.Reason, st.Credited = output.Round3(s.Share), string(l.Evidence), l.Reason, n.Credited
		}
		r.Chain = append(r.Chain, st)
	}
}
