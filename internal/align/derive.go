package align

import (
	"context"
	"slices"
	"sync"

	"github.com/copydesk/copydesk/internal/shingle"
)

// # Derivation
//
// Newspapers rewrite agency copy: most articles built from a wire story
// share no run of eight words with it, yet carry its sentences reworded,
// its quotes, names, ages and figures, and many of its three-word phrases.
// Shared passages alone miss them, so a verified pair also measures, for
// each text, how much of it the other accounts for, one way (a Side): a
// short brief built from a long wire story is mostly the wire's, while the
// wire is mostly not the brief's.
//
// For example, a 100-word brief that keeps a 12-word sentence of a wire
// story verbatim, quotes 15 of its words, and rewords three of its
// sentences (30 words) gets Copy 0.12, Quote 0.15 and Reworded 0.30: 57 of
// its words come from the wire, though its longest shared passage is 15
// words long. Its Grams3 (words inside a three-word phrase the wire has)
// may be 0.6, where an independent report of the same event, quoting the
// same speaker, keeps 0.2 to 0.3.
//
// Which measures make a text derived, and how much, is the cluster stage's
// call (its model); align only measures.

// Side is what one text of a verified pair takes from the other. Each
// share is of that text's words, unless said otherwise. A text's own words
// are those it does not quote: two reports that quote one speaker share
// the quotes, which Quote counts, but their own words measure whether one
// is written from the other.
type Side struct {
	Words     int     // the text's words
	Copy      float64 // in shared copy passages
	Quote     float64 // in shared quotes and no copy passage
	Reworded  float64 // in sentences reworded from one of the other's (RewordedScore), in no passage
	Sentences float64 // its sentences' best scores against the other's (0: none reaches RewordedScore), weighed by words
	Best      float64 // the best score of any of its sentences against the other's
	Grams3    float64 // inside a three-word sequence the other text has
	Grams5    float64 // inside a five-word shingle the other text has
	Vocab     float64 // of its distinct content words, the share the other has
	Names     float64 // of its distinct names, the share the other has
	Numbers   float64 // of its distinct numbers, the share the other has
}

// Taken is the share of the side's words that come from the other text:
// verbatim (copy and quotes) or reworded.
func (s Side) Taken() float64 { return s.Copy + s.Quote + s.Reworded }

// DeriveCosine: a verified pair is measured (Derive) when it shares a
// passage or its TF-IDF cosine is at least DeriveCosine; below it, and with
// no passage, two texts have too little in common for one to be rewritten
// from the other.
const DeriveCosine = 0.2

// facts is what Derive needs of one text, computed once (Doc.facts).
type facts struct {
	sentences      []Sentence // its own words: less than half of each quoted
	grams3         []uint64   // positional: gram i covers tokens i..i+2
	grams3Set      []uint64   // sorted, distinct
	vocab          []uint64   // sorted distinct content words
	ownVocab       []uint64   // the same, of its own words (not quoted)
	names, numbers []uint64
}

// docFacts computes and keeps the facts of d.
func (d *Doc) facts() *facts {
	d.factsOnce.Do(func() {
		f := &facts{}
		for _, s := range SentencesOf(d) {
			if 2*count(d.Quoted[s.First:s.Last]) < s.Words() {
				f.sentences = append(f.sentences, s)
			}
		}
		f.grams3 = shingle.Grams(d.Tokens, 3)
		f.grams3Set = slices.Compact(slices.Sorted(slices.Values(f.grams3)))
		for k, t := range d.Tokens {
			if !shingle.IsStopword(t.Hash) {
				f.vocab = append(f.vocab, t.Hash)
				if !d.Quoted[k] {
					f.ownVocab = append(f.ownVocab, t.Hash)
				}
			}
		}
		f.vocab = distinct(f.vocab)
		f.ownVocab = distinct(f.ownVocab)
		f.names, f.numbers = shingle.Facts(d.Text, d.Tokens)
		d.factsMemo = f
	})
	return d.factsMemo
}

// Derive fills the two sides of res, the result of verifying a against b
// (its passages in a's and b's words).
func Derive(ctx context.Context, a, b *Doc, res *Result) error {
	fa, fb := a.facts(), b.facts()
	var sa, sb Side
	coverA, coverB := passageShares(res.Passages, len(a.Tokens), len(b.Tokens), &sa, &sb)
	if err := sentenceShares(ctx, a, b, fa, fb, coverA, coverB, &sa, &sb); err != nil {
		return err
	}
	res.A = sideOf(a, b, fa, fb, sa)
	res.B = sideOf(b, a, fb, fa, sb)
	return nil
}

// sideOf completes side s of d against o with the measures of words,
// phrases and facts.
func sideOf(d, o *Doc, fd, fo *facts, s Side) Side {
	s.Words = len(d.Tokens)
	s.Grams3 = covered(fd.grams3, fo.grams3Set, 3, d.Quoted)
	s.Grams5 = covered(d.Shingles, o.Set, shingle.N, d.Quoted)
	s.Vocab = share(shingle.Intersect(fd.ownVocab, fo.vocab), len(fd.ownVocab))
	s.Names = share(shingle.Intersect(fd.names, fo.names), len(fd.names))
	s.Numbers = share(shingle.Intersect(fd.numbers, fo.numbers), len(fd.numbers))
	return s
}

// covered returns the share of a text's own words (those quoted leaves
// out) inside a gram (of width words; grams positional) that the sorted set
// other holds.
func covered(grams, other []uint64, width int, quoted []bool) float64 {
	n := len(quoted)
	cover := make([]bool, n)
	for i, g := range grams {
		if _, ok := slices.BinarySearch(other, g); ok {
			for k := i; k < min(i+width, n); k++ {
				cover[k] = true
			}
		}
	}
	own, in := 0, 0
	for k := range cover {
		if !quoted[k] {
			own++
			if cover[k] {
				in++
			}
		}
	}
	return share(in, own)
}

func distinct(s []uint64) []uint64 {
	slices.Sort(s)
	return slices.Compact(s)
}

// passageShares sets the Copy and Quote shares of both sides from the
// passages and returns which words of each text a passage covers. A word
// in a copy passage and a quote is copy.
func passageShares(ps []Passage, na, nb int, sa, sb *Side) (coverA, coverB []bool) {
	coverA, coverB = make([]bool, na), make([]bool, nb)
	var copyA, copyB, quoteA, quoteB int
	for _, quotes := range []bool{false, true} {
		for _, p := range ps {
			if p.Quote == quotes {
				copyA, quoteA = mark(coverA, p.A, p.Quote, copyA, quoteA)
				copyB, quoteB = mark(coverB, p.B, p.Quote, copyB, quoteB)
			}
		}
	}
	sa.Copy, sa.Quote = share(copyA, na), share(quoteA, na)
	sb.Copy, sb.Quote = share(copyB, nb), share(quoteB, nb)
	return coverA, coverB
}

// mark sets cover over span and counts the newly covered words as copy or
// quote.
func mark(cover []bool, s Span, quote bool, copied, quoted int) (int, int) {
	for i := s.Start; i < s.End; i++ {
		if cover[i] {
			continue
		}
		cover[i] = true
		if quote {
			quoted++
		} else {
			copied++
		}
	}
	return copied, quoted
}

// sentenceShares sets the Reworded, Sentences and Best measures of both sides
// from the sentences of a and b matched by Reworded.
func sentenceShares(ctx context.Context, a, b *Doc, fa, fb *facts, coverA, coverB []bool, sa, sb *Side) error {
	bestA := make([]float64, len(fa.sentences))
	bestB := make([]float64, len(fb.sentences))
	err := Reworded(ctx, []*Doc{a, b}, [][]Sentence{fa.sentences, fb.sentences}, func(_, k, _, l int, score float64) {
		bestA[k] = max(bestA[k], score)
		bestB[l] = max(bestB[l], score)
	})
	if err != nil {
		return err
	}
	sentenceSide(fa.sentences, bestA, coverA, len(a.Tokens), sa)
	sentenceSide(fb.sentences, bestB, coverB, len(b.Tokens), sb)
	return nil
}

// sentenceSide sets one side's sentence measures from each sentence's best
// score (0: no counterpart).
func sentenceSide(sents []Sentence, best []float64, cover []bool, n int, s *Side) {
	reworded, close := 0, 0.0
	for k, sn := range sents {
		s.Best = max(s.Best, best[k])
		close += best[k] * float64(sn.Words())
		if best[k] == 0 {
			continue
		}
		for i := sn.First; i < sn.Last; i++ {
			if !cover[i] {
				reworded++
			}
		}
	}
	s.Reworded, s.Sentences = share(reworded, n), close/float64(max(n, 1))
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// factsState is embedded in Doc: the facts Derive computes once per text.
type factsState struct {
	factsOnce sync.Once
	factsMemo *facts
}
