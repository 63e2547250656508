package synth

import "fmt"

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

// Score compares reported pairs with the truth. Pairs naming ids the truth
// does not hold are counted as wrong.
func Score(truth []Truth, found []Found) Scores {
	byID := make(map[string]*Truth, len(truth))
	for i := range truth {
		byID[truth[i].ID] = &truth[i]
	}
	copyPair := func(a, b *Truth) bool {
		switch {
		case a.Source == b.ID:
			return isCopy(a.Relation)
		case b.Source == a.ID:
			return isCopy(b.Relation)
		}
		return a.Source != "" && a.Source == b.Source && (isCopy(a.Relation) || isCopy(b.Relation))
	}
	// reuseFamily also takes partial reusers into their wire's family.
	reuseFamily := func(t *Truth) string {
		if t.Source != "" {
			return t.Source
		}
		return t.ID
	}
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
