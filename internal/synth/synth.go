// Package synth writes a synthetic news corpus with ground truth, for
// measuring copydesk's speed at scale and its accuracy on planted reuse.
//
// # The corpus
//
// Articles are grouped into stories. Each story has its own cast (people,
// places), numbers, topic words and quotes; an article about the story draws
// on them, so independent reports of one story share names, numbers and
// the speakers' quoted words, but not their wording. Words come from a fixed
// language of 40,000 invented words drawn by a Zipf law (with real English
// function words at the head), in sentences of 12 to 28 words, paragraphs
// of one to three sentences, with stock phrases every outlet uses ("said in
// a statement on Monday"), numbers, quotes and outlet furniture: bylines,
// datelines, source credits, "Share" and "Advertisement" lines, and each
// outlet's own tagline at the end of its articles.
//
// Many stories are first told by a news agency (AFP, Reuters, AP, …); other
// outlets then reuse the agency's copy the ways outlets really do:
//
//	syndicated      the wire copy under a new headline, with a few words
//	                changed, sentences or paragraphs reordered, sometimes
//	                the last paragraph dropped           → duplicate
//	trimmed         paragraphs cut from the end (35–70% kept)
//	                                                     → derived
//	topped-tailed   the outlet's own intro and ending around wire copy
//	                                                     → derived
//	rewritten       a quarter to a third of the paragraphs rewritten
//	                                                     → derived
//	partial         the outlet's own report quoting one or two wire
//	                paragraphs (lightly edited)          → partial
//	independent     the outlet's own report of the story → story
//
// Every reuse also substitutes words (one or two in one sentence in three) and may
// reorder sentences, so planted copies are not exact: MinHash estimates of
// trimmed and topped-tailed copies fall well below the LSH threshold, and
// finding them needs the anchor route. Constructions are checked as they
// are built (a derived version is at least 60% wire copy, a partial reuse
// at most 35% of either text), so the label is true of the text.
//
// # Truth
//
// The truth file has one record per article (Truth): its story, its outlet
// and, for a planted reuse, the wire article it came from with the
// relation planted. Score compares a run's pairs with it.
//
// Output is deterministic for a seed: the same seed and size give the same
// bytes. Articles are written in batches of 256 (a feed's time window, its
// stories' articles shuffled together); a corpus of one seed is a prefix of
// a larger one up to its last, shorter batch.
package synth

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Article is one generated article, in the JSONL form compare reads.
type Article struct {
	ID        string `json:"id"`
	Outlet    string `json:"outlet"`
	Title     string `json:"title"`
	Published string `json:"published"`
	Text      string `json:"text"`
}

// Truth is what the generator planted in one article.
type Truth struct {
	ID     string `json:"id"`
	Story  int    `json:"story"`
	Outlet string `json:"outlet"`
	// Source is the id of the article this one reuses, empty for an
	// original; Relation is the relation planted (duplicate, derived or
	// partial) and Edit the kind of reuse (syndicated, trimmed,
	// topped-tailed, rewritten, partial).
	Source   string `json:"source,omitempty"`
	Relation string `json:"relation,omitempty"`
	Edit     string `json:"edit,omitempty"`
	// Credited says that a reuse names its source's outlet or the agency
	// upstream in a credit line or its dateline.
	Credited bool `json:"credited,omitempty"`
	// Words counts the words of the title and body paragraphs (runs of
	// letters and digits), WireWords those of them that are agency copy
	// taken from another article, directly or through a chain.
	Words     int `json:"words"`
	WireWords int `json:"wire_words,omitempty"`
	// Undated says that the article was written without a publication
	// time.
	Undated bool `json:"undated,omitempty"`
}

// Reuse kinds and their shares among the non-wire articles of a story that
// has a wire original. The rest are independent reports.
var reuses = []struct {
	edit, relation string
	share          float64
}{
	{"syndicated", "duplicate", 0.18},
	{"trimmed", "derived", 0.10},
	{"topped-tailed", "derived", 0.08},
	{"rewritten", "derived", 0.06},
	{"partial", "partial", 0.14},
}

// Corpus shape.
const (
	wireShare      = 0.7 // stories with an agency original
	singletonShare = 0.3 // stories told by one article
	batchArticles  = 256 // articles shuffled together (a feed's time window)
	// chainShare: of the later articles of a wire story that has a copy
	// with edits of its own (topped-tailed or rewritten), the share that
	// copy that copy rather than the wire: a chain wire → B → C.
	chainShare = 0.25
	// undatedShare: articles written without a publication time.
	undatedShare = 0.05
)

// chainEdits are the reuses a chain's last article makes of the middle one.
var chainEdits = []struct{ edit, relation string }{
	{"syndicated", "duplicate"}, {"trimmed", "derived"}, {"topped-tailed", "derived"},
}

var agencies = []string{"AFP", "Reuters", "AP", "AA", "DPA", "EFE", "ANSA", "Xinhua", "Kyodo", "PTI"}

// Generator writes a corpus. Its zero value is not usable; call New.
type Generator struct {
	lang    *lang
	outlets []outlet
	seed    uint64
}

type outlet struct {
	name    string
	tagline string
	agency  bool
}

// New returns a generator for seed.
func New(seed uint64) *Generator {
	g := &Generator{lang: newLang(), seed: seed}
	rng := rand.New(rand.NewPCG(seed, 0x0ff1ce))
	for _, a := range agencies {
		g.outlets = append(g.outlets, outlet{name: a, agency: true})
	}
	for range 300 {
		name := "The " + g.lang.name(rng) + " " + []string{"Times", "Post", "Daily", "Herald", "News", "Observer", "Tribune", "Gazette", "Online", "Monitor"}[rng.IntN(10)]
		var tag string
		if rng.IntN(3) > 0 {
			tag = capitalise(g.sentence(rng, nil, 8+rng.IntN(6))) // short: under a passage of copy
		}
		g.outlets = append(g.outlets, outlet{name: name, tagline: tag})
	}
	return g
}

// Generate calls emit for n articles and their truth, in corpus order.
func (g *Generator) Generate(ctx context.Context, n int, emit func(*Article, *Truth) error) error {
	next, story := 0, 0
	for batch := uint64(0); next < n; batch++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		arts, truths := g.batch(batch, min(batchArticles, n-next), &story)
		for i := range arts {
			if err := emit(&arts[i], &truths[i]); err != nil {
				return err
			}
			next++
		}
	}
	return nil
}

// batch generates the stories of one time window, want articles, and
// shuffles them together. Ids are numbered from the batch number.
func (g *Generator) batch(b uint64, want int, story *int) ([]Article, []Truth) {
	rng := rand.New(rand.NewPCG(g.seed, b+1))
	var ps []piece
	for len(ps) < want {
		st := g.newStory(rng, *story)
		*story++
		size := 1
		if rng.Float64() >= singletonShare {
			size = 2 + int(rng.ExpFloat64()*4)
		}
		size = min(size, want-len(ps))
		wire := -1
		if size > 1 && rng.Float64() < wireShare {
			wire = len(ps)
			o := g.outlets[rng.IntN(len(agencies))]
			a := g.wireArticle(rng, st, o)
			ps = append(ps, piece{art: a.render(st, o), truth: Truth{Story: st.id, Outlet: o.name}, src: -1, draft: a, at: st.at})
			size--
			st.wire = a
			st.wireAgency = o.name
		}
		first := len(ps)
		for range size {
			o := g.outlets[len(agencies)+rng.IntN(len(g.outlets)-len(agencies))]
			t := Truth{Story: st.id, Outlet: o.name}
			if wire >= 0 {
				if p, ok := g.chained(rng, st, o, ps[first:], first); ok {
					ps = append(ps, p)
					continue
				}
			}
			var a *draft
			if wire >= 0 {
				u := rng.Float64()
				for _, r := range reuses {
					if u < r.share {
						if a = g.reuse(rng, st, o, r.edit); a != nil {
							t.Relation, t.Edit = r.relation, r.edit
						}
						break
					}
					u -= r.share
				}
			}
			src, at := -1, st.at.Add(time.Duration(rng.IntN(480))*time.Minute)
			if a == nil {
				a = g.independent(rng, st, o)
			} else {
				src, at = wire, st.at.Add(time.Duration(5+rng.IntN(360))*time.Minute)
				t.Credited = a.credits(st.wireAgency)
			}
			ps = append(ps, piece{art: a.render(st, o), truth: t, src: src, draft: a, at: at})
		}
	}
	for i := range ps {
		p := &ps[i]
		p.truth.Words = p.draft.countWords(false)
		if p.src >= 0 {
			p.truth.WireWords = p.draft.countWords(true)
		}
		if rng.Float64() < undatedShare {
			p.truth.Undated = true
		} else {
			p.art.Published = p.at.Format(time.RFC3339)
		}
	}
	order := rng.Perm(len(ps))
	pos := make([]int, len(ps))
	for k, i := range order {
		pos[i] = k
	}
	arts := make([]Article, len(ps))
	truths := make([]Truth, len(ps))
	for i, p := range ps {
		k := pos[i]
		id := fmt.Sprintf("n%06d-%03d", b, k)
		p.art.ID, p.truth.ID = id, id
		arts[k], truths[k] = p.art, p.truth
	}
	for i, p := range ps {
		if p.src >= 0 {
			truths[pos[i]].Source = arts[pos[p.src]].ID
		}
	}
	return arts, truths
}

// piece is an article of a batch being generated.
type piece struct {
	art   Article
	truth Truth
	src   int // index in the batch's pieces of the source, or -1
	draft *draft
	at    time.Time // publication time
}

// chained makes, now and then, a copy of one of the story's copies with
// edits of its own (topped-tailed or rewritten) instead of a new article:
// the chain wire → middle → this. story holds the story's pieces so far,
// the first of them at index base of the batch. Its credit, if any, names
// the agency or the middle article's outlet.
func (g *Generator) chained(rng *rand.Rand, st *story, o outlet, story []piece, base int) (piece, bool) {
	var mids []int
	for k := range story {
		// The wire is the piece just before the story's others.
		if e := story[k].truth.Edit; (e == "topped-tailed" || e == "rewritten") && story[k].src == base-1 {
			mids = append(mids, k)
		}
	}
	if len(mids) == 0 || rng.Float64() >= chainShare {
		return piece{}, false
	}
	k := mids[rng.IntN(len(mids))]
	mid := &story[k]
	e := chainEdits[rng.IntN(len(chainEdits))]
	sub := *st
	sub.wire = mid.draft
	if rng.IntN(2) == 0 {
		sub.wireAgency = mid.art.Outlet
	}
	d := g.reuse(rng, &sub, o, e.edit)
	t := Truth{Story: st.id, Outlet: o.name, Relation: e.relation, Edit: e.edit, Credited: d.credits(st.wireAgency, mid.art.Outlet)}
	return piece{
		art: d.render(st, o), truth: t, src: base + k, draft: d,
		at: mid.at.Add(time.Duration(5+rng.IntN(240)) * time.Minute),
	}, true
}

// credits says whether the draft's credit line or dateline names one of
// the outlets.
func (d *draft) credits(outlets ...string) bool {
	for _, n := range outlets {
		if strings.Contains(d.dateline, "("+n+")") || d.credit == "(With "+n+")" || d.credit == "Source: "+n {
			return true
		}
	}
	return false
}

// countWords counts the words (runs of letters and digits) of the title
// and paragraphs, or, with agencyOnly, of the paragraphs an agency wrote.
func (d *draft) countWords(agencyOnly bool) int {
	n := 0
	if !agencyOnly {
		n += wordCount(d.title)
	}
	for _, p := range d.paras {
		if agencyOnly && !p.agency {
			continue
		}
		for _, s := range p.sents {
			for _, w := range s {
				n += wordCount(w)
			}
		}
	}
	return n
}

func wordCount(s string) int {
	n, in := 0, false
	for _, r := range s {
		w := unicode.IsLetter(r) || unicode.IsDigit(r)
		if w && !in {
			n++
		}
		in = w
	}
	return n
}

// story is what every article about one story draws on.
type story struct {
	id         int
	topic      []string
	people     []string
	places     []string
	numbers    []string
	quotes     []quote
	at         time.Time // when the story broke
	wire       *draft
	wireAgency string
}

type quote struct{ speaker, text string }

func (g *Generator) newStory(rng *rand.Rand, id int) *story {
	st := &story{id: id}
	for range 24 {
		st.topic = append(st.topic, g.lang.contentWord(rng))
	}
	for range 2 + rng.IntN(4) {
		st.people = append(st.people, g.lang.name(rng)+" "+g.lang.name(rng))
	}
	for range 1 + rng.IntN(3) {
		st.places = append(st.places, g.lang.name(rng))
	}
	for range 3 + rng.IntN(5) {
		switch rng.IntN(4) {
		case 0:
			st.numbers = append(st.numbers, fmt.Sprintf("%d,%03d", 1+rng.IntN(900), rng.IntN(1000)))
		case 1:
			st.numbers = append(st.numbers, fmt.Sprintf("%d.%d percent", rng.IntN(40), rng.IntN(10)))
		default:
			st.numbers = append(st.numbers, fmt.Sprint(2+rng.IntN(300)))
		}
	}
	for range 1 + rng.IntN(3) {
		st.quotes = append(st.quotes, quote{
			speaker: st.people[rng.IntN(len(st.people))],
			text:    capitalise(g.sentence(rng, st, 10+rng.IntN(16))),
		})
	}
	day := id / 40
	st.at = time.Date(2016+day/336, time.Month(1+day/28%12), 1+day%28, rng.IntN(24), rng.IntN(60), 0, 0, time.UTC)
	return st
}

// draft is an article before rendering: paragraphs of sentences, so edits
// can work on them.
type draft struct {
	title    string
	byline   string
	dateline string
	credit   string
	paras    []para
}

type para struct {
	sents  [][]string // words with their punctuation
	quote  bool       // a paragraph of quoted speech
	wire   bool       // copied from the article reused
	agency bool       // written by an agency (copied or not)
}

func (p *para) words() int {
	n := 0
	for _, s := range p.sents {
		n += len(s)
	}
	return n
}

// sentence writes n words, drawing on the story when st is set.
func (g *Generator) sentence(rng *rand.Rand, st *story, n int) string {
	return strings.Join(g.sentenceWords(rng, st, n), " ")
}

func (g *Generator) sentenceWords(rng *rand.Rand, st *story, n int) []string {
	var w []string
	for len(w) < n {
		u := rng.Float64()
		switch {
		case st != nil && u < 0.22:
			w = append(w, st.topic[rng.IntN(len(st.topic))])
		case st != nil && u < 0.26:
			w = append(w, strings.Fields(st.people[rng.IntN(len(st.people))])...)
		case st != nil && u < 0.28:
			w = append(w, st.places[rng.IntN(len(st.places))])
		case st != nil && u < 0.30:
			w = append(w, strings.Fields(st.numbers[rng.IntN(len(st.numbers))])...)
		case u < 0.31:
			w = append(w, strings.Fields(stockPhrases[rng.IntN(len(stockPhrases))])...)
		default:
			w = append(w, g.lang.word(rng))
		}
	}
	if len(w) > 6 && rng.IntN(3) == 0 {
		i := 3 + rng.IntN(len(w)-5)
		w[i] += ","
	}
	w[0] = capitalise(w[0])
	w[len(w)-1] += "."
	return w
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// paragraph writes an own paragraph of one to three sentences, or, now and
// then, a quote of one of the story's speakers.
func (g *Generator) paragraph(rng *rand.Rand, st *story, quotes bool) para {
	if quotes && rng.IntN(5) == 0 {
		q := st.quotes[rng.IntN(len(st.quotes))]
		words := strings.Fields(q.text)
		// Outlets quote all of it or a part.
		if len(words) > 12 && rng.IntN(2) == 0 {
			words = words[:8+rng.IntN(len(words)-8)]
		}
		words = slices.Clone(words)
		words[0] = "\"" + words[0]
		last := strings.TrimSuffix(words[len(words)-1], ".")
		words[len(words)-1] = last + ",\""
		words = append(words, strings.Fields(q.speaker)...)
		words = append(words, "said.")
		return para{sents: [][]string{words}, quote: true}
	}
	var p para
	for range 1 + rng.IntN(3) {
		p.sents = append(p.sents, g.sentenceWords(rng, st, 12+rng.IntN(17)))
	}
	return p
}

func (g *Generator) headline(rng *rand.Rand, st *story) string {
	w := g.sentenceWords(rng, st, 6+rng.IntN(6))
	w[len(w)-1] = strings.TrimSuffix(w[len(w)-1], ".")
	return strings.Join(w, " ")
}

func (g *Generator) byline(rng *rand.Rand) string {
	return "By " + g.lang.name(rng) + " " + g.lang.name(rng)
}

func (g *Generator) wireArticle(rng *rand.Rand, st *story, o outlet) *draft {
	d := &draft{title: g.headline(rng, st)}
	d.dateline = strings.ToUpper(st.places[0]) + " (" + o.name + ") –"
	for range 9 + rng.IntN(10) {
		p := g.paragraph(rng, st, true)
		p.agency = true
		d.paras = append(d.paras, p)
	}
	return d
}

func (g *Generator) independent(rng *rand.Rand, st *story, o outlet) *draft {
	d := &draft{title: g.headline(rng, st), byline: g.byline(rng)}
	for range 6 + rng.IntN(10) {
		d.paras = append(d.paras, g.paragraph(rng, st, true))
	}
	return d
}

// copyWire returns the paragraphs [from, to) of the article reused
// (st.wire), marked as wire copy, with the light edits every reuse makes: a
// word or two changed in one sentence in three.
func (g *Generator) copyWire(rng *rand.Rand, st *story, from, to int) []para {
	var out []para
	for _, p := range st.wire.paras[from:to] {
		q := para{quote: p.quote, wire: true, agency: p.agency}
		for _, s := range p.sents {
			s = slices.Clone(s)
			if !p.quote && len(s) > 4 {
				for k := rng.IntN(6); k < 2; k++ { // 0, 1 or 2 words; one on average per three sentences
					i := 1 + rng.IntN(len(s)-2)
					s[i] = g.lang.contentWord(rng) + trailingPunct(s[i])
				}
			}
			q.sents = append(q.sents, s)
		}
		out = append(out, q)
	}
	return out
}

func trailingPunct(w string) string {
	return w[len(strings.TrimRight(w, ".,\"")):]
}

// reorder swaps two sentences of one paragraph, or two paragraphs.
func reorder(rng *rand.Rand, ps []para) {
	if len(ps) < 2 {
		return
	}
	i := rng.IntN(len(ps))
	if n := len(ps[i].sents); n >= 2 && rng.IntN(2) == 0 {
		j := rng.IntN(n - 1)
		ps[i].sents[j], ps[i].sents[j+1] = ps[i].sents[j+1], ps[i].sents[j]
		return
	}
	i = 1 + rng.IntN(len(ps)-1) // the lead stays first
	if i+1 < len(ps) {
		ps[i], ps[i+1] = ps[i+1], ps[i]
	}
}

func (g *Generator) reuse(rng *rand.Rand, st *story, o outlet, edit string) *draft {
	w := st.wire
	n := len(w.paras)
	d := &draft{title: g.headline(rng, st), credit: creditFor(rng, st.wireAgency)}
	switch edit {
	case "syndicated":
		if rng.IntN(2) == 0 {
			d.dateline = w.dateline
		}
		end := n
		if rng.IntN(3) == 0 {
			end--
		}
		d.paras = g.copyWire(rng, st, 0, end)
		for range rng.IntN(3) {
			reorder(rng, d.paras)
		}
	case "trimmed":
		if rng.IntN(2) == 0 {
			d.dateline = w.dateline
		}
		keep := max(2, int(float64(n)*(0.35+0.35*rng.Float64())+0.5))
		d.paras = g.copyWire(rng, st, 0, keep)
		if rng.IntN(2) == 0 {
			reorder(rng, d.paras)
		}
	case "topped-tailed":
		d.byline = g.byline(rng)
		from, to := rng.IntN(3), n-rng.IntN(3)
		if to-from < 3 {
			from, to = 0, n
		}
		body := g.copyWire(rng, st, from, to)
		intro := []para{g.paragraph(rng, st, false)}
		if rng.IntN(2) == 0 {
			intro = append(intro, g.paragraph(rng, st, false))
		}
		tail := []para{g.paragraph(rng, st, false)}
		// Keep the version at least 60% wire copy: drop own paragraphs
		// until it is.
		for share(intro, body, tail) < 0.6 && len(intro)+len(tail) > 1 {
			if len(intro) > 1 {
				intro = intro[1:]
			} else if len(tail) > 0 {
				tail = nil
			} else {
				break
			}
		}
		d.paras = append(append(intro, body...), tail...)
	case "rewritten":
		d.byline = g.byline(rng)
		d.paras = g.copyWire(rng, st, 0, n)
		k := max(1, int(float64(n)*(0.25+0.1*rng.Float64())))
		for _, i := range rng.Perm(n - 1)[:min(k, n-1)] {
			own := g.paragraph(rng, st, false)
			if share(d.paras[:i+1], []para{own}, d.paras[i+2:]) < 0.6 {
				continue
			}
			d.paras[i+1] = own
		}
	case "partial":
		d = g.independent(rng, st, o)
		d.credit = ""
		var picks []int
		for i, p := range w.paras {
			if !p.quote && p.words() >= 25 {
				picks = append(picks, i)
			}
		}
		rng.Shuffle(len(picks), func(i, j int) { picks[i], picks[j] = picks[j], picks[i] })
		wireWords := 0
		for i := range w.paras {
			wireWords += w.paras[i].words()
		}
		var used []para
		for _, i := range picks[:min(1+rng.IntN(2), len(picks))] {
			c := g.copyWire(rng, st, i, i+1)
			next := append(slices.Clone(used), c...)
			if words(next) > wireWords*35/100 || share(d.paras, next, nil) > 0.35 {
				continue
			}
			used = next
		}
		if len(used) == 0 {
			// No wire paragraph fits: an independent report after all.
			return nil
		}
		for _, p := range used {
			at := 1 + rng.IntN(len(d.paras))
			d.paras = slices.Insert(d.paras, at, p)
		}
	}
	return d
}

func creditFor(rng *rand.Rand, agency string) string {
	switch rng.IntN(3) {
	case 0:
		return "(With " + agency + ")"
	case 1:
		return "Source: " + agency
	}
	return ""
}

func words(ps []para) int {
	n := 0
	for i := range ps {
		n += ps[i].words()
	}
	return n
}

// share is the fraction of words of the three parts that are wire copy.
func share(parts ...[]para) float64 {
	var wire, all int
	for _, ps := range parts {
		for i := range ps {
			n := ps[i].words()
			all += n
			if ps[i].wire {
				wire += n
			}
		}
	}
	if all == 0 {
		return 0
	}
	return float64(wire) / float64(all)
}

// render writes the article's text as an outlet's page would give it.
func (d *draft) render(st *story, o outlet) Article {
	var b strings.Builder
	line := func(s string) {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(s)
	}
	h := uint64(st.id)*0x9e3779b97f4a7c15 ^ uint64(len(d.paras))
	if !o.agency && h%5 == 0 {
		line("Share")
	}
	if d.byline != "" {
		line(d.byline)
	}
	for i, p := range d.paras {
		var s strings.Builder
		if i == 0 && d.dateline != "" {
			s.WriteString(d.dateline)
			s.WriteByte(' ')
		}
		for k, sent := range p.sents {
			if k > 0 {
				s.WriteByte(' ')
			}
			s.WriteString(strings.Join(sent, " "))
		}
		line(s.String())
		if !o.agency && i == 2 && h%3 == 0 {
			line("Advertisement")
		}
	}
	if d.credit != "" {
		line(d.credit)
	}
	if o.tagline != "" {
		line(o.tagline)
	}
	return Article{Outlet: o.name, Title: d.title, Text: b.String()}
}
