package main

import (
	"context"
	"os"
	"runtime"
	"runtime/debug"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/pipeline"
)

// How a streaming run collects garbage, unless GOGC or GOMEMLIMIT says
// otherwise (collect). A copy run's heap is compressed text and keys, free
// of pointers, so collecting often costs little: it keeps to
// streamMemoryLimit (a million articles hold about 2.5 GB live), where the
// collector's default lets the heap grow to twice what is live. A story
// run also holds every article's terms, then its TF-IDF vector: 6.6 GiB
// live at most at a million articles (12-byte terms allocated exactly;
// twice the bytes before), and a limit under the live heap makes the
// collector run without pause (`clusters --level story` at 1M: 2,029 s of
// CPU with the copy run's limit). It collects at 25% growth
// (storyGCPercent) and keeps to storyMemoryLimit, past which the collector
// works harder rather than the heap growing: at 1M 731 s, peak 7.6 GB
// (with a limit of 8 GiB 8.4 GB; on a shared machine the lower limit cost
// 871 s against 797 s); at 100k 1.0 GB.
const (
	streamMemoryLimit = 3 << 30
	storyGCPercent    = 25
	storyMemoryLimit  = 7 << 30
)

// collect sets how a streaming run, of the story route or not, collects
// garbage: both settings, so that a run in a process that made another
// before it (the tests) does not keep that run's.
func collect(story bool) {
	if os.Getenv("GOMEMLIMIT") != "" || os.Getenv("GOGC") != "" {
		return
	}
	if story {
		debug.SetGCPercent(storyGCPercent)
		debug.SetMemoryLimit(storyMemoryLimit)
		return
	}
	debug.SetGCPercent(100) // the runtime's default
	debug.SetMemoryLimit(streamMemoryLimit)
}

// stream runs the pipeline over in's PATHs as they are read, without
// holding the corpus (pipeline.Stream), reporting each bad input on
// stderr. JSONL is parsed on all cores. copyOnly decides copy relations
// only (pipeline.Options.CopyOnly), enough for copy groups; the Scan
// keeps the pairs of relation keep or stronger (pipeline.Options.Keep). in
// is checked first (inputs.check).
func (e *env) stream(ctx context.Context, in *inputs, story, copyOnly bool, keep cluster.Relation) (*pipeline.Scan, error) {
	return e.streamInputs(ctx, in, story, func(o *pipeline.Options) { o.CopyOnly, o.Keep = copyOnly, keep }, nil)
}

// streamInputs is stream with the options e.options gives, changed by set
// when it is not nil, that also hands each article, in input order, to
// each (when set) as it is read.
func (e *env) streamInputs(ctx context.Context, in *inputs, story bool, set func(*pipeline.Options), each func(*article.Article)) (*pipeline.Scan, error) {
	r, err := e.newReader(in)
	if err != nil {
		return nil, err
	}
	collect(story)
	opt := e.options(in, story)
	if set != nil {
		set(&opt)
	}
	r.Workers = opt.Workers
	if r.Workers == 0 {
		r.Workers = runtime.GOMAXPROCS(0)
	}
	s, err := pipeline.Stream(ctx, func(emit func(article.Article) error) error {
		if each == nil {
			return r.Read(ctx, in.Paths, emit)
		}
		return r.Read(ctx, in.Paths, func(a article.Article) error {
			each(&a)
			return emit(a)
		})
	}, opt)
	if err == nil {
		e.warnWindow(in, s.Stats)
	}
	return s, err
}
