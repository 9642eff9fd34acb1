// Package lambdafn holds the Lambda handlers of the functions that are not
// HTTP routes (score on the DynamoDB stream, push on SQS, the scheduled
// sweep), so that functions/*/main.go stay a few lines and the end-to-end
// test of the AWS shape drives exactly these handlers.
package lambdafn

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/baton-hq/baton/internal/app/core"
	"github.com/baton-hq/baton/internal/deadletter"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/scorefeed"
	"github.com/baton-hq/baton/internal/sqsrelay"
	"github.com/baton-hq/baton/internal/table/dynamotable"
)

// ScoreStartMargin and ScoreReserve keep the score function's batch within
// its deadline (the template's 60 s), as StartMargin and Reserve do push's:
// after the first piece of work (a run of events, or another change), the
// next starts only while ScoreStartMargin is left, and the work runs under a
// context that ends ScoreReserve before the deadline, so that a table call
// that hangs is cut off while the handler can still answer. Lambda killed a
// handler still running at its deadline: no answer, the whole batch retried
// (the records done again), and an error and a timeout in the log.
const (
	ScoreStartMargin = 15 * time.Second
	ScoreReserve     = 5 * time.Second
)

// RecordSkipped is the message of the log line the score function writes
// for each stream record it cannot decode and skips: no error, no retry,
// nothing in the score failure queue, and whatever it carried never scored.
// The template's metric filter on its log group counts these lines
// (ScoreRecordsSkippedAlarm), the one place that sees them.
const RecordSkipped = "score: undecodable stream record skipped"

// Score decodes a DynamoDB Streams batch and hands it to the change handler
// the local stack runs on its feed. A record that cannot be decoded is
// skipped (it would block the shard forever); at the first failure the
// batch reports that record, and Lambda retries from there. Near the
// deadline (ScoreStartMargin left, by app.Now) it starts no more records:
// those not started are reported as batch item failures, for the next
// invocation to take from there.
func Score(app *core.Core, relay scorefeed.Relay) func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	handle := app.ChangesUntil(relay)
	now := app.Now
	if now == nil {
		now = time.Now
	}
	return func(ctx context.Context, batch events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		cs, bad := dynamotable.LambdaChanges(batch.Records)
		for i := range bad {
			cs[i].Op = "SKIP"
			app.Log.Error(RecordSkipped, "seq", cs[i].Seq, "err", bad[i])
		}
		var late func() bool
		wctx := ctx
		if deadline, ok := ctx.Deadline(); ok {
			late = func() bool { return deadline.Sub(now()) < ScoreStartMargin }
			var cancel context.CancelFunc
			wctx, cancel = context.WithDeadline(ctx, deadline.Add(-ScoreReserve))
			defer cancel()
		}
		var resp events.DynamoDBEventResponse
		done, err := handle(wctx, cs, late)
		switch {
		case errors.Is(err, scorefeed.ErrLate):
			app.Log.Warn("score: near the deadline, records handed back", "records", len(cs)-done, "seq", cs[done].Seq)
			for _, c := range cs[done:] {
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: c.Seq})
			}
		case err != nil:
			app.Log.Error("score", "err", err, "seq", cs[done].Seq)
			resp.BatchItemFailures = []events.DynamoDBBatchItemFailure{{ItemIdentifier: cs[done].Seq}}
		}
		return resp, nil
	}
}

// ReplayScoreFailures lets the admin function's dead letters replay a
// score failure (on DynamoDB, with a rules file): its stream records read
// again and scored as the score function does, MQLs and MQAs relayed to
// the push queue as the score function relays them (not to the table's
// queue, which nothing reads on AWS).
func ReplayScoreFailures(app *core.Core, dead *deadletter.Store) {
	t, ok := app.Table.(*dynamotable.Table)
	if !ok || app.Qualifier == nil {
		return
	}
	relay := &sqsrelay.Relay{SQS: dead.SQS, QueueURL: dead.Push}
	if app.Accounts != nil {
		app.Accounts.Send = relay.SendAccount
	}
	app.Qualifier.Reinquired = relay.SendReinquiry
	app.Qualifier.AttendanceChanged = relay.SendAttendance
	dead.ScoreReplay = ScoreReplay(app, t.Stream(scorefeed.Kinds...), relay.Send)
}

// PushEnqueue is the admin function's enqueue of an MQL sent to one
// connector on purpose (POST /admin/mqls/{id}/deliveries/{connector}/send):
// the push queue the push function reads, not the table's queue (the
// app's default), which nothing reads on AWS. (A func, not a wiring of
// admin's types: this package is linked by every function, admin by one.)
func PushEnqueue(dead *deadletter.Store) func(ctx context.Context, id string, body any) error {
	return (&sqsrelay.Relay{SQS: dead.SQS, QueueURL: dead.Push}).SendBody
}

// ScoreReplay scores a failed stream batch again (the admin function's
// replay of a score failure): the records Lambda's failure record names,
// read again from the stream (scorefeed.Kinds, as the template's filter
// passes them), go through the change handler the score function runs,
// MQLs relayed to the push queue. A batch that fails again is an error,
// its record kept; records the stream no longer holds are
// deadletter.ErrBatchGone.
func ScoreReplay(app *core.Core, s *dynamotable.Stream, relay scorefeed.Relay) func(context.Context, deadletter.Batch) error {
	handle := app.Changes(relay)
	return func(ctx context.Context, b deadletter.Batch) error {
		cs, err := s.Batch(ctx, b.StreamARN, b.Shard, b.Start, b.End)
		if errors.Is(err, dynamotable.ErrBatchGone) {
			app.Log.Warn("score replay: records gone", "shard", b.Shard, "start", b.Start, "end", b.End, "err", err)
			return deadletter.ErrBatchGone
		}
		if err != nil {
			return err
		}
		done, err := handle(ctx, cs)
		if err != nil {
			return fmt.Errorf("score replay: record %s of %d: %w", cs[done].Seq, len(cs), err)
		}
		app.Log.Info("score replay", "shard", b.Shard, "start", b.Start, "end", b.End, "records", len(cs))
		return nil
	}
}

// SQS is the part of the SQS client the push function uses: changing a
// failed message's visibility (its backoff) and sending to the dead-letter
// queue.
type SQS interface {
	ChangeMessageVisibility(ctx context.Context, in *sqs.ChangeMessageVisibilityInput, opts ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error)
	SendMessage(ctx context.Context, in *sqs.SendMessageInput, opts ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
}

// PushQueues are the queues of the push function.
type PushQueues struct {
	URL           string // the push queue (its event source): backoff changes visibility there
	DeadLetterURL string // permanent failures go there with their reason
}

// StartMargin and Reserve keep the push function's batch within its
// deadline (the template's 60 s): a message after the first is started
// only while StartMargin is left (a connector's request may take its 20 s timeout),
// and deliveries run under a context that ends Reserve before the
// deadline, so that an SFA that hangs is cut off while the handler can
// still answer: backoffs set, the messages not started handed back. A
// handler still running at the deadline is killed without an answer: the
// whole batch comes back after the queue's visibility timeout.
const (
	StartMargin = 25 * time.Second
	Reserve     = 5 * time.Second
)

// MaxVisibility is the longest backoff a message gets: SQS allows 12 hours
// of visibility timeout counted from the receive, which happened shortly
// before the invocation; the margin covers that.
const MaxVisibility = 12*time.Hour - 15*time.Minute

// DeadLettered is the message of the log line the push function writes for
// each delivery it sends to the dead-letter queue. The template's metric
// filter on its log group counts these lines (DeadLettersAddedAlarm): SQS's
// NumberOfMessagesSent on the dead-letter queue also counts an erasure's
// putting an MQA's dead letter back redacted (deadletter.Store.Forget),
// which is no new failure.
const DeadLettered = "push: dead-lettered"

// Push delivers each MQL of an SQS batch to the connectors, reporting
// partial batch failures. A transient failure is retried after the
// connector's Retry-After, or else exponential backoff with jitter on the
// message's ApproximateReceiveCount: the handler sets the message's
// visibility timeout to that delay and reports it failed, so SQS keeps it
// hidden until then and the queue's redrive policy ends it. Permanent
// failures go to the dead-letter queue with their reason (message attribute
// "reason").
func Push(w *push.Worker, client SQS, q PushQueues) func(context.Context, events.SQSEvent) (events.SQSEventResponse, error) {
	dlq := &sqsrelay.Relay{SQS: client, QueueURL: q.DeadLetterURL}
	log := w.Log
	if log == nil {
		log = slog.Default()
	}
	return func(ctx context.Context, batch events.SQSEvent) (events.SQSEventResponse, error) {
		var resp events.SQSEventResponse
		fail := func(id string) {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: id})
		}
		deadline, bounded := ctx.Deadline()
		dctx := ctx
		if bounded {
			var cancel context.CancelFunc
			dctx, cancel = context.WithDeadline(ctx, deadline.Add(-Reserve))
			defer cancel()
		}
		for i, msg := range batch.Records {
			if i > 0 && bounded && time.Until(deadline) < StartMargin { // the first always goes: a short timeout still delivers
				// Too late to start one: the rest go back untouched,
				// for the next invocation, after the backoff of their
				// receive count (a receive is spent all the same: the
				// redrive policy's arithmetic assumes this schedule).
				log.Warn("push: near the deadline, messages handed back", "messages", len(batch.Records)-i)
				for _, rest := range batch.Records[i:] {
					_, err := client.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{
						QueueUrl: aws.String(q.URL), ReceiptHandle: aws.String(rest.ReceiptHandle), VisibilityTimeout: Visibility(w.Backoff(receives(rest)-1, 0)),
					})
					if err != nil {
						log.Error("push: hand back", "err", err) // the queue's visibility timeout applies instead
					}
					fail(rest.MessageId)
				}
				break
			}
			id, res, err := w.DeliverBody(dctx, []byte(msg.Body)) // an MQL or an MQA
			if err != nil {
				reason := "undecodable message: " + err.Error()
				if dlq.DeadLetter(ctx, msg.Body, reason) != nil {
					fail(msg.MessageId)
				} else {
					log.Error(DeadLettered, "message", msg.MessageId, "reason", reason)
				}
				continue
			}
			switch {
			case res.Done:
			case res.Permanent:
				if err := dlq.DeadLetter(ctx, msg.Body, res.Reason); err != nil {
					log.Error("push: dead-letter", "mql", id, "err", err)
					fail(msg.MessageId) // retried; the redrive policy ends it if this persists
				} else {
					log.Error(DeadLettered, "mql", id, "reason", res.Logged()) // not Reason: the SFA's message quotes the lead
				}
			default:
				delay := Visibility(w.Backoff(receives(msg)-1, res.RetryAfter))
				_, err := client.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{
					QueueUrl: aws.String(q.URL), ReceiptHandle: aws.String(msg.ReceiptHandle), VisibilityTimeout: delay,
				})
				if err != nil { // the queue's own visibility timeout applies instead
					log.Error("push: backoff not set", "mql", id, "seconds", delay, "reason", res.Logged(), "err", err)
				} else {
					log.Warn("push: retry later", "mql", id, "seconds", delay, "reason", res.Logged())
				}
				fail(msg.MessageId)
			}
		}
		return resp, nil
	}
}

// receives is how often SQS has handed out the message, this time included.
func receives(msg events.SQSMessage) int {
	n, err := strconv.Atoi(msg.Attributes["ApproximateReceiveCount"])
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// Visibility is a backoff as an SQS visibility timeout: whole seconds,
// rounded up, at least 1, at most MaxVisibility.
func Visibility(d time.Duration) int32 {
	d = min(d, MaxVisibility)
	s := (d + time.Second - 1) / time.Second
	return int32(max(s, 1))
}

// Sweep runs the clock-driven work once (SLA breaches).
func Sweep(app *core.Core) func(context.Context, events.EventBridgeEvent) (map[string]int, error) {
	return func(ctx context.Context, _ events.EventBridgeEvent) (map[string]int, error) {
		// The steps' budgets fit the template's 120 s; a shorter timeout
		// set by hand cuts the last of them, which keep their progress,
		// with time to answer rather than be killed (and run again by
		// EventBridge's retries of a failed invocation).
		if deadline, ok := ctx.Deadline(); ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithDeadline(ctx, deadline.Add(-Reserve))
			defer cancel()
		}
		bs, err := app.Sweep(ctx)
		return map[string]int{"breaches": len(bs)}, err
	}
}
