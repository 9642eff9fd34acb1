// Command sweep is the scheduled function: it finds MQLs sales have not
// accepted within the SLA and announces each breach once, and queues again
// the MQLs whose relay to the push queue was lost.
package main

import (
	"context"
	"os"

	"github.com/baton-hq/baton/internal/app/core"
	"github.com/baton-hq/baton/internal/app/delivery"
	"github.com/baton-hq/baton/internal/app/web"
	"github.com/baton-hq/baton/internal/lambdafn"
	"github.com/baton-hq/baton/internal/sqsrelay"
)

func main() {
	core.Start(func(c *core.Core) (any, error) {
		// The click handler judges newsletter clicks whose visits are over.
		if _, err := web.New(c); err != nil {
			return nil, err
		}
		if c.Qualifier != nil {
			// An MQL stored whose relay was lost goes to the push queue
			// the push function reads, as the score function relays it.
			relay, err := sqsrelay.PushFromEnv(context.Background(), os.Getenv)
			if err != nil {
				return nil, err
			}
			c.Requeue = relay.Send
			// A breach names the rep the SFA's assignment gave the lead;
			// a connector set up wrong (the push function refuses to
			// start) keeps no breach from being announced.
			if err := delivery.BreachOwners(c); err != nil {
				c.Log.Warn("SLA breaches will name no owner", "err", err)
			}
		}
		return lambdafn.Sweep(c), nil
	})
}
