// Package lambdafn holds the Lambda handlers of the functions that are not
// HTTP routes (score on the DynamoDB stream, push on SQS, the scheduled
// sweep), so that functions/*/main.go stay a few lines and the end-to-end
// test of the AWS shape drives exactly these handlers.
package lambdafn

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/events"

	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/server"
	"github.com/baton-hq/baton/internal/table/dynamotable"
)

// Score decodes a DynamoDB Streams batch and hands it to the change handler
// the local stack runs on its feed. A record that cannot be decoded is
// skipped (it would block the shard forever); at the first failure the
// batch reports that record, and Lambda retries from there.
func Score(app *server.App, relay qualify.Relay) func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
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

// DeadLetter parks a message with the reason it failed.
type DeadLetter func(ctx context.Context, body, reason string) error

// Push delivers each MQL of an SQS batch to the connectors, reporting
// partial batch failures; permanent failures go to the dead-letter queue
// with their reason.
func Push(w *push.Worker, dlq DeadLetter) func(context.Context, events.SQSEvent) (events.SQSEventResponse, error) {
	return func(ctx context.Context, batch events.SQSEvent) (events.SQSEventResponse, error) {
		var resp events.SQSEventResponse
		fail := func(id string) {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: id})
		}
		for _, msg := range batch.Records {
			var m qualify.MQL
			if err := json.Unmarshal([]byte(msg.Body), &m); err != nil {
				if dlq(ctx, msg.Body, "undecodable message: "+err.Error()) != nil {
					fail(msg.MessageId)
				}
				continue
			}
			res := w.Deliver(ctx, m)
			switch {
			case res.Done:
			case res.Permanent:
				if dlq(ctx, msg.Body, res.Reason) != nil {
					fail(msg.MessageId)
				}
			default:
				fail(msg.MessageId) // SQS redelivers after the visibility timeout; the redrive policy ends it
			}
		}
		return resp, nil
	}
}

// Sweep runs the clock-driven work once (SLA breaches).
func Sweep(app *server.App) func(context.Context, events.EventBridgeEvent) (map[string]int, error) {
	return func(ctx context.Context, _ events.EventBridgeEvent) (map[string]int, error) {
		bs, err := app.Sweep(ctx)
		return map[string]int{"breaches": len(bs)}, err
	}
}
