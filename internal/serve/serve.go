// Package serve is `compare serve`: a web app over an index, for people
// who look into a feed from a browser. Every page is rendered on the
// server with html/template from templates/serve (and the report's
// templates, whose CSS and story view it reuses) and works without
// JavaScript; every page has a JSON twin under /api.
//
// The package computes nothing the stages compute: searching, relations,
// story neighbourhoods and checks are the index's (internal/index); shared
// passages are align's; the story view is internal/report's. What is left
// here is HTTP, paging and laying values out for display.
//
//	GET  /                     search: words, outlet, dates, relation; paged
//	GET  /article/{id}         an article, its shared passages linked to
//	                           their other article, its relations, its story
//	GET  /story/{id}           the story around an article, as `compare
//	                           report` renders it, paged
//	GET  /outlet/{name}        an outlet's articles over time, its relations
//	                           to other outlets, its share of copied text
//	GET  /check, POST /check   paste or upload a text: what it copies or is
//	                           copied by, side by side (adds it only with
//	                           Config.AllowAdd and the form's add box)
//	GET  /api/search, /api/article/{id}, /api/story/{id}; POST /api/check
//	GET  /static/{name}.css    the stylesheets
//
// # Safety
//
// The server reads the index through a pool of read-only stores; only
// Config.AllowAdd opens a writing one, used by Check's add box alone.
// Every response carries a Content-Security-Policy of default-src 'none'
// plus the stylesheets (by origin, or by hash for the story's inline
// style) and form posts to itself; POSTs from other origins are refused
// (http.CrossOriginProtection). Request bodies are capped at
// Config.MaxBytes, every request has a deadline, panics and errors are
// logged and answered with a bare status text: no stack, SQL or path
// reaches a response. Ids and words from the URL reach the index only as
// bound parameters (see internal/index/search.go).
package serve

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/sync/singleflight"

	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/index"
	"github.com/copydesk/copydesk/templates"
)

// Defaults and limits.
const (
	// DefaultAddr binds to loopback: the index is not published unless
	// --addr says so.
	DefaultAddr = "127.0.0.1:8080"
	// DefaultMaxBytes caps a request body (a pasted or uploaded text):
	// 8 MiB holds a .jsonl of a few hundred articles.
	DefaultMaxBytes = 8 << 20
	// requestTimeout bounds one request's work; a Check of one article
	// against 1M takes about a second.
	requestTimeout = 30 * time.Second
	// PerPage is how many search hits a page shows.
	PerPage = 20
	// maxPage is the last page a search serves (MaxCount hits at most).
	maxPage = index.MaxCount / PerPage
	// cachedPages is how many article pages the server keeps built, all
	// of them for the generation of the index last read: on the 100k
	// synth index the heap grew by 39 KB a page (its values, its 17 KB of
	// HTML and the document frequencies it added), so up to about 80 MB.
	cachedPages = 2000
	// cachedCounts is how many searches' counts the server keeps (for the
	// same search's other pages), for the generation of the index last
	// read.
	cachedCounts = 10000
	// cachedRelations is how many articles' relations (those a relation
	// filter reads) the server keeps, for the generation of the index
	// last read: a relation search reads those of its newest matches,
	// which the next searches read again. About 100 bytes each.
	cachedRelations = 200000
	// genTTL is how long the generation of the index last read is
	// trusted: an article page shows what another process added or
	// removed at most this late (reading it costs a count of the
	// articles, ~10 ms at 100k).
	genTTL = time.Second
)

// Config is what the server needs.
type Config struct {
	DSN      string // the index: SQLite file or postgres:// URL
	AllowAdd bool   // Check may add what it checked
	MaxBytes int64  // request body cap (0: DefaultMaxBytes)
	Stores   int    // read-only stores in the pool (0: 2 per core, at least 4)
	Log      *log.Logger
}

// Server serves one index.
type Server struct {
	cfg    Config
	pool   chan index.Store
	writer index.Store // nil unless AllowAdd
	wmu    sync.Mutex
	t      *template.Template
	css    map[string][]byte // static stylesheets by name
	// storyCSP allows the report page's inline style by its hash.
	storyCSP string
	log      *log.Logger
	// pages keeps the latest article pages built, each for the
	// generation of the index it was read at; df keeps the document
	// frequencies they weighed.
	pages  *lru.Cache[string, *articleView]
	counts *lru.Cache[countKey, int] // searches' counts, for their other pages
	// rels keeps articles' relations read by relation searches.
	rels     *lru.Cache[relKey, []cluster.Relation]
	building singleflight.Group // article pages being built, by id
	df       index.DFCache
	genMu    sync.Mutex
	gen      index.Generation // the index's, as last read
	genAt    time.Time        // when
}

// New opens the index (upgrading an older schema first, the one write
// serve makes without AllowAdd) and parses the templates.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.Stores <= 0 {
		cfg.Stores = max(4, 2*runtime.GOMAXPROCS(0))
	}
	pages, err := lru.New[string, *articleView](cachedPages)
	if err != nil {
		return nil, err
	}
	counts, err := lru.New[countKey, int](cachedCounts)
	if err != nil {
		return nil, err
	}
	rels, err := lru.New[relKey, []cluster.Relation](cachedRelations)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: cfg.Log, pool: make(chan index.Store, cfg.Stores), pages: pages, counts: counts, rels: rels}
	if s.log == nil {
		s.log = log.New(io.Discard, "", 0)
	}
	if err := s.parse(); err != nil {
		return nil, err
	}
	if err := upgrade(ctx, cfg.DSN, cfg.AllowAdd); err != nil {
		return nil, err
	}
	for range cfg.Stores {
		st, err := index.Open(ctx, cfg.DSN, true)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.pool <- st
	}
	if cfg.AllowAdd {
		st, err := index.Open(ctx, cfg.DSN, false)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.writer = st
	}
	return s, nil
}

// upgrade migrates an index older than this copydesk's schema (opening it
// for writing does), so that its search table exists.
func upgrade(ctx context.Context, dsn string, create bool) error {
	st, err := index.Open(ctx, dsn, !create)
	if err != nil {
		return err
	}
	stats, err := st.Stats(ctx)
	st.Close()
	if err != nil || stats.SchemaVersion >= index.SchemaVersion {
		return err
	}
	st, err = index.Open(ctx, dsn, false)
	if err != nil {
		return err
	}
	return st.Close()
}

// Close closes the index.
func (s *Server) Close() error {
	var errs []error
	for {
		select {
		case st := <-s.pool:
			errs = append(errs, st.Close())
			continue
		default:
		}
		break
	}
	if s.writer != nil {
		errs = append(errs, s.writer.Close())
	}
	return errors.Join(errs...)
}

// store takes a read-only store from the pool; put it back with release.
func (s *Server) store(ctx context.Context) (index.Store, error) {
	select {
	case st := <-s.pool:
		return st, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (s *Server) release(st index.Store) { s.pool <- st }

// generation returns the index's generation, read again once genTTL has
// passed; a new one empties the page cache.
func (s *Server) generation(ctx context.Context, st index.Store) (index.Generation, error) {
	s.genMu.Lock()
	gen, fresh := s.gen, time.Since(s.genAt) < genTTL
	s.genMu.Unlock()
	if fresh {
		return gen, nil
	}
	gen, err := index.CurrentGeneration(ctx, st)
	if err != nil {
		return gen, err
	}
	s.genMu.Lock()
	defer s.genMu.Unlock()
	if gen != s.gen {
		s.pages.Purge()
		s.counts.Purge()
		s.rels.Purge()
	}
	s.gen, s.genAt = gen, time.Now()
	return gen, nil
}

// keepCount caches a search's count made at generation gen, if that is
// the generation the cache holds.
func (s *Server) keepCount(key countKey, gen index.Generation, n int) {
	s.genMu.Lock()
	defer s.genMu.Unlock()
	if gen == s.gen {
		s.counts.Add(key, n)
	}
}

// keep caches an article page built at generation gen, if that is the
// generation the cache holds.
func (s *Server) keep(id string, gen index.Generation, v *articleView) {
	s.genMu.Lock()
	defer s.genMu.Unlock()
	if gen == s.gen {
		s.pages.Add(id, v)
	}
}

// parse reads the templates: the report's (for its story view, diffs
// and stylesheet) and serve's own.
func (s *Server) parse() error {
	t, err := template.New("").Funcs(funcs).ParseFS(templates.FS, "*.html", "serve/*.html")
	if err != nil {
		return fmt.Errorf("templates: %w", err)
	}
	s.t = t
	s.css = make(map[string][]byte)
	for _, name := range []string{"report.css", "serve.css"} {
		b, err := templates.FS.ReadFile(name)
		if err != nil {
			return fmt.Errorf("templates: %w", err)
		}
		s.css[name] = b
	}
	sum := sha256.Sum256(s.css["report.css"])
	s.storyCSP = "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; img-src data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
	return nil
}

// pageCSP is the policy of serve's own pages: stylesheets from here, forms
// posting here, nothing else.
const pageCSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// Handler returns the server's routes with its safety middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.page(s.search, "search"))
	mux.HandleFunc("GET /article/{id...}", s.page(s.article, "article"))
	mux.HandleFunc("GET /outlet/{name...}", s.page(s.outlet, "outlet"))
	mux.HandleFunc("GET /check", s.page(s.checkForm, "check"))
	mux.HandleFunc("POST /check", s.page(s.check, "check"))
	mux.HandleFunc("GET /story/{id...}", s.storyPage)
	mux.HandleFunc("GET /api/search", s.api(s.search))
	mux.HandleFunc("GET /api/article/{id...}", s.api(s.article))
	mux.HandleFunc("GET /api/story/{id...}", s.storyAPI)
	mux.HandleFunc("POST /api/check", s.api(s.check))
	mux.HandleFunc("GET /static/{name}", s.static)
	return s.guard(http.NewCrossOriginProtection().Handler(mux))
}

// guard sets the headers every response carries, caps the body, bounds
// the request's time and turns a panic into a bare 500.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", pageCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cache-Control", "no-store")
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBytes)
		ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
		defer cancel()
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Printf("serve: %s %s: panic: %v", r.Method, r.URL.Path, v)
				http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// static serves the stylesheets by name; every other name, traversal
// included, is not found.
func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	b, ok := s.css[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "max-age=3600")
	w.Write(b)
}

// httpError is an error with the status and the message a user may see.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func notFound(format string, args ...any) error {
	return &httpError{http.StatusNotFound, fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...any) error {
	return &httpError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

// status returns what a user may see of err: its status and message for
// an httpError, a bare status text for anything else (logged).
func (s *Server) status(r *http.Request, err error) (int, string) {
	var he *httpError
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &he):
		return he.status, he.msg
	case errors.As(err, &mb):
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("the request is larger than %d bytes", mb.Limit)
	case errors.Is(err, context.DeadlineExceeded):
		s.log.Printf("serve: %s %s: %v", r.Method, r.URL.Path, err)
		return http.StatusServiceUnavailable, "the request took too long"
	}
	s.log.Printf("serve: %s %s: %v", r.Method, r.URL.Path, err)
	return http.StatusInternalServerError, http.StatusText(http.StatusInternalServerError)
}

// Run serves h on addr until ctx ends, then shuts down gracefully (the
// requests under way get shutdownGrace to finish). ready, when not nil,
// is called with the address listened on.
func Run(ctx context.Context, addr string, h http.Handler, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		WriteTimeout:      requestTimeout + 10*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	if ready != nil {
		ready(ln.Addr())
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// shutdownGrace is how long Ctrl-C waits for requests under way.
const shutdownGrace = 5 * time.Second

// IsLoopback reports whether addr binds to a loopback address only.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
