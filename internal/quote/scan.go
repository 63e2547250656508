package quote

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clipperhouse/uax29/v2/sentences"

	"github.com/copydesk/copydesk/internal/shingle"
)

// Span is a range of bytes [Start, End) of a text.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// rawQuote is a quotation found by its marks, before attribution.
type rawQuote struct {
	parts []Span // inside the marks, one per paragraph
	outer Span   // from the opening mark to just after the closing mark
	para  int    // paragraph of the opening mark
	open  bool   // no closing mark: cut at the end of its first sentence
}

// paragraph is one paragraph of a text: its byte range.
type paragraph = Span

// paragraphs splits text on blank lines ("\n\n"), as article bodies are
// written.
func paragraphs(text string) []paragraph {
	var ps []paragraph
	start := 0
	for {
		i := strings.Index(text[start:], "\n\n")
		if i < 0 {
			ps = append(ps, paragraph{start, len(text)})
			return ps
		}
		ps = append(ps, paragraph{start, start + i})
		start += i + 2
	}
}

// opensAt reports whether a paragraph starting at p opens with a quotation
// mark, after any spaces, and returns the mark's closer and the byte after
// it.
func opensAt(text string, p paragraph) (rune, int) {
	i := p.Start
	for i < p.End {
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			i += size
			continue
		}
		if c := shingle.QuoteCloser(text, i, r, size); c != 0 {
			return c, i + size
		}
		return 0, 0
	}
	return 0, 0
}

// scan finds the quotations of text by their marks, one level deep: marks
// inside an open quotation (a nested ‘…’ inside “…”) are part of it. A
// quotation never crosses a paragraph unless the next paragraph reopens it
// with a mark of the same kind, the convention for a quotation running over
// paragraphs. One left open and not reopened is cut at the end of its first
// sentence, so a stray mark cannot swallow the rest of the text.
func scan(text string) []rawQuote {
	ps := paragraphs(text)
	var out []rawQuote
	var cur *rawQuote // open quotation carried over from the paragraph before
	var closer rune
	for pi := 0; pi < len(ps); pi++ {
		p := ps[pi]
		i := p.Start
		if cur != nil {
			// Reopened by the convention: skip the mark.
			_, i = opensAt(text, p)
		}
		for i < p.End {
			r, size := utf8.DecodeRuneInString(text[i:])
			if cur == nil {
				if c := shingle.QuoteCloser(text, i, r, size); c != 0 {
					cur = &rawQuote{outer: Span{i, 0}, para: pi}
					closer = c
					cur.parts = append(cur.parts, Span{i + size, 0})
				}
			} else if shingle.QuoteCloses(text, i, r, size, closer) {
				cur.parts[len(cur.parts)-1].End = i
				cur.outer.End = i + size
				out = append(out, *cur)
				cur = nil
			}
			i += size
		}
		if cur == nil {
			continue
		}
		// Open at the end of the paragraph.
		cur.parts[len(cur.parts)-1].End = p.End
		if pi+1 < len(ps) {
			if c, j := opensAt(text, ps[pi+1]); c == closer {
				cur.parts = append(cur.parts, Span{j, 0})
				continue
			}
		}
		// Not reopened: unbalanced. Keep its first sentence.
		q := *cur
		cur = nil
		first := q.parts[0]
		if len(q.parts) > 1 {
			// It ran over paragraphs and then stopped without closing: keep
			// what it has, up to the end of this paragraph.
			q.outer.End = p.End
		} else {
			end := firstSentenceEnd(text, first)
			q.parts[0].End = end
			q.outer.End = end
		}
		q.open = true
		out = append(out, q)
	}
	return out
}

// firstSentenceEnd returns where the first sentence of text[s.Start:s.End]
// ends (UAX #29 sentences).
func firstSentenceEnd(text string, s Span) int {
	it := sentences.FromString(text[s.Start:s.End])
	for it.Next() {
		if strings.TrimSpace(it.Value()) == "" {
			continue
		}
		return s.Start + it.End()
	}
	return s.End
}

// sentenceSpans returns the sentences of text (UAX #29) with paragraph
// breaks as hard boundaries.
func sentenceSpans(text string, ps []paragraph) []Span {
	var out []Span
	for _, p := range ps {
		it := sentences.FromString(text[p.Start:p.End])
		for it.Next() {
			out = append(out, Span{p.Start + it.Start(), p.Start + it.End()})
		}
	}
	return out
}
