package qualify

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/events"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/streams"
)

// Relay hands a newly written MQL to delivery (SQS on AWS).
type Relay func(ctx context.Context, m MQL) error

// StreamKinds are the item kinds the score function's event source mapping
// lets through (its filter criteria): events to score, visitor links (a
// browser became known: score its history), MQLs to relay.
var StreamKinds = []string{eventlog.KindEvent, identity.KindLink, "mql"}

// HandleStream processes one DynamoDB Streams batch in order. At the first
// record that fails it stops and reports that record: Lambda retries the
// batch from there, and everything before it is done (and idempotent if
// seen again). A malformed record is skipped, not retried forever.
func (q *Qualifier) HandleStream(ctx context.Context, batch events.DynamoDBEvent, relay Relay) events.DynamoDBEventResponse {
	var resp events.DynamoDBEventResponse
	for _, rec := range batch.Records {
		if err := q.handleRecord(ctx, rec, relay); err != nil {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: rec.Change.SequenceNumber})
			return resp
		}
	}
	return resp
}

func (q *Qualifier) handleRecord(ctx context.Context, rec events.DynamoDBEventRecord, relay Relay) error {
	if rec.EventName == "REMOVE" {
		return nil // TTL expiry and erasure: nothing to score
	}
	it, err := streams.Item(rec)
	if err != nil {
		return nil // malformed: skipping beats blocking the shard
	}
	switch it.Kind {
	case eventlog.KindEvent:
		if rec.EventName != "INSERT" {
			return nil
		}
		ev, err := eventlog.Decode(it)
		if err != nil {
			return nil
		}
		return q.Process(ctx, []event.Event{ev})
	case identity.KindLink:
		var l identity.Link
		if err := json.Unmarshal(it.Data, &l); err != nil {
			return nil
		}
		if cur, ok := l.Current(); ok {
			return ignoreGone(q.ScorePerson(ctx, cur.Person))
		}
	case "mql":
		if rec.EventName != "INSERT" || relay == nil {
			return nil
		}
		var m MQL
		if err := json.Unmarshal(it.Data, &m); err != nil {
			return nil
		}
		return relay(ctx, m)
	}
	return nil
}

func ignoreGone(err error) error {
	if err == identity.ErrNotFound {
		return nil // erased meanwhile
	}
	return err
}
