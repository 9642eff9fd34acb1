package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"

	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/server"
)

func handler(app *server.App, relay qualify.Relay) func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	return func(ctx context.Context, batch events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		return app.Qualifier.HandleStream(ctx, batch, relay), nil
	}
}
