package align

import (
	"context"

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
	keys := make([][]sentenceKeys, len(docs))
	for m, d := range docs {
		keys[m] = keysOf(d, sents[m])
	}
	return reworded(ctx, keys, fn)
}

// sentenceKeys is what Reworded compares of one sentence: its terms
// (shingle.Terms) and the trigrams of its normalised text (Trigrams).
type sentenceKeys struct {
	terms []shingle.Term
	grams []uint64
}

// keysOf returns the keys of the sentences of d.
func keysOf(d *Doc, sents []Sentence) []sentenceKeys {
	out := make([]sentenceKeys, len(sents))
	for k, s := range sents {
		toks := d.Tokens[s.First:s.Last]
		out[k] = sentenceKeys{terms: shingle.Terms(d.Text, toks), grams: Trigrams(shingle.Text(d.Text, toks))}
	}
	return out
}

// reworded is Reworded over the sentences' keys (keys[m][k] of sentence k
// of member m).
func reworded(ctx context.Context, keys [][]sentenceKeys, fn func(m, k, n, l int, score float64)) error {
	type sent struct {
		member, index int
		vec           shingle.Vector
		grams         []uint64
	}
	var all []sent
	var df shingle.DF
	for _, ks := range keys {
		for _, k := range ks {
			df.Add(k.terms)
		}
	}
	for m, ks := range keys {
		for k := range ks {
			all = append(all, sent{member: m, index: k, vec: shingle.NewVector(ks[k].terms, &df), grams: ks[k].grams})
		}
	}
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
			score := (c + Dice(x.grams, y.grams)) / 2
			if score < RewordedScore {
				continue
			}
			fn(x.member, x.index, y.member, y.index, score)
		}
	}
	return nil
}

// Trigrams returns the character trigrams of s (three runes each, packed
// exactly into one number: a rune needs 21 bits), sorted, repeats kept.
func Trigrams(s string) []uint64 {
	rs := []rune(s)
	if len(rs) < 3 {
		return nil
	}
	out := make([]uint64, len(rs)-2)
	for i := range out {
		out[i] = uint64(rs[i])<<42 | uint64(rs[i+1])<<21 | uint64(rs[i+2])
	}
	shingle.SortKeys(out)
	return out
}

// Dice is the Sørensen–Dice coefficient of two texts' trigram multisets
// (Trigrams): twice the trigrams they share, a repeated one as often as
// both have it, over the trigrams of both. It is what
// github.com/adrg/strutil's SorensenDice (case-sensitive, n-grams of 3)
// computes, which the tests keep as its oracle, without building two maps
// for each comparison: the texts' trigrams are sorted once and merged.
func Dice(a, b []uint64) float64 {
	if len(a)+len(b) == 0 {
		return 0
	}
	common := shingle.Intersect(a, b) // on sorted multisets, a repeat counts as often as both have it
	return 2 * float64(common) / float64(len(a)+len(b))
}
