// Command push is the push function: it consumes MQLs from SQS and delivers
// them to the configured SFA connectors, reporting partial batch failures.
// Permanent failures go straight to the dead-letter queue with the reason.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/baton-hq/baton/internal/server"
	"github.com/baton-hq/baton/internal/sqsrelay"
)

func main() {
	ctx := context.Background()
	app, err := server.FromEnv(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	dlq, err := sqsrelay.New(ctx, os.Getenv("BATON_PUSH_DLQ_URL"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	lambda.Start(handler(app.Pusher, dlq.DeadLetter))
}
