package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/index"
	"github.com/copydesk/copydesk/internal/synth"
)

// seeds are the five seed articles of testdata.
func seeds(t testing.TB) []article.Article {
	t.Helper()
	r := article.Reader{Bad: func(err error) { t.Errorf("loading: %v", err) }}
	arts, err := r.Load(context.Background(), []string{filepath.Join("..", "..", "testdata", "seeds")})
	if err != nil {
		t.Fatal(err)
	}
	return arts
}

// synthetic returns n articles of the synthetic corpus.
func synthetic(t testing.TB, seed uint64, n int) []article.Article {
	t.Helper()
	var out []article.Article
	err := synth.New(seed).Generate(context.Background(), n, func(a *synth.Article, _ *synth.Truth) error {
		line, err := json.Marshal(a)
		if err != nil {
			return err
		}
		art, err := article.ParseJSONLine(line)
		out = append(out, art)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// testIndexes returns a SQLite index and, with COPYDESK_TEST_PG, the URL
// of a PostgreSQL one (a schema of its own, dropped at the end).
func testIndexes(t *testing.T) map[string]string {
	out := map[string]string{"sqlite": filepath.Join(t.TempDir(), "index.db")}
	if pg := os.Getenv("COPYDESK_TEST_PG"); pg != "" {
		out["postgres"] = pgSchema(t, pg)
	} else if os.Getenv("CI") == "true" {
		t.Fatal("COPYDESK_TEST_PG is not set in CI (.ci/run sets it up)")
	}
	return out
}

// newServer fills the index at dsn with arts and serves it on loopback.
func newServer(t *testing.T, dsn string, arts []article.Article, cfg Config) (*Server, *httptest.Server) {
	t.Helper()
	ctx := context.Background()
	st, err := index.Open(ctx, dsn, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := index.Add(ctx, st, arts, index.Options{}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	cfg.DSN = dsn
	cfg.Log = log.New(testWriter{t}, "", 0)
	srv, err := New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return srv, hs
}

func get(t *testing.T, u string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	code, _, body := get(t, u)
	if code != http.StatusOK {
		t.Fatalf("%s: %d %s", u, code, body)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("%s: %v", u, err)
	}
}

// TestPages: each page and its API answer on a small index of the seeds
// and a synthetic corpus, on both backends.
func TestPages(t *testing.T) {
	arts := append(seeds(t), synthetic(t, 3, 120)...)
	for name, dsn := range testIndexes(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel() // each index its own server; arts only read
			_, hs := newServer(t, dsn, arts, Config{})
			var sr searchView
			getJSON(t, hs.URL+"/api/search?q=Toner", &sr)
			if sr.Total != 3 || len(sr.Hits) != 3 {
				t.Fatalf("search Toner: %d hits of %d, want the 3 seeds that name him", len(sr.Hits), sr.Total)
			}
			getJSON(t, hs.URL+"/api/search?relation=copy&page=1", &sr)
			if sr.Total == 0 || sr.Hits[0].Relation == "" {
				t.Errorf("relation=copy: %+v", sr)
			}
			checkRelationPages(t, hs.URL, sr)
			checkRelatedWords(t, hs.URL, "the")
			var all searchView
			getJSON(t, hs.URL+"/api/search?page=2", &all)
			if all.Total != len(arts) || len(all.Hits) != PerPage {
				t.Errorf("page 2 of everything: %d hits of %d", len(all.Hits), all.Total)
			}
			// An article with a copy relation: its page marks the passages.
			id := sr.Hits[0].ID
			var av articleView
			getJSON(t, hs.URL+"/api/article/"+url.PathEscape(id), &av)
			if len(av.Relations) == 0 || len(av.Passages) == 0 {
				t.Fatalf("article %s: %d relations, %d passages", id, len(av.Relations), len(av.Passages))
			}
			code, h, body := get(t, hs.URL+"/article/"+url.PathEscape(id))
			if code != 200 || !strings.Contains(body, `<a href="/article/`+url.PathEscape(av.Passages[0].With)+`#at-`) || !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") {
				t.Errorf("article page: %d, CSP %q, no link to a shared passage", code, h.Get("Content-Security-Policy"))
			}
			code, h, body = get(t, hs.URL+"/story/"+url.PathEscape(id))
			if code != 200 || !strings.Contains(body, `class="cluster"`) || !strings.Contains(h.Get("Content-Security-Policy"), "style-src 'sha256-") {
				t.Errorf("story page: %d, CSP %q", code, h.Get("Content-Security-Policy"))
			}
			var story struct {
				Articles []struct{ ID string } `json:"articles"`
			}
			getJSON(t, hs.URL+"/api/story/"+url.PathEscape(id), &story)
			if len(story.Articles) < 2 {
				t.Errorf("story: %d articles", len(story.Articles))
			}
			code, _, body = get(t, hs.URL+"/outlet/"+url.PathEscape(arts[len(arts)-1].Outlet))
			if code != 200 || !strings.Contains(body, "<svg") {
				t.Errorf("outlet page: %d", code)
			}
			// Check: a seed's text pasted finds the seed, adds nothing.
			resp, err := http.Post(hs.URL+"/api/check", "text/plain", strings.NewReader(arts[0].Body))
			if err != nil {
				t.Fatal(err)
			}
			var cv checkView
			json.NewDecoder(resp.Body).Decode(&cv)
			resp.Body.Close()
			if len(cv.Articles) != 1 || len(cv.Articles[0].Matches) == 0 || cv.Articles[0].Matches[0].ID != arts[0].ID || len(cv.Added) != 0 {
				t.Errorf("check of seed 0: %+v", cv)
			}
			getJSON(t, hs.URL+"/api/search", &all)
			if all.Total != len(arts) {
				t.Errorf("after check: %d articles, want %d", all.Total, len(arts))
			}
			form := url.Values{"text": {arts[0].Body}}
			resp, err = http.PostForm(hs.URL+"/check", form)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(b), `table class="sidebyside"`) {
				t.Errorf("check page: %d", resp.StatusCode)
			}
		})
	}
}

// TestSafety: bad input gets a plain 4xx naming it, never an internal
// detail; traversal, other origins' posts, adding without --allow-add and
// bodies over the cap are refused; SQL in a query is only words.
func TestSafety(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "index.db")
	srv, hs := newServer(t, dsn, seeds(t), Config{MaxBytes: 4096})
	for _, c := range []struct {
		path string
		code int
	}{
		{"/static/report.css", 200},
		{"/static/../go.mod", 404},
		{"/static/..%2f..%2fgo.mod", 404},
		{"/static/%2e%2e%2fserve.go", 404},
		{"/static/serve.go", 404},
		{"/article/..%2f..%2fetc%2fpasswd", 404},
		{"/article/nope'%20OR%201=1--", 404},
		{"/?q=x'%20OR%201=1;%20DROP%20TABLE%20articles;--", 200},
		{"/?q=%22%20NEAR(", 200},
		{"/?page=-1", 400},
		{"/?page=99999999999999999999", 400},
		{"/?from=2024-13-01", 400},
		{"/?relation=unrelated", 400},
		{"/story/nope", 404},
		{"/story/" + url.PathEscape(seeds(t)[0].ID) + "?page=9", 404},
		{"/outlet/nope", 404},
		{"/api/article/nope", 404},
		{"/nothing", 404},
	} {
		code, h, body := get(t, hs.URL+c.path)
		if code != c.code {
			t.Errorf("%s: %d, want %d", c.path, code, c.code)
		}
		if h.Get("Content-Security-Policy") == "" || h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: headers %v", c.path, h)
		}
		for _, leak := range []string{"sqlite", "SQL", "goroutine", ".go:", dsn, "panic"} {
			if strings.Contains(body, leak) && !strings.HasPrefix(c.path, "/static/") {
				t.Errorf("%s: the response shows %q", c.path, leak)
			}
		}
	}
	post := func(u, ctype, body string, hdr map[string]string) int {
		req, _ := http.NewRequest("POST", u, strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if c := post(hs.URL+"/check", "application/x-www-form-urlencoded", "text=hello+world", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "http://evil.example"}); c != 403 {
		t.Errorf("cross-site post: %d, want 403", c)
	}
	if c := post(hs.URL+"/api/check", "text/plain", strings.Repeat("word ", 2000), nil); c != 413 {
		t.Errorf("oversized body: %d, want 413", c)
	}
	if c := post(hs.URL+"/check", "application/x-www-form-urlencoded", "text=hello+world+again&add=1", nil); c != 403 {
		t.Errorf("add without --allow-add: %d, want 403", c)
	}
	if c := post(hs.URL+"/api/check", "application/json", `{"id": 3`, nil); c != 400 {
		t.Errorf("bad JSON: %d, want 400", c)
	}
	if srv.writer != nil {
		t.Error("a writing store without AllowAdd")
	}
}

// TestAllowAdd: with AllowAdd the Check form adds what it checked, and the
// next search finds it.
func TestAllowAdd(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "index.db")
	_, hs := newServer(t, dsn, seeds(t), Config{AllowAdd: true})
	code, _, body := get(t, hs.URL+"/check")
	if code != 200 || !strings.Contains(body, `name="add"`) {
		t.Fatalf("check form: %d, no add box", code)
	}
	form := url.Values{"text": {"Zanzibar quokka festival draws record crowds to the harbour front on Sunday."}, "title": {"Quokka festival"}, "add": {"1"}}
	resp, err := http.PostForm(hs.URL+"/check", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var sr searchView
	getJSON(t, hs.URL+"/api/search?q=quokka", &sr)
	if sr.Total != 1 || sr.Hits[0].Title != "Quokka festival" {
		t.Errorf("after adding: %+v", sr)
	}
}

// TestAddWhileServing: another writer (its own store, as another process
// has) adds batches while searches run: no request fails, and each
// search after a batch committed finds it.
func TestAddWhileServing(t *testing.T) {
	for name, dsn := range testIndexes(t) {
		t.Run(name, func(t *testing.T) {
			arts := synthetic(t, 9, 160)
			_, hs := newServer(t, dsn, arts[:40], Config{})
			ctx := context.Background()
			st, err := index.Open(ctx, dsn, false)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			done := make(chan error, 1)
			go func() { done <- addBatches(ctx, st, arts[40:]) }()
			searchWhileAdding(t, hs.URL, arts, done)
		})
	}
}

// adderEnv names the index a re-executed test binary adds to
// (TestAddFromAnotherProcess).
const adderEnv = "COPYDESK_TEST_SERVE_ADDER"

// The same as TestAddWhileServing with the writer in another OS process:
// the test binary re-executed, adding to the SQLite index through its own
// connection while this process's server answers searches.
func TestAddFromAnotherProcess(t *testing.T) {
	arts := synthetic(t, 9, 160)
	ctx := context.Background()
	if dsn := os.Getenv(adderEnv); dsn != "" {
		st, err := index.Open(ctx, dsn, false)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if err := addBatches(ctx, st, arts[40:]); err != nil {
			t.Fatal(err)
		}
		return
	}
	dsn := filepath.Join(t.TempDir(), "index.db")
	_, hs := newServer(t, dsn, arts[:40], Config{})
	cmd := exec.Command(os.Args[0], "-test.run=^TestAddFromAnotherProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), adderEnv+"="+dsn)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		err := cmd.Wait()
		if err != nil {
			err = fmt.Errorf("adder process: %v: %s", err, out.String())
		}
		done <- err
	}()
	searchWhileAdding(t, hs.URL, arts, done)
}

// addBatches adds arts to st 40 at a time.
func addBatches(ctx context.Context, st index.Store, arts []article.Article) error {
	for k := 0; k < len(arts); k += 40 {
		if _, err := index.Add(ctx, st, arts[k:min(k+40, len(arts))], index.Options{}); err != nil {
			return err
		}
	}
	return nil
}

// searchWhileAdding searches the server at base until done says the
// writer has finished (its first 40 articles indexed before), then checks
// that all of arts are found, the last one by its headline.
func searchWhileAdding(t *testing.T, base string, arts []article.Article, done <-chan error) {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for finished := false; !finished; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			finished = true
		case <-deadline:
			t.Fatal("adding took over a minute")
		default:
		}
		var sr searchView
		getJSON(t, base+"/api/search?q=the", &sr)
		if sr.Total < 40 {
			t.Fatalf("search while adding: %d", sr.Total)
		}
	}
	var sr searchView
	getJSON(t, base+"/api/search", &sr)
	if sr.Total != len(arts) {
		t.Errorf("after adding: %d articles found, want %d", sr.Total, len(arts))
	}
	last := arts[len(arts)-1]
	getJSON(t, base+"/api/search?q="+url.QueryEscape(last.Title), &sr)
	if len(sr.Hits) == 0 || sr.Hits[0].ID != last.ID {
		t.Errorf("the last article added is not found by its headline")
	}
}

// TestProvenance: an original, its copy an hour later and a copy of the
// copy: the last one's page and API show its source, uncredited, and the
// chain back to the original; the original's page says it has no source.
func TestProvenance(t *testing.T) {
	base := seeds(t)[0]
	orig := article.Article{ID: "orig", Outlet: "The Wire Desk", Title: "The original", Published: "2016-03-01T09:00:00Z", Body: base.Body}
	copy1 := article.Article{ID: "copy1", Outlet: "Daily Post", Title: "A copy", Published: "2016-03-01T10:00:00Z",
		Body: base.Body + "\n\nThe council will meet again next Tuesday to discuss the matter further with residents."}
	copy2 := article.Article{ID: "copy2", Outlet: "Evening Star", Title: "A copy of the copy", Published: "2016-03-01T12:00:00Z",
		Body: copy1.Body + "\n\nLocal shopkeepers said they had not been consulted about any of the plans so far."}
	dsn := filepath.Join(t.TempDir(), "index.db")
	_, hs := newServer(t, dsn, []article.Article{orig, copy1, copy2}, Config{})
	var av articleView
	getJSON(t, hs.URL+"/api/article/copy2", &av)
	p := av.Provenance
	if len(p.Sources) == 0 || p.Sources[0].Share <= 0 || p.Credited || p.Original != "orig" {
		t.Fatalf("provenance of copy2: %+v", p)
	}
	if len(p.Chain) == 0 || p.Chain[len(p.Chain)-1].ID != "orig" {
		t.Errorf("chain of copy2 does not end at the original: %+v", p.Chain)
	}
	_, _, body := get(t, hs.URL+"/article/copy2")
	if !strings.Contains(body, `id="provenance"`) || !strings.Contains(body, `class="source"`) || !strings.Contains(body, "not credited") {
		t.Errorf("article page of copy2 shows no provenance")
	}
	getJSON(t, hs.URL+"/api/article/orig", &av)
	if len(av.Provenance.Sources) != 0 || av.Provenance.Original != "orig" {
		t.Errorf("provenance of the original: %+v", av.Provenance)
	}
	_, _, body = get(t, hs.URL+"/article/orig")
	if !strings.Contains(body, "this is the original") {
		t.Errorf("the original's page does not say so")
	}
}

// TestStorySliceKeepsSources: a page of a story renumbers its articles,
// and a copy pair's source with them.
func TestStorySliceKeepsSources(t *testing.T) {
	// 14 stories around c (the last), the one after 10 derived from c:
	// page 1 keeps the derived one and 11 others, not 11 and 12.
	var arts []article.Article
	var pairs []cluster.Pair
	for i := range StoryPage + 3 {
		arts = append(arts, article.Article{ID: fmt.Sprint("a", i)})
	}
	c := len(arts) - 1
	arts[c].ID = "c"
	for i := range c {
		pairs = append(pairs, cluster.Pair{I: i, J: c, Relation: cluster.Story, Source: -1})
	}
	pairs[c-1] = cluster.Pair{I: c - 1, J: c, Relation: cluster.Derived, Source: c}
	kept, got, paging := storySlice(arts, pairs, "c", 1)
	if paging == nil || len(kept) != StoryPage+1 {
		t.Fatalf("page 1: %d articles (%v)", len(kept), paging)
	}
	for _, p := range got {
		want := -1
		if p.Relation == cluster.Derived {
			want = p.J
			if kept[p.I].ID != fmt.Sprint("a", c-1) || kept[p.J].ID != "c" {
				t.Errorf("derived pair %+v joins %s and %s", p, kept[p.I].ID, kept[p.J].ID)
			}
		}
		if p.Source != want {
			t.Errorf("pair %+v: source %d, want %d", p, p.Source, want)
		}
	}
}

// TestArticlePageCache: an article page is served from the cache while
// the index stays as it was, and shows a copy added by another store
// once genTTL has passed.
func TestArticlePageCache(t *testing.T) {
	base := seeds(t)[0]
	orig := article.Article{ID: "orig", Outlet: "The Wire Desk", Title: "The original", Published: "2016-03-01T09:00:00Z", Body: base.Body}
	dsn := filepath.Join(t.TempDir(), "index.db")
	srv, hs := newServer(t, dsn, []article.Article{orig}, Config{})
	_, _, first := get(t, hs.URL+"/article/orig")
	if _, ok := srv.pages.Get("orig"); !ok {
		t.Fatal("the article page was not cached")
	}
	if _, _, again := get(t, hs.URL+"/article/orig"); again != first {
		t.Error("the cached page differs from the first")
	}
	copy1 := article.Article{ID: "copy1", Outlet: "Daily Post", Title: "A copy", Published: "2016-03-01T10:00:00Z",
		Body: base.Body + "\n\nThe council will meet again next Tuesday to discuss the matter further with residents."}
	addLater(t, dsn, copy1)
	var av articleView
	getJSON(t, hs.URL+"/api/article/orig", &av)
	if len(av.Relations) != 1 || av.Relations[0].ID != "copy1" || len(av.Passages) == 0 {
		t.Errorf("after adding a copy: relations %+v, %d passages", av.Relations, len(av.Passages))
	}
}

// checkRelationPages: a relation search stops one match past its page
// (then "more than" its last) and the next page goes on from there.
func checkRelationPages(t *testing.T, base string, first searchView) {
	t.Helper()
	if first.AtLeast != (first.Total == PerPage) || len(first.Hits) != min(first.Total, PerPage) {
		t.Fatalf("relation=copy page 1: %d hits, total %d, at least %v", len(first.Hits), first.Total, first.AtLeast)
	}
	if !first.AtLeast {
		return
	}
	var second searchView
	getJSON(t, base+"/api/search?relation=copy&page=2", &second)
	if len(second.Hits) == 0 || second.Total <= PerPage {
		t.Fatalf("relation=copy page 2: %d hits, total %d", len(second.Hits), second.Total)
	}
	seen := map[string]bool{}
	for _, h := range append(first.Hits, second.Hits...) {
		if seen[h.ID] {
			t.Errorf("relation=copy: %s on both pages", h.ID)
		}
		seen[h.ID] = true
	}
	_, _, body := get(t, base+"/?relation=copy")
	if !strings.Contains(body, fmt.Sprintf("More than %d articles", PerPage)) || !strings.Contains(body, "page=2") {
		t.Errorf("relation=copy page 1 says neither more than %d nor links page 2", PerPage)
	}
}

// checkRelatedWords: words with relation=copy list, in order, the
// articles of the words' search that have a copy relation (read from each
// one's article page), a page at a time.
func checkRelatedWords(t *testing.T, base, word string) {
	t.Helper()
	var want []string
	for page := 1; ; page++ {
		var sr searchView
		getJSON(t, fmt.Sprintf("%s/api/search?q=%s&page=%d", base, word, page), &sr)
		for _, h := range sr.Hits {
			var av articleView
			getJSON(t, base+"/api/article/"+url.PathEscape(h.ID), &av)
			for _, rel := range av.Relations {
				if r, _ := cluster.ParseRelation(rel.Relation); r >= cluster.Partial {
					want = append(want, h.ID)
					break
				}
			}
		}
		if page*PerPage >= sr.Total {
			break
		}
	}
	if len(want) == 0 {
		t.Fatalf("%q: no article with a copy relation to test with", word)
	}
	var got []string
	for page := 1; len(got) < len(want); page++ {
		var sr searchView
		getJSON(t, fmt.Sprintf("%s/api/search?q=%s&relation=copy&page=%d", base, word, page), &sr)
		if len(sr.Hits) == 0 {
			break
		}
		for _, h := range sr.Hits {
			got = append(got, h.ID)
			if h.Relation == "" || h.Title == "" {
				t.Errorf("%q relation=copy: hit %+v", word, h)
			}
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%q relation=copy: %d hits %v, want %d %v", word, len(got), got, len(want), want)
	}
}

// TestSearchCountCache: a search's count is kept for its other pages and
// made again once the index has changed.
func TestSearchCountCache(t *testing.T) {
	arts := seeds(t)
	dsn := filepath.Join(t.TempDir(), "index.db")
	srv, hs := newServer(t, dsn, arts, Config{})
	var sr searchView
	getJSON(t, hs.URL+"/api/search?q=Toner", &sr)
	if n, ok := srv.counts.Get(countKey{text: "Toner"}); !ok || n != sr.Total || sr.Total == 0 {
		t.Fatalf("count of Toner: kept %d (%v), shown %d", n, ok, sr.Total)
	}
	extra := article.Article{ID: "extra", Outlet: "Daily Post", Title: "Toner again", Published: "2016-03-02T10:00:00Z",
		Body: "Mr Toner spoke again on Wednesday about something else entirely, far from the talks."}
	addLater(t, dsn, extra)
	var after searchView
	getJSON(t, hs.URL+"/api/search?q=Toner", &after)
	if after.Total != sr.Total+1 || len(after.Hits) == 0 || after.Hits[0].ID != "extra" {
		t.Errorf("after adding one: total %d (before %d), first %+v", after.Total, sr.Total, after.Hits)
	}
}

// TestRelationCache: the relations a relation search read are kept and
// read again once the index has changed (an article that gained a copy
// is found by the next search).
func TestRelationCache(t *testing.T) {
	base := seeds(t)[0]
	orig := article.Article{ID: "orig", Outlet: "The Wire Desk", Title: "The original", Published: "2016-03-01T09:00:00Z", Body: base.Body}
	dsn := filepath.Join(t.TempDir(), "index.db")
	srv, hs := newServer(t, dsn, []article.Article{orig}, Config{})
	var sr searchView
	getJSON(t, hs.URL+"/api/search?q=original&relation=copy", &sr)
	if sr.Total != 0 {
		t.Fatalf("one article, relation=copy: %+v", sr)
	}
	if rels, ok := srv.rels.Get(relKey{seq: 1}); !ok || len(rels) != 0 {
		t.Fatalf("orig's relations: kept %v (%v), want none kept", rels, ok)
	}
	copy1 := article.Article{ID: "copy1", Outlet: "Daily Post", Title: "Not the original", Published: "2016-03-01T10:00:00Z",
		Body: base.Body + "\n\nThe council will meet again next Tuesday to discuss the matter further with residents."}
	addLater(t, dsn, copy1)
	for _, rel := range []string{"copy", "copy", "partial"} { // the second from the cache
		var after searchView
		getJSON(t, hs.URL+"/api/search?q=original&relation="+rel, &after)
		var ids []string
		for _, h := range after.Hits {
			ids = append(ids, h.ID)
		}
		if want := []string{"copy1", "orig"}; rel == "copy" && !slices.Equal(ids, want) {
			t.Errorf("after adding a copy, relation=%s: %v, want %v", rel, ids, want)
		} else if rel == "partial" && len(ids) != 0 {
			t.Errorf("relation=partial of a whole copy: %v", ids)
		}
	}
}

// addLater adds a to the index at dsn through a store of its own, as
// another process would, and waits until the server reads the index's
// generation again.
func addLater(t *testing.T, dsn string, a article.Article) {
	t.Helper()
	ctx := context.Background()
	st, err := index.Open(ctx, dsn, false)
	if err != nil {
		t.Fatal(err)
	}
	_, err = index.Add(ctx, st, []article.Article{a}, index.Options{})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(genTTL + 100*time.Millisecond)
}
