package deadletter_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/deadletter"
	"github.com/baton-hq/baton/internal/queue"
	"github.com/baton-hq/baton/internal/table"
)

// slowQueues are two fake queues (the push DLQ and the score failures)
// behind one client on which every SQS call takes a second of clk:
// receives, releases, deletes and counts alike, as a slow SQS would.
type slowQueues struct {
	deadletter.SQS
	dlq, failures *fakeSQS
	clk           *clock.Manual
	calls, sent   int
	// emptyPolls: only a receive that finds nothing takes its second
	// (it waits out its long poll), every other call none.
	emptyPolls bool
}

func (s *slowQueues) of(url *string) *fakeSQS {
	s.calls++
	if !s.emptyPolls {
		s.clk.Set(s.clk.Now().Add(time.Second))
	}
	if *url == s.dlq.url {
		return s.dlq
	}
	return s.failures
}

func (s *slowQueues) ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, o ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error) {
	out, err := s.of(in.QueueUrl).ReceiveMessage(ctx, in, o...)
	if s.emptyPolls && len(out.Messages) == 0 {
		s.clk.Set(s.clk.Now().Add(time.Second))
	}
	return out, err
}

func (s *slowQueues) ChangeMessageVisibilityBatch(ctx context.Context, in *sqs.ChangeMessageVisibilityBatchInput, o ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityBatchOutput, error) {
	return s.of(in.QueueUrl).ChangeMessageVisibilityBatch(ctx, in, o...)
}

func (s *slowQueues) DeleteMessage(ctx context.Context, in *sqs.DeleteMessageInput, o ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error) {
	return s.of(in.QueueUrl).DeleteMessage(ctx, in, o...)
}

func (s *slowQueues) GetQueueAttributes(ctx context.Context, in *sqs.GetQueueAttributesInput, o ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error) {
	return s.of(in.QueueUrl).GetQueueAttributes(ctx, in, o...)
}

// SendMessage is a replay's send to the push queue (counted).
func (s *slowQueues) SendMessage(context.Context, *sqs.SendMessageInput, ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	s.calls++
	s.clk.Set(s.clk.Now().Add(time.Second))
	s.sent++
	return &sqs.SendMessageOutput{}, nil
}

// slowStore is a store on slowQueues of dlq and failures messages
// (MessageIds d… and f…), its lease in moto's table on clk.
func slowStore(t *testing.T, name string, dlq, failures int) (*deadletter.Store, *slowQueues, *clock.Manual) {
	t.Helper()
	clk := clock.NewManual(t0)
	s := newStore(t, nil, clk, name)
	q := &slowQueues{dlq: newFakeSQS("dlq", dlq, func(int) string { return `{"id":"p_1-c1"}` }), failures: newFakeSQS("failures", failures, failureOf), clk: clk}
	for _, f := range []*fakeSQS{q.dlq, q.failures} {
		for i := range f.msgs { // ids distinct across the queues
			id := f.url[:1] + *f.msgs[i].MessageId
			f.msgs[i].MessageId, f.msgs[i].ReceiptHandle = &id, &id
		}
	}
	s.SQS, s.PushDLQ, s.ScoreFailures = q, "dlq", "failures"
	return s, q, clk
}

// TestListingKeepsToItsBudget: a listing of a queue too large to receive
// in its budget (15 s) ends within it, its releases included (a call
// per ten messages), and everything it received is visible again. The
// budget counted the receives alone, and the releases after them took
// as long again: 29 s at a second a call, API Gateway's limit.
func TestListingKeepsToItsBudget(t *testing.T) {
	ctx := context.Background()
	s, q, clk := slowStore(t, "budget-list", 0, 1500)
	start := clk.Now()
	p, err := s.DeadPage(ctx, queue.DeadQuery{Limit: 50, Newest: true})
	took := clk.Now().Sub(start)
	if err != nil || !p.Partial || p.Seen == 0 || len(p.Messages) == 0 {
		t.Fatalf("listing: partial %v seen %d, %d on the page, %v", p.Partial, p.Seen, len(p.Messages), err)
	}
	if took > 15*time.Second {
		t.Fatalf("the listing took %v (%d SQS calls of a second), past its 15 s budget", took, q.calls)
	}
	if len(q.dlq.hidden)+len(q.failures.hidden) != 0 {
		t.Fatalf("%d messages left hidden", len(q.dlq.hidden)+len(q.failures.hidden))
	}
}

// TestReplayKeepsToOneBudget: a replay reads the push DLQ and then the
// score failures on one deadline, not a budget each (which took 30 s of
// receives alone, with releases on top), and a message it could not
// reach in that time is "not reached" (queue.ErrNotReached, to be tried
// again), not "not found": it was there all along. Every message
// received is released, the deadline notwithstanding.
func TestReplayKeepsToOneBudget(t *testing.T) {
	ctx := context.Background()
	s, q, clk := slowStore(t, "budget-replay", 1500, 1500)
	replayed := 0
	s.ScoreReplay = func(context.Context, deadletter.Batch) error { replayed++; return nil }
	start := clk.Now()
	err := s.Replay(ctx, "ffm01499") // the last score failure
	took := clk.Now().Sub(start)
	if !errors.Is(err, queue.ErrNotReached) || errors.Is(err, table.ErrNotFound) || replayed != 0 {
		t.Fatalf("replay past the budget: %v (not found: %v), replayed %d", err, errors.Is(err, table.ErrNotFound), replayed)
	}
	var ra interface{ RetryAfter() time.Duration }
	if !errors.As(err, &ra) || ra.RetryAfter() <= 0 {
		t.Fatalf("not reached without a Retry-After: %v", err)
	}
	if took > 15*time.Second {
		t.Fatalf("the replay took %v (%d SQS calls of a second), past its 15 s budget", took, q.calls)
	}
	if len(q.dlq.hidden)+len(q.failures.hidden) != 0 {
		t.Fatalf("%d messages left hidden", len(q.dlq.hidden)+len(q.failures.hidden))
	}
	// Within reach, it is replayed; read to the end, an unknown id is
	// not found.
	if err := s.Replay(ctx, "dm00003"); err != nil || q.sent != 1 || len(q.dlq.msgs) != 1499 {
		t.Fatalf("replay of a message within reach: %v, %d sent, %d left", err, q.sent, len(q.dlq.msgs))
	}
	small, _, _ := slowStore(t, "budget-small", 3, 3)
	if err := small.Replay(ctx, "no-such-id"); !errors.Is(err, table.ErrNotFound) || errors.Is(err, queue.ErrNotReached) {
		t.Fatalf("replay of an unknown id, every message seen: %v", err)
	}
}

// TestEmptyLongPollIsNotACallsCost: the empty push DLQ's receive waits out
// its long poll (a second) before the score failures are read; that wait
// is no measure of what a call costs, and reckoning every call after it
// at a second stopped the listing of 1,500 fast ones after a hundred.
func TestEmptyLongPollIsNotACallsCost(t *testing.T) {
	s, q, _ := slowStore(t, "budget-poll", 0, 1500)
	q.emptyPolls = true
	p, err := s.DeadPage(context.Background(), queue.DeadQuery{Limit: 50})
	if err != nil || p.Partial || p.Seen != 1500 {
		t.Fatalf("listing after an empty queue's long poll: partial %v, seen %d of 1500, %v", p.Partial, p.Seen, err)
	}
}
