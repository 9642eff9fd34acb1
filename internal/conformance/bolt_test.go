// Package conformance runs the table contract and every repository suite on
// each storage backend: what passes here on bbolt passes on DynamoDB too.
package conformance

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/table/tabletest"
)

func TestBolt(t *testing.T) {
	tabletest.Run(t, func(t *testing.T, now func() time.Time) table.Table {
		tb, err := bolttable.Open(filepath.Join(t.TempDir(), "baton.db"), bolttable.WithClock(now))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { tb.Close() })
		return tb
	}, suites()...)
}
