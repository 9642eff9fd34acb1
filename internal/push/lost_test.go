package push_test

import (
	"context"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
)

// TestRequeueLeavesDeadAndYoungMQLs: the sweep's Requeue queues again an
// MQL no connector configured before it has a record of, once it is After
// old, and only that: a queued copy of an MQL whose delivery is dead would
// revive it as a replay does (the worker's rule: nothing in flight but
// some dead), one raised less than After ago may still be on its way,
// and one raised before the connector was first seen was not its to have
// (not_sent).
func TestRequeueLeavesDeadAndYoungMQLs(t *testing.T) {
	ctx := context.Background()
	rc := &receiver{ids: map[string]int{}, status: 422} // the webhook refuses it for good
	f := setup(t, rc)
	f.w.Connectors = f.w.Connectors[1:] // the webhook alone
	raised := f.clk.t
	// The inbox was configured too (its record of f.mql missing: a
	// worker that died before it, say).
	if _, err := push.NoteConnectors(ctx, f.w.T, []string{"webhook", "inbox"}, raised.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	f.drain(t, 1, time.Second) // f.mql: dead at the webhook
	if st, err := f.w.Status(ctx, f.mql.ID); err != nil || len(st) != 1 || st[0].Status != push.StatusDead {
		t.Fatalf("the refused MQL: %+v %v, want dead", st, err)
	}
	mql := func(cycle int, at time.Time) qualify.MQL {
		m := f.mql
		m.ID, m.Cycle, m.At, m.RaisedAt = f.mql.Person+"-c"+string(rune('0'+cycle)), cycle, at, at
		return m
	}
	lost := mql(2, raised)                       // no record anywhere: its relay was lost
	young := mql(3, raised.Add(150*time.Minute)) // raised 30 minutes before the sweep
	before := mql(4, raised.Add(-2*time.Minute)) // raised before the webhook was first seen
	f.clk.t = raised.Add(3 * time.Hour)
	var sent []string
	r := &push.Requeue{T: f.w.T, Dir: f.w.Dir, Connectors: []string{"webhook", "inbox"}, After: 2 * time.Hour, Window: 7 * 24 * time.Hour, Now: f.clk.now,
		MQLs: func(context.Context, time.Time) ([]qualify.MQL, error) {
			return []qualify.MQL{f.mql, lost, young, before}, nil
		},
		Send: func(_ context.Context, m qualify.MQL) error { sent = append(sent, m.ID); return nil }}
	n, err := r.Run(ctx)
	if err != nil || n != 1 || len(sent) != 1 || sent[0] != lost.ID {
		t.Fatalf("queued again %d %v (%v), want %s alone", n, sent, err, lost.ID)
	}
}
