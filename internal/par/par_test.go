package par

import (
	"context"
	"sync/atomic"
	"testing"
)

// Every index is called once, whatever the chunk and the workers, and the
// last progress report counts them all.
func TestEachCallsEveryIndexOnce(t *testing.T) {
	for _, c := range []struct{ n, chunk, workers int }{{0, 8, 2}, {1, 8, 4}, {1000, 64, 2}, {1000, 1, 3}, {7, 0, 0}, {100, 200, 8}} {
		calls := make([]atomic.Int32, c.n)
		var last atomic.Int64
		err := Each(context.Background(), c.n, c.chunk, c.workers, func(i int) { calls[i].Add(1) }, func(f int) {
			for {
				old := last.Load()
				if int64(f) <= old || last.CompareAndSwap(old, int64(f)) {
					return
				}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		for i := range calls {
			if calls[i].Load() != 1 {
				t.Fatalf("%+v: index %d called %d times", c, i, calls[i].Load())
			}
		}
		if int(last.Load()) != c.n {
			t.Errorf("%+v: last progress %d, want %d", c, last.Load(), c.n)
		}
	}
}

// A cancelled context stops the workers after their current chunk: each
// worker may finish the chunk it holds, and none takes another.
func TestEachStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var calls, atCancel atomic.Int32
	err := Each(ctx, 1_000_000, 10, 2, func(i int) {
		if calls.Add(1) == 5 {
			cancel()
			atCancel.Store(calls.Load())
		}
	}, nil)
	if err != context.Canceled {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if after := calls.Load() - atCancel.Load(); after > 2*10 {
		t.Errorf("%d calls after the cancel; want at most the two workers' chunks of 10", after)
	}
}
