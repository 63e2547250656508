package provenance

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/copydesk/copydesk/internal/cluster"
)

var now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// example is the package comment's worked example: AFP's A, the Daily
// Post's B topped and tailed from it with a credit, the Evening Herald's C
// copied from B, undated and uncredited.
func example() ([]Article, []cluster.Pair) {
	arts := []Article{
		{ID: "a", Outlet: "AFP", Published: "2025-03-01T09:00:00Z", Dateline: "PARIS (AFP) –", Words: 400},
		{ID: "b", Outlet: "Daily Post", Published: "2025-03-01T10:00:00Z", Credits: []string{"(With AFP)"}, Words: 500},
		{ID: "c", Outlet: "Evening Herald", Words: 480},
	}
	pairs := []cluster.Pair{
		// a's 400 words are all in b; b adds 100 of its own.
		{I: 0, J: 1, Relation: cluster.Derived, AInB: 0.98, BInA: 0.80, Similarity: 0.90},
		// c copies b (its intro included), so it is less like a.
		{I: 0, J: 2, Relation: cluster.Derived, AInB: 0.95, BInA: 0.80, Similarity: 0.84},
		{I: 1, J: 2, Relation: cluster.Duplicate, AInB: 0.96, BInA: 0.97, Similarity: 0.93},
	}
	return arts, pairs
}

func TestWorkedExample(t *testing.T) {
	arts, pairs := example()
	r := Build(arts, pairs, Options{Now: now})
	want := map[[2]int]Evidence{{0, 1}: ByTime, {0, 2}: ByAgency, {1, 2}: ByChain}
	if len(r.Links) != 3 {
		t.Fatalf("links %+v", r.Links)
	}
	for _, l := range r.Links {
		if ev, ok := want[[2]int{l.Source, l.Copy}]; !ok || ev != l.Evidence {
			t.Errorf("link %d → %d by %s (%s), want %v", l.Source, l.Copy, l.Evidence, l.Reason, want)
		}
	}
	if got := r.Chain(2); !slices.Equal(got, []int{2, 1, 0}) {
		t.Errorf("chain of c %v, want [2 1 0]", got)
	}
	if r.Nodes[2].Root != 0 || r.Nodes[1].Root != 0 || r.Nodes[0].Root != 0 {
		t.Errorf("roots %d %d %d, want 0", r.Nodes[0].Root, r.Nodes[1].Root, r.Nodes[2].Root)
	}
	if !r.Nodes[1].Credited || r.Nodes[2].Credited || r.Nodes[0].Credited {
		t.Errorf("credited a %v b %v c %v, want false true false", r.Nodes[0].Credited, r.Nodes[1].Credited, r.Nodes[2].Credited)
	}
	// c shares 0.80 of its words with AFP's text directly.
	if got := r.Nodes[2].WireShare; got != 0.80 {
		t.Errorf("c's wire share %.3f, want 0.80", got)
	}
	if !slices.Equal(r.Nodes[2].Agencies, []string{"AFP"}) {
		t.Errorf("c's agencies %v", r.Nodes[2].Agencies)
	}
}

// TestSiblings: two copies of one wire story point at it, not at each
// other, whatever the direction between them.
func TestSiblings(t *testing.T) {
	arts := []Article{
		{ID: "w", Outlet: "Reuters", Words: 300},
		{ID: "x", Outlet: "X Times", Words: 300},
		{ID: "y", Outlet: "Y News", Words: 200},
	}
	pairs := []cluster.Pair{
		{I: 0, J: 1, Relation: cluster.Duplicate, AInB: 0.97, BInA: 0.97, Similarity: 0.95},
		{I: 0, J: 2, Relation: cluster.Derived, AInB: 0.66, BInA: 0.98, Similarity: 0.85},
		{I: 1, J: 2, Relation: cluster.Derived, AInB: 0.65, BInA: 0.97, Similarity: 0.80},
	}
	r := Build(arts, pairs, Options{Now: now})
	for _, i := range []int{1, 2} {
		if s := r.Nodes[i].Sources; len(s) != 1 || s[0].Index != 0 {
			t.Errorf("%s's sources %+v, want the wire only", arts[i].ID, s)
		}
	}
}

func TestNoCopyNoProvenance(t *testing.T) {
	arts := []Article{{ID: "a", Outlet: "A"}, {ID: "b", Outlet: "AFP"}}
	pairs := []cluster.Pair{{I: 0, J: 1, Relation: cluster.Story, Similarity: 0.3}}
	r := Build(arts, pairs, Options{Now: now})
	if len(r.Links) != 0 || len(r.Nodes[0].Sources)+len(r.Nodes[1].Sources) != 0 {
		t.Errorf("story pair gave provenance: %+v", r)
	}
}

func TestBadTimes(t *testing.T) {
	arts := []Article{
		{ID: "a", Outlet: "A", Published: "yesterday-ish"},
		{ID: "b", Outlet: "B", Published: "2099-01-01T00:00:00Z"},
		{ID: "c", Outlet: "C", Published: "2025-01-01"},
		{ID: "d", Outlet: "D"},
	}
	var warned []string
	r := Build(arts, nil, Options{Now: now, Warn: func(id, problem string) { warned = append(warned, id+": "+problem) }})
	if len(warned) != 2 || !strings.HasPrefix(warned[0], "a: ") || !strings.HasPrefix(warned[1], "b: ") {
		t.Errorf("warnings %q, want one for a and one for b", warned)
	}
	if !r.Nodes[0].Time.IsZero() || !r.Nodes[1].Time.IsZero() || r.Nodes[2].Time.IsZero() {
		t.Errorf("times %v", []time.Time{r.Nodes[0].Time, r.Nodes[1].Time, r.Nodes[2].Time})
	}
	if len(r.Nodes) != 4 {
		t.Errorf("%d nodes, want 4: none dropped", len(r.Nodes))
	}
}

func TestNames(t *testing.T) {
	for _, c := range []struct {
		text, name string
		want       bool
	}{
		{"(With Reuters)", "Reuters", true},
		{"Source: TRT World and agencies", "TRT World", true},
		{"GENEVA (AA) –", "AA", true},
		{"PARIS (AFP) –", "PA", false},
		{"apex of the story", "AP", false},
		{"(ap)", "AP", false},
		{"By Jo Smith, Daily Post", "daily post", true},
	} {
		if got := names(c.text, c.name); got != c.want {
			t.Errorf("names(%q, %q) = %v, want %v", c.text, c.name, got, c.want)
		}
	}
}

func TestOutlets(t *testing.T) {
	arts, pairs := example()
	r := Build(arts, pairs, Options{Now: now})
	os := r.Outlets()
	if len(os) != 3 || os[0].Outlet != "AFP" || !os[0].Agency || os[0].WireShare != 0 {
		t.Fatalf("outlets %+v", os)
	}
	h := os[2]
	if h.Outlet != "Evening Herald" || h.Copies != 1 || h.UncreditedShare < 0.96 || h.WireShare < 0.79 {
		t.Errorf("herald %+v", h)
	}
}

// A date alone is some time that day: against a time on the same day it
// orders nothing, and the next evidence (here the agency) decides; against
// a time on another day it does.
func TestDateAloneOrdersOnlyOtherDays(t *testing.T) {
	pairs := []cluster.Pair{{I: 0, J: 1, Relation: cluster.Derived, AInB: 0.98, BInA: 0.80, Similarity: 0.90}}
	for _, c := range []struct {
		copyPublished string
		want          Evidence
		source        int
	}{
		{"2025-03-01", ByAgency, 0},
		{"2025-02-28", ByTime, 1},
		{"2025-03-02", ByTime, 0},
	} {
		arts := []Article{
			{ID: "a", Outlet: "AFP", Published: "2025-03-01T09:00:00Z", Words: 400},
			{ID: "b", Outlet: "Daily Post", Published: c.copyPublished, Words: 500},
		}
		r := Build(arts, pairs, Options{Now: now})
		if len(r.Links) != 1 || r.Links[0].Evidence != c.want || r.Links[0].Source != c.source {
			t.Errorf("copy published %s: links %+v, want from %d by %s", c.copyPublished, r.Links, c.source, c.want)
		}
	}
}
