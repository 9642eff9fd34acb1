package awsshape

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/lambdahttp"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/queue"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// TestScoreFailureReplay: the score function gave up on the stream batch
// that held a visitor's page views and the form that qualifies her (a bug
// since fixed, an outage longer than its retries), and Lambda sent the
// batch's failure record to the score failures queue. Replaying it from
// /admin/deadletters reads those records again from the stream and scores
// them as the score function would: she is an MQL, the MQL is on the push
// queue for delivery, and the record leaves the queue. It was answered 409
// ("rescore the people concerned"), and a rescore never relays an MQL the
// failed batch had raised but not relayed. A record naming records the
// stream no longer holds is a 409 saying so, and is deleted (it stayed
// listed for the queue's 14 days, holding the ScoreFailures alarm).
func TestScoreFailureReplay(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(t0)
	endpoint := moto.Shared(t)
	tbl := moto.NewTable(t, dynamotable.WithClock(clk.Now))
	sqsc := moto.SQS(endpoint)
	q := createQueues(t, sqsc, tbl.Name())
	pushURL, pushARN, scoreURL, scoreARN := q.pushURL, q.pushARN, q.scoreURL, q.scoreARN
	a := deployedApp(t, ctx, tbl, clk, map[string]string{
		"BATON_WRITE_KEY": writeKey, "BATON_SITE_ORIGINS": site,
		"BATON_WEBHOOK_URL": "https://hooks.example.com/mql", "BATON_WEBHOOK_SECRET": webhookSecret,
	})
	_, adminFn := pushAndAdmin(a, sqsc, q, tbl, clk)
	collectFn := lambdahttp.Adapter{Handler: a.CollectHandler()}

	// The visitor's page views, download and form, collected; the score
	// function never ran.
	stream := newStreamReader(t, ctx, tbl, endpoint)
	var cookie []string
	for i, body := range []string{
		`{"type":"page_view","messageId":"r1","properties":{"url":"` + site + `/","title":"Home"}}`,
		`{"type":"page_view","messageId":"r2","properties":{"url":"` + site + `/pricing","title":"Pricing"}}`,
		`{"type":"page_view","messageId":"r3","properties":{"url":"` + site + `/whitepaper","title":"Whitepaper"}}`,
		`{"type":"download","messageId":"r4","properties":{"url":"` + site + `/files/whitepaper.pdf"}}`,
		`{"type":"form_submit","messageId":"r5","properties":{"url":"` + site + `/contact","form":{"id":"contact"},"fields":{"email":"` + email + `","company":"Maker","title":"購買部長","employees":"250-999"}}}`,
	} {
		clk.Advance(time.Minute)
		resp := invoke(t, collectFn, httpEvent(clk, "POST", "/e", "", map[string]string{"origin": site, "content-type": "text/plain;charset=UTF-8"}, cookie, body))
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("event %d: %d %s", i, resp.StatusCode, resp.Body)
		}
		for _, c := range resp.Cookies {
			if strings.HasPrefix(c, "bt_vid=") {
				cookie = []string{strings.SplitN(c, ";", 2)[0]}
			}
		}
	}
	recs := stream.read(t, ctx)
	if len(recs) < 5 {
		t.Fatalf("%d stream records", len(recs))
	}
	if mqls := recentMQLs(t, ctx, a); len(mqls) != 0 {
		t.Fatalf("MQLs before any scoring: %+v", mqls)
	}
	send := func(body string) {
		t.Helper()
		if _, err := sqsc.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(scoreURL), MessageBody: aws.String(body)}); err != nil {
			t.Fatal(err)
		}
	}
	listed := func() []queue.Message {
		t.Helper()
		code, body := invoke2(t, adminFn, httpEvent(clk, "GET", "/admin/deadletters", "", bearer(), nil, ""))
		var out struct{ DeadLetters []queue.Message }
		if code != 200 || json.Unmarshal([]byte(body), &out) != nil {
			t.Fatalf("GET /admin/deadletters: %d %s", code, body)
		}
		return out.DeadLetters
	}

	if len(stream.order) != 1 {
		t.Fatalf("shards %v: the test names one", stream.order)
	}
	shard := stream.order[0]
	failure := func(start, end, arn string) string {
		return `{"requestContext":{"condition":"RetryAttemptsExhausted","approximateInvokeCount":11},"responseContext":{"functionError":"Unhandled"},"version":"1.0","DDBStreamBatchInfo":{"shardId":"` + shard + `","startSequenceNumber":"` + start + `","endSequenceNumber":"` + end + `","batchSize":5,"streamArn":"` + arn + `"}}`
	}
	replay := func(body string) {
		t.Helper()
		send(body)
		l := listed()
		if len(l) != 1 {
			t.Fatalf("listed %+v", l)
		}
		if code, body := invoke2(t, adminFn, httpEvent(clk, "POST", "/admin/deadletters/"+l[0].ID+"/replay", "", bearer(), nil, "")); code != 200 {
			t.Fatalf("replay: %d %s", code, body)
		}
		expectEmpty(t, ctx, sqsc, scoreURL, scoreARN, "score failures queue")
		// A second replay of the same record (a double click): it is gone.
		if code, _ := invoke2(t, adminFn, httpEvent(clk, "POST", "/admin/deadletters/"+l[0].ID+"/replay", "", bearer(), nil, "")); code != 404 {
			t.Fatalf("second replay: %d", code)
		}
	}
	// Records of a stream that is gone (its table was replaced; past 24
	// hours DynamoDB trims records alike, which moto does not: see
	// dynamotable's TestStreamBatch): 409, saying so and what to do; the
	// record is deleted.
	send(failure("1", "2", strings.Replace(stream.arn, "table/"+tbl.Name()+"/", "table/"+tbl.Name()+"-old/", 1)))
	gone := listed()
	if len(gone) != 1 || !strings.Contains(gone[0].LastError, "replay it while the stream holds its records") {
		t.Fatalf("listed %+v", gone)
	}
	code, body := invoke2(t, adminFn, httpEvent(clk, "POST", "/admin/deadletters/"+gone[0].ID+"/replay", "", bearer(), nil, ""))
	if code != 409 || !strings.Contains(body, "no longer holds") || !strings.Contains(body, "POST /admin/rescore") || !strings.Contains(body, "sweep queues again") {
		t.Fatalf("replay of records the stream does not hold: %d %s", code, body)
	}
	if l := listed(); len(l) != 0 {
		t.Fatalf("after the replay of a gone batch %+v, want its record deleted", l)
	}
	if _, err := sqsc.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(scoreURL)}); err != nil {
		t.Fatal(err)
	}

	// The batch of her events: replayed and scored, she is an MQL.
	replay(failure(recs[0].Change.SequenceNumber, recs[len(recs)-1].Change.SequenceNumber, stream.arn))
	mqls := recentMQLs(t, ctx, a)
	if len(mqls) != 1 || mqls[0].Email != email {
		t.Fatalf("MQLs after the replay: %+v", mqls)
	}
	if rec, err := a.Qualifier.Record(ctx, mqls[0].Person); err != nil || rec.Stage != qualify.StageMQL {
		t.Fatalf("record %+v %v", rec, err)
	}
	// The score function then failed on the batch holding the MQL's insert
	// (the push queue unreachable past its retries): replayed, the MQL is
	// relayed to the push queue for delivery.
	expectEmpty(t, ctx, sqsc, pushURL, pushARN, "push queue before the MQL's batch is replayed")
	more := stream.read(t, ctx)
	if len(more) == 0 {
		t.Fatal("the replay wrote nothing to the stream")
	}
	replay(failure(more[0].Change.SequenceNumber, more[len(more)-1].Change.SequenceNumber, stream.arn))
	msgs := receive(t, ctx, sqsc, pushURL, pushARN)
	if len(msgs) != 1 || !strings.Contains(msgs[0].Body, mqls[0].ID) {
		t.Fatalf("push queue %+v, want the MQL", msgs)
	}
}
