// Package backends runs a test on each store Baton runs on: the embedded
// bbolt file and DynamoDB (moto's server), so a limit one of them enforces
// (DynamoDB's 400 KB item) is met by the test on both.
package backends

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// Each runs f as a subtest named for each store, on a fresh table.
func Each(t *testing.T, f func(t *testing.T, tb table.Table)) {
	t.Run("bbolt", func(t *testing.T) {
		tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { tb.Close() })
		f(t, tb)
	})
	t.Run("dynamodb", func(t *testing.T) { f(t, moto.NewTable(t)) })
}

// EachClock is Each on tables whose expiry reads a manual clock started
// at start (one per subtest), so a test's clock reaches down to the store.
func EachClock(t *testing.T, start time.Time, f func(t *testing.T, tb table.Table, clk *clock.Manual)) {
	t.Run("bbolt", func(t *testing.T) {
		clk := clock.NewManual(start)
		tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithClock(clk.Now))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { tb.Close() })
		f(t, tb, clk)
	})
	t.Run("dynamodb", func(t *testing.T) {
		clk := clock.NewManual(start)
		f(t, moto.NewTable(t, dynamotable.WithClock(clk.Now)), clk)
	})
}
