// Package eval measures copydesk's accuracy on labelled data: story
// clusters against a gold label per article, and pair relations against a
// gold file of labelled pairs. It also builds the calibration set the
// relation thresholds were chosen on (synth.go): real article text cut,
// spliced, trimmed and rewritten by a seeded generator, so that every
// relation has pairs whose answer is known by construction.
//
// # Clusters
//
// A clustering is compared with the gold one by four families of scores:
//
//   - Adjusted Rand Index (Hubert and Arabie 1985): agreement on every pair
//     of items (together or apart), corrected for chance, so that a random
//     clustering scores about 0 and the gold one 1. Computed from the
//     contingency table: with n_ij items in predicted cluster i and gold
//     cluster j, a_i and b_j the row and column sums and C(x) = x(x-1)/2,
//
//     ARI = (Σ C(n_ij) − E) / (½(Σ C(a_i) + Σ C(b_j)) − E),
//     E = Σ C(a_i) · Σ C(b_j) / C(n).
//
//   - B-cubed precision and recall (Bagga and Baldwin 1998): for each item,
//     the share of its predicted cluster that is in its gold cluster
//     (precision) and the share of its gold cluster that is in its predicted
//     cluster (recall), averaged over items.
//
//   - Pairwise precision and recall: over the pairs put together by the
//     prediction, the share that gold puts together, and the converse.
//
//   - Cluster counts: how many clusters were found and how many gold has.
//
// A worked example: gold {a b c}{d e}, predicted {a b}{c d e}. Pairs
// together in the prediction: ab, cd, ce, de; in gold: ab, ac, bc, de.
// Two agree, so pairwise precision = recall = 2/4. B-cubed precision:
// a 1, b 1, c 1/3, d 2/3, e 2/3, mean 11/15.
//
// # Relations
//
// See relations.go.
package eval

import (
	"cmp"
	"slices"
)

// ClusterScores compares a predicted clustering with a gold one.
type ClusterScores struct {
	Items         int     `json:"items"`
	ARI           float64 `json:"ari"`
	BCubedP       float64 `json:"bcubed_precision"`
	BCubedR       float64 `json:"bcubed_recall"`
	BCubedF1      float64 `json:"bcubed_f1"`
	PairP         float64 `json:"pairwise_precision"`
	PairR         float64 `json:"pairwise_recall"`
	PairF1        float64 `json:"pairwise_f1"`
	Clusters      int     `json:"clusters"`
	GoldClusters  int     `json:"gold_clusters"`
	Singletons    int     `json:"singletons"` // predicted clusters of one item
	GoldSingleton int     `json:"gold_singletons"`
}

// Clustering scores predicted labels against gold labels, item by item
// (pred[i] and gold[i] label item i; labels are only compared for
// equality). It panics if the lengths differ, a programming error.
func Clustering[P, G comparable](pred []P, gold []G) ClusterScores {
	if len(pred) != len(gold) {
		panic("eval.Clustering: pred and gold differ in length")
	}
	n := len(pred)
	s := ClusterScores{Items: n}
	if n == 0 {
		return s
	}
	pi, np := index(pred)
	gi, ng := index(gold)
	a := make([]int, np) // predicted cluster sizes
	b := make([]int, ng) // gold cluster sizes
	cell := make(map[[2]int]int)
	for k := range n {
		a[pi[k]]++
		b[gi[k]]++
		cell[[2]int{pi[k], gi[k]}]++
	}
	s.Clusters, s.GoldClusters = np, ng
	for _, x := range a {
		if x == 1 {
			s.Singletons++
		}
	}
	for _, x := range b {
		if x == 1 {
			s.GoldSingleton++
		}
	}
	var sumCell, sumA, sumB float64
	for _, x := range cell {
		sumCell += choose2(x)
	}
	for _, x := range a {
		sumA += choose2(x)
	}
	for _, x := range b {
		sumB += choose2(x)
	}
	// ARI.
	expected := sumA * sumB / choose2(n)
	maxIndex := (sumA + sumB) / 2
	switch {
	case n < 2:
		s.ARI = 1
	case maxIndex == expected:
		// Both clusterings are all-singletons or all-one: ARI is 1 if they
		// agree and undefined (taken as 0) otherwise.
		if sumA == sumB {
			s.ARI = 1
		}
	default:
		s.ARI = (sumCell - expected) / (maxIndex - expected)
	}
	// Pairwise.
	s.PairP = ratio(sumCell, sumA)
	s.PairR = ratio(sumCell, sumB)
	s.PairF1 = f1(s.PairP, s.PairR)
	// B-cubed: item k in cell (i, j) has precision n_ij/a_i, recall n_ij/b_j.
	var p, r float64
	for k := range n {
		nij := float64(cell[[2]int{pi[k], gi[k]}])
		p += nij / float64(a[pi[k]])
		r += nij / float64(b[gi[k]])
	}
	s.BCubedP, s.BCubedR = p/float64(n), r/float64(n)
	s.BCubedF1 = f1(s.BCubedP, s.BCubedR)
	return s
}

// index numbers the distinct labels in order of first appearance.
func index[T comparable](labels []T) ([]int, int) {
	ids := make(map[T]int)
	out := make([]int, len(labels))
	for k, l := range labels {
		id, ok := ids[l]
		if !ok {
			id = len(ids)
			ids[l] = id
		}
		out[k] = id
	}
	return out, len(ids)
}

func choose2(x int) float64 { return float64(x) * float64(x-1) / 2 }

func ratio(num, den float64) float64 {
	if den == 0 {
		return 0
	}
	return num / den
}

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// Members lists the items of each cluster, clusters in order of their first
// item, for printing.
func Members[T comparable](labels []T) [][]int {
	ids, n := index(labels)
	out := make([][]int, n)
	for k, id := range ids {
		out[id] = append(out[id], k)
	}
	slices.SortFunc(out, func(x, y []int) int { return cmp.Compare(x[0], y[0]) })
	return out
}
