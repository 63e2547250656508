package eval

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/cluster"
)

// # Fitting and held-out scoring on METER
//
// The derivation model (cluster.Model) is fitted on METER's labels and
// judged on pairs it was not fitted on, in two ways: on the other domain
// (fitted on courts, scored on showbiz, and the reverse), and by grouped
// cross-validation, MeterFolds folds of whole stories, so that no story's
// PA copy is seen in training and in test. Everything chosen on METER is
// chosen inside the training part: the model's weights. The measures
// themselves (align.Derive) and the fit's penalty (FitL2) were set without
// looking at METER's figures.

// MeterFolds is the number of folds of the grouped cross-validation
// (HeldOut names them 0 to 4).
const MeterFolds = 5

// Example is one labelled METER pair, verified and measured.
type Example struct {
	Pair   MeterPair
	Result align.Result
	Class  int // the gold class: 0 non, 1 partially, 2 wholly derived
}

// MeterExamples verifies every labelled pair of set, each pair directly
// (not through candidate routes), and measures in full those that
// cluster.Verify measures (cluster.Measures); docs holds the prepared text
// of each of set.Articles.
func MeterExamples(ctx context.Context, set *MeterSet, docs []*align.Doc) ([]Example, error) {
	pos := make(map[string]int, len(set.Articles))
	for i, a := range set.Articles {
		pos[a.ID] = i
	}
	out := make([]Example, 0, len(set.Pairs))
	for _, p := range set.Pairs {
		a, b := docs[pos[p.A]], docs[pos[p.B]]
		res, err := align.VerifyContext(ctx, a, b)
		if err == nil && (cluster.Measures(&res, a, b) || cluster.Classify(&res) >= cluster.Derived) {
			err = align.Derive(ctx, a, b, &res)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, Example{Pair: p, Result: res, Class: slices.Index(meterClasses, p.Relation)})
	}
	return out, nil
}

// meterClasses are METER's labels as model classes, weakest first.
var meterClasses = []string{"non", "partially", "wholly"}

// FitMeter fits the derivation model on the measured examples it applies
// to (cluster.Applies), those whose passages already decide included: they
// are the clearest derived copy there is.
func FitMeter(ex []Example) (*cluster.Model, error) {
	var x [][]float64
	var y []int
	for k := range ex {
		if r := &ex[k].Result; r.A.Words > 0 && cluster.Applies(r) {
			x = append(x, cluster.Features(r))
			y = append(y, ex[k].Class)
		}
	}
	m, err := Fit(x, y, int(cluster.NumClasses))
	if err != nil {
		return nil, err
	}
	return ModelOf(m), nil
}

// Split is one held-out protocol's outcome: the gold pairs scored and the
// relations predicted for them by a model fitted without them.
type Split struct {
	Name string
	Gold []GoldPair
	Pred map[Key]string
}

// HeldOut runs the held-out protocols: each domain scored by a model
// fitted on the other, and grouped cross-validation by story.
func HeldOut(ex []Example) ([]Split, error) {
	var out []Split
	for _, d := range [][2]string{{"courts", "showbiz"}, {"showbiz", "courts"}} {
		s, err := heldOut(fmt.Sprintf("METER %s, fitted on %s", d[1], d[0]), ex, func(e *Example) int {
			return boolInt(e.Pair.Domain == d[1])
		}, 1)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	fold := storyFolds(ex)
	s, err := heldOut(fmt.Sprintf("METER courts+showbiz, %d-fold cross-validation by story", MeterFolds), ex, func(e *Example) int {
		return fold[e.Pair.Story]
	}, 0, 1, 2, 3, 4)
	if err != nil {
		return nil, err
	}
	return append(out, s), nil
}

// heldOut scores the examples of each of the parts named with a model
// fitted on all the other examples.
func heldOut(name string, ex []Example, part func(*Example) int, parts ...int) (Split, error) {
	s := Split{Name: name, Pred: make(map[Key]string)}
	for _, f := range parts {
		var train []Example
		for k := range ex {
			if part(&ex[k]) != f {
				train = append(train, ex[k])
			}
		}
		m, err := FitMeter(train)
		if err != nil {
			return Split{}, err
		}
		for k := range ex {
			e := &ex[k]
			if part(e) == f {
				s.Gold = append(s.Gold, e.Pair.GoldPair)
				s.Pred[KeyOf(e.Pair.A, e.Pair.B)] = m.Classify(&e.Result).String()
			}
		}
	}
	return s, nil
}

// storyFolds deals METER's stories, in name order, to MeterFolds folds in
// turn.
func storyFolds(ex []Example) map[string]int {
	var stories []string
	for _, e := range ex {
		stories = append(stories, e.Pair.Story)
	}
	slices.SortFunc(stories, cmp.Compare)
	stories = slices.Compact(stories)
	fold := make(map[string]int, len(stories))
	for k, s := range stories {
		fold[s] = k % MeterFolds
	}
	return fold
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
