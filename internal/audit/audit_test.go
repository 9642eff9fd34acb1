package audit_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/audit"
	"github.com/baton-hq/baton/internal/audit/audittest"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

func open(t testing.TB, now func() time.Time) table.Table {
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithClock(now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	return tb
}

// The suite on the embedded store (internal/conformance runs it on DynamoDB too).
func TestSuite(t *testing.T) {
	audittest.Suite().Run(t, func(t *testing.T, now func() time.Time) table.Table { return open(t, now) })
}

func TestOpaqueID(t *testing.T) {
	for id, want := range map[string]string{
		"p_01JD3K9Z8Q": "p_01JD3K9Z8Q", "acct-12.3:x": "acct-12.3:x", "": "",
		"taro@example.co.jp": "", "taro%40example.co.jp": "", "a b": "", "山田": "", strings.Repeat("a", 101): "",
	} {
		if got := audit.OpaqueID(id); got != want {
			t.Errorf("OpaqueID(%q) = %q, want %q", id, got, want)
		}
	}
}

// FuzzCursor: any cursor is either refused as one or pages the list
// without error; a valid one round-trips its time.
func FuzzCursor(f *testing.F) {
	for _, s := range []string{"", "20261102T090000.000000000Z-0123456789abcdef", "20261102T090000Z-00", "-", "99999999T999999.999999999Z-0123456789abcdef"} {
		f.Add(s)
	}
	clk := clock.NewManual(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	tb, err := bolttable.Open(filepath.Join(f.TempDir(), "b.db"), bolttable.WithClock(clk.Now))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { tb.Close() })
	l := &audit.Log{T: tb, Now: clk.Now}
	for range 3 {
		if err := l.Record(context.Background(), audit.Entry{Who: "op", Route: "POST /admin/links", Method: "POST", Status: 201}); err != nil {
			f.Fatal(err)
		}
		clk.Advance(time.Second)
	}
	f.Fuzz(func(t *testing.T, cursor string) {
		es, next, err := l.List(context.Background(), cursor, 2)
		if cursor != "" && !audit.ValidCursor(cursor) {
			if err == nil {
				t.Fatalf("cursor %q accepted", cursor)
			}
			return
		}
		if err != nil || len(es) > 2 || next != "" && !audit.ValidCursor(next) {
			t.Fatalf("cursor %q: %d entries, next %q, %v", cursor, len(es), next, err)
		}
		for _, e := range es {
			if cursor != "" && e.At.UTC().Format("20060102T150405.000000000Z") >= cursor {
				t.Fatalf("cursor %q answered an entry at %v, not before it", cursor, e.At)
			}
		}
	})
}
