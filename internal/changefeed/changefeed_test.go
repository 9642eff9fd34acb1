package changefeed_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/changefeed"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// TestLanes: with lanes, a batch is handled by several handlers at once,
// each partition key's changes in feed order; a lane's failure hands its
// change again (with what followed it in the feed), and nothing is lost.
func TestLanes(t *testing.T) {
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithFeed("thing"))
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	ctx := context.Background()
	const keys, per = 12, 8
	for i := 0; i < per; i++ {
		for k := 0; k < keys; k++ {
			if err := tb.Put(ctx, table.Item{PK: fmt.Sprintf("K#%d", k), SK: fmt.Sprintf("%02d", i), Kind: "thing"}, table.Always); err != nil {
				t.Fatal(err)
			}
		}
	}
	var (
		mu      sync.Mutex
		seen    = map[string][]string{} // key -> sort keys in the order handled
		failed  bool
		inside  int
		both    = make(chan struct{})
		handled int
	)
	c := &changefeed.Consumer{Feed: tb, Lanes: 4, Batch: keys * per, Handle: func(ctx context.Context, cs []table.Change) (int, error) {
		mu.Lock()
		inside++
		if inside == 2 {
			close(both)
		}
		mu.Unlock()
		// The first handlers wait for each other: lanes run at once.
		select {
		case <-both:
		case <-time.After(10 * time.Second):
			return 0, errors.New("no second lane ran while this one was in hand")
		}
		mu.Lock()
		defer mu.Unlock()
		for i, ch := range cs {
			if ch.Item.PK == "K#5" && ch.Item.SK == "03" && !failed {
				failed = true
				return i, errors.New("injected failure")
			}
			seen[ch.Item.PK] = append(seen[ch.Item.PK], ch.Item.SK)
			handled++
		}
		return len(cs), nil
	}}
	if _, err := c.Step(ctx); err == nil || !failed {
		t.Fatalf("the injected failure did not surface: %v", err)
	}
	if err := c.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	for k := 0; k < keys; k++ {
		pk := fmt.Sprintf("K#%d", k)
		got := seen[pk]
		// Each key's changes in order; a change handed again brings the
		// key's later ones again, in order too.
		next := 0
		for _, sk := range got {
			want := fmt.Sprintf("%02d", next)
			switch {
			case sk == want:
				next++
			case sk < want:
				next = 0 // a redelivery restarts somewhere earlier
				for fmt.Sprintf("%02d", next) != sk {
					next++
				}
				next++
			default:
				t.Fatalf("%s handled %s before %s: %v", pk, sk, want, got)
			}
		}
		if next != per {
			t.Fatalf("%s: handled %v, not all %d changes", pk, got, per)
		}
	}
	if more, err := c.Step(ctx); more || err != nil {
		t.Fatalf("feed not empty after Drain: %v %v", more, err)
	}
}

// memFeed is a feed of changes the test adds.
type memFeed struct {
	mu      sync.Mutex
	pending []table.Change
}

func (f *memFeed) add(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := 0; i < n; i++ {
		f.pending = append(f.pending, table.Change{Item: table.Item{PK: "K", SK: fmt.Sprint(len(f.pending))}})
	}
}

func (f *memFeed) Next(_ context.Context, max int) ([]table.Change, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := min(max, len(f.pending))
	cs := f.pending[:n:n]
	f.pending = f.pending[n:]
	return cs, nil
}

func (f *memFeed) Ack(context.Context, table.Change) error { return nil }

// TestWindow: after a partial batch Run waits the window before reading
// again, whatever wakes it, so changes arriving under load gather; after a
// full batch it reads again at once; when idle, a wake reads at once.
func TestWindow(t *testing.T) {
	type wait struct {
		d    time.Duration
		fire chan time.Time
	}
	var (
		waits   = make(chan wait)
		batches = make(chan int, 10)
		wake    = make(chan struct{}, 1)
		feed    = &memFeed{}
	)
	c := &changefeed.Consumer{Feed: feed, Batch: 10, Window: 25 * time.Millisecond, Idle: time.Hour, Wake: wake,
		Handle: func(_ context.Context, cs []table.Change) (int, error) {
			batches <- len(cs)
			return len(cs), nil
		},
		After: func(d time.Duration) <-chan time.Time {
			w := wait{d, make(chan time.Time)}
			waits <- w
			return w.fire
		}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	defer func() { cancel(); <-done }()
	feed.add(3)
	go func() { defer close(done); c.Run(ctx) }()

	next := func(what string) wait {
		t.Helper()
		select {
		case w := <-waits:
			return w
		case <-time.After(10 * time.Second):
			t.Fatalf("Run did not wait %s", what)
		}
		return wait{}
	}
	batch := func(want int) {
		t.Helper()
		select {
		case n := <-batches:
			if n != want {
				t.Fatalf("batch of %d changes, want %d", n, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no batch of %d", want)
		}
	}
	fire := func(w wait) {
		t.Helper()
		select {
		case w.fire <- time.Time{}:
		case <-time.After(10 * time.Second):
			t.Fatal("Run stopped waiting on its window")
		}
	}

	batch(3)
	w := next("after a partial batch")
	if w.d != c.Window {
		t.Fatalf("after a partial batch Run waits %v, want the window %v", w.d, c.Window)
	}
	feed.add(4)
	wake <- struct{}{} // a commit during the window does not end it
	fire(w)
	batch(4)
	w = next("after the second partial batch")
	if w.d != c.Window {
		t.Fatalf("waits %v, want the window", w.d)
	}
	select {
	case <-wake: // still there: no window took it
	default:
		t.Fatal("a wake ended the window")
	}
	feed.add(10)
	fire(w)
	batch(10) // full: read again at once, and find nothing
	w = next("when idle")
	if w.d != c.Idle {
		t.Fatalf("after a full batch and an empty read Run waits %v, want the idle %v", w.d, c.Idle)
	}
	feed.add(1)
	wake <- struct{}{}
	batch(1) // idle: a wake reads at once, without the timer
	if w := next("after the woken batch"); w.d != c.Window {
		t.Fatalf("waits %v, want the window", w.d)
	}
}
