package deadletter_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/deadletter"
	"github.com/baton-hq/baton/internal/queue"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// TestReplayOfAGoneBatchDeletesItsRecord: a score failure whose stream
// records are gone (past DynamoDB Streams' 24 hours) could never be
// replayed, yet its record stayed in the queue for its 14 days' retention,
// holding the ScoreFailures alarm all that time. A replay of it is still a
// 409 (nothing replayed) saying what to do, and now deletes the record.
func TestReplayOfAGoneBatchDeletesItsRecord(t *testing.T) {
	ctx := context.Background()
	c := moto.SQS(moto.Shared(t))
	s := newStore(t, c, clock.NewManual(t0), "gone")
	s.ScoreFailures = queueURL(t, c, "failures-gone")
	s.ScoreReplay = func(context.Context, deadletter.Batch) error { return deadletter.ErrBatchGone }
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(s.ScoreFailures), MessageBody: aws.String(failureOf(7))}); err != nil {
		t.Fatal(err)
	}
	list := func() []queue.Message {
		t.Helper()
		p, err := s.DeadPage(ctx, queue.DeadQuery{Limit: 10, Queue: deadletter.ScoreFailures})
		if err != nil {
			t.Fatal(err)
		}
		return p.Messages
	}
	ms := list()
	if len(ms) != 1 {
		t.Fatalf("score failures listed: %+v, want the one sent", ms)
	}
	err := s.Replay(ctx, ms[0].ID)
	if !errors.Is(err, queue.ErrExpired) || !errors.Is(err, queue.ErrNotDead) {
		t.Fatalf("replay of a gone batch: %v, want a 409 (gone)", err)
	}
	for _, want := range []string{"no longer holds", "record is deleted", "sweep queues again", "POST /admin/rescore"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the answer %q does not say %q", err, want)
		}
	}
	if ms := list(); len(ms) != 0 {
		t.Errorf("the gone batch's record is still listed: %d, %s", len(ms), ms[0].ID)
	}
}
