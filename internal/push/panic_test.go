package push_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/push"
)

type panicky struct{}

func (panicky) Name() string { return "buggy" }

func (panicky) Push(_ context.Context, l push.Lead) (string, error) {
	parts := strings.Split(l.Email, "+") // a connector's bug on some lead: no "+" in it
	return parts[1], nil
}

// TestConnectorPanicIsItsDeadLetter: a connector panicking on one lead (a
// bug meeting odd data) used to unwind through the push worker. On AWS the
// Lambda runtime then failed the whole invocation and exited the process:
// the batch's ten messages came back after the queue's 360 s visibility
// timeout, the poison one failing every batch it landed in until its 400th
// receive (about 40 hours), every other connector of it never tried;
// locally it ended the process. It is that connector's permanent failure
// now: recorded dead with the panic, the other connectors delivered, the
// MQL dead-lettered for a replay once fixed.
func TestConnectorPanicIsItsDeadLetter(t *testing.T) {
	rc := &receiver{ids: map[string]int{}}
	f := setup(t, rc)
	ctx := context.Background()
	w := &push.Worker{T: f.w.T, Dir: f.w.Dir, Stitcher: f.w.Stitcher, Now: f.clk.now, Connectors: []push.Connector{panicky{}, f.inbox}}
	body, _ := json.Marshal(f.mql)
	var res push.Result
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("the connector's panic left the worker: %v", p)
			}
		}()
		_, res, _ = w.DeliverBody(ctx, body)
	}()
	if !res.Permanent || !strings.Contains(res.Reason, "panic") {
		t.Fatalf("result %+v: want a permanent failure naming the panic", res)
	}
	ds, err := w.Status(ctx, f.mql.ID)
	if err != nil || len(ds) != 2 || ds[0].Status != push.StatusDead || ds[1].Status != push.StatusDelivered {
		t.Fatalf("deliveries %+v, %v: want buggy dead, inbox delivered", ds, err)
	}
	if leads, _ := f.inbox.List(ctx, 10); len(leads) != 1 {
		t.Fatalf("the inbox got %d leads", len(leads))
	}
}
