package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/lambdafn"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/baton-hq/baton/internal/testutil/lambdatest"
)

func TestSQSBatch(t *testing.T) {
	var mu sync.Mutex
	got := map[string]int{}
	fail := true
	sfa := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		b, _ := io.ReadAll(r.Body)
		if strings.Contains(string(b), "p2@example.com") && fail {
			w.WriteHeader(503) // the second MQL meets an outage: retried by SQS
			return
		}
		got[r.Header.Get("webhook-id")]++
		w.WriteHeader(200)
	}))
	defer sfa.Close()
	app, clk := lambdatest.NewAppClock(t, "BATON_WEBHOOK_URL", sfa.URL, "BATON_WEBHOOK_SECRET", "whsec_c2VjcmV0LWZvci1mZWVkYmFjay10ZXN0cw==")
	ctx := context.Background()
	var repl []string
	for i, email := range []string{"p1@example.com", "p2@example.com"} {
		p, _, err := app.People.Ensure(ctx, email, "form")
		if err != nil {
			t.Fatal(err)
		}
		repl = append(repl, "PERSON_"+string(rune('1'+i)), p.ID)
	}
	b, _ := os.ReadFile(filepath.Join("..", "..", "events", "push", "sqs_batch.json"))
	var batch events.SQSEvent
	if err := json.Unmarshal([]byte(strings.NewReplacer(repl...).Replace(string(b))), &batch); err != nil {
		t.Fatal(err)
	}
	q := &fakeSQS{}
	h := lambdafn.Push(app.Pusher, q, lambdafn.PushQueues{URL: "push-url", DeadLetterURL: "dlq-url"})
	resp, err := h(ctx, batch)
	if err != nil || len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "m-2" {
		t.Fatalf("failures %+v %v", resp.BatchItemFailures, err)
	}
	if len(q.dead) != 1 || !strings.Contains(q.dead[0], "undecodable") {
		t.Fatalf("dead letters %v", q.dead)
	}
	// The outage backs m-2 off: first receive, no Retry-After, 1-2 s.
	if len(q.backoff) != 1 || q.backoff[0] != "push-url AQEBm-2 1" && q.backoff[0] != "push-url AQEBm-2 2" {
		t.Fatalf("visibility changes %v", q.backoff)
	}
	// SQS delivers the whole batch again once m-2's visibility timeout has
	// passed: the first is not pushed twice.
	clk.Advance(2 * time.Second)
	fail = false
	if resp, _ := h(ctx, batch); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("retry failures %+v", resp.BatchItemFailures)
	}
	if len(got) != 2 {
		t.Fatalf("deliveries %v", got)
	}
	for id, n := range got {
		if n != 1 {
			t.Fatalf("%s delivered %d times", id, n)
		}
	}
}

// fakeSQS records the push function's SQS calls (the sample's receipt
// handles are not real; internal/lambdafn tests the calls on moto).
type fakeSQS struct{ dead, backoff []string }

func (f *fakeSQS) ChangeMessageVisibility(_ context.Context, in *sqs.ChangeMessageVisibilityInput, _ ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error) {
	f.backoff = append(f.backoff, fmt.Sprintf("%s %s %d", *in.QueueUrl, *in.ReceiptHandle, in.VisibilityTimeout))
	return &sqs.ChangeMessageVisibilityOutput{}, nil
}

func (f *fakeSQS) SendMessage(_ context.Context, in *sqs.SendMessageInput, _ ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	if *in.QueueUrl != "dlq-url" {
		return nil, fmt.Errorf("sent to %s", *in.QueueUrl)
	}
	f.dead = append(f.dead, *in.MessageAttributes["reason"].StringValue)
	return &sqs.SendMessageOutput{}, nil
}
