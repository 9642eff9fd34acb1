package deadletter

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/privacy"
)

// Counts of an erasure's work on the push DLQ.
const (
	KindSQSDeadLetter = "sqs-deadletter"          // dead letters deleted
	KindSQSRedacted   = "sqs-deadletter-redacted" // MQA dead letters cut down to their id
)

// forgetHold hides each dead letter an erasure reads for longer than the
// admin function's 60-s timeout: none comes back while the erasure reads
// on, so an empty receive means every one was seen.
const forgetHold = 2 * time.Minute

// enqueuedAttr carries, on a dead letter put back redacted, when the
// original arrived (SentTimestamp, ms): it keeps its place in the listing.
const enqueuedAttr = "enqueued"

// Forget implements privacy.Forgetter for the push DLQ, as queue.Queue
// does for the table's queue: it reads every dead letter (not the
// listing's Max), deletes each about the person (privacy.Mentions), but
// puts an MQA's back cut down to its id (account.RedactMessage), since it
// is the colleagues' too; the others are released. A DLQ of more than
// ForgetMax messages is an error: the erasure cannot tell it saw them all.
// (The push queue itself cannot be read without taking its messages from
// the push function: its messages about the person are dropped when
// delivered, see push.Worker.Deliver. The score function's failure
// destination names stream positions, nobody's data.)
func (s *Store) Forget(ctx context.Context, sub privacy.Subject) (privacy.Removed, error) {
	r := privacy.Removed{}
	err := s.readAbout(ctx, erasure, sub, func(m sqstypes.Message) (bool, error) {
		kind, err := s.forget(ctx, m)
		if err != nil {
			return true, err
		}
		r.Add(kind, 1)
		return false, nil
	})
	return r, err
}

// Disclose implements privacy.Discloser: the dead letters Forget would
// delete (KindSQSDeadLetter) or put back redacted (KindSQSRedacted), each
// its body as it is now, read as Forget reads them (every one, none
// hidden, at most ForgetMax) and all released right after: it deletes and
// sends nothing.
func (s *Store) Disclose(ctx context.Context, sub privacy.Subject) (privacy.Disclosure, error) {
	d := privacy.Disclosure{}
	err := s.readAbout(ctx, disclosure, sub, func(m sqstypes.Message) (bool, error) {
		if body, ok := account.RedactMessage([]byte(aws.ToString(m.Body))); ok {
			// An MQA's names colleagues too: shown as Forget leaves it.
			return true, d.AddValue(KindSQSRedacted, map[string]any{"message": body, "note": "names the person among colleagues: shown cut down, as an erasure leaves it"})
		}
		return true, d.AddValue(KindSQSDeadLetter, view(PushDLQ, m))
	})
	return d, err
}

// A reader of the whole push DLQ, as its errors name it.
type reader struct{ holder, act, again string }

var (
	erasure    = reader{"an erasure", "the erasure", "erase again"}
	disclosure = reader{"a disclosure", "the disclosure", "ask again"}
)

// readAbout reads the whole push DLQ for an erasure or a disclosure, its
// turn held and no message hidden by another (an empty receive then means
// every one was seen), handing each dead letter about the person
// (privacy.Mentions) to about, which says whether it stays (is released);
// the others are released.
//
// Both run in the admin function, behind API Gateway (DELETE
// /admin/people, its disclosure; nothing erases from the sweep or
// asynchronously), so their waits, for the turn and for hidden messages,
// share the request's time (Within) and end in Busy while workFloor is
// left, before anything is read. The read itself is not cut short by it:
// an erasure stopped halfway would have deleted some of the person's dead
// letters and passed over the rest, so once begun it reads to the end
// (ForgetMax bounds it), its answer late rather than half done.
func (s *Store) readAbout(ctx context.Context, rd reader, sub privacy.Subject, about func(sqstypes.Message) (keep bool, err error)) error {
	return s.turn(ctx, rd.holder, forgetHold, func(end time.Time) error {
		// With the lease no other reader of Baton's receives, but a
		// message can still be hidden as the read begins: a reader's
		// release failed (it comes back after that reader's hold), or one
		// read without the lease. It would be passed over: read once none
		// is, or fail. Not counted again after the read: an erasure's own
		// release leaves SQS's approximate count high for a while on AWS,
		// and with the lease held nobody of Baton's hid one meanwhile.
		waitUntil := earlier(s.now().Add(s.leaseWait()), end.Add(-workFloor))
		for {
			n, err := s.hidden(ctx)
			if err == nil && n == 0 {
				return s.readAll(ctx, rd, sub, about)
			}
			if err != nil {
				return err
			}
			if s.now().Add(leasePoll).After(waitUntil) || s.sleep(ctx, leasePoll) != nil {
				return &Busy{After: forgetHold, Msg: fmt.Sprintf("%d push dead letters stay hidden (in flight) while %s reads: another reader holds them, or a reader's release failed; %s cannot tell whether they are about the person; %s in a few minutes", n, rd.act, rd.act, rd.again)}
			}
		}
	})
}

// hidden is how many of the push DLQ's messages are in flight (received
// and hidden) by SQS's approximate count.
func (s *Store) hidden(ctx context.Context) (int, error) {
	n, err := s.count(ctx, sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible)
	if err != nil {
		return 0, fmt.Errorf("deadletter: count the push DLQ's hidden messages for an erasure: %w", err)
	}
	return n, nil
}

// count sums the push DLQ's approximate counts named.
func (s *Store) count(ctx context.Context, names ...sqstypes.QueueAttributeName) (int, error) {
	return s.countOf(ctx, s.PushDLQ, names...)
}

// countOf is count of the queue at url.
func (s *Store) countOf(ctx context.Context, url string, names ...sqstypes.QueueAttributeName) (int, error) {
	out, err := s.SQS.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url), AttributeNames: names})
	if err != nil {
		return 0, err
	}
	total := 0
	for _, a := range names {
		n, err := strconv.Atoi(out.Attributes[string(a)])
		if err != nil {
			return 0, fmt.Errorf("SQS answered %s %q", a, out.Attributes[string(a)])
		}
		total += n
	}
	return total, nil
}

// readAll reads the push DLQ once (readAbout).
func (s *Store) readAll(ctx context.Context, rd reader, sub privacy.Subject, about func(sqstypes.Message) (bool, error)) error {
	var keep []sqstypes.Message
	var ferr error
	limit := s.ForgetMax
	if limit == 0 {
		limit = 10000
	}
	complete, err := s.scan(ctx, s.PushDLQ, forgetHold, limit, nil, func(m sqstypes.Message) bool {
		if !privacy.Mentions([]byte(aws.ToString(m.Body)), sub) {
			keep = append(keep, m)
			return true
		}
		stays, err := about(m)
		if stays || err != nil {
			keep = append(keep, m)
		}
		if err != nil {
			ferr = err
			return false
		}
		return true
	})
	s.release(ctx, s.PushDLQ, keep, nil)
	switch {
	case err != nil:
		return fmt.Errorf("deadletter: reading the push DLQ for %s: %w", rd.holder, err)
	case ferr != nil:
		return ferr
	case !complete:
		return fmt.Errorf("deadletter: the push DLQ holds more than %d messages (or they came back while read): %s cannot tell it found every one about the person; replay or purge the DLQ (POST /admin/deadletters/purge) and %s", limit, rd.act, rd.again)
	}
	return nil
}

// forget removes one dead letter about the person, returning its kind.
// An MQA's is sent back redacted before the original is deleted: a failed
// delete leaves both, and a retry redacts the original again (a
// duplicate, harmless: delivery is idempotent by MQA id).
func (s *Store) forget(ctx context.Context, m sqstypes.Message) (string, error) {
	kind := KindSQSDeadLetter
	if body, ok := account.RedactMessage([]byte(aws.ToString(m.Body))); ok {
		if err := s.putBack(ctx, m, string(body)); err != nil {
			return "", fmt.Errorf("deadletter: put back an MQA dead letter redacted for an erasure: %w", err)
		}
		kind = KindSQSRedacted
	}
	if _, err := s.SQS.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(s.PushDLQ), ReceiptHandle: m.ReceiptHandle}); err != nil {
		return "", fmt.Errorf("deadletter: delete a dead letter of an erased person: %w", err)
	}
	return kind, nil
}

// putBack sends a dead letter's new body to the DLQ (SQS cannot change a
// message) with its attributes: the reason it is there, the mql_id a
// replay sends, and when it first arrived.
func (s *Store) putBack(ctx context.Context, m sqstypes.Message, body string) error {
	attrs := maps.Clone(m.MessageAttributes)
	if attrs == nil {
		attrs = map[string]sqstypes.MessageAttributeValue{}
	}
	if _, ok := attrs[enqueuedAttr]; !ok {
		if sent := m.Attributes[string(sqstypes.MessageSystemAttributeNameSentTimestamp)]; sent != "" {
			attrs[enqueuedAttr] = sqstypes.MessageAttributeValue{DataType: aws.String("Number"), StringValue: aws.String(sent)}
		}
	}
	_, err := s.SQS.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(s.PushDLQ), MessageBody: aws.String(body), MessageAttributes: attrs})
	return err
}
