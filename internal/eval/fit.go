package eval

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/optimize"

	"github.com/copydesk/copydesk/internal/cluster"
)

// FitL2 is the ridge penalty of Fit, per weight, on the mean log loss.
const FitL2 = 0.01

// Logistic is a multinomial logistic regression: W[c] holds class c's
// weight of each feature, then its bias; class 0's weights are zero.
type Logistic struct {
	W [][]float64
}

// Predict returns the most probable class for features x.
func (m *Logistic) Predict(x []float64) int {
	best, top := 0, math.Inf(-1)
	for c, w := range m.W {
		z := w[len(x)]
		for f, v := range x {
			z += w[f] * v
		}
		if z > top {
			best, top = c, z
		}
	}
	return best
}

// Fit fits a multinomial logistic regression of classes 0..k-1 to labelled
// feature vectors by L-BFGS on the L2-penalised log loss, each class
// weighed by the inverse of its frequency (so that every class counts
// alike, as macro-F1 counts them), class 0 the reference.
func Fit(x [][]float64, y []int, k int) (*Logistic, error) {
	if len(x) == 0 {
		return nil, fmt.Errorf("fit: no examples")
	}
	nf := len(x[0])
	freq := make([]float64, k)
	for _, c := range y {
		freq[c]++
	}
	weight := make([]float64, k)
	for c := range weight {
		if freq[c] > 0 {
			weight[c] = float64(len(y)) / (float64(k) * freq[c])
		}
	}
	l := &loss{x: x, y: y, k: k, nf: nf, weight: weight}
	p := optimize.Problem{Func: func(w []float64) float64 { return l.eval(w, nil) }, Grad: func(g, w []float64) { l.eval(w, g) }}
	res, err := optimize.Minimize(p, make([]float64, (k-1)*(nf+1)), &optimize.Settings{GradientThreshold: 1e-7}, &optimize.LBFGS{})
	if res == nil {
		return nil, fmt.Errorf("fit: %w", err)
	}
	m := &Logistic{W: make([][]float64, k)}
	m.W[0] = make([]float64, nf+1)
	for c := 1; c < k; c++ {
		m.W[c] = append([]float64(nil), res.X[(c-1)*(nf+1):c*(nf+1)]...)
	}
	return m, nil
}

// loss is the weighted, penalised mean log loss of a fit.
type loss struct {
	x      [][]float64
	y      []int
	k, nf  int
	weight []float64
}

// eval returns the loss at weights w and, when grad is not nil, stores its
// gradient there.
func (l *loss) eval(w []float64, grad []float64) float64 {
	stride := l.nf + 1
	clear(grad)
	z := make([]float64, l.k)
	total, norm := 0.0, 0.0
	for n, xs := range l.x {
		z[0] = 0
		for c := 1; c < l.k; c++ {
			wc := w[(c-1)*stride:]
			z[c] = wc[l.nf]
			for f, v := range xs {
				z[c] += wc[f] * v
			}
		}
		top := z[0]
		for _, v := range z {
			top = max(top, v)
		}
		sum := 0.0
		for c := range z {
			z[c] = math.Exp(z[c] - top)
			sum += z[c]
		}
		wt := l.weight[l.y[n]]
		norm += wt
		total -= wt * math.Log(z[l.y[n]]/sum)
		if grad == nil {
			continue
		}
		for c := 1; c < l.k; c++ {
			d := z[c] / sum
			if c == l.y[n] {
				d--
			}
			d *= wt
			g := grad[(c-1)*stride:]
			for f, v := range xs {
				g[f] += d * v
			}
			g[l.nf] += d
		}
	}
	for k := range grad {
		grad[k] /= norm
	}
	total /= norm
	for k, v := range w {
		if k%stride == l.nf {
			continue // biases are not penalised
		}
		total += FitL2 / 2 * v * v
		if grad != nil {
			grad[k] += FitL2 * v
		}
	}
	return total
}

// ModelOf turns a fit of the derivation model's features into a
// cluster.Model.
func ModelOf(m *Logistic) *cluster.Model {
	var out cluster.Model
	for c := range out.W {
		copy(out.W[c][:], m.W[c])
	}
	return &out
}

// GoSource writes the weights of m as the body of cluster.Fitted's
// literal, one line a weight named by its feature.
func GoSource(m *cluster.Model) string {
	var b strings.Builder
	names := append(slices.Clone(cluster.FeatureNames), "bias")
	for c, label := range []string{"PartlyDerived", "WhollyDerived"} {
		fmt.Fprintf(&b, "\t%s: {\n", label)
		for f, w := range m.W[c+1] {
			fmt.Fprintf(&b, "\t\t%.4f, // %s\n", w, names[f])
		}
		b.WriteString("\t},\n")
	}
	return b.String()
}
