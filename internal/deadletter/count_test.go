package deadletter_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// TestDeadCountReceivesNothing: the workspace's count of dead letters is
// the listing's queues' approximate counts (push DLQ and score failures),
// and it receives no message: none is hidden from a reader after it.
func TestDeadCountReceivesNothing(t *testing.T) {
	ctx := context.Background()
	c := moto.SQS(moto.Shared(t))
	s := newStore(t, c, clock.NewManual(t0), "count")
	s.ScoreFailures = queueURL(t, c, "failures-count")
	if n, err := s.DeadCount(ctx); err != nil || n != 0 {
		t.Fatalf("empty queues: %d %v", n, err)
	}
	for i := range 3 {
		if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(s.PushDLQ), MessageBody: aws.String(fmt.Sprintf(`{"id":"p_%d-c1"}`, i))}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(s.ScoreFailures), MessageBody: aws.String(`{}`)}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.DeadCount(ctx); err != nil || n != 4 {
		t.Fatalf("count: %d %v, want 4", n, err)
	}
	out, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(s.PushDLQ), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
	if err != nil || out.Attributes[string(sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible)] != "0" {
		t.Fatalf("the count hid messages: %v %v", out.Attributes, err)
	}
}
