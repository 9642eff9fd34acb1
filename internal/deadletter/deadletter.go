// Package deadletter serves /admin/deadletters on AWS from the SQS
// dead-letter queues: the push DLQ (MQLs no connector would take, with the
// reason the push function gave, or moved there by the push queue's redrive
// policy) and the score function's failure destination (stream batches it
// gave up on, replayed by reading their records again: ScoreReplay). Locally the dead letters live in the table's
// queue (queue.Queue); both satisfy admin.DeadLetters.
//
// SQS has no way to look at a message without receiving it. Listing
// receives each message with a short visibility timeout (so that the next
// receive returns the next ones), keyed by MessageId, and then makes every
// received message visible again at once: nothing is consumed, and a
// release that fails only hides a message for that short while. Replay
// receives the same way until it meets the message (it needs the receipt
// handle), sends its body to the push queue and deletes it from the DLQ.
// Erasure (forget.go) reads the whole push DLQ the same way, hiding each
// message for the whole erasure; a disclosure reads it as the erasure does
// and releases every message after. A message one reader hides the others
// cannot see, so they take turns (lease.go); a purge (purge.go) empties
// the push DLQ when it is too large for an erasure to read.
package deadletter

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/baton-hq/baton/internal/queue"
	"github.com/baton-hq/baton/internal/sqsrelay"
	"github.com/baton-hq/baton/internal/table"
)

// SQS is the part of the SQS client the store uses.
type SQS interface {
	ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, opts ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	ChangeMessageVisibilityBatch(ctx context.Context, in *sqs.ChangeMessageVisibilityBatchInput, opts ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityBatchOutput, error)
	DeleteMessage(ctx context.Context, in *sqs.DeleteMessageInput, opts ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error)
	SendMessage(ctx context.Context, in *sqs.SendMessageInput, opts ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
	GetQueueAttributes(ctx context.Context, in *sqs.GetQueueAttributesInput, opts ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error)
	PurgeQueue(ctx context.Context, in *sqs.PurgeQueueInput, opts ...func(*sqs.Options)) (*sqs.PurgeQueueOutput, error)
}

// Queues are the queue URLs the store works on.
type Queues struct {
	Push          string // replayed MQLs go back here
	PushDLQ       string // dead MQLs: listed, replayed, deleted once replayed
	ScoreFailures string // optional: the score function's failure destination, listed, replayed with ScoreReplay
}

// Names of the queues in listed messages (queue.Message.Queue).
const (
	PushDLQ       = "push-dlq"
	ScoreFailures = "score-failures"
)

// ErrNotReplayable: the dead letter is a record of a failed stream batch
// and the store has no ScoreReplay, or the record names no batch.
// It is a queue.ErrNotDead: not a dead letter of the push queue.
var ErrNotReplayable error = notReplayable{why: "a score failure names stream records, not an MQL: it cannot be replayed to the push queue; rescore the people concerned (POST /admin/rescore)"}

// ErrBatchGone: the stream no longer holds the records a score failure
// names (DynamoDB Streams keep them 24 hours). A replay that meets it
// deletes the failure's record (ErrBatchGoneDeleted): kept, it held the
// ScoreFailures alarm for the queue's 14 days with nothing left to do
// about it but what the answer says.
var ErrBatchGone error = notReplayable{gone: true, why: "the stream no longer holds the records of this score failure (DynamoDB Streams keep them 24 hours from their arrival): rescore the people concerned (POST /admin/rescore)"}

// ErrBatchGoneDeleted is a replay of a score failure whose records the
// stream no longer holds: its record was deleted (the audit trail keeps
// the replay, the admin function's log the batch's shard and sequence
// numbers), so that the ScoreFailures alarm ends. A 409 all the same:
// nothing was replayed.
var ErrBatchGoneDeleted error = notReplayable{gone: true, why: "the stream no longer holds the records of this score failure (DynamoDB Streams keep them 24 hours from their arrival): nothing was replayed, and its record is deleted (the audit trail keeps this replay; the log, the batch's shard and sequence numbers). The sweep queues again any MQL the batch stored that never reached delivery (2 hours to 7 days after its raise); rescore the people concerned (POST /admin/rescore) to bring their scores up to date"}

// notReplayable answers 409 with its reason (queue.ErrNotDead, and
// queue.ErrExpired when what it names is gone).
type notReplayable struct {
	why  string
	gone bool
}

func (e notReplayable) Error() string { return e.why }

func (e notReplayable) Is(target error) bool {
	return target == queue.ErrNotDead || e.gone && target == queue.ErrExpired
}

// Store lists and replays the dead letters in SQS.
type Store struct {
	SQS SQS
	Queues
	T   table.Table      // holds the readers' lease (lease.go)
	Now func() time.Time // the lease's clock (the table's)
	// Sleep waits between asks for the lease (default: a timer); tests
	// hand their own.
	Sleep     func(ctx context.Context, d time.Duration) error
	LeaseWait time.Duration // how long a reader waits for its turn at most (default 20 s; less when Within would leave too little)
	// Within is how long a request takes, its wait for the turn and its
	// work together (default 25 s, within API Gateway's 29 s): the work
	// gets what the wait left of it, the wait stops when that would be
	// under 5 s (Busy). An erasure's read, once begun, runs to its end.
	Within time.Duration
	Run    time.Duration // the longest a reader runs: the admin function's timeout (default 60 s)
	Max    int           // most messages listed per queue (default 10,000)
	// Budget is how long the listing and a replay take, receiving and
	// releasing, every queue together (default 15 s, cut to what the
	// wait for the turn left of Within); what is not
	// received by then is not listed (DeadPage says Partial), and a
	// replay that did not meet its message is queue.ErrNotReached.
	Budget    time.Duration
	ForgetMax int           // most push dead letters an erasure reads; more is an error (default 10,000)
	Hold      time.Duration // how long a message listed stays hidden before its release (default 30 s)
	Wait      int32         // long-poll seconds of each receive (default 1: short polls can miss messages)
	// ScoreReplay reads a score failure's stream records again and
	// scores them as the score function would have (nil: a score
	// failure is not replayable). It returns ErrBatchGone when the stream
	// no longer holds them.
	ScoreReplay func(ctx context.Context, b Batch) error
}

// New is the store on the default AWS configuration, its lease in t on
// the clock now, or nil when no push DLQ is configured (the admin API then
// serves the table's queue).
func New(ctx context.Context, q Queues, t table.Table, now func() time.Time) (*Store, error) {
	if q.PushDLQ == "" {
		return nil, nil
	}
	if q.Push == "" {
		return nil, errors.New("deadletter: the push DLQ is configured without the push queue to replay to")
	}
	c, err := sqsrelay.NewClient(ctx)
	if err != nil {
		return nil, err
	}
	return &Store{SQS: c, Queues: q, T: t, Now: now}, nil
}

// Dead lists the dead letters of every configured queue, oldest first, with
// the reason each is there (queue.Message.LastError): as many as one
// listing receives (Max, Budget).
func (s *Store) Dead(ctx context.Context) ([]queue.Message, error) {
	out, _, err := s.list(ctx, "")
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b queue.Message) int { return a.Enqueued.Compare(b.Enqueued) })
	return out, nil
}

// DeadPage is a page of the dead letters of every configured queue (or of
// q.Queue's), in the order they arrived in the DLQ, with the total.
//
// SQS cannot page: a queue has no order to resume in, nothing can be
// read without receiving it, and what one receive returns is SQS's
// choice. So every page receives the whole queue again (up to Max, within
// Budget), orders it by arrival and cuts the page after the cursor (an
// arrival time and a MessageId, which hold from one listing to the next).
// The naming reads of a page are bounded by its size; the receives are
// not, which is why Max is as high as an erasure's read (ForgetMax's
// 10,000) and Budget (receiving and releasing alike) keeps a request
// within API Gateway's 29 s. When the
// listing could not see every message (more than Max, or Budget spent),
// the page says Partial and Total is SQS's approximate count: the unseen
// are reachable only once replays (or a purge) have made room.
func (s *Store) DeadPage(ctx context.Context, q queue.DeadQuery) (queue.DeadPage, error) {
	if q.Queue != "" && q.Queue != PushDLQ && (q.Queue != ScoreFailures || s.ScoreFailures == "") {
		return queue.DeadPage{Messages: []queue.Message{}}, nil
	}
	all, complete, err := s.list(ctx, q.Queue)
	if err != nil {
		return queue.DeadPage{}, err
	}
	p, err := queue.PageDead(all, q)
	if err != nil || complete {
		return p, err
	}
	p.Partial = true
	n := 0
	for _, named := range s.queues() {
		if q.Queue != "" && named.name != q.Queue {
			continue
		}
		c, err := s.countOf(ctx, named.url, sqstypes.QueueAttributeNameApproximateNumberOfMessages, sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible)
		if err != nil {
			return queue.DeadPage{}, fmt.Errorf("deadletter: count %s: %w", named.name, err)
		}
		n += c
	}
	// The approximate count includes what this listing hides meanwhile
	// (NotVisible); never fewer than were seen.
	p.Total = max(n, p.Total)
	return p, nil
}

// list receives the dead letters of every queue (or only's), in the
// readers' turn, and releases them; complete: every queue was read to
// its end. One deadline covers the whole request, receiving and
// releasing (deadline), and leaves room for DeadPage's counts.
func (s *Store) list(ctx context.Context, only string) (out []queue.Message, complete bool, err error) {
	out, complete = []queue.Message{}, true
	err = s.turn(ctx, "the listing", s.hold(), func(end time.Time) error {
		d := s.deadline(end, len(s.queues()))
		for _, q := range s.queues() {
			if only != "" && q.name != only {
				continue
			}
			got, done, err := s.collect(ctx, q.url, d, func(sqstypes.Message) bool { return false })
			s.release(ctx, q.url, got, d)
			if err != nil {
				return err
			}
			complete = complete && done
			for _, m := range got {
				out = append(out, view(q.name, m))
			}
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return out, complete, nil
}

// Replay sends a push dead letter (by MessageId) back to the push queue and
// deletes it from the DLQ; a score failure is scored again (ScoreReplay)
// and deleted. An id in no queue is table.ErrNotFound; one the receives
// could not reach in time (or within Max) is queue.ErrNotReached: it may
// be there still.
func (s *Store) Replay(ctx context.Context, id string) error {
	return s.turn(ctx, "a replay", s.hold(), func(end time.Time) error { return s.replay(ctx, id, end) })
}

// replayCalls are the SQS calls a replay makes once it has found its
// message (send and delete), kept out of the receiving's time.
const replayCalls = 2

func (s *Store) replay(ctx context.Context, id string, end time.Time) error {
	// One deadline for every queue: the second queue's receives get what
	// the first's left, not a budget of their own.
	d := s.deadline(end, replayCalls)
	complete := true
	for _, q := range s.queues() {
		got, done, err := s.collect(ctx, q.url, d, func(m sqstypes.Message) bool { return aws.ToString(m.MessageId) == id })
		if err != nil || len(got) == 0 || aws.ToString(got[len(got)-1].MessageId) != id {
			s.release(ctx, q.url, got, d)
			if err != nil {
				return err
			}
			complete = complete && done
			continue
		}
		found := got[len(got)-1]
		s.release(ctx, q.url, got[:len(got)-1], d)
		if q.name != PushDLQ {
			return s.replayScore(ctx, q.url, found)
		}
		if err := s.resend(ctx, found); err != nil {
			s.release(ctx, q.url, []sqstypes.Message{found}, nil)
			return err
		}
		// Sent: a failed delete leaves a copy here, which a second replay
		// would deliver again; delivery is idempotent by MQL id.
		if _, err := s.SQS.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(q.url), ReceiptHandle: found.ReceiptHandle}); err != nil {
			return fmt.Errorf("deadletter: replayed %s but could not delete it from the DLQ: %w", id, err)
		}
		return nil
	}
	if !complete {
		// Not seen, but not every message was: it may be among the rest
		// (SQS hands them in no order, so another try may reach it).
		return &notReached{id: id}
	}
	return fmt.Errorf("deadletter: %s: %w", id, table.ErrNotFound)
}

// notReached is a replay that did not meet its message before its
// deadline (or Max): queue.ErrNotReached, a 503 to be tried again.
type notReached struct{ id string }

func (e *notReached) Error() string {
	return "deadletter: " + e.id + " was not reached: SQS lets a replay receive only part of the dead-letter queues in its time, and it was not among them; it may still be there: try again, or replay or purge others first to make room"
}

func (e *notReached) Is(target error) bool { return target == queue.ErrNotReached }

// RetryAfter: SQS hands messages in no set order, so the next try may
// reach it; the replay released what it received.
func (e *notReached) RetryAfter() time.Duration { return leasePoll }

// replayScore scores a failed stream batch again (ScoreReplay) and, done,
// deletes its record. Scoring is idempotent, so a batch replayed twice (a
// failed delete, a record Lambda sent twice) counts once; what failed it
// may fail it again, and then the record stays, with the error.
func (s *Store) replayScore(ctx context.Context, url string, m sqstypes.Message) error {
	b, ok := batchOf(aws.ToString(m.Body))
	if s.ScoreReplay == nil || !ok {
		s.release(ctx, url, []sqstypes.Message{m}, nil)
		return ErrNotReplayable
	}
	if err := s.ScoreReplay(ctx, b); err != nil {
		if errors.Is(err, ErrBatchGone) {
			// Nothing can be replayed from it, ever: kept, it only held
			// the alarm until the queue's retention dropped it.
			if _, derr := s.SQS.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle}); derr != nil {
				s.release(ctx, url, []sqstypes.Message{m}, nil)
				return fmt.Errorf("deadletter: score failure %s: its records are gone, and its record could not be deleted: %w", aws.ToString(m.MessageId), derr)
			}
			return ErrBatchGoneDeleted
		}
		s.release(ctx, url, []sqstypes.Message{m}, nil)
		if errors.Is(err, queue.ErrNotDead) {
			return err
		}
		return fmt.Errorf("deadletter: score failure %s: %w", aws.ToString(m.MessageId), err)
	}
	if _, err := s.SQS.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle}); err != nil {
		return fmt.Errorf("deadletter: scored %s again but could not delete its record: %w", aws.ToString(m.MessageId), err)
	}
	return nil
}

type named struct{ name, url string }

func (s *Store) queues() []named {
	qs := []named{{PushDLQ, s.PushDLQ}}
	if s.ScoreFailures != "" {
		qs = append(qs, named{ScoreFailures, s.ScoreFailures})
	}
	return qs
}

// collect is scan's messages, up to Max, received while d leaves time,
// hidden for Hold; when stop picks one it is the last. The caller
// releases them. complete: the queue was read to its end.
func (s *Store) collect(ctx context.Context, url string, d *deadline, stop func(sqstypes.Message) bool) ([]sqstypes.Message, bool, error) {
	var out []sqstypes.Message
	complete, err := s.scan(ctx, url, s.hold(), cmp.Or(s.Max, listMax), d, func(m sqstypes.Message) bool {
		out = append(out, m)
		return !stop(m)
	})
	return out, complete, err
}

// listMax is the listing's default Max: as many as an erasure reads in a
// request (ForgetMax), so that the listing (and a replay, which receives
// until it meets its message) reaches as far as SQS lets a request see.
const listMax = 10000

// hold is how long the listing and a replay hide what they receive.
func (s *Store) hold() time.Duration { return cmp.Or(s.Hold, 30*time.Second) }

// budget is how long the listing and a replay take, receiving and
// releasing (Budget, default 15 s): within API Gateway's 29 s with the
// page's naming reads, and within hold, so that no message comes back
// while they read.
func (s *Store) budget() time.Duration { return cmp.Or(s.Budget, 15*time.Second) }

// deadline is one request's end (Budget from its turn, or the request's
// end, the wait for the turn included, if sooner), shared by every
// queue it reads. Receiving stops while there is still time to release
// everything received (a call per ten messages) and to make reserve
// calls more; each SQS call is reckoned to take as long as the longest
// seen so far. Stopping receiving by the clock alone left the releases
// (as many calls again) and a second queue's fresh budget past API
// Gateway's 29 s.
type deadline struct {
	until   time.Time
	reserve int           // calls after the receiving (DeadPage's counts, a replay's send and delete)
	call    time.Duration // the longest SQS call seen
	held    int           // messages received and not released yet
}

func (s *Store) deadline(end time.Time, reserve int) *deadline {
	return &deadline{until: earlier(s.now().Add(s.budget()), end), reserve: reserve}
}

// receivable: one more receive (up to ten messages) can be made and
// everything released, and reserve calls made, by until. nil: no end.
func (d *deadline) receivable(now time.Time) bool {
	if d == nil {
		return true
	}
	if !now.Before(d.until) {
		return false
	}
	calls := 1 + (d.held+10+9)/10 + d.reserve
	return !now.Add(time.Duration(calls) * d.call).After(d.until)
}

// took records an SQS call's time.
func (d *deadline) took(since, now time.Time) {
	if d != nil {
		d.call = max(d.call, now.Sub(since))
	}
}

// scan receives the queue's messages, each once by MessageId, hidden for
// hold, handing each to visit until it returns false. It is complete when
// a receive finds none (a long poll asks every SQS server); not after
// limit messages, nor once d leaves no time for another receive (nil: no
// end), nor when a receive brings back only messages already handed
// (their hold ran out: "nothing new" then proves nothing). What it
// receives and does not hand to visit it releases.
func (s *Store) scan(ctx context.Context, url string, hold time.Duration, limit int, d *deadline, visit func(sqstypes.Message) bool) (complete bool, err error) {
	seen := map[string]bool{}
	for len(seen) < limit {
		start := s.now()
		if !d.receivable(start) {
			return false, nil
		}
		r, err := s.SQS.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(url), MaxNumberOfMessages: int32(min(10, limit-len(seen))),
			VisibilityTimeout: int32(hold / time.Second), WaitTimeSeconds: cmp.Or(s.Wait, 1),
			MessageAttributeNames:       []string{"All"},
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameSentTimestamp},
		})
		if err != nil {
			return false, err
		}
		if len(r.Messages) == 0 {
			return true, nil
		}
		// Only a receive that brought messages: an empty one waited out
		// its long poll (a second of an empty queue), which is no
		// measure of what the next call costs.
		d.took(start, s.now())
		if d != nil {
			d.held += len(r.Messages)
		}
		var again []sqstypes.Message // handed before, received again: hidden anew
		fresh := 0
		for i, m := range r.Messages {
			id := aws.ToString(m.MessageId)
			if seen[id] {
				again = append(again, m)
				continue
			}
			seen[id] = true
			fresh++
			if !visit(m) {
				s.release(ctx, url, append(again, r.Messages[i+1:]...), d) // received, never handed
				return false, nil
			}
		}
		s.release(ctx, url, again, d)
		if fresh == 0 {
			return false, nil
		}
	}
	return false, nil
}

// release makes received messages visible again, ten per call, counting
// its calls against d (nil: none). It runs even when ctx has ended or d
// has passed; a failure only leaves them hidden for Hold.
func (s *Store) release(ctx context.Context, url string, ms []sqstypes.Message, d *deadline) {
	ctx = context.WithoutCancel(ctx)
	for i := 0; i < len(ms); i += 10 {
		var entries []sqstypes.ChangeMessageVisibilityBatchRequestEntry
		for j, m := range ms[i:min(i+10, len(ms))] {
			entries = append(entries, sqstypes.ChangeMessageVisibilityBatchRequestEntry{
				Id: aws.String(strconv.Itoa(j)), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0,
			})
		}
		start := s.now()
		s.SQS.ChangeMessageVisibilityBatch(ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(url), Entries: entries})
		d.took(start, s.now())
	}
	if d != nil {
		d.held = max(0, d.held-len(ms))
	}
}

// resend puts a dead MQL back on the push queue as the relay sent it (body
// and mql_id attribute), as a new message with its receive count at zero.
func (s *Store) resend(ctx context.Context, m sqstypes.Message) error {
	attrs := map[string]sqstypes.MessageAttributeValue{}
	if a, ok := m.MessageAttributes["mql_id"]; ok && aws.ToString(a.StringValue) != "" {
		attrs["mql_id"] = sqstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: a.StringValue}
	} else {
		var mql struct {
			ID string `json:"id"`
		}
		if json.Unmarshal([]byte(aws.ToString(m.Body)), &mql) == nil && mql.ID != "" {
			attrs["mql_id"] = sqstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(mql.ID)}
		}
	}
	_, err := s.SQS.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(s.Push), MessageBody: m.Body, MessageAttributes: attrs})
	return err
}

// view is a dead letter as the admin API shows it.
func view(queueName string, m sqstypes.Message) queue.Message {
	body := aws.ToString(m.Body)
	out := queue.Message{ID: aws.ToString(m.MessageId), Body: json.RawMessage(body), State: "dead", Queue: queueName}
	if !json.Valid([]byte(body)) {
		out.Body, _ = json.Marshal(body) // an undecodable message, shown as a string
	}
	sent := m.Attributes[string(sqstypes.MessageSystemAttributeNameSentTimestamp)]
	if a, ok := m.MessageAttributes[enqueuedAttr]; ok { // put back redacted by an erasure
		sent = aws.ToString(a.StringValue)
	}
	if ms, err := strconv.ParseInt(sent, 10, 64); err == nil {
		out.Enqueued = time.UnixMilli(ms).UTC()
	}
	if a, ok := m.MessageAttributes["reason"]; ok {
		out.LastError = aws.ToString(a.StringValue)
	}
	if out.LastError == "" {
		switch queueName {
		case ScoreFailures:
			out.LastError = scoreFailureReason(body)
		default:
			out.LastError = "delivery kept failing: SQS moved it here after the push queue's maxReceiveCount receives"
		}
	}
	return out
}

// scoreFailureReason reads the invocation record Lambda sends to an event
// source mapping's on-failure destination.
func scoreFailureReason(body string) string {
	var rec failureRecord
	if json.Unmarshal([]byte(body), &rec) != nil {
		return "score: a stream batch failed (unreadable failure record)"
	}
	s := "score: stream batch failed"
	if c := rec.RequestContext.Condition; c != "" {
		s += " (" + c
		if e := rec.ResponseContext.FunctionError; e != "" {
			s += ", " + e
		}
		s += ")"
	}
	if n := rec.RequestContext.ApproximateInvokeCount; n > 0 {
		s += fmt.Sprintf(" after %d invocations", n)
	}
	if b := rec.Batch; b.Start != "" {
		s += fmt.Sprintf(": %d records %s..%s of shard %s, arrived %s..%s", b.BatchSize, b.Start, b.End, b.ShardID, b.FirstArrival, b.LastArrival)
	}
	return s + "; replay it while the stream holds its records (24 hours), or rescore the people concerned (POST /admin/rescore)"
}

// failureRecord is the invocation record Lambda sends to an event source
// mapping's on-failure destination for a DynamoDB stream batch.
type failureRecord struct {
	RequestContext struct {
		Condition              string `json:"condition"`
		ApproximateInvokeCount int    `json:"approximateInvokeCount"`
	} `json:"requestContext"`
	ResponseContext struct {
		FunctionError string `json:"functionError"`
	} `json:"responseContext"`
	Batch struct {
		StreamARN    string `json:"streamArn"`
		ShardID      string `json:"shardId"`
		Start        string `json:"startSequenceNumber"`
		End          string `json:"endSequenceNumber"`
		BatchSize    int    `json:"batchSize"`
		FirstArrival string `json:"approximateArrivalOfFirstRecord"`
		LastArrival  string `json:"approximateArrivalOfLastRecord"`
	} `json:"DDBStreamBatchInfo"`
}

// Batch names the stream records of a score failure.
type Batch struct{ StreamARN, Shard, Start, End string }

// batchOf reads the records a score failure names.
func batchOf(body string) (Batch, bool) {
	var rec failureRecord
	if json.Unmarshal([]byte(body), &rec) != nil {
		return Batch{}, false
	}
	b := rec.Batch
	return Batch{b.StreamARN, b.ShardID, b.Start, b.End}, b.StreamARN != "" && b.ShardID != "" && b.Start != "" && b.End != ""
}
