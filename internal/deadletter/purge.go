package deadletter

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// Count is how many messages the push DLQ holds, visible and in flight
// (SQS's approximate counts): the number a purge is confirmed with.
func (s *Store) Count(ctx context.Context) (int, error) {
	n, err := s.count(ctx, sqstypes.QueueAttributeNameApproximateNumberOfMessages, sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible)
	if err != nil {
		return 0, fmt.Errorf("deadletter: count the push DLQ: %w", err)
	}
	return n, nil
}

// DeadCount is how many dead letters the listing would show, from SQS's
// approximate counts of each queue it lists (visible and in flight), no
// message received: cheap enough for the workspace's every page, where
// the listing (Dead) receives them all in the readers' turn.
func (s *Store) DeadCount(ctx context.Context) (int, error) {
	total := 0
	for _, q := range s.queues() {
		n, err := s.countOf(ctx, q.url, sqstypes.QueueAttributeNameApproximateNumberOfMessages, sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible)
		if err != nil {
			return 0, fmt.Errorf("deadletter: count %s: %w", q.name, err)
		}
		total += n
	}
	return total, nil
}

// Purge deletes every message of the push DLQ (SQS's PurgeQueue: in
// flight too, within a minute), in the readers' turn. It is the way out
// of a DLQ too large for an erasure to read (ForgetMax). SQS takes one
// purge a minute: another is Busy.
func (s *Store) Purge(ctx context.Context) error {
	return s.turn(ctx, "a purge", 0, func(time.Time) error {
		_, err := s.SQS.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(s.PushDLQ)})
		var inProgress *sqstypes.PurgeQueueInProgress
		if errors.As(err, &inProgress) {
			return &Busy{Holder: "a purge (SQS takes one a minute)", After: time.Minute}
		}
		if err != nil {
			return fmt.Errorf("deadletter: purge the push DLQ: %w", err)
		}
		return nil
	})
}
