package deadletter_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/deadletter"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

var ann = privacy.Subject{Person: "p_0123456789abcdef01234567", Email: "ann@example.com"}

// sendOthers puts n dead letters of other people in the queue.
func sendOthers(t *testing.T, c *sqs.Client, url string, n int) {
	t.Helper()
	for i := 0; i < n; i += 10 {
		var es []sqstypes.SendMessageBatchRequestEntry
		for j := i; j < min(i+10, n); j++ {
			body := fmt.Sprintf(`{"id":"p_%024d-c1","person":"p_%024d","email":"other%d@example.com"}`, j, j, j)
			es = append(es, sqstypes.SendMessageBatchRequestEntry{Id: aws.String(fmt.Sprint(j)), MessageBody: aws.String(body)})
		}
		if _, err := c.SendMessageBatch(context.Background(), &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: es}); err != nil {
			t.Fatal(err)
		}
	}
}

func sendAnn(t *testing.T, c *sqs.Client, url string) {
	t.Helper()
	body := `{"id":"p_0123456789abcdef01234567-c1","person":"p_0123456789abcdef01234567","email":"ann@example.com"}`
	if _, err := c.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body)}); err != nil {
		t.Fatal(err)
	}
}

// TestForgetReadsPastTheListingBound: erasure reads the whole push DLQ,
// not the listing's Max. It used to read through the listing (Max, 1000 by
// default): a dead letter past it kept the erased person's email, listed
// and replayable, while the erasure reported success.
func TestForgetReadsPastTheListingBound(t *testing.T) {
	ctx := context.Background()
	c := moto.SQS(moto.Shared(t))
	s := newStore(t, c, clock.NewManual(t0), "max")
	s.Max = 20
	const others = 45
	sendOthers(t, c, s.PushDLQ, others)
	sendAnn(t, c, s.PushDLQ)
	r, err := s.Forget(ctx, ann)
	if err != nil || r[deadletter.KindSQSDeadLetter] != 1 {
		t.Fatalf("forget with %d others in the DLQ: %v %v, want ann's 1 dead letter deleted", others, r, err)
	}
	s.Max = 0
	ms, err := s.Dead(ctx)
	if err != nil || len(ms) != others {
		t.Fatalf("left %d %v, want the %d others", len(ms), err, others)
	}
}

// TestForgetFailsOnADLQPastItsBound: a DLQ holding more than ForgetMax
// messages fails the erasure (it is retried) instead of reporting success
// without having read them all.
func TestForgetFailsOnADLQPastItsBound(t *testing.T) {
	ctx := context.Background()
	c := moto.SQS(moto.Shared(t))
	s := newStore(t, c, clock.NewManual(t0), "bound")
	s.ForgetMax = 10
	sendOthers(t, c, s.PushDLQ, 12)
	sendAnn(t, c, s.PushDLQ)
	if _, err := s.Forget(ctx, ann); err == nil || !strings.Contains(err.Error(), "more than 10 messages") {
		t.Fatalf("forget over the bound: %v, want an error", err)
	}
	if ms, err := s.Dead(ctx); err != nil || len(ms) < 12 {
		t.Fatalf("after the failed erasure: %d listed %v, want every other dead letter back", len(ms), err)
	}
}

// TestForgetKeepsAnMQARedacted: an MQA's dead letter names every active
// colleague. Erasing one member puts it back in the DLQ cut down to its
// id (account.RedactMessage, as the table's queue keeps it), with its
// reason and place, replayable for the others. It used to be deleted:
// the account's MQA could never be replayed to the SFA.
func TestForgetKeepsAnMQARedacted(t *testing.T) {
	ctx := context.Background()
	c := moto.SQS(moto.Shared(t))
	s := newStore(t, c, clock.NewManual(t0), "mqa")
	mqa := `{"id":"a1-q1-20261124090000","mqa":{"id":"a1-q1-20261124090000","account":"a1","name":"Acme","people":[` +
		`{"person":"p_0123456789abcdef01234567","email":"ann@example.com"},{"person":"p_fedcba9876543210fedcba98","email":"bob@acme.example"}]}}`
	reason := map[string]sqstypes.MessageAttributeValue{"reason": {DataType: aws.String("String"), StringValue: aws.String("sfa: 400")}}
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(s.PushDLQ), MessageBody: aws.String(mqa), MessageAttributes: reason}); err != nil {
		t.Fatal(err)
	}
	before, err := s.Dead(ctx)
	if err != nil || len(before) != 1 {
		t.Fatalf("before: %+v %v", before, err)
	}
	if r, err := s.Forget(ctx, ann); err != nil || r[deadletter.KindSQSRedacted] != 1 || r[deadletter.KindSQSDeadLetter] != 0 {
		t.Fatalf("forget: %v %v", r, err)
	}
	ms, err := s.Dead(ctx)
	if err != nil || len(ms) != 1 {
		t.Fatalf("the account's MQA dead letter after one member's erasure: %+v %v, want it kept", ms, err)
	}
	m := ms[0]
	if want := `{"id":"a1-q1-20261124090000","mqa":{"id":"a1-q1-20261124090000"}}`; string(m.Body) != want || m.LastError != "sfa: 400" || !m.Enqueued.Equal(before[0].Enqueued) {
		t.Fatalf("kept %s (%q, %v), want %s (%q, %v)", m.Body, m.LastError, m.Enqueued, want, "sfa: 400", before[0].Enqueued)
	}
	if err := s.Replay(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	got, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(s.Push), MessageAttributeNames: []string{"All"}, WaitTimeSeconds: 1})
	if err != nil || len(got.Messages) != 1 || aws.ToString(got.Messages[0].MessageAttributes["mql_id"].StringValue) != "a1-q1-20261124090000" {
		t.Fatalf("replayed: %+v %v", got, err)
	}
}
