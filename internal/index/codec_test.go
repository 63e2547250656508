package index

import (
	"testing"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/cluster"
)

// A verdict of the derivation model survives its packing into the edges
// table's derivation and share columns, with which text came first; the
// codes of edges stored before that read as undated.
func TestVerdictCode(t *testing.T) {
	var vs []cluster.Verdict
	for _, first := range []align.Order{align.Undated, align.AFirst, align.BFirst} {
		vs = append(vs, cluster.Verdict{Derived: -1, First: first})
		for c := cluster.NotDerived; c < cluster.NumClasses; c++ {
			for side := range 2 {
				vs = append(vs, cluster.Verdict{Class: c, Derived: side, Share: 0.25 * float64(side+1), Reworded: 0.1 * float64(side), First: first})
			}
		}
	}
	for code := range 1 + 2*int(cluster.NumClasses) {
		if got := verdictOf(code, 0, 0); got.First != align.Undated {
			t.Errorf("code %d, as stored before times: %+v, want undated", code, got)
		}
	}
	for _, v := range vs {
		if got := verdictOf(derivationCode(v), v.Share, v.Reworded); got != v && (v.Derived >= 0 || got.Derived != -1) {
			t.Errorf("%+v came back as %+v", v, got)
		}
	}
	if got := verdictOf(99, 0.5, 0); got.Derived != -1 {
		t.Errorf("an unknown code gave %+v, want not measured", got)
	}
}
