// Package stores opens the store the configuration names and its change
// feed: the embedded bbolt store or DynamoDB (moto, DynamoDB Local, AWS).
// Only the local stack and tests link it: the Lambda functions run on
// DynamoDB through core.FromEnv, without bbolt.
package stores

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/baton-hq/baton/internal/app/core"
	"github.com/baton-hq/baton/internal/changefeed"
	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/scorefeed"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/table/dynamotable"
)

// Open opens the configured store. The embedded store announces the kinds
// scoring consumes on its change feed, as the DynamoDB stream (with the
// template's filter criteria) does on AWS.
func Open(ctx context.Context, cfg *config.Config, now func() time.Time) (table.Table, error) {
	switch cfg.Store {
	case "bolt":
		return bolttable.Open(filepath.Join(cfg.DataDir, "baton.db"), bolttable.WithFeed(scorefeed.Kinds...), bolttable.WithClock(now))
	default:
		return core.OpenDynamo(ctx, cfg, now)
	}
}

// Feed returns the consumer of the table's change feed that hands each
// batch to handle: the local stack's score function. The embedded store
// has its own feed; on DynamoDB (moto or DynamoDB Local) it reads the
// table's stream.
func Feed(t table.Table, handle func(ctx context.Context, cs []table.Change) (int, error), log *slog.Logger) (*changefeed.Consumer, error) {
	// Lanes: scoring's writes share group commits (a person's events are
	// in their visitors' partitions, in order within each, as on AWS).
	// A new visitor link rescores its person in a commit of its own, so a
	// batch of identifies waits for commits, not the processor: 32 lanes,
	// not 8 (1,000 identifies of one company settled in 9 s, not 20).
	c := &changefeed.Consumer{Handle: handle, Log: log, Lanes: 32, Batch: 256}
	switch t := t.(type) {
	case *bolttable.Table:
		c.Feed, c.Wake, c.Batch, c.Window = t, t.Wake(), changefeed.EmbeddedBatch, 25*time.Millisecond
	case *dynamotable.Table:
		c.Feed = t.Stream(scorefeed.Kinds...)
	default:
		return nil, fmt.Errorf("stores: the %T store has no change feed", t)
	}
	return c, nil
}
