package par

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
)

// Results come in index order whatever the workers, and no call runs more
// than window results ahead of the caller.
func TestAheadInOrderWithinWindow(t *testing.T) {
	for _, c := range []struct{ n, workers, window int }{{0, 2, 3}, {1, 4, 1}, {100, 3, 4}, {50, 1, 1}, {20, 8, 2}} {
		var taken, maxAhead atomic.Int64
		a := NewAhead(context.Background(), c.n, c.workers, c.window, func(_ context.Context, i int) (int, error) {
			if d := int64(i) - taken.Load(); d > maxAhead.Load() {
				maxAhead.Store(d)
			}
			return i * i, nil
		})
		for i := range c.n {
			v, err := a.Next()
			if err != nil || v != i*i {
				t.Fatalf("%+v: result %d = %d, %v", c, i, v, err)
			}
			taken.Add(1)
		}
		a.Stop()
		if maxAhead.Load() > int64(c.window) {
			t.Errorf("%+v: a call ran %d ahead of the caller", c, maxAhead.Load())
		}
	}
}

// An error comes back at its index; Stop ends the workers early, and a
// cancelled context is each later result's error.
func TestAheadErrorsAndStop(t *testing.T) {
	bad := errors.New("bad")
	a := NewAhead(context.Background(), 10, 2, 2, func(_ context.Context, i int) (int, error) {
		if i == 3 {
			return 0, bad
		}
		return i, nil
	})
	for i := range 4 {
		if _, err := a.Next(); (err != nil) != (i == 3) {
			t.Fatalf("result %d: err %v", i, err)
		}
	}
	a.Stop()
	a.Stop()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	a = NewAhead(ctx, 5, 2, 2, func(_ context.Context, i int) (int, error) { return i, nil })
	if _, err := a.Next(); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err %v", err)
	}
	a.Stop()
}
