package main

// compare serve end to end: the command builds nothing itself, so the
// tests build an index with `compare index add`, start `compare serve` on
// a random loopback port (as a user would, through run), and drive the
// pages in headless Chromium as a reader would: search, open an article,
// follow a shared passage to its source, open the story, paste a crafted
// copy into Check and see its source. The XSS corpus of the report test,
// stored as articles, must run no script and reach no server on any page.
// Each test ends with a graceful shutdown (the context's cancel, as
// Ctrl-C) that must return no error.

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/copydesk/copydesk/internal/chromiumtest"
)

// lockedBuffer is a bytes.Buffer safe for a running command and a test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var servingAt = regexp.MustCompile(`on (http://127\.0\.0\.1:\d+)/`)

// startServe runs `compare serve --addr 127.0.0.1:0 args...` and returns
// its base URL; at the end of the test it is stopped as Ctrl-C stops it
// and must exit cleanly.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	runMu.Lock() // until serve has parsed its command line (see runMu)
	defer runMu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	var stderr lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"compare", "serve", "--addr", "127.0.0.1:0"}, args...), strings.NewReader(""), &bytes.Buffer{}, &stderr)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if m := servingAt.FindStringSubmatch(stderr.String()); m != nil {
			t.Cleanup(func() {
				cancel()
				select {
				case err := <-done:
					if err != nil {
						t.Errorf("serve after Ctrl-C: %v; stderr: %s", err, stderr.String())
					}
				case <-time.After(10 * time.Second):
					t.Error("serve did not stop within 10 s of Ctrl-C")
				}
			})
			return m[1]
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("serve exited: %v; stderr: %s", err, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not start; stderr: %s", stderr.String())
		}
	}
}

// servedIndex builds an index of the seeds and a small synthetic corpus
// and returns its path and the synthetic articles (JSONL lines decoded).
func servedIndex(t *testing.T) (string, []map[string]string) {
	t.Helper()
	dir := t.TempDir()
	feed := filepath.Join(dir, "synth.jsonl")
	if _, stderr, code := compare(t, "", "synth", "--n", "150", "--seed", "4", "-o", feed); code != 0 {
		t.Fatalf("synth: %d %s", code, stderr)
	}
	db := filepath.Join(dir, "index.db")
	if _, stderr, code := compare(t, "", "index", "add", "--index", db, filepath.Join("..", "..", "testdata", "seeds"), feed); code != 0 {
		t.Fatalf("index add: %d %s", code, stderr)
	}
	var arts []map[string]string
	for _, line := range strings.Split(strings.TrimSpace(mustRead(t, feed)), "\n") {
		var a map[string]any
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for k, v := range a {
			if s, ok := v.(string); ok {
				m[k] = s
			}
		}
		arts = append(arts, m)
	}
	return db, arts
}

// watchProblems collects console errors, exceptions and log errors
// (Content-Security-Policy refusals among them) of every tab of bctx.
func watchProblems(t *testing.T, ctx context.Context) func() []string {
	var mu sync.Mutex
	var seen []string
	chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			seen = append(seen, "exception: "+ev.ExceptionDetails.Text)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == "error" {
				seen = append(seen, "console error")
			}
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError && !strings.Contains(ev.Entry.URL, "favicon") {
				seen = append(seen, "log: "+ev.Entry.Text+" "+ev.Entry.URL)
			}
		}
	})
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(seen)
	}
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func evalJS[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// waitLocation waits until the tab's location ends with suffix (a click
// navigated) and returns it.
func waitLocation(t *testing.T, ctx context.Context, suffix string) string {
	t.Helper()
	var at string
	for range 100 {
		if at = evalJS[string](t, ctx, "location.pathname + location.hash"); strings.HasSuffix(at, suffix) {
			return at
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the click led to %q, not %q", at, suffix)
	return at
}

// TestServeBrowser walks the newsroom path through the pages in Chromium.
func TestServeBrowser(t *testing.T) {
	chromiumtest.Path(t)
	db, arts := servedIndex(t)
	base := startServe(t, "--index", db)
	bctx := chromiumtest.Start(t, 2*time.Minute, chromedp.WindowSize(1200, 900))
	ctx, cancel := chromedp.NewContext(bctx)
	defer cancel()
	problems := watchProblems(t, ctx)

	// Search: the seeds that name Toner, with a count.
	do(t, ctx, chromedp.Navigate(base+"/?q=Toner"), chromedp.WaitVisible(chromedp.CSS("#count")))
	type searchSeen struct {
		Count string `json:"count"`
		Hits  int    `json:"hits"`
	}
	found := evalJS[searchSeen](t, ctx, `({count: document.querySelector("#count").innerText, hits: document.querySelectorAll("ol.hits li.hit").length})`)
	if !strings.HasPrefix(found.Count, "3 articles") || found.Hits != 3 {
		t.Errorf("search for Toner: %+v", found)
	}

	// Open the first article with a copy relation, follow its first shared
	// passage: the other article's page, at the same passage.
	do(t, ctx, chromedp.Navigate(base+"/?relation=copy"),
		chromedp.Click(chromedp.CSS("ol.hits li.hit a.hit-title"), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS("div.text a.shared")))
	href := evalJS[string](t, ctx, `document.querySelector("div.text a.shared").getAttribute("href")`)
	do(t, ctx, chromedp.Click(chromedp.CSS("div.text a.shared"), chromedp.NodeVisible))
	landed := waitLocation(t, ctx, href)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS("div.text a.shared")))
	anchored := evalJS[bool](t, ctx, `(() => { const e = document.getElementById(decodeURIComponent(location.hash.slice(1))); return !!e && !!e.nextElementSibling && e.nextElementSibling.matches("a.shared") })()`)
	if !strings.Contains(href, "#at-") || !anchored {
		t.Errorf("followed %q to %q: no shared passage at the anchor", href, landed)
	}

	// Its story, rendered as the report renders a cluster.
	do(t, ctx, chromedp.Click(chromedp.ID("story-link"), chromedp.NodeVisible), chromedp.WaitVisible(chromedp.CSS("section.cluster")))
	type storySeen struct {
		Title string `json:"title"`
		Diffs int    `json:"diffs"`
	}
	story := evalJS[storySeen](t, ctx, `({title: document.title, diffs: document.querySelectorAll("section.cluster table.sidebyside").length})`)
	if !strings.Contains(story.Title, "the story around") || story.Diffs == 0 {
		t.Errorf("story page: %+v", story)
	}

	// Check: a crafted copy (a synthetic article's paragraphs, the last
	// dropped, one sentence of its own) finds its source.
	src := arts[0]
	paras := strings.Split(strings.TrimSpace(src["text"]), "\n\n")
	crafted := strings.Join(paras[:max(1, len(paras)-1)], "\n\n") + "\n\nOur correspondent adds a line of her own here."
	do(t, ctx, chromedp.Navigate(base+"/check"),
		chromedp.SetValue(chromedp.ID("check-text"), crafted),
		chromedp.SetValue(chromedp.CSS(`input[name="title"]`), "Crafted "+src["title"]),
		chromedp.Click(chromedp.CSS(`form.check button[type="submit"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS("section.checked")))
	matchHref := evalJS[string](t, ctx, `(document.querySelector("ol.matches li a.hit-title") || {getAttribute: () => ""}).getAttribute("href")`)
	if want := "/article/" + url.PathEscape(src["id"]); matchHref != want {
		t.Errorf("check of a crafted copy: first match %q, want its source %q", matchHref, want)
	}
	if shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err != nil || len(shot) == 0 {
		t.Errorf("screenshot: %v", err)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("the browser reported: %v", p)
	}
	// Check added nothing.
	resp, err := http.Get(base + "/api/search")
	if err != nil {
		t.Fatal(err)
	}
	var sr struct{ Total int }
	json.NewDecoder(resp.Body).Decode(&sr)
	resp.Body.Close()
	if sr.Total != 155 {
		t.Errorf("after Check: %d articles, want 155", sr.Total)
	}
}

// ownActive are the page's own forms and stylesheets, which the XSS
// checks must not count as injected.
var ownActive = regexp.MustCompile(`^(LINK href=/static/[a-z]+\.css|FORM action=/(check)?)$`)

const serveInspectJS = `(() => ({
	flags: Object.keys(window).filter(k => k.startsWith("__xss")),
	active: Array.from(document.querySelectorAll("*")).flatMap(e => {
		const out = [];
		if (["SCRIPT", "IFRAME", "OBJECT", "EMBED", "LINK", "BASE", "FORM"].includes(e.tagName)) {
			out.push(e.tagName + (e.getAttribute("href") ? " href=" + e.getAttribute("href") : "") + (e.getAttribute("action") ? " action=" + e.getAttribute("action") : ""));
		}
		for (const a of e.attributes) {
			if (a.name.startsWith("on")) out.push(e.tagName + " " + a.name);
			if (/^\s*(javascript|data|vbscript):/i.test(a.value) && ["href", "src", "action", "formaction"].includes(a.name)) out.push(e.tagName + " " + a.name + "=" + a.value);
		}
		return out;
	}),
}))()`

// TestServeXSS stores the report test's hostile feed as articles and opens
// every kind of page on it in Chromium: no script runs, no request leaves
// for the beacon, nothing active but the page's own forms and stylesheets.
func TestServeXSS(t *testing.T) {
	chromiumtest.Path(t)
	beacon := newBeacon(t)
	feed, _ := hostileFeed(t, beacon.URL)
	db := filepath.Join(t.TempDir(), "index.db")
	if _, stderr, code := compare(t, "", "index", "add", "--index", db, feed); code != 0 {
		t.Fatalf("index add: %d %s", code, stderr)
	}
	base := startServe(t, "--index", db, "--allow-add")
	bctx := chromiumtest.Start(t, 2*time.Minute)
	p := payloads(beacon.URL)
	pages := []string{"/?q=hospital", "/?q=" + url.QueryEscape(p[0]), "/?relation=copy", "/article/one", "/article/two", "/article/three",
		"/story/one", "/outlet/" + url.PathEscape(p[4]), "/outlet/" + url.PathEscape("Outlet "+p[1]), "/article/" + url.PathEscape(p[0]), "/check"}
	ctx, cancel := chromedp.NewContext(bctx)
	defer cancel()
	// Control: the same inspection sees a payload that runs.
	do(t, ctx, chromedp.Navigate("data:text/html,"+url.PathEscape(p[0]+p[1])), chromedp.WaitReady(chromedp.CSS("body")), chromedp.Sleep(200*time.Millisecond))
	if c := evalJS[inspected](t, ctx, serveInspectJS); len(c.Flags) == 0 || len(c.Active) == 0 {
		t.Fatalf("control page: %+v; the test cannot see a script run", c)
	}
	for _, page := range pages {
		do(t, ctx, chromedp.Navigate(base+page), chromedp.WaitReady(chromedp.CSS("body")), chromedp.Sleep(200*time.Millisecond))
		seen := evalJS[inspected](t, ctx, serveInspectJS)
		checkSeen(t, page, seen.Flags, seen.Active)
		if hits := beacon.take(); len(hits) > 0 {
			t.Errorf("%s: the beacon was reached: %v", page, hits)
		}
	}
	// Check with the payloads pasted: the result page shows them as text.
	text := "Hospital opens\n\nThe health ministry said on Tuesday that the new hospital in the northern district would open its doors to patients next month after three years of building work. " + strings.Join(p, " ")
	do(t, ctx, chromedp.Navigate(base+"/check"), chromedp.SetValue(chromedp.ID("check-text"), text),
		chromedp.Click(chromedp.CSS(`form.check button[type="submit"]`), chromedp.NodeVisible), chromedp.WaitVisible(chromedp.CSS("section.checked")),
		chromedp.Sleep(200*time.Millisecond))
	seen := evalJS[inspected](t, ctx, serveInspectJS)
	checkSeen(t, "check result", seen.Flags, seen.Active)
	if hits := beacon.take(); len(hits) > 0 {
		t.Errorf("check result: the beacon was reached: %v", hits)
	}
}

// inspected is what serveInspectJS reports.
type inspected struct {
	Flags  []string `json:"flags"`
	Active []string `json:"active"`
}

func checkSeen(t *testing.T, page string, flags, active []string) {
	t.Helper()
	if len(flags) > 0 {
		t.Errorf("%s: injected script ran: %v", page, flags)
	}
	for _, a := range active {
		if !ownActive.MatchString(a) {
			t.Errorf("%s: active content: %s", page, a)
		}
	}
}

// TestServeUsage: serve refuses what it cannot serve, with one line.
func TestServeUsage(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"serve"}, 2, "--index DB is required"},
		{[]string{"serve", "--index", filepath.Join(dir, "none.db")}, 1, "no such index"},
		{[]string{"serve", "--index", filepath.Join(dir, "x.db"), "--addr", "nonsense"}, 2, "--addr"},
		{[]string{"serve", "--index", filepath.Join(dir, "x.db"), "--max-size", "lots"}, 2, "--max-size"},
		{[]string{"serve", "--index", filepath.Join(dir, "x.db"), "extra"}, 2, "takes no PATH"},
	} {
		_, stderr, code := compare(t, "", c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q on one line", c.args, code, stderr, c.code, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); err == nil {
		t.Error("serve created an index")
	}
}
