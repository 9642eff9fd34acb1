package deadletter_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/deadletter"
	"github.com/baton-hq/baton/internal/queue"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// TestDiscloseShowsWhatForgetRemoves: the disclosure of the push DLQ is
// what its erasure deletes (ann's dead letter) or puts back redacted (an
// MQA naming her and a colleague), kind for kind, each body as it is now;
// it takes nothing away (every dead letter is listed right after, none in
// flight) and shows no one else's dead letter.
func TestDiscloseShowsWhatForgetRemoves(t *testing.T) {
	ctx := context.Background()
	c := moto.SQS(moto.Shared(t))
	s := newStore(t, c, clock.NewManual(t0), "disclose")
	const others = 25
	sendOthers(t, c, s.PushDLQ, others)
	sendAnn(t, c, s.PushDLQ)
	mqa := `{"id":"a1-q1-20261124090000","mqa":{"id":"a1-q1-20261124090000","account":"a1","name":"Acme","people":[` +
		`{"person":"p_0123456789abcdef01234567","email":"ann@example.com"},{"person":"p_fedcba9876543210fedcba98","email":"bob@acme.example"}]}}`
	reason := map[string]sqstypes.MessageAttributeValue{"reason": {DataType: aws.String("String"), StringValue: aws.String("sfa: 400")}}
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(s.PushDLQ), MessageBody: aws.String(mqa), MessageAttributes: reason}); err != nil {
		t.Fatal(err)
	}
	d, err := s.Disclose(ctx, ann)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprint(map[string]int{deadletter.KindSQSDeadLetter: 1, deadletter.KindSQSRedacted: 1})
	if got := fmt.Sprint(d.Counts()); got != want {
		t.Fatalf("disclosed %s, want %s", got, want)
	}
	var hers queue.Message
	if err := json.Unmarshal(d[deadletter.KindSQSDeadLetter][0], &hers); err != nil || !strings.Contains(string(hers.Body), `"email":"ann@example.com"`) {
		t.Fatalf("her dead letter shown as %s (%v)", d[deadletter.KindSQSDeadLetter][0], err)
	}
	// An MQA's names colleagues too: shown as the erasure leaves it, its id.
	var shared struct{ Message json.RawMessage }
	if err := json.Unmarshal(d[deadletter.KindSQSRedacted][0], &shared); err != nil || string(shared.Message) != `{"id":"a1-q1-20261124090000","mqa":{"id":"a1-q1-20261124090000"}}` {
		t.Fatalf("the MQA shown as %s (%v), want it cut down to its id", d[deadletter.KindSQSRedacted][0], err)
	}
	if all, _ := json.Marshal(d); strings.Contains(string(all), "other") {
		t.Fatalf("the disclosure shows other people's dead letters: %s", all)
	}
	// Nothing taken away: none in flight, every one listed.
	if n := inFlight(t, c, s.PushDLQ); n != "0" {
		t.Fatalf("%s dead letters still hidden after the disclosure", n)
	}
	if ms, err := s.Dead(ctx); err != nil || len(ms) != others+2 {
		t.Fatalf("listed %d %v after the disclosure, want all %d", len(ms), err, others+2)
	}
	if again, err := s.Disclose(ctx, ann); err != nil || fmt.Sprint(again.Counts()) != want {
		t.Fatalf("disclosing again: %v %v", again.Counts(), err)
	}
	r, err := s.Forget(ctx, ann)
	if err != nil || fmt.Sprint(r) != fmt.Sprint(d.Counts()) {
		t.Fatalf("forget removed %v (%v), the disclosure showed %v", r, err, d.Counts())
	}
	if d, err := s.Disclose(ctx, ann); err != nil || d.Counts().Total() != 0 {
		t.Fatalf("after the erasure: %v %v", d.Counts(), err)
	}
}

// TestDiscloseFailsOnADLQPastItsBound: as an erasure, a disclosure of a
// push DLQ of more than ForgetMax messages fails (it cannot tell it saw
// every one about the person), and leaves every message there.
func TestDiscloseFailsOnADLQPastItsBound(t *testing.T) {
	ctx := context.Background()
	c := moto.SQS(moto.Shared(t))
	s := newStore(t, c, clock.NewManual(t0), "disclose-bound")
	s.ForgetMax = 10
	sendOthers(t, c, s.PushDLQ, 12)
	sendAnn(t, c, s.PushDLQ)
	if d, err := s.Disclose(ctx, ann); err == nil || !strings.Contains(err.Error(), "more than 10 messages") || !strings.Contains(err.Error(), "the disclosure cannot tell") {
		t.Fatalf("disclose over the bound: %v %v, want an error", d.Counts(), err)
	}
	if n := inFlight(t, c, s.PushDLQ); n != "0" {
		t.Fatalf("%s dead letters still hidden after the failed disclosure", n)
	}
	if ms, err := s.Dead(ctx); err != nil || len(ms) != 13 {
		t.Fatalf("after the failed disclosure: %d listed %v, want all 13", len(ms), err)
	}
}

// inFlight is SQS's count of the queue's hidden messages.
func inFlight(t *testing.T, c *sqs.Client, url string) string {
	t.Helper()
	out, err := c.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
	if err != nil {
		t.Fatal(err)
	}
	return out.Attributes[string(sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible)]
}
