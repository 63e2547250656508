package serve

import (
	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/index"
	"github.com/copydesk/copydesk/internal/provenance"
)

// provView is an article's provenance among its copy partners
// (provenance.Build over the article, the articles it shares a passage or
// a quote with, and the stored pairs among them: see provenanceAmong):
// its immediate sources and its chain of main sources to the original.
type provView struct {
	Sources  []provSource `json:"sources"` // immediate sources, the main one first
	Chain    []provSource `json:"chain"`   // main source, its main source, ... to the original
	Credited bool         `json:"credited"`
	Original string       `json:"original"` // id of the root of its family; itself when it has no source
}

// provSource is one article upstream of the page's.
type provSource struct {
	ID       string  `json:"id"`
	Outlet   string  `json:"outlet"`
	Title    string  `json:"title"`
	Share    float64 `json:"share"` // share of the copy's words taken from it
	Credited bool    `json:"credited"`
	Evidence string  `json:"evidence"`
	Reason   string  `json:"reason"`
}

// provenanceAmong returns the provenance of near's article among the
// articles whose text near holds (its copy partners): a chain leaves the
// page's neighbourhood no further than a copy partner's own sources among
// them; the story page holds the wider view.
func provenanceAmong(near *index.Near) provView {
	at := make(map[int]int, len(near.Copies))
	arts := make([]article.Article, len(near.Copies))
	for k, i := range near.Copies {
		at[i], arts[k] = k, near.Articles[i]
	}
	var pairs []cluster.Pair
	for _, p := range near.Pairs {
		i, okI := at[p.I]
		j, okJ := at[p.J]
		if okI && okJ {
			p.I, p.J = i, j
			if p.Source >= 0 {
				p.Source = at[p.Source]
			}
			pairs = append(pairs, p)
		}
	}
	return provenanceOf(arts, pairs, at[near.Centre])
}

// provenanceOf returns the provenance of arts[c] among arts and pairs.
func provenanceOf(arts []article.Article, pairs []cluster.Pair, c int) provView {
	in := make([]provenance.Article, len(arts))
	for i := range arts {
		in[i] = provenance.FromArticle(&arts[i])
	}
	res := provenance.Build(in, pairs, provenance.Options{})
	step := func(copy int, src provenance.Source) provSource {
		a, l := &arts[src.Index], &res.Links[src.Link]
		return provSource{ID: a.ID, Outlet: a.Outlet, Title: a.Title, Share: round3(src.Share),
			Credited: res.Nodes[copy].Credited, Evidence: string(l.Evidence), Reason: l.Reason}
	}
	n := res.Nodes[c]
	v := provView{Sources: []provSource{}, Chain: []provSource{}, Credited: n.Credited, Original: arts[n.Root].ID}
	for _, s := range n.Sources {
		v.Sources = append(v.Sources, step(c, s))
	}
	chain := res.Chain(c)
	for k := 1; k < len(chain); k++ {
		prev := chain[k-1]
		v.Chain = append(v.Chain, step(prev, res.Nodes[prev].Sources[0]))
	}
	return v
}
