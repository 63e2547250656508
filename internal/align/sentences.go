package align

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clipperhouse/uax29/v2/sentences"

	"github.com/copydesk/copydesk/internal/shingle"
)

// Sentence is one sentence of a text: bytes [Start, End) of the text, with
// the surrounding spaces trimmed, and the words [First, Last) of its tokens.
type Sentence struct {
	Start, End  int
	First, Last int
}

// Words is the number of words in the sentence.
func (s Sentence) Words() int { return s.Last - s.First }

// abbreviations end with a full stop that does not end the sentence. They
// are compared in normalised form (shingle.Normalize), so case and script
// variants of the same word match.
var abbreviations = func() map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(`mr mrs ms dr prof st gen col lt sgt capt maj adm cmdr
		rep sen gov pres rev hon jr sr no nos vs etc approx
		jan feb mar apr aug sep sept oct nov dec inc corp co ltd`) {
		m[w] = true
	}
	return m
}()

// SentencesOf cuts a prepared text into sentences (Sentences), keeping
// those of at least MinSentenceWords words.
func SentencesOf(d *Doc) []Sentence {
	var out []Sentence
	for _, s := range Sentences(d.Text, d.Tokens, d.Quoted) {
		if s.Words() >= MinSentenceWords {
			out = append(out, s)
		}
	}
	return out
}

// Sentences cuts text into sentences by Unicode sentence segmentation
// (UAX #29), given the text's word tokens. UAX #29 breaks after every full
// stop that is followed by a space and a capital, so two breaks are undone:
// after an abbreviation ("U.S. Secretary", "Mr. Kerry", an initial as in
// "John F. Kennedy") and after an ellipsis inside a quotation ("seize ...
// Aleppo"). A paragraph break always ends a sentence. Segments without a
// word (a lone dash, an emoji) are dropped.
func Sentences(text string, toks []shingle.Token, quoted []bool) []Sentence {
	var out []Sentence
	k := 0 // next token
	it := sentences.FromString(text)
	for it.Next() {
		first := k
		for k < len(toks) && int(toks[k].Start) < it.End() {
			k++
		}
		if first == k {
			continue // no words
		}
		// A word and a sentence boundary disagree only on broken UTF-8;
		// the word wins.
		start, end := it.Start(), max(it.End(), int(toks[k-1].End))
		if n := len(out); n > 0 {
			start = max(start, out[n-1].End)
		}
		start, end = trimSpace(text, start, end)
		start, end = min(start, int(toks[first].Start)), max(end, int(toks[k-1].End))
		s := Sentence{Start: start, End: end, First: first, Last: k}
		if n := len(out); n > 0 && joins(text, toks, quoted, out[n-1], s) {
			out[n-1].End, out[n-1].Last = s.End, s.Last
			continue
		}
		out = append(out, s)
	}
	return out
}

// joins reports whether the break between prev and next is a false one.
func joins(text string, toks []shingle.Token, quoted []bool, prev, next Sentence) bool {
	if strings.Contains(text[prev.End:next.Start], "\n") {
		return false // a line or paragraph break is a real end
	}
	tail := text[prev.End-min(prev.End-prev.Start, 3) : prev.End]
	last := toks[prev.Last-1]
	word := text[last.Start:last.End]
	switch {
	case strings.HasSuffix(tail, "...") || strings.HasSuffix(tail, "…"):
		// An ellipsis inside a quote that goes on: "seize ... Aleppo".
		return quoted[prev.Last-1] && quoted[next.First]
	case !strings.HasSuffix(tail, "."):
		return false
	case int(last.End) != prev.End-1:
		return false // something stands between the word and the stop
	case strings.Contains(word, "."):
		return true // "U.S", "e.g": dots inside the word
	case utf8.RuneCountInString(word) == 1:
		r, _ := utf8.DecodeRuneInString(word)
		return unicode.IsUpper(r) // an initial
	}
	return abbreviations[shingle.Normalize(word)]
}

func trimSpace(text string, start, end int) (int, int) {
	for start < end {
		r, n := utf8.DecodeRuneInString(text[start:end])
		if !unicode.IsSpace(r) {
			break
		}
		start += n
	}
	for end > start {
		r, n := utf8.DecodeLastRuneInString(text[start:end])
		if !unicode.IsSpace(r) {
			break
		}
		end -= n
	}
	return start, end
}
