package fanout

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestEachCallsEveryIndexOnce: every index once, at most k at once, k
// together when the work waits for company.
func TestEachCallsEveryIndexOnce(t *testing.T) {
	for _, c := range []struct{ n, k int }{{0, 4}, {1, 4}, {100, 4}, {7, 0}, {5, 16}} {
		seen := make([]atomic.Int32, c.n)
		var in, peak atomic.Int32
		var mu sync.Mutex
		Each(c.n, c.k, func(i int) {
			now := in.Add(1)
			mu.Lock()
			peak.Store(max(peak.Load(), now))
			mu.Unlock()
			seen[i].Add(1)
			in.Add(-1)
		})
		for i := range seen {
			if seen[i].Load() != 1 {
				t.Fatalf("n=%d k=%d: index %d called %d times", c.n, c.k, i, seen[i].Load())
			}
		}
		if p := int(peak.Load()); p > max(1, c.k) {
			t.Errorf("n=%d k=%d: %d at once", c.n, c.k, p)
		}
	}
	// Four that each wait for the others finish only if run together.
	var wg sync.WaitGroup
	wg.Add(4)
	Each(4, 4, func(int) { wg.Done(); wg.Wait() })
}

// TestGroupedKeepsAGroupsOrder: a group's indices run one after another in
// order (a person's later row wins); groups run at once.
func TestGroupedKeepsAGroupsOrder(t *testing.T) {
	keys := []string{"a", "b", "a", "c", "a", "b"}
	var mu sync.Mutex
	seen := map[string][]int{}
	Grouped(len(keys), 3, func(i int) string { return keys[i] }, func(i int) {
		mu.Lock()
		seen[keys[i]] = append(seen[keys[i]], i)
		mu.Unlock()
	})
	if fmt.Sprint(seen["a"], seen["b"], seen["c"]) != "[0 2 4] [1 5] [3]" {
		t.Fatalf("groups ran as %v", seen)
	}
}

// TestPanicIsAnError: a call that panics ends the loop with a *PanicError
// naming its index, value and stack, not the process (the panic happens on
// a worker goroutine, where no handler's recovery reaches); no index is
// started after it, and a group's later rows are not called.
func TestPanicIsAnError(t *testing.T) {
	boom := errors.New("boom")
	var after atomic.Int32
	err := Each(100, 1, func(i int) {
		if i == 3 {
			panic(boom)
		}
		if i > 3 {
			after.Add(1)
		}
	})
	var p *PanicError
	if !errors.As(err, &p) || p.Index != 3 || !errors.Is(err, boom) || !strings.Contains(string(p.Stack), "fanout.TestPanicIsAnError") {
		t.Fatalf("Each: got %v, want the panic of call 3 with its stack", err)
	}
	if after.Load() != 0 {
		t.Errorf("%d calls started after the panic", after.Load())
	}
	if err := Each(50, 8, func(i int) {
		if i%7 == 6 {
			panic(fmt.Sprint("row ", i))
		}
	}); err == nil || !strings.Contains(err.Error(), "panic in call") {
		t.Errorf("Each, 8 at once: got %v, want a panic error", err)
	}

	keys := []string{"a", "b", "a", "a"}
	var ran []int
	err = Grouped(len(keys), 1, func(i int) string { return keys[i] }, func(i int) {
		ran = append(ran, i)
		if i == 2 {
			panic("row 2")
		}
	})
	if !errors.As(err, &p) || p.Index != 2 {
		t.Fatalf("Grouped: got %v, want the panic of index 2", err)
	}
	if fmt.Sprint(ran) != "[0 2]" {
		t.Errorf("Grouped ran %v after the panic, want [0 2]", ran)
	}
	if err := Grouped(3, 2, func(i int) string { return "" }, func(int) {}); err != nil {
		t.Errorf("Grouped without a panic: %v", err)
	}
}
