// Package changefeed runs a consumer of a table's change feed outside
// Lambda: the local stack's scoring and MQL relay, on the embedded store's
// feed or on a DynamoDB stream it polls. On AWS, Lambda's event source
// mapping plays this part and calls the same handler.
package changefeed

import (
	"context"
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
	Log     *slog.Logger

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
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.Batch
	if n <= 0 {
		n = 100
	}
	cs, err := c.Feed.Next(ctx, n)
	if err != nil || len(cs) == 0 {
		return false, err
	}
	done, herr := c.Handle(ctx, cs)
	if done > 0 {
		if err := c.Feed.Ack(ctx, cs[done-1]); err != nil {
			return true, err
		}
	}
	if herr != nil {
		if r, ok := c.Feed.(rewinder); ok {
			r.Rewind()
		}
		return true, herr
	}
	return true, nil
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
	for ctx.Err() == nil {
		more, err := c.Step(ctx)
		wait := time.Duration(0)
		switch {
		case err != nil:
			if c.Log != nil && ctx.Err() == nil {
				c.Log.Error("change feed", "err", err)
			}
			wait = backoff
		case !more:
			wait = idle
		}
		if wait == 0 {
			continue
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-t.C:
		case <-c.Wake:
		}
		t.Stop()
	}
}
