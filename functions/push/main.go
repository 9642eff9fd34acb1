// Command push is the push function: it consumes MQLs from SQS and delivers
// them to the configured SFA connectors, reporting partial batch failures.
// Transient failures back off on the message's visibility timeout;
// permanent ones go straight to the dead-letter queue with the reason.
package main

import (
	"context"
	"os"

	"github.com/baton-hq/baton/internal/app/core"
	"github.com/baton-hq/baton/internal/app/delivery"
	"github.com/baton-hq/baton/internal/lambdafn"
	"github.com/baton-hq/baton/internal/sqsrelay"
)

func main() {
	core.Start(func(c *core.Core) (any, error) {
		d, err := delivery.New(context.Background(), c)
		if err != nil {
			return nil, err
		}
		client, err := sqsrelay.NewClient(context.Background())
		if err != nil {
			return nil, err
		}
		var queues lambdafn.PushQueues
		if queues.URL, err = sqsrelay.QueueURL(os.Getenv, "BATON_PUSH_QUEUE_URL"); err != nil {
			return nil, err
		}
		if queues.DeadLetterURL, err = sqsrelay.QueueURL(os.Getenv, "BATON_PUSH_DLQ_URL"); err != nil {
			return nil, err
		}
		return lambdafn.Push(d.Pusher, client, queues), nil
	})
}
