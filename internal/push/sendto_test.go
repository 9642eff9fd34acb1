package push_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/table"
)

// TestConnectorAddedAfterTheMQLIsNotSentNotPending: an MQL the inbox
// took while no webhook was configured; the webhook set up since. Its
// state there is not_sent, no time (it was "pending" at 0001-01-01 for
// ever: nothing sends it); while the MQL's own message is in flight a
// connector without a record is still pending. SendTo's message delivers
// it to the webhook alone, once, through the worker's normal path (a
// delivered record); a second SendTo is refused, as is one to a
// connector not configured, or for a person who withdrew consent.
func TestConnectorAddedAfterTheMQLIsNotSentNotPending(t *testing.T) {
	ctx := context.Background()
	rc := &receiver{ids: map[string]int{}}
	f := setup(t, rc)
	hook := f.w.Connectors[1]
	f.w.Connectors = []push.Connector{f.inbox} // no webhook yet
	data, _ := json.Marshal(f.mql)
	if err := f.w.T.Put(ctx, table.Item{PK: identity.PersonPK(f.mql.Person), SK: "MQL#0001", Kind: qualify.KindMQL, Data: data}, table.NotExists); err != nil {
		t.Fatal(err)
	}
	// Before the inbox took it, its message in flight: a connector with
	// no record is pending (the message delivers it).
	f.w.Connectors = []push.Connector{f.inbox, hook}
	if st, err := f.w.Status(ctx, f.mql.ID); err != nil || len(st) != 2 || st[1].Status != push.StatusPending {
		t.Fatalf("in flight: %+v %v", st, err)
	}
	f.w.Connectors = []push.Connector{f.inbox}
	f.drain(t, 2, time.Second)

	f.clk.t = f.clk.t.Add(2 * time.Hour) // its delivery long over
	f.w.Connectors = []push.Connector{f.inbox, hook}
	st, err := f.w.Status(ctx, f.mql.ID)
	if err != nil || len(st) != 2 || st[1].Connector != "webhook" || st[1].Status != push.StatusNotSent || !st[1].At.IsZero() {
		t.Fatalf("the webhook connected after the MQL: %+v %v, want not_sent", st, err)
	}
	if b, _ := json.Marshal(st[1]); strings.Contains(string(b), "0001-01-01") || !strings.Contains(string(b), `"status":"not_sent"`) {
		t.Errorf("its JSON: %s", b)
	}
	if n, _ := f.q.Pending(ctx); n != 0 {
		t.Fatalf("%d messages still queued", n)
	}

	if _, _, err := f.w.SendTo(ctx, f.mql.ID, "hubspot"); !errors.Is(err, push.ErrNoConnector) {
		t.Errorf("send to a connector not configured: %v", err)
	}
	if _, _, err := f.w.SendTo(ctx, f.mql.Person+"-c9", "webhook"); !errors.Is(err, identity.ErrNotFound) {
		t.Errorf("send of no such MQL: %v", err)
	}
	id, body, err := f.w.SendTo(ctx, f.mql.ID, "webhook")
	if err != nil || id != f.mql.ID+"-to-webhook" {
		t.Fatalf("send: %q %v", id, err)
	}
	if err := f.q.Enqueue(ctx, id, body); err != nil {
		t.Fatal(err)
	}
	f.drain(t, 2, time.Second)
	if rc.ids[f.mql.ID] != 1 || len(rc.bodies) != 1 || rc.bodies[0]["type"] != "mql.created" {
		t.Fatalf("the webhook got %v %d bodies, want the MQL once", rc.ids, len(rc.bodies))
	}
	if ls, _ := f.inbox.List(ctx, 10); len(ls) != 1 {
		t.Errorf("the inbox holds %d leads, want its one", len(ls))
	}
	st, _ = f.w.Status(ctx, f.mql.ID)
	if len(st) != 2 || st[1].Status != push.StatusDelivered || st[1].At.IsZero() {
		t.Errorf("after the send: %+v", st)
	}
	var refused *push.SendRefused
	if _, _, err := f.w.SendTo(ctx, f.mql.ID, "webhook"); !errors.As(err, &refused) || refused.Code != "has" {
		t.Errorf("a second send: %v, want refused", err)
	}

	if err := f.w.Stitcher.WithdrawPerson(ctx, f.mql.Person, f.clk.t); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.w.SendTo(ctx, f.mql.ID, "inbox"); !errors.As(err, &refused) || refused.Code != "gone" {
		t.Errorf("a send for a person who withdrew consent: %v", err)
	}
}
