// Command sweep is the scheduled function: it finds MQLs sales have not
// accepted within the SLA and announces each breach once.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/baton-hq/baton/internal/server"
)

func main() {
	app, err := server.FromEnv(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	lambda.Start(handler(app))
}

func handler(app *server.App) func(context.Context, events.EventBridgeEvent) (map[string]int, error) {
	return func(ctx context.Context, _ events.EventBridgeEvent) (map[string]int, error) {
		bs, err := app.Sweep(ctx)
		return map[string]int{"breaches": len(bs)}, err
	}
}
