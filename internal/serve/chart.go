package serve

import (
	"fmt"
	"time"

	"github.com/copydesk/copydesk/internal/index"
)

// Chart geometry, in SVG user units.
const (
	chartWidth  = 640
	chartHeight = 140
	chartLeft   = 36 // room for the axis figure
	chartBottom = 18 // room for the dates
	// dailyUpTo: an outlet whose dated articles span at most this many
	// days is drawn a bar a day; longer, a bar a month.
	dailyUpTo = 120
)

// chart is a bar chart of articles over time, laid out here so that the
// template only places the shapes.
type chart struct {
	Width, Height int
	Bars          []bar
	Max           int    // the tallest bar's count
	Unit          string // "day" or "month"
	First, Last   string // the first and last bucket
	AxisY, BaseY  int    // where the top figure and the baseline sit
	Left          int
}

// bar is one bucket.
type bar struct {
	X, Y, W, H int
	Title      string
}

// drawChart buckets the counts by day or month and lays out the bars;
// nil when there is nothing dated.
func drawChart(days []index.DayCount) *chart {
	if len(days) == 0 {
		return nil
	}
	first, last := days[0].Day, days[len(days)-1].Day
	unit, key, next := "day", time.DateOnly, func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }
	start := first
	if last.Sub(first) > dailyUpTo*24*time.Hour {
		unit, key, next = "month", "2006-01", func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }
		start = time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	counts := map[string]int{}
	for _, d := range days {
		counts[d.Day.Format(key)] += d.N
	}
	var buckets []string
	for t := start; !t.After(last); t = next(t) {
		buckets = append(buckets, t.Format(key))
	}
	c := &chart{Width: chartWidth, Height: chartHeight, Unit: unit, First: buckets[0], Last: buckets[len(buckets)-1],
		AxisY: 10, BaseY: chartHeight - chartBottom, Left: chartLeft}
	for _, b := range buckets {
		c.Max = max(c.Max, counts[b])
	}
	plotW, plotH := chartWidth-chartLeft, chartHeight-chartBottom-14
	w := max(1, plotW/len(buckets))
	for k, b := range buckets {
		h := 0
		if c.Max > 0 {
			h = counts[b] * plotH / c.Max
		}
		c.Bars = append(c.Bars, bar{X: chartLeft + k*plotW/len(buckets), Y: c.BaseY - h, W: max(1, w-1), H: h,
			Title: fmt.Sprintf("%s: %d articles", b, counts[b])})
	}
	return c
}
