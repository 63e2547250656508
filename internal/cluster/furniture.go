package cluster

import (
	"strings"

	"github.com/copydesk/copydesk/internal/align"
)

// # Outlet furniture
//
// An outlet closes its articles with the same lines: a newsletter pitch, a
// copyright notice, "follow us on ...". Two of its articles about different
// things then share a passage long enough to be copy: five articles of one
// site, on a library, a derailment, a football match, a hospital and a
// bakery, each ending with the same 37-word invitation to subscribe, were
// ten partial pairs, and a short one "derived" from a longer one.
//
// That shared ending is the outlet's furniture, not reuse. When two
// articles of one outlet end with the same passage, and it lies in the
// second half of each, the pair's passages and measures are taken from the
// texts before it: the library and the bakery share no copy; a follow-up
// that reuses a paragraph of the first report is partial for that
// paragraph alone; updates of one story stay duplicates by their bodies.
// The ending may be followed by up to FurnitureSlack words in either text
// and made of passages that far apart. Across outlets a shared ending is
// not furniture: a wire's closing background paragraph at the end of
// another outlet's report is reuse. Articles with no outlet are never
// judged furniture.
//
// The pair's cosine is still the whole texts': every front end, an index
// too, weighs it again from the articles' terms. The ending's words raise
// it, so two articles of one outlet may still come out story.

// FurnitureSlack is how many words may follow a shared ending in either
// text (a date, "Reporting by ..." that changes from article to article),
// and the longest gap between the passages that make it up (a year in a
// copyright line).
const FurnitureSlack = 10

// furnitureStart returns where the shared ending of a and b begins in each
// (a word index), when a and b are of one outlet: the copy passages of r
// in the second half of both texts that, from each text's end back, follow
// one another within FurnitureSlack words (endingStart), the same
// passages in both texts, with no other copy passage reaching into them
// but the ending's own phrases found again before it (echoesEnding).
// ok is false when there is none. It reads r's passages as a set, so it
// finds the same ending whichever text is a.
func furnitureStart(a, b *align.Doc, r *align.Result) (ea, eb int, ok bool) {
	if r.Copies() == 0 || a.Outlet == "" || !sameOutlet(a.Outlet, b.Outlet) {
		return 0, 0, false // most pairs: no copy passage, so no ending to find
	}
	na, nb := len(a.Tokens), len(b.Tokens)
	var tail []align.Passage
	for _, p := range r.Passages {
		if !p.Quote && 2*p.A.Start >= na && 2*p.B.Start >= nb {
			tail = append(tail, p)
		}
	}
	ea = endingStart(tail, na, func(p *align.Passage) align.Span { return p.A })
	eb = endingStart(tail, nb, func(p *align.Passage) align.Span { return p.B })
	if ea == na || eb == nb {
		return 0, 0, false
	}
	for _, p := range r.Passages {
		if !p.Quote && !beforeOrInEnding(p, ea, eb) && !echoesEnding(p, r.Passages, ea, eb) {
			return 0, 0, false
		}
	}
	return ea, eb, true
}

// beforeOrInEnding reports whether passage p lies before the endings
// (starting at word ea of A and eb of B) in both texts, or inside them in
// both.
func beforeOrInEnding(p align.Passage, ea, eb int) bool {
	inA, inB := p.A.Start >= ea, p.B.Start >= eb
	return inA && inB || !inA && !inB && p.A.End <= ea && p.B.End <= eb
}

// echoesEnding reports whether passage p is a phrase of the shared ending
// found again before the ending in the other text ("did not immediately
// respond to a request for comment" in one article's body and in the
// other's closing line): its side in one text's ending lies inside a
// passage of the ending itself (ps: all the pair's passages), its other
// side before the other text's ending. A paragraph of one text reused
// just before the other's ending is not inside a passage of the ending,
// so it stays copy.
func echoesEnding(p align.Passage, ps []align.Passage, ea, eb int) bool {
	inA, inB := p.A.Start >= ea, p.B.Start >= eb
	for _, e := range ps {
		if e.Quote || e.A.Start < ea || e.B.Start < eb {
			continue // not a passage of the ending
		}
		if inA && !inB && p.B.End <= eb && within(p.A, e.A) || inB && !inA && p.A.End <= ea && within(p.B, e.B) {
			return true
		}
	}
	return false
}

// within reports whether span s lies inside span of.
func within(s, of align.Span) bool { return s.Start >= of.Start && s.End <= of.End }

// endingStart returns where the spans (span of each of ps) that close a
// text of n words begin: the first ends within FurnitureSlack words of n,
// each next one within FurnitureSlack of the start of those before; n when
// none does.
func endingStart(ps []align.Passage, n int, span func(*align.Passage) align.Span) int {
	start := n
	for grown := true; grown; {
		grown = false
		for k := range ps {
			if s := span(&ps[k]); s.Start < start && start-s.End <= FurnitureSlack {
				start, grown = s.Start, true
			}
		}
	}
	return start
}

// sameOutlet reports whether two outlet names name one publisher: equal
// but for case and spacing.
func sameOutlet(a, b string) bool {
	return a == b || strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}
