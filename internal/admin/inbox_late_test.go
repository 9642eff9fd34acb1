package admin_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
)

// TestLateLeadAfterARejectionAwaits: a lead sales rejected (recycled),
// then a batch of events dated before the rejection, sent hours late,
// that qualify the person again: the second MQL is dated at the recycle
// (its cycle's start), the moment of sales' rejection. The inbox read
// that rejection as the new lead's verdict (a verdict dated no earlier
// than the lead's qualifying time), so the new lead showed answered and
// the awaiting filter left it out; sales' verdicts count from when the
// lead reached them (raisedAt). It also lists first, the newest handed
// over, not under the leads raised before it.
func TestLateLeadAfterARejectionAwaits(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	q, _, log, st := scoring(t, f)
	inbox := &push.Inbox{T: f.tb}
	f.h.Deliveries = &admin.DeliveryAdmin{Queue: noDead{}, Inbox: inbox}
	t0 := f.clk.Now()
	qualify := func(vis, email string, at time.Time, id string) (string, push.Lead) {
		t.Helper()
		evs := []event.Event{
			{ID: id + "-a", Type: event.Download, VisitorID: vis, URL: "https://www.example.com/a.pdf", Timestamp: at, ReceivedAt: f.clk.Now()},
			{ID: id + "-b", Type: event.FormSubmit, VisitorID: vis, Timestamp: at, ReceivedAt: f.clk.Now(), Properties: map[string]any{"form": map[string]any{"id": "contact"}}},
		}
		if _, err := log.Append(ctx, evs); err != nil {
			t.Fatal(err)
		}
		p, _, err := st.Identify(ctx, identity.Identification{Visitor: vis, Email: email, At: at, Strength: identity.Strong, Fields: map[string]string{"title": "部長", "employees": "500"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Process(ctx, evs); err != nil {
			t.Fatal(err)
		}
		ms, err := q.MQLs(ctx, p.ID)
		if err != nil || len(ms) == 0 {
			t.Fatalf("MQLs %v %v", ms, err)
		}
		m := ms[len(ms)-1]
		l := push.Lead{MQLID: m.ID, PersonID: p.ID, Email: m.Email, Condition: m.Condition, QualifiedAt: m.At, RaisedAt: m.Raised(), Cycle: m.Cycle}
		if _, err := inbox.Push(ctx, l); err != nil {
			t.Fatal(err)
		}
		return p.ID, l
	}
	late, _ := qualify("late-v", "late@maker.example", t0, "c1")
	rejected := t0.Add(time.Hour)
	f.clk.Set(rejected)
	if res, err := q.OutcomeWhy(ctx, late, "rejected", "rej-1", "rep-a", "予算なし", rejected); err != nil || !res.Applied || !res.Recycled {
		t.Fatalf("reject: %+v %v", res, err)
	}
	// Another lead, raised at 14:00.
	f.clk.Set(rejected.Add(3 * time.Hour))
	other, _ := qualify("other-v", "other@maker.example", f.clk.Now(), "o1")
	// The late batch, dated before the rejection, reaches Baton at 16:00
	// and qualifies them again (rules asking no new behaviour after a
	// recycle): the MQL is dated at the recycle that opened its cycle
	// (qualifytest LateEventsDateTheMQL), raised at 16:00.
	f.clk.Set(rejected.Add(5 * time.Hour))
	l := push.Lead{MQLID: late + "-c2", PersonID: late, Email: "late@maker.example", Condition: "hot-and-fit", QualifiedAt: rejected, RaisedAt: f.clk.Now(), Cycle: 2}
	if _, err := inbox.Push(ctx, l); err != nil {
		t.Fatal(err)
	}
	serveScoring(t, f)
	a := f.req("GET", "/admin/inbox?show=awaiting", "", "Authorization", "Bearer "+fullToken)
	var got struct {
		Leads []struct{ MQLID, PersonID, Verdict string }
	}
	if err := json.Unmarshal([]byte(a.body), &got); a.code != 200 || err != nil {
		t.Fatalf("inbox: %d %v %s", a.code, err, a.body)
	}
	if len(got.Leads) != 2 || got.Leads[0].MQLID != l.MQLID || got.Leads[1].PersonID != other {
		t.Fatalf("awaiting %+v; want %s (raised last), then %s's", got.Leads, l.MQLID, other)
	}
}
