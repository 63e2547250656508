package framing

import (
	"cmp"
	"math"
	"slices"

	"github.com/copydesk/copydesk/internal/shingle"
)

// # Distinctive terms
//
// Which words does one outlet use more than the others of its cluster,
// beyond chance? Raw frequency differences favour common words; plain
// log-odds favour rare ones. The weighted log-odds ratio with an
// informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin'
// Words", eq. 16–22) shrinks both: for word w, outlet i against the rest
// of the cluster j,
//
//	δ_w = log((y_wi+α_w) / (n_i+α_0−y_wi−α_w)) − log((y_wj+α_w) / (n_j+α_0−y_wj−α_w))
//	σ²_w ≈ 1/(y_wi+α_w) + 1/(y_wj+α_w)
//	z_w = δ_w / σ_w
//
// where y counts the word, n counts all words, and the prior α_w = α_0 ·
// (the word's share of the whole cluster) is informative: a word common in
// the cluster needs a large difference to stand out. A term is distinctive
// for an outlet when z_w ≥ MinZ and the outlet uses it at least MinUses
// times. For example, in the seeds "rebel" is 003's (5 uses against 2 in
// the four others, z ≈ 2.8) and "ISIS" 004's (5 against 0).

const (
	// Alpha0 is the prior's total weight, in words: a fifth of an article's
	// worth, 100 words, tuned on the seeds, where 500 let only one or two
	// terms per outlet through and 50 let stock words ("cessation") in.
	Alpha0 = 100.0
	// MinZ is the z-score a term needs (1.96: 95% two-sided).
	MinZ = 1.96
	// MinUses: a word used once is no outlet's choice.
	MinUses = 2
	// TopTerms is the most distinctive terms listed per outlet.
	TopTerms = 10
)

// Term is one distinctive term of one outlet.
type Term struct {
	Term   string  `json:"term"`   // as the outlet prints it most often
	Uses   int     `json:"uses"`   // in this outlet
	Others int     `json:"others"` // in the other outlets together
	Z      float64 `json:"z"`      // weighted log-odds z-score, rounded to two decimals
}

// OutletTerms is the distinctive terms of one outlet.
type OutletTerms struct {
	Article string `json:"article"`
	Label   string `json:"label"`
	Terms   []Term `json:"terms"`
}

// Distinctive scores every content word of each doc against the other docs
// and returns each doc's most distinctive terms, strongest first.
func Distinctive(docs []Doc) []OutletTerms {
	counts := make([]map[string]int, len(docs))
	surface := make([]map[string]map[string]int, len(docs))
	total := make(map[string]int)
	sizes := make([]int, len(docs))
	all := 0
	for i, d := range docs {
		counts[i] = make(map[string]int)
		surface[i] = make(map[string]map[string]int)
		for _, t := range shingle.Tokens(d.Text) {
			w := d.Text[t.Start:t.End]
			n := shingle.Normalize(w)
			if shingle.IsStopword(t.Hash) || len([]rune(n)) < 2 || isNumber(n) {
				continue
			}
			counts[i][n]++
			if surface[i][n] == nil {
				surface[i][n] = make(map[string]int)
			}
			surface[i][n][w]++
			total[n]++
			sizes[i]++
			all++
		}
	}
	out := make([]OutletTerms, len(docs))
	for i, d := range docs {
		out[i] = OutletTerms{Article: d.ID, Label: d.Label}
		ni, nj := float64(sizes[i]), float64(all-sizes[i])
		if len(docs) < 2 || ni == 0 || nj == 0 {
			continue
		}
		for w, y := range counts[i] {
			if y < MinUses {
				continue
			}
			yi, yj := float64(y), float64(total[w]-y)
			z := logOdds(yi, yj, ni, nj, Alpha0*float64(total[w])/float64(all))
			if z >= MinZ {
				out[i].Terms = append(out[i].Terms, Term{Term: mostUsed(surface[i][w]), Uses: y, Others: total[w] - y, Z: math.Round(z*100) / 100})
			}
		}
		slices.SortFunc(out[i].Terms, func(a, b Term) int {
			return cmp.Or(cmp.Compare(b.Z, a.Z), cmp.Compare(b.Uses, a.Uses), cmp.Compare(a.Term, b.Term))
		})
		if len(out[i].Terms) > TopTerms {
			out[i].Terms = out[i].Terms[:TopTerms]
		}
	}
	return out
}

// logOdds is the z-score of the weighted log-odds ratio of a word used yi
// times in ni words against yj times in nj words, under prior weight a
// (of a total Alpha0).
func logOdds(yi, yj, ni, nj, a float64) float64 {
	d := math.Log((yi+a)/(ni+Alpha0-yi-a)) - math.Log((yj+a)/(nj+Alpha0-yj-a))
	v := 1/(yi+a) + 1/(yj+a)
	return d / math.Sqrt(v)
}

// mostUsed returns the most frequent spelling, ties to the smallest.
func mostUsed(m map[string]int) string {
	best, n := "", -1
	for s, c := range m {
		if c > n || c == n && s < best {
			best, n = s, c
		}
	}
	return best
}
