// Package changefeed runs a consumer of a table's change feed outside
// Lambda: the local stack's scoring and MQL relay, on the embedded store's
// feed or on a DynamoDB stream it polls. On AWS, Lambda's event source
// mapping plays this part and calls the same handler.
package changefeed

import (
	"context"
	"hash/fnv"
	"log/slog"
	"sync"
	"time"

	"github.com/baton-hq/baton/internal/table"
)

// Handler processes changes in order and returns how many are done; an error
// stops the batch there, and the rest comes again.
type Handler func(ctx context.Context, cs []table.Change) (int, error)

// Consumer reads a feed and hands its changes to a handler.
type Consumer struct {
	Feed    table.Feed
	Handle  Handler
	Wake    <-chan struct{} // optional: signalled when changes arrive
	Idle    time.Duration   // poll interval when idle (default 200ms)
	Backoff time.Duration   // wait after a failure (default 1s)
	Batch   int             // changes per batch (default 100; EmbeddedBatch on the embedded store)
	// Window is how long Run waits after a batch smaller than Batch
	// before reading again, so that changes arriving under load gather
	// into batches (what an event source mapping's batching window does
	// on AWS). A change arriving while idle is read at once.
	Window time.Duration
	// After is what Run waits on (default time.After; tests hand their own).
	After func(time.Duration) <-chan time.Time
	// Lanes is how many changes of a batch are handled at once (default 1):
	// the batch is split by partition key, each key's changes in order in
	// one lane (what a stream shard's ParallelizationFactor does on AWS;
	// the template sets none, so there a shard's batches go in order).
	// Handlers already take concurrent invocations (versioned writes);
	// what it buys is that their writes share group commits instead of
	// waiting for one durable commit each.
	Lanes int
	Log   *slog.Logger

	mu sync.Mutex // one step at a time: Drain waits for Run's batch in hand
}

// EmbeddedBatch is the batch the local stack reads from the embedded
// store's feed: scoring reads and writes each person's record once a batch,
// and a local commit is cheap next to a DynamoDB call, so batches are
// larger than the score function's (template.yaml BatchSize, 100).
const EmbeddedBatch = 1000

// rewinder is a feed whose read position must be reset after a failure
// (a DynamoDB stream's iterators); the embedded feed needs nothing.
type rewinder interface{ Rewind() }

// Step reads and handles one batch; it reports whether there was anything.
func (c *Consumer) Step(ctx context.Context) (bool, error) {
	n, err := c.step(ctx)
	return n > 0, err
}

func (c *Consumer) batch() int {
	if c.Batch <= 0 {
		return 100
	}
	return c.Batch
}

// step reads and handles one batch; it returns how many changes it read.
func (c *Consumer) step(ctx context.Context) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cs, err := c.Feed.Next(ctx, c.batch())
	if err != nil || len(cs) == 0 {
		return 0, err
	}
	done, herr := c.handle(ctx, cs)
	if done > 0 {
		if err := c.Feed.Ack(ctx, cs[done-1]); err != nil {
			return len(cs), err
		}
	}
	if herr != nil {
		if r, ok := c.Feed.(rewinder); ok {
			r.Rewind()
		}
		return len(cs), herr
	}
	return len(cs), nil
}

// handle hands the batch to the handler, in lanes when set. It returns how
// many changes, in feed order, are done: those before the first one a lane
// did not finish (a lane that went further hands its later changes again
// with the rest: delivery is at least once, as from a stream).
func (c *Consumer) handle(ctx context.Context, cs []table.Change) (int, error) {
	if c.Lanes <= 1 || len(cs) < 2 {
		return c.Handle(ctx, cs)
	}
	lanes := make([][]int, c.Lanes) // indexes into cs, in order
	for i, ch := range cs {
		h := fnv.New32a()
		h.Write([]byte(ch.Item.PK))
		l := h.Sum32() % uint32(c.Lanes)
		lanes[l] = append(lanes[l], i)
	}
	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		first = len(cs) // the earliest change not done
		ferr  error
	)
	for _, ix := range lanes {
		if len(ix) == 0 {
			continue
		}
		wg.Add(1)
		go func(ix []int) {
			defer wg.Done()
			part := make([]table.Change, len(ix))
			for k, i := range ix {
				part[k] = cs[i]
			}
			n, err := c.Handle(ctx, part)
			if n >= len(ix) && err == nil {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if n < len(ix) && ix[n] < first {
				first, ferr = ix[n], err
			}
			if ferr == nil {
				ferr = err
			}
		}(ix)
	}
	wg.Wait()
	return first, ferr
}

// Drain handles changes until the feed has none (for tests and shutdown).
func (c *Consumer) Drain(ctx context.Context) error {
	for {
		more, err := c.Step(ctx)
		if err != nil || !more {
			return err
		}
	}
}

// Run consumes until ctx ends.
func (c *Consumer) Run(ctx context.Context) {
	idle, backoff := c.Idle, c.Backoff
	if idle <= 0 {
		idle = 200 * time.Millisecond
	}
	if backoff <= 0 {
		backoff = time.Second
	}
	after := c.After
	if after == nil {
		after = time.After
	}
	for ctx.Err() == nil {
		n, err := c.step(ctx)
		var wake <-chan struct{}
		var wait time.Duration
		switch {
		case err != nil:
			if c.Log != nil && ctx.Err() == nil {
				c.Log.Error("change feed", "err", err)
			}
			wait, wake = backoff, c.Wake
		case n == 0:
			wait, wake = idle, c.Wake
		case n < c.batch():
			// A partial batch: the next one gathers for the window,
			// whatever wakes (under load every commit does).
			wait = c.Window
		}
		if wait <= 0 {
			continue
		}
		select {
		case <-ctx.Done():
		case <-after(wait):
		case <-wake:
		}
	}
}
