// Package sqsrelay sends MQLs written to the table on to the push queue
// (SQS), from the table's stream: the MQL item and its delivery are never
// out of step, because the stream replays until the send succeeded.
package sqsrelay

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/baton-hq/baton/internal/account"
	batonconfig "github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/qualify"
)

// Sender is the part of the SQS client the relay uses.
type Sender interface {
	SendMessage(ctx context.Context, in *sqs.SendMessageInput, opts ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
}

// Relay sends MQLs to one queue.
type Relay struct {
	SQS      Sender
	QueueURL string
}

// New builds a relay from the default AWS configuration. The queue URL
// must be one (CheckQueueURL): a relay without a queue would start and
// then fail every send, each failed stream batch retried until Lambda
// gives it up, with the MQLs it held.
func New(ctx context.Context, queueURL string) (*Relay, error) {
	if err := CheckQueueURL(queueURL); err != nil {
		return nil, fmt.Errorf("sqsrelay: %w", err)
	}
	c, err := NewClient(ctx)
	if err != nil {
		return nil, err
	}
	return &Relay{SQS: c, QueueURL: queueURL}, nil
}

// PushFromEnv is the relay to the push queue the template names
// (BATON_PUSH_QUEUE_URL): the score function's, and the sweep's for
// MQLs whose relay was lost.
func PushFromEnv(ctx context.Context, getenv func(string) string) (*Relay, error) {
	url, err := QueueURL(getenv, "BATON_PUSH_QUEUE_URL")
	if err != nil {
		return nil, err
	}
	return New(ctx, url)
}

// CheckQueueURL says what is wrong with an SQS queue URL
// (https://sqs.<region>.amazonaws.com/<account>/<queue>, or a local
// endpoint's http URL of that path): empty, a queue's name or ARN where its
// URL belongs, or no account and queue in the path. SQS names a queue by
// its URL only; anything else fails each request, not the start.
func CheckQueueURL(s string) error {
	if s == "" {
		return fmt.Errorf("no queue URL")
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%q is not a queue URL (https://sqs.<region>.amazonaws.com/<account>/<queue>; not its name or ARN)", s)
	}
	if parts := strings.Split(strings.Trim(u.Path, "/"), "/"); len(parts) != 2 || parts[0] == "" || parts[1] == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%q is not a queue URL: its path must be /<account>/<queue>", s)
	}
	return nil
}

// QueueURL reads the queue URL a deployed function is given in the
// environment variable name; missing or not a queue URL, an error naming
// the variable, so that the function refuses to start (a cold start's
// error, in the function's log and its Errors alarm) instead of failing
// every batch it later receives.
func QueueURL(getenv func(string) string, name string) (string, error) {
	v := getenv(name)
	if err := CheckQueueURL(v); err != nil {
		problem := err.Error()
		if v == "" {
			problem = "required: the SQS queue URL the template sets"
		}
		return "", &batonconfig.Error{Setting: name, Problem: problem}
	}
	return v, nil
}

// NewClient is an SQS client from the default AWS configuration (the
// function's role on Lambda).
func NewClient(ctx context.Context) (*sqs.Client, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
	}
	return sqs.NewFromConfig(cfg), nil
}

// Send sends one MQL; the MQL id travels as a message attribute so the push
// side stays idempotent even when SQS delivers twice.
func (r *Relay) Send(ctx context.Context, m qualify.MQL) error {
	return r.send(ctx, m.ID, m)
}

// SendAccount sends one MQA (as account.MQA.Message shapes it: its id,
// the stored MQA read by it on delivery), idempotent downstream by its id
// like an MQL.
func (r *Relay) SendAccount(ctx context.Context, m account.MQA) error {
	return r.send(ctx, m.ID, m.Message())
}

// SendReinquiry sends a form sent after the person's MQL
// (push.ReinquiryMessage's shape), idempotent downstream by its id.
func (r *Relay) SendReinquiry(ctx context.Context, q qualify.Reinquiry) error {
	return r.send(ctx, q.ID, map[string]any{"reinquiry": q})
}

// SendAttendance sends an MQL's touch marked absent, or attended again
// (push.AttendanceMessage's shape), idempotent downstream by its id.
func (r *Relay) SendAttendance(ctx context.Context, a qualify.Attendance) error {
	return r.send(ctx, a.ID, map[string]any{"attendance": a})
}

// SendBody sends a push queue message of another shape (an MQL to one
// connector: push.Worker.SendTo), idempotent downstream by its MQL's
// delivery record; SQS cannot tell a repeat, so none is refused here.
func (r *Relay) SendBody(ctx context.Context, id string, body any) error {
	return r.send(ctx, id, body)
}

func (r *Relay) send(ctx context.Context, id string, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = r.SQS.SendMessage(ctx, &sqs.SendMessageInput{
		QueueUrl:    aws.String(r.QueueURL),
		MessageBody: aws.String(string(body)),
		MessageAttributes: map[string]sqstypes.MessageAttributeValue{
			"mql_id": {DataType: aws.String("String"), StringValue: aws.String(id)},
		},
	})
	return err
}

// DeadLetter sends a message body to the queue (the DLQ) with the reason.
func (r *Relay) DeadLetter(ctx context.Context, body, reason string) error {
	reason = attributeText(reason, 1000)
	_, err := r.SQS.SendMessage(ctx, &sqs.SendMessageInput{
		QueueUrl:    aws.String(r.QueueURL),
		MessageBody: aws.String(body),
		MessageAttributes: map[string]sqstypes.MessageAttributeValue{
			"reason": {DataType: aws.String("String"), StringValue: aws.String(reason)},
		},
	})
	return err
}

// attributeText is s as a String message attribute takes it, at most max
// bytes: SQS refuses an empty value and, as in a message body, characters
// outside #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF (a
// control character in an SFA's error text: the dead letter itself was
// refused, the message retried until its redrive moved it without its
// reason). Each such character, and bytes that are not UTF-8, become
// U+FFFD; the cut falls between characters (a byte cut split a Japanese
// character of kintone's message).
func attributeText(s string, max int) string {
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if !(r == 0x9 || r == 0xA || r == 0xD || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
			r = utf8.RuneError
		}
		if b.Len()+utf8.RuneLen(r) > max {
			break
		}
		b.WriteRune(r)
	}
	if b.Len() == 0 {
		return "(no reason given)"
	}
	return b.String()
}
