package align

import (
	"context"

	"github.com/adrg/strutil/metrics"

	"github.com/copydesk/copydesk/internal/shingle"
)

// Reworded sentences: the same content in other words. Two sentences of
// different texts are reworded counterparts when the mean of their TF-IDF
// cosine (words weighed by how rare they are among the sentences compared)
// and the Sørensen–Dice coefficient of their character trigrams
// (github.com/adrg/strutil), which rewards shared word stems the cosine
// misses ("Sergey"/"Sergei", "cease-fire"/"ceasefire"), is at least
// RewordedScore. Word order plays no part, so a sentence matches whatever
// its place, and inserted, dropped or substituted words lower the score
// gradually. internal/compare links the sentences of a story cluster with
// it; the pair relation (Derive) measures how much of a text is reworded
// from another.
const (
	// MinSentenceWords: shorter sentences ("Next step", a lone name) are
	// not content to match.
	MinSentenceWords = 4
	// RewordedScore is the least mean of cosine and Dice for reworded
	// counterparts. On the seeds, sentence pairs an editor reads as the same
	// content score 0.35 to 0.71 (the Kerry–Lavrov call 0.39 to 0.53); the
	// highest pair of different content ("the UN Security Council passed a
	// resolution" against "a violation of UN Security Council Resolution
	// 2254") scores 0.31.
	RewordedScore = 0.35
	// MinRewordCosine gates the Dice computation: below this cosine two
	// sentences share too few content words to be one piece (and Dice, the
	// costly part, is not computed).
	MinRewordCosine = 0.2
)

// Reworded calls fn(m, k, n, l, score) for every pair of reworded
// counterparts: sentence k of docs[m] and sentence l of docs[n], m < n
// (sents[m] are docs[m]'s sentences). Document frequencies are counted over
// all the sentences given. ctx stops it early.
func Reworded(ctx context.Context, docs []*Doc, sents [][]Sentence, fn func(m, k, n, l int, score float64)) error {
	type sent struct {
		member, index int
		vec           shingle.Vector
		norm          string
	}
	var all []sent
	var terms [][]shingle.Term
	var df shingle.DF
	for m, d := range docs {
		for k, s := range sents[m] {
			toks := d.Tokens[s.First:s.Last]
			t := shingle.Terms(d.Text, toks)
			terms = append(terms, t)
			df.Add(t)
			all = append(all, sent{member: m, index: k, norm: shingle.Text(d.Text, toks)})
		}
	}
	for k := range all {
		all[k].vec = shingle.NewVector(terms[k], &df)
	}
	dice := &metrics.SorensenDice{CaseSensitive: true, NgramSize: 3}
	for a := range all {
		if a%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		x := &all[a]
		for b := a + 1; b < len(all); b++ {
			y := &all[b]
			if y.member == x.member {
				continue
			}
			c := shingle.Cosine(x.vec, y.vec)
			if c < MinRewordCosine {
				continue
			}
			score := (c + dice.Compare(x.norm, y.norm)) / 2
			if score < RewordedScore {
				continue
			}
			fn(x.member, x.index, y.member, y.index, score)
		}
	}
	return nil
}
