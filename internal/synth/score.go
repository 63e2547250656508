package synth

import (
	"fmt"
	"math"
)

// Found is one pair a run reported, by article id, with its relation name
// (the "a", "b" and "relation" fields of compare pairs).
type Found struct {
	A, B     string
	Relation string
}

// Scores measures a run against the truth.
//
// Copy is the duplicate and derived relations taken together (what
// compare clusters --level copy groups by): a planted syndicated copy
// reported as derived, or a trimmed one reported as duplicate, is found.
//
//   - Copy recall: of the planted duplicate and derived pairs (an article
//     and the wire it reuses), the fraction reported as duplicate or
//     derived.
//   - Copy precision: of the pairs reported duplicate or derived, the
//     fraction that are right. A pair of an article and the wire it reuses
//     is right when the reuse planted was duplicate or derived (a partial
//     reuse called derived is wrong). Two reuses of one wire are right when
//     at least one of them is a duplicate or derived version: two
//     syndicated copies of one wire story are duplicates of each other, and
//     a wire story trimmed to three paragraphs is derived from the report
//     that quotes two of them. Any other pair (an independent report, two
//     stories) is wrong.
//   - Partial recall: of the planted partial pairs, the fraction reported
//     as partial exactly (reported stronger counts against copy precision,
//     weaker is missed).
//   - Partial precision: of the pairs reported partial, the fraction whose
//     articles share planted copy at all (both in one wire's family,
//     partial reusers included).
type Scores struct {
	CopyPlanted, CopyFound          int // planted duplicate+derived pairs, and those reported as such
	CopyReported, CopyCorrect       int // pairs reported duplicate or derived, and those right
	PartialPlanted, PartialFound    int
	PartialReported, PartialCorrect int
}

// CopyRecall, CopyPrecision, PartialRecall and PartialPrecision are the
// ratios; 1 when there is nothing to count.
func (s Scores) CopyRecall() float64       { return ratio(s.CopyFound, s.CopyPlanted) }
func (s Scores) CopyPrecision() float64    { return ratio(s.CopyCorrect, s.CopyReported) }
func (s Scores) PartialRecall() float64    { return ratio(s.PartialFound, s.PartialPlanted) }
func (s Scores) PartialPrecision() float64 { return ratio(s.PartialCorrect, s.PartialReported) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func (s Scores) String() string {
	return fmt.Sprintf("copy (duplicate+derived): precision %.4f (%d/%d) recall %.4f (%d/%d); partial: precision %.4f (%d/%d) recall %.4f (%d/%d)",
		s.CopyPrecision(), s.CopyCorrect, s.CopyReported, s.CopyRecall(), s.CopyFound, s.CopyPlanted,
		s.PartialPrecision(), s.PartialCorrect, s.PartialReported, s.PartialRecall(), s.PartialFound, s.PartialPlanted)
}

func isCopy(rel string) bool { return rel == "duplicate" || rel == "derived" }

// up returns t and its sources up to the original, t first.
func up(byID map[string]*Truth, t *Truth) []*Truth {
	out := []*Truth{t}
	for t.Source != "" && len(out) <= len(byID) {
		s := byID[t.Source]
		if s == nil {
			break
		}
		out = append(out, s)
		t = s
	}
	return out
}

func root(byID map[string]*Truth, t *Truth) *Truth {
	u := up(byID, t)
	return u[len(u)-1]
}

// copyRelated says whether two articles share planted copy strongly
// enough to be duplicate or derived: one descends from the other through
// copy reuses only (an article, the wire it reuses, or the wire its
// source reuses), or, below their nearest common ancestor, one of them
// descends from it through copy reuses only (two syndicated copies of one
// wire; a trimmed copy and a report quoting the wire).
func copyRelated(byID map[string]*Truth, a, b *Truth) bool {
	ua, ub := up(byID, a), up(byID, b)
	allCopy := func(path []*Truth) bool { // each but the last reuses the next
		for _, t := range path[:len(path)-1] {
			if !isCopy(t.Relation) {
				return false
			}
		}
		return true
	}
	for i, x := range ua {
		for j, y := range ub {
			if x.ID != y.ID {
				continue
			}
			if i == 0 || j == 0 { // one is the other's ancestor
				return allCopy(ua[:i+1]) && allCopy(ub[:j+1])
			}
			return allCopy(ua[:i+1]) || allCopy(ub[:j+1])
		}
	}
	return false
}

// Score compares reported pairs with the truth. Pairs naming ids the truth
// does not hold are counted as wrong.
func Score(truth []Truth, found []Found) Scores {
	byID := make(map[string]*Truth, len(truth))
	for i := range truth {
		byID[truth[i].ID] = &truth[i]
	}
	copyPair := func(a, b *Truth) bool { return copyRelated(byID, a, b) }
	// reuseFamily also takes partial reusers into their wire's family.
	reuseFamily := func(t *Truth) string { return root(byID, t).ID }
	type key struct{ a, b string }
	ordered := func(a, b string) key {
		if a > b {
			a, b = b, a
		}
		return key{a, b}
	}
	reported := make(map[key]string, len(found))
	var s Scores
	for _, f := range found {
		reported[ordered(f.A, f.B)] = f.Relation
		ta, tb := byID[f.A], byID[f.B]
		known := ta != nil && tb != nil
		switch {
		case isCopy(f.Relation):
			s.CopyReported++
			if known && copyPair(ta, tb) {
				s.CopyCorrect++
			}
		case f.Relation == "partial":
			s.PartialReported++
			if known && reuseFamily(ta) == reuseFamily(tb) {
				s.PartialCorrect++
			}
		}
	}
	for i := range truth {
		t := &truth[i]
		if t.Source == "" {
			continue
		}
		rel := reported[ordered(t.ID, t.Source)]
		switch {
		case isCopy(t.Relation):
			s.CopyPlanted++
			if isCopy(rel) {
				s.CopyFound++
			}
		case t.Relation == "partial":
			s.PartialPlanted++
			if rel == "partial" {
				s.PartialFound++
			}
		}
	}
	return s
}

// Claim is what a provenance run (compare provenance --format json) said
// of one article: its main immediate source ("" for none) and whether it
// credits its source.
type Claim struct {
	ID, Source string
	Credited   bool
}

// Link is one copy relation a provenance run oriented.
type Link struct{ Source, Copy string }

// OutletWire is one outlet's measured share of words from agencies.
type OutletWire struct {
	Outlet    string
	WireShare float64
}

// ProvenanceScores measures a provenance run against the truth.
//
//   - Direction: of the reported links whose two articles are, in the
//     truth, one an ancestor of the other (a copy and the article it
//     reuses, or the wire of a chain and its last copy), the fraction
//     whose source is the ancestor. Links between siblings have no true
//     direction and are not counted.
//   - Immediate source: of the planted duplicate and derived reuses, the
//     fraction whose main immediate source is the article reused (in a
//     chain, the middle one); partial reuses are counted apart.
//   - Credit: of the planted reuses, the fraction whose credited flag is
//     the truth's (an article without a reported source counts as
//     uncredited).
//   - Wire share: per outlet, the truth's share of its words that are
//     agency copy (Truth.WireWords over Truth.Words) against the reported
//     share; the largest difference and the outlet it is at.
type ProvenanceScores struct {
	Pairs, PairsRight      int
	Derived, DerivedRight  int
	Partial, PartialRight  int
	Credits, CreditsRight  int
	Outlets, OutletsWithin int // outlets compared, and those within WireTolerance
	WireMaxError           float64
	WireWorst              string
}

// WireTolerance is how far an outlet's measured wire share may be from the
// truth (the figure).
const WireTolerance = 0.02

// Direction, ImmediateSource, PartialSource and Credit are the ratios; 1
// when there is nothing to count.
func (s ProvenanceScores) Direction() float64       { return ratio(s.PairsRight, s.Pairs) }
func (s ProvenanceScores) ImmediateSource() float64 { return ratio(s.DerivedRight, s.Derived) }
func (s ProvenanceScores) PartialSource() float64   { return ratio(s.PartialRight, s.Partial) }
func (s ProvenanceScores) Credit() float64          { return ratio(s.CreditsRight, s.Credits) }

func (s ProvenanceScores) String() string {
	return fmt.Sprintf("direction: %.4f (%d/%d copy pairs)\nimmediate source: %.4f (%d/%d duplicate and derived reuses); partial reuses %.4f (%d/%d)\ncredit: %.4f (%d/%d reuses)\nwire share per outlet: %d/%d within %.2f, largest error %.4f (%s)",
		s.Direction(), s.PairsRight, s.Pairs,
		s.ImmediateSource(), s.DerivedRight, s.Derived, s.PartialSource(), s.PartialRight, s.Partial,
		s.Credit(), s.CreditsRight, s.Credits,
		s.OutletsWithin, s.Outlets, WireTolerance, s.WireMaxError, s.WireWorst)
}

// ScoreProvenance compares a provenance run with the truth.
func ScoreProvenance(truth []Truth, claims []Claim, links []Link, outlets []OutletWire) ProvenanceScores {
	byID := make(map[string]*Truth, len(truth))
	for i := range truth {
		byID[truth[i].ID] = &truth[i]
	}
	claimed := make(map[string]*Claim, len(claims))
	for i := range claims {
		claimed[claims[i].ID] = &claims[i]
	}
	var s ProvenanceScores
	ancestor := func(a, b *Truth) bool { // a is an ancestor of b
		for _, t := range up(byID, b)[1:] {
			if t.ID == a.ID {
				return true
			}
		}
		return false
	}
	for _, l := range links {
		src, cp := byID[l.Source], byID[l.Copy]
		if src == nil || cp == nil {
			continue
		}
		switch {
		case ancestor(src, cp):
			s.Pairs++
			s.PairsRight++
		case ancestor(cp, src):
			s.Pairs++
		}
	}
	for i := range truth {
		t := &truth[i]
		if t.Source == "" {
			continue
		}
		c := claimed[t.ID]
		if c == nil {
			c = &Claim{ID: t.ID}
		}
		if isCopy(t.Relation) {
			s.Derived++
			if c.Source == t.Source {
				s.DerivedRight++
			}
		} else {
			s.Partial++
			if c.Source == t.Source {
				s.PartialRight++
			}
		}
		s.Credits++
		if c.Credited == t.Credited {
			s.CreditsRight++
		}
	}
	type sum struct{ wire, words int }
	sums := map[string]*sum{}
	for i := range truth {
		x := sums[truth[i].Outlet]
		if x == nil {
			x = &sum{}
			sums[truth[i].Outlet] = x
		}
		x.wire += truth[i].WireWords
		x.words += truth[i].Words
	}
	for _, o := range outlets {
		x := sums[o.Outlet]
		if x == nil || x.words == 0 {
			continue
		}
		s.Outlets++
		d := math.Abs(o.WireShare - float64(x.wire)/float64(x.words))
		if d <= WireTolerance {
			s.OutletsWithin++
		}
		if d > s.WireMaxError {
			s.WireMaxError, s.WireWorst = d, o.Outlet
		}
	}
	return s
}
