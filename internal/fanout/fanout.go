// Package fanout runs a loop's iterations several at once: imports whose
// rows are each a few store requests (milliseconds each on DynamoDB) would
// otherwise outlast API Gateway's 30 s one row after another.
package fanout

import (
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// PanicError is a panic in one call of f: it ends that loop with an error
// instead of the process (a worker's panic is out of reach of the HTTP
// handler's recovery, which runs on another goroutine).
type PanicError struct {
	Index int    // the i whose call panicked
	Value any    // what it panicked with
	Stack []byte // the panicking goroutine's stack
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("panic in call %d: %v\n%s", e.Index, e.Value, e.Stack)
}

// Unwrap lets errors.Is and As see an error the call panicked with.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// Each calls f(i) for every i in [0, n), at most k at once (k < 1: one at
// a time), and returns when all have returned. f must be safe to call
// concurrently; each i is called once. A call that panics ends the loop:
// no further i is started, and Each returns the first panic as a
// *PanicError once the calls under way have returned.
func Each(n, k int, f func(i int)) error {
	k = max(1, min(k, n))
	var next atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	var panicked *PanicError
	for range k {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				if p := call(i, f); p != nil {
					once.Do(func() { panicked = p })
					next.Store(int64(n)) // start no more
					return
				}
			}
		}()
	}
	wg.Wait()
	if panicked != nil {
		return panicked
	}
	return nil
}

// call runs f(i), recovering a panic as a *PanicError (one already made
// by a nested call, Grouped's, is kept as it is).
func call(i int, f func(int)) (p *PanicError) {
	defer func() {
		if v := recover(); v != nil {
			if pe, ok := v.(*PanicError); ok {
				p = pe
				return
			}
			p = &PanicError{Index: i, Value: v, Stack: debug.Stack()}
		}
	}()
	f(i)
	return nil
}

// Grouped is Each over groups of indices sharing a key: the groups run at
// most k at once, each group's indices in order (a list's rows for one
// person, whose later row must win). A panic ends the loop as Each's does,
// its PanicError naming the index (not the group) that panicked; the rest
// of that group is not called.
func Grouped(n, k int, key func(i int) string, f func(i int)) error {
	var order []string
	groups := map[string][]int{}
	for i := range n {
		g := key(i)
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], i)
	}
	return Each(len(order), k, func(j int) {
		for _, i := range groups[order[j]] {
			if p := call(i, f); p != nil {
				panic(p) // to Each, which keeps it as it is
			}
		}
	})
}
