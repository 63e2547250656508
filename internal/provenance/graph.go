package provenance

import (
	"fmt"
	"slices"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/cluster"
)

// Weakest is the weakest relation Build reads: copy pairs (partial and
// stronger); a front end may drop weaker pairs before it.
const Weakest = cluster.Partial

// orient turns every copy pair into a link, deciding its direction by the
// strongest evidence there is (see the package comment). Pairs that time,
// credit and agency leave open wait for the chain rule, which needs the
// decided links, and then fall back on the text.
func (b *builder) orient(pairs []cluster.Pair) {
	var open []int
	for x := range pairs {
		p := &pairs[x]
		if p.Relation < Weakest || p.I == p.J {
			continue
		}
		src, ev, why := b.strong(p.I, p.J)
		if src < 0 {
			open = append(open, x)
			continue
		}
		b.links = append(b.links, newLink(p, src, ev, why))
	}
	decided := len(b.links)
	sources := make(map[int][]int) // copy → links (among the decided) naming its source
	for k := range b.links[:decided] {
		sources[b.links[k].Copy] = append(sources[b.links[k].Copy], k)
	}
	for _, x := range open {
		p := &pairs[x]
		src, ev, why := b.chain(p, sources)
		if src < 0 {
			src, ev, why = textSource(p), ByText, "its text is more covered by shared passages"
		}
		b.links = append(b.links, newLink(p, src, ev, why))
	}
	sortLinks(b.links)
}

func newLink(p *cluster.Pair, src int, ev Evidence, why string) Link {
	l := Link{Source: src, Relation: p.Relation, Similarity: p.Similarity, Evidence: ev, Reason: why}
	if src == p.J {
		l.Copy, l.Share = p.I, p.AInB
	} else {
		l.Copy, l.Share = p.J, p.BInA
	}
	return l
}

// textSource is the one place provenance reads the pair's own text
// evidence: the article the other is derived from, as cluster.NewPair
// decided it (cluster.Pair.Source, the rule's one home). Every copy pair
// carries one.
func textSource(p *cluster.Pair) int { return p.Source }

// strong decides a pair by time, credit or agency; -1 when none decides.
func (b *builder) strong(i, j int) (src int, ev Evidence, why string) {
	ti, tj := b.nodes[i].Time, b.nodes[j].Time
	switch align.PublishedOrder(b.published[i], b.published[j]) {
	case align.AFirst:
		return i, ByTime, fmt.Sprintf("published %v earlier", tj.Sub(ti))
	case align.BFirst:
		return j, ByTime, fmt.Sprintf("published %v earlier", ti.Sub(tj))
	}
	ci, cj := b.credits(i, j), b.credits(j, i)
	switch {
	case ci && !cj:
		return j, ByCredit, "credited by the copy as " + b.arts[j].Outlet
	case cj && !ci:
		return i, ByCredit, "credited by the copy as " + b.arts[i].Outlet
	}
	ai, aj := b.nodes[i].Agency, b.nodes[j].Agency
	switch {
	case ai && !aj:
		return i, ByAgency, b.arts[i].Outlet + " is a news agency"
	case aj && !ai:
		return j, ByAgency, b.arts[j].Outlet + " is a news agency"
	}
	return -1, "", ""
}

// credits says whether article i's credits, dateline or byline name the
// outlet of article j (of another outlet).
func (b *builder) credits(i, j int) bool {
	o := b.arts[j].Outlet
	if o == "" || o == b.arts[i].Outlet {
		return false
	}
	return names(b.creditText[i], o)
}

// chain decides an open pair i, j that a third article x is the decided
// source of: the one less similar to x carries the other's edits of x, so
// it is the copy. -1 when no such x exists or the similarities tie.
func (b *builder) chain(p *cluster.Pair, sources map[int][]int) (src int, ev Evidence, why string) {
	for _, ki := range sources[p.I] {
		x := b.links[ki].Source
		for _, kj := range sources[p.J] {
			if b.links[kj].Source != x {
				continue
			}
			si, sj := b.links[ki].Similarity, b.links[kj].Similarity
			switch {
			case si < sj:
				return p.J, ByChain, fmt.Sprintf("both come from %s and the copy is further from it", b.arts[x].ID)
			case sj < si:
				return p.I, ByChain, fmt.Sprintf("both come from %s and the copy is further from it", b.arts[x].ID)
			}
		}
	}
	return -1, "", ""
}

// graph chooses each article's immediate sources among the sources its
// links name (see the package comment) and finds each article's root.
func (b *builder) graph() {
	cands := make([][]int, len(b.arts))
	linked := make(map[[2]int]bool, len(b.links)) // (source, copy)
	for k, l := range b.links {
		cands[l.Copy] = append(cands[l.Copy], k)
		linked[[2]int{l.Source, l.Copy}] = true
	}
	for c, ks := range cands {
		if len(ks) == 0 {
			continue
		}
		best := ks[0]
		for _, k := range ks[1:] {
			if b.closer(&b.links[k], &b.links[best], linked) {
				best = k
			}
		}
		srcs := []Source{{Index: b.links[best].Source, Share: b.links[best].Share, Link: best}}
		for _, k := range ks {
			s := b.links[k].Source
			if k == best || linked[[2]int{s, srcs[0].Index}] || linked[[2]int{srcs[0].Index, s}] {
				continue
			}
			srcs = append(srcs, Source{Index: s, Share: b.links[k].Share, Link: k})
		}
		slices.SortStableFunc(srcs[1:], func(a, b Source) int {
			switch {
			case a.Share > b.Share:
				return -1
			case a.Share < b.Share:
				return 1
			}
			return a.Index - b.Index
		})
		b.nodes[c].Sources = srcs
	}
	for i := range b.nodes {
		b.nodes[i].Root = b.root(i)
	}
}

// closer says whether link a is a closer source of its copy than link b
// (links to one copy): the larger share; within TieShare, the one the
// copy's credits name; else the one upstream of the other (a sibling copy
// is no closer than the original both took from); else the one the copy
// is more similar to; else the first.
func (b *builder) closer(x, y *Link, linked map[[2]int]bool) bool {
	if d := x.Share - y.Share; d > TieShare || d < -TieShare {
		return d > 0
	}
	if cx, cy := b.credits(x.Copy, x.Source), b.credits(y.Copy, y.Source); cx != cy {
		return cx
	}
	switch {
	case linked[[2]int{x.Source, y.Source}]:
		return true
	case linked[[2]int{y.Source, x.Source}]:
		return false
	}
	if x.Similarity != y.Similarity {
		return x.Similarity > y.Similarity
	}
	return x.Source < y.Source
}

// root follows main sources up from i to an article without one; a cycle
// (possible only when text evidence contradicts itself) stops where it
// closes.
func (b *builder) root(i int) int {
	seen := map[int]bool{i: true}
	for len(b.nodes[i].Sources) > 0 {
		next := b.nodes[i].Sources[0].Index
		if seen[next] {
			return i
		}
		seen[next] = true
		i = next
	}
	return i
}

// Chain returns article i and its main sources up to its root, i first.
func (r *Result) Chain(i int) []int {
	out := []int{i}
	seen := map[int]bool{i: true}
	for len(r.Nodes[i].Sources) > 0 {
		i = r.Nodes[i].Sources[0].Index
		if seen[i] {
			break
		}
		seen[i] = true
		out = append(out, i)
	}
	return out
}

// credit marks each article with a source credited when its credits,
// dateline or byline name one of its immediate sources' outlets or an
// agency whose article lies upstream of it.
func (b *builder) credit() {
	for i := range b.nodes {
		n := &b.nodes[i]
		if len(n.Sources) == 0 {
			continue
		}
		for _, up := range b.upstream(i) {
			o := b.arts[up].Outlet
			if o != "" && o != b.arts[i].Outlet && names(b.creditText[i], o) {
				n.Credited = true
				break
			}
		}
	}
}

// upstream lists the articles i took from, directly or not.
func (b *builder) upstream(i int) []int {
	var out []int
	seen := map[int]bool{i: true}
	queue := []int{i}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		for _, s := range b.nodes[c].Sources {
			if !seen[s.Index] {
				seen[s.Index] = true
				out = append(out, s.Index)
				queue = append(queue, s.Index)
			}
		}
	}
	return out
}

// wire computes each article's share of words from agencies. When the
// article is linked to agency articles upstream of it directly, it is the
// share it takes from them (from those not themselves downstream of
// another of them, summed, capped at 1): the passages it shares with the
// agency's text are the agency's words in it, however many hands they
// passed through. Otherwise it is the share it takes from each immediate
// source times the share of that source's words that are agency copy.
func (b *builder) wire() {
	into := make([][]int, len(b.nodes)) // links by copy
	for k, l := range b.links {
		into[l.Copy] = append(into[l.Copy], k)
	}
	const todo, busy, done = 0, 1, 2
	state := make([]int, len(b.nodes))
	var visit func(i int)
	visit = func(i int) {
		state[i] = busy
		n := &b.nodes[i]
		if len(n.Sources) > 0 && !b.directWire(i, into[i]) {
			b.chainedWire(i, state, visit)
		}
		state[i] = done
	}
	for i := range b.nodes {
		if state[i] == todo {
			visit(i)
		}
	}
}

// directWire sets article i's wire share from its links with agency
// articles upstream of it; false when it has none.
func (b *builder) directWire(i int, links []int) bool {
	up := b.upstream(i)
	isUp := make(map[int]bool, len(up))
	for _, u := range up {
		isUp[u] = true
	}
	var from []int // links from agency articles upstream
	for _, k := range links {
		if s := b.links[k].Source; b.nodes[s].Agency && isUp[s] {
			from = append(from, k)
		}
	}
	if len(from) == 0 {
		return false
	}
	n := &b.nodes[i]
	var agencies []string
	for _, k := range from {
		s := b.links[k].Source
		below := false // s took from another of the agency articles
		for _, k2 := range from {
			if k2 != k && slices.Contains(b.upstream(s), b.links[k2].Source) {
				below = true
			}
		}
		if !below {
			n.WireShare += b.links[k].Share
			agencies = append(agencies, b.arts[s].Outlet)
		}
	}
	n.WireShare = min(n.WireShare, 1)
	slices.Sort(agencies)
	n.Agencies = slices.Compact(agencies)
	return true
}

// chainedWire sets article i's wire share through its immediate sources.
func (b *builder) chainedWire(i int, state []int, visit func(int)) {
	n := &b.nodes[i]
	var agencies []string
	for _, s := range n.Sources {
		if state[s.Index] == 0 {
			visit(s.Index)
		}
		if state[s.Index] == 1 {
			continue // a cycle: that source is still being computed
		}
		src := &b.nodes[s.Index]
		from := src.WireShare
		if src.Agency {
			from = 1
			agencies = append(agencies, b.arts[s.Index].Outlet)
		}
		if from > 0 {
			agencies = append(agencies, src.Agencies...)
		}
		n.WireShare += s.Share * from
	}
	n.WireShare = min(n.WireShare, 1)
	slices.Sort(agencies)
	n.Agencies = slices.Compact(agencies)
}
