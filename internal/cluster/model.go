package cluster

import (
	"context"
	"math"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/shingle"
)

// # The derivation model
//
// Whether one text is built from another is decided from its Features by a
// multinomial logistic regression over three classes, the METER corpus's
// labels: not derived, partly derived, wholly derived (Class). The weights
// are named constants (Fitted) fitted with eval.FitMeter on the labelled
// METER pairs; `compare eval --meter` fits the same model inside the folds
// of its held-out protocols and reports those figures.

// Class is what the model says of a pair's derived side.
type Class int

// Classes, weakest first.
const (
	NotDerived Class = iota
	PartlyDerived
	WhollyDerived
	NumClasses
)

// FeatureNames names the model's inputs, in the order Features returns them.
var FeatureNames = []string{
	"copy", "quote", "grams3", "grams5", "sentences", "best",
	"vocab", "names", "numbers", "log_words", "log_ratio",
}

// NumFeatures is len(FeatureNames).
const NumFeatures = 11

// Derivation returns the side of r that is the derived text (0: A, 1: B):
// the one more of whose distinct content words and names the other has
// (align.Side Vocab + Names). A text built from another keeps its words
// and adds few; its source has many the derived text dropped, bylines and
// names among them. On METER it names the newspaper article the derived
// side of 662 of the 675 derived pairs cluster.Verify measures (0.981).
// When the rule was chosen, with every derived pair measured and Vocab
// over all words: 719 of 739 (0.973; Vocab alone 0.962, Grams3 alone
// 0.954, shared-passage coverage 0.773).
//
// Two texts within DerivationTie of each other are copies of one another
// whose words cannot tell the way (a syndicated copy with a new headline
// and a word changed here and there): the side with more of its words in
// shared passages is the derived one, then A, as before the model.
//
// Publication time comes before all of it: of two texts published at
// distinct times (align.Result.First) the later is the derived one,
// whatever its words, as compare provenance decides it too.
func Derivation(r *align.Result) int {
	a, b := r.A.Vocab+r.A.Names, r.B.Vocab+r.B.Names
	if r.First == align.Undated && math.Abs(a-b) >= DerivationTie {
		return b2i(b > a)
	}
	return copySide(r)
}

// DerivationTie is the least difference in Vocab + Names that Derivation
// reads as a direction. On METER it decides 0 of 739 derived pairs
// differently from no tie at all.
const DerivationTie = 0.02

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Features returns the model's inputs for a verified pair, read from its
// derived side d (Derivation) and the source side s.
func Features(r *align.Result) []float64 {
	d, s := r.A, r.B
	if Derivation(r) == 1 {
		d, s = s, d
	}
	return []float64{
		d.Copy, d.Quote, d.Grams3, d.Grams5, d.Sentences, d.Best,
		d.Vocab, d.Names, d.Numbers,
		math.Log1p(float64(d.Words)),
		math.Log1p(float64(d.Words)) - math.Log1p(float64(s.Words)),
	}
}

// Fitted is the derivation model copydesk uses: fitted (eval.FitMeter,
// `compare eval --meter DIR --fit`) on the labelled METER pairs of both
// domains that it applies to (Applies). Held out, the same fit scores
// three-way macro-F1 0.630 and binary 0.679 (5-fold cross-validation by
// story), 0.506 / 0.546 on showbiz fitted on courts, 0.638 / 0.674 on
// courts fitted on showbiz; see README, "Real newsroom reuse". Rounded to
// four places.
var Fitted = Model{W: [NumClasses][NumFeatures + 1]float64{
	NotDerived: {}, // the reference class
	PartlyDerived: {
		0.0649,  // copy
		0.2372,  // quote
		0.3777,  // grams3
		0.3495,  // grams5
		0.2433,  // sentences
		0.5754,  // best
		0.3081,  // vocab
		0.4225,  // names
		0.2484,  // numbers
		0.2308,  // log_words
		-0.6084, // log_ratio
		-3.3719, // bias
	},
	WhollyDerived: {
		1.0203,  // copy
		0.4067,  // quote
		1.4328,  // grams3
		1.4250,  // grams5
		0.9762,  // sentences
		0.6517,  // best
		1.1058,  // vocab
		0.8848,  // names
		0.9432,  // numbers
		-1.0949, // log_words
		-0.3799, // log_ratio
		1.0806,  // bias
	},
}}

// Model is a fitted multinomial logistic regression: W[c] holds class c's
// weight of each feature, then its bias; class 0's weights are all zero.
type Model struct {
	W [NumClasses][NumFeatures + 1]float64
}

// Verdict is what the derivation model made of a verified pair: all a
// stored pair needs, besides its passage coverage and cosine, to be
// classified again as it was (StoredPair). The measures it comes from
// depend on the two texts only, never on the corpus around them.
type Verdict struct {
	Class   Class   // the model's class; NotDerived for a pair not measured
	Derived int     // the derived side (Derivation): 0 A, 1 B, -1 not measured
	Share   float64 // the derived side's share taken from the other (align.Side.Taken)
	// Reworded is the part of Share in reworded sentences (align.Side
	// Reworded); the rest is verbatim, copy and quotes.
	Reworded float64
	// First is which text was published first (align.Result.First): with
	// the passages and cosine, what the pair's relation and direction
	// follow.
	First align.Order
}

// Verdict returns m's verdict on r: NotDerived, whatever the model, when
// the derived side shares no shingle with the other (Applies).
func (m *Model) Verdict(r *align.Result) Verdict {
	if r.A.Words == 0 || r.B.Words == 0 {
		return Verdict{Derived: -1, First: r.First}
	}
	v := Verdict{Derived: Derivation(r), Share: r.A.Taken(), Reworded: r.A.Reworded, First: r.First}
	if v.Derived == 1 {
		v.Share, v.Reworded = r.B.Taken(), r.B.Reworded
	}
	if Applies(r) {
		v.Class = m.Predict(Features(r))
	}
	return v
}

// Applies reports whether the model decides a measured pair: its derived
// side shares at least one five-word shingle of its own words with the
// other. Two texts that share none retell the same facts each in its own
// words, which is how independent reports of one event read. METER labels
// some such retellings derived (briefs written from the agency's facts
// alone): held out there, the rule costs 0.018 of three-way macro-F1. The
// model is fitted on the pairs it applies to (eval.FitMeter).
func Applies(r *align.Result) bool {
	d := r.A
	if Derivation(r) == 1 {
		d = r.B
	}
	return d.Grams5 > 0
}

// relation is the verdict's relation: wholly derived is Derived, partly
// derived Partial, and anything else Unrelated (so that the passages
// decide).
func (v Verdict) relation() Relation {
	switch v.Class {
	case WhollyDerived:
		return Derived
	case PartlyDerived:
		return Partial
	}
	return Unrelated
}

// Scores returns each class's linear score for features x.
func (m *Model) Scores(x []float64) [NumClasses]float64 {
	var z [NumClasses]float64
	for c := range z {
		w := m.W[c]
		z[c] = w[NumFeatures]
		for f, v := range x {
			z[c] += w[f] * v
		}
	}
	return z
}

// Predict returns the most probable class for features x.
func (m *Model) Predict(x []float64) Class {
	z := m.Scores(x)
	best := NotDerived
	for c := range z {
		if z[c] > z[best] {
			best = Class(c)
		}
	}
	return best
}

// MeasureCosine: a verified pair that shares no passage is measured when
// its TF-IDF cosine is at least MeasureCosine; below it two texts have too
// little in common for one to be rewritten from the other. Every labelled
// METER pair of a derived article and its agency copy scores above it.
const MeasureCosine = 0.2

// CosineOnly: how a pair that only the story route's term index found is
// verified when it shares no anchor shingle either. Such a pair shares
// distinctive terms, but neither an LSH band nor a single anchor (a
// winnowed shingle, shingle.Anchors, outside buckets of more than
// candidate.MaxBucket articles; candidate.Plan.ScoredByCosine is the rule): it has no shared stretch the routes can
// see, and it is scored by its TF-IDF cosine alone, without aligning (an
// align.Result with Cosine only: story or unrelated).
// A story pair that does share an anchor is aligned, so that the quotes
// and passages it shares count in its story weight. The term index gives
// some 70 candidates an article at 10^5 synthetic articles, two thirds of
// them sharing some shingle (a stock phrase, a boilerplate line) and one
// in thirty an anchor outside boilerplate buckets; aligning them all was
// nine tenths of a story run. On ECB+ the story clusters are the same
// as with every pair aligned. Corpora of up to candidate.AllPairsUpTo articles
// compare every pair and align each one.
//
// A story-only pair whose cosine reaches MeasureCosine is aligned
// after all: a rewritten copy (a newspaper's retelling of agency copy)
// keeps the source's words and facts but may share no anchor, and only the
// alignment's measures (align.Derive) can tell it from an independent
// report. On METER, scoring such pairs by cosine alone took compare
// pairs' three-way macro-F1 from 0.665 to 0.604.
//
// CosineOnly returns the cosine-only result of such a pair and whether it
// is final; when it is not, the caller verifies the pair (Verify).
// Every front end calls it, so they align the same pairs.
func CosineOnly(a, b shingle.Vector) (align.Result, bool) {
	c := shingle.Cosine(a, b)
	return align.Result{Cosine: c}, c < MeasureCosine
}

// Verify aligns a pair (align.VerifyContext) and measures it (align
// MeasureWords, MeasureSentences) when the derivation model may change its
// relation: not when its passages already make it derived or duplicate,
// the most the model can say; not when it shares no passage and its cosine
// is under MeasureCosine; not when the two share no shingle of their own
// (unquoted) words, where the model does not apply (Applies). The
// sentences, the costly part, are measured only when the pair is partial
// by its passages (its share from the source counts reworded sentences) or
// when they could change the model's answer (mayDerive). A pair of one
// outlet whose only copy is the ending both close with is judged on the
// texts before it (Outlet furniture). Every front end verifies pairs
// through it.
func Verify(ctx context.Context, a, b *align.Doc) (align.Result, error) {
	r, err := align.VerifyContext(ctx, a, b)
	if err != nil {
		return r, err
	}
	if ea, eb, ok := furnitureStart(a, b, &r); ok {
		r = align.CutResult(a, b, r, ea, eb)
		if len(r.Passages) == 0 && r.Cosine < MeasureCosine {
			return r, nil // nothing left to measure (Measures), the texts not needed
		}
		a, b = a.Before(ea), b.Before(eb)
	}
	rel := byPassages(&r)
	if rel < Derived && !Measures(&r, a, b) {
		return r, nil
	}
	align.MeasureWords(a, b, &r) // a pair its passages decide: for Derivation, which side is the copy
	if rel >= Derived || rel < Partial && !Fitted.mayDerive(&r) {
		return r, nil
	}
	return r, align.MeasureSentences(ctx, a, b, &r)
}

// Measures reports whether the model may decide a verified pair, so that
// Verify measures it: its passages do not already make it derived or
// duplicate, it shares a passage or is close in content (MeasureCosine),
// and the two share a shingle of their own words.
func Measures(r *align.Result, a, b *align.Doc) bool {
	return byPassages(r) < Derived && (len(r.Passages) > 0 || r.Cosine >= MeasureCosine) && align.SharesOwnWords(a, b)
}

// Decides reports whether the model decides a measured pair: its passages
// leave the relation below derived and the model applies (Applies).
func Decides(r *align.Result) bool { return byPassages(r) < Derived && Applies(r) }

// sentenceFeatures are the features align.MeasureSentences measures, by
// their index in FeatureNames.
var sentenceFeatures = []int{4, 5} // sentences, best

// mayDerive reports whether m could say partly or wholly derived of a pair
// whose word measures are known (align.MeasureWords), whatever its sentence
// measures turn out to be: each lies in [0, 1] and the scores are linear,
// so each class's best case takes 1 where its weight is positive, 0 where
// not. A pair it says no to is NotDerived once measured in full.
func (m *Model) mayDerive(r *align.Result) bool {
	if !Decides(r) {
		return false
	}
	x := Features(r)
	for c := PartlyDerived; c < NumClasses; c++ {
		for _, f := range sentenceFeatures {
			x[f] = 0
			if m.W[c][f] > 0 {
				x[f] = 1
			}
		}
		if z := m.Scores(x); z[c] > 0 {
			return true
		}
	}
	return false
}
