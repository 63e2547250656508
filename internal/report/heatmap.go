package report

import (
	"fmt"
	"unicode/utf8"

	"github.com/copydesk/copydesk/internal/cluster"
)

// Heatmap is an N×N similarity matrix drawn as inline SVG: one cell per
// pair, coloured by relation (hue) and score (depth), its values in a
// <title> shown on hover, and in the cell itself when there is room.
type Heatmap struct {
	N             int
	Width, Height int
	Cell          int  // cell side in pixels
	Values        bool // cells print their score
	Cells         []HeatCell
	Rows, Cols    []HeatLabel
	Legend        []LegendItem
}

// HeatCell is one cell of the matrix.
type HeatCell struct {
	X, Y      int
	TX, TY    int    // centre, where the text goes
	Fill, Ink string // background and text colours
	Text      string // the score, when Values
	Title     string // what hovering shows
	Relation  string // "self" on the diagonal
}

// HeatLabel is a row or column label.
type HeatLabel struct {
	X, Y      int
	Text      string
	Title     string
	Transform string // rotates a column label that is wider than its cell
}

// LegendItem explains one colour.
type LegendItem struct {
	Fill, Name, Meaning string
}

// Heatmap colours: a hue per relation, deeper for a higher score.
var relationHue = map[cluster.Relation]struct {
	hue, sat int
	full     float64 // the score drawn at full depth
	meaning  string
}{
	cluster.Duplicate: {350, 75, 1, "same copy (depth: share of the text in shared passages)"},
	cluster.Derived:   {22, 85, 1, "one built from the other (depth: share in shared passages)"},
	cluster.Partial:   {45, 90, 1, "shares passages of copy (depth: share in shared passages)"},
	cluster.Story:     {212, 65, 0.5, "same story, own words (depth: TF-IDF similarity)"},
	cluster.Unrelated: {0, 0, 0.5, "unrelated (depth: TF-IDF similarity)"},
}

// heatmap draws the matrix of the articles idx.
func (r *Report) heatmap(idx []int) *Heatmap {
	n := len(idx)
	h := &Heatmap{N: n}
	switch {
	case n <= 12:
		h.Cell, h.Values = 44, true
	case n <= 30:
		h.Cell = 20
	default:
		h.Cell = max(8, 600/n)
	}
	named := n <= 20
	left := 36
	if named {
		left = 190
	}
	top := 22
	// Column numbers wider than a cell stand upright.
	digits := 1
	for _, i := range idx {
		digits = max(digits, len(fmt.Sprint(i+1)))
	}
	upright := 7*digits > h.Cell
	if upright {
		top = 8*digits + 10
	}
	h.Width, h.Height = left+n*h.Cell+4, top+n*h.Cell+4
	for k, i := range idx {
		m := r.member(i)
		label := fmt.Sprint(m.N)
		if named {
			label = fmt.Sprintf("%d %s", m.N, truncate(m.Label, 22))
		}
		title := fmt.Sprintf("%d %s: %s", m.N, m.Label, m.Title)
		h.Rows = append(h.Rows, HeatLabel{X: left - 6, Y: top + k*h.Cell + h.Cell/2, Text: label, Title: title})
		if h.Cell >= 12 || k%5 == 0 {
			l := HeatLabel{X: left + k*h.Cell + h.Cell/2, Y: top - 6, Text: fmt.Sprint(m.N), Title: title}
			if upright {
				l.X += 4
				l.Transform = fmt.Sprintf("rotate(-90 %d %d)", l.X, l.Y)
			}
			h.Cols = append(h.Cols, l)
		}
	}
	for y, i := range idx {
		for x, j := range idx {
			c := HeatCell{X: left + x*h.Cell, Y: top + y*h.Cell}
			c.TX, c.TY = c.X+h.Cell/2, c.Y+h.Cell/2
			mi, mj := r.member(i), r.member(j)
			if i == j {
				c.Fill, c.Ink, c.Relation = "#3d3d3d", "#fff", "self"
				c.Title = fmt.Sprintf("%d %s (itself)", mi.N, mi.Label)
				if h.Values {
					c.Text = "—"
				}
				h.Cells = append(h.Cells, c)
				continue
			}
			rel, score := cluster.Unrelated, 0.0
			c.Title = fmt.Sprintf("%d %s × %d %s: not compared (no shared terms)", mi.N, mi.Label, mj.N, mj.Label)
			if p := r.pair(i, j); p != nil {
				rel, score = p.Relation, p.Score()
				c.Title = fmt.Sprintf("%d %s × %d %s: %s, similarity %.3f, shared passages cover %.0f%% and %.0f%%, %d passages, %d shared quotes",
					mi.N, mi.Label, mj.N, mj.Label, p.Relation, p.Similarity, 100*p.AInB, 100*p.BInA, p.Passages, p.Quotes)
			}
			c.Relation = rel.String()
			c.Fill, c.Ink = heatColour(rel, score)
			if h.Values {
				c.Text = fmt.Sprintf("%.2f", score)
			}
			h.Cells = append(h.Cells, c)
		}
	}
	for _, rel := range []cluster.Relation{cluster.Duplicate, cluster.Derived, cluster.Partial, cluster.Story, cluster.Unrelated} {
		hc := relationHue[rel]
		fill, _ := heatColour(rel, hc.full*0.6)
		h.Legend = append(h.Legend, LegendItem{Fill: fill, Name: rel.String(), Meaning: hc.meaning})
	}
	return h
}

// heatColour is the fill and text colour of a cell.
func heatColour(rel cluster.Relation, score float64) (fill, ink string) {
	hc := relationHue[rel]
	t := min(1, max(0, score/hc.full))
	l := 95 - int(t*55+0.5)
	ink = "#111"
	if l < 58 {
		ink = "#fff"
	}
	return fmt.Sprintf("hsl(%d,%d%%,%d%%)", hc.hue, hc.sat, l), ink
}

// truncate shortens s to n characters with an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
