package deadletter_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/deadletter"
	"github.com/baton-hq/baton/internal/queue"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// failureOf is Lambda's failure record for the stream batch starting at
// seq.
func failureOf(seq int) string {
	return `{"requestContext":{"condition":"RetryAttemptsExhausted","approximateInvokeCount":11},"responseContext":{"functionError":"Unhandled"},"version":"1.0","DDBStreamBatchInfo":{"shardId":"shardId-1","startSequenceNumber":"` + strconv.Itoa(seq) + `","endSequenceNumber":"` + strconv.Itoa(seq) + `9","batchSize":10,"streamArn":"arn:aws:dynamodb:us-east-1:123456789012:table/baton/stream/x"}}`
}

// TestDeadPagesOnSQS: score failures are listed a page at a time
// (DeadPage of score-failures: the oldest first, each page's cursor the
// next's), every one once, with the total, and the last one sent is found
// and replayed; a listing bounded (Max) says it saw only part, with SQS's
// approximate count. (moto answers a receive from a queue of 1,000 in
// about a second: TestListingReachesPastAThousand counts past the old
// bound on a fake.)
func TestDeadPagesOnSQS(t *testing.T) {
	ctx := context.Background()
	c := moto.SQS(moto.Shared(t))
	s := newStore(t, c, clock.NewManual(t0), "pages")
	s.ScoreFailures = queueURL(t, c, "failures-pages")
	var replayed []string
	s.ScoreReplay = func(_ context.Context, b deadletter.Batch) error {
		replayed = append(replayed, b.Start)
		return nil
	}
	const n = 25
	for i := 0; i < n; i += 10 {
		var entries []sqstypes.SendMessageBatchRequestEntry
		for j := i; j < min(i+10, n); j++ {
			entries = append(entries, sqstypes.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(j)), MessageBody: aws.String(failureOf(j))})
		}
		if out, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(s.ScoreFailures), Entries: entries}); err != nil || len(out.Failed) > 0 {
			t.Fatalf("send: %v %v", out, err)
		}
	}
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(s.PushDLQ), MessageBody: aws.String(`{"id":"p_1-c1"}`)}); err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{} // id: start sequence number
	after, pages := "", 0
	for {
		p, err := s.DeadPage(ctx, queue.DeadQuery{After: after, Limit: 10, Queue: deadletter.ScoreFailures})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if p.Total != n || p.Partial || p.Before != len(seen) {
			t.Fatalf("page %d: total %d partial %v before %d, want %d, false, %d", pages, p.Total, p.Partial, p.Before, n, len(seen))
		}
		for _, m := range p.Messages {
			if _, dup := seen[m.ID]; dup || m.Queue != deadletter.ScoreFailures {
				t.Fatalf("page %d: %+v listed twice or of the wrong queue", pages, m)
			}
			b, _ := deadletterBatch(m)
			seen[m.ID] = b
		}
		if after = p.Next; after == "" {
			break
		}
	}
	if pages != 3 || len(seen) != n {
		t.Fatalf("%d pages, %d score failures listed of %d", pages, len(seen), n)
	}
	var last string
	for id, start := range seen {
		if start == strconv.Itoa(n-1) {
			last = id
		}
	}
	if err := s.Replay(ctx, last); err != nil || len(replayed) != 1 || replayed[0] != strconv.Itoa(n-1) {
		t.Fatalf("replay of the last score failure sent: %v, replayed %v", err, replayed)
	}
	// Both queues, bounded to 7 a queue: a part, said so, with the count.
	s.Max = 7
	p, err := s.DeadPage(ctx, queue.DeadQuery{Limit: 5})
	if err != nil || !p.Partial || p.Seen != 8 || p.Total < n || len(p.Messages) != 5 || p.Next == "" {
		t.Fatalf("bounded listing: partial %v seen %d total %d, %d on the page, next %q, %v", p.Partial, p.Seen, p.Total, len(p.Messages), p.Next, err)
	}
}

// deadletterBatch is the start sequence number a listed score failure
// names.
func deadletterBatch(m queue.Message) (string, error) {
	var rec struct {
		Batch struct {
			Start string `json:"startSequenceNumber"`
		} `json:"DDBStreamBatchInfo"`
	}
	err := json.Unmarshal(m.Body, &rec)
	return rec.Batch.Start, err
}

// fakeSQS is one queue (url) in memory, fast where moto is not, any
// other empty: a received message stays hidden until released or deleted
// (no clock: a listing never outlasts its hold here).
type fakeSQS struct {
	deadletter.SQS // the calls a listing and a replay make are below
	url            string
	msgs           []sqstypes.Message
	hidden         map[string]bool
	receives       int
}

func newFakeSQS(url string, n int, body func(int) string) *fakeSQS {
	f := &fakeSQS{url: url, hidden: map[string]bool{}}
	for i := range n {
		id := fmt.Sprintf("m%05d", i)
		f.msgs = append(f.msgs, sqstypes.Message{MessageId: aws.String(id), ReceiptHandle: aws.String(id), Body: aws.String(body(i)),
			Attributes: map[string]string{"SentTimestamp": strconv.FormatInt(t0.Add(time.Duration(i)*time.Second).UnixMilli(), 10)}})
	}
	return f
}

func (f *fakeSQS) ReceiveMessage(_ context.Context, in *sqs.ReceiveMessageInput, _ ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error) {
	f.receives++
	out := &sqs.ReceiveMessageOutput{}
	if *in.QueueUrl != f.url {
		return out, nil
	}
	for _, m := range f.msgs {
		if len(out.Messages) == int(in.MaxNumberOfMessages) {
			break
		}
		if !f.hidden[*m.MessageId] {
			f.hidden[*m.MessageId] = true
			out.Messages = append(out.Messages, m)
		}
	}
	return out, nil
}

func (f *fakeSQS) ChangeMessageVisibilityBatch(_ context.Context, in *sqs.ChangeMessageVisibilityBatchInput, _ ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityBatchOutput, error) {
	for _, e := range in.Entries {
		delete(f.hidden, *e.ReceiptHandle)
	}
	return &sqs.ChangeMessageVisibilityBatchOutput{}, nil
}

func (f *fakeSQS) DeleteMessage(_ context.Context, in *sqs.DeleteMessageInput, _ ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error) {
	f.msgs = slices.DeleteFunc(f.msgs, func(m sqstypes.Message) bool { return *m.ReceiptHandle == *in.ReceiptHandle })
	delete(f.hidden, *in.ReceiptHandle)
	return &sqs.DeleteMessageOutput{}, nil
}

func (f *fakeSQS) GetQueueAttributes(_ context.Context, in *sqs.GetQueueAttributesInput, _ ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error) {
	if *in.QueueUrl != f.url {
		return &sqs.GetQueueAttributesOutput{Attributes: map[string]string{string(sqstypes.QueueAttributeNameApproximateNumberOfMessages): "0", string(sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible): "0"}}, nil
	}
	return &sqs.GetQueueAttributesOutput{Attributes: map[string]string{
		string(sqstypes.QueueAttributeNameApproximateNumberOfMessages):           strconv.Itoa(len(f.msgs) - len(f.hidden)),
		string(sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible): strconv.Itoa(len(f.hidden)),
	}}, nil
}

// TestListingReachesPastAThousand: 1,500 score failures are all listed
// and the last one sent is replayable, within the listing's time budget;
// past the budget the listing stops, saying it saw a part and how many
// there are. The listing stopped at 1,000 a queue, and a replay did not
// find the 1,001st on.
func TestListingReachesPastAThousand(t *testing.T) {
	ctx := context.Background()
	const n = 1500
	fake := newFakeSQS("failures", n, failureOf)
	clk := clock.NewManual(t0)
	s := newStore(t, fake, clk, "fake") // the lease in moto's table; the queues are the fake's
	s.ScoreFailures, s.PushDLQ = "failures", "dlq-empty"
	var replayed []string
	s.ScoreReplay = func(_ context.Context, b deadletter.Batch) error {
		replayed = append(replayed, b.Start)
		return nil
	}
	all := 0
	after := ""
	for {
		p, err := s.DeadPage(ctx, queue.DeadQuery{After: after, Limit: 1000, Queue: deadletter.ScoreFailures})
		if err != nil || p.Partial || p.Total != n {
			t.Fatalf("page: partial %v total %d (want %d) %v", p.Partial, p.Total, n, err)
		}
		all += len(p.Messages)
		if after = p.Next; after == "" {
			break
		}
	}
	if all != n {
		t.Fatalf("listed %d of %d", all, n)
	}
	if err := s.Replay(ctx, fmt.Sprintf("m%05d", n-1)); err != nil || len(replayed) != 1 || replayed[0] != strconv.Itoa(n-1) {
		t.Fatalf("replay of the last: %v %v", err, replayed)
	}
	// A listing whose receives outlast its budget stops in time to
	// release them and count within it: partial, with the approximate
	// count, everything released. At a second a receive and 10 s, four
	// receives leave their four releases and the two queues' counts
	// time (the releases here are free: the reckoning is on the safe
	// side).
	s.Budget = 10 * time.Second
	slow := &slowSQS{fakeSQS: fake, clk: clk}
	s.SQS = slow
	p, err := s.DeadPage(ctx, queue.DeadQuery{Limit: 10, Queue: deadletter.ScoreFailures})
	if err != nil || !p.Partial || p.Seen != 40 || p.Total != n-1 || len(fake.hidden) != 0 {
		t.Fatalf("past the budget: partial %v seen %d total %d hidden %d %v", p.Partial, p.Seen, p.Total, len(fake.hidden), err)
	}
}

// slowSQS takes a second of clk a receive.
type slowSQS struct {
	*fakeSQS
	clk *clock.Manual
}

func (s *slowSQS) ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, opts ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error) {
	s.clk.Set(s.clk.Now().Add(time.Second))
	return s.fakeSQS.ReceiveMessage(ctx, in, opts...)
}
