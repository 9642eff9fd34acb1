// Package tablecount wraps a table.Table and counts what is read through
// it: items returned by Get, Query and Scan, and the calls. Benchmarks use
// it to show how many items a read path touches as data grows.
package tablecount

import (
	"context"
	"sync/atomic"

	"github.com/baton-hq/baton/internal/table"
)

// Table counts reads of the table it wraps; writes pass through uncounted.
type Table struct {
	table.Table
	items, calls, scans atomic.Int64
}

// New wraps t.
func New(t table.Table) *Table { return &Table{Table: t} }

// Counts are what was read since the last Reset.
type Counts struct {
	Items int64 // items returned (Get: 1 when found; Query, Scan: each item)
	Calls int64 // Get, Query and Scan calls
	Scans int64 // Scan and ScanPage calls (a Scan on DynamoDB reads the whole table, whatever its prefix)
}

// Counts returns the reads so far.
func (t *Table) Counts() Counts {
	return Counts{Items: t.items.Load(), Calls: t.calls.Load(), Scans: t.scans.Load()}
}

// Reset zeroes the counts.
func (t *Table) Reset() { t.items.Store(0); t.calls.Store(0); t.scans.Store(0) }

func (t *Table) Get(ctx context.Context, pk, sk string) (table.Item, error) {
	t.calls.Add(1)
	it, err := t.Table.Get(ctx, pk, sk)
	if err == nil {
		t.items.Add(1)
	}
	return it, err
}

func (t *Table) Query(ctx context.Context, q table.Query) ([]table.Item, error) {
	t.calls.Add(1)
	items, err := t.Table.Query(ctx, q)
	t.items.Add(int64(len(items)))
	return items, err
}

func (t *Table) Scan(ctx context.Context, pkPrefix string, fn func(table.Item) error) error {
	t.calls.Add(1)
	t.scans.Add(1)
	return t.Table.Scan(ctx, pkPrefix, func(it table.Item) error {
		t.items.Add(1)
		return fn(it)
	})
}

func (t *Table) ScanPage(ctx context.Context, pkPrefix, cursor string) ([]table.Item, string, error) {
	t.calls.Add(1)
	t.scans.Add(1)
	items, next, err := t.Table.ScanPage(ctx, pkPrefix, cursor)
	t.items.Add(int64(len(items)))
	return items, next, err
}
