package awsshape

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/deadletter"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/queue"
	"github.com/baton-hq/baton/internal/sqsrelay"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// scoreFailureRecord is what Lambda sends to the score function's
// on-failure destination when it gives up on a stream batch.
const scoreFailureRecord = `{"requestContext":{"requestId":"5cdb9b4c-0c5f-4b1f-9d5e-4d0e5e2a1a11","functionArn":"arn:aws:lambda:us-east-1:123456789012:function:baton-ScoreFunction","condition":"RetryAttemptsExhausted","approximateInvokeCount":11},"responseContext":{"statusCode":200,"executedVersion":"$LATEST","functionError":"Unhandled"},"version":"1.0","timestamp":"2026-11-24T10:00:00.000Z","DDBStreamBatchInfo":{"shardId":"shardId-00000001","startSequenceNumber":"100","endSequenceNumber":"142","approximateArrivalOfFirstRecord":"2026-11-24T09:00:00Z","approximateArrivalOfLastRecord":"2026-11-24T09:01:00Z","batchSize":43,"streamArn":"arn:aws:dynamodb:us-east-1:123456789012:table/baton/stream/2026-11-24T00:00:00.000"}}`

// TestDeadLettersOnSQS: an MQL the SFA refuses for good (422) goes from the
// push queue to its DLQ with the reason; /admin/deadletters (the admin
// function with its bearer token) lists it and a score failure record, each
// with its reason, without consuming them; replay puts the MQL back on the
// push queue and deletes it from the DLQ, and it is then delivered.
func TestDeadLettersOnSQS(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(t0)
	endpoint := moto.Shared(t)
	tbl := moto.NewTable(t, dynamotable.WithClock(clk.Now))
	sqsc := moto.SQS(endpoint)
	q := createQueues(t, sqsc, tbl.Name())
	pushURL, pushARN, dlqURL, dlqARN, scoreURL, scoreARN := q.pushURL, q.pushARN, q.dlqURL, q.dlqARN, q.scoreURL, q.scoreARN

	var refuse atomic.Bool
	refuse.Store(true)
	var delivered atomic.Int32
	sfa := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if refuse.Load() {
			http.Error(w, `{"error":"field company is required"}`, http.StatusUnprocessableEntity)
			return
		}
		delivered.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(sfa.Close)
	a := deployedApp(t, ctx, tbl, clk, map[string]string{"BATON_WEBHOOK_URL": sfa.URL, "BATON_WEBHOOK_SECRET": webhookSecret})
	pushFn, adminFn := pushAndAdmin(a, sqsc, q, tbl, clk)

	// An MQL relayed as the score function does; the SFA refuses it for good.
	p, _, err := a.People.Ensure(ctx, email, "form")
	if err != nil {
		t.Fatal(err)
	}
	mql := qualify.MQL{ID: p.ID + "-c1", Person: p.ID, Email: email, Cycle: 1, At: t0, Condition: "hot-and-fit", Facts: []string{"grade A"}}
	if err := (&sqsrelay.Relay{SQS: sqsc, QueueURL: pushURL}).Send(ctx, mql); err != nil {
		t.Fatal(err)
	}
	pushBatch(t, ctx, pushFn, sqsc, pushURL, events.SQSEvent{Records: receive(t, ctx, sqsc, pushURL, pushARN)})
	expectEmpty(t, ctx, sqsc, pushURL, pushARN, "push queue")
	if _, err := sqsc.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(scoreURL), MessageBody: aws.String(scoreFailureRecord)}); err != nil {
		t.Fatal(err)
	}

	list := func() map[string]queue.Message {
		t.Helper()
		code, body := invoke2(t, adminFn, httpEvent(clk, "GET", "/admin/deadletters", "", bearer(), nil, ""))
		if code != 200 {
			t.Fatalf("GET /admin/deadletters: %d %s", code, body)
		}
		var out struct{ DeadLetters []queue.Message }
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatal(err)
		}
		byQueue := map[string]queue.Message{}
		for _, m := range out.DeadLetters {
			if _, dup := byQueue[m.Queue]; dup {
				t.Fatalf("two dead letters in %s: %s", m.Queue, body)
			}
			byQueue[m.Queue] = m
		}
		return byQueue
	}
	if code, _ := invoke2(t, adminFn, httpEvent(clk, "GET", "/admin/deadletters", "", nil, nil, "")); code != 401 {
		t.Fatalf("dead letters without the token: %d", code)
	}
	dead := list()
	pm, sf := dead[deadletter.PushDLQ], dead[deadletter.ScoreFailures]
	if len(dead) != 2 || !strings.Contains(pm.LastError, "422") || !strings.Contains(pm.LastError, "field company is required") {
		t.Fatalf("dead letters %+v", dead)
	}
	var body qualify.MQL
	if err := json.Unmarshal(pm.Body, &body); err != nil || body.ID != mql.ID {
		t.Fatalf("dead MQL body %s: %v", pm.Body, err)
	}
	if !strings.Contains(sf.LastError, "RetryAttemptsExhausted") || !strings.Contains(sf.LastError, "100..142") {
		t.Fatalf("score failure reason %q", sf.LastError)
	}
	// Listing consumed nothing: the same again, and both still receivable.
	if again := list(); again[deadletter.PushDLQ].ID != pm.ID || again[deadletter.ScoreFailures].ID != sf.ID {
		t.Fatalf("second listing %+v", again)
	}

	// A score failure naming a stream that is not there (another table's:
	// scorereplay_test.go replays real ones): refused, and its record
	// deleted (nothing can ever replay it; kept, it held the alarm for
	// 14 days); the audit trail keeps the replay (below).
	if code, body := invoke2(t, adminFn, httpEvent(clk, "POST", "/admin/deadletters/"+sf.ID+"/replay", "", bearer(), nil, "")); code != 409 || !strings.Contains(body, "no longer holds") || !strings.Contains(body, "record is deleted") {
		t.Fatalf("replay of a score failure: %d %s", code, body)
	}
	if code, _ := invoke2(t, adminFn, httpEvent(clk, "POST", "/admin/deadletters/no-such-id/replay", "", bearer(), nil, "")); code != 404 {
		t.Fatalf("replay of an unknown id: %d", code)
	}

	// Fixed at the SFA: replay, and the push function delivers it.
	refuse.Store(false)
	if code, body := invoke2(t, adminFn, httpEvent(clk, "POST", "/admin/deadletters/"+pm.ID+"/replay", "", bearer(), nil, "")); code != 200 {
		t.Fatalf("replay: %d %s", code, body)
	}
	if after := list(); len(after) != 0 {
		t.Fatalf("after the replay %+v", after)
	}
	back := receive(t, ctx, sqsc, pushURL, pushARN)
	if len(back) != 1 || back[0].MessageAttributes["mql_id"].StringValue == nil || *back[0].MessageAttributes["mql_id"].StringValue != mql.ID {
		t.Fatalf("push queue after the replay: %+v", back)
	}
	pushBatch(t, ctx, pushFn, sqsc, pushURL, events.SQSEvent{Records: back})
	if delivered.Load() != 1 {
		t.Fatalf("delivered %d times after the replay", delivered.Load())
	}
	expectEmpty(t, ctx, sqsc, dlqURL, dlqARN, "push dead-letter queue")
	expectEmpty(t, ctx, sqsc, scoreURL, scoreARN, "score failures queue after the gone batch's replay")

	// The admin function's audit trail (in the table) has each replay,
	// newest first, with the message id and the answer.
	code, auditBody := invoke2(t, adminFn, httpEvent(clk, "GET", "/admin/audit", "", bearer(), nil, ""))
	var trail admin.AuditPage
	if code != 200 || json.Unmarshal([]byte(auditBody), &trail) != nil {
		t.Fatalf("audit: %d %s", code, auditBody)
	}
	var replays []string
	for _, e := range trail.Entries {
		if e.Route == "POST /admin/deadletters/{id}/replay" {
			replays = append(replays, fmt.Sprintf("%s %d %s", e.ID, e.Status, e.Who))
		}
	}
	if want := []string{pm.ID + " 200 BATON_ADMIN_TOKEN", "no-such-id 404 BATON_ADMIN_TOKEN", sf.ID + " 409 BATON_ADMIN_TOKEN"}; fmt.Sprint(replays) != fmt.Sprint(want) {
		t.Fatalf("replays in the audit trail %q, want %q", replays, want)
	}
}
