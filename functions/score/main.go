// Command score is the score Lambda function: it consumes the table's
// DynamoDB stream (filtered to events, visitor links and MQLs), scores
// people, raises MQLs and relays them to the push queue, reporting partial
// batch failures.
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
	if err == nil && app.Qualifier == nil {
		err = fmt.Errorf("config: BATON_RULES: the score function needs a rules file")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	relay, err := sqsrelay.New(ctx, os.Getenv("BATON_PUSH_QUEUE_URL"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	lambda.Start(handler(app, relay.Send))
}
