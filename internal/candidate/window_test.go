package candidate

import (
	"slices"
	"testing"
	"time"

	"github.com/copydesk/copydesk/internal/align"
)

func TestParseWindow(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Window
		str  string
	}{
		{"", Window{}, "0"},
		{"0", Window{}, "0"},
		{"3d", Window{Span: 72 * time.Hour}, "3d"},
		{"1d12h", Window{Span: 36 * time.Hour}, "36h0m0s"},
		{"36h", Window{Span: 36 * time.Hour}, "36h0m0s"},
		{"90m", Window{Span: 90 * time.Minute}, "1h30m0s"},
		{"5000", Window{Articles: 5000}, "5000"},
	} {
		got, err := ParseWindow(c.in)
		if err != nil || got != c.want || got.String() != c.str {
			t.Errorf("ParseWindow(%q) = %+v (%q), %v; want %+v (%q)", c.in, got, got.String(), err, c.want, c.str)
		}
	}
	for _, bad := range []string{"-1", "-3d", "3x", "d", "3dd", "1.5d", "week", "0h", "1d-2h"} {
		if w, err := ParseWindow(bad); err == nil {
			t.Errorf("ParseWindow(%q) = %+v, want an error", bad, w)
		}
	}
}

// TestWindowPlaces: an undated article takes the time of the dated one
// before it in input order (of the first dated one, at the head); a date
// alone spans its day; a window of articles goes by input position.
func TestWindowPlaces(t *testing.T) {
	day := func(d, h int) align.When {
		return align.When{At: time.Date(2026, 5, d, h, 0, 0, 0, time.UTC)}
	}
	date := align.When{At: time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC), Within: 24 * time.Hour}
	times := []align.When{{}, day(1, 10), {}, day(4, 9), day(4, 11), date, {}}
	w := Window{Span: 72 * time.Hour}
	places, dated := w.Places(times)
	if !dated {
		t.Fatal("dated = false with dated articles")
	}
	near := func(i, j int) bool { return w.Near(places[i], places[j]) }
	for _, c := range []struct {
		i, j int
		want bool
	}{
		{1, 3, true},  // 1 May 10:00 and 4 May 09:00: 71 hours
		{1, 4, false}, // and 4 May 11:00: 73 hours
		{0, 1, true},  // undated at the head: the first dated time
		{0, 4, false},
		{2, 1, true}, // undated: the time of the one before it
		{2, 4, false},
		{1, 5, true}, // 4 May as a date alone begins at midnight
		{6, 5, true}, // the last one takes the date's day
		{6, 1, true}, // ... which begins within 3 days of 1 May 10:00
		{4, 5, true}, // 4 May 11:00 is in 4 May
	} {
		if got := near(c.i, c.j); got != c.want || near(c.j, c.i) != got {
			t.Errorf("Near(%d, %d) = %v, want %v either way round", c.i, c.j, got, c.want)
		}
	}

	if _, dated := w.Places(make([]align.When, 3)); dated {
		t.Error("dated = true with no article dated")
	}
	count := Window{Articles: 2}
	places, _ = count.Places(times)
	if !count.Near(places[0], places[2]) || count.Near(places[0], places[3]) {
		t.Errorf("a window of 2 articles: places %v", places)
	}
	if p, _ := (Window{}).Places(times); p != nil {
		t.Errorf("the zero Window placed %v", p)
	}
}

// TestStoryPairsWindowed: a Window drops the story pairs of articles far
// apart, on both routes, and keeps the others in order.
func TestStoryPairsWindowed(t *testing.T) {
	w := Window{Articles: 1}
	places, _ := w.Places(make([]align.When, 4))
	small := Plan{N: 4, Story: true, Window: w, Places: places}
	got, st := small.StoryPairs(nil)
	want := []Pair{{0, 1}, {1, 2}, {2, 3}}
	if !slices.Equal(got, want) || st.Pairs != len(want) {
		t.Errorf("all-pairs route under a window of 1: %v (%d), want %v", got, st.Pairs, want)
	}

	n := AllPairsUpTo + 3
	keys := make([][]uint64, n)
	for i := range keys {
		keys[i] = []uint64{1, 2} // one bucket of every article, past MaxBucket: dropped
	}
	keys[0], keys[1], keys[n-1] = []uint64{7, 8}, []uint64{7, 8}, []uint64{7, 8}
	w = Window{Articles: 10}
	places, _ = w.Places(make([]align.When, n))
	big := Plan{N: n, Story: true, Window: w, Places: places}
	got, st = big.StoryPairs(keys)
	if want := []Pair{{0, 1}}; !slices.Equal(got, want) || st.Pairs != 1 {
		t.Errorf("term route under a window of 10: %v (%d), want %v", got, st.Pairs, want)
	}
	big.Window, big.Places = Window{}, nil
	if got, _ = big.StoryPairs(keys); len(got) != 3 {
		t.Errorf("term route, no window: %v, want the 3 pairs of articles 0, 1 and %d", got, n-1)
	}
}
