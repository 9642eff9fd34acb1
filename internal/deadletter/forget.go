package deadletter

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/baton-hq/baton/internal/privacy"
)

// KindSQSDeadLetter counts the push DLQ's messages an erasure deleted.
const KindSQSDeadLetter = "sqs-deadletter"

// Forget implements privacy.Forgetter for the push DLQ: a dead letter is an
// MQL with the person's email and attributes, listed by /admin/deadletters,
// so every one about the person (privacy.Mentions) is deleted; the others
// are released. (The push queue itself cannot be read without taking its
// messages from the push function: its messages about the person are
// dropped when delivered, see push.Worker.Deliver. The score function's
// failure destination names stream positions, nobody's data.)
func (s *Store) Forget(ctx context.Context, sub privacy.Subject) (privacy.Removed, error) {
	r := privacy.Removed{}
	got, err := s.scan(ctx, s.PushDLQ, func(sqstypes.Message) bool { return false })
	var keep []sqstypes.Message
	for _, m := range got {
		if !privacy.Mentions([]byte(aws.ToString(m.Body)), sub) {
			keep = append(keep, m)
			continue
		}
		if _, derr := s.SQS.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(s.PushDLQ), ReceiptHandle: m.ReceiptHandle}); derr != nil {
			keep = append(keep, m)
			if err == nil {
				err = fmt.Errorf("deadletter: delete a dead letter of an erased person: %w", derr)
			}
			continue
		}
		r.Add(KindSQSDeadLetter, 1)
	}
	s.release(ctx, s.PushDLQ, keep)
	return r, err
}
