package awsshape

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/lambdafn"
	"github.com/baton-hq/baton/internal/lambdahttp"
	"github.com/baton-hq/baton/internal/sqsrelay"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// TestAWSShapeMQA: two decision makers of one company fill in the contact
// form on the deployed shape: the score function (behind the template's
// filter) groups them into one account and sends its MQA to the push SQS
// queue beside their MQLs; the push function delivers it to the signed
// webhook once, however often the stream and the queue deliver.
func TestAWSShapeMQA(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(t0)
	endpoint := moto.Shared(t)
	tbl := moto.NewTable(t, dynamotable.WithClock(clk.Now))
	sqsc := moto.SQS(endpoint)
	q := createQueues(t, sqsc, tbl.Name())
	pushURL, pushARN, dlqURL, dlqARN := q.pushURL, q.pushARN, q.dlqURL, q.dlqARN
	hook := newReceiver(t, clk)
	a := deployedApp(t, ctx, tbl, clk, map[string]string{
		"BATON_WRITE_KEY": writeKey, "BATON_SITE_ORIGINS": site,
		"BATON_WEBHOOK_URL": hook.URL + "/mql", "BATON_WEBHOOK_SECRET": webhookSecret,
	})
	collectFn := lambdahttp.Adapter{Handler: a.CollectHandler()}
	relay := &sqsrelay.Relay{SQS: sqsc, QueueURL: pushURL}
	a.Accounts.Send = relay.SendAccount // as functions/score does
	score := lambdafn.Score(a.Core, relay.Send)
	pushFn := lambdafn.Push(a.Pusher, sqsc, lambdafn.PushQueues{URL: pushURL, DeadLetterURL: dlqURL})
	filters, batchSize := scoreFilter(t)
	stream := newStreamReader(t, ctx, tbl, endpoint)
	var scored []events.DynamoDBEventRecord
	drain := func() {
		t.Helper()
		for round := 0; round < 20; round++ {
			recs := stream.read(t, ctx)
			if len(recs) == 0 {
				return
			}
			var pass []events.DynamoDBEventRecord
			for _, r := range recs {
				if filters.match(t, r) {
					pass = append(pass, r)
				}
			}
			scoreBatches(t, ctx, score, pass, batchSize)
			scored = append(scored, pass...)
		}
		t.Fatal("the stream is still growing")
	}
	for _, p := range []struct{ vid, email string }{{"aws-acct-1", "one@shape-maker.example"}, {"aws-acct-2", "two@shape-maker.example"}} {
		for _, body := range []string{
			`{"type":"page_view","messageId":"` + p.vid + `-1","anonymousId":"` + p.vid + `","properties":{"url":"` + site + `/pricing"}}`,
			`{"type":"download","messageId":"` + p.vid + `-2","anonymousId":"` + p.vid + `","properties":{"url":"` + site + `/files/whitepaper.pdf"}}`,
			`{"type":"form_submit","messageId":"` + p.vid + `-3","anonymousId":"` + p.vid + `","properties":{"url":"` + site + `/contact","form":{"id":"contact"},"fields":{"email":"` + p.email + `","company":"Maker","title":"購買部長","employees":"250-999"}}}`,
		} {
			clk.Advance(time.Minute)
			resp := invoke(t, collectFn, httpEvent(clk, "POST", "/e", "", map[string]string{"origin": site, "content-type": "text/plain;charset=UTF-8"}, nil, body))
			if resp.StatusCode != http.StatusNoContent {
				t.Fatalf("POST /e: %d %s", resp.StatusCode, resp.Body)
			}
		}
	}
	drain()
	as, err := a.Accounts.List(ctx, account.ByScore, 0)
	if err != nil || len(as) != 1 || len(as[0].Members) != 2 || len(as[0].MQAs) != 1 {
		t.Fatalf("accounts %+v %v", as, err)
	}
	mqa := as[0].MQAs[0]
	msgs := receive(t, ctx, sqsc, pushURL, pushARN)
	if len(msgs) != 3 { // two MQLs and the MQA
		t.Fatalf("push queue holds %d messages", len(msgs))
	}
	pushBatch(t, ctx, pushFn, sqsc, pushURL, events.SQSEvent{Records: msgs})
	// At least once: the stream's batches and the queue's messages again.
	scoreBatches(t, ctx, score, scored, batchSize)
	pushBatch(t, ctx, pushFn, sqsc, pushURL, events.SQSEvent{Records: msgs})
	for _, m := range receive(t, ctx, sqsc, pushURL, pushARN) {
		if strings.Contains(m.Body, `"mqa"`) {
			t.Errorf("the replay queued the MQA again: %s", m.Body)
		}
	}
	var mqas []account.MQA
	for _, d := range hook.deliveries("/mql") {
		var msg struct {
			Type string
			Data account.MQA
		}
		if err := json.Unmarshal(d.body, &msg); err != nil {
			t.Fatal(err)
		}
		if msg.Type == "mqa.created" {
			if d.id != mqa {
				t.Errorf("webhook-id %s, want %s", d.id, mqa)
			}
			mqas = append(mqas, msg.Data)
		}
	}
	if len(mqas) != 1 || mqas[0].ID != mqa || len(mqas[0].People) != 2 || mqas[0].Domain() != "shape-maker.example" {
		t.Fatalf("MQAs delivered: %+v", mqas)
	}
	expectEmpty(t, ctx, sqsc, dlqURL, dlqARN, "dead-letter queue")
}
