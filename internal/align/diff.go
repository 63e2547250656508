package align

import (
	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/copydesk/copydesk/internal/shingle"
)

// Op is one step of a word diff.
type Op int

const (
	Equal  Op = iota // words both texts have
	Delete           // words only A has
	Insert           // words only B has
)

// Edit is a run of words with one Op: A's tokens [A.Start, A.End) for Equal
// and Delete, B's tokens [B.Start, B.End) for Equal and Insert.
type Edit struct {
	Op   Op
	A, B Span
}

// WordDiff diffs two texts word by word on their normalised words (so "U.S."
// equals "US" and curly quotes do not count), with go-diff's Myers diff and
// no time limit, so the same texts always give the same diff, then go-diff's
// semantic cleanup. The spans
// point into the original texts, for display.
func WordDiff(a, b *Doc) []Edit {
	// Map each distinct word to one rune, as diffmatchpatch does for lines.
	ids := make(map[uint64]rune)
	runes := func(toks []shingle.Token) []rune {
		out := make([]rune, len(toks))
		for i, t := range toks {
			r, ok := ids[t.Hash]
			if !ok {
				r = rune(len(ids) + 1)
				if r >= 0xD800 {
					r += 0x800 // skip the surrogate range
				}
				ids[t.Hash] = r
			}
			out[i] = r
		}
		return out
	}
	ra, rb := runes(a.Tokens), runes(b.Tokens)
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0
	// Semantic cleanup folds equalities of a word or two ("the", "and")
	// between edits into the edits, so a rewritten sentence reads as one
	// deletion and one insertion rather than a comb of fragments.
	diffs := dmp.DiffCleanupSemantic(dmp.DiffMainRunes(ra, rb, false))
	var edits []Edit
	i, j := 0, 0
	for _, d := range diffs {
		n := len([]rune(d.Text))
		e := Edit{A: Span{Start: i, End: i}, B: Span{Start: j, End: j}}
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			e.Op = Equal
			i += n
			j += n
		case diffmatchpatch.DiffDelete:
			e.Op = Delete
			i += n
		case diffmatchpatch.DiffInsert:
			e.Op = Insert
			j += n
		}
		e.A.End, e.B.End = i, j
		if e.A.Words() > 0 {
			e.A = withOffsets(e.A, a)
		}
		if e.B.Words() > 0 {
			e.B = withOffsets(e.B, b)
		}
		edits = append(edits, e)
	}
	return edits
}
