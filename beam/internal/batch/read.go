package batch

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/gcs" // gs:// inputs and outputs
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/candidate"
	"github.com/copydesk/copydesk/internal/pipeline"
	"github.com/copydesk/copydesk/internal/shingle"
)

func init() {
	register.DoFn3x1[context.Context, fileSpec, func(string, record), error](&readFn{})
	register.DoFn4x0[context.Context, string, func(*record) bool, func(record)](&firstFn{})
	register.DoFn4x1[record, func(int, []byte), func(int, []byte), func(uint64), error](&prepareFn{})
	register.DoFn3x1[int, func(*[]byte) bool, func([]byte), error](&dfFn{})
	register.DoFn4x1[record, int, func(*[]byte) bool, func(int, []byte), error](&weighFn{})
	register.DoFn3x0[uint64, int, func(int, uint64)](&smallCorpusFn{})
	register.Emitter1[uint64]()
	register.Emitter1[record]()
	register.Emitter1[[]byte]()
	register.Emitter2[string, record]()
	register.Emitter2[int, []byte]()
	register.Emitter2[int, uint64]()
	register.Iter1[record]()
	register.Iter1[[]byte]()
}

// Glob lists the files a pattern matches, sorted: the input order. Local
// paths and, through Beam's filesystems, gs:// and other schemes work.
func Glob(ctx context.Context, pattern string) ([]string, error) {
	fs, err := filesystem.New(ctx, pattern)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", pattern, err)
	}
	defer fs.Close()
	files, err := fs.List(ctx, pattern)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", pattern, err)
	}
	slices.Sort(files)
	return files, nil
}

// readFn reads one JSONL file with article.Reader, as `compare` does: a
// malformed line is counted, logged with its file and line, and skipped.
type readFn struct {
	MaxBytes int64
}

func (f *readFn) ProcessElement(ctx context.Context, in fileSpec, emit func(string, record)) error {
	read := beam.NewCounter(Namespace, CArticles)
	badLines := beam.NewCounter(Namespace, CBadLines)
	path, cleanup, err := localCopy(ctx, in.Path)
	if err != nil {
		badLines.Inc(ctx, 1)
		log.Warnf(ctx, "%s: %v", in.Path, err)
		return nil
	}
	defer cleanup()
	r := article.Reader{
		MaxBytes: f.MaxBytes,
		Bad: func(err error) {
			badLines.Inc(ctx, 1)
			msg := err.Error()
			if path != in.Path {
				msg = strings.ReplaceAll(msg, path, in.Path)
			}
			log.Warn(ctx, msg)
		},
	}
	var n uint64
	return r.Read(ctx, []string{path}, func(a article.Article) error {
		read.Inc(ctx, 1)
		rec := record{Ord: uint64(in.Index)<<32 | n, ID: a.ID, Outlet: a.Outlet, Z: compress(pipeline.Text(&a))}
		if p := pipeline.Published(&a); !p.At.IsZero() {
			rec.Published, rec.Within = p.At.UnixNano(), int64(p.Within)
		}
		emit(a.ID, rec)
		n++
		return nil
	})
}

// localCopy returns a local path holding the file: the file itself when it
// is local, else a temporary copy with the same extension (so that
// article.Reader tells JSONL and .gz by name), removed by cleanup.
func localCopy(ctx context.Context, path string) (string, func(), error) {
	if !strings.Contains(path, "://") {
		return path, func() {}, nil
	}
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return "", nil, err
	}
	defer fs.Close()
	in, err := fs.OpenRead(ctx, path)
	if err != nil {
		return "", nil, err
	}
	defer in.Close()
	ext := filepath.Ext(path)
	if ext == ".gz" {
		ext = filepath.Ext(strings.TrimSuffix(path, ext)) + ext
	}
	tmp, err := os.CreateTemp("", "copydesk-*"+ext)
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { os.Remove(tmp.Name()) }
	if _, err := io.Copy(tmp, in); err != nil {
		tmp.Close()
		cleanup()
		return "", nil, err
	}
	if err := tmp.Close(); err != nil {
		cleanup()
		return "", nil, err
	}
	return tmp.Name(), cleanup, nil
}

// firstFn keeps the first article read under each id, as article.Reader
// does within one run, and reports the others.
type firstFn struct {
	Files []string
}

func (f *firstFn) ProcessElement(ctx context.Context, id string, recs func(*record) bool, emit func(record)) {
	var first record
	var all []record
	var r record
	for recs(&r) {
		all = append(all, r)
		if len(all) == 1 || r.Ord < first.Ord {
			first = r
		}
	}
	for _, r := range all {
		if r.Ord == first.Ord {
			continue
		}
		beam.NewCounter(Namespace, CDuplicateIDs).Inc(ctx, 1)
		log.Warnf(ctx, "%s: article %d: duplicate id %q (first read at %s, article %d); skipped",
			f.file(r.Ord), r.Ord&0xffffffff+1, id, f.file(first.Ord), first.Ord&0xffffffff+1)
	}
	emit(first)
}

func (f *firstFn) file(ord uint64) string {
	if i := int(ord >> 32); i < len(f.Files) {
		return f.Files[i]
	}
	return fmt.Sprintf("file %d", ord>>32)
}

// prepareFn shingles and fingerprints an article: its distinct terms (for
// document frequencies, counted per bundle) and its copy keys (LSH bands,
// anchors), both batched by shard, and its ordinal.
type prepareFn struct {
	Shards int

	terms map[uint64]int32
	keys  batcher
}

func (f *prepareFn) ProcessElement(r record, emitTerms, emitKeys func(int, []byte), emitOrd func(uint64)) error {
	text, err := r.text()
	if err != nil {
		return err
	}
	d := align.NewDoc(text)
	if f.terms == nil {
		f.terms = make(map[uint64]int32)
	}
	for _, t := range shingle.Terms(d.Text, d.Tokens) {
		f.terms[t.Hash()]++
	}
	sig := shingle.Sign(d.Shingles)
	for _, k := range shingle.BandKeys(&sig) {
		f.keys.putKey(f.Shards, routeLSH, k, r.Ord)
	}
	for _, k := range shingle.Anchors(d.Shingles) {
		f.keys.putKey(f.Shards, routeAnchors, k, r.Ord)
	}
	emitOrd(r.Ord)
	if f.keys.full() {
		f.keys.flush(emitKeys)
	}
	if len(f.terms)*termEntrySize >= flushBytes {
		f.flushTerms(emitTerms)
	}
	return nil
}

func (f *prepareFn) FinishBundle(emitTerms, emitKeys func(int, []byte), _ func(uint64)) error {
	f.keys.flush(emitKeys)
	f.flushTerms(emitTerms)
	return nil
}

func (f *prepareFn) flushTerms(emit func(int, []byte)) {
	var b batcher
	for h, n := range f.terms {
		s := shardOfUint(h, f.Shards)
		b.add(s, f.Shards)
		b.bufs[s] = packTerm(b.bufs[s], h, n)
	}
	b.flush(emit)
	f.terms = nil
}

// dfFn sums one shard's term counts and keeps the terms in two or more
// articles, packed: the side input weighFn and verifyFn read.
type dfFn struct{}

func (dfFn) ProcessElement(_ int, batches func(*[]byte) bool, emit func([]byte)) error {
	counts := make(map[uint64]int32)
	var buf []byte
	for batches(&buf) {
		if err := eachTerm(buf, func(h uint64, n int32) { counts[h] += n }); err != nil {
			return err
		}
	}
	var out []byte
	for h, n := range counts {
		if n >= 2 {
			out = packTerm(out, h, n)
		}
	}
	if len(out) > 0 {
		emit(out)
	}
	return nil
}

// sharedDF is the corpus's document frequencies as a side input: the
// counts of the terms in two or more articles (a term an article has and
// the table lacks has df 1), read once per DoFn instance.
type sharedDF struct {
	m map[uint64]int32
}

func (s *sharedDF) load(iter func(*[]byte) bool) error {
	if s.m != nil {
		return nil
	}
	s.m = make(map[uint64]int32)
	var buf []byte
	for iter(&buf) {
		if err := eachTerm(buf, func(h uint64, n int32) { s.m[h] = n }); err != nil {
			return err
		}
	}
	return nil
}

// vector weighs a text's terms by TF-IDF against a corpus of n articles,
// bit for bit as pipeline.Prepare does, and returns the document
// frequencies of the text's own terms with it.
func (s *sharedDF) vector(text string, toks []shingle.Token, n int) (shingle.Vector, *shingle.DF) {
	terms := shingle.Terms(text, toks)
	df := shingle.DF{N: n, Count: make(map[uint64]int32, len(terms))}
	for _, t := range terms {
		df.Count[t.Hash()] = max(s.m[t.Hash()], 1) // the article itself has it
	}
	return shingle.NewVector(terms, &df), &df
}

// weighFn weighs an article's terms and emits its story keys (batched by
// shard) when the corpus's plan goes through the term index
// (candidate.Plan.Indexed).
type weighFn struct {
	Shards int

	df   sharedDF
	keys batcher
}

func (f *weighFn) ProcessElement(r record, n int, dfIter func(*[]byte) bool, emitKeys func(int, []byte)) error {
	plan := candidate.Plan{N: n, Story: true}
	if !plan.Indexed() {
		return nil
	}
	if err := f.df.load(dfIter); err != nil {
		return err
	}
	text, err := r.text()
	if err != nil {
		return err
	}
	vec, df := f.df.vector(text, shingle.Tokens(text), n)
	for _, k := range plan.StoryKeys(vec, df) {
		f.keys.putKey(f.Shards, routeTerms, k, r.Ord)
	}
	if f.keys.full() {
		f.keys.flush(emitKeys)
	}
	return nil
}

func (f *weighFn) FinishBundle(_ int, _ func(*[]byte) bool, emitKeys func(int, []byte)) error {
	f.keys.flush(emitKeys)
	return nil
}

// smallCorpusFn sends every ordinal to one key when the corpus is small
// enough for the story route to compare all pairs.
type smallCorpusFn struct{}

func (smallCorpusFn) ProcessElement(ord uint64, n int, emit func(int, uint64)) {
	if (candidate.Plan{N: n, Story: true}).AllPairs() {
		emit(0, ord)
	}
}
