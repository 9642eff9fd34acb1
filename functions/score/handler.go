package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"

	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/server"
	"github.com/baton-hq/baton/internal/table/dynamotable"
)

// handler decodes a DynamoDB Streams batch and hands it to the change
// handler the local stack runs on its feed. A record that cannot be decoded
// is skipped (it would block the shard forever); at the first failure the
// batch reports that record, and Lambda retries from there.
func handler(app *server.App, relay qualify.Relay) func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	handle := app.Changes(relay)
	return func(ctx context.Context, batch events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		cs, bad := dynamotable.LambdaChanges(batch.Records)
		for i := range bad {
			cs[i].Op = "SKIP"
			app.Log.Error("score: undecodable stream record skipped", "seq", cs[i].Seq, "err", bad[i])
		}
		var resp events.DynamoDBEventResponse
		done, err := handle(ctx, cs)
		if err != nil {
			app.Log.Error("score", "err", err, "seq", cs[done].Seq)
			resp.BatchItemFailures = []events.DynamoDBBatchItemFailure{{ItemIdentifier: cs[done].Seq}}
		}
		return resp, nil
	}
}
