package index

// # Filter tags (schema 10, SQLite)
//
// A search with words and a filter (an outlet, a date range) must find the
// articles that match both without reading every match of either: in a
// million articles "the" matches most of them and an outlet has a few
// thousand. Since schema 10 the SQLite full-text table has a third column,
// tags, that holds each article's filter values as words, so that FTS5
// intersects the words' and the filter's lists of articles itself, skipping
// through both, and counts the matches without reading an article. An
// article published on 4 December 2026 at 15:00 UTC by "Reuters" has the
// tags
//
//	o52657574657273 y2026 m202612 d20261204
//
// (o and the outlet's exact name in hexadecimal, one word whatever its
// script, spaces or case; its year, month and day in UTC). A filter becomes
// tags the same way; a date range is covered by the fewest years, months
// and days that make it up (dateTags): 20 November to 20 December 2026 is
// d20261120 … d20261130, m202612 is too long, so d20261201 … d20261219,
// 30 tokens; all of 2025 and January 2026 is y2025 m202601. The tags are
// exact when the range starts and ends at midnight UTC (the days of the
// search form); a bound inside a day makes them a superset, which the same
// conditions on the articles' columns as before make exact.

import (
	"encoding/hex"
	"strings"
	"time"
)

// outletTag is the tag of an outlet's articles: its name in hexadecimal,
// so that no two outlets share one.
func outletTag(outlet string) string {
	return "o" + hex.EncodeToString([]byte(outlet))
}

// exactTags reports whether q's tags (tagQuery) match exactly the articles
// its filters do: its date bounds, if any, fall at midnight UTC.
func exactTags(q Query) bool {
	midnight := func(t time.Time) bool { return t.IsZero() || utcDay(t).Equal(t) }
	return midnight(q.From) && midnight(q.To)
}

// utcDay is the start (midnight UTC) of t's day in UTC.
func utcDay(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }

// articleTags is what the tags column holds of an article.
func articleTags(outlet string, published time.Time) string {
	tags := outletTag(outlet)
	if !published.IsZero() {
		t := published.UTC()
		tags += t.Format(" y2006 m200601 d20060102")
	}
	return tags
}

// dateTags returns the tags that cover the days from the day of from to the
// day of to's last instant (to itself excluded): whole years and months
// where they fit, days at the edges. None when to is not after from.
func dateTags(from, to time.Time) []string {
	start, end := utcDay(from), utcDay(to)
	if end.Before(to.UTC()) {
		end = end.AddDate(0, 0, 1) // a day partly in the range is in
	}
	var out []string
	for t := start; t.Before(end); {
		switch {
		case t.YearDay() == 1 && !t.AddDate(1, 0, 0).After(end):
			out = append(out, t.Format("y2006"))
			t = t.AddDate(1, 0, 0)
		case t.Day() == 1 && !t.AddDate(0, 1, 0).After(end):
			out = append(out, t.Format("m200601"))
			t = t.AddDate(0, 1, 0)
		default:
			out = append(out, t.Format("d20060102"))
			t = t.AddDate(0, 0, 1)
		}
	}
	return out
}

// tagQuery returns the FTS5 expression of q's filters on the tags column
// ("" when q has none); first and last bound an open date range (the
// index's earliest and latest publication times). ok is false when the
// filters can match nothing (a date range with no day in it).
func tagQuery(q Query, first, last time.Time) (expr string, ok bool) {
	var parts []string
	if q.Outlet != "" {
		parts = append(parts, "tags : "+outletTag(q.Outlet))
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		if first.IsZero() {
			return "", false // no article has a date
		}
		from, to := q.From, q.To
		if from.IsZero() || from.Before(first) {
			from = first
		}
		if to.IsZero() || to.After(last) {
			to = last.Add(time.Second) // last is in, To is not
		}
		days := dateTags(from, to)
		if len(days) == 0 {
			return "", false
		}
		parts = append(parts, "tags : ("+strings.Join(days, " OR ")+")")
	}
	return strings.Join(parts, " AND "), true
}
