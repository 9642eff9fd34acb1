// Package tableflight wraps a table.Table for tests of imports that must
// run their rows several at once: its reads wait until Want of them are in
// flight together (a read alone gives up after 10 s, and no later read
// waits), and it counts the requests made through it.
package tableflight

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/baton-hq/baton/internal/table"
)

// Table is a table whose reads wait for company.
type Table struct {
	table.Table
	Want int // reads in flight together that Reached reports

	mu      sync.Mutex
	n       int
	reached bool
	gaveUp  bool
	all     chan struct{}
	calls   atomic.Int64
}

// New wraps t.
func New(t table.Table, want int) *Table {
	return &Table{Table: t, Want: want, all: make(chan struct{})}
}

// Reached reports whether Want reads were ever in flight together.
func (t *Table) Reached() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.reached
}

// Calls is how many reads and writes were made.
func (t *Table) Calls() int64 { return t.calls.Load() }

// ResetCalls zeroes Calls.
func (t *Table) ResetCalls() { t.calls.Store(0) }

func (t *Table) Get(ctx context.Context, pk, sk string) (table.Item, error) {
	t.calls.Add(1)
	t.mu.Lock()
	t.n++
	if t.n >= t.Want && !t.reached {
		t.reached = true
		close(t.all)
	}
	wait := !t.reached && !t.gaveUp
	t.mu.Unlock()
	if wait {
		select {
		case <-t.all:
		case <-time.After(10 * time.Second): // a guard, not a measure: reads one at a time never get there
			t.mu.Lock()
			t.gaveUp = true
			t.mu.Unlock()
		}
	}
	t.mu.Lock()
	t.n--
	t.mu.Unlock()
	return t.Table.Get(ctx, pk, sk)
}

func (t *Table) Query(ctx context.Context, q table.Query) ([]table.Item, error) {
	t.calls.Add(1)
	return t.Table.Query(ctx, q)
}

func (t *Table) Put(ctx context.Context, it table.Item, c table.Cond) error {
	t.calls.Add(1)
	return t.Table.Put(ctx, it, c)
}

func (t *Table) Transact(ctx context.Context, ws []table.Write) error {
	t.calls.Add(1)
	return t.Table.Transact(ctx, ws)
}

func (t *Table) PutMany(ctx context.Context, ws []table.Write) []error {
	t.calls.Add(1)
	return t.Table.PutMany(ctx, ws)
}
