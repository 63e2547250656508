package align

import (
	"context"
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
	Sentences float64 // its own sentences' best scores against the other's (0: none reaches RewordedScore), weighed by words
	Best      float64 // the best score of any of its own sentences against the other's
	Grams3    float64 // of its own words, inside a three-word sequence the other text has
	Grams5    float64 // of its own words, inside a five-word shingle the other text has
	Vocab     float64 // of the distinct content words among its own, the share the other has
	Names     float64 // of its distinct names, the share the other has
	Numbers   float64 // of its distinct numbers, the share the other has
}

// Taken is the share of the side's words that come from the other text:
// verbatim (copy and quotes) or reworded.
func (s Side) Taken() float64 { return s.Copy + s.Quote + s.Reworded }

// wordFacts and sentenceFacts are what the two phases of Derive need of
// one text, each computed once per Doc.
type wordFacts struct {
	// grams3 holds each three-word sequence as its hash's top bits and its
	// position in the low posBits (gramKey), sorted: by gram, then place.
	grams3         []uint64
	vocab          []uint64 // sorted distinct content words
	ownVocab       []uint64 // the same, of its own words (not quoted)
	names, numbers []uint64
}

type sentenceFacts struct {
	sentences []Sentence     // its own: less than half of each quoted
	keys      []sentenceKeys // of each of sentences
}

// posBits is how many low bits of a gram key hold its position: texts of
// more words than that (far beyond any article) have their later grams
// left out of Grams3.
const posBits = 22

// gramKey packs gram hash h and position i; gramOf is the gram part.
func gramKey(h uint64, i int) uint64 { return h&^(1<<posBits-1) | uint64(i) }

func gramOf(k uint64) uint64 { return k &^ (1<<posBits - 1) }

func (d *Doc) wordFacts() *wordFacts {
	d.wordOnce.Do(func() {
		f := &wordFacts{}
		for i, h := range shingle.Grams(d.Tokens, 3) {
			if i < 1<<posBits {
				f.grams3 = append(f.grams3, gramKey(h, i))
			}
		}
		shingle.SortKeys(f.grams3)
		for k, t := range d.Tokens {
			if !shingle.IsStopword(t.Hash) {
				f.vocab = append(f.vocab, t.Hash)
				if !d.Quoted[k] {
					f.ownVocab = append(f.ownVocab, t.Hash)
				}
			}
		}
		f.vocab = shingle.Set(f.vocab)
		f.ownVocab = shingle.Set(f.ownVocab)
		f.names, f.numbers = shingle.Facts(d.Text, d.Tokens)
		d.words = f
	})
	return d.words
}

func (d *Doc) sentenceFacts() *sentenceFacts {
	d.sentenceOnce.Do(func() {
		f := &sentenceFacts{}
		for _, s := range SentencesOf(d) {
			if 2*count(d.Quoted[s.First:s.Last]) < s.Words() {
				f.sentences = append(f.sentences, s)
			}
		}
		f.keys = keysOf(d, f.sentences)
		d.sentences = f
	})
	return d.sentences
}

// Derive fills the two sides of res, the result of verifying a against b
// (its passages in a's and b's words): MeasureWords, then
// MeasureSentences. Which pairs are worth measuring is the cluster stage's
// call (cluster.Verify). The sides do not depend on the order: Derive(b, a)
// gives them swapped.
func Derive(ctx context.Context, a, b *Doc, res *Result) error {
	MeasureWords(a, b, res)
	return MeasureSentences(ctx, a, b, res)
}

// MeasureWords fills the measures of each side that words and word
// sequences give, the cheap ones: Words, Copy, Quote, Grams3, Grams5,
// Vocab, Names, Numbers.
func MeasureWords(a, b *Doc, res *Result) {
	fa, fb := a.wordFacts(), b.wordFacts()
	passageShares(res.Passages, len(a.Tokens), len(b.Tokens), &res.A, &res.B)
	wordSide(a, b, fa, fb, &res.A)
	wordSide(b, a, fb, fa, &res.B)
}

// MeasureSentences fills the measures of each side that sentences give:
// Reworded, Sentences, Best.
func MeasureSentences(ctx context.Context, a, b *Doc, res *Result) error {
	fa, fb := a.sentenceFacts(), b.sentenceFacts()
	coverA, coverB := passageCover(res.Passages, len(a.Tokens), len(b.Tokens))
	return sentenceShares(ctx, fa, fb, coverA, coverB, &res.A, &res.B)
}

// wordSide sets side s of d against o from their words and shingles.
func wordSide(d, o *Doc, fd, fo *wordFacts, s *Side) {
	s.Words = len(d.Tokens)
	s.Grams3 = grams3Covered(fd.grams3, fo.grams3, d.Quoted)
	s.Grams5 = ownShare(shinglesCovered(d, o), d.Quoted)
	s.Vocab = share(shingle.Intersect(fd.ownVocab, fo.vocab), len(fd.ownVocab))
	s.Names = share(shingle.Intersect(fd.names, fo.names), len(fd.names))
	s.Numbers = share(shingle.Intersect(fd.numbers, fo.numbers), len(fd.numbers))
}

// grams3Covered marks the words of d inside a three-word sequence that o
// has too (both as wordFacts.grams3) and returns the share of d's own
// words marked.
func grams3Covered(d, o []uint64, quoted []bool) float64 {
	cover := make([]bool, len(quoted))
	for x, y := 0, 0; x < len(d) && y < len(o); {
		switch g, h := gramOf(d[x]), gramOf(o[y]); {
		case g < h:
			x++
		case g > h:
			y++
		default:
			i := int(d[x] - g)
			for k := i; k < min(i+3, len(cover)); k++ {
				cover[k] = true
			}
			x++
		}
	}
	return ownShare(cover, quoted)
}

// shinglesCovered marks the words of d inside a shingle o has too, at the
// places Doc keeps for each shingle (the first maxOccurrences).
func shinglesCovered(d, o *Doc) []bool {
	cover := make([]bool, len(d.Tokens))
	for _, m := range matches(d, o) {
		for _, i := range d.occ[d.occStart[m.x]:d.occStart[m.x+1]] {
			for k := int(i); k < min(int(i)+shingle.N, len(cover)); k++ {
				cover[k] = true
			}
		}
	}
	return cover
}

// ownShare is the share of the words quoted leaves out (a text's own)
// that cover marks.
func ownShare(cover, quoted []bool) float64 {
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

// passageShares sets the Copy and Quote shares of both sides from the
// passages. A word in a copy passage and a quote is copy.
func passageShares(ps []Passage, na, nb int, sa, sb *Side) {
	coverA, coverB := make([]bool, na), make([]bool, nb)
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
}

// passageCover returns which words of each text a passage covers.
func passageCover(ps []Passage, na, nb int) (coverA, coverB []bool) {
	coverA, coverB = make([]bool, na), make([]bool, nb)
	for _, p := range ps {
		mark(coverA, p.A, p.Quote, 0, 0)
		mark(coverB, p.B, p.Quote, 0, 0)
	}
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
func sentenceShares(ctx context.Context, fa, fb *sentenceFacts, coverA, coverB []bool, sa, sb *Side) error {
	bestA := make([]float64, len(fa.sentences))
	bestB := make([]float64, len(fb.sentences))
	err := reworded(ctx, [][]sentenceKeys{fa.keys, fb.keys}, func(_, k, _, l int, score float64) {
		bestA[k] = max(bestA[k], score)
		bestB[l] = max(bestB[l], score)
	})
	if err != nil {
		return err
	}
	sentenceSide(fa.sentences, bestA, coverA, sa)
	sentenceSide(fb.sentences, bestB, coverB, sb)
	return nil
}

// sentenceSide sets one side's sentence measures from each sentence's best
// score (0: no counterpart); cover marks the text's words in a passage.
func sentenceSide(sents []Sentence, best []float64, cover []bool, s *Side) {
	reworded, scored := 0, 0.0
	for k, sn := range sents {
		s.Best = max(s.Best, best[k])
		scored += best[k] * float64(sn.Words())
		if best[k] == 0 {
			continue
		}
		for i := sn.First; i < sn.Last; i++ {
			if !cover[i] {
				reworded++
			}
		}
	}
	n := len(cover)
	s.Reworded, s.Sentences = share(reworded, n), scored/float64(max(n, 1))
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// factsState is embedded in Doc: the facts Derive computes once per text.
type factsState struct {
	wordOnce, sentenceOnce sync.Once
	words                  *wordFacts
	sentences              *sentenceFacts
}

// SharesOwnWords reports whether a and b share a five-word shingle that
// holds a word either text has outside quotation marks (at one of the
// first places it occurs in that text): the least a derivation needs
// (cluster.Applies), found without measuring the pair.
func SharesOwnWords(a, b *Doc) bool {
	for _, m := range matches(a, b) {
		if ownAt(a, a.occ[a.occStart[m.x]:a.occStart[m.x+1]]) || ownAt(b, b.occ[b.occStart[m.y]:b.occStart[m.y+1]]) {
			return true
		}
	}
	return false
}

// ownAt reports whether a shingle of d starting at one of positions holds
// a word d does not quote.
func ownAt(d *Doc, positions []int32) bool {
	for _, i := range positions {
		for k := int(i); k < min(int(i)+shingle.N, len(d.Quoted)); k++ {
			if !d.Quoted[k] {
				return true
			}
		}
	}
	return false
}
