package serve

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/index"
	"github.com/copydesk/copydesk/internal/pipeline"
	"github.com/copydesk/copydesk/internal/quote"
)

// Page limits.
const (
	// relationScan is how many matches a search with a relation filter
	// reads at most to find the ones with that relation; it stops earlier
	// once it has its page and one more, and then counts "more than".
	// Their relations are read a chunk at a time: twice as many matches as
	// the page still lacks, at least minRelationChunk and at most
	// relationChunk (on the 1M index, where about half the matches have a
	// copy relation, a first page reads the relations of about 40).
	// The matches themselves are read in two windows: first firstWindow
	// times what the page needs (its matches, those before it and one
	// more), which holds the page when at least one match in firstWindow
	// has the relation, then the rest.
	relationScan     = 1000
	firstWindow      = 4
	relationChunk    = 100
	minRelationChunk = 16
	// maxPassagePartners is how many related articles an article page
	// aligns to highlight the passages it shares with them.
	maxPassagePartners = 20
)

// funcs are the formatting functions of the templates (the report's,
// which its templates call, and serve's links).
var funcs = template.FuncMap{
	"pct":        func(x float64) string { return fmt.Sprintf("%.0f%%", 100*x) },
	"num3":       func(x float64) string { return fmt.Sprintf("%.3f", x) },
	"num2":       func(x float64) string { return fmt.Sprintf("%.2f", x) },
	"quoted":     quote.Quoted,
	"quotedAt":   quote.QuotedAt,
	"articleURL": articleURL,
	"outletURL":  func(name string) string { return "/outlet/" + url.PathEscape(name) },
	"storyURL":   func(id string) string { return "/story/" + url.PathEscape(id) },
}

// articleURL is the page of an article (its id escaped as one segment).
func articleURL(id string) string { return "/article/" + url.PathEscape(id) }

// handler computes a page's data, which its template renders and its API
// twin writes as JSON.
type handler func(w http.ResponseWriter, r *http.Request, st index.Store) (any, error)

// layout is what every serve page template gets.
type layout struct {
	Title    string
	Page     string // the page's template
	AllowAdd bool
	Data     any
}

// page serves a handler's data as HTML through the named template.
func (s *Server) page(h handler, name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		data, err := s.run(w, r, h)
		var buf bytes.Buffer
		l := layout{Page: name, AllowAdd: s.cfg.AllowAdd, Data: data}
		if err != nil {
			code, msg := s.status(r, err)
			l.Title, l.Page, l.Data = http.StatusText(code), "error", msg
			if err := s.t.ExecuteTemplate(&buf, "layout", l); err != nil {
				s.log.Printf("serve: error page: %v", err)
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(code)
			w.Write(buf.Bytes())
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		kept, keeps := data.(keepsHTML)
		if keeps {
			if b := kept.html().Load(); b != nil {
				w.Write(*b)
				return
			}
		}
		if t, ok := data.(interface{ title() string }); ok {
			l.Title = t.title()
		}
		if err := s.t.ExecuteTemplate(&buf, "layout", l); err != nil {
			s.log.Printf("serve: %s: %v", r.URL.Path, err)
			w.Header().Del("Content-Type")
			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			return
		}
		if keeps {
			b := buf.Bytes()
			kept.html().Store(&b)
		}
		w.Write(buf.Bytes())
	}
}

// keepsHTML is page data that keeps its HTML once rendered (a cached
// article page: the layout around it depends on nothing else).
type keepsHTML interface {
	html() *atomic.Pointer[[]byte]
}

// api serves a handler's data as JSON.
func (s *Server) api(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		data, err := s.run(w, r, h)
		if err != nil {
			code, msg := s.status(r, err)
			writeJSON(w, code, map[string]string{"error": msg})
			return
		}
		writeJSON(w, http.StatusOK, data)
	}
}

// run calls h with a store from the pool.
func (s *Server) run(w http.ResponseWriter, r *http.Request, h handler) (any, error) {
	st, err := s.store(r.Context())
	if err != nil {
		return nil, err
	}
	defer s.release(st)
	return h(w, r, st)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		code, b = http.StatusInternalServerError, []byte(`{"error": "Internal Server Error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	w.Write(append(b, '\n'))
}

// searchView is the search page.
type searchView struct {
	Query    string `json:"q"`
	Outlet   string `json:"outlet"`
	From     string `json:"from"`
	To       string `json:"to"`
	Relation string `json:"relation"`
	Page     int    `json:"page"`
	// Total counts the matches (up to index.MaxCount, or, with a relation
	// filter, up to the page's last and among the first relationScan
	// matches); AtLeast says there are more.
	Total     int       `json:"total"`
	AtLeast   bool      `json:"total_is_lower_bound"`
	Hits      []hitView `json:"hits"`
	Prev      string    `json:"-"`
	Next      string    `json:"-"`
	Relations []string  `json:"-"`
	Searched  bool      `json:"-"`
}

func (v *searchView) title() string {
	if v.Query == "" {
		return "copydesk: search"
	}
	return "copydesk: search for " + v.Query
}

// hitView is one hit.
type hitView struct {
	index.Hit
	Relation string `json:"relation,omitempty"` // strongest (relation filter only)
}

// search runs the search page's query.
func (s *Server) search(_ http.ResponseWriter, r *http.Request, st index.Store) (any, error) {
	q := r.URL.Query()
	v := &searchView{Query: q.Get("q"), Outlet: q.Get("outlet"), From: q.Get("from"), To: q.Get("to"), Relation: q.Get("relation"),
		Relations: []string{"copy", cluster.Duplicate.String(), cluster.Derived.String(), cluster.Partial.String(), cluster.Story.String()},
		Hits:      []hitView{}}
	v.Searched = len(q) > 0
	page, err := strconv.Atoi(cmp.Or(q.Get("page"), "1"))
	if err != nil || page < 1 || page > maxPage {
		return nil, badRequest("page: %q is not a page number from 1 to %d", q.Get("page"), maxPage)
	}
	v.Page = page
	iq := index.Query{Text: v.Query, Outlet: v.Outlet, Limit: PerPage, Offset: (page - 1) * PerPage}
	if iq.From, err = parseDate("from", v.From); err != nil {
		return nil, err
	}
	if iq.To, err = parseDate("to", v.To); err != nil {
		return nil, err
	}
	if !iq.To.IsZero() {
		iq.To = iq.To.AddDate(0, 0, 1) // to: the whole day
	}
	if v.Relation != "" {
		if err := s.searchRelated(r, st, iq, v); err != nil {
			return nil, err
		}
	} else {
		gen, err := s.generation(r.Context(), st)
		if err != nil {
			return nil, err
		}
		key := countKey{iq.Text, iq.Outlet, iq.From, iq.To}
		n, counted := s.counts.Get(key)
		iq.NoCount = counted
		hits, got, err := index.Search(r.Context(), st, iq)
		if err != nil {
			return nil, err
		}
		if !counted {
			n = got
			s.keepCount(key, gen, n)
		}
		v.Total, v.AtLeast = min(n, index.MaxCount), n > index.MaxCount
		for _, h := range hits {
			v.Hits = append(v.Hits, hitView{Hit: h})
		}
	}
	v.Prev, v.Next = pageLinks(r.URL, page, page*PerPage < v.Total || v.AtLeast && page*PerPage <= v.Total)
	return v, nil
}

// countKey is a search's query without its page: its count is the same
// on every page.
type countKey struct {
	text, outlet string
	from, to     time.Time
}

// searchRelated finds the page of matches having the relation asked for,
// among the first relationScan matches: it stops at the first match past
// the page (Total is then the page's last, AtLeast set).
func (s *Server) searchRelated(r *http.Request, st index.Store, iq index.Query, v *searchView) error {
	want, least, err := relationWanted(v.Relation)
	if err != nil {
		return err
	}
	gen, err := s.generation(r.Context(), st)
	if err != nil {
		return err
	}
	// The matches are read newest first, seqs only, in two windows: the
	// first firstWindow times what the page needs, then the rest of the
	// first relationScan (one more tells whether there are more).
	t := &relatedTally{s: s, r: r, st: st, v: v, want: want, least: least, gen: gen, skip: iq.Offset, best: make(map[int64]cluster.Relation)}
	iq.NoCount, iq.SeqsOnly = true, true
	read, more := 0, false
	for _, end := range []int{min(firstWindow*(t.skip+PerPage+1), relationScan), relationScan} {
		if end <= read {
			continue
		}
		iq.Offset, iq.Limit = read, end+1-read
		found, _, err := index.Search(r.Context(), st, iq)
		if err != nil {
			return err
		}
		more = len(found) > end-read
		found = found[:min(len(found), end-read)]
		read += len(found)
		if full, err := t.take(found); err != nil || full {
			return err
		}
		if !more {
			break
		}
	}
	v.AtLeast = more
	return s.relatedPage(r, st, t.page, t.best, v)
}

// relatedTally goes through a relation search's matches in order, reading
// their relations a chunk at a time, and keeps those of the page.
type relatedTally struct {
	s     *Server
	r     *http.Request
	st    index.Store
	v     *searchView // its Total counts the matches with the relation so far
	want  func(cluster.Relation) bool
	least cluster.Relation
	gen   index.Generation
	skip  int                        // matches with the relation before the page
	page  []int64                    // the page's, in order
	best  map[int64]cluster.Relation // the relation each of page was found by
}

// take goes through found, the next matches. full: it met the first match
// past the page, and has listed the page (Total is then the page's last,
// AtLeast set).
func (t *relatedTally) take(found []index.Hit) (full bool, err error) {
	v := t.v
	for start, size := 0, 0; start < len(found); start += size {
		size = min(max(2*(t.skip+PerPage+1-v.Total), minRelationChunk), relationChunk)
		seqs := make([]int64, 0, size)
		for _, h := range found[start:min(start+size, len(found))] {
			seqs = append(seqs, h.Seq)
		}
		rels, err := t.s.relationsOf(t.r.Context(), t.st, seqs, t.least, t.gen)
		if err != nil {
			return false, err
		}
		for _, seq := range seqs {
			top, ok := strongest(rels[seq], t.want)
			if !ok {
				continue
			}
			if v.Total == t.skip+PerPage {
				v.AtLeast = true // one past the page: more than Total
				return true, t.s.relatedPage(t.r, t.st, t.page, t.best, v)
			}
			if v.Total >= t.skip {
				t.page, t.best[seq] = append(t.page, seq), top
			}
			v.Total++
		}
	}
	return false, nil
}

// relationWanted reads a relation filter: which relations it wants and
// the weakest of them.
func relationWanted(name string) (want func(cluster.Relation) bool, least cluster.Relation, err error) {
	if name == "copy" {
		return func(rel cluster.Relation) bool { return rel >= cluster.Partial }, cluster.Partial, nil
	}
	rel, err := cluster.ParseRelation(name)
	if err != nil || rel == cluster.Unrelated {
		return nil, 0, badRequest("relation: %q is none of copy, duplicate, derived, partial, story", name)
	}
	return func(r cluster.Relation) bool { return r == rel }, rel, nil
}

// strongest returns the strongest of rels that want accepts (ok false:
// none).
func strongest(rels []cluster.Relation, want func(cluster.Relation) bool) (top cluster.Relation, ok bool) {
	for _, rel := range rels {
		if want(rel) && (!ok || rel > top) {
			top, ok = rel, true
		}
	}
	return top, ok
}

// relKey is an article's relations as a relation search reads them: its
// copy relations (story false) or all of them (story true).
type relKey struct {
	seq   int64
	story bool
}

// relationsOf is index.RelationsOf(seqs, least) through the server's
// cache of the relations read at generation gen: copy relations are read
// and kept for any least stronger than story.
func (s *Server) relationsOf(ctx context.Context, st index.Store, seqs []int64, least cluster.Relation, gen index.Generation) (map[int64][]cluster.Relation, error) {
	story := least < cluster.Partial
	out := make(map[int64][]cluster.Relation, len(seqs))
	var missing []int64
	for _, seq := range seqs {
		if rels, ok := s.rels.Get(relKey{seq, story}); ok {
			out[seq] = rels
		} else {
			missing = append(missing, seq)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	read, err := index.RelationsOf(ctx, st, missing, min(least, cluster.Partial), &s.df)
	if err != nil {
		return nil, err
	}
	s.genMu.Lock()
	defer s.genMu.Unlock()
	for _, seq := range missing {
		out[seq] = read[seq]
		if gen == s.gen {
			s.rels.Add(relKey{seq, story}, read[seq])
		}
	}
	return out, nil
}

// relatedPage lists the articles of seqs (newest first) with the relation
// each was found by.
func (s *Server) relatedPage(r *http.Request, st index.Store, seqs []int64, best map[int64]cluster.Relation, v *searchView) error {
	if len(seqs) == 0 {
		return nil
	}
	hits, err := index.HitsOf(r.Context(), st, seqs)
	if err != nil {
		return err
	}
	for _, h := range hits {
		v.Hits = append(v.Hits, hitView{Hit: h, Relation: best[h.Seq].String()})
	}
	return nil
}

// parseDate reads a YYYY-MM-DD field ("" is no date).
func parseDate(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return t, badRequest("%s: %q is not a date (YYYY-MM-DD)", field, s)
	}
	return t, nil
}

// pageLinks returns the previous and next pages of u ("" when none).
func pageLinks(u *url.URL, page int, more bool) (prev, next string) {
	at := func(p int) string {
		q := u.Query()
		q.Set("page", strconv.Itoa(p))
		return "?" + q.Encode()
	}
	if page > 1 {
		prev = at(page - 1)
	}
	if more && page < maxPage {
		next = at(page + 1)
	}
	return prev, next
}

// articleView is the article page.
type articleView struct {
	Article    article.Article `json:"article"`
	Segs       []textSeg       `json:"-"`
	Passages   []passageView   `json:"passages"`
	Relations  []relView       `json:"relations"`
	Provenance provView        `json:"provenance"`
	Story      int             `json:"story_articles"` // articles in its story view

	rendered atomic.Pointer[[]byte] // its HTML page, once rendered
}

func (v *articleView) title() string { return "copydesk: " + v.Article.Label() }

func (v *articleView) html() *atomic.Pointer[[]byte] { return &v.rendered }

// relView is a relation of the article to another.
type relView struct {
	ID         string  `json:"id"`
	Outlet     string  `json:"outlet"`
	Title      string  `json:"title"`
	Relation   string  `json:"relation"`
	ThisInThat float64 `json:"this_in_that"` // share of this article's words in passages shared with that one
	ThatInThis float64 `json:"that_in_this"`
	Similarity float64 `json:"similarity"`
	Passages   int     `json:"shared_passages"`
	Quotes     int     `json:"shared_quotes"`
}

// passageView is a passage this article shares with another: byte
// offsets into this article's text (headline, blank line, body) and the
// other's.
type passageView struct {
	With           string `json:"with"`
	Offset         int    `json:"offset"`
	EndOffset      int    `json:"end_offset"`
	OtherOffset    int    `json:"other_offset"`
	OtherEndOffset int    `json:"other_end_offset"`
	Quote          bool   `json:"quote"`
	Words          int    `json:"words"`
}

// article shows one article with its relations and shared passages,
// from the page cache when it was built at the index's generation.
func (s *Server) article(_ http.ResponseWriter, r *http.Request, st index.Store) (any, error) {
	id := r.PathValue("id")
	if _, err := s.generation(r.Context(), st); err != nil {
		return nil, err
	}
	if v, ok := s.pages.Get(id); ok {
		return v, nil
	}
	// Requests for a page being built wait for it rather than build it
	// again; it is built whether or not its first asker waits.
	v, err, _ := s.building.Do(id, func() (any, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), requestTimeout)
		defer cancel()
		near, err := index.Direct(ctx, st, id, maxPassagePartners, &s.df)
		if err != nil {
			if found, ferr := index.Articles(ctx, st, []string{id}); ferr == nil && len(found) == 0 {
				return nil, notFound("no article %q in the index", id)
			}
			return nil, err
		}
		v := articleOf(near)
		s.keep(id, near.Generation, v)
		return v, nil
	})
	return v, err
}

// articleOf lays out an article's page: its relations (strongest first),
// the passages it shares with its copy partners, its provenance among
// them.
func articleOf(near *index.Near) *articleView {
	arts, c := near.Articles, near.Centre
	v := &articleView{Article: arts[c], Relations: []relView{}, Passages: []passageView{}, Story: len(arts)}
	var rels []cluster.Pair
	for _, p := range near.Pairs {
		if (p.I == c || p.J == c) && p.Relation >= cluster.Story {
			rels = append(rels, p)
		}
	}
	slices.SortStableFunc(rels, func(a, b cluster.Pair) int { return cmp.Compare(b.Relation, a.Relation) })
	text := pipeline.Text(&arts[c])
	doc := align.NewDoc(text)
	for _, p := range rels {
		o, this, that := p.J, p.AInB, p.BInA
		if p.J == c {
			o, this, that = p.I, p.BInA, p.AInB
		}
		other := &arts[o]
		v.Relations = append(v.Relations, relView{ID: other.ID, Outlet: other.Outlet, Title: other.Title, Relation: p.Relation.String(),
			ThisInThat: round3(this), ThatInThis: round3(that), Similarity: round3(p.Similarity), Passages: p.Passages, Quotes: p.Quotes})
		if !slices.Contains(near.Copies, o) {
			continue // no shared passage, or past maxPassagePartners
		}
		res := align.Verify(doc, align.NewDoc(pipeline.Text(other)))
		for _, ps := range res.Passages {
			v.Passages = append(v.Passages, passageView{With: other.ID, Offset: ps.A.Offset, EndOffset: ps.A.EndOffset,
				OtherOffset: ps.B.Offset, OtherEndOffset: ps.B.EndOffset, Quote: ps.Quote, Words: ps.A.Words()})
		}
	}
	v.Segs = segments(text, v.Passages)
	v.Provenance = provenanceAmong(near)
	return v
}

func round3(x float64) float64 { return float64(int(x*1000+0.5)) / 1000 }

// textSeg is a stretch of an article's text: plain, or inside a passage
// shared with another article (Href links to it there). Anchors are the
// ids of the passages starting here, which other pages link to.
type textSeg struct {
	Text    string
	Href    string
	With    string
	Quote   bool
	Anchors []string
}

// anchor names the place in an article's text where a shared passage
// starts: the other article links there.
func anchor(offset int) string { return "at-" + strconv.Itoa(offset) }

// segments cuts text at every passage's ends; a stretch inside several
// passages belongs to the first listed (the strongest relation's).
func segments(text string, ps []passageView) []textSeg {
	cuts := []int{0, len(text)}
	for _, p := range ps {
		cuts = append(cuts, p.Offset, p.EndOffset)
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	var out []textSeg
	for k := 0; k+1 < len(cuts); k++ {
		from, to := cuts[k], cuts[k+1]
		if from < 0 || to > len(text) {
			continue
		}
		seg := textSeg{Text: text[from:to]}
		owned := false
		for _, p := range ps {
			if p.Offset == from {
				seg.Anchors = append(seg.Anchors, anchor(from))
			}
			if !owned && p.Offset <= from && to <= p.EndOffset {
				owned = true
				seg.Href, seg.With, seg.Quote = articleURL(p.With)+"#"+anchor(p.OtherOffset), p.With, p.Quote
			}
		}
		seg.Anchors = slices.Compact(seg.Anchors)
		if n := len(out) - 1; n >= 0 && len(seg.Anchors) == 0 && out[n].Href == seg.Href && out[n].Quote == seg.Quote {
			out[n].Text += seg.Text // one link for one stretch
			continue
		}
		out = append(out, seg)
	}
	return out
}

// outletView is the outlet page.
type outletView struct {
	Name  string           `json:"outlet"`
	Days  []index.DayCount `json:"days"`
	Chart *chart           `json:"-"`
	// Sample is how many of its latest articles the relations are of.
	Sample    int         `json:"sample"`
	Relations []outletRel `json:"relations"`
	// Copied counts the sample's articles with a copy relation to
	// another outlet's; MeanShare is the mean, over those, of the largest
	// share of the article's words in passages shared with one of them.
	Copied    int     `json:"copied"`
	MeanShare float64 `json:"mean_copied_share"`
}

func (v *outletView) title() string { return "copydesk: outlet " + v.Name }

// outletRel counts the relations to one other outlet.
type outletRel struct {
	Outlet    string `json:"outlet"`
	Duplicate int    `json:"duplicate"`
	Derived   int    `json:"derived"`
	Partial   int    `json:"partial"`
	Story     int    `json:"story"`
}

// outletSample is how many of an outlet's latest articles its page reads
// the relations of.
const outletSample = 2000

// outlet shows an outlet's output over time and its relations.
func (s *Server) outlet(_ http.ResponseWriter, r *http.Request, st index.Store) (any, error) {
	name := r.PathValue("name")
	days, err := index.OutletDays(r.Context(), st, name)
	if err != nil {
		return nil, err
	}
	n, links, err := index.OutletLinks(r.Context(), st, name, outletSample)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, notFound("no articles of outlet %q in the index", name)
	}
	v := &outletView{Name: name, Days: days, Sample: n, Chart: drawChart(days), Relations: []outletRel{}}
	if v.Days == nil {
		v.Days = []index.DayCount{}
	}
	byOutlet := map[string]*outletRel{}
	share := map[int64]float64{}
	for _, l := range links {
		this, other, thisSeq, in := l.OutletA, l.OutletB, l.SeqA, l.AInB
		if this != name {
			this, other, thisSeq, in = l.OutletB, l.OutletA, l.SeqB, l.BInA
		}
		if this != name || other == name {
			continue
		}
		o := byOutlet[other]
		if o == nil {
			o = &outletRel{Outlet: other}
			byOutlet[other] = o
		}
		switch l.Relation {
		case cluster.Duplicate:
			o.Duplicate++
		case cluster.Derived:
			o.Derived++
		case cluster.Partial:
			o.Partial++
		default:
			o.Story++
		}
		if l.Relation >= cluster.Partial {
			share[thisSeq] = max(share[thisSeq], in)
		}
	}
	for _, o := range byOutlet {
		v.Relations = append(v.Relations, *o)
	}
	total := func(o outletRel) int { return o.Duplicate + o.Derived + o.Partial + o.Story }
	slices.SortFunc(v.Relations, func(a, b outletRel) int {
		return cmp.Or(cmp.Compare(total(b), total(a)), strings.Compare(a.Outlet, b.Outlet))
	})
	v.Copied = len(share)
	for _, x := range share {
		v.MeanShare += x / float64(len(share))
	}
	v.MeanShare = round3(v.MeanShare)
	return v, nil
}
