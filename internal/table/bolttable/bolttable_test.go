package bolttable_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

func TestPurgeExpired(t *testing.T) {
	now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "baton.db"), bolttable.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	ctx := context.Background()
	for i, exp := range []time.Time{now.Add(-time.Hour), now.Add(-time.Minute), now.Add(time.Hour), {}} {
		if err := tb.Put(ctx, table.Item{PK: "V#1", SK: fmt.Sprintf("E#%d", i), Expires: exp}, table.Always); err != nil {
			t.Fatal(err)
		}
	}
	n, err := tb.PurgeExpired(ctx)
	if err != nil || n != 2 {
		t.Fatalf("purged %d, %v; want 2", n, err)
	}
	var left []string
	tb.DB().View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("items")).ForEach(func(k, v []byte) error {
			left = append(left, string(k))
			return nil
		})
	})
	if len(left) != 2 {
		t.Fatalf("raw keys left %q", left)
	}
}
