package report

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/pipeline"
	"github.com/copydesk/copydesk/internal/shingle"
)

var update = flag.Bool("update", false, "rewrite golden files")

// seeds builds the report of paths (relative to the repository root, where
// the test runs, so ids are the paths the README shows).
func build(t testing.TB, workers int, paths ...string) *Report {
	t.Helper()
	var bad []error
	r := article.Reader{Bad: func(err error) { bad = append(bad, err) }}
	arts, err := r.Load(context.Background(), paths)
	if err != nil || len(bad) > 0 {
		t.Fatal(err, bad)
	}
	return buildArticles(t, workers, arts)
}

func buildArticles(t testing.TB, workers int, arts []article.Article) *Report {
	t.Helper()
	res, err := pipeline.Run(context.Background(), arts, pipeline.Options{Story: true, Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Build(context.Background(), res)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func inRoot(t *testing.T) { t.Chdir("../..") }

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "report", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (check the change, then go test ./internal/report -update)\n%s", name, firstDiff(got, want))
	}
}

func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return "line " + itoa(i+1) + ":\n got: " + g[i] + "\nwant: " + w[i]
		}
	}
	return "lengths differ"
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestSeedsJSONGolden(t *testing.T) {
	inRoot(t)
	rep := build(t, 0, "testdata/seeds")
	var buf bytes.Buffer
	if err := WriteJSON(&buf, rep); err != nil {
		t.Fatal(err)
	}
	golden(t, "seeds.report.json", buf.Bytes())

	// What the issue asks of the seeds, read back from the JSON.
	var got struct {
		Articles []struct {
			ID           string
			StoryCluster string `json:"story_cluster"`
		}
		Clusters []struct {
			Members []string
			Core    []struct{ Members []string }
			Outlets []struct {
				Article string
				Added   []struct{ Text string }
				LeftOut []struct{ Text string } `json:"left_out"`
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Clusters) != 1 || len(got.Clusters[0].Members) != 5 {
		t.Fatalf("want the 5 seeds in one story cluster, got %+v", got.Clusters)
	}
	for _, o := range got.Clusters[0].Outlets {
		if len(o.Added) == 0 || len(o.LeftOut) == 0 {
			t.Errorf("%s: %d added, %d left out; want both", o.Article, len(o.Added), len(o.LeftOut))
		}
		if strings.HasPrefix(filepath.Base(o.Article), "004") && !slices.ContainsFunc(o.Added, func(s struct{ Text string }) bool {
			return strings.Contains(s.Text, "210 combatants")
		}) {
			t.Errorf("004 did not add its 210 combatants sentence")
		}
	}
}

func TestJSONDeterministic(t *testing.T) {
	inRoot(t)
	var outs [][]byte
	for _, w := range []int{1, 2, 7} {
		var buf bytes.Buffer
		if err := WriteJSON(&buf, build(t, w, "testdata/seeds", "testdata/crafted")); err != nil {
			t.Fatal(err)
		}
		outs = append(outs, buf.Bytes())
		var page bytes.Buffer
		for _, p := range build(t, w, "testdata/seeds", "testdata/crafted").Layout().Pages {
			if err := WritePage(&page, p); err != nil {
				t.Fatal(err)
			}
		}
		outs = append(outs, page.Bytes())
	}
	for k := 2; k < len(outs); k++ {
		if !bytes.Equal(outs[k], outs[k%2]) {
			t.Errorf("output %d differs with another worker count", k)
		}
	}
}

// parse renders p and parses it back.
func parse(t *testing.T, p *Page) (*html.Node, string) {
	t.Helper()
	var buf bytes.Buffer
	if err := WritePage(&buf, p); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return doc, buf.String()
}

func walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func hasClass(n *html.Node, class string) bool {
	v, _ := attr(n, "class")
	return slices.Contains(strings.Fields(v), class)
}

func TestPageIsSelfContained(t *testing.T) {
	inRoot(t)
	rep := build(t, 0, "testdata/seeds")
	pages := rep.Layout()
	if len(pages.Pages) != 1 {
		t.Fatalf("seeds: %d pages, want index.html alone", len(pages.Pages))
	}
	doc, src := parse(t, pages.Pages[0])
	if len(src) > 300<<10 {
		t.Errorf("seeds index.html is %d bytes, want under 300 KB", len(src))
	}
	var csp string
	cells, outlets, added, leftOut, ins, del, autoDir := 0, 0, 0, 0, 0, 0, 0
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		switch n.Data {
		case "script", "link", "img", "iframe", "object", "embed", "base", "form":
			t.Errorf("page has a <%s> element", n.Data)
		case "meta":
			if v, _ := attr(n, "http-equiv"); v == "Content-Security-Policy" {
				csp, _ = attr(n, "content")
			}
		case "g":
			if hasClass(n, "cell") {
				cells++
			}
		case "article":
			if hasClass(n, "outlet") {
				outlets++
			}
		case "section":
			if hasClass(n, "added") {
				added++
			}
			if hasClass(n, "leftout") {
				leftOut++
			}
		case "ins":
			ins++
		case "del":
			del++
		}
		for _, a := range n.Attr {
			switch {
			case a.Key == "src", a.Key == "srcset", strings.HasPrefix(a.Key, "on"), a.Key == "style":
				t.Errorf("<%s> has attribute %s=%q", n.Data, a.Key, a.Val)
			case a.Key == "href" && !strings.HasPrefix(a.Val, "#"):
				t.Errorf("<%s> links out: %q", n.Data, a.Val)
			case a.Key == "dir" && a.Val == "auto":
				autoDir++
			}
		}
	})
	for _, want := range []string{"default-src 'none'", "style-src 'unsafe-inline'", "img-src data:"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
	if cells != 25 {
		t.Errorf("heatmap has %d cells, want 5×5", cells)
	}
	if outlets != 5 || added != 5 || leftOut != 5 {
		t.Errorf("%d outlets, %d added and %d left-out sections; want 5 of each", outlets, added, leftOut)
	}
	if ins == 0 || del == 0 {
		t.Errorf("diffs show %d <ins> and %d <del>", ins, del)
	}
	if autoDir < 50 {
		t.Errorf("only %d elements with dir=auto", autoDir)
	}
}

func TestHostileText(t *testing.T) {
	// Article text is data: markup in it must come out as text, links in
	// metadata must not become javascript: URLs.
	evil := `<script>alert(1)</script><img src=x onerror=alert(2)>"'&`
	arts := []article.Article{
		{ID: "a", Title: evil, URL: "javascript:alert(3)", Outlet: evil, Body: "The ministry said on Monday that talks would resume in Geneva next week after a pause. " + evil},
		{ID: "b", Title: "Talks resume", Body: "Talks would resume in Geneva next week after a pause, the ministry said on Monday. " + evil},
	}
	rep := buildArticles(t, 0, arts)
	doc, src := parse(t, rep.Layout().Pages[0])
	if strings.Contains(src, "<script>alert") || strings.Contains(src, "<img src=x") {
		t.Error("article text reached the page as markup")
	}
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		if n.Data == "script" || n.Data == "img" {
			t.Errorf("page has a <%s>", n.Data)
		}
		if v, ok := attr(n, "href"); ok && strings.HasPrefix(strings.ToLower(v), "javascript:") {
			t.Errorf("javascript: link %q", v)
		}
	})
	var buf bytes.Buffer
	if err := WriteJSON(&buf, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `<script>alert(1)</script>`) {
		t.Error("report.json should keep the text as it is (it is JSON, not HTML)")
	}
}

func TestSplitLayout(t *testing.T) {
	// Above the inline limit each cluster gets its own page, linked from
	// the index, which then holds no cluster section.
	inRoot(t)
	rep := build(t, 0, "testdata/seeds", "testdata/crafted")
	pages, _ := rep.layout(context.Background(), 0)
	if len(pages.Pages) != 1+len(rep.Clusters) || len(rep.Clusters) != 2 {
		t.Fatalf("%d pages for %d clusters", len(pages.Pages), len(rep.Clusters))
	}
	_, index := parse(t, pages.Pages[0])
	for k, name := range pages.Names[1:] {
		if !strings.Contains(index, `href="`+name+`#cluster-`) {
			t.Errorf("index does not link to %s", name)
		}
		doc, _ := parse(t, pages.Pages[k+1])
		sections := 0
		walk(doc, func(n *html.Node) {
			if n.Type == html.ElementNode && n.Data == "section" && hasClass(n, "cluster") {
				sections++
			}
		})
		if sections != 1 {
			t.Errorf("%s has %d cluster sections", name, sections)
		}
	}
	if strings.Contains(index, `class="cluster"`) {
		t.Error("index shows a cluster inline")
	}
}

func TestDiffRows(t *testing.T) {
	a := align.NewDoc("Kerry arrived in Geneva on Sunday in an urgent bid to revive a cease-fire that has all but fallen apart. Talks follow.")
	b := align.NewDoc("Kerry arrived in Geneva on Sunday in a bid to revive a cease-fire that has all but fallen apart, officials said.")
	rows := DiffRows(a, b)
	// Each side's words, read back from the rows, are its own text's words
	// in order; deleted words are A's only, inserted B's only.
	side := func(right bool) (all, marked []string) {
		for _, r := range rows {
			segs := r.Left
			if right {
				segs = r.Right
			}
			for _, s := range segs {
				ws := words(s.Text)
				all = append(all, ws...)
				if s.Op != "" {
					marked = append(marked, ws...)
				}
				if right && s.Op == "del" || !right && s.Op == "ins" {
					t.Errorf("%q marked %s on the wrong side", s.Text, s.Op)
				}
			}
		}
		return all, marked
	}
	la, ldel := side(false)
	rb, rins := side(true)
	if !slices.Equal(la, words(a.Text)) || !slices.Equal(rb, words(b.Text)) {
		t.Errorf("rows do not hold the texts:\n%q\n%q", la, rb)
	}
	if !slices.Equal(ldel, []string{"an", "urgent", "talks", "follow"}) || !slices.Equal(rins, []string{"a", "officials", "said"}) {
		t.Errorf("deleted %q, inserted %q", ldel, rins)
	}
	shared := 0
	for _, r := range rows {
		if r.Shared {
			shared++
			if words(segText(r.Left)) == nil || !slices.Equal(words(segText(r.Left)), words(segText(r.Right))) {
				t.Errorf("shared row differs: %+v", r)
			}
		}
	}
	if shared != 2 {
		t.Errorf("%d shared rows, want 2 (before and after the edit)", shared)
	}
}

func segText(segs []Seg) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteString(s.Text)
	}
	return b.String()
}

func words(s string) []string {
	var out []string
	for _, t := range shingle.Tokens(s) {
		out = append(out, shingle.Normalize(s[t.Start:t.End]))
	}
	return out
}

func TestDisplayDate(t *testing.T) {
	for in, want := range map[string]string{
		"2026-03-01T10:30:00+03:00": "1 Mar 2026, 07:30 UTC",
		"2026-03-01T07:30:00Z":      "1 Mar 2026, 07:30 UTC",
		"2026-03-01":                "1 Mar 2026",
		"March 1":                   "March 1",
		"":                          "",
	} {
		if got := displayDate(in); got != want {
			t.Errorf("displayDate(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCoreOneEntryPerOutlet: a piece two sentences of one outlet carry is
// shown with that outlet once, its sentences joined in order.
func TestCoreOneEntryPerOutlet(t *testing.T) {
	inRoot(t)
	rep := build(t, 0, "testdata/seeds")
	p := &rep.Clusters[0].Core[0]
	second := p.Carriers[0]
	second.Text = "A second sentence of the same outlet."
	p.Carriers = append(p.Carriers[:1], append([]Carrier{second}, p.Carriers[1:]...)...)
	cv, _ := rep.clusterView(context.Background(), 0, false)
	pv := cv.Core[0]
	seen := map[string]bool{}
	for _, c := range pv.Carriers {
		if seen[c.ID] {
			t.Errorf("outlet %s listed twice in one piece", c.ID)
		}
		seen[c.ID] = true
	}
	if !strings.Contains(pv.Carriers[0].Text, second.Text) {
		t.Errorf("first entry %q: want the outlet's two sentences joined", pv.Carriers[0].Text)
	}
}

// TestDiffRowsWholeSentence: a dropped or added sentence is struck out
// with its full stop; a dropped word inside a sentence leaves the stop.
func TestDiffRowsWholeSentence(t *testing.T) {
	for _, c := range []struct{ a, b, want string }{
		{"Rescue teams worked through the night to move families from the lowest streets, officials said. Entire streets flooded.",
			"Rescue teams worked through the night to move families from the lowest streets, officials said.", "del:Entire streets flooded."},
		{"The river rose fast, officials said.\n\nEntire streets were flooded by noon.\n\nSchools closed on Monday in the whole valley.",
			"The river rose fast, officials said.\n\nSchools closed on Monday in the whole valley.", "del:Entire streets were flooded by noon."},
		{"one two three four five six seven eight nine ten eleven. Alpha beta gamma fast.",
			"one two three four five six seven eight nine ten eleven. Alpha beta gamma.", "del:fast"},
		{"one two three four five six seven eight nine ten eleven.",
			"one two three four five six seven eight nine ten eleven. New words added here.", "ins:New words added here."},
	} {
		var got []string
		for _, r := range DiffRows(align.NewDoc(c.a), align.NewDoc(c.b)) {
			for _, s := range append(r.Left, r.Right...) {
				if s.Op != "" {
					got = append(got, s.Op+":"+s.Text)
				}
			}
		}
		if len(got) != 1 || got[0] != c.want {
			t.Errorf("%q against %q: changes %q, want %q", c.a, c.b, got, c.want)
		}
	}
}
