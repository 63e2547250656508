package shingle

import (
	_ "embed"
	"math"
	"slices"
	"strings"
)

//go:embed stopwords.txt
var stopwordsText string

// stopwords holds the hashes of the function words in stopwords.txt.
var stopwords = func() map[uint64]bool {
	m := make(map[uint64]bool)
	for line := range strings.Lines(stopwordsText) {
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		for _, w := range f[min(1, len(f)):] {
			m[HashWord(w)] = true
		}
	}
	return m
}()

// IsStopword reports whether the word hash h is a function word.
func IsStopword(h uint64) bool { return stopwords[h] }

// Term is one distinct content word of a text and how often it occurs.
type Term struct {
	Hash  uint64
	Count int32
}

// Terms counts the content words of a text (stopwords and one-character
// tokens of Latin script left out), sorted by hash.
func Terms(text string, toks []Token) []Term {
	hs := make([]uint64, 0, len(toks))
	for _, t := range toks {
		if stopwords[t.Hash] || (t.End-t.Start == 1 && text[t.Start] < 0x80) {
			continue
		}
		hs = append(hs, t.Hash)
	}
	slices.Sort(hs)
	var out []Term
	for i := 0; i < len(hs); {
		j := i
		for j < len(hs) && hs[j] == hs[i] {
			j++
		}
		out = append(out, Term{Hash: hs[i], Count: int32(j - i)})
		i = j
	}
	return out
}

// DF holds document frequencies: in how many of N documents each term
// occurs. The zero value is an empty corpus.
type DF struct {
	N     int
	Count map[uint64]int32
}

// Add counts one document's terms.
func (d *DF) Add(terms []Term) {
	if d.Count == nil {
		d.Count = make(map[uint64]int32)
	}
	d.N++
	for _, t := range terms {
		d.Count[t.Hash]++
	}
}

// IDF is the smoothed inverse document frequency log((N+1)/(df+1)) + 1:
// never zero, so that in a corpus of five articles a word all five share
// still counts a little, and a word unseen in the corpus counts the most.
func (d *DF) IDF(h uint64) float64 {
	return math.Log(float64(d.N+1)/float64(d.Count[h]+1)) + 1
}

// Weight is one term of a Vector.
type Weight struct {
	Hash uint64
	W    float32
}

// Vector is a unit-length TF-IDF vector, sorted by hash.
type Vector []Weight

// NewVector weighs terms by sublinear TF-IDF, (1 + ln tf) · idf, and
// normalises to unit length.
func NewVector(terms []Term, df *DF) Vector {
	v := make(Vector, len(terms))
	var norm float64
	for i, t := range terms {
		w := (1 + math.Log(float64(t.Count))) * df.IDF(t.Hash)
		v[i] = Weight{t.Hash, float32(w)}
		norm += w * w
	}
	if norm == 0 {
		return v
	}
	inv := 1 / math.Sqrt(norm)
	for i := range v {
		v[i].W = float32(float64(v[i].W) * inv)
	}
	return v
}

// Cosine is the cosine similarity of two unit vectors.
func Cosine(a, b Vector) float64 {
	var dot float64
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i].Hash < b[j].Hash:
			i++
		case a[i].Hash > b[j].Hash:
			j++
		default:
			dot += float64(a[i].W) * float64(b[j].W)
			i++
			j++
		}
	}
	return min(dot, 1)
}

// Top returns the hashes of the n heaviest terms of v, heaviest first (ties
// by hash, so the choice is deterministic).
func (v Vector) Top(n int) []uint64 {
	s := slices.Clone(v)
	slices.SortFunc(s, func(a, b Weight) int {
		if a.W != b.W {
			if a.W > b.W {
				return -1
			}
			return 1
		}
		if a.Hash < b.Hash {
			return -1
		}
		return 1
	})
	out := make([]uint64, 0, min(n, len(s)))
	for _, w := range s[:min(n, len(s))] {
		out = append(out, w.Hash)
	}
	return out
}
