// Command sweep is the scheduled function: it finds MQLs sales have not
// accepted within the SLA and announces each breach once.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"

	"github.com/baton-hq/baton/internal/server"
)

func main() {
	server.Start(func(app *server.App) (any, error) { return handler(app), nil })
}

func handler(app *server.App) func(context.Context, events.EventBridgeEvent) (map[string]int, error) {
	return func(ctx context.Context, _ events.EventBridgeEvent) (map[string]int, error) {
		bs, err := app.Sweep(ctx)
		return map[string]int{"breaches": len(bs)}, err
	}
}
