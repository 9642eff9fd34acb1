package admin_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/queue"
)

// TestSendQueuedAlreadyIsAccepted: an MQL's send to a connector, asked
// again while the first is queued (a double click, a client's retry after
// a lost answer), was a 409 on the local stack and a 202 on AWS (SQS
// cannot tell a repeat; the delivery record makes it one delivery). The
// send queued is what was asked: 202 with the same answer, one message on
// the queue (infra/awsshape TestSendToConnectedAfterOnSQS: AWS's 202).
func TestSendQueuedAlreadyIsAccepted(t *testing.T) {
	var q *queue.Queue
	f := newFixture(t, func(h *admin.Handler) {
		q = &queue.Queue{T: nil, Name: "push"}
		h.Deliveries = &admin.DeliveryAdmin{
			Queue: q,
			SendTo: func(_ context.Context, mqlID, conn string) (string, any, error) {
				return mqlID + "~" + conn, map[string]string{"mql": mqlID, "sendTo": conn}, nil
			},
			Enqueue: func(ctx context.Context, id string, body any) error { return q.Enqueue(ctx, id, body) },
		}
	})
	q.T, q.Now = f.tb, f.clk.Now
	type sent struct{ Queued, MQLID, Connector string }
	var first sent
	for i := range 2 {
		a := f.req("POST", "/admin/mqls/m_1/deliveries/webhook/send", "", "Authorization", "Bearer "+fullToken)
		var got sent
		if a.code != 202 || json.Unmarshal([]byte(a.body), &got) != nil || got.Queued != "m_1~webhook" || got.Connector != "webhook" {
			t.Fatalf("send %d: %d %s, want 202 naming the queued send", i+1, a.code, a.body)
		}
		if i == 0 {
			first = got
		} else if got != first {
			t.Errorf("the repeat answered %+v, the first %+v", got, first)
		}
	}
	if n, err := q.Pending(context.Background()); err != nil || n != 1 {
		t.Errorf("%d messages queued (%v), want the one", n, err)
	}
}
