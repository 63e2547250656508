package article

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"
)

// jsonlBatch is a run of consecutive JSONL lines parsed together.
type jsonlBatch struct {
	first int // line number of lines[0]
	lines [][]byte
	long  []bool
	arts  []Article
	errs  []error
	warns []error
	err   error         // the read error after the last line, if any
	done  chan struct{} // closed when parsed
}

const jsonlBatchLines = 256

// readJSONLParallel is readJSONL with the parsing (JSON decoding and
// cleaning, most of the cost of reading) spread over r.Workers goroutines.
// One goroutine reads lines into batches; workers parse them; this
// goroutine takes the batches back in order and claims ids, reports bad
// lines and calls fn exactly as readJSONL does, so the results are the same.
func (r *Reader) readJSONLParallel(ctx context.Context, name string, in io.Reader, fn func(Article) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	limit := r.maxBytes()
	ordered := make(chan *jsonlBatch, 2*r.Workers)
	work := make(chan *jsonlBatch, 2*r.Workers)
	var wg sync.WaitGroup
	for range r.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				b.arts = make([]Article, len(b.lines))
				b.errs = make([]error, len(b.lines))
				b.warns = make([]error, len(b.lines))
				for k, line := range b.lines {
					if b.long[k] || len(bytes.TrimSpace(line)) == 0 {
						continue
					}
					b.arts[k], b.warns[k], b.errs[k] = ParseJSONRecord(line)
				}
				close(b.done)
			}
		}()
	}
	go func() {
		defer close(ordered)
		defer close(work)
		br := bufio.NewReaderSize(in, 1<<20)
		n := 1
		for {
			b := &jsonlBatch{first: n, done: make(chan struct{})}
			for len(b.lines) < jsonlBatchLines {
				line, long, err := readLine(br, limit)
				if err != nil && err != io.EOF {
					line, long = nil, false // cut by a read error: not parsed
				}
				n++
				b.lines = append(b.lines, line)
				b.long = append(b.long, long)
				if err != nil {
					b.err = err
					break
				}
			}
			select {
			case work <- b:
			case <-ctx.Done():
				return
			}
			select {
			case ordered <- b:
			case <-ctx.Done():
				return
			}
			if b.err != nil {
				return
			}
		}
	}()
	defer wg.Wait()
	defer cancel() // runs before wg.Wait: stops the reader on an early return
	for b := range ordered {
		select {
		case <-b.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		for k, line := range b.lines {
			n := b.first + k
			switch {
			case b.long[k]:
				r.bad(fmt.Errorf("%s: line %d: longer than the %s article limit (--max-size); skipped", name, n, size(limit)))
			case len(bytes.TrimSpace(line)) == 0:
			default:
				if err := r.emitRecord(name, "line", n, b.arts[k], b.warns[k], b.errs[k], fn); err != nil {
					return err
				}
			}
		}
		if b.err != nil && b.err != io.EOF {
			r.bad(fmt.Errorf("%s: line %d: %w", name, b.first+len(b.lines)-1, b.err))
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return ctx.Err()
}
