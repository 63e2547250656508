package main

import (
	"os"
	"runtime"
	"runtime/debug"

	"github.com/urfave/cli/v2"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/pipeline"
)

// streamMemoryLimit is the soft heap limit of a streaming run unless
// GOMEMLIMIT says otherwise: a million articles hold about 2.5 GB live.
const streamMemoryLimit = 3 << 30

// stream runs the pipeline over the command's PATH arguments as they are
// read, without holding the corpus (pipeline.Stream), reporting each bad
// input on stderr. JSONL is parsed on all cores. copyOnly decides copy
// relations only (pipeline.Options.CopyOnly), enough for copy groups.
func (e *env) stream(c *cli.Context, story, copyOnly bool) (*pipeline.Scan, error) {
	return e.streamEach(c, story, func(o *pipeline.Options) { o.CopyOnly = copyOnly }, nil)
}

// streamEach is stream with the options e.options gives, changed by set
// when it is not nil, that also hands each article, in input order, to
// each (when set) as it is read.
func (e *env) streamEach(c *cli.Context, story bool, set func(*pipeline.Options), each func(*article.Article)) (*pipeline.Scan, error) {
	r, err := e.reader(c)
	if err != nil {
		return nil, err
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// The streaming run's heap is compressed text and keys, free of
		// pointers, so collecting more often costs little; without a limit
		// the collector lets the heap grow to twice what is live.
		debug.SetMemoryLimit(streamMemoryLimit)
	}
	opt := e.options(c, story)
	if set != nil {
		set(&opt)
	}
	r.Workers = opt.Workers
	if r.Workers == 0 {
		r.Workers = runtime.GOMAXPROCS(0)
	}
	return pipeline.Stream(c.Context, func(emit func(article.Article) error) error {
		if each == nil {
			return r.Read(c.Context, c.Args().Slice(), emit)
		}
		return r.Read(c.Context, c.Args().Slice(), func(a article.Article) error {
			each(&a)
			return emit(a)
		})
	}, opt)
}
