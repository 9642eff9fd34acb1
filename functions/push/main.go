// Command push is the push function: it consumes MQLs from SQS and delivers
// them to the configured SFA connectors, reporting partial batch failures.
// Permanent failures go straight to the dead-letter queue with the reason.
package main

import (
	"context"
	"os"

	"github.com/baton-hq/baton/internal/lambdafn"
	"github.com/baton-hq/baton/internal/server"
	"github.com/baton-hq/baton/internal/sqsrelay"
)

func main() {
	server.Start(func(app *server.App) (any, error) {
		dlq, err := sqsrelay.New(context.Background(), os.Getenv("BATON_PUSH_DLQ_URL"))
		if err != nil {
			return nil, err
		}
		return lambdafn.Push(app.Pusher, dlq.DeadLetter), nil
	})
}
