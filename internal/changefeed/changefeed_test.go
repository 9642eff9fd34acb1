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
