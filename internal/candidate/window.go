package candidate

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/copydesk/copydesk/internal/align"
)

// The story window. News stories are local in time: two reports of one
// event are published within days of each other, and over a year of news
// the story route's shared names and places ("the minister", "Paris") pair
// more and more articles about different events. A Window bounds the story
// route to articles published close together. For example, under a window
// of 3d an article published on 1 May 10:00 is a story candidate of one of
// 4 May 09:00, and not of one of 4 May 11:00; their copy relations (the
// LSH and anchor routes) are found whatever the time between them, since
// copy is taken weeks later as well as minutes.
//
// An article without a publication time is placed where its feed put it:
// at the time of the closest dated article before it in input order (the
// first dated one after it, for those at the head of the input). A date
// alone spans its day. A window of a number of articles instead places
// every article at its position in input order, for corpora without times.

// Window bounds the story route (Plan.Window). At most one field is set;
// the zero Window bounds nothing.
type Window struct {
	Span     time.Duration // published at most this far apart
	Articles int           // at most this many articles apart in input order
}

// ParseWindow reads a window as a command line gives it: a duration in
// days, hours or minutes ("3d", "36h", "90m", "1d12h"), or a number of
// articles ("5000"). "" and "0" are the zero Window.
func ParseWindow(s string) (Window, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" {
		return Window{}, nil
	}
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 {
			return Window{}, fmt.Errorf("window %q: a number of articles is at least 1", s)
		}
		return Window{Articles: n}, nil
	}
	span, err := parseDays(s)
	if err != nil || span <= 0 {
		return Window{}, fmt.Errorf("window %q: give a duration (3d, 36h, 90m) or a number of articles", s)
	}
	return Window{Span: span}, nil
}

// parseDays is time.ParseDuration with days ("d", 24 hours) in front.
func parseDays(s string) (time.Duration, error) {
	days, rest, ok := strings.Cut(s, "d")
	if !ok {
		return time.ParseDuration(s)
	}
	n, err := strconv.Atoi(days)
	if err != nil || n < 0 || n > 100000 {
		return 0, fmt.Errorf("bad days %q", days)
	}
	out := time.Duration(n) * 24 * time.Hour
	if rest != "" {
		d, err := time.ParseDuration(rest)
		if err != nil || d < 0 {
			return 0, fmt.Errorf("bad duration %q", rest)
		}
		out += d
	}
	return out, nil
}

// IsZero reports whether w bounds nothing.
func (w Window) IsZero() bool { return w.Span <= 0 && w.Articles <= 0 }

// String gives w as ParseWindow reads it.
func (w Window) String() string {
	switch {
	case w.Articles > 0:
		return strconv.Itoa(w.Articles)
	case w.Span <= 0:
		return "0"
	case w.Span%(24*time.Hour) == 0:
		return strconv.FormatInt(int64(w.Span/(24*time.Hour)), 10) + "d"
	}
	return w.Span.String()
}

// Place is an article's extent on a window's axis: seconds since 1970
// for a window of time (a date alone is its day), its input position for
// a window of articles.
type Place struct{ From, To int64 }

// Places places the articles of a corpus, published at times (in input
// order; the zero When for an undated one), on w's axis. dated is false
// when w is a window of time and no article has a time: then every place
// is the same and the window bounds nothing. nil for the zero Window.
func (w Window) Places(times []align.When) (places []Place, dated bool) {
	if w.IsZero() {
		return nil, false
	}
	places = make([]Place, len(times))
	if w.Articles > 0 {
		for i := range places {
			places[i] = Place{int64(i), int64(i)}
		}
		return places, true
	}
	first := slices.IndexFunc(times, func(t align.When) bool { return !t.At.IsZero() })
	if first < 0 {
		return places, false
	}
	last := extent(times[first])
	for i, t := range times {
		if !t.At.IsZero() {
			last = extent(t)
		}
		places[i] = last
	}
	return places, true
}

// extent is the Place of a publication time, in seconds.
func extent(t align.When) Place {
	from := t.At.Unix()
	return Place{from, from + int64(t.Within/time.Second)}
}

// Near reports whether articles at places a and b are within w of each
// other: the gap between their extents is at most w's span or count.
func (w Window) Near(a, b Place) bool {
	limit := int64(w.Span / time.Second)
	if w.Articles > 0 {
		limit = int64(w.Articles)
	}
	return max(a.From, b.From)-min(a.To, b.To) <= limit
}
