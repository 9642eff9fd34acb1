// Package fanout runs a loop's iterations several at once: imports whose
// rows are each a few store requests (milliseconds each on DynamoDB) would
// otherwise outlast API Gateway's 30 s one row after another.
package fanout

import (
	"sync"
	"sync/atomic"
)

// Each calls f(i) for every i in [0, n), at most k at once (k < 1: one at
// a time), and returns when all have returned. f must be safe to call
// concurrently; each i is called once.
func Each(n, k int, f func(i int)) {
	k = max(1, min(k, n))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range k {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				f(i)
			}
		}()
	}
	wg.Wait()
}

// Grouped is Each over groups of indices sharing a key: the groups run at
// most k at once, each group's indices in order (a list's rows for one
// person, whose later row must win).
func Grouped(n, k int, key func(i int) string, f func(i int)) {
	var order []string
	groups := map[string][]int{}
	for i := range n {
		g := key(i)
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], i)
	}
	Each(len(order), k, func(j int) {
		for _, i := range groups[order[j]] {
			f(i)
		}
	})
}
