package cluster

import (
	"slices"
	"testing"
)

func TestParseLevel(t *testing.T) {
	for _, l := range []Level{Copy, StoryLvl} {
		if got, err := ParseLevel(l.String()); err != nil || got != l {
			t.Errorf("ParseLevel(%q) = %v, %v", l.String(), got, err)
		}
	}
	for _, s := range []string{"", "Copy", "stories", "duplicate"} {
		if _, err := ParseLevel(s); err == nil {
			t.Errorf("ParseLevel(%q): no error", s)
		}
	}
}

// TestComparePairs: strongest relation first; within a relation the higher
// score (the larger covered share for copy, the cosine otherwise) first;
// equal scores in input order.
func TestComparePairs(t *testing.T) {
	pairs := []Pair{
		{I: 0, J: 1, Relation: Story, Similarity: 0.2},
		{I: 0, J: 2, Relation: Partial, AInB: 0.1, BInA: 0.3, Similarity: 0.9},
		{I: 1, J: 2, Relation: Story, Similarity: 0.6},
		{I: 0, J: 3, Relation: Partial, AInB: 0.4, BInA: 0.2, Similarity: 0.1},
		{I: 2, J: 3, Relation: Duplicate, AInB: 0.9, BInA: 0.95},
		{I: 1, J: 3, Relation: Story, Similarity: 0.6},
		{I: 0, J: 4, Relation: Unrelated, Similarity: 0.05},
	}
	slices.SortFunc(pairs, ComparePairs)
	var got [][2]int
	for _, p := range pairs {
		got = append(got, [2]int{p.I, p.J})
	}
	want := [][2]int{{2, 3}, {0, 3}, {0, 2}, {1, 2}, {1, 3}, {0, 1}, {0, 4}}
	if !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
	if s := (&Pair{Relation: Derived, AInB: 0.2, BInA: 0.7, Similarity: 0.9}).Score(); s != 0.7 {
		t.Errorf("derived pair's score %v, want 0.7 (its larger covered share)", s)
	}
}
