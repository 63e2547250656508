package batch

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/copydesk/copydesk/internal/cluster"
)

func init() {
	register.Function3x0[string, string, func(string, string)](bothWays)
	register.Function3x0[string, string, func(string, string)](towardsSmaller)
	register.DoFn3x0[string, func(*string) bool, func(string, string)](&largeStarFn{})
	register.DoFn3x0[string, func(*string) bool, func(string, string)](&smallStarFn{})
	register.DoFn5x0[context.Context, string, func(*string) bool, func(*string) bool, func(string, string)](&rootsFn{})
	register.DoFn4x0[string, func(*string) bool, func(*edge) bool, func(string, edge)](&byComponentFn{})
	register.DoFn3x1[string, func(*edge) bool, func(string, string), error](&linkageFn{})
	register.Emitter2[string, string]()
	register.Emitter2[string, edge]()
	register.Iter1[string]()
	register.Iter1[edge]()
}

// Components labels the nodes of an undirected graph (edges: KV<node,
// node>) with the smallest node of their connected component, by rounds of
// large-star and small-star (Kiveris et al. 2014). Each round keeps the
// components and moves every edge closer to that smallest node; at
// convergence every component is a star around it. The result is
// KV<node, root> for every node that is not its own root. Edges still not
// pointing at a root after the rounds are counted in CUnconverged.
func Components(s beam.Scope, edges beam.PCollection, rounds int) beam.PCollection {
	s = s.Scope("ConnectedComponents")
	for r := range rounds {
		rs := s.Scope(fmt.Sprintf("Round%d", r+1))
		large := beam.ParDo(rs, &largeStarFn{}, beam.GroupByKey(rs, beam.ParDo(rs, bothWays, edges)))
		edges = beam.ParDo(rs, &smallStarFn{}, beam.GroupByKey(rs, beam.ParDo(rs, towardsSmaller, large)))
	}
	// Every edge is now (child, parent), child > parent.
	parents := edges
	children := beam.SwapKV(s, edges)
	return beam.ParDo(s, &rootsFn{}, beam.CoGroupByKey(s, parents, children))
}

func bothWays(u, v string, emit func(string, string)) {
	emit(u, v)
	emit(v, u)
}

func towardsSmaller(u, v string, emit func(string, string)) {
	if v <= u {
		emit(u, v)
	} else {
		emit(v, u)
	}
}

func neighbours(u string, iter func(*string) bool) (nb []string, m string) {
	m = u
	var v string
	for iter(&v) {
		nb = append(nb, v)
		m = min(m, v)
	}
	slices.Sort(nb)
	return slices.Compact(nb), m
}

// largeStarFn: node u with neighbours Γ(u) and m the smallest of Γ(u)∪{u}
// links every larger neighbour to m.
type largeStarFn struct{}

func (largeStarFn) ProcessElement(u string, iter func(*string) bool, emit func(string, string)) {
	nb, m := neighbours(u, iter)
	for _, v := range nb {
		if v > u {
			emit(v, m)
		}
	}
}

// smallStarFn: node u with its smaller-or-equal neighbours N and m the
// smallest of N∪{u} links every node of N∪{u} but m to m.
type smallStarFn struct{}

func (smallStarFn) ProcessElement(u string, iter func(*string) bool, emit func(string, string)) {
	nb, m := neighbours(u, iter)
	for _, v := range append(nb, u) {
		if v != m {
			emit(v, m)
		}
	}
}

// rootsFn labels node x with its parent, and counts x when the graph is not
// a set of stars at x: x has two parents, or a parent and children.
type rootsFn struct{}

func (rootsFn) ProcessElement(ctx context.Context, x string, parents, children func(*string) bool, emit func(string, string)) {
	ps, m := neighbours(x, parents)
	if len(ps) == 0 {
		return // a root
	}
	var c string
	if len(ps) > 1 || children(&c) {
		beam.NewCounter(Namespace, CUnconverged).Inc(ctx, 1)
	}
	emit(x, m)
}

// byComponentFn keys each edge by the root of its component (the edge's
// first node's label, or that node itself when it is the root).
type byComponentFn struct{}

func (byComponentFn) ProcessElement(a string, labels func(*string) bool, edges func(*edge) bool, emit func(string, edge)) {
	root := a
	var l string
	if labels(&l) {
		root = l
	}
	var e edge
	for edges(&e) {
		emit(root, e)
	}
}

// linkageFn runs average linkage (cluster.Groups, cluster.StoryLvl) over
// one connected component's edges. Nodes are numbered in ordinal order, so
// the result is the one cluster.Groups gives over the whole corpus: average
// linkage merges only clusters joined by edges, and its ties are broken by
// the clusters' first members, whose order the numbering keeps.
type linkageFn struct{}

func (linkageFn) ProcessElement(_ string, iter func(*edge) bool, emit func(string, string)) error {
	var edges []edge
	var nodes []string
	var e edge
	for iter(&e) {
		edges = append(edges, e)
		nodes = append(nodes, e.A, e.B)
	}
	// In compare's order (pipeline's pairs are sorted by their articles):
	// average linkage adds up weights in the order it is given the pairs,
	// and a different order can round a mean across the threshold.
	slices.SortFunc(edges, func(x, y edge) int { return cmp.Or(cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B)) })
	slices.Sort(nodes)
	nodes = slices.Compact(nodes)
	index := func(n string) int {
		i, _ := slices.BinarySearch(nodes, n)
		return i
	}
	pairs := make([]cluster.Pair, len(edges))
	for k := range edges {
		pairs[k] = edges[k].pair(index(edges[k].A), index(edges[k].B))
	}
	for i, g := range cluster.Groups(len(nodes), pairs, cluster.StoryLvl) {
		if g != i {
			emit(nodes[i], nodes[g])
		}
	}
	return nil
}
