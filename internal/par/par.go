// Package par runs a loop's iterations on several goroutines: the one
// worker pool of copydesk's stages (pipeline, index, candidate).
//
// Each(ctx, n, chunk, workers, fn, done) calls fn(0), …, fn(n-1), handing
// out chunk indexes at a time to at most workers goroutines. With n = 1000,
// chunk = 64 and 2 workers, one goroutine takes 0-63, the other 64-127,
// and whichever finishes first takes 128-191, so a slow chunk does not hold
// the other worker back. fn must write only to its own index's slot (out[i]
// = …), so that the result is the same whatever the schedule and the number
// of cores. done, when not nil, is told after each chunk how many indexes
// are finished (for a progress bar). When ctx is done the workers stop
// after their current chunk and Each returns ctx's error.
package par

import (
	"context"
	"sync"
	"sync/atomic"
)

// Each calls fn(0..n-1) on at most workers goroutines (at least one),
// chunk indexes at a time, and done(finished) after each chunk when done
// is not nil; it returns ctx.Err() once they have all returned.
func Each(ctx context.Context, n, chunk, workers int, fn func(int), done func(finished int)) error {
	chunk = max(chunk, 1)
	var next, finished atomic.Int64
	var wg sync.WaitGroup
	for range min(max(workers, 1), max(1, (n+chunk-1)/chunk)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				start := int(next.Add(int64(chunk))) - chunk
				if start >= n {
					return
				}
				end := min(start+chunk, n)
				for i := start; i < end; i++ {
					fn(i)
				}
				f := finished.Add(int64(end - start))
				if done != nil {
					done(int(f))
				}
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}
