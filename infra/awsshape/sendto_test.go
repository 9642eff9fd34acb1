package awsshape

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/baton-hq/baton/internal/app"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/lambdahttp"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/sqsrelay"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// TestSendToConnectedAfterOnSQS: an MQL the built-in inbox took on AWS
// while no webhook was configured; the functions redeployed with the
// webhook. The admin function shows the webhook not_sent; its send action
// (bearer token, no CSRF: not a session) puts the MQL on the push SQS
// queue, not on the table's queue that nothing reads on AWS, and the push
// function delivers it to the webhook alone, once (sent twice while
// queued, too), recorded delivered. A send after that is refused (409)
// and queues nothing.
func TestSendToConnectedAfterOnSQS(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(t0)
	endpoint := moto.Shared(t)
	tbl := moto.NewTable(t, dynamotable.WithClock(clk.Now))
	sqsc := moto.SQS(endpoint)
	q := createQueues(t, sqsc, tbl.Name())
	pushURL, pushARN, dlqURL, dlqARN := q.pushURL, q.pushARN, q.dlqURL, q.dlqARN
	hook := newReceiver(t, clk)

	// deploy is the functions on the table with env's settings: the push
	// function, and the admin function wired as functions/admin/main.go.
	deploy := func(env map[string]string) (*app.App, func(context.Context, events.SQSEvent) (events.SQSEventResponse, error), lambdahttp.Adapter) {
		t.Helper()
		a := deployedApp(t, ctx, tbl, clk, env)
		pushFn, adminFn := pushAndAdmin(a, sqsc, q, tbl, clk)
		return a, pushFn, adminFn
	}

	// No webhook yet: the inbox takes the MQL the score function relayed
	// (stored as the qualifier stores it).
	inbox, pushInbox, _ := deploy(nil)
	p, _, err := inbox.People.Ensure(ctx, email, "form")
	if err != nil {
		t.Fatal(err)
	}
	mql := qualify.MQL{ID: p.ID + "-c1", Person: p.ID, Email: email, Cycle: 1, At: t0, RaisedAt: t0, Condition: "hot-and-fit", Facts: []string{"grade A"}}
	data, _ := json.Marshal(mql)
	if err := tbl.Put(ctx, table.Item{PK: identity.PersonPK(p.ID), SK: fmt.Sprintf("MQL#%04d", mql.Cycle), Kind: qualify.KindMQL, Data: data}, table.NotExists); err != nil {
		t.Fatal(err)
	}
	if err := (&sqsrelay.Relay{SQS: sqsc, QueueURL: pushURL}).Send(ctx, mql); err != nil {
		t.Fatal(err)
	}
	pushBatch(t, ctx, pushInbox, sqsc, pushURL, events.SQSEvent{Records: receive(t, ctx, sqsc, pushURL, pushARN)})
	if ls, err := inbox.Inbox.List(ctx, 10); err != nil || len(ls) != 1 {
		t.Fatalf("the inbox holds %d leads (%v), want the MQL", len(ls), err)
	}

	// Two hours on, the functions run with the webhook configured.
	clk.Advance(2 * time.Hour)
	a, pushFn, adminFn := deploy(map[string]string{"BATON_WEBHOOK_URL": hook.URL + "/mql", "BATON_WEBHOOK_SECRET": webhookSecret})
	webhookState := func() map[string]any {
		t.Helper()
		code, body := invoke2(t, adminFn, httpEvent(clk, "GET", "/admin/mqls/"+mql.ID+"/deliveries", "", bearer(), nil, ""))
		var v struct{ Deliveries []map[string]any }
		if code != 200 || json.Unmarshal([]byte(body), &v) != nil {
			t.Fatalf("deliveries: %d %s", code, body)
		}
		for _, d := range v.Deliveries {
			if d["connector"] == "webhook" {
				return d
			}
		}
		t.Fatalf("no webhook delivery: %s", body)
		return nil
	}
	if d := webhookState(); d["status"] != push.StatusNotSent || d["at"] != nil {
		t.Fatalf("the webhook connected after the MQL: %v, want not_sent without a time", d)
	}

	send := func(connector string, headers map[string]string) (int, string) {
		t.Helper()
		return invoke2(t, adminFn, httpEvent(clk, "POST", "/admin/mqls/"+mql.ID+"/deliveries/"+connector+"/send", "", headers, nil, ""))
	}
	if code, body := send("webhook", nil); code != 401 {
		t.Fatalf("send without the token: %d %s", code, body)
	}
	if code, body := send("hubspot", bearer()); code != 404 || !strings.Contains(body, `no connector named \"hubspot\"`) {
		t.Fatalf("send to a connector not configured: %d %s", code, body)
	}
	code, body := send("webhook", bearer())
	var sent struct{ Queued, MQLID, Connector string }
	if code != 202 || json.Unmarshal([]byte(body), &sent) != nil || sent.Queued != push.SendToID(mql.ID, "webhook") {
		t.Fatalf("send: %d %s", code, body)
	}
	// On the push SQS queue, not the table's (which nothing reads on AWS).
	if n, err := a.Push.Pending(ctx); err != nil || n != 0 {
		t.Fatalf("the table's push queue holds %d messages (%v): the admin function's send did not go to SQS", n, err)
	}
	// Sent again before the push function ran: SQS cannot tell a repeat
	// (sqsrelay.Relay.SendBody), so it is queued too, answered 202 as
	// locally (where the table's queue keeps one: internal/admin
	// TestSendQueuedAlreadyIsAccepted); the delivery record makes it one
	// delivery.
	if code, body := send("webhook", bearer()); code != 202 {
		t.Fatalf("a second send while the first is queued: %d %s", code, body)
	}
	msgs := receive(t, ctx, sqsc, pushURL, pushARN)
	if len(msgs) != 2 {
		t.Fatalf("push queue holds %d messages after two sends, want 2", len(msgs))
	}
	for _, m := range msgs {
		if id := m.MessageAttributes["mql_id"].StringValue; id == nil || *id != sent.Queued {
			t.Fatalf("the send's mql_id attribute %v, want %s", id, sent.Queued)
		}
		var onQueue struct {
			ID     string `json:"id"`
			SendTo string `json:"sendTo"`
		}
		if err := json.Unmarshal([]byte(m.Body), &onQueue); err != nil || onQueue.ID != mql.ID || onQueue.SendTo != "webhook" {
			t.Fatalf("the send's message %s", m.Body)
		}
	}
	if n := len(hook.deliveries("/mql")); n != 0 {
		t.Fatalf("the webhook got %d deliveries before the push function ran", n)
	}

	pushBatch(t, ctx, pushFn, sqsc, pushURL, events.SQSEvent{Records: msgs})
	dels := hook.deliveries("/mql")
	var created struct {
		Type string    `json:"type"`
		Data push.Lead `json:"data"`
	}
	if len(dels) != 1 || json.Unmarshal(dels[0].body, &created) != nil || created.Type != "mql.created" || created.Data.MQLID != mql.ID || created.Data.Email != email {
		t.Fatalf("the webhook got %d deliveries, want the MQL's mql.created once: %+v", len(dels), dels)
	}
	if d := webhookState(); d["status"] != push.StatusDelivered || d["at"] == nil {
		t.Fatalf("the webhook after the push function: %v, want delivered", d)
	}
	expectEmpty(t, ctx, sqsc, pushURL, pushARN, "push queue")
	expectEmpty(t, ctx, sqsc, dlqURL, dlqARN, "push dead-letter queue")

	// Sent once: a second send is refused and queues nothing.
	if code, body := send("webhook", bearer()); code != 409 || !strings.Contains(body, "webhook has this MQL already") {
		t.Fatalf("a second send: %d %s", code, body)
	}
	expectEmpty(t, ctx, sqsc, pushURL, pushARN, "push queue after the second send")
	if n, _ := a.Push.Pending(ctx); n != 0 {
		t.Errorf("the table's push queue holds %d messages after the second send", n)
	}
	if n := len(hook.deliveries("/mql")); n != 1 {
		t.Errorf("the webhook got %d deliveries in all, want 1", n)
	}
}
