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

// TestAttendanceMessage: an attendance change as the push queue carries it
// (the score function's SQS relay sends the same shape) is read as one,
// not as an MQL without an id; one naming no touch is refused as
// undecodable, and one whose touch is not stored is done telling no one.
func TestAttendanceMessage(t *testing.T) {
	ctx := context.Background()
	rc := &receiver{ids: map[string]int{}}
	f := setup(t, rc)
	a := qualify.Attendance{ID: f.mql.ID + "-a0123456789abcdef-1", MQL: f.mql.ID, Person: f.mql.Person, Email: f.mql.Email, Visitor: "o:" + f.mql.Person, Event: "gone", Absent: true}
	body, _ := json.Marshal(push.AttendanceMessage(a))
	id, res, err := f.w.DeliverBody(ctx, body)
	if err != nil || id != a.ID || !res.Done {
		t.Errorf("attendance of a touch not stored: %q %+v %v", id, res, err)
	}
	if len(rc.bodies) != 0 {
		t.Errorf("posted %d", len(rc.bodies))
	}
	if _, _, err := f.w.DeliverBody(ctx, []byte(`{"attendance":{"id":"x","mql":"p-c1"}}`)); err == nil {
		t.Error("an attendance change naming no person or touch was taken")
	}
}

// TestAttendanceText: the follow-up sales read names the touch missed
// (its channel, event and day) and the score now, in English as in
// Japanese; a correction says the person attended after all.
func TestAttendanceText(t *testing.T) {
	a := push.FormActivity{MQLID: "p_1-c1", Type: "offline", Title: "DX webinar\nday 3", Channel: "webinar", Attendance: push.Absent,
		At: time.Date(2026, 11, 19, 0, 0, 0, 0, time.UTC), Score: &push.ActivityScore{Behaviour: 12.5, Fit: 50, Grade: "A"}}
	if s := a.Subject(); s != "Did not attend: webinar DX webinar day 3" {
		t.Errorf("subject %q", s)
	}
	if s := a.Summary(); !strings.Contains(s, "after MQL (p_1-c1) says the person did not attend") || !strings.Contains(s, "- 2026-11-19 webinar DX webinar day 3 (absent)\n") ||
		!strings.Contains(s, "Behaviour 12.5, fit 50 (grade A)") {
		t.Errorf("summary:\n%s", s)
	}
	a.Attendance, a.Lang = push.Attended, "ja"
	if s := a.Subject(); s != "出席（訂正）：ウェビナー DX webinar day 3" {
		t.Errorf("subject %q", s)
	}
	if s := a.Summary(); !strings.Contains(s, "訂正：MQL（p_1-c1）") || strings.Contains(s, "欠席") || !strings.Contains(s, "行動スコア 12.5、適合度 50（グレード A）") {
		t.Errorf("summary:\n%s", s)
	}
}

// TestAttendanceOnlyWhereTheMQLWasDelivered: an MQL the inbox took while
// no webhook was configured; the webhook set up since. A no-show of a
// touch among its reasons tells the webhook's receiver nothing: neither
// an mql.activity of an MQL it never took nor the MQL itself (a form
// does that, TestReinquiryGivesAWebhookConfiguredSinceTheMQL). Once a
// later form has given it the MQL, the next no-show reaches it as an
// mql.activity on that MQL, once.
func TestAttendanceOnlyWhereTheMQLWasDelivered(t *testing.T) {
	ctx := context.Background()
	rc := &receiver{ids: map[string]int{}}
	f := setup(t, rc)
	hook := f.w.Connectors[1]
	f.w.Connectors = []push.Connector{f.inbox} // no webhook yet
	data, _ := json.Marshal(f.mql)
	if err := f.w.T.Put(ctx, table.Item{PK: identity.PersonPK(f.mql.Person), SK: "MQL#0001", Kind: qualify.KindMQL, Data: data}, table.NotExists); err != nil {
		t.Fatal(err)
	}
	f.drain(t, 2, time.Second)
	f.clk.t = f.clk.t.Add(2 * time.Hour) // its delivery long over
	f.w.Connectors = []push.Connector{f.inbox, hook}

	log := &eventlog.Log{T: f.w.T}
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	touches := []event.Event{
		{ID: "w1", Type: event.Offline, VisitorID: "pv1", Properties: map[string]any{"event": "DX webinar", "channel": "webinar", "absent": true}, Timestamp: day, ReceivedAt: day},
		{ID: "w2", Type: event.Offline, VisitorID: "pv1", Properties: map[string]any{"event": "AI seminar", "channel": "seminar", "absent": true}, Timestamp: day, ReceivedAt: day},
		{ID: "e9", Type: event.FormSubmit, VisitorID: "pv1", URL: "https://www.example.com/contact", Title: "お見積もり", Timestamp: f.clk.t, ReceivedAt: f.clk.t},
	}
	if _, err := log.Append(ctx, touches); err != nil {
		t.Fatal(err)
	}
	deliver := func(msg any) {
		t.Helper()
		body, _ := json.Marshal(msg)
		if _, res, err := f.w.DeliverBody(ctx, body); err != nil || !res.Done {
			t.Fatalf("%s: %+v %v", body, res, err)
		}
	}
	noShow := func(touch string) qualify.Attendance {
		return qualify.Attendance{ID: f.mql.ID + "-a" + touch + "-1", MQL: f.mql.ID, Person: f.mql.Person, Email: f.mql.Email,
			Visitor: "pv1", Event: touch, Absent: true, At: day, Verdict: qualify.Verdict{Behaviour: 20, Fit: 50, Grade: "A"}}
	}
	types := func() []string {
		rc.mu.Lock()
		defer rc.mu.Unlock()
		var out []string
		for _, b := range rc.bodies {
			out = append(out, b["type"].(string))
		}
		return out
	}

	deliver(push.AttendanceMessage(noShow("w1")))
	deliver(push.AttendanceMessage(noShow("w1")))
	if got := types(); len(got) != 0 {
		t.Fatalf("a webhook that never took the MQL got %v for a no-show, want nothing", got)
	}

	// A form gives the webhook the MQL; a no-show after it is told there.
	sum := sha256.Sum256([]byte("pv1\x00e9"))
	deliver(push.ReinquiryMessage(qualify.Reinquiry{ID: f.mql.ID + "-f" + hex.EncodeToString(sum[:8]), MQL: f.mql.ID, Person: f.mql.Person,
		Email: f.mql.Email, Visitor: "pv1", Event: "e9", At: f.clk.t}))
	f.clk.t = f.clk.t.Add(time.Minute)
	w2 := noShow("w2")
	deliver(push.AttendanceMessage(w2))
	deliver(push.AttendanceMessage(w2))
	if got := types(); fmt.Sprint(got) != "[mql.created mql.activity]" {
		t.Fatalf("the receiver got %v, want the MQL (from the form) and then the no-show", got)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	d, _ := rc.bodies[1]["data"].(map[string]any)
	if d["attendance"] != push.Absent || d["mqlId"] != f.mql.ID || d["title"] != "AI seminar" || rc.ids[w2.ID] != 1 {
		t.Errorf("the no-show's activity: %v (ids %v)", d, rc.ids)
	}
}
