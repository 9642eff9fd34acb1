package bolttable_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
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

// TestGroupCommit writes from many goroutines at once, so commits carry
// several writes: a write whose condition fails leaves the others of its
// commit in place and fails alone, a transaction stays all or nothing, every
// acknowledged write is there after reopening, and a write after Close is an
// error.
func TestGroupCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "baton.db")
	tb, err := bolttable.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const n = 64
	var wg sync.WaitGroup
	var won atomic.Int32
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			// Everyone races for one key; each also writes its own.
			err := tb.Put(ctx, table.Item{PK: "P#race", SK: "x", Data: []byte(fmt.Sprintf(`{"by":%d}`, i))}, table.NotExists)
			switch {
			case err == nil:
				won.Add(1)
			case !errors.Is(err, table.ErrConditionFailed):
				errs[i] = err
				return
			}
			// A transaction whose second write fails writes nothing.
			err = tb.Transact(ctx, []table.Write{
				table.Put(table.Item{PK: "P#tx", SK: fmt.Sprint(i)}, table.Always),
				table.Put(table.Item{PK: "P#race", SK: "x"}, table.NotExists),
			})
			if !errors.Is(err, table.ErrConditionFailed) {
				errs[i] = fmt.Errorf("transaction over a taken key: %v", err)
				return
			}
			errs[i] = tb.PutMany(ctx, []table.Write{table.Put(table.Item{PK: "P#own", SK: fmt.Sprint(i)}, table.NotExists)})[0]
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("writer %d: %v", i, err)
		}
	}
	if won.Load() != 1 {
		t.Fatalf("%d writers created the same key", won.Load())
	}
	if err := tb.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tb.Put(ctx, table.Item{PK: "P#late", SK: "x"}, table.Always); err == nil {
		t.Fatal("a write after Close succeeded")
	}
	tb, err = bolttable.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	own, err := tb.Query(ctx, table.Query{PK: "P#own"})
	if err != nil || len(own) != n {
		t.Fatalf("after reopening: %d of %d acknowledged writes, %v", len(own), n, err)
	}
	if tx, err := tb.Query(ctx, table.Query{PK: "P#tx"}); err != nil || len(tx) != 0 {
		t.Fatalf("failed transactions left %d items, %v", len(tx), err)
	}
}

// BenchmarkPutManyParallel is durable event writes from concurrent
// requests, each a conditional put of a new item with its change on the
// feed, as the collector makes them: group commit shares one fsync among
// every write in flight.
func BenchmarkPutManyParallel(b *testing.B) {
	tb, err := bolttable.Open(filepath.Join(b.TempDir(), "b.db"), bolttable.WithFeed("event"))
	if err != nil {
		b.Fatal(err)
	}
	defer tb.Close()
	data := []byte(`{"type":"page_view","url":"https://www.example.com/pricing","title":"Pricing","userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"}`)
	var n atomic.Int64
	b.SetParallelism(16) // 16 x GOMAXPROCS writers in flight
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			i := n.Add(1)
			it := table.Item{PK: fmt.Sprintf("V#visitor-%d", i%1000), SK: fmt.Sprintf("E#%d", i), Kind: "event", Data: data}
			if err := tb.PutMany(ctx, []table.Write{table.Put(it, table.NotExists)})[0]; err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// feedOf opens a table whose feed carries n changes of ~400-byte items
// (many leaf pages of the feed).
func feedOf(tb testing.TB, n int) *bolttable.Table {
	t, err := bolttable.Open(filepath.Join(tb.TempDir(), "baton.db"), bolttable.WithFeed("event"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { t.Close() })
	data := make([]byte, 400)
	ws := make([]table.Write, n)
	for i := range ws {
		ws[i] = table.Put(table.Item{PK: fmt.Sprintf("V#%d", i%97), SK: fmt.Sprintf("E#%06d", i), Kind: "event", Data: data}, table.Always)
	}
	for _, err := range t.PutMany(context.Background(), ws) {
		if err != nil {
			tb.Fatal(err)
		}
	}
	return t
}

// TestAckAcrossLeaves: acknowledging a position removes exactly the changes
// up to it, across many leaf pages, and the next read starts after it.
func TestAckAcrossLeaves(t *testing.T) {
	tb := feedOf(t, 3000)
	ctx := context.Background()
	cs, err := tb.Next(ctx, 3000)
	if err != nil || len(cs) != 3000 {
		t.Fatalf("%d changes, %v", len(cs), err)
	}
	if err := tb.Ack(ctx, cs[1999]); err != nil {
		t.Fatal(err)
	}
	left, err := tb.Next(ctx, 3000)
	if err != nil || len(left) != 1000 || left[0].Seq != cs[2000].Seq || left[999].Seq != cs[2999].Seq {
		t.Fatalf("after the ack: %d changes, %v", len(left), err)
	}
	if err := tb.Ack(ctx, left[999]); err != nil {
		t.Fatal(err)
	}
	if rest, err := tb.Next(ctx, 10); err != nil || len(rest) != 0 {
		t.Fatalf("after acking all: %d changes, %v", len(rest), err)
	}
}

// BenchmarkAck acknowledges a feed batch of 1,000 changes (the local
// consumer's batch).
func BenchmarkAck(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		tb := feedOf(b, 1000)
		cs, err := tb.Next(ctx, 1000)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := tb.Ack(ctx, cs[len(cs)-1]); err != nil {
			b.Fatal(err)
		}
	}
}
