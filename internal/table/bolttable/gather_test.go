package bolttable

import (
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestCommitGathers: a lone writer's commit waits for nobody; once a commit
// has carried several writes, the next one waits for company (once) and
// carries the writes that queued meanwhile in the same transaction.
func TestCommitGathers(t *testing.T) {
	tb, err := Open(filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	var (
		mu       sync.Mutex
		gathers  int
		inGather func()
	)
	tb.gather = func() {
		mu.Lock()
		gathers++
		f := inGather
		mu.Unlock()
		if f != nil {
			f()
		}
	}
	// write queues a write that records its transaction's id.
	write := func(wg *sync.WaitGroup, id *int) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := tb.batch(func(tx *bolt.Tx) error { *id = tx.ID(); return nil }); err != nil {
				t.Error(err)
			}
		}()
	}
	queued := func(n int) {
		for len(tb.commits) < n {
			runtime.Gosched()
		}
	}

	// A lone write, held inside its commit while two more queue.
	hold, held := make(chan struct{}), make(chan struct{})
	var lone sync.WaitGroup
	lone.Add(1)
	go func() {
		defer lone.Done()
		tb.batch(func(*bolt.Tx) error { close(held); <-hold; return nil })
	}()
	<-held
	var pair sync.WaitGroup
	var p1, p2 int
	write(&pair, &p1)
	write(&pair, &p2)
	queued(2)
	close(hold)
	lone.Wait()
	pair.Wait()
	mu.Lock()
	if gathers != 0 {
		t.Fatalf("the committer waited for company %d times after a lone write", gathers)
	}
	mu.Unlock()
	if p1 != p2 {
		t.Fatalf("two queued writes took two commits (%d, %d)", p1, p2)
	}

	// The last commit carried two writes: the next lone write waits, and
	// the writes queued while it waits join its commit.
	var group sync.WaitGroup
	var a, b, c int
	mu.Lock()
	inGather = func() {
		write(&group, &b)
		write(&group, &c)
		queued(2)
	}
	mu.Unlock()
	write(&group, &a)
	group.Wait()
	if gathers != 1 {
		t.Fatalf("the committer waited for company %d times, want once", gathers)
	}
	if a != b || b != c || a == p1 {
		t.Fatalf("the gathered writes took transactions %d, %d, %d (the pair's: %d)", a, b, c, p1)
	}
}
