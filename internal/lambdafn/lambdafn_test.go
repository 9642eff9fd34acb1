package lambdafn_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/app"
	"github.com/baton-hq/baton/internal/lambdafn"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/sqsrelay"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/testutil/lambdatest"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// recorder passes the push function's SQS calls to moto and keeps the
// visibility changes, so a test can check the exact delay as well as what
// moto (which honours ChangeMessageVisibility) makes of it.
type recorder struct {
	*sqs.Client
	mu         sync.Mutex
	visibility map[string]int32 // receipt handle -> seconds
}

func (r *recorder) ChangeMessageVisibility(ctx context.Context, in *sqs.ChangeMessageVisibilityInput, opts ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error) {
	r.mu.Lock()
	r.visibility[aws.ToString(in.ReceiptHandle)] = in.VisibilityTimeout
	r.mu.Unlock()
	return r.Client.ChangeMessageVisibility(ctx, in, opts...)
}

var queues = 0

// pushSetup creates a push queue and its DLQ on moto and an App whose only
// connector is a webhook answering with status and Retry-After.
func pushSetup(t *testing.T, status int, retryAfter string) (*app.App, *recorder, lambdafn.PushQueues) {
	t.Helper()
	return pushSetupAnswering(t, status, retryAfter, fmt.Sprintf("status %d", status))
}

// pushSetupAnswering is pushSetup with the webhook's answer's body.
func pushSetupAnswering(t *testing.T, status int, retryAfter, body string) (*app.App, *recorder, lambdafn.PushQueues) {
	t.Helper()
	sfa := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(sfa.Close)
	a := lambdatest.NewApp(t, "BATON_WEBHOOK_URL", sfa.URL, "BATON_WEBHOOK_SECRET", "whsec_c2VjcmV0LWZvci1mZWVkYmFjay10ZXN0cw==")
	c := moto.SQS(moto.Shared(t))
	queues++
	name := strings.NewReplacer("/", "-", "_", "-").Replace(fmt.Sprintf("%s-%d", t.Name(), queues))
	urls := lambdafn.PushQueues{}
	for _, q := range []struct {
		url  *string
		name string
	}{{&urls.DeadLetterURL, name + "-dlq"}, {&urls.URL, name}} {
		out, err := c.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String(q.name), Attributes: map[string]string{"VisibilityTimeout": "360"}})
		if err != nil {
			t.Fatal(err)
		}
		*q.url = *out.QueueUrl
	}
	return a, &recorder{Client: c, visibility: map[string]int32{}}, urls
}

// enqueueMQL relays an MQL of a new person to the push queue, as the score
// function does, and receives it as the event source mapping would.
func enqueueMQL(t *testing.T, a *app.App, c *sqs.Client, url string) events.SQSMessage {
	t.Helper()
	ctx := context.Background()
	p, _, err := a.People.Ensure(ctx, "backoff@example.com", "form")
	if err != nil {
		t.Fatal(err)
	}
	m := qualify.MQL{ID: p.ID + "-c1", Person: p.ID, Email: "backoff@example.com", Cycle: 1, At: lambdatest.T0, Condition: "hot-and-fit"}
	if err := (&sqsrelay.Relay{SQS: c, QueueURL: url}).Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	msgs := receive(t, c, url)
	if len(msgs) != 1 {
		t.Fatalf("received %d messages", len(msgs))
	}
	return msgs[0]
}

func receive(t *testing.T, c *sqs.Client, url string) []events.SQSMessage {
	t.Helper()
	r, err := c.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{
		QueueUrl: aws.String(url), MaxNumberOfMessages: 10,
		MessageAttributeNames:       []string{"All"},
		MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
	})
	if err != nil {
		t.Fatal(err)
	}
	var out []events.SQSMessage
	for _, m := range r.Messages {
		msg := events.SQSMessage{MessageId: *m.MessageId, ReceiptHandle: *m.ReceiptHandle, Body: *m.Body, Attributes: m.Attributes, MessageAttributes: map[string]events.SQSMessageAttribute{}}
		for k, a := range m.MessageAttributes {
			msg.MessageAttributes[k] = events.SQSMessageAttribute{StringValue: a.StringValue, DataType: aws.ToString(a.DataType)}
		}
		out = append(out, msg)
	}
	return out
}

func notVisible(t *testing.T, c *sqs.Client, url string) string {
	t.Helper()
	a, err := c.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible, sqstypes.QueueAttributeNameApproximateNumberOfMessages}})
	if err != nil {
		t.Fatal(err)
	}
	return a.Attributes["ApproximateNumberOfMessages"] + " visible, " + a.Attributes["ApproximateNumberOfMessagesNotVisible"] + " not visible"
}

// TestPushBacksOffOnRetryAfter: a connector answering 429 with Retry-After
// 7 s leaves the message on the push queue, hidden for exactly 7 s (its
// visibility timeout changed from the queue's 360 s), reported as a batch
// item failure; nothing is dead-lettered.
func TestPushBacksOffOnRetryAfter(t *testing.T) {
	a, c, q := pushSetup(t, http.StatusTooManyRequests, "7")
	msg := enqueueMQL(t, a, c.Client, q.URL)
	// The event source mapping has the message in flight: release it, so
	// that what hides it afterwards is the handler's visibility change.
	if _, err := c.Client.ChangeMessageVisibility(context.Background(), &sqs.ChangeMessageVisibilityInput{QueueUrl: &q.URL, ReceiptHandle: &msg.ReceiptHandle, VisibilityTimeout: 0}); err != nil {
		t.Fatal(err)
	}
	if got := notVisible(t, c.Client, q.URL); got != "1 visible, 0 not visible" {
		t.Fatalf("before the push: %s", got)
	}
	resp, err := lambdafn.Push(a.Pusher, c, q)(context.Background(), events.SQSEvent{Records: []events.SQSMessage{msg}})
	if err != nil || len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != msg.MessageId {
		t.Fatalf("failures %+v %v", resp.BatchItemFailures, err)
	}
	if got := c.visibility[msg.ReceiptHandle]; got != 7 {
		t.Fatalf("visibility timeout %d s, want the Retry-After's 7 (changes %v)", got, c.visibility)
	}
	if again := receive(t, c.Client, q.URL); len(again) != 0 {
		t.Fatalf("the message is receivable right after backing off: %+v", again)
	}
	if got := notVisible(t, c.Client, q.URL); got != "0 visible, 1 not visible" {
		t.Fatalf("after the push: %s", got)
	}
	if dead := receive(t, c.Client, q.DeadLetterURL); len(dead) != 0 {
		t.Fatalf("dead-lettered a transient failure: %+v", dead)
	}
}

// TestPushBackoffSchedule: without Retry-After the delay grows with the
// message's ApproximateReceiveCount (exponential, jittered, capped), and a
// Retry-After beyond SQS's 12 h is capped below it (moto accepts it).
func TestPushBackoffSchedule(t *testing.T) {
	cases := []struct {
		name       string
		status     int
		retryAfter string
		receives   string
		lo, hi     time.Duration
	}{
		{"first", http.StatusServiceUnavailable, "", "1", time.Second, 2 * time.Second},
		{"fifth", http.StatusServiceUnavailable, "", "5", 16 * time.Second, 32 * time.Second},
		{"capped", http.StatusServiceUnavailable, "", "300", 450 * time.Second, 900 * time.Second},
		{"daily-limit", http.StatusTooManyRequests, "86400", "1", lambdafn.MaxVisibility, lambdafn.MaxVisibility},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, c, q := pushSetup(t, tc.status, tc.retryAfter)
			msg := enqueueMQL(t, a, c.Client, q.URL)
			msg.Attributes["ApproximateReceiveCount"] = tc.receives
			resp, err := lambdafn.Push(a.Pusher, c, q)(context.Background(), events.SQSEvent{Records: []events.SQSMessage{msg}})
			if err != nil || len(resp.BatchItemFailures) != 1 {
				t.Fatalf("failures %+v %v", resp.BatchItemFailures, err)
			}
			got := time.Duration(c.visibility[msg.ReceiptHandle]) * time.Second
			if got < tc.lo || got > tc.hi {
				t.Fatalf("visibility %v, want %v..%v", got, tc.lo, tc.hi)
			}
			if again := receive(t, c.Client, q.URL); len(again) != 0 {
				t.Fatalf("receivable right after backing off")
			}
		})
	}
}

// TestPushDropsErasedPersonsMessage: SQS cannot delete an erased person's
// messages selectively, so the push function drops them: the message is
// done (no batch item failure, nothing dead-lettered), the SFA never hears
// of it, even when the SFA would fail.
func TestPushDropsErasedPersonsMessage(t *testing.T) {
	a, c, q := pushSetup(t, http.StatusBadRequest, "") // the SFA would refuse: a dead letter if it were tried
	msg := enqueueMQL(t, a, c.Client, q.URL)
	p, err := a.People.ByEmail(context.Background(), "backoff@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Eraser.Erase(context.Background(), p.ID); err != nil {
		t.Fatal(err)
	}
	resp, err := lambdafn.Push(a.Pusher, c, q)(context.Background(), events.SQSEvent{Records: []events.SQSMessage{msg}})
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("failures %+v %v", resp.BatchItemFailures, err)
	}
	if dead := receive(t, c.Client, q.DeadLetterURL); len(dead) != 0 {
		t.Fatalf("dead-lettered: %+v", dead)
	}
}

// TestPushDeliversMQAs: an MQA the score function sent to SQS
// (sqsrelay.SendAccount) is delivered by the push function like an MQL,
// recorded per connector under its account; one the SFA refuses for good
// goes to the dead-letter queue with the reason.
func TestPushDeliversMQAs(t *testing.T) {
	ctx := context.Background()
	m := account.MQA{ID: "a0123456789abcdef-q1", Account: "a0123456789abcdef", Name: "Maker", N: 1, At: lambdatest.T0, Condition: "buying-group-active",
		Reasons: []string{"2 people active within 14 days (at least 2)"}, Keys: []string{"d:maker.example"},
		People: []account.Member{{Person: "p_1", Email: "a@maker.example", Role: account.DecisionMaker}, {Person: "p_2", Email: "b@maker.example"}}}
	for _, c := range []struct {
		status int
		want   string
	}{{200, push.StatusDelivered}, {400, push.StatusDead}} {
		a, sq, q := pushSetup(t, c.status, "")
		it, err := m.Item() // the score function stored it before sending
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Table.Put(ctx, it, table.Always); err != nil {
			t.Fatal(err)
		}
		if err := (&sqsrelay.Relay{SQS: sq.Client, QueueURL: q.URL}).SendAccount(ctx, m); err != nil {
			t.Fatal(err)
		}
		msgs := receive(t, sq.Client, q.URL)
		if len(msgs) != 1 || msgs[0].MessageAttributes["mql_id"].StringValue == nil || *msgs[0].MessageAttributes["mql_id"].StringValue != m.ID {
			t.Fatalf("messages %+v", msgs)
		}
		resp, err := lambdafn.Push(a.Pusher, sq, q)(ctx, events.SQSEvent{Records: msgs})
		if err != nil || len(resp.BatchItemFailures) != 0 {
			t.Fatalf("%d: failures %+v %v", c.status, resp.BatchItemFailures, err)
		}
		ds, err := a.Pusher.AccountDeliveries(ctx, m)
		if err != nil || len(ds) != 1 || ds[0].Status != c.want || ds[0].Connector != "webhook" {
			t.Fatalf("%d: deliveries %+v %v", c.status, ds, err)
		}
		dead := receive(t, sq.Client, q.DeadLetterURL)
		if (c.want == push.StatusDead) != (len(dead) == 1) || (len(dead) == 1 && !strings.Contains(dead[0].Body, m.ID)) {
			t.Fatalf("%d: dead letters %+v", c.status, dead)
		}
	}
}

// TestPushStopsBeforeTheDeadline: the push function has 60 s and a batch of
// ten MQLs; an SFA that hangs takes a request's whole timeout (20 s) per
// connector and message. The handler started message after message until
// Lambda killed it at its deadline: no answer, so the whole batch (those
// delivered and those backed off included) came back after the queue's
// 360 s, none of the backoffs applied, and the Errors alarm fired. Now a
// message after the first is started only while StartMargin is left; the
// rest are handed back (visible again after their receive's backoff, as a
// transient failure's) as batch item failures, untouched.
func TestPushStopsBeforeTheDeadline(t *testing.T) {
	a, c, q := pushSetup(t, http.StatusOK, "")
	first := enqueueMQL(t, a, c.Client, q.URL)
	ctx := context.Background()
	p, _, err := a.People.Ensure(ctx, "second@example.com", "form")
	if err != nil {
		t.Fatal(err)
	}
	m := qualify.MQL{ID: p.ID + "-c1", Person: p.ID, Email: "second@example.com", Cycle: 1, At: lambdatest.T0, Condition: "hot-and-fit"}
	if err := (&sqsrelay.Relay{SQS: c.Client, QueueURL: q.URL}).Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	msgs := receive(t, c.Client, q.URL)
	if len(msgs) != 1 {
		t.Fatalf("received %d messages", len(msgs))
	}
	second := msgs[0]

	short, cancel := context.WithTimeout(ctx, lambdafn.StartMargin/2)
	defer cancel()
	resp, err := lambdafn.Push(a.Pusher, c, q)(short, events.SQSEvent{Records: []events.SQSMessage{first, second}})
	if err != nil || len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != second.MessageId {
		t.Fatalf("failures %+v %v: the first is delivered, the one too late to start handed back", resp.BatchItemFailures, err)
	}
	if got, ok := c.visibility[second.ReceiptHandle]; !ok || got < 1 || got > 2 {
		t.Fatalf("visibility %d (%v): want the first receive's backoff (1 to 2 s), as a transient failure's", got, ok)
	}
	if ds, err := a.Pusher.Status(ctx, m.ID); err != nil || len(ds) != 1 || ds[0].Status != push.StatusPending {
		t.Fatalf("deliveries %+v, %v: want it untouched", ds, err)
	}

	// With time enough, the next invocation delivers it.
	long, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	resp, err = lambdafn.Push(a.Pusher, c, q)(long, events.SQSEvent{Records: []events.SQSMessage{second}})
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("failures %+v %v", resp.BatchItemFailures, err)
	}
	if ds, _ := a.Pusher.Status(ctx, m.ID); len(ds) != 1 || ds[0].Status != push.StatusDelivered {
		t.Fatalf("deliveries %+v", ds)
	}
}

// TestPushLogsEachDeadLetter: the alarm on deliveries dead-lettered counts
// the push function's log lines DeadLettered (the template's metric
// filter), not SQS's messages sent to the dead-letter queue, which an
// erasure's redacted MQA put back counts too. So each dead letter the push
// function sends is one such line, and a delivery retried writes none.
func TestPushLogsEachDeadLetter(t *testing.T) {
	for _, c := range []struct {
		name   string
		status int
		body   string // replaces the MQL's body: undecodable
		dead   int
	}{{"refused", http.StatusBadRequest, "", 1}, {"undecodable", http.StatusOK, "{not json", 1}, {"retried", http.StatusServiceUnavailable, "", 0}, {"delivered", http.StatusOK, "", 0}} {
		t.Run(c.name, func(t *testing.T) {
			a, sq, q := pushSetup(t, c.status, "")
			var logs strings.Builder
			a.Pusher.Log = slog.New(slog.NewJSONHandler(&logs, nil))
			msg := enqueueMQL(t, a, sq.Client, q.URL)
			if c.body != "" {
				msg.Body = c.body
			}
			if _, err := lambdafn.Push(a.Pusher, sq, q)(context.Background(), events.SQSEvent{Records: []events.SQSMessage{msg}}); err != nil {
				t.Fatal(err)
			}
			if dead := receive(t, sq.Client, q.DeadLetterURL); len(dead) != c.dead {
				t.Fatalf("%d dead letters, want %d", len(dead), c.dead)
			}
			lines := 0
			for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
				var rec struct{ Msg string }
				if l != "" && json.Unmarshal([]byte(l), &rec) == nil && rec.Msg == lambdafn.DeadLettered {
					lines++
				}
			}
			if lines != c.dead {
				t.Fatalf("%d log lines %q for %d dead letters:\n%s", lines, lambdafn.DeadLettered, c.dead, logs.String())
			}
		})
	}
}

// TestPushLogsQuoteNoLead: a receiver refusing the lead with an answer
// quoting it ("already have backoff@example.com", as a Salesforce
// INVALID_EMAIL_ADDRESS or STRING_TOO_LONG message quotes the value) had
// that answer in the push function's log lines, "push: retry later" and
// "push: dead-lettered" (CloudWatch Logs, kept past the person's erasure).
// They now name the connector, its status and the HTTP status; the answer
// stays on the delivery record and the dead letter, which are erased.
func TestPushLogsQuoteNoLead(t *testing.T) {
	for _, status := range []int{http.StatusServiceUnavailable, http.StatusUnprocessableEntity} {
		a, c, q := pushSetupAnswering(t, status, "", "already have backoff@example.com (Acme)")
		var logs bytes.Buffer
		a.Pusher.Log = slog.New(slog.NewTextHandler(&logs, nil))
		msg := enqueueMQL(t, a, c.Client, q.URL)
		if _, err := lambdafn.Push(a.Pusher, c, q)(context.Background(), events.SQSEvent{Records: []events.SQSMessage{msg}}); err != nil {
			t.Fatal(err)
		}
		out := logs.String()
		if strings.Contains(out, "backoff@example.com") {
			t.Errorf("%d: the push function's log quotes the lead:\n%s", status, out)
		}
		if want := fmt.Sprintf("webhook: %s (%d)", map[bool]string{true: "retrying", false: "dead"}[status == 503], status); !strings.Contains(out, want) {
			t.Errorf("%d: the log does not say %q:\n%s", status, want, out)
		}
	}
}
