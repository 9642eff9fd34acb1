package fanout

import (
	"fmt"
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
