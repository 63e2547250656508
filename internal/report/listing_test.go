package report

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestCut(t *testing.T) {
	weights := []int{1, 3, 1, 1, 5, 1}
	for _, c := range []struct {
		n, limit int
		want     string
	}{
		{0, 4, "[[0 0]]"},
		{6, 100, "[[0 6]]"},
		{6, 4, "[[0 2] [2 4] [4 5] [5 6]]"}, // 5 alone: a page holds at least one row
		{6, 1, "[[0 1] [1 2] [2 3] [3 4] [4 5] [5 6]]"},
	} {
		if got := fmt.Sprint(cut(c.n, c.limit, func(k int) int { return weights[k] })); got != c.want {
			t.Errorf("cut(%d, %d) = %s, want %s", c.n, c.limit, got, c.want)
		}
	}
}

func TestPager(t *testing.T) {
	ranges := cut(9500, 1000, func(int) int { return 1 })
	var links []string
	for _, l := range pager(articlesTable, ranges, 4).Links {
		switch {
		case l.Current:
			links = append(links, "["+l.Text+"]")
		case l.Href != "":
			links = append(links, l.Text+"="+l.Href)
		default:
			links = append(links, l.Text)
		}
	}
	want := "1=index.html#articles … 3=articles-0003.html#articles 4=articles-0004.html#articles [5] 6=articles-0006.html#articles 7=articles-0007.html#articles … 10=articles-0010.html#articles"
	if got := strings.Join(links, " "); got != want {
		t.Errorf("pager links\n%s\nwant\n%s", got, want)
	}
	if got := pager(articlesTable, ranges, 9).Text; got != "Articles 9,001–9,500 of 9,500 (page 10 of 10)" {
		t.Errorf("pager text %q", got)
	}
	if pager(articlesTable, cut(5, 1000, func(int) int { return 1 }), 0) != nil {
		t.Error("a table of one page has a pager")
	}
}

// A paged overview shows every article, duplicate group and story cluster
// once, in order, over index.html and its listing pages, and every link
// between the report's pages leads to an element of the page it names.
func TestPagedOverview(t *testing.T) {
	rep, err := Build(context.Background(), synthRun(t, 300))
	if err != nil {
		t.Fatal(err)
	}
	rep.OverviewRows = 40
	pages, err := rep.LayoutContext(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ids := make(map[string]map[string]bool) // page → element ids
	var links [][2]string                   // page, href
	seen := map[string][]string{}           // "article", "group", "cluster" → numbers in page order
	for k, p := range pages.Pages {
		name := pages.Names[k]
		doc, _ := parse(t, p)
		ids[name] = make(map[string]bool)
		walk(doc, func(n *html.Node) {
			if n.Type != html.ElementNode {
				return
			}
			if id, ok := attr(n, "id"); ok {
				ids[name][id] = true
				for _, kind := range []string{"article", "group"} {
					if num, ok := strings.CutPrefix(id, kind+"-"); ok {
						seen[kind] = append(seen[kind], num)
					}
				}
			}
			if href, ok := attr(n, "href"); ok && !strings.Contains(href, "://") {
				links = append(links, [2]string{name, href})
				if n.Parent != nil && n.Parent.Data == "li" && strings.HasPrefix(n.FirstChild.Data, "Story cluster ") {
					seen["cluster"] = append(seen["cluster"], strings.TrimPrefix(n.FirstChild.Data, "Story cluster "))
				}
			}
		})
	}
	counts := map[string]int{"article": len(rep.Articles), "group": len(rep.DuplicateGroups), "cluster": len(rep.Clusters)}
	for kind, n := range counts {
		var want []string
		for k := range n {
			want = append(want, fmt.Sprint(k+1))
		}
		if !slices.Equal(seen[kind], want) {
			t.Errorf("%ss shown %v, want 1 to %d once each, in order", kind, seen[kind], n)
		}
	}
	listed := 0
	for _, name := range pages.Names {
		if strings.HasPrefix(name, "articles-") || strings.HasPrefix(name, "groups-") || strings.HasPrefix(name, "stories-") {
			listed++
		}
	}
	if counts["group"] < 10 || counts["cluster"] < 10 || listed < 8 {
		t.Fatalf("%v, %d listing pages: too few to page", counts, listed)
	}
	t.Logf("%v over %d listing pages; %d links", counts, listed, len(links))
	for _, l := range links {
		file, anchor, _ := strings.Cut(l[1], "#")
		if file == "" {
			file = l[0]
		}
		if in, ok := ids[file]; !ok || (anchor != "" && !in[anchor]) {
			t.Errorf("%s links to %s: no such page or element", l[0], l[1])
		}
	}
}
