package push_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/table"
)

// TestAttendanceToldOncePerChange: a webinar among the MQL's reasons is
// marked absent, attended and absent again while the MQL's delivery is
// still pending (the three changes queued, each waiting for it), then
// attended and absent again before the first of those two is handled
// (across batches), then attended. Each connector (the webhook, and the
// inbox, whose lead lists the changes) is told only of changes, once
// each: absent once, then attended once, never the same state twice in a
// row; a correction of a no-show never told tells nothing; a change
// undone and redone before scoring read the undoing (no later change
// handed on) waits and tells the last state. The inbox lead keeps its
// place and the changes newest first, in sfa.language's words.
func TestAttendanceToldOncePerChange(t *testing.T) {
	ctx := context.Background()
	rc := &receiver{ids: map[string]int{}}
	f := setup(t, rc)
	f.w.Lang = "ja"
	data, _ := json.Marshal(f.mql)
	if err := f.w.T.Put(ctx, table.Item{PK: identity.PersonPK(f.mql.Person), SK: "MQL#0001", Kind: qualify.KindMQL, Data: data}, table.NotExists); err != nil {
		t.Fatal(err)
	}
	log := &eventlog.Log{T: f.w.T}
	day := time.Date(2026, 11, 19, 0, 0, 0, 0, time.UTC)
	if _, err := log.Append(ctx, []event.Event{
		{ID: "w1", Type: event.Offline, VisitorID: "pv1", Properties: map[string]any{"event": "製造業DXウェビナー", "channel": "webinar"}, Timestamp: day, ReceivedAt: day},
		{ID: "w2", Type: event.Offline, VisitorID: "pv1", Properties: map[string]any{"event": "AI seminar", "channel": "seminar"}, Timestamp: day, ReceivedAt: day},
	}); err != nil {
		t.Fatal(err)
	}
	// flip marks the touch as an import does; change is that and the
	// change scoring hands on (its n-th, recorded handed as
	// qualify.TellAttendance does).
	flip := func(touch string, absent bool) {
		t.Helper()
		if _, err := log.SetAbsent(ctx, "pv1", touch, absent); err != nil {
			t.Fatal(err)
		}
	}
	change := func(touch string, absent bool, n int) qualify.Attendance {
		t.Helper()
		flip(touch, absent)
		handed, _ := json.Marshal(map[string]any{"absent": absent, "n": n})
		if err := f.w.T.Put(ctx, table.Item{PK: identity.PersonPK(f.mql.Person), SK: "ATT#" + f.mql.ID + "#" + qualify.TouchKey("pv1", touch),
			Kind: qualify.KindAttendanceTold, Data: handed}, table.Always); err != nil {
			t.Fatal(err)
		}
		return qualify.Attendance{ID: fmt.Sprintf("%s-a%s-%d", f.mql.ID, qualify.TouchKey("pv1", touch), n), MQL: f.mql.ID, Person: f.mql.Person,
			Email: f.mql.Email, Visitor: "pv1", Event: touch, Absent: absent, At: day, Verdict: qualify.Verdict{Behaviour: 20, Fit: 50, Grade: "A"}}
	}
	handle := func(a qualify.Attendance) push.Result {
		t.Helper()
		body, _ := json.Marshal(push.AttendanceMessage(a))
		_, res, err := f.w.DeliverBody(ctx, body)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	told := func() []string { // the webhook's activities: attendance and id
		rc.mu.Lock()
		defer rc.mu.Unlock()
		var out []string
		for _, b := range rc.bodies {
			if b["type"] == "mql.activity" {
				d := b["data"].(map[string]any)
				out = append(out, d["attendance"].(string))
			}
		}
		return out
	}
	card := func() push.Lead {
		t.Helper()
		ls, err := f.inbox.List(ctx, 10)
		if err != nil || len(ls) != 1 {
			t.Fatalf("inbox: %d leads, %v", len(ls), err)
		}
		return ls[0]
	}
	lines := func() []string {
		var out []string
		for _, c := range card().AttendanceChanges {
			out = append(out, c.Subject)
		}
		return out
	}

	// While the MQL's delivery is pending: absent, attended, absent.
	// Each is handled as it comes (the one the touch no longer says is
	// done at once), and waits for the MQL.
	var pending []qualify.Attendance
	for n, absent := range []bool{true, false, true} {
		a := change("w1", absent, n+1)
		if res := handle(a); res.Done {
			t.Fatalf("%s done before the MQL was delivered", a.ID)
		}
		pending = append(pending, a)
	}
	f.drain(t, 1, time.Second)
	key := push.InboxCursor(card())
	f.clk.t = f.clk.t.Add(time.Minute)
	for _, a := range pending {
		if res := handle(a); !res.Done {
			t.Fatalf("%s: %+v", a.ID, res)
		}
	}
	if got := fmt.Sprint(told()); got != "[absent]" {
		t.Fatalf("after absent, attended, absent while the MQL was pending the webhook was told %s, want [absent]", got)
	}
	if got := fmt.Sprint(lines()); got != "[欠席：ウェビナー 製造業DXウェビナー]" {
		t.Fatalf("the inbox card's attendance lines: %s", got)
	}

	// Across batches: attended, then absent again before the attended
	// change is handled. The connectors were told absent: nothing to tell.
	f.clk.t = f.clk.t.Add(time.Hour)
	back, again := change("w1", false, 4), change("w1", true, 5)
	handle(back)
	handle(again)
	if got := fmt.Sprint(told()); got != "[absent]" {
		t.Fatalf("absent again after an unhandled attended: the webhook was told %s, want [absent] alone", got)
	}
	if got := fmt.Sprint(lines()); got != "[欠席：ウェビナー 製造業DXウェビナー]" {
		t.Fatalf("the inbox card's attendance lines: %s", got)
	}
	// Corrected for good: told once, as attended, newest first on the card.
	f.clk.t = f.clk.t.Add(time.Hour)
	fixed := change("w1", false, 6)
	handle(fixed)
	handle(fixed)
	handle(again) // a stale change handled late tells nothing
	if got := fmt.Sprint(told()); got != "[absent attended]" {
		t.Fatalf("after the correction the webhook was told %s, want [absent attended]", got)
	}
	c := card()
	if got := fmt.Sprint(lines()); got != "[出席（訂正）：ウェビナー 製造業DXウェビナー 欠席：ウェビナー 製造業DXウェビナー]" {
		t.Errorf("the inbox card's attendance lines: %s", got)
	}
	if a := c.AttendanceChanges[0]; a.ID != fixed.ID || a.Attendance != push.Attended || a.Title != "製造業DXウェビナー" || a.Channel != "webinar" ||
		!a.At.Equal(day) || !a.ToldAt.Equal(f.clk.t) || a.Score == nil || a.Score.Behaviour != 20 {
		t.Errorf("the correction on the card: %+v", a)
	}
	if got := push.InboxCursor(c); got != key {
		t.Errorf("the lead moved from %s to %s: an attendance change does not move it", key, got)
	}

	// Another touch: absent then attended before either is handled. The
	// connectors were never told it absent: no correction to tell.
	gone, came := change("w2", true, 1), change("w2", false, 2)
	handle(gone)
	handle(came)
	if got := fmt.Sprint(told()); got != "[absent attended]" {
		t.Errorf("a no-show corrected before it was told: the webhook was told %s, want nothing more", got)
	}
	if n := len(card().AttendanceChanges); n != 2 {
		t.Errorf("%d attendance lines on the card, want 2", n)
	}

	// A change handed on, then undone and redone before scoring read the
	// undoing (one stream batch: scoring reads the touch as the change
	// said, and hands nothing more). Handled in between, it waits rather
	// than being dropped, and tells the touch's last state once.
	f.clk.t = f.clk.t.Add(time.Hour)
	last := change("w1", true, 7)
	flip("w1", false)
	if res := handle(last); res.Done || res.RetryAfter <= 0 {
		t.Errorf("a change undone before scoring read the undoing: %+v, want it waiting", res)
	}
	flip("w1", true)
	f.clk.t = f.clk.t.Add(time.Minute)
	if res := handle(last); !res.Done {
		t.Errorf("the change redone: %+v", res)
	}
	if got := fmt.Sprint(told()); got != "[absent attended absent]" {
		t.Errorf("after a change undone and redone in one batch the webhook was told %s, want [absent attended absent]", got)
	}
	if n := len(card().AttendanceChanges); n != 3 {
		t.Errorf("%d attendance lines on the card, want 3", n)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for id, n := range rc.ids {
		if n != 1 {
			t.Errorf("webhook-id %s posted %d times", id, n)
		}
	}
}
