// Package quote finds who each outlet quoted and how: direct quotations
// with their speakers in one article (Extract), and the same statement
// quoted by several outlets merged into one entry (Merge).
//
// # Quotations
//
// A quotation is found by its marks: straight "…", curly “…”, German „…“,
// guillemets «…», CJK 「…」 and single ‘…’ when the opening mark starts a word
// (so the apostrophe of "Syria’s" is no mark). Marks inside an open
// quotation are part of it (a nested ‘…’ inside “…”). A quotation that runs
// over paragraphs reopens each paragraph with a mark, by convention, and is
// read as one; one left open and not reopened is unbalanced, and is cut at
// the end of its first sentence (UAX #29) so that a stray mark never
// swallows the rest of the text.
//
// # Speakers
//
// Each quotation is attributed by reading the words around it, in this
// order:
//
//  1. After it, in its sentence: a speech verb within a few words, with its
//     subject between (“…,” US spokesman John Kirby said; “…,” the Syrian
//     Observatory for Human Rights said) or after it (“…,” said Toner).
//  2. "According to X" anywhere in its sentence.
//  3. Before it, in its sentence: the nearest speech verb and its subject
//     (De Mistura said it would be “…”; He said: “…”), or a participle
//     ("Toner said, adding that “…”", "saying: “…”"), which takes the
//     speaker of the quotation before it in the sentence, else the
//     sentence's subject.
//  4. A quotation that is a whole paragraph with no attribution continues
//     the speaker of the paragraph before, when that paragraph was quoted.
//
// The subject of a verb is the head of the noun phrase that ends the clause
// before it, skipping fillers ("also", "has"), time phrases ("on Monday"),
// relative clauses ("whose two predecessors quit") and appositives ("Nadim
// Houry, HRW's deputy Middle East director, said"). A name after a
// preposition is an object ("a senior official in Washington told AFP": the
// speaker is "a senior official").
//
// Heads that are not names are resolved: "he" or "she" to the nearest
// person before it who spoke or opened a sentence; "the spokesman", "the
// envoy" to the nearest person the text gives that office ("The United
// States State Department spokesman, Mark Toner"), else to the nearest
// speaker the text gives no office at all. Indefinite heads ("a senior
// official") are anonymous and stay unnamed. Name variants are one speaker:
// a shorter form whose words end a longer one ("Toner" of "Mark Toner",
// "De Mistura" of "Staffan de Mistura", particles dropped) takes the longer
// form's name.
//
// For example, in
//
//	"We would say that the vast majority of violations have been on the
//	part of the regime," the spokesman said.
//
// step 1 finds "said" two words after the closing mark and the head "the
// spokesman"; the text earlier reads "The United States State Department
// spokesman, Mark Toner", so the quotation is Mark Toner's.
package quote

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// Quote is one direct quotation in a text.
type Quote struct {
	Text    string  `json:"text"`           // the quoted words; paragraphs joined by a space
	Parts   []Span  `json:"parts"`          // byte ranges inside the marks, one per paragraph
	Span    Span    `json:"span"`           // from the opening mark to after the closing one
	Open    bool    `json:"open,omitempty"` // unbalanced: no closing mark, cut at its first sentence's end
	Speaker Speaker `json:"speaker"`
	// Marks are the opening and closing marks when they are not English
	// ones (“…”, "…", ‘…’): "«»", "„“", "「」"; empty for English marks.
	Marks string `json:"marks,omitempty"`
}

// marksOf returns a quotation's marks as Quote.Marks has them.
func marksOf(text string, r rawQuote) string {
	o, _ := utf8.DecodeRuneInString(text[r.outer.Start:])
	switch o {
	case '"', '“', '‘':
		return ""
	}
	c := rune(0)
	if !r.open {
		c, _ = utf8.DecodeLastRuneInString(text[:r.outer.End])
	}
	if c == 0 || c == utf8.RuneError {
		return string(o)
	}
	return string(o) + string(c)
}

// maxTitleWords is the longest name in guillemets read as a name, not a
// quotation: a station, a company, a ship, a film («Лесная», «Новые
// Черёмушки», «Газпром»).
const maxTitleWords = 3

// isTitle reports whether an unattributed quotation in guillemets is a
// name: at most maxTitleWords words, each capitalised, no sentence
// punctuation. Russian copy marks names this way, not only speech.
func isTitle(q Quote, ws []word) bool {
	if !strings.HasPrefix(q.Marks, "«") && !strings.HasPrefix(q.Marks, "»") {
		return false
	}
	n := 0
	for _, w := range ws {
		if w.quoted {
			if !w.cap {
				return false
			}
			n++
		}
	}
	return n > 0 && n <= maxTitleWords && !strings.ContainsAny(q.Text, ".!?,;:")
}

// Speaker is who a quotation is attributed to.
type Speaker struct {
	Name string `json:"name,omitempty"` // resolved name ("Mark Toner"); empty when unnamed or unknown
	As   string `json:"as,omitempty"`   // the words that attribute it: "the spokesman", "he", "Toner"
	Via  string `json:"via,omitempty"`  // how it was found: after, according, before, sentence, continued

	key    []string // normalised name words, particles dropped
	person bool
}

// Known reports whether the quotation has a speaker at all.
func (s Speaker) Known() bool { return s.Name != "" || s.As != "" }

// Extract finds the quotations of text and their speakers, in text order.
// It never fails: text it cannot read gives fewer quotations.
func Extract(text string) []Quote {
	raws := scan(text)
	if len(raws) == 0 {
		return nil
	}
	ws := wordsOf(text, raws)
	a := newAttributor(text, ws)
	x := &extractor{attributor: a, sents: sentenceSpans(text, paragraphs(text)), paras: paragraphs(text)}
	x.canon()
	var out []Quote
	for _, r := range raws {
		qs, qe := x.wordRange(r)
		if qs == qe {
			continue
		}
		var parts []string
		for _, p := range r.parts {
			if t := strings.TrimRight(strings.TrimSpace(text[p.Start:p.End]), " ,"); t != "" {
				parts = append(parts, t)
			}
		}
		q := Quote{Text: strings.Join(parts, " "), Parts: r.parts, Span: r.outer, Open: r.open, Marks: marksOf(text, r)}
		q.Speaker = x.attribute(r, qs, qe, out)
		if !q.Speaker.Known() && isTitle(q, x.ws[qs:qe]) {
			continue
		}
		out = append(out, q)
		x.quotes = append(x.quotes, placed{r: r, qs: qs, qe: qe, sp: q.Speaker})
	}
	return out
}

// placed is an attributed quotation with its place in the text.
type placed struct {
	r      rawQuote
	qs, qe int
	sp     Speaker
}

type extractor struct {
	*attributor
	sents  []Span
	paras  []paragraph
	quotes []placed
	// canonical mention for each mention: the longest variant.
	canonOf []int
	rolesOf map[int][]string // offices of each canonical mention
	persons []bool           // mention names a person (see person)
}

// canon picks, for each mention, the longest mention it is a variant of.
// Only mentions sharing a last word (or, for an organisation word, holding
// it) can be variants, so they are compared within those buckets.
func (x *extractor) canon() {
	x.canonOf = make([]int, len(x.ms))
	x.rolesOf = make(map[int][]string)
	bucket := make(map[string][]int)
	for j, m := range x.ms {
		last := m.key[len(m.key)-1]
		bucket[last] = append(bucket[last], j)
		for _, w := range m.key[:len(m.key)-1] {
			if orgWords[w] {
				bucket[w] = append(bucket[w], j)
			}
		}
	}
	best := make(map[string]int) // by key: the longest variant
	for i := range x.ms {
		k := strings.Join(x.ms[i].key, " ")
		if b, ok := best[k]; ok {
			x.canonOf[i] = b
			continue
		}
		b := i
		for _, j := range bucket[x.ms[i].key[len(x.ms[i].key)-1]] {
			if x.ms[j].org == x.ms[i].org && len(x.ms[j].key) > len(x.ms[b].key) && variant(x.ms[i].key, x.ms[j].key) {
				b = j
			}
		}
		best[k] = b
		x.canonOf[i] = b
	}
	x.persons = make([]bool, len(x.ms))
	memo := make(map[string]bool) // by key, for names no speaker verb marks
	for i := range x.ms {
		m := &x.ms[i]
		if m.org || m.speaker || len(m.key) >= 2 {
			x.persons[i] = person(m, x.ms, nil)
			continue
		}
		k := m.key[0]
		p, ok := memo[k]
		if !ok {
			p = person(m, x.ms, bucket[k])
			memo[k] = p
		}
		x.persons[i] = p
	}
	for i := range x.ms {
		c := x.canonOf[i]
		x.rolesOf[c] = append(x.rolesOf[c], x.ms[i].roles...)
		if x.ms[i].speaker {
			x.ms[c].speaker = true
		}
	}
}

// wordRange returns the words [qs, qe) from the quotation's opening mark to
// its closing mark.
func (x *extractor) wordRange(r rawQuote) (int, int) {
	qs := x.wordAt(r.outer.Start)
	qe := qs
	for qe < len(x.ws) && x.ws[qe].End <= r.outer.End {
		qe++
	}
	return qs, qe
}

// wordAt returns the first word starting at or after byte b.
func (x *extractor) wordAt(b int) int {
	lo, hi := 0, len(x.ws)
	for lo < hi {
		m := (lo + hi) / 2
		if x.ws[m].Start < b {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// sentenceOf returns the sentence holding byte b.
func (x *extractor) sentenceOf(b int) Span {
	i := sort.Search(len(x.sents), func(i int) bool { return x.sents[i].End > b })
	if i < len(x.sents) && x.sents[i].Start <= b {
		return x.sents[i]
	}
	return Span{b, b}
}

// Attribution windows, in words.
const (
	// maxAfterVerb: a speech verb more than this many words after the
	// closing mark attributes something else.
	maxAfterVerb = 12
	// maxTagSentence: a sentence this short after a quotation that ends
	// its own sentence may be its tag ("“…outrage.” Jubeir said.").
	maxTagSentence = 8
)

func (x *extractor) attribute(r rawQuote, qs, qe int, prev []Quote) Speaker {
	ws := x.ws
	open := x.sentenceOf(r.outer.Start)
	closing := x.sentenceOf(max(r.outer.End-1, r.outer.Start))
	// 1. After the quotation.
	as, ae := qe, x.wordAt(closing.End)
	if as == ae && closing.End < len(x.text) {
		next := x.sentenceOf(closing.End)
		if next.Start == closing.End && !strings.Contains(x.text[closing.End:next.End], "\n\n") {
			if e := x.wordAt(next.End); e-as <= maxTagSentence {
				ae = e
			}
		}
	}
	for k := as; k < ae; k++ {
		if ws[k].quoted {
			ae = k
			break
		}
	}
	for k := as; k < ae && k < as+maxAfterVerb; k++ {
		if speechVerbs[ws[k].norm] {
			var h head
			if k == as {
				h = x.after(k)
			} else {
				h = x.before(as, k)
			}
			if h.kind != noHead {
				return x.resolve(h, ws[k].Start, "after")
			}
			break
		}
	}
	// 2. "According to X" in the sentence.
	ss, se := x.wordAt(open.Start), x.wordAt(closing.End)
	for k := ss; k+1 < se; k++ {
		if ws[k].norm == "according" && ws[k+1].norm == "to" && !ws[k].quoted {
			if h := x.after(k + 1); h.kind != noHead {
				return x.resolve(h, ws[k].Start, "according")
			}
		}
	}
	// 3. Before it, back to the sentence start or the quotation before.
	bs := ss
	var before *placed
	if n := len(x.quotes); n > 0 && x.quotes[n-1].r.outer.End > open.Start {
		before = &x.quotes[n-1]
		bs = before.qe
	}
	for k := qs - 1; k >= bs; k-- {
		w := ws[k]
		if w.quoted {
			break
		}
		if speechVerbs[w.norm] {
			h := x.before(bs, k)
			if h.kind == noHead {
				// “…,” said Omar Saleh, “…”
				h = x.after(k)
			}
			if h.kind != noHead {
				return x.resolve(h, w.Start, "before")
			}
			break
		}
		if participles[w.norm] {
			if before != nil && before.sp.Known() {
				sp := before.sp
				sp.Via = "before"
				return sp
			}
			// A finite speech verb earlier, else the sentence's subject.
			for j := k - 1; j >= bs; j-- {
				if speechVerbs[ws[j].norm] {
					if h := x.before(bs, j); h.kind != noHead {
						return x.resolve(h, ws[j].Start, "before")
					}
				}
			}
			if m := x.subject(ss, k); m >= 0 {
				return x.resolve(head{kind: named, mention: m, as: x.ms[m].display}, ws[k].Start, "before")
			}
			break
		}
	}
	// A later quotation of an attributed sentence: "Moe said the truce
	// “must hold” and called it “fragile”".
	if before != nil && before.sp.Known() {
		sp := before.sp
		sp.Via = "sentence"
		return sp
	}
	// A quotation that opens the sentence right after an attributed one's
	// sentence continues it: "“…,” Mayor Paolo Berti said. “…”".
	if n := len(x.quotes); n > 0 && strings.TrimSpace(x.text[open.Start:r.outer.Start]) == "" {
		pq := x.quotes[n-1]
		pc := x.sentenceOf(max(pq.r.outer.End-1, pq.r.outer.Start))
		if pq.sp.Known() && pq.r.para+len(pq.r.parts)-1 == r.para && (pc.End == open.Start || x.sentenceOf(pc.End).End == open.Start) {
			sp := pq.sp
			sp.Via = "continued"
			return sp
		}
	}
	// 4. A whole quoted paragraph continues the paragraph before.
	if r.para > 0 && len(r.parts) >= 1 && len(x.quotes) > 0 {
		p := x.paras[r.para]
		last := r.parts[len(r.parts)-1]
		endPara := x.paras[min(r.para+len(r.parts)-1, len(x.paras)-1)]
		whole := strings.Trim(x.text[p.Start:r.outer.Start], " \t\n") == "" && strings.Trim(x.text[r.outer.End:endPara.End], " \t\n.,") == ""
		pq := x.quotes[len(x.quotes)-1]
		if whole && last.End <= endPara.End && pq.r.para+len(pq.r.parts) == r.para && pq.sp.Known() {
			sp := pq.sp
			sp.Via = "continued"
			return sp
		}
	}
	return Speaker{}
}

// subject returns the first named mention of the words [s, e) that is not
// quoted and not the object of a preposition: the subject of the sentence.
func (x *extractor) subject(s, e int) int {
	for k := s; k < e; k++ {
		m := x.byTok[k]
		if m < 0 || x.ws[k].quoted || x.ms[m].from != k {
			continue
		}
		if k > 0 && prepositions[x.ws[k-1].norm] {
			continue
		}
		if x.persons[m] || x.ms[m].org {
			return m
		}
	}
	return -1
}

// resolve turns a head found at byte b into a speaker.
func (x *extractor) resolve(h head, b int, via string) Speaker {
	switch h.kind {
	case named:
		return x.speakerOf(h.mention, h.as, via)
	case pronoun:
		if m, sp, ok := x.antecedent(b); ok {
			if m >= 0 {
				return x.speakerOf(m, h.as, via)
			}
			sp.As, sp.Via = h.as, via
			return sp
		}
		return Speaker{As: h.as, Via: via}
	case roled:
		if h.def {
			if m := x.holder(h.role, b); m >= 0 {
				return x.speakerOf(m, h.as, via)
			}
		}
		return Speaker{As: h.as, Via: via}
	}
	return Speaker{}
}

func (x *extractor) speakerOf(m int, as, via string) Speaker {
	c := x.canonOf[m]
	return Speaker{Name: x.ms[c].display, As: as, Via: via, key: x.ms[c].key, person: x.persons[c]}
}

// antecedent finds what "he" or "she" at byte b refers to: the later of
// the last named speaker of a quotation before b and the last person who
// opened a sentence before b.
func (x *extractor) antecedent(b int) (int, Speaker, bool) {
	best, bestAt := -1, -1
	i := sort.Search(len(x.sents), func(i int) bool { return x.sents[i].Start >= b })
	i--
	for stop := i - maxLookback; i >= 0 && i > stop; i-- {
		s := x.sents[i]
		ss, se := x.wordAt(s.Start), x.wordAt(min(s.End, b))
		if m := x.subject(ss, se); m >= 0 && x.persons[m] {
			best, bestAt = m, x.ws[x.ms[m].from].Start
			break
		}
	}
	var sp Speaker
	spAt := -1
	for k := len(x.quotes) - 1; k >= 0; k-- {
		q := x.quotes[k]
		if q.r.outer.Start < b && q.sp.Name != "" && q.sp.person {
			sp, spAt = q.sp, q.r.outer.Start
			break
		}
	}
	switch {
	case spAt > bestAt:
		return -1, sp, true
	case best >= 0:
		return best, Speaker{}, true
	}
	return -1, Speaker{}, false
}

// maxLookback bounds how many sentences or mentions back a pronoun or an
// office is resolved, so resolution stays linear on long texts.
const maxLookback = 200

// holder finds who "the <office>" at byte b is: the nearest mention before
// b of a person (or, for an organisation's office, an organisation) the
// text gives that office; else the nearest speaker before b the text gives
// no office at all.
func (x *extractor) holder(office string, b int) int {
	for pass := 0; pass < 2; pass++ {
		for k, seen := len(x.ms)-1, 0; k >= 0 && seen < maxLookback; k-- {
			m := &x.ms[k]
			if m.quoted || x.ws[m.from].Start >= b {
				continue
			}
			seen++
			c := x.canonOf[k]
			roles := x.rolesOf[c]
			ok := false
			if pass == 0 {
				for _, r := range roles {
					ok = ok || r == office
				}
			} else {
				ok = len(roles) == 0 && x.ms[c].speaker
			}
			if ok && (x.persons[c] || x.ms[c].org && orgWords[office]) {
				return k
			}
		}
	}
	return -1
}
