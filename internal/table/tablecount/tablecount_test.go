package tablecount_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/table/tablecount"
)

func TestCountsReadsAndWrites(t *testing.T) {
	bt, err := bolttable.Open(filepath.Join(t.TempDir(), "c.db"), bolttable.WithClock(clock.Fixed(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))))
	if err != nil {
		t.Fatal(err)
	}
	defer bt.Close()
	ctx := context.Background()
	tb := tablecount.New(bt)
	for _, sk := range []string{"a", "b", "c"} {
		if err := tb.Put(ctx, table.Item{PK: "X#1", SK: sk}, table.Always); err != nil {
			t.Fatal(err)
		}
	}
	tb.Put(ctx, table.Item{PK: "Y#1", SK: "a"}, table.Always)
	if c := tb.Counts(); c != (tablecount.Counts{Writes: 4}) {
		t.Fatalf("four puts: %+v", c)
	}
	tb.Reset()
	tb.Get(ctx, "X#1", "a")
	tb.Get(ctx, "X#1", "missing")
	tb.Query(ctx, table.Query{PK: "X#1", Prefix: "b"})
	n := 0
	tb.Scan(ctx, "X#", func(table.Item) error { n++; return nil })
	if c := tb.Counts(); c != (tablecount.Counts{Items: 1 + 1 + 3, Calls: 4, Scans: 1}) || n != 3 {
		t.Fatalf("counts %+v (scan saw %d)", c, n)
	}
	tb.Reset()
	if c := tb.Counts(); c != (tablecount.Counts{}) {
		t.Fatalf("after reset %+v", c)
	}
}
