package serve

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/index"
	"github.com/copydesk/copydesk/internal/pipeline"
	"github.com/copydesk/copydesk/internal/report"
)

// StoryPage is how many related articles one page of a story shows beside
// the article it is around: the report's pair diffs grow with the square
// of the articles, and 12 keep a page under a second to build.
const StoryPage = 12

// story builds the report of the story around the article id, page
// (from 1) of its related articles.
func (s *Server) story(r *http.Request) (*report.Report, *storyPaging, error) {
	page, err := strconv.Atoi(cmp.Or(r.URL.Query().Get("page"), "1"))
	if err != nil || page < 1 {
		return nil, nil, badRequest("page: %q is not a page number", r.URL.Query().Get("page"))
	}
	st, err := s.store(r.Context())
	if err != nil {
		return nil, nil, err
	}
	defer s.release(st)
	id := r.PathValue("id")
	arts, pairs, err := index.Around(r.Context(), st, id)
	if err != nil {
		if found, ferr := index.Articles(r.Context(), st, []string{id}); ferr == nil && len(found) == 0 {
			return nil, nil, notFound("no article %q in the index", id)
		}
		return nil, nil, err
	}
	arts, pairs, paging := storySlice(arts, pairs, id, page)
	if paging == nil {
		return nil, nil, notFound("the story around %q has no page %d", id, page)
	}
	docs := make([]*align.Doc, len(arts))
	for i := range arts {
		docs[i] = pipeline.NewDoc(&arts[i])
	}
	rep, err := report.Build(r.Context(), &pipeline.Result{Corpus: &pipeline.Corpus{Articles: arts, Docs: docs}, Pairs: pairs})
	if err != nil {
		return nil, nil, err
	}
	rep.InlineWords = math.MaxInt // one page: the paging is serve's
	return rep, paging, nil
}

// storyPaging says where a story page is among its pages.
type storyPaging struct {
	ID          string
	Page, Pages int
	Related     int
}

// storySlice keeps the article id and page of its related articles
// (strongest relation first, then in index order), with the pairs among
// them; nil paging when the page is past the end.
func storySlice(arts []article.Article, pairs []cluster.Pair, id string, page int) ([]article.Article, []cluster.Pair, *storyPaging) {
	c := slices.IndexFunc(arts, func(a article.Article) bool { return a.ID == id })
	strength := make([]cluster.Relation, len(arts))
	for _, p := range pairs {
		if p.I == c {
			strength[p.J] = p.Relation
		} else if p.J == c {
			strength[p.I] = p.Relation
		}
	}
	var related []int
	for i := range arts {
		if i != c {
			related = append(related, i)
		}
	}
	slices.SortStableFunc(related, func(a, b int) int { return cmp.Compare(strength[b], strength[a]) })
	pages := max(1, (len(related)+StoryPage-1)/StoryPage)
	if page > pages {
		return nil, nil, nil
	}
	keep := append([]int{c}, related[(page-1)*StoryPage:min(page*StoryPage, len(related))]...)
	slices.Sort(keep)
	at := make(map[int]int, len(keep))
	out := make([]article.Article, len(keep))
	for k, i := range keep {
		at[i], out[k] = k, arts[i]
	}
	var ps []cluster.Pair
	for _, p := range pairs {
		i, okI := at[p.I]
		j, okJ := at[p.J]
		if okI && okJ {
			if p.Source >= 0 {
				p.Source = at[p.Source]
			}
			p.I, p.J = i, j
			ps = append(ps, p)
		}
	}
	return out, ps, &storyPaging{ID: id, Page: page, Pages: pages, Related: len(related)}
}

// storyPage renders the story as `compare report` does, with links back
// to the article and to the other pages.
func (s *Server) storyPage(w http.ResponseWriter, r *http.Request) {
	rep, paging, err := s.story(r)
	if err != nil {
		s.page(func(http.ResponseWriter, *http.Request, index.Store) (any, error) { return nil, err }, "error")(w, r)
		return
	}
	p := rep.Layout().Pages[0]
	p.Title = fmt.Sprintf("copydesk: the story around %s (%d related articles)", paging.ID, paging.Related)
	if paging.Pages > 1 {
		p.Title += fmt.Sprintf(", page %d of %d", paging.Page, paging.Pages)
	}
	p.Nav = []report.NavLink{{Href: articleURL(paging.ID), Text: "← the article"}, {Href: "/", Text: "Search"}}
	base := "/story/" + url.PathEscape(paging.ID)
	if paging.Page > 1 {
		p.Nav = append(p.Nav, report.NavLink{Href: fmt.Sprintf("%s?page=%d", base, paging.Page-1), Text: "← previous page"})
	}
	if paging.Page < paging.Pages {
		p.Nav = append(p.Nav, report.NavLink{Href: fmt.Sprintf("%s?page=%d", base, paging.Page+1), Text: "next page →"})
	}
	var buf bytes.Buffer
	if err := report.WritePage(&buf, p); err != nil {
		s.log.Printf("serve: %s: %v", r.URL.Path, err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Security-Policy", s.storyCSP)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(buf.Bytes())
}

// storyAPI writes the story's report.json.
func (s *Server) storyAPI(w http.ResponseWriter, r *http.Request) {
	rep, _, err := s.story(r)
	if err != nil {
		code, msg := s.status(r, err)
		writeJSON(w, code, map[string]string{"error": msg})
		return
	}
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, rep); err != nil {
		code, msg := s.status(r, err)
		writeJSON(w, code, map[string]string{"error": msg})
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(buf.Bytes())
}
