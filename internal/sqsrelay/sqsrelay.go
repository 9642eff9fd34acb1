// Package sqsrelay sends MQLs written to the table on to the push queue
// (SQS), from the table's stream: the MQL item and its delivery are never
// out of step, because the stream replays until the send succeeded.
package sqsrelay

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/baton-hq/baton/internal/account"
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

// New builds a relay from the default AWS configuration.
func New(ctx context.Context, queueURL string) (*Relay, error) {
	c, err := NewClient(ctx)
	if err != nil {
		return nil, err
	}
	return &Relay{SQS: c, QueueURL: queueURL}, nil
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

// SendAccount sends one MQA (as account.MQA.Message shapes it: its id and
// the MQA under "mqa"), idempotent downstream by its id like an MQL.
func (r *Relay) SendAccount(ctx context.Context, m account.MQA) error {
	return r.send(ctx, m.ID, m.Message())
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
	if len(reason) > 1000 {
		reason = reason[:1000]
	}
	_, err := r.SQS.SendMessage(ctx, &sqs.SendMessageInput{
		QueueUrl:    aws.String(r.QueueURL),
		MessageBody: aws.String(body),
		MessageAttributes: map[string]sqstypes.MessageAttributeValue{
			"reason": {DataType: aws.String("String"), StringValue: aws.String(reason)},
		},
	})
	return err
}
