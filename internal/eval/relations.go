package eval

// # Relations
//
// Relations are scored as a classification of the gold pairs: each gold
// pair {a, b, relation} is looked up among the pairs copydesk output, in
// either order; a pair copydesk did not output is `unrelated`. Per class,
// precision is the share of pairs predicted as the class that gold gives
// that class, recall the converse; macro-F1 is the mean F1 over the classes
// gold uses. Pairs copydesk output that are not in the gold file are not
// scored: a gold file labels a sample, not every pair of a corpus.
//
// Gold labels are either copydesk's relation names (duplicate, derived,
// partial, story, unrelated) or the three derivation classes of the METER
// corpus (Gaizauskas et al. 2001; Clough et al. 2002), which label a
// newspaper article by how much of it comes from a wire story:
//
//	wholly     duplicate, derived   the article is built from the wire copy
//	partially  partial              some of it is
//	non        story, unrelated     it was written independently
//
// With METER labels, copydesk's relations are mapped onto the three classes
// by the table above before scoring (Derivation).

import (
	"fmt"
	"slices"
	"strings"
)

// Relation names as copydesk writes them, weakest first.
var relationClasses = []string{"unrelated", "story", "partial", "derived", "duplicate"}

// Derivation classes (METER), weakest first.
var derivationClasses = []string{"non", "partially", "wholly"}

// Derivation maps a copydesk relation onto its METER derivation class.
func Derivation(relation string) string {
	switch relation {
	case "duplicate", "derived":
		return "wholly"
	case "partial":
		return "partially"
	}
	return "non"
}

// derivationLabel reads the spellings of the METER classes.
func derivationLabel(s string) (string, bool) {
	switch strings.ToLower(strings.ReplaceAll(s, "-", "_")) {
	case "wholly", "wholly_derived", "wd":
		return "wholly", true
	case "partially", "partially_derived", "pd":
		return "partially", true
	case "non", "non_derived", "nd":
		return "non", true
	}
	return "", false
}

// GoldPair is one labelled pair.
type GoldPair struct {
	A        string `json:"a"`
	B        string `json:"b"`
	Relation string `json:"relation"`
}

// Key is an unordered pair of ids.
type Key [2]string

// KeyOf returns the key of the pair a, b in either order.
func KeyOf(a, b string) Key {
	if b < a {
		a, b = b, a
	}
	return Key{a, b}
}

// ClassScores are the scores of one class.
type ClassScores struct {
	Class     string  `json:"class"`
	Gold      int     `json:"gold"`      // pairs gold gives this class
	Predicted int     `json:"predicted"` // gold pairs predicted as this class
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
}

// RelationScores compares predicted relations with gold ones.
type RelationScores struct {
	Pairs   int           `json:"pairs"`
	Classes []ClassScores `json:"classes"` // weakest class first
	MacroF1 float64       `json:"macro_f1"`
	// Accuracy is the share of gold pairs predicted right.
	Accuracy float64 `json:"accuracy"`
	// Confusion[g][p] counts gold pairs of class Classes[g] predicted as
	// Classes[p].
	Confusion [][]int `json:"confusion"`
}

// Relations scores predicted relations (pred maps a pair to its relation
// name; pairs missing are unrelated) against the gold pairs. The classes are
// copydesk's relations, or METER's derivation classes when every gold label
// is one of those. A gold label that is neither is an error naming it.
func Relations(gold []GoldPair, pred map[Key]string) (RelationScores, error) {
	classes := relationClasses
	mapPred := func(s string) string { return s }
	meter := len(gold) > 0
	for _, g := range gold {
		if _, ok := derivationLabel(g.Relation); !ok {
			meter = false
			break
		}
	}
	if meter {
		classes, mapPred = derivationClasses, Derivation
	}
	idx := make(map[string]int)
	for i, c := range classes {
		idx[c] = i
	}
	conf := make([][]int, len(classes))
	for i := range conf {
		conf[i] = make([]int, len(classes))
	}
	for _, g := range gold {
		label := g.Relation
		if meter {
			label, _ = derivationLabel(label)
		}
		gi, ok := idx[label]
		if !ok {
			return RelationScores{}, fmt.Errorf("pair %s, %s: unknown relation %q (want %s, or %s)",
				g.A, g.B, g.Relation, strings.Join(relationClasses, ", "), strings.Join(derivationClasses, ", "))
		}
		p, ok := pred[KeyOf(g.A, g.B)]
		if !ok {
			p = "unrelated"
		}
		pi, ok := idx[mapPred(p)]
		if !ok {
			return RelationScores{}, fmt.Errorf("pair %s, %s: predicted relation %q is not a relation", g.A, g.B, p)
		}
		conf[gi][pi]++
	}
	return scoresOf(classes, conf), nil
}

// scoresOf scores a confusion matrix (gold rows, predicted columns) over
// the classes named.
func scoresOf(classes []string, conf [][]int) RelationScores {
	pairs := 0
	for _, row := range conf {
		for _, n := range row {
			pairs += n
		}
	}
	s := RelationScores{Pairs: pairs, Confusion: conf}
	used, right := 0, 0
	for i, c := range classes {
		cs := ClassScores{Class: c}
		for j := range classes {
			cs.Gold += conf[i][j]
			cs.Predicted += conf[j][i]
		}
		right += conf[i][i]
		cs.Precision = ratio(float64(conf[i][i]), float64(cs.Predicted))
		cs.Recall = ratio(float64(conf[i][i]), float64(cs.Gold))
		cs.F1 = f1(cs.Precision, cs.Recall)
		if cs.Gold > 0 {
			s.MacroF1 += cs.F1
			used++
		}
		s.Classes = append(s.Classes, cs)
	}
	s.MacroF1 = ratio(s.MacroF1, float64(used))
	s.Accuracy = ratio(float64(right), float64(pairs))
	return s
}

// Class returns the scores of the named class, or false.
func (s *RelationScores) Class(name string) (ClassScores, bool) {
	i := slices.IndexFunc(s.Classes, func(c ClassScores) bool { return c.Class == name })
	if i < 0 {
		return ClassScores{}, false
	}
	return s.Classes[i], true
}

// AsDerivation collapses gold relations written as copydesk relation names
// to METER's three classes, so that the calibration set can be scored the
// way the METER judge scores.
func AsDerivation(gold []GoldPair) []GoldPair {
	out := make([]GoldPair, len(gold))
	for i, g := range gold {
		out[i] = GoldPair{A: g.A, B: g.B, Relation: Derivation(g.Relation)}
	}
	return out
}
