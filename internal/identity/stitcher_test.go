package identity

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// newStitcher is a Stitcher on a fresh bbolt table whose clock stands at
// t0, and the table.
func newStitcher(t *testing.T, t0 time.Time) (*Stitcher, table.Table) {
	t.Helper()
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	now := func() time.Time { return t0 }
	return &Stitcher{Dir: &Directory{T: tb, Now: now}, Log: &eventlog.Log{T: tb, Retention: 400 * 24 * time.Hour, Now: now}}, tb
}
