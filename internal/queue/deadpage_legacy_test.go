package queue

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/table"
)

// TestLegacyDeadIndexOrderedByGivenUp: dead-letter index items written
// before the index kept the time ({}, on a deployment upgraded since) are
// ordered by when their message was given up, not all at time zero by
// id: the dashboard's "oldest given up" (a page of one, oldest first)
// named the smallest id, given up last here. A page writes the time into
// each such item it reads, at most legacyReads a page, so that the next
// reads no message for it.
func TestLegacyDeadIndexOrderedByGivenUp(t *testing.T) {
	ctx := context.Background()
	q, tb, clk := manualQueue(t, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	// Given up in the order z, m, a, an hour apart: ids sort the other way.
	for _, id := range []string{"z", "m", "a"} {
		if err := q.Enqueue(ctx, id, map[string]string{"id": id}); err != nil {
			t.Fatal(err)
		}
		receiveAndGiveUp(t, q, "x")
		clk.Set(clk.Now().Add(time.Hour))
	}
	// The index as written before the time was kept.
	index := func() []table.Item {
		t.Helper()
		items, err := tb.Query(ctx, table.Query{PK: q.deadPK(), Consistent: true})
		if err != nil {
			t.Fatal(err)
		}
		return items
	}
	for _, it := range index() {
		it.Data = []byte(`{}`)
		if err := tb.Put(ctx, it, table.Always); err != nil {
			t.Fatal(err)
		}
	}
	timed := func() (n int) {
		for _, it := range index() {
			var d deadIndex
			if json.Unmarshal(it.Data, &d) == nil && !d.At.IsZero() {
				n++
			}
		}
		return n
	}
	order := func(dq DeadQuery) (ids string) {
		t.Helper()
		p, err := q.DeadPage(ctx, dq)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range p.Messages {
			ids += m.ID
		}
		return ids
	}
	// Bounded: a page resolves legacyReads of them (a and m, by id), the
	// rest sorting as the oldest until a later page resolves it.
	defer func(n int) { legacyReads = n }(legacyReads)
	legacyReads = 2
	if got := order(DeadQuery{Newest: true}); got != "amz" || timed() != 2 {
		t.Fatalf("first page, 2 resolved: %q, %d index items with a time", got, timed())
	}
	if got := order(DeadQuery{Newest: true}); got != "amz" || timed() != 3 {
		t.Fatalf("second page: %q, %d index items with a time", got, timed())
	}
	// The dashboard's oldest, and every page's order, both ways.
	if got := order(DeadQuery{Limit: 1}); got != "z" {
		t.Fatalf("the oldest given up: %q, want z", got)
	}
	if got := order(DeadQuery{}); got != "zma" {
		t.Fatalf("oldest first: %q", got)
	}
	// From scratch, unbounded: the first page is right at once.
	for _, it := range index() {
		it.Data = []byte(`{}`)
		if err := tb.Put(ctx, it, table.Always); err != nil {
			t.Fatal(err)
		}
	}
	legacyReads = 200
	if got := order(DeadQuery{Limit: 1}); got != "z" || timed() != 3 {
		t.Fatalf("the oldest given up on a legacy index: %q, %d resolved", got, timed())
	}
	// A legacy item whose message was replayed meanwhile is not written
	// back: the replay deleted the index item and nothing resurrects it.
	for _, it := range index() {
		it.Data = []byte(`{}`)
		tb.Put(ctx, it, table.Always)
	}
	stale := index()[0] // a, read before the replay
	if err := q.Replay(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if at, err := q.legacyTime(ctx, stale); err != nil || !at.IsZero() {
		t.Fatalf("legacy time of a replayed message: %v %v", at, err)
	}
	if _, err := tb.Get(ctx, q.deadPK(), "a"); err == nil {
		t.Fatal("the replayed message's index item came back")
	}
}
