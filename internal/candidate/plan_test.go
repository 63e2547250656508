package candidate

import (
	"slices"
	"testing"
)

func TestPlanRoutes(t *testing.T) {
	for _, c := range []struct {
		p                 Plan
		allPairs, indexed bool
	}{
		{Plan{N: 5, Story: true}, true, false},
		{Plan{N: AllPairsUpTo, Story: true}, true, false},
		{Plan{N: AllPairsUpTo + 1, Story: true}, false, true},
		{Plan{N: 5}, false, false},
		{Plan{N: 10000}, false, false},
	} {
		if got := c.p.AllPairs(); got != c.allPairs {
			t.Errorf("%+v.AllPairs() = %v", c.p, got)
		}
		if got := c.p.Indexed(); got != c.indexed {
			t.Errorf("%+v.Indexed() = %v", c.p, got)
		}
	}
}

func TestEveryPair(t *testing.T) {
	for n := range 6 {
		for from := range n + 2 {
			var want []Pair
			for i := range n {
				for j := i + 1; j < n; j++ {
					if j >= from {
						want = append(want, Pair{int32(i), int32(j)})
					}
				}
			}
			got := EveryPair(n, from)
			if !slices.Equal(got, want) {
				t.Errorf("EveryPair(%d, %d) = %v, want %v", n, from, got, want)
			}
		}
	}
}

// TestPlanCosineOnly: past AllPairsUpTo, a candidate in none of the
// aligned lists is scored by cosine alone; up to it, none is.
func TestPlanCosineOnly(t *testing.T) {
	cands := []Pair{{0, 1}, {0, 2}, {1, 2}, {2, 3}}
	copied := []Pair{{0, 1}}
	anchored := []Pair{{0, 1}, {2, 3}}
	if got := (Plan{N: AllPairsUpTo, Story: true}).CosineOnly(cands, copied, anchored); got != nil {
		t.Errorf("a corpus of %d: %v, want none scored by cosine", AllPairsUpTo, got)
	}
	got := Plan{N: AllPairsUpTo + 1, Story: true}.CosineOnly(cands, copied, anchored)
	if want := []bool{false, true, true, false}; !slices.Equal(got, want) {
		t.Errorf("a corpus of %d: %v, want %v", AllPairsUpTo+1, got, want)
	}
	if (Plan{N: AllPairsUpTo + 1}).ScoredByCosine(false) {
		t.Error("no story route, yet a pair scored by cosine")
	}
}
