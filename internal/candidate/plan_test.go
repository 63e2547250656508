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
