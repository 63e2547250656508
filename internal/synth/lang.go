package synth

import (
	"math"
	"math/rand/v2"
	"sort"
	"strings"
)

// functionWords are the most frequent words of the language, in rank order:
// real English, so that the story route's stopword list treats them as
// function words the way it treats real copy.
var functionWords = strings.Fields(`the of to and a in that for on said is was
with by as at from he it has his have be are not an will were its which but
this who had they been after also their would more than up over about one
two into new other some could last when there while all we out against her
she our so no people only if first can what year three since those them
under before between where said because during any most him many then such
being through these four did told according`)

// stockPhrases are phrases every outlet uses: shared by independent reports,
// never long enough to be copy (align.MinPassageWords and
// cluster.PartialLongest keep them out).
var stockPhrases = []string{
	"said in a statement on Monday",
	"told reporters on Tuesday",
	"according to a statement released late on Wednesday",
	"officials said on condition of anonymity",
	"did not immediately respond to a request for comment",
	"in a televised address",
	"the ministry said in a statement",
	"it was not immediately clear",
	"a spokesman told the news agency",
	"in an interview with local media",
	"the latest in a series of",
	"sources familiar with the matter said",
}

var syllables = strings.Fields(`ka ri to na mo se lu vi da pe ro ta ni ko ma
sa le ru fo ba di gu ne tu mi lo ra ze po vu ha ki su de la bo ge nu fi ho
ja te li wo cu pa me no si re gar tor ven mil dan sol ber kan lin mas pol
ter vos ran del mun sar tin lok fer gal hus`)

// lang is the vocabulary: content words ranked by frequency, drawn with a
// Zipf law, plus capitalised names for people and places.
type lang struct {
	words []string  // rank order: function words first
	cdf   []float64 // cumulative Zipf probabilities over words
	names []string  // capitalised name parts
}

// vocabSize is the number of distinct words. Zipf exponent zipfS is the
// classic value for English text.
const (
	vocabSize = 40000
	nameCount = 20000
	zipfS     = 1.05
)

// newLang builds the vocabulary; it depends on nothing but the constants,
// so every seed writes in the same language.
func newLang() *lang {
	rng := rand.New(rand.NewPCG(1, 2))
	seen := make(map[string]bool)
	l := &lang{}
	for _, w := range functionWords {
		if !seen[w] {
			seen[w] = true
			l.words = append(l.words, w)
		}
	}
	// Content words: shorter words are more frequent, as in real text.
	var content []string
	for len(content) < vocabSize-len(l.words) {
		n := 1 + rng.IntN(2) + rng.IntN(3)
		var b strings.Builder
		for range n {
			b.WriteString(syllables[rng.IntN(len(syllables))])
		}
		w := b.String()
		if len(w) < 3 || seen[w] {
			continue
		}
		seen[w] = true
		content = append(content, w)
	}
	sort.SliceStable(content, func(i, j int) bool { return len(content[i]) < len(content[j]) })
	// Shuffle within length classes a little so frequency is not a strict
	// function of length.
	for i := range content {
		j := i + rng.IntN(min(400, len(content)-i))
		content[i], content[j] = content[j], content[i]
	}
	l.words = append(l.words, content...)
	l.cdf = make([]float64, len(l.words))
	var sum float64
	for i := range l.words {
		sum += 1 / math.Pow(float64(i+1), zipfS)
		l.cdf[i] = sum
	}
	for i := range l.cdf {
		l.cdf[i] /= sum
	}
	for len(l.names) < nameCount {
		n := 2 + rng.IntN(2)
		var b strings.Builder
		for range n {
			b.WriteString(syllables[rng.IntN(len(syllables))])
		}
		w := b.String()
		if seen[w] {
			continue
		}
		seen[w] = true
		l.names = append(l.names, strings.ToUpper(w[:1])+w[1:])
	}
	return l
}

// word draws a word by its Zipf frequency.
func (l *lang) word(rng *rand.Rand) string {
	u := rng.Float64()
	i := sort.SearchFloat64s(l.cdf, u)
	return l.words[min(i, len(l.words)-1)]
}

// contentWord draws a word outside the function words, from the middle of
// the frequency range: the words that carry a story's topic.
func (l *lang) contentWord(rng *rand.Rand) string {
	lo := len(functionWords) + 200
	return l.words[lo+rng.IntN(8000)]
}

func (l *lang) name(rng *rand.Rand) string { return l.names[rng.IntN(len(l.names))] }
