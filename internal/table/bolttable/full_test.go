//go:build linux

package bolttable_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/testutil/fulldisk"
)

// TestWriteFailureReported: when the data file cannot grow (here the
// process's file-size limit, as a full disk does), writes fail with an
// error, never a panic; WriteFailure says why (for /healthz) until a
// write succeeds again once there is room, and every write answered
// before is there after reopening.
func TestWriteFailureReported(t *testing.T) {
	now := time.Date(2026, 12, 6, 7, 0, 0, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "baton.db")
	tb, err := bolttable.Open(path, bolttable.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := tb.WriteFailure(); err != nil {
		t.Fatalf("a new store reports %v", err)
	}
	restore := fulldisk.Limit(t, 1<<20)
	pad := strings.Repeat("x", 4000)
	stored := 0
	var failed error
	for i := 0; i < 1000; i++ {
		err := tb.Put(ctx, table.Item{PK: fmt.Sprintf("V#%d", i), SK: "E#1", Kind: "event", Data: []byte(pad)}, table.Always)
		if err != nil {
			failed = err
			break
		}
		stored++
	}
	if failed == nil {
		t.Fatal("1000 writes of 4 KB fitted in a 1 MB file")
	}
	wf := tb.WriteFailure()
	if wf == nil {
		t.Fatalf("a write failed (%v) and WriteFailure says nothing", failed)
	}
	if s := wf.Error(); !strings.Contains(s, "file too large") || !strings.Contains(s, "2026-12-06T07:00:00Z") || strings.Contains(s, path) {
		t.Fatalf("WriteFailure %q: want the cause and since when, without the path", s)
	}
	// A write refused by its condition is no store failure and clears nothing.
	if err := tb.Put(ctx, table.Item{PK: "V#0", SK: "E#1", Kind: "event"}, table.NotExists); err != table.ErrConditionFailed {
		t.Fatalf("conditional put: %v", err)
	}
	if tb.WriteFailure() == nil {
		t.Fatal("a refused condition cleared the failure")
	}

	restore() // room again
	if err := tb.Put(ctx, table.Item{PK: "V#after", SK: "E#1", Kind: "event", Data: []byte(pad)}, table.Always); err != nil {
		t.Fatalf("a write with room again: %v", err)
	}
	if err := tb.WriteFailure(); err != nil {
		t.Fatalf("a write succeeded and WriteFailure still says %v", err)
	}
	if err := tb.Close(); err != nil {
		t.Fatal(err)
	}
	tb, err = bolttable.Open(path)
	if err != nil {
		t.Fatalf("reopen after the failed writes: %v", err)
	}
	defer tb.Close()
	for i := 0; i < stored; i++ {
		if _, err := tb.Get(ctx, fmt.Sprintf("V#%d", i), "E#1"); err != nil {
			t.Fatalf("item %d of %d answered stored: %v", i, stored, err)
		}
	}
	if _, err := tb.Get(ctx, "V#after", "E#1"); err != nil {
		t.Fatal(err)
	}
}
