package feedback_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/stdwebhook"
)

// webhook posts body to /feedback/webhook, signed now by the fixture's clock.
func (f *fx) webhook(t *testing.T, id, body string) (int, string) {
	t.Helper()
	key, _ := stdwebhook.Key(shared)
	now := f.clk.Now()
	hdr := map[string]string{"webhook-id": id, "webhook-timestamp": strconv.FormatInt(now.Unix(), 10), "webhook-signature": stdwebhook.Sign(key, id, now.Unix(), []byte(body))}
	return f.post(t, "/feedback/webhook", body, hdr)
}

// TestVerdictDatedAheadIsRecordedAsReceived: a rejection dated 50 minutes
// ahead of Baton's clock (accepted: within the hour's skew) set the
// recycle then, so the lead's form 10 minutes after the verdict arrived,
// before that future time, was no new evidence. The verdict is recorded
// as received, and the answer says so.
func TestVerdictDatedAheadIsRecordedAsReceived(t *testing.T) {
	f := setup(t)
	received := f.now.Add(10 * time.Minute)
	f.clk.Set(received)
	ahead := received.Add(50 * time.Minute)
	code, resp := f.webhook(t, "msg_ahead", `{"email":"sales-ready@example.com","outcome":"rejected","owner":"rep","reason":"no budget","at":"`+ahead.Format(time.RFC3339)+`"}`)
	if code != 200 || f.stage(t) != qualify.StageRecycled {
		t.Fatalf("%d %s stage %s", code, resp, f.stage(t))
	}
	if c := f.salesChange(t, qualify.StageRejected); !c.At.Equal(received) {
		t.Fatalf("rejected at %s, want %s (received)", c.At, received)
	}
	hist, err := f.q.History(context.Background(), f.p.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range hist {
		if c.To == qualify.StageRecycled && c.At.After(received.Add(time.Second)) {
			t.Fatalf("recycled at %s, after the verdict arrived (%s)", c.At, received)
		}
	}
	// The lead's form after the verdict arrived is evidence after the
	// recycle (recycle.min_new_behaviour counts it).
	f.clk.Set(received.Add(10 * time.Minute))
	evs := []event.Event{{ID: "late-form", Type: event.FormSubmit, VisitorID: "fb-v", Timestamp: f.clk.Now(), Properties: map[string]any{"form": map[string]any{"id": "contact"}}}}
	if _, err := f.log.Append(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	if err := f.q.Process(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	rec, err := f.q.Record(context.Background(), f.p.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Past the rules' cooldown, only recycle.min_new_behaviour (20) waits.
	v, err := f.q.Engine.Evaluate(rec.State, nil, f.p.Email, received.Add(25*time.Hour))
	if err != nil || strings.Contains(v.Waiting, ": 0 of") {
		t.Fatalf("the form after the verdict arrived earned no new evidence (%v): %s", err, v.Waiting)
	}
	// The answer says the time was not recorded as sent.
	var ans struct {
		Results []struct {
			At     time.Time `json:"at"`
			AtNote string    `json:"atNote"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(resp), &ans); err != nil || len(ans.Results) != 1 || !ans.Results[0].At.Equal(received) || !strings.Contains(ans.Results[0].AtNote, "ahead") {
		t.Fatalf("the answer does not say the verdict was recorded as received: %s", resp)
	}
}

// TestReasonIsBounded: a webhook's reason of 3,000 characters was kept
// (and listed on the rules page) in full. It is kept to 500 characters,
// cut at a character with an ellipsis.
func TestReasonIsBounded(t *testing.T) {
	f := setup(t)
	f.clk.Set(f.now.Add(10 * time.Minute))
	long := strings.Repeat("予算", 1500)
	if code, resp := f.webhook(t, "msg_long", `{"email":"sales-ready@example.com","outcome":"rejected","owner":"rep","reason":"`+long+`"}`); code != 200 {
		t.Fatalf("%d %s", code, resp)
	}
	why := f.salesChange(t, qualify.StageRejected).Why
	if n := utf8.RuneCountInString(why); n != 500 || !strings.HasSuffix(why, "予…") || !strings.HasPrefix(long, strings.TrimSuffix(why, "…")) {
		t.Fatalf("kept %d characters: …%s", n, why[max(0, len(why)-30):])
	}
}

// TestVerdictBehindTheStage: an SQL verdict for a customer was answered
// "stale: qualify: invalid stage transition: customer -> sql", when the
// verdict was not stale but behind: the person is a customer already.
func TestVerdictBehindTheStage(t *testing.T) {
	f := setup(t)
	f.clk.Set(f.now.Add(10 * time.Minute))
	if code, resp := f.webhook(t, "msg_won", `{"email":"sales-ready@example.com","outcome":"won","owner":"rep"}`); code != 200 || f.stage(t) != qualify.StageCustomer {
		t.Fatalf("won: %d %s", code, resp)
	}
	code, resp := f.webhook(t, "msg_sql", `{"email":"sales-ready@example.com","outcome":"sql","owner":"rep"}`)
	if code != 200 || !strings.Contains(resp, `"ignored":"already customer"`) || f.stage(t) != qualify.StageCustomer {
		t.Fatalf("sql for a customer: %d %s", code, resp)
	}
}
