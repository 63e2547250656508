// Package cluster decides what two verified articles are to each other and
// groups articles by those decisions: duplicate groups (the same copy) and
// story clusters (the same news story).
//
// Every pair gets exactly one relation, strongest first: duplicate, derived,
// partial, story, unrelated. Relations are decided from the verified
// alignment (shared passages and their coverage of each text, TF-IDF
// cosine) and which text was published first, never from a MinHash
// estimate, and shared quotes alone never make a pair partial or stronger:
// two outlets quoting one press conference are two reports, not copies.
//
// For example, a wire story of 200 words and a feature of 800 published
// after it that carries all 200: the wire is wholly covered, the feature a
// quarter. The feature is the copy (the later text), so the pair is
// partial, where taking the more covered text for the copy, all there is
// without dates, would make it derived the wrong way round.
//
// Groups are built from verified edges only. Duplicate groups are connected
// components over duplicate and derived edges: copy relations are strong
// enough that one edge is proof. Story clusters use average linkage over
// story similarity, so a cluster grows only while its members are on
// average similar to each other, and a single weak link between two stories
// cannot chain them into one.
package cluster

import (
	"fmt"

	"github.com/copydesk/copydesk/internal/align"
)

// Relation is what one article is to another.
type Relation int

// Relations, weakest first, so that a stronger one compares greater.
const (
	Unrelated Relation = iota
	Story
	Partial
	Derived
	Duplicate
)

var relationNames = [...]string{"unrelated", "story", "partial", "derived", "duplicate"}

func (r Relation) String() string {
	if int(r) < len(relationNames) {
		return relationNames[r]
	}
	return fmt.Sprintf("Relation(%d)", int(r))
}

// ParseRelation reads a relation name.
func ParseRelation(s string) (Relation, error) {
	for i, n := range relationNames {
		if n == s {
			return Relation(i), nil
		}
	}
	return 0, fmt.Errorf("unknown relation %q (want duplicate, derived, partial, story or unrelated)", s)
}

// MarshalText writes the relation's name.
func (r Relation) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText reads a relation's name.
func (r *Relation) UnmarshalText(b []byte) error {
	v, err := ParseRelation(string(b))
	*r = v
	return err
}

// Thresholds of the relations. Coverage is the fraction of an article's words
// inside passages it shares with the other (align.Result.AInB, BInA).
const (
	// DuplicateCoverage: a duplicate has at least this much of each text in
	// shared passages. Syndicated copies with a new headline, a changed
	// word per sentence and the outlet's own last line keep over 0.9 of each
	// text; a wire story trimmed by a fifth falls to 0.8 on the long side
	// and is derived, not duplicate.
	DuplicateCoverage = 0.8
	// DerivedCoverage: derived has at least this much of the copy
	// (copyShare) in passages shared with its source. A version trimmed
	// to half with two paragraphs of its own keeps 0.7-0.8; a rewrite that
	// keeps the wire's facts and many of its phrases keeps 0.5 and more.
	DerivedCoverage = 0.5
	// PartialLongest and PartialCopyWords: partial needs one copy passage
	// (quotes left out) of at least PartialLongest words, or copy passages
	// of PartialCopyWords words in all. Independent reports of one event
	// share stock phrases of up to a dozen words ("the Britain-based Syrian
	// Observatory for Human Rights"); the five seeds, one story told by five
	// outlets, share at most 12.
	PartialLongest   = 20
	PartialCopyWords = 40
	// MinCopyWords is the copy (not quotes) any copy relation needs: a pair
	// that shares only quotes is at most story, however much it quotes.
	MinCopyWords = PartialLongest
	// StoryCosine: the TF-IDF cosine above which two articles are the same
	// story. The seeds, five independent reports of one story, score 0.12
	// to 0.31 with each other.
	StoryCosine = 0.10
)

// Classify decides the relation of a verified pair: the stronger of what
// its shared passages say (byPassages) and what the derivation model
// (Fitted) says of its measured sides, so that copy kept verbatim and copy
// rewritten are both found.
func Classify(r *align.Result) Relation { return Fitted.Classify(r) }

// Classify is the package Classify with model m in place of Fitted.
func (m *Model) Classify(r *align.Result) Relation {
	return max(byPassages(r), m.Verdict(r).relation())
}

// byPassages decides a relation from the shared copy passages and their
// coverage of each text, and the cosine.
func byPassages(r *align.Result) Relation {
	copyWords := min(r.CopyA, r.CopyB)
	hasCopy := r.LongestCopy >= PartialLongest || copyWords >= PartialCopyWords
	if hasCopy && copyWords >= MinCopyWords {
		switch {
		case min(r.AInB, r.BInA) >= DuplicateCoverage:
			return Duplicate
		case copyShare(r) >= DerivedCoverage:
			return Derived
		default:
			return Partial
		}
	}
	if r.Cosine >= StoryCosine {
		return Story
	}
	return Unrelated
}

// copySide is the side of r taken for the copy (0: A, 1: B) where the
// texts' words are not weighed: the later text when the two were published
// at distinct times (align.Result.First), else the text with the larger
// share of its words in shared passages (A on a tie), which is the copy
// whenever one text was cut from the other. A short wire story inside a
// long feature published after it is so the feature, partial by its small
// share, where the more covered text would make the pair derived the
// wrong way round.
func copySide(r *align.Result) int {
	switch r.First {
	case align.AFirst:
		return 1
	case align.BFirst:
		return 0
	}
	return b2i(r.BInA > r.AInB)
}

// copyShare is the share of the copy's words (copySide) inside passages
// shared with its source.
func copyShare(r *align.Result) float64 { return passageShare(r, copySide(r)) }

// passageShare is the share of side's words (0: A, 1: B) inside shared
// passages.
func passageShare(r *align.Result, side int) float64 {
	if side == 1 {
		return r.BInA
	}
	return r.AInB
}

// direction names the source of a copy pair of articles i (A) and j (B)
// and the derived text's share from it: from the verdict when the pair was
// measured (Derivation, which follows publication time), else the copy is
// copySide and its share copyShare.
func direction(i, j int, r *align.Result, v Verdict) (source int, share float64) {
	side, share := v.Derived, v.Share
	if side < 0 {
		side, share = copySide(r), copyShare(r)
	}
	if side == 1 {
		return i, share
	}
	return j, share
}
