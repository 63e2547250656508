package par

import (
	"context"
	"sync"
	"sync/atomic"
)

// Ahead computes fn(0), …, fn(n-1) on up to workers goroutines, at most
// window results ahead of the one the caller takes next, for a caller that
// must take them in order (writing files one after the other, say): with
// window 4 and 2 workers, while the caller writes page 0, pages 1 to 4 may
// be laid out, and no more, so memory holds at most window+1 results.
// Next returns them in index order; Stop ends the workers early. fn must be
// safe to call concurrently.
type Ahead[T any] struct {
	results []chan aheadResult[T]
	tokens  chan struct{}
	done    chan struct{}
	stop    sync.Once
	wg      sync.WaitGroup
	next    int // the index Next returns next
}

type aheadResult[T any] struct {
	v   T
	err error
}

// NewAhead starts computing fn(0), fn(1), … (see Ahead).
func NewAhead[T any](ctx context.Context, n, workers, window int, fn func(ctx context.Context, i int) (T, error)) *Ahead[T] {
	a := &Ahead[T]{
		results: make([]chan aheadResult[T], n),
		tokens:  make(chan struct{}, max(window, 1)),
		done:    make(chan struct{}),
	}
	for i := range a.results {
		a.results[i] = make(chan aheadResult[T], 1)
	}
	var claimed atomic.Int64
	for range min(max(workers, 1), max(n, 1)) {
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			for {
				select {
				case <-a.done:
					return
				default:
				}
				select {
				case a.tokens <- struct{}{}:
				case <-a.done:
					return
				}
				i := int(claimed.Add(1)) - 1
				if i >= n {
					<-a.tokens
					return
				}
				var r aheadResult[T]
				if r.err = ctx.Err(); r.err == nil {
					r.v, r.err = fn(ctx, i)
				}
				a.results[i] <- r
			}
		}()
	}
	return a
}

// Next returns fn's result for the next index in order, waiting for it.
func (a *Ahead[T]) Next() (T, error) {
	r := <-a.results[a.next]
	a.results[a.next] = nil
	a.next++
	<-a.tokens
	return r.v, r.err
}

// Stop ends the workers once their current call returns; results not
// taken are dropped. Calling it more than once, or after every result was
// taken, is harmless.
func (a *Ahead[T]) Stop() {
	a.stop.Do(func() { close(a.done) })
	a.wg.Wait()
}
