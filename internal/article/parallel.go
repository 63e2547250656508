package article

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"

	"golang.org/x/sync/semaphore"
)

// jsonlBatch is a run of consecutive JSONL lines parsed together.
type jsonlBatch struct {
	first  int           // line number of the first line
	kinds  []lineKind    // each line's kind, in order
	lines  [][]byte      // the record lines, in order
	bytes  int64         // the lines' bytes
	weight int64         // what the batch holds of the bytes-in-flight semaphore
	recs   []parsedLine  // what the record lines parse to
	err    error         // the read error after the last line, if any
	done   chan struct{} // closed when parsed
}

// lineKind tells a JSONL line to parse from one skipped.
type lineKind uint8

const (
	lineBlank  lineKind = iota // white space only, or cut by a read error
	lineLong                   // over the size limit
	lineRecord                 // parsed
)

// parsedLine is what ParseJSONRecord made of a line.
type parsedLine struct {
	art        Article
	warn, perr error
}

// A batch is cut at jsonlBatchLines lines or once it holds
// jsonlBatchBytes, whichever comes first: 256 lines of ordinary articles
// (a few KB each) are about 1 MiB, and a batch of huge lines is then one
// or a few lines, not 256 of them (256 lines of 15 MiB were 4.9 GB).
const (
	jsonlBatchLines = 256
	jsonlBatchBytes = 1 << 20
)

// jsonlFlightBytes bounds the bytes of JSONL lines read but not yet handed
// on (queued, being parsed, or parsed and waiting for their turn), whatever
// the workers and line sizes: four lines at the default article limit. A
// line longer than the bound counts as the bound, so it is read alone.
const jsonlFlightBytes = 4 * DefaultMaxBytes

// readJSONLParallel is readJSONL with the parsing (JSON decoding and
// cleaning, most of the cost of reading) spread over r.Workers goroutines.
// One goroutine reads lines into batches; workers parse them; this
// goroutine takes the batches back in order and claims ids, reports bad
// lines and calls fn exactly as readJSONL does, so the results are the same.
// The bytes of lines in flight stay within jsonlFlightBytes and one line.
func (r *Reader) readJSONLParallel(ctx context.Context, name string, in io.Reader, fn func(Article) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	limit := r.maxBytes()
	budget := r.flightBytes
	if budget <= 0 {
		budget = jsonlFlightBytes
	}
	flight := semaphore.NewWeighted(budget)
	ordered := make(chan *jsonlBatch, 2*r.Workers)
	work := make(chan *jsonlBatch, 2*r.Workers)
	var wg sync.WaitGroup
	for range r.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				for _, line := range b.lines {
					var p parsedLine
					p.art, p.warn, p.perr = ParseJSONRecord(line)
					b.recs = append(b.recs, p)
				}
				close(b.done)
			}
		}()
	}
	go func() {
		defer close(ordered)
		defer close(work)
		r.batchLines(ctx, bufio.NewReaderSize(in, 1<<20), limit, budget, flight, func(b *jsonlBatch) bool {
			chans := []chan *jsonlBatch{work, ordered}
			if len(b.lines) == 0 { // nothing to parse: blank or long lines
				close(b.done)
				chans = chans[1:]
			}
			for _, ch := range chans {
				select {
				case ch <- b:
				case <-ctx.Done():
					return false
				}
			}
			return true
		})
	}()
	defer wg.Wait()
	defer cancel() // runs before wg.Wait: stops the reader on an early return
	for b := range ordered {
		select {
		case <-b.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		recs := b.recs
		for k, kind := range b.kinds {
			n := b.first + k
			switch kind {
			case lineLong:
				r.bad(fmt.Errorf("%s: line %d: longer than the %s article limit (--max-size); skipped", name, n, size(limit)))
			case lineRecord:
				p := &recs[0]
				recs = recs[1:]
				if err := r.emitRecord(name, "line", n, p.art, p.warn, p.perr, fn); err != nil {
					return err
				}
			}
		}
		if b.err != nil && b.err != io.EOF {
			r.bad(fmt.Errorf("%s: line %d: %w", name, b.first+len(b.kinds)-1, b.err))
		}
		r.inFlight(-b.bytes)
		flight.Release(b.weight)
		b.lines, b.recs = nil, nil
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// batchLines reads lines into batches and hands each to send, in order,
// until the input ends, a read fails, ctx is done or send returns false.
// Each line holds its bytes (at most budget) of flight before it joins a
// batch; the batch being filled is sent first when the line must wait, so
// that what it holds is released in turn.
func (r *Reader) batchLines(ctx context.Context, br *bufio.Reader, limit, budget int64, flight *semaphore.Weighted, send func(*jsonlBatch) bool) {
	newBatch := func(first int) *jsonlBatch {
		return &jsonlBatch{first: first, done: make(chan struct{}), kinds: make([]lineKind, 0, jsonlBatchLines)}
	}
	b := newBatch(1)
	for n := 1; ; n++ {
		line, long, err := readLine(br, limit)
		if err != nil && err != io.EOF {
			line, long = nil, false // cut by a read error: not parsed
		}
		r.inFlight(int64(len(line)))
		w := min(int64(len(line)), budget)
		if w > 0 && !flight.TryAcquire(w) {
			if len(b.kinds) > 0 {
				if !send(b) {
					return
				}
				b = newBatch(n)
			}
			if flight.Acquire(ctx, w) != nil {
				return
			}
		}
		switch {
		case long:
			b.kinds = append(b.kinds, lineLong)
		case len(bytes.TrimSpace(line)) == 0:
			b.kinds = append(b.kinds, lineBlank)
		default:
			b.kinds = append(b.kinds, lineRecord)
			b.lines = append(b.lines, line)
		}
		b.bytes += int64(len(line))
		b.weight += w
		if err != nil {
			b.err = err
			send(b)
			return
		}
		if len(b.kinds) == jsonlBatchLines || b.bytes >= jsonlBatchBytes {
			if !send(b) {
				return
			}
			b = newBatch(n + 1)
		}
	}
}

// inFlight tells the test hook r.onFlight of bytes read (n > 0) or handed
// on (n < 0) by the parallel JSONL reader.
func (r *Reader) inFlight(n int64) {
	if r.onFlight != nil {
		r.onFlight(n)
	}
}
