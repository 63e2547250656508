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
	"github.com/copydesk/copydesk/internal/pipeline"
	"github.com/copydesk/copydesk/internal/shingle"
)

func init() {
	register.DoFn3x1[context.Context, fileSpec, func(string, record), error](&readFn{})
	register.DoFn4x0[context.Context, string, func(*record) bool, func(record)](&firstFn{})
	register.DoFn4x0[record, func(uint64), func(string, uint64), func(uint64)](&prepareFn{})
	register.DoFn5x0[record, int, func(*uint64, *int) bool, func(uint64, doc), func(string, uint64)](&weighFn{})
	register.DoFn3x0[uint64, int, func(int, uint64)](&smallCorpusFn{})
	register.Function3x0[uint64, int, func(uint64, int)](keepShared)
	register.Emitter2[uint64, int]()
	register.Emitter1[uint64]()
	register.Emitter1[record]()
	register.Emitter2[string, record]()
	register.Emitter2[string, uint64]()
	register.Emitter2[uint64, doc]()
	register.Emitter2[int, uint64]()
	register.Iter1[record]()
	register.Iter2[uint64, int]()
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
		emit(a.ID, record{Ord: uint64(in.Index)<<32 | n, ID: a.ID, Text: pipeline.Text(&a)})
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
// document frequencies) and its copy keys (LSH bands, anchors).
type prepareFn struct{}

func (prepareFn) ProcessElement(r record, emitTerm func(uint64), emitKey func(string, uint64), emitOrd func(uint64)) {
	d := align.NewDoc(r.Text)
	for _, t := range shingle.Terms(d.Text, d.Tokens) {
		emitTerm(t.Hash)
	}
	sig := shingle.Sign(d.Shingles)
	for _, k := range shingle.BandKeys(&sig) {
		emitKey(routeKey(routeLSH, k), r.Ord)
	}
	for _, k := range shingle.Anchors(d.Shingles) {
		emitKey(routeKey(routeAnchors, k), r.Ord)
	}
	emitOrd(r.Ord)
}

// keepShared keeps the document frequencies of terms in two or more
// articles: the side input weighFn reads.
func keepShared(term uint64, n int, emit func(uint64, int)) {
	if n >= 2 {
		emit(term, n)
	}
}

// weighFn weighs an article's terms by TF-IDF against the corpus's
// document frequencies (N and the shared terms' counts, side inputs) and
// emits the article with its vector, and its story keys when the corpus is
// larger than pipeline.AllPairsUpTo.
type weighFn struct {
	df map[uint64]int32 // the side input, read once per instance
}

func (f *weighFn) ProcessElement(r record, n int, dfIter func(*uint64, *int) bool, emit func(uint64, doc), emitKey func(string, uint64)) {
	if f.df == nil {
		f.df = make(map[uint64]int32)
		var h uint64
		var c int
		for dfIter(&h, &c) {
			f.df[h] = int32(c)
		}
	}
	terms := shingle.Terms(r.Text, shingle.Tokens(r.Text))
	df := shingle.DF{N: n, Count: make(map[uint64]int32, len(terms))}
	for _, t := range terms {
		df.Count[t.Hash] = max(f.df[t.Hash], 1) // the article itself has it
	}
	vec := shingle.NewVector(terms, &df)
	emit(r.Ord, doc{Ord: r.Ord, ID: r.ID, Text: r.Text, Vec: encodeVector(vec)})
	if n > pipeline.AllPairsUpTo {
		for _, k := range pipeline.StoryKeys(vec, &df) {
			emitKey(routeKey(routeTerms, k), r.Ord)
		}
	}
}

// smallCorpusFn sends every ordinal to one key when the corpus is small
// enough for the story route to compare all pairs.
type smallCorpusFn struct{}

func (smallCorpusFn) ProcessElement(ord uint64, n int, emit func(int, uint64)) {
	if n <= pipeline.AllPairsUpTo {
		emit(0, ord)
	}
}
