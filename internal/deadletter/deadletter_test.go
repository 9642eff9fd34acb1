package deadletter_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/deadletter"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/queue"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// newStore is a store on the queues push-<name> and dlq-<name>, its lease
// in a fresh table on clk.
func newStore(t *testing.T, c deadletter.SQS, clk *clock.Manual, name string) *deadletter.Store {
	t.Helper()
	sc := moto.SQS(moto.Shared(t))
	return &deadletter.Store{SQS: c, Queues: deadletter.Queues{Push: queueURL(t, sc, "push-"+name), PushDLQ: queueURL(t, sc, "dlq-"+name)},
		T: moto.NewTable(t, dynamotable.WithClock(clk.Now)), Now: clk.Now}
}

var t0 = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

func queueURL(t *testing.T, c *sqs.Client, name string) string {
	t.Helper()
	out, err := c.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String(moto.TableName() + "-" + name)})
	if err != nil {
		t.Fatal(err)
	}
	return *out.QueueUrl
}

// TestListsEveryMessageWithoutConsuming: more dead letters than one receive
// returns are listed once each, in order, with their reasons (a message the
// redrive policy moved has none of its own), and stay in the queue.
func TestListsEveryMessageWithoutConsuming(t *testing.T) {
	ctx := context.Background()
	c := moto.SQS(moto.Shared(t))
	s := newStore(t, c, clock.NewManual(t0), "list")
	const n = 25
	for i := range n {
		in := &sqs.SendMessageInput{QueueUrl: aws.String(s.PushDLQ), MessageBody: aws.String(fmt.Sprintf(`{"id":"m%d"}`, i))}
		if i > 0 {
			in.MessageAttributes = map[string]sqstypes.MessageAttributeValue{"reason": {DataType: aws.String("String"), StringValue: aws.String(fmt.Sprintf("reason %d", i))}}
		}
		if _, err := c.SendMessage(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	for round := range 2 {
		ms, err := s.Dead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, m := range ms {
			if seen[m.ID] || m.Queue != deadletter.PushDLQ || m.State != "dead" || m.Enqueued.IsZero() {
				t.Fatalf("round %d: %+v", round, m)
			}
			seen[m.ID] = true
			if strings.Contains(string(m.Body), `"m0"`) != strings.Contains(m.LastError, "maxReceiveCount") {
				t.Fatalf("round %d: %s: reason %q", round, m.Body, m.LastError)
			}
		}
		if len(seen) != n {
			t.Fatalf("round %d: listed %d of %d", round, len(seen), n)
		}
	}
	// A bounded listing stops at Max; a replay bounded so cannot tell an
	// unknown id from one past its reach (not reached); unbounded, it is
	// not found.
	s.Max = 7
	if ms, err := s.Dead(ctx); err != nil || len(ms) != 7 {
		t.Fatalf("bounded listing: %d %v", len(ms), err)
	}
	if err := s.Replay(ctx, "no-such-id"); !errors.Is(err, queue.ErrNotReached) || errors.Is(err, table.ErrNotFound) {
		t.Fatalf("bounded replay of an unknown id: %v", err)
	}
	s.Max = 0
	if err := s.Replay(ctx, "no-such-id"); !errors.Is(err, table.ErrNotFound) {
		t.Fatalf("replay of an unknown id: %v", err)
	}
}

// TestForgetDeletesAPersonsDeadLetters: erasure deletes the push DLQ's
// messages about the person (by person id or email in the MQL) and leaves
// the others listed.
func TestForgetDeletesAPersonsDeadLetters(t *testing.T) {
	ctx := context.Background()
	c := moto.SQS(moto.Shared(t))
	s := newStore(t, c, clock.NewManual(t0), "forget")
	for _, body := range []string{
		`{"id":"p_0123456789abcdef01234567-c1","person":"p_0123456789abcdef01234567","email":"ann@example.com"}`,
		`{"id":"resend","email":"Ann@Example.com"}`,
		`{"id":"p_fedcba9876543210fedcba98-c1","person":"p_fedcba9876543210fedcba98","email":"bob@example.com"}`,
	} {
		if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(s.PushDLQ), MessageBody: aws.String(body)}); err != nil {
			t.Fatal(err)
		}
	}
	r, err := s.Forget(ctx, privacy.Subject{Person: "p_0123456789abcdef01234567", Email: "ann@example.com"})
	if err != nil || r[deadletter.KindSQSDeadLetter] != 2 {
		t.Fatalf("forget: %v %v", r, err)
	}
	ms, err := s.Dead(ctx)
	if err != nil || len(ms) != 1 || !strings.Contains(string(ms[0].Body), "bob@example.com") {
		t.Fatalf("left %+v %v", ms, err)
	}
}
