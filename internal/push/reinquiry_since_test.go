package push_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/table"
)

// TestReinquiryGivesAWebhookConfiguredSinceTheMQL: an MQL delivered while
// no webhook was configured (the inbox took it); the webhook set up since;
// the person's next form (a re-inquiry) gets the receiver the MQL itself,
// mql.created with why and the score, once (the message handled again
// sends nothing), never an mql.activity of an MQL it has no record of;
// the form after that is an mql.activity of that MQL. The inbox, which
// had the MQL, is told both forms.
func TestReinquiryGivesAWebhookConfiguredSinceTheMQL(t *testing.T) {
	ctx := context.Background()
	rc := &receiver{ids: map[string]int{}}
	f := setup(t, rc)
	hook := f.w.Connectors[1]
	f.w.Connectors = []push.Connector{f.inbox} // no webhook yet
	// The MQL as scoring stores it (the re-inquiry's delivery reads it).
	data, _ := json.Marshal(f.mql)
	if err := f.w.T.Put(ctx, table.Item{PK: identity.PersonPK(f.mql.Person), SK: "MQL#0001", Kind: qualify.KindMQL, Data: data}, table.NotExists); err != nil {
		t.Fatal(err)
	}
	f.drain(t, 2, time.Second)
	if st, err := f.w.Status(ctx, f.mql.ID); err != nil || len(st) != 1 || st[0].Status != push.StatusDelivered {
		t.Fatalf("the MQL in the inbox: %+v %v", st, err)
	}

	f.clk.t = f.clk.t.Add(2 * time.Hour) // its delivery long over
	f.w.Connectors = []push.Connector{f.inbox, hook}
	log := &eventlog.Log{T: f.w.T}
	form := func(id, msg string) qualify.Reinquiry {
		t.Helper()
		ev := event.Event{ID: id, Type: event.FormSubmit, VisitorID: "pv1", URL: "https://www.example.com/contact", Title: "お見積もり",
			Properties: map[string]any{"message": msg}, Timestamp: f.clk.t, ReceivedAt: f.clk.t}
		if _, err := log.Append(ctx, []event.Event{ev}); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte("pv1\x00" + id))
		return qualify.Reinquiry{ID: f.mql.ID + "-f" + hex.EncodeToString(sum[:8]), MQL: f.mql.ID, Person: f.mql.Person, Email: f.mql.Email,
			Visitor: "pv1", Event: id, At: f.clk.t}
	}
	deliver := func(r qualify.Reinquiry) {
		t.Helper()
		body, _ := json.Marshal(push.ReinquiryMessage(r))
		if _, res, err := f.w.DeliverBody(ctx, body); err != nil || !res.Done {
			t.Fatalf("re-inquiry %s: %+v %v", r.Event, res, err)
		}
	}
	sent := func() string {
		t.Helper()
		rc.mu.Lock()
		defer rc.mu.Unlock()
		var out []string
		for _, b := range rc.bodies {
			d, _ := b["data"].(map[string]any)
			out = append(out, fmt.Sprintf("%v %v", b["type"], d["mqlId"]))
		}
		return fmt.Sprint(out)
	}

	first := form("e9", "至急見積もりをお願いします")
	deliver(first)
	deliver(first) // a stream batch handled twice
	if got, want := sent(), fmt.Sprintf("[mql.created %s]", f.mql.ID); got != want {
		t.Fatalf("the receiver got %s, want %s: the MQL it never took, once, no activity", got, want)
	}
	rc.mu.Lock()
	d, _ := rc.bodies[0]["data"].(map[string]any)
	if d["condition"] != "hot-and-fit" || fmt.Sprint(d["reasons"]) != "[behaviour 45 >= 40 grade A]" || d["behaviourScore"] != 45.0 || rc.ids[f.mql.ID] != 1 {
		t.Errorf("mql.created without why and score, or not under the MQL's id: %v %v", d, rc.ids)
	}
	// The form came after the MQL: the lead carries it apart from the
	// activity the MQL rests on.
	if acts := fmt.Sprint(d["afterMql"]); !strings.Contains(acts, "お見積もり") || strings.Contains(fmt.Sprint(d["activity"]), "お見積もり") {
		t.Errorf("the MQL's lead does not carry the form after the MQL apart: %s / %v", acts, d["activity"])
	}
	rc.mu.Unlock()
	if st, _ := f.w.Status(ctx, f.mql.ID); len(st) != 2 || st[1].Connector != "webhook" || st[1].Status != push.StatusDelivered {
		t.Errorf("the webhook's delivery record of the MQL: %+v", st)
	}

	f.clk.t = f.clk.t.Add(10 * time.Minute)
	second := form("e10", "三回目：まだですか")
	deliver(second)
	if got, want := sent(), fmt.Sprintf("[mql.created %[1]s mql.activity %[1]s]", f.mql.ID); got != want {
		t.Fatalf("after the second form the receiver got %s, want %s", got, want)
	}
	if rc.ids[second.ID] != 1 {
		t.Errorf("the activity's webhook-id: %v, want %s", rc.ids, second.ID)
	}
	ls, err := f.inbox.List(ctx, 10)
	if err != nil || len(ls) != 1 || len(ls[0].Reinquiries) != 2 {
		t.Errorf("the inbox, which had the MQL, told %+v (%v), want both forms", ls, err)
	}
}

// TestReinquiryMQLToAWebhookConfiguredSinceFails: the MQL a re-inquiry
// delivers to a webhook configured since it was raised fails as any MQL
// does, on its own delivery record: refused (422), the re-inquiry is dead
// with the receiver's answer (its dead letter) and a later form leaves it
// be; the receiver fixed, the replayed re-inquiry delivers it, a 503 and
// its Retry-After waited out, once, carrying both forms; nothing more
// goes out for either form.
func TestReinquiryMQLToAWebhookConfiguredSinceFails(t *testing.T) {
	ctx := context.Background()
	rc := &receiver{ids: map[string]int{}, status: 422}
	f := setup(t, rc)
	hook := f.w.Connectors[1]
	f.w.Connectors = []push.Connector{f.inbox}
	data, _ := json.Marshal(f.mql)
	if err := f.w.T.Put(ctx, table.Item{PK: identity.PersonPK(f.mql.Person), SK: "MQL#0001", Kind: qualify.KindMQL, Data: data}, table.NotExists); err != nil {
		t.Fatal(err)
	}
	f.drain(t, 2, time.Second)
	f.clk.t = f.clk.t.Add(2 * time.Hour)
	f.w.Connectors = []push.Connector{f.inbox, hook}
	log := &eventlog.Log{T: f.w.T}
	form := func(id string) []byte {
		t.Helper()
		ev := event.Event{ID: id, Type: event.FormSubmit, VisitorID: "pv1", URL: "https://www.example.com/contact", Title: "form " + id, Timestamp: f.clk.t, ReceivedAt: f.clk.t}
		if _, err := log.Append(ctx, []event.Event{ev}); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte("pv1\x00" + id))
		body, _ := json.Marshal(push.ReinquiryMessage(qualify.Reinquiry{ID: f.mql.ID + "-f" + hex.EncodeToString(sum[:8]), MQL: f.mql.ID,
			Person: f.mql.Person, Email: f.mql.Email, Visitor: "pv1", Event: id, At: f.clk.t}))
		return body
	}
	webhookMQL := func() push.Delivery {
		t.Helper()
		st, err := f.w.Status(ctx, f.mql.ID)
		if err != nil || len(st) != 2 {
			t.Fatalf("deliveries %+v %v", st, err)
		}
		return st[1]
	}

	first := form("e9")
	if _, res, err := f.w.DeliverBody(ctx, first); err != nil || !res.Permanent || !strings.Contains(res.Reason, "webhook: 422") {
		t.Fatalf("refused: %+v %v, want dead with the receiver's answer", res, err)
	}
	if d := webhookMQL(); d.Status != push.StatusDead {
		t.Errorf("the webhook's MQL delivery: %+v, want dead", d)
	}
	f.clk.t = f.clk.t.Add(time.Minute)
	second := form("e10")
	if _, res, err := f.w.DeliverBody(ctx, second); err != nil || !res.Done {
		t.Fatalf("a later form: %+v %v", res, err)
	}

	rc.mu.Lock()
	rc.status, rc.fail = 0, 1
	rc.mu.Unlock()
	_, res, err := f.w.DeliverBody(ctx, first) // the dead letter replayed
	if err != nil || res.Done || res.Permanent || res.RetryAfter < 7*time.Second {
		t.Fatalf("replayed into a 503: %+v %v, want waiting out its Retry-After", res, err)
	}
	f.clk.t = f.clk.t.Add(res.RetryAfter)
	if _, res, err := f.w.DeliverBody(ctx, first); err != nil || !res.Done {
		t.Fatalf("replayed: %+v %v", res, err)
	}
	for _, body := range [][]byte{first, second} {
		if _, res, err := f.w.DeliverBody(ctx, body); err != nil || !res.Done {
			t.Fatalf("again: %+v %v", res, err)
		}
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.bodies) != 1 || rc.bodies[0]["type"] != "mql.created" || rc.ids[f.mql.ID] != 1 {
		t.Fatalf("the receiver got %d messages %v, want the MQL once", len(rc.bodies), rc.ids)
	}
	acts := fmt.Sprint(rc.bodies[0]["data"].(map[string]any)["afterMql"])
	if !strings.Contains(acts, "form e9") || !strings.Contains(acts, "form e10") {
		t.Errorf("the MQL's lead without both forms: %s", acts)
	}
	if d := webhookMQL(); d.Status != push.StatusDelivered || d.Attempts != 2 {
		t.Errorf("the webhook's MQL delivery: %+v, want delivered at the replay's second attempt", d)
	}
}
