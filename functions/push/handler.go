package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/events"

	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
)

// deadLetter parks a message with the reason it failed.
type deadLetter func(ctx context.Context, body, reason string) error

func handler(w *push.Worker, dlq deadLetter) func(context.Context, events.SQSEvent) (events.SQSEventResponse, error) {
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
