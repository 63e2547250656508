package report

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/chromiumtest"
	"github.com/copydesk/copydesk/internal/provenance"
)

// browser starts a headless Chromium with a fresh profile. Its second
// result reports console errors and warnings, exceptions, and the requests
// for anything but a local file, split into those the page's
// Content-Security-Policy refused and those sent.
func browser(t *testing.T) (context.Context, func() (problems, blocked, sent []string)) {
	t.Helper()
	bctx := chromiumtest.Start(t, 90*time.Second, chromedp.WindowSize(1400, 1000))
	var mu sync.Mutex
	var noted, refused []string
	pending := make(map[network.RequestID]string) // requests not (yet) refused
	note := func(format string, args ...any) {
		mu.Lock()
		noted = append(noted, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	// Runtime, Log and Network events are on from the start of the tab.
	err := chromedp.Listen(bctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == "error" || ev.Type == "warning" || ev.Type == "assert" {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				note("console %s: %s", ev.Type, strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			note("exception: %s", ev.ExceptionDetails.Text)
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError || ev.Entry.Level == cdplog.EntryLevelWarning {
				note("log %s: %s %s", ev.Entry.Level, ev.Entry.Text, ev.Entry.URL)
			}
		case *network.EventRequestWillBeSent:
			// Chromium announces a request before its Content-Security-Policy
			// check; a request refused by it fails with reason csp.
			if u := ev.Request.URL; !strings.HasPrefix(u, "file://") {
				mu.Lock()
				pending[ev.RequestID] = u
				mu.Unlock()
			}
		case *network.EventLoadingFailed:
			mu.Lock()
			if u, ok := pending[ev.RequestID]; ok && ev.BlockedReason == network.BlockedReasonCsp {
				delete(pending, ev.RequestID)
				refused = append(refused, u)
			}
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return bctx, func() (problems, blocked, sent []string) {
		mu.Lock()
		defer mu.Unlock()
		for _, u := range pending {
			sent = append(sent, u)
		}
		slices.Sort(sent)
		return slices.Clone(noted), slices.Clone(refused), sent
	}
}

// openReport writes rep to a temporary directory and opens its index.html
// in a new headless Chromium (see browser).
func openReport(t *testing.T, rep *Report) (context.Context, func() (problems, blocked, sent []string)) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "report")
	if err := WriteReport(dir, rep); err != nil {
		t.Fatal(err)
	}
	ctx, events := browser(t)
	url := "file://" + filepath.ToSlash(filepath.Join(dir, "index.html"))
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
		t.Fatal(err)
	}
	return ctx, events
}

// TestBrowserSeedsReport opens the seeds report from disk in headless
// Chromium and checks what a reader sees.
func TestBrowserSeedsReport(t *testing.T) {
	inRoot(t)
	rep := build(t, 0, "testdata/seeds")
	ctx, events := openReport(t, rep)
	seen, err := chromedp.Run(ctx, chromedp.Evaluate[sight](`(() => {
			const visible = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
			const m = document.querySelector('svg.matrix');
			const out = {
				N: +m.dataset.n,
				Cells: [...m.querySelectorAll('g.cell rect')].filter(visible).length,
				Rows: m.querySelectorAll('text.rowlabel').length,
				Cols: m.querySelectorAll('text.collabel').length,
				Titles: [...m.querySelectorAll('g.cell > title')].filter(t => t.textContent.length > 0).length,
				Outlets: [...document.querySelectorAll('article.outlet')].map(a => ({
					Label: a.querySelector('h4').textContent.trim(),
					AddedH: visible(a.querySelector('section.added h5')),
					LeftH: visible(a.querySelector('section.leftout h5')),
					Added: [...a.querySelectorAll('section.added li')].filter(visible).length,
					LeftOut: [...a.querySelectorAll('section.leftout li')].filter(visible).length,
				})),
				Ins: [...document.querySelectorAll('details.diff[open] ins')].filter(visible).length,
				Del: [...document.querySelectorAll('details.diff[open] del')].filter(visible).length,
				RTL: document.querySelectorAll('[dir=auto]').length,
			};
			return out;
		})()`))
	if err != nil {
		t.Fatal(err)
	}
	if seen.N != 5 || seen.Cells != 25 || seen.Rows != 5 || seen.Cols != 5 || seen.Titles != 25 {
		t.Errorf("heatmap: n=%d, %d visible cells, %d titled, %d row and %d column labels; want 5×5", seen.N, seen.Cells, seen.Titles, seen.Rows, seen.Cols)
	}
	if len(seen.Outlets) != 5 {
		t.Errorf("%d outlet sections, want 5", len(seen.Outlets))
	}
	for _, o := range seen.Outlets {
		if !o.AddedH || !o.LeftH || o.Added == 0 || o.LeftOut == 0 {
			t.Errorf("outlet %s: added heading %v (%d items), left-out heading %v (%d items)", o.Label, o.AddedH, o.Added, o.LeftH, o.LeftOut)
		}
	}
	if seen.Ins == 0 || seen.Del == 0 {
		t.Errorf("open diff shows %d <ins> and %d <del>", seen.Ins, seen.Del)
	}

	// The screenshot is a test artifact (go test -artifacts keeps it).
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(t.ArtifactDir(), "seeds-report.png")
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", shot)

	// At 420 px wide (a phone) the page does not scroll sideways and the
	// pair diff stacks its two columns, each as wide as the screen allows.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(420, 900)); err != nil {
		t.Fatal(err)
	}
	narrow, err := chromedp.Run(ctx, chromedp.Evaluate[narrowSight](`(() => {
			const cells = [...document.querySelectorAll('details.diff[open] table.sidebyside td')];
			return {
				Page: document.documentElement.scrollWidth,
				Cells: cells.length,
				MinCell: cells.length ? Math.min(...cells.map(c => c.getBoundingClientRect().width)) : 0,
			};
		})()`))
	if err != nil {
		t.Fatal(err)
	}
	if narrow.Page > 420 || narrow.Cells == 0 || narrow.MinCell < 300 {
		t.Errorf("at 420 px: page %d px wide, %d diff cells at least %.0f px wide; want no sideways scroll and stacked cells of 300 px or more", narrow.Page, narrow.Cells, narrow.MinCell)
	}

	// Nothing went wrong and nothing left the page while it loaded.
	problems, blocked, sent := events()
	for _, p := range problems {
		t.Errorf("while loading the report: %s", p)
	}
	if len(blocked)+len(sent) > 0 {
		t.Errorf("the report asked for %q (refused) and %q (sent)", blocked, sent)
	}

	// And the Content-Security-Policy holds: a request the page tries (as
	// injected markup would) is refused, not sent.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(() => { const i = new Image(); i.src = "http://192.0.2.1/x.png"; return 0; })()`)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if _, blocked, sent = events(); len(blocked)+len(sent) > 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(sent) > 0 || !slices.Contains(blocked, "http://192.0.2.1/x.png") {
		t.Errorf("probe request: refused %q, sent %q; want it refused by the Content-Security-Policy", blocked, sent)
	}
}

// narrowSight is what the browser test reads off the page at 420 px.
type narrowSight struct {
	Page    int     // document scroll width
	Cells   int     // cells of the open side-by-side diffs
	MinCell float64 // the narrowest, in px
}

// sight is what the browser test reads off the page.
type sight struct {
	N, Cells, Rows, Cols int
	Titles               int // cells with a hover title
	Outlets              []struct {
		Label          string
		Added, LeftOut int // visible list items
		AddedH, LeftH  bool
	}
	Ins, Del int // visible in the open diff
	RTL      int
}

// TestBrowserProvenanceAndPager opens in headless Chromium a report of the
// crafted chain AFP → Northern Ledger → Valley Courier, its overview
// paged at two rows: the wire-share table, the timeline's dots and arrows
// are drawn, and the pager leads to the next page of articles.
func TestBrowserProvenanceAndPager(t *testing.T) {
	inRoot(t)
	var bad []error
	arts, err := (&article.Reader{Bad: func(err error) { bad = append(bad, err) }}).Load(context.Background(), []string{"testdata/provenance/chain.jsonl"})
	if err != nil || len(bad) > 0 {
		t.Fatal(err, bad)
	}
	rep := buildArticles(t, 0, arts)
	parts := make([]provenance.Article, len(arts))
	for i := range arts {
		parts[i] = provenance.FromArticle(&arts[i])
	}
	rep.SetProvenance(provenance.Build(parts, rep.res.Pairs, provenance.Options{}))
	rep.OverviewRows = 2
	ctx, events := openReport(t, rep)
	type provSight struct {
		WireRows, Dots, Originals, Arrows, Uncredited, Rows int
		Pager                                               string
	}
	const look = `(() => {
			const visible = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
			const tl = document.querySelector('figure.timeline svg');
			return {
				WireRows: [...document.querySelectorAll('table.wire tbody tr')].filter(visible).length,
				Dots: tl ? [...tl.querySelectorAll('g.tldot circle')].filter(visible).length : 0,
				Originals: tl ? tl.querySelectorAll('g.tldot.original').length : 0,
				Arrows: tl ? [...tl.querySelectorAll('g.tlarrow polygon')].filter(visible).length : 0,
				Uncredited: tl ? tl.querySelectorAll('g.tlarrow.uncredited').length : 0,
				Rows: [...document.querySelectorAll('table.articles tbody tr')].filter(visible).length,
				Pager: (document.querySelector('nav.pager') || {}).textContent || '',
			};
		})()`
	seen, err := chromedp.Run(ctx, chromedp.Evaluate[provSight](look))
	if err != nil {
		t.Fatal(err)
	}
	if seen.WireRows != 3 || seen.Dots != 3 || seen.Originals != 1 || seen.Arrows != 2 || seen.Uncredited != 1 {
		t.Errorf("index.html: %d wire rows, timeline of %d dots (%d original), %d arrows (%d uncredited); want 3, 3 (1), 2 (1)", seen.WireRows, seen.Dots, seen.Originals, seen.Arrows, seen.Uncredited)
	}
	if seen.Rows != 2 || !strings.Contains(seen.Pager, "Articles 1–2 of 4 (page 1 of 2)") {
		t.Errorf("index.html: %d article rows, pager %q", seen.Rows, seen.Pager)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`nav.pager a`)), chromedp.WaitReady(chromedp.CSS(`h2#articles`))); err != nil {
		t.Fatal(err)
	}
	if seen, err = chromedp.Run(ctx, chromedp.Evaluate[provSight](look)); err != nil {
		t.Fatal(err)
	}
	if seen.Rows != 2 || !strings.Contains(seen.Pager, "Articles 3–4 of 4 (page 2 of 2)") {
		t.Errorf("articles-0002.html: %d article rows, pager %q", seen.Rows, seen.Pager)
	}
	if problems, blocked, sent := events(); len(problems)+len(blocked)+len(sent) > 0 {
		t.Errorf("problems %q, refused %q, sent %q", problems, blocked, sent)
	}
}
