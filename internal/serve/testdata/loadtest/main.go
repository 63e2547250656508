// Command loadtest measures `compare serve` under load: it serves an index
// in-process on a loopback port and runs concurrent clients against one
// kind of request for a bounded time and count, then prints the request
// count, errors and latency percentiles. It lives under testdata so that
// the copydesk module never builds it by accident:
//
//	go run ./internal/serve/testdata/loadtest -index x.db -kind search [-clients 50] [-duration 30s] [-max 200000] [-warmup 30s] [-stores N]
//
// Kinds: search (a word drawn from the indexed headlines, every tenth
// with an outlet filter, pages 1-3), filter (such a word with one filter
// in turn: the article's outlet, 15 days either side of its date, or
// relation=copy; pages 1-3), article (a random indexed article's
// page), check (POST /api/check of a random indexed article's text with
// a sentence added, i.e. a crafted copy). Requests go to loopback only.
// With -warmup the clients run that long first, uncounted, so that the
// server's caches (SQLite's pages, counts, relations) are those of a
// server that has been running; without it the server starts cold.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/copydesk/copydesk/internal/index"
	"github.com/copydesk/copydesk/internal/serve"
)

// onlyFilter is -filter.
var onlyFilter *int

// warmup is -warmup.
var warmup = flag.Duration("warmup", 0, "run requests this long before measuring (not counted; the server's caches fill)")

// stores is -stores.
var stores = flag.Int("stores", 0, "read-only stores in the server's pool (0: its default)")

func main() {
	dsn := flag.String("index", "", "the index (SQLite file or postgres:// URL)")
	kind := flag.String("kind", "search", "search, filter, article or check")
	clients := flag.Int("clients", 50, "concurrent clients")
	duration := flag.Duration("duration", 30*time.Second, "how long to run (at most)")
	maxReq := flag.Int("max", 200000, "stop after this many requests")
	sample := flag.Int("sample", 2000, "articles drawn from the index for the requests")
	onlyFilter = flag.Int("filter", -1, "with -kind filter: only this filter (0 outlet, 1 dates, 2 relation=copy; -1: each in turn at random)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the run (server and clients) to this file")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadtest:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(*dsn, *kind, *clients, *duration, *maxReq, *sample); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run(dsn, kind string, clients int, duration time.Duration, maxReq, sample int) error {
	ctx := context.Background()
	srv, err := serve.New(ctx, serve.Config{DSN: dsn, Stores: *stores, Log: log.New(os.Stderr, "serve: ", 0)})
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler()}
	go hs.Serve(ln)
	defer hs.Close()
	base := "http://" + ln.Addr().String()
	arts, err := draw(ctx, dsn, sample)
	if err != nil {
		return err
	}
	next, err := requests(kind, base, arts)
	if err != nil {
		return err
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}, Timeout: time.Minute}
	var mu sync.Mutex
	var lat []time.Duration
	var errs, started int
	var firstErr string
	measured := time.Now().Add(*warmup) // requests started from then on count
	stop := measured.Add(duration)
	var wg sync.WaitGroup
	cpu0 := cpuTime()
	if *warmup > 0 {
		time.AfterFunc(*warmup, func() {
			c := cpuTime()
			mu.Lock()
			cpu0 = c
			mu.Unlock()
		})
	}
	for c := range clients {
		rng := rand.New(rand.NewPCG(uint64(c), 7))
		wg.Go(func() {
			for time.Now().Before(stop) {
				mu.Lock()
				if started >= maxReq {
					mu.Unlock()
					return
				}
				started++
				mu.Unlock()
				req := next(rng)
				t0 := time.Now()
				resp, err := client.Do(req)
				ok := err == nil && resp.StatusCode == http.StatusOK
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				d := time.Since(t0)
				mu.Lock()
				if !t0.Before(measured) {
					lat = append(lat, d)
				}
				if !ok {
					errs++
					if firstErr == "" {
						firstErr = fmt.Sprint(req.URL, ": ", err)
						if err == nil {
							firstErr = fmt.Sprint(req.URL, ": ", resp.Status)
						}
					}
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	wall := time.Since(measured)
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	fmt.Printf("kind=%s clients=%d requests=%d errors=%d wall=%.1fs rate=%.0f/s p50=%v p95=%v p99=%v max=%v\n",
		kind, clients, len(lat), errs, wall.Seconds(), float64(len(lat))/wall.Seconds(),
		pct(0.50).Round(time.Microsecond*100), pct(0.95).Round(time.Microsecond*100), pct(0.99).Round(time.Microsecond*100), lat[len(lat)-1].Round(time.Millisecond))
	mu.Lock()
	cpu := cpuTime() - cpu0
	mu.Unlock()
	fmt.Printf("cpu=%.1fs (server and clients, %.2f ms a request)\n", cpu.Seconds(), float64(cpu.Microseconds())/1000/float64(len(lat)))
	if errs > 0 {
		fmt.Println("first error:", firstErr)
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Printf("load average at the end (1, 5, 15 min): %s\n", strings.Join(strings.Fields(string(b))[:3], " "))
	}
	return nil
}

// draw returns up to n articles spread over the index (ids, outlets,
// headlines and texts), read through the index's own search.
func draw(ctx context.Context, dsn string, n int) ([]map[string]string, error) {
	st, err := index.Open(ctx, dsn, true)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	_, total, err := index.Search(ctx, st, index.Query{Limit: 1})
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var ids []string
	for range n {
		hs, _, err := index.Search(ctx, st, index.Query{Limit: 1, Offset: rng.IntN(max(1, total))})
		if err != nil {
			return nil, err
		}
		for _, h := range hs {
			ids = append(ids, h.ID)
		}
	}
	found, err := index.Articles(ctx, st, ids)
	if err != nil {
		return nil, err
	}
	var out []map[string]string
	for _, a := range found {
		out = append(out, map[string]string{"id": a.ID, "outlet": a.Outlet, "title": a.Title, "text": a.Body, "published": a.Published})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no articles", dsn)
	}
	return out, nil
}

// requests returns a maker of random requests of one kind.
func requests(kind, base string, arts []map[string]string) (func(*rand.Rand) *http.Request, error) {
	switch kind {
	case "search":
		return func(rng *rand.Rand) *http.Request {
			a := arts[rng.IntN(len(arts))]
			words := strings.Fields(a["title"])
			q := url.Values{"q": {words[rng.IntN(len(words))]}, "page": {fmt.Sprint(1 + rng.IntN(3))}}
			if rng.IntN(10) == 0 {
				q.Set("outlet", a["outlet"])
			}
			req, _ := http.NewRequest("GET", base+"/?"+q.Encode(), nil)
			return req
		}, nil
	case "filter":
		return func(rng *rand.Rand) *http.Request {
			a := arts[rng.IntN(len(arts))]
			words := strings.Fields(a["title"])
			q := url.Values{"q": {words[rng.IntN(len(words))]}, "page": {fmt.Sprint(1 + rng.IntN(3))}}
			k := rng.IntN(3)
			if *onlyFilter >= 0 {
				k = *onlyFilter
			}
			switch k {
			case 0:
				q.Set("outlet", a["outlet"])
			case 1:
				if t, err := time.Parse(time.RFC3339, a["published"]); err == nil {
					q.Set("from", t.AddDate(0, 0, -15).Format(time.DateOnly))
					q.Set("to", t.AddDate(0, 0, 15).Format(time.DateOnly))
				}
			default:
				q.Set("relation", "copy")
			}
			req, _ := http.NewRequest("GET", base+"/?"+q.Encode(), nil)
			return req
		}, nil
	case "article":
		return func(rng *rand.Rand) *http.Request {
			req, _ := http.NewRequest("GET", base+"/article/"+url.PathEscape(arts[rng.IntN(len(arts))]["id"]), nil)
			return req
		}, nil
	case "check":
		return func(rng *rand.Rand) *http.Request {
			a := arts[rng.IntN(len(arts))]
			body, _ := json.Marshal(map[string]string{"id": "loadtest-copy", "title": a["title"], "text": a["text"] + "\n\nA sentence of the copier's own closes it."})
			req, _ := http.NewRequest("POST", base+"/api/check", strings.NewReader(string(body)))
			req.Header.Set("Content-Type", "application/json")
			return req
		}, nil
	}
	return nil, fmt.Errorf("kind %q: want search, filter, article or check", kind)
}

// cpuTime is the user and system time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
