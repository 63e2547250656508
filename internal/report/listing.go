package report

import (
	"cmp"
	"fmt"
)

// # Paging the overview
//
// The overview's three tables (the articles, the duplicate groups, the
// story clusters) grow with the run: at 100,000 articles they made
// index.html 52 MB, more than a browser opens comfortably. Each table is
// cut into pages of about OverviewRows rows (a group or cluster row counts
// one per member it names); index.html shows the first page of each, with
// a pager, and the others are files of their own:
//
//	index.html          the summary, articles 1-1,000, groups and clusters of the first pages
//	articles-0002.html  articles 1,001-2,000
//	groups-0002.html    the duplicate groups of the second page
//	stories-0002.html   the story clusters of the second page
//
// A report whose tables all fit on one page is written as before, with no
// pager and links within index.html. When any table is paged, every link to
// a group or cluster names its page (groups-0003.html#group-2101).

// OverviewRows is the most rows of an overview page's table: 1,000 article
// rows are about 400 KB of HTML (100,000 articles made a 52 MB index.html).
// A group or cluster row counts one per member it lists; a page holds at
// least one row, however many members it names.
const OverviewRows = 1000

// Listing is a page of one of the overview's tables past its first page;
// exactly one of Articles, Groups and Clusters is set.
type Listing struct {
	Articles []ArticleRow
	Groups   []GroupRow
	Clusters []ClusterRow
	Pager    *Pager
}

// Pager says which page of a table this is and links to the others: the
// first and last, and the two either side of this one.
type Pager struct {
	Text  string // "Articles 1,001–2,000 of 100,000 (page 2 of 100)"
	Links []PageLink
}

// PageLink is one entry of a pager: a link, the current page (no Href), or
// a gap (Text "…").
type PageLink struct {
	Text, Href string
	Current    bool
}

// overviewPaging is how the overview's tables are cut into pages: for each
// table the [start, end) row ranges of its pages, in order.
type overviewPaging struct {
	articles, groups, clusters [][2]int
}

// paged says whether any table has more than one page.
func (p *overviewPaging) paged() bool {
	return len(p.articles) > 1 || len(p.groups) > 1 || len(p.clusters) > 1
}

// files names the listing pages past index.html, in the order articles,
// groups, clusters.
func (p *overviewPaging) files() []string {
	var names []string
	for _, t := range []struct {
		table
		ranges [][2]int
	}{{articlesTable, p.articles}, {groupsTable, p.groups}, {clustersTable, p.clusters}} {
		for q := 1; q < len(t.ranges); q++ {
			names = append(names, t.page(q))
		}
	}
	return names
}

// paging cuts the overview's tables into pages of r.OverviewRows rows
// (OverviewRows when 0).
func (r *Report) paging() *overviewPaging {
	rows := cmp.Or(r.OverviewRows, OverviewRows)
	p := &overviewPaging{articles: cut(len(r.Articles), rows, func(int) int { return 1 })}
	p.groups = cut(len(r.DuplicateGroups), rows, func(k int) int { return len(r.DuplicateGroups[k].Members) })
	p.clusters = cut(len(r.Clusters), rows, func(k int) int { return len(r.Clusters[k].Members) })
	return p
}

// cut splits n rows, row k weighing weight(k), into ranges of at most
// limit in weight, each holding at least one row. Zero rows are one empty
// page.
func cut(n, limit int, weight func(int) int) [][2]int {
	var out [][2]int
	start, w := 0, 0
	for k := range n {
		if k > start && w+weight(k) > limit {
			out = append(out, [2]int{start, k})
			start, w = k, 0
		}
		w += weight(k)
	}
	return append(out, [2]int{start, n})
}

// pageOf returns, for each row, the number (0-based) of its page.
func pageOf(ranges [][2]int) []int {
	out := make([]int, 0, ranges[len(ranges)-1][1])
	for p, rg := range ranges {
		for range rg[1] - rg[0] {
			out = append(out, p)
		}
	}
	return out
}

// table is one of the overview's tables: its listing files start with
// file, its section's id is anchor, its rows are noun.
type table struct{ file, anchor, noun string }

var (
	articlesTable = table{"articles", "articles", "Articles"}
	groupsTable   = table{"groups", "groups", "Duplicate groups"}
	clustersTable = table{"stories", "clusters", "Story clusters"}
)

// page is the file of page p (0-based) of the table: index.html for the
// first.
func (t table) page(p int) string {
	if p == 0 {
		return "index.html"
	}
	return fmt.Sprintf("%s-%04d.html", t.file, p+1)
}

// pager is the pager of page p of table t cut into ranges; nil when the
// table has one page.
func pager(t table, ranges [][2]int, p int) *Pager {
	if len(ranges) <= 1 {
		return nil
	}
	total := ranges[len(ranges)-1][1]
	rg, rows := ranges[p], ""
	if rows = thousands(rg[0] + 1); rg[1] > rg[0]+1 {
		rows += "–" + thousands(rg[1])
	}
	pg := &Pager{Text: fmt.Sprintf("%s %s of %s (page %s of %s)", t.noun, rows, thousands(total), thousands(p+1), thousands(len(ranges)))}
	last := -1
	for q := range ranges {
		if q != 0 && q != len(ranges)-1 && (q < p-2 || q > p+2) {
			continue
		}
		if last >= 0 && q > last+1 {
			pg.Links = append(pg.Links, PageLink{Text: "…"})
		}
		link := PageLink{Text: thousands(q + 1), Current: q == p}
		if !link.Current {
			link.Href = t.page(q) + "#" + t.anchor
		}
		pg.Links = append(pg.Links, link)
		last = q
	}
	return pg
}

// thousands writes n with commas between groups of three digits.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// listingPages lays out the listing pages of ov past index.html, in the
// order of paging.files().
func listingPages(ov *Overview, paging *overviewPaging) []*Page {
	var pages []*Page
	add := func(ranges [][2]int, listing func(p int, rg [2]int) *Listing) {
		for p := 1; p < len(ranges); p++ {
			l := listing(p, ranges[p])
			pages = append(pages, &Page{Title: "copydesk: " + l.Pager.Text, Home: "index.html", Listing: l})
		}
	}
	add(paging.articles, func(p int, rg [2]int) *Listing {
		return &Listing{Articles: ov.Articles[rg[0]:rg[1]], Pager: pager(articlesTable, paging.articles, p)}
	})
	add(paging.groups, func(p int, rg [2]int) *Listing {
		return &Listing{Groups: ov.Groups[rg[0]:rg[1]], Pager: pager(groupsTable, paging.groups, p)}
	})
	add(paging.clusters, func(p int, rg [2]int) *Listing {
		return &Listing{Clusters: ov.Clusters[rg[0]:rg[1]], Pager: pager(clustersTable, paging.clusters, p)}
	})
	return pages
}

// link is the file a link to a row on page p of table t names: none when
// the overview is one page (the row is on index.html, as the link is).
func (t table) link(p int, paging *overviewPaging) string {
	if !paging.paged() {
		return ""
	}
	return t.page(p)
}

// firstPage is the overview index.html shows: the first page of each
// table, with its pager.
func (ov *Overview) firstPage(paging *overviewPaging) *Overview {
	first := *ov
	first.Articles = ov.Articles[:paging.articles[0][1]]
	first.Groups = ov.Groups[:paging.groups[0][1]]
	first.Clusters = ov.Clusters[:paging.clusters[0][1]]
	first.ArticlePager = pager(articlesTable, paging.articles, 0)
	first.GroupPager = pager(groupsTable, paging.groups, 0)
	first.ClusterPager = pager(clustersTable, paging.clusters, 0)
	return &first
}
