package qualifytest

import (
	"context"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/table/tabletest"
)

// reopenedReplay: a lead rejected (recycled), taken back by sales an hour
// later (reopen: accepted), who then keeps reading while sales work them.
// Live scoring raises no MQL (they are at SAL); the replay (Simulate, the
// lab's current side and its check) must not either: the recycle sales
// reopened started no cycle. It took every recycle for a cycle's end and
// raised a would-be MQL of "cycle 2" on the activity after it.
func reopenedReplay(t *testing.T, f tabletest.Factory) {
	ctx := context.Background()
	x := newFx(t, f)
	p := x.identify(t, "v21", "reopen-sim@example.com", t0)
	e := []event.Event{ev("v21", "s1", event.Download, t0.Add(time.Minute)), ev("v21", "s2", event.FormSubmit, t0.Add(2*time.Minute))}
	x.step(t, t0.Add(2*time.Minute), e...)
	x.outcome(t, p.ID, "accepted", "s-acc", t0.Add(time.Hour))
	x.clk.Set(t0.Add(2 * time.Hour))
	if res, err := x.q.OutcomeWhy(ctx, p.ID, "rejected", "s-rej", "rep@acme", "時期尚早", t0.Add(2*time.Hour)); err != nil || !res.Recycled {
		t.Fatalf("reject: %+v %v", res, err)
	}
	x.outcome(t, p.ID, "accepted", "s-again", t0.Add(3*time.Hour))
	later := []event.Event{ev("v21", "s3", event.Download, t0.Add(4*time.Hour)), ev("v21", "s4", event.FormSubmit, t0.Add(4*time.Hour+time.Minute))}
	x.step(t, t0.Add(4*time.Hour+time.Minute), later...)
	if rec, _ := x.q.Record(ctx, p.ID); rec.Stage != qualify.StageSAL || rec.Cycle != 1 {
		t.Fatalf("live: stage %s, cycle %d; want sal, 1", rec.Stage, rec.Cycle)
	}
	x.clk.Set(t0.Add(5 * time.Hour))
	_, sims, err := x.q.Simulate(ctx, p.ID, x.q.Engine)
	if err != nil {
		t.Fatal(err)
	}
	if got := sims[0].MQLs; len(got) != 1 {
		t.Errorf("the replay of the rules in force raises %d MQLs %+v; live raised one (the second recycle was reopened)", len(got), got)
	}
}
