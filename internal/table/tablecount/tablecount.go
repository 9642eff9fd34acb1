// Package tablecount wraps a table.Table and counts what is read through
// it: items returned by Get, Query and Scan, and the calls; and the write
// requests. Benchmarks use it to show how many items a read path touches
// as data grows, tests to bound the requests an import costs a row.
package tablecount

import (
	"context"
	"sync/atomic"

	"github.com/baton-hq/baton/internal/table"
)

// Table counts reads of the table it wraps, and its write requests.
type Table struct {
	table.Table
	items, calls, scans, writes atomic.Int64
}

// New wraps t.
func New(t table.Table) *Table { return &Table{Table: t} }

// Counts are what was read since the last Reset.
type Counts struct {
	Items int64 // items returned (Get: 1 when found; Query, Scan: each item)
	Calls int64 // Get, Query and Scan calls
	Scans int64 // Scan and ScanPage calls (a Scan on DynamoDB reads the whole table, whatever its prefix)
	// Writes are write requests: Put, Delete, PutMany, Transact and Add
	// calls (a PutMany or Transact of many items is one).
	Writes int64
}

// Requests are the store requests counted: reads and writes.
func (c Counts) Requests() int64 { return c.Calls + c.Writes }

// Counts returns the reads so far.
func (t *Table) Counts() Counts {
	return Counts{Items: t.items.Load(), Calls: t.calls.Load(), Scans: t.scans.Load(), Writes: t.writes.Load()}
}

// Reset zeroes the counts.
func (t *Table) Reset() { t.items.Store(0); t.calls.Store(0); t.scans.Store(0); t.writes.Store(0) }

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

func (t *Table) Put(ctx context.Context, it table.Item, c table.Cond) error {
	t.writes.Add(1)
	return t.Table.Put(ctx, it, c)
}

func (t *Table) Delete(ctx context.Context, pk, sk string, c table.Cond) error {
	t.writes.Add(1)
	return t.Table.Delete(ctx, pk, sk, c)
}

func (t *Table) PutMany(ctx context.Context, ws []table.Write) []error {
	t.writes.Add(1)
	return t.Table.PutMany(ctx, ws)
}

func (t *Table) Transact(ctx context.Context, ws []table.Write) error {
	t.writes.Add(1)
	return t.Table.Transact(ctx, ws)
}

func (t *Table) Add(ctx context.Context, pk, sk, kind string, deltas map[string]int64) (map[string]int64, error) {
	t.writes.Add(1)
	return t.Table.Add(ctx, pk, sk, kind, deltas)
}
