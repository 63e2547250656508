package main

// The report is safe to open: article text, headlines, outlets, bylines and
// URLs that carry markup, event handlers, javascript: URLs or template
// syntax are shown as text, and the page's Content-Security-Policy forbids
// scripts and every request. The test opens the report in headless
// Chromium, with a local HTTP server as the target of every injected
// request, and checks that no injected script ran and that the server was
// never reached. Two control pages prove the checks can fail: the same
// payloads as raw markup without the policy (they run and reach the
// server), and the report itself with raw payloads inserted (the policy
// stops them).

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/copydesk/copydesk/internal/chromiumtest"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	xhtml "golang.org/x/net/html"
)

// beacon is a local HTTP server that counts the requests it gets.
type beacon struct {
	*httptest.Server
	mu   sync.Mutex
	hits []string
}

func newBeacon(t *testing.T) *beacon {
	b := &beacon{}
	b.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		b.hits = append(b.hits, r.URL.Path)
		b.mu.Unlock()
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "beacon")
	}))
	t.Cleanup(b.Close)
	return b
}

// take returns the requests since the last call.
func (b *beacon) take() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	h := b.hits
	b.hits = nil
	return h
}

// payloads are the hostile strings; each one that runs sets a window flag
// named __xss…, each one that loads something asks the beacon for it.
func payloads(srv string) []string {
	return []string{
		`<script>window.__xss_script=1</script>`,
		`"><img src=x onerror="window.__xss_img=1">`,
		`'><svg onload=window.__xss_svg=1></svg>`,
		`</title></style></textarea><script>window.__xss_close=1</script>`,
		`<a href="javascript:window.__xss_link=1">click</a>`,
		`<img src="` + srv + `/img">`,
		`<iframe src="` + srv + `/iframe"></iframe>`,
		`<link rel="stylesheet" href="` + srv + `/css">`,
		`<script src="` + srv + `/script.js"></script>`,
		`<style>@import url(` + srv + `/import.css);</style>`,
		`{{.}} {{template "page" .}} {{range .}}{{end}}`,
	}
}

// hostileFeed writes a JSONL feed of three outlets' versions of one wire
// story, with the payloads in every field the report shows: the body, the
// headline, the outlet, the URL and (through the page's author meta tag) the
// byline.
func hostileFeed(t *testing.T, srv string) (path string, shown []string) {
	p := payloads(srv)
	all := strings.Join(p, " ")
	wire := []string{
		"The health ministry said on Tuesday that the new hospital in the northern district would open its doors to patients next month after three years of building work.",
		"Officials said the hospital would have four hundred beds, two operating theatres and a maternity ward, and that it would employ about nine hundred staff.",
		"Payload in the copy: " + all + " and the sentence goes on as wire copy does.",
		"The project was paid for by the regional government and a loan from a development bank, the ministry said in a statement.",
	}
	type rec struct {
		ID     string `json:"id"`
		Text   string `json:"text,omitempty"`
		HTML   string `json:"html,omitempty"`
		Title  string `json:"title"`
		Outlet string `json:"outlet"`
		URL    string `json:"url"`
	}
	recs := []rec{
		{ID: "one", Text: strings.Join(wire, "\n\n"), Title: "Hospital " + p[0], Outlet: "Outlet " + p[1], URL: "javascript:window.__xss_url=1"},
		{ID: "two", Text: strings.Join(wire[:3], "\n\n") + "\n\nLocal residents welcomed the news. " + p[3], Title: "Hospital opens " + p[10], Outlet: p[4], URL: `" onmouseover="window.__xss_attr=1`},
		{ID: "three", Title: "New hospital " + p[5], Outlet: p[6], URL: srv + "/url",
			HTML: `<html><head><title>New hospital</title><meta name="author" content="` + html.EscapeString("By "+p[2]+" "+p[7]) + `"></head><body><article>` +
				"<p>" + html.EscapeString(wire[0]) + "</p><p>" + html.EscapeString(wire[1]) + "</p><p>" + html.EscapeString(wire[2]) + "</p><p>" + html.EscapeString(p[8]+" "+p[9]) + " closes the story.</p></article></body></html>"},
	}
	path = filepath.Join(t.TempDir(), "hostile.jsonl")
	var b strings.Builder
	for _, r := range recs {
		line, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, []string{p[0], p[1], p[2], p[4], p[5], p[6], p[10], `{{.}}`}
}

// pageResult is what the browser saw on one page.
type pageResult struct {
	Flags   []string // window.__xss* set
	Active  []string // elements that could run or load: script, iframe, event handlers, javascript: URLs
	Text    string   // document.body.innerText
	Request []string // requests for anything but the page itself
}

const inspectJS = `(() => ({
	flags: Object.keys(window).filter(k => k.startsWith("__xss")),
	active: Array.from(document.querySelectorAll("*")).flatMap(e => {
		const out = [];
		if (["SCRIPT", "IFRAME", "OBJECT", "EMBED", "LINK", "BASE", "FORM"].includes(e.tagName) && !(e.tagName === "LINK" && !e.getAttribute("href"))) out.push(e.tagName);
		for (const a of e.attributes) {
			if (a.name.startsWith("on")) out.push(e.tagName + " " + a.name);
			if (/^\s*(javascript|data|vbscript):/i.test(a.value) && ["href", "src", "action", "formaction"].includes(a.name)) out.push(e.tagName + " " + a.name + "=" + a.value);
		}
		return out;
	}),
	text: document.body ? document.body.innerText : "",
}))()`

// openPage loads url in a fresh tab and reports what ran and what was
// requested.
func openPage(t *testing.T, bctx context.Context, url string) pageResult {
	t.Helper()
	ctx, cancel := chromedp.NewContext(bctx)
	defer cancel()
	var mu sync.Mutex
	var res pageResult
	// Network events are on from the start of the tab. Chromium announces
	// even a request its Content-Security-Policy then refuses, so on the
	// report pages, which should not even try one, any announced request
	// counts.
	err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok && e.Request.URL != url {
			mu.Lock()
			res.Request = append(res.Request, e.Request.URL)
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(url),
		chromedp.WaitReady(chromedp.CSS("body")),
		// Give late loads (an iframe, an image) the chance to start.
		chromedp.Sleep(300*time.Millisecond),
	); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	seen, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		Flags  []string `json:"flags"`
		Active []string `json:"active"`
		Text   string   `json:"text"`
	}](inspectJS))
	if err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	mu.Lock()
	defer mu.Unlock()
	res.Flags, res.Active, res.Text = seen.Flags, seen.Active, seen.Text
	return res
}

func TestReportXSS(t *testing.T) {
	chromiumtest.Path(t) // skip early, before building the report
	srv := newBeacon(t)
	feed, shown := hostileFeed(t, srv.URL)
	dir := filepath.Join(t.TempDir(), "report")
	if _, stderr, code := compare(t, "", "report", "-o", dir, feed); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "*.html"))
	if len(pages) == 0 {
		t.Fatal("no HTML pages written")
	}

	// In the file: a policy forbidding scripts and requests, and no
	// payload as markup.
	csp := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`)
	for _, page := range pages {
		src := mustRead(t, page)
		m := csp.FindStringSubmatch(src)
		if m == nil {
			t.Fatalf("%s: no Content-Security-Policy meta tag", page)
		}
		if !strings.Contains(m[1], "default-src 'none'") {
			t.Errorf("%s: policy %q lacks default-src 'none'", page, m[1])
		}
		for _, bad := range []string{"script-src", "unsafe-eval", "connect-src", "http:", "https:", "*"} {
			if strings.Contains(m[1], bad) {
				t.Errorf("%s: policy %q allows %q", page, m[1], bad)
			}
		}
		for _, bad := range activeMarkup(t, src, srv.URL) {
			t.Errorf("%s: payload written as markup: %s", page, bad)
		}
	}

	bctx := chromiumtest.Start(t, 3*time.Minute)
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}

	// Control 1: the payloads as raw markup, without the policy, run and
	// reach the server, so the checks below can see an attack.
	control := filepath.Join(t.TempDir(), "control.html")
	os.WriteFile(control, []byte("<!doctype html><html><head><title>control</title></head><body>"+strings.Join(payloads(srv.URL), "\n")+"</body></html>"), 0o644)
	srv.take()
	if r := openPage(t, bctx, "file://"+control); len(r.Flags) == 0 || len(srv.take()) == 0 {
		t.Fatalf("control page: flags %v; the test cannot see scripts run or requests made", r.Flags)
	}

	// The report pages: nothing runs, nothing is requested, the payloads
	// read as text.
	var text strings.Builder
	for _, page := range pages {
		url := "file://" + filepath.ToSlash(page)
		r := openPage(t, bctx, url)
		if len(r.Flags) > 0 {
			t.Errorf("%s: injected script ran: %v", page, r.Flags)
		}
		if len(r.Active) > 0 {
			t.Errorf("%s: active content on the page: %v", page, r.Active)
		}
		if len(r.Request) > 0 {
			t.Errorf("%s: requests left the page: %v", page, r.Request)
		}
		if hits := srv.take(); len(hits) > 0 {
			t.Errorf("%s: the server was reached: %v", page, hits)
		}
		text.WriteString(r.Text)
	}
	for _, s := range shown {
		if !strings.Contains(text.String(), s) {
			t.Errorf("the report does not show %q as text", s)
		}
	}

	// Control 2: the report with raw payloads put in its body: the page's
	// policy stops every script and request.
	index := mustRead(t, filepath.Join(dir, "index.html"))
	at := strings.Index(index, "<body")
	at += strings.Index(index[at:], ">") + 1
	injected := filepath.Join(t.TempDir(), "injected.html")
	os.WriteFile(injected, []byte(index[:at]+strings.Join(payloads(srv.URL), "\n")+index[at:]), 0o644)
	if r := openPage(t, bctx, "file://"+injected); len(r.Flags) > 0 {
		t.Errorf("the report's policy let inline scripts run: %v", r.Flags)
	}
	if hits := srv.take(); len(hits) > 0 {
		t.Errorf("the report's policy let requests through: %v", hits)
	}
}

// activeMarkup parses a page as a browser would and lists what in it could
// run or load: script-like elements, event handler attributes, javascript:
// URLs, and anything but a link that points at the test server.
func activeMarkup(t *testing.T, page, srv string) []string {
	t.Helper()
	doc, err := xhtml.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(n *xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode {
			switch n.Data {
			case "script", "iframe", "frame", "object", "embed", "base", "form", "img", "link":
				out = append(out, "<"+n.Data+">")
			}
			for _, a := range n.Attr {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if strings.HasPrefix(a.Key, "on") || strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") ||
					a.Key != "href" && strings.Contains(a.Val, srv) {
					out = append(out, fmt.Sprintf("<%s %s=%q>", n.Data, a.Key, a.Val))
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}
