// Package compare builds the N-way view of one story cluster: what the
// outlets share (the common core, and which outlets carry each piece of
// it), what each outlet added that no other carries, what each left out
// that most of the others carry, and how much of each is reused copy
// (churn). It computes; rendering is the report stage's job.
//
// # Pieces of content
//
// The unit of content is the sentence (Unicode sentence segmentation,
// UAX #29; see Sentences). Two sentences of different outlets carry the
// same content when they are linked in one of two ways:
//
//   - verbatim: a passage the two texts share (align.Passages: copy, or a
//     shared quote) covers at least VerbatimCover of the words of one of
//     them. The score is that covered fraction.
//   - reworded: the same content in other words. The score is the mean of
//     the sentences' TF-IDF cosine (words weighed by how rare they are among
//     the cluster's sentences) and the Sørensen–Dice coefficient of their
//     character trigrams (github.com/adrg/strutil), which rewards shared
//     word stems the cosine misses ("Sergey"/"Sergei", "cease-fire"/
//     "ceasefire"). A pair is linked when the score is at least
//     RewordedScore.
//
// Each sentence keeps only its best link into each other outlet (verbatim
// before reworded, then the higher score). Sentences whose best links point
// at each other are joined into pieces (connected components); a sentence
// that is in no such pair then joins the piece of its strongest link, as a
// leaf that cannot bridge two pieces, so that weak one-way links do not
// chain unrelated content together; a reworded one-way link must reach
// LeafRewordedScore, higher than RewordedScore, since nothing on the other
// side confirms it. A piece with sentences from two or more
// outlets is part of the common core; a piece of one outlet alone is what
// that outlet added.
//
// For example, in the five seed articles (one story, five outlets) seed 002
// writes "Secretary of State John Kerry called Russian Foreign Minister
// Sergei Lavrov on Sunday to express concern …" and seed 004 "US Secretary
// of State John Kerry called his Russian counterpart Foreign Minister Sergei
// Lavrov on Friday to demand …": no 5-word run in common, cosine 0.49, Dice
// 0.56, score 0.52, reworded. Seed 000's "The spokesman also added that US
// Secretary of State, John Kerry, on Sunday reflected the US concerns … in a
// phone call with his Russian counterpart Sergey Lavrov" links to 002's at
// 0.42, so the Kerry–Lavrov call is one piece carried by 000, 002 and 004.
// Seed 004's "At least 210 combatants killed …" links to nothing: 004 added
// it.
//
// # Added, left out, churn
//
// Of n outlets, a piece is left out by an outlet that does not carry it
// when at least half of the n−1 others do (so with two outlets, each left
// out what the other added). Churn is the share of an outlet's words inside
// passages of copy (quotes not counted) shared with any other member.
package compare

import (
	"cmp"
	"context"
	"slices"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/shingle"
)

// Parameters of the view.
const (
	// MinSentenceWords, RewordedScore and MinRewordCosine are align's:
	// the reworded-sentence matching lives there, where the pair relation
	// uses it too.
	MinSentenceWords = align.MinSentenceWords
	RewordedScore    = align.RewordedScore
	MinRewordCosine  = align.MinRewordCosine
	// LeafRewordedScore is the least score of a reworded link that joins
	// a sentence to a piece one way (its partner's best link points
	// elsewhere). Such a link has no confirmation from the other side: on
	// the seeds, the one-way links from 0.35 to 0.45 were three of four
	// unrelated (a photo caption, "Mark Toner speaks at a press
	// conference", joined a quote; two different quotes of one briefing;
	// two different battles), and the one at 0.50 the Kerry–Lavrov call
	// again. Mutual links keep RewordedScore.
	LeafRewordedScore = 0.5
	// VerbatimCover: a shared passage makes two sentences verbatim
	// counterparts when it covers at least this share of one of them. Half
	// keeps a sentence that quotes a shared 8-word phrase inside 30 words of
	// its own out.
	VerbatimCover = 0.5
	// MaxMembers caps the outlets one view compares (the first MaxMembers
	// in the order given): the reworded links cost the square of the number
	// of sentences.
	MaxMembers = 100
)

// Sentence is a sentence of a member (align.Sentence).
type Sentence = align.Sentence

// Sentences cuts text into sentences (align.Sentences).
func Sentences(text string, toks []shingle.Token, quoted []bool) []Sentence {
	return align.Sentences(text, toks, quoted)
}

// Kind is how two sentences are linked.
type Kind int

// Kinds, weakest first.
const (
	Reworded Kind = iota // same content, other words
	Quote                // a shared quotation covers it
	Verbatim             // a shared passage of copy covers it
)

var kindNames = [...]string{"reworded", "quote", "verbatim"}

func (k Kind) String() string { return kindNames[k] }

// MarshalText writes the kind's name.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Link ties a sentence to one of another member.
type Link struct {
	Member, Sentence int
	Kind             Kind
	Score            float64
}

// better reports whether l is a stronger link than m.
func (l Link) better(m Link) bool {
	if l.Kind != m.Kind {
		return l.Kind > m.Kind
	}
	return l.Score > m.Score
}

// Carrier is one member's sentence in a piece, with its strongest link to
// the other sentences of the piece (zero Link.Score when it has none,
// which happens only in a piece of one sentence).
type Carrier struct {
	Member, Sentence int
	Best             Link
}

// Piece is one piece of content: linked sentences, in member then sentence
// order.
type Piece struct {
	Carriers []Carrier
	Members  []int // distinct members carrying it, ascending
}

// Outlet is what one member of the cluster did with the story.
type Outlet struct {
	Words      int     // words of its text
	CopyWords  int     // words inside copy passages shared with another member
	QuoteWords int     // words inside shared quotes only
	Churn      float64 // CopyWords / Words
	Added      []int   // pieces only this member carries (indexes into View.Pieces)
	LeftOut    []int   // pieces at least half of the others carry, this one not
}

// View is the N-way comparison of the members of one cluster. Members are
// numbered 0..n-1 in the order given.
type View struct {
	Sentences [][]Sentence // per member
	// Pieces holds every piece of content, those carried by the most
	// members first (then by first appearance); the first Core are carried
	// by two or more.
	Pieces  []Piece
	Core    int
	Outlets []Outlet
}

// New builds the view of docs, the members of one cluster, each prepared by
// align.NewDoc. Only the first MaxMembers are compared.
func New(ctx context.Context, docs []*align.Doc) (*View, error) {
	docs = docs[:min(len(docs), MaxMembers)]
	n := len(docs)
	v := &View{Sentences: make([][]Sentence, n), Outlets: make([]Outlet, n)}
	for m, d := range docs {
		v.Sentences[m] = align.SentencesOf(d)
		v.Outlets[m].Words = len(d.Tokens)
	}
	// best[m][s][o] is sentence s of member m's best link into member o.
	best := make([][][]Link, n)
	for m := range best {
		best[m] = make([][]Link, len(v.Sentences[m]))
		for s := range best[m] {
			best[m][s] = make([]Link, n)
			for o := range best[m][s] {
				best[m][s][o].Member = -1
			}
		}
	}
	offer := func(m, s int, l Link) {
		if cur := &best[m][s][l.Member]; cur.Member < 0 || l.better(*cur) {
			*cur = l
		}
	}
	if err := v.verbatim(ctx, docs, offer); err != nil {
		return nil, err
	}
	if err := v.reworded(ctx, docs, offer); err != nil {
		return nil, err
	}
	v.pieces(best)
	return v, nil
}

// verbatim links sentences covered by shared passages, and counts each
// member's copy and quote words.
func (v *View) verbatim(ctx context.Context, docs []*align.Doc, offer func(m, s int, l Link)) error {
	n := len(docs)
	copyW := make([][]bool, n)
	quoteW := make([][]bool, n)
	for m, d := range docs {
		copyW[m] = make([]bool, len(d.Tokens))
		quoteW[m] = make([]bool, len(d.Tokens))
	}
	for i := range n {
		if err := ctx.Err(); err != nil {
			return err
		}
		for j := i + 1; j < n; j++ {
			ps := align.Passages(docs[i], docs[j])
			if len(ps) == 0 {
				continue
			}
			// cover[(s, t)] counts the words of i's sentence s matched in
			// j's sentence t: in copy passages and in quotes.
			type key struct{ s, t int }
			cover := make(map[key][2]int)
			var keys []key
			for _, p := range ps {
				mark, kind := copyW, 0
				if p.Quote {
					mark, kind = quoteW, 1
				}
				for k := p.A.Start; k < p.A.End; k++ {
					mark[i][k] = true
				}
				for k := p.B.Start; k < p.B.End; k++ {
					mark[j][k] = true
				}
				// Passages chain small edits, so word k of A faces word
				// k+shift of B only roughly; near enough to pick the sentence.
				shift := p.B.Start - p.A.Start
				for k := p.A.Start; k < p.A.End; k++ {
					s := v.sentenceAt(i, k)
					t := v.sentenceAt(j, min(k+shift, p.B.End-1))
					if s < 0 || t < 0 {
						continue
					}
					c, ok := cover[key{s, t}]
					if !ok {
						keys = append(keys, key{s, t})
					}
					c[kind]++
					cover[key{s, t}] = c
				}
			}
			for _, kk := range keys {
				c := cover[kk]
				kind := Quote
				if c[0] > 0 {
					kind = Verbatim
				}
				words := float64(c[0] + c[1])
				f := min(1, max(words/float64(v.Sentences[i][kk.s].Words()), words/float64(v.Sentences[j][kk.t].Words())))
				if f >= VerbatimCover {
					offer(i, kk.s, Link{Member: j, Sentence: kk.t, Kind: kind, Score: f})
					offer(j, kk.t, Link{Member: i, Sentence: kk.s, Kind: kind, Score: f})
				}
			}
		}
	}
	for m := range n {
		o := &v.Outlets[m]
		for k := range copyW[m] {
			switch {
			case copyW[m][k]:
				o.CopyWords++
			case quoteW[m][k]:
				o.QuoteWords++
			}
		}
		if o.Words > 0 {
			o.Churn = float64(o.CopyWords) / float64(o.Words)
		}
	}
	return nil
}

// sentenceAt returns the index of member m's sentence holding token k, or
// -1 when k lies in no sentence of the view.
func (v *View) sentenceAt(m, k int) int {
	ss := v.Sentences[m]
	i, found := slices.BinarySearchFunc(ss, k, func(s Sentence, k int) int {
		switch {
		case k < s.First:
			return 1
		case k >= s.Last:
			return -1
		}
		return 0
	})
	if !found {
		return -1
	}
	return i
}

// reworded links sentences of different members whose words are alike
// (align.Reworded).
func (v *View) reworded(ctx context.Context, docs []*align.Doc, offer func(m, s int, l Link)) error {
	return align.Reworded(ctx, docs, v.Sentences, func(m, k, n, l int, score float64) {
		offer(m, k, Link{Member: n, Sentence: l, Kind: Reworded, Score: score})
		offer(n, l, Link{Member: m, Sentence: k, Kind: Reworded, Score: score})
	})
}

// pieces joins the best links into pieces and works out each member's
// added and left-out pieces.
func (v *View) pieces(best [][][]Link) {
	n := len(v.Sentences)
	// Number the sentences 0..total-1 for union-find.
	base := make([]int, n+1)
	for m := range n {
		base[m+1] = base[m] + len(v.Sentences[m])
	}
	parent := make([]int, base[n])
	for i := range parent {
		parent[i] = i
	}
	find := func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	union := func(a, b int) {
		a, b = find(a), find(b)
		if a != b {
			parent[max(a, b)] = min(a, b)
		}
	}
	// Mutual best links join pieces.
	mutual := func(m, s int, l Link) bool {
		back := best[l.Member][l.Sentence][m]
		return back.Member == m && back.Sentence == s
	}
	size := make([]int, len(parent))
	for m := range n {
		for s := range best[m] {
			for _, l := range best[m][s] {
				if l.Member >= 0 && mutual(m, s, l) {
					union(base[m]+s, base[l.Member]+l.Sentence)
					size[base[m]+s]++
				}
			}
		}
	}
	// A sentence left alone joins the piece of its strongest link, but
	// cannot bridge two pieces: one-way links do not chain. A one-way
	// reworded link must reach LeafRewordedScore.
	for m := range n {
		for s := range best[m] {
			if size[base[m]+s] > 0 {
				continue
			}
			var top Link
			top.Member = -1
			for _, l := range best[m][s] {
				if l.Member >= 0 && (top.Member < 0 || l.better(top)) {
					top = l
				}
			}
			if top.Member >= 0 && (top.Kind != Reworded || top.Score >= LeafRewordedScore) {
				union(base[m]+s, base[top.Member]+top.Sentence)
			}
		}
	}
	// Collect pieces in order of their first sentence.
	index := make(map[int]int)
	for m := range n {
		for s := range v.Sentences[m] {
			r := find(base[m] + s)
			k, ok := index[r]
			if !ok {
				k = len(v.Pieces)
				index[r] = k
				v.Pieces = append(v.Pieces, Piece{})
			}
			c := Carrier{Member: m, Sentence: s, Best: Link{Member: -1}}
			for _, l := range best[m][s] {
				if l.Member >= 0 && (c.Best.Member < 0 || l.better(c.Best)) {
					c.Best = l
				}
			}
			p := &v.Pieces[k]
			p.Carriers = append(p.Carriers, c)
			if len(p.Members) == 0 || p.Members[len(p.Members)-1] != m {
				p.Members = append(p.Members, m)
			}
		}
	}
	// Most carried first; SortStable keeps first appearance among equals.
	slices.SortStableFunc(v.Pieces, func(a, b Piece) int {
		return cmp.Compare(len(b.Members), len(a.Members))
	})
	for k, p := range v.Pieces {
		if len(p.Members) >= 2 {
			v.Core = k + 1
		}
		if len(p.Members) == 1 {
			m := p.Members[0]
			v.Outlets[m].Added = append(v.Outlets[m].Added, k)
		}
		for m := range n {
			if !slices.Contains(p.Members, m) && 2*len(p.Members) >= n-1 {
				v.Outlets[m].LeftOut = append(v.Outlets[m].LeftOut, k)
			}
		}
	}
}

// Carries reports whether member m carries piece p.
func (p *Piece) Carries(m int) bool {
	_, ok := slices.BinarySearch(p.Members, m)
	return ok
}
