package push_test

import (
	"context"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/push"
)

// TestFirstDeliveryIsIndexed: sales' SLA runs from an MQL's first delivery,
// which the sweep and the SLA report find by its time (a dead letter
// replayed long after the raise is outside any lookback by the MQL's
// time). The index keeps the first delivery alone: the webhook's, refused
// and replayed a month later, is no new start. The person's erasure takes
// their entry with it, and their disclosure shows it.
func TestFirstDeliveryIsIndexed(t *testing.T) {
	ctx := context.Background()
	rc := &receiver{ids: map[string]int{}, status: 400}
	f := setup(t, rc)
	first := f.clk.t
	f.drain(t, 1, time.Second) // the inbox takes it; the webhook refuses it (dead-lettered)
	rc.status = 0
	f.clk.t = first.AddDate(0, 1, 0)
	if res := f.w.Deliver(ctx, f.mql); !res.Done {
		t.Fatalf("replay %+v", res)
	}
	if rc.ids[f.mql.ID] != 1 {
		t.Fatalf("webhook deliveries %v", rc.ids)
	}
	between := func(from, to time.Time) map[string]time.Time {
		t.Helper()
		got, err := push.FirstDeliveredBetween(ctx, f.w.T, from, to)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	// A range over months (read a month at a time), open at either end,
	// and over years (read on from its start).
	for _, r := range [][2]time.Time{{first.AddDate(0, -2, 0), first.AddDate(0, 3, 0)}, {first, first.Add(time.Second)}, {first.Add(-time.Hour), time.Time{}}, {time.Time{}, first.Add(time.Second)}, {first.AddDate(-5, 0, 0), first.AddDate(5, 0, 0)}} {
		if got := between(r[0], r[1]); len(got) != 1 || !got[f.mql.ID].Equal(first) {
			t.Fatalf("first deliveries in [%s, %s): %v, want %s at %s", r[0], r[1], got, f.mql.ID, first)
		}
	}
	if got := between(first.Add(time.Second), time.Time{}); len(got) != 0 {
		t.Fatalf("first deliveries after the first: %v (the replay to the webhook is none)", got)
	}
	if got := between(first.AddDate(0, -1, 0), first); len(got) != 0 {
		t.Fatalf("first deliveries before it: %v", got)
	}

	s := privacy.Subject{Person: f.mql.Person, Email: f.mql.Email}
	d, err := f.w.Disclose(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.w.Forget(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(d[push.KindDeliveredIndex]) != 1 || r[push.KindDeliveredIndex] != 1 {
		t.Fatalf("index entries disclosed %d, forgotten %d: want 1 each", len(d[push.KindDeliveredIndex]), r[push.KindDeliveredIndex])
	}
	if got := between(first.Add(-time.Hour), time.Time{}); len(got) != 0 {
		t.Fatalf("after the erasure: %v", got)
	}
}

// TestFirstDeliveryIndexedOnceAtOneInstant: two connectors took the MQL at
// the same instant (one run, one clock reading): one index entry, which the
// disclosure must count once, as the erasure removes it once (it counted
// one a delivery record).
func TestFirstDeliveryIndexedOnceAtOneInstant(t *testing.T) {
	ctx := context.Background()
	f := setup(t, &receiver{ids: map[string]int{}})
	f.drain(t, 1, time.Second)
	s := privacy.Subject{Person: f.mql.Person, Email: f.mql.Email}
	d, err := f.w.Disclose(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.w.Forget(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(d["delivery"]) != 2 || len(d[push.KindDeliveredIndex]) != 1 || r[push.KindDeliveredIndex] != 1 {
		t.Fatalf("delivery records %d; index entries disclosed %d, forgotten %d: want 2, 1, 1", len(d["delivery"]), len(d[push.KindDeliveredIndex]), r[push.KindDeliveredIndex])
	}
}
