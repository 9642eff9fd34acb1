package sla_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/reports"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/sla"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// receiver is a connector the SFA's webhook stands behind: it refuses the
// lead (a 400, permanent: dead-lettered) until fixed.
type receiver struct{ refuse bool }

func (r *receiver) Name() string { return "webhook" }

func (r *receiver) Push(context.Context, push.Lead) (string, error) {
	if r.refuse {
		return "", &push.Error{Connector: "webhook", Status: 400, Message: "bad request", Permanent: true}
	}
	return "ext-1", nil
}

// fixture is an MQL raised at t0 whose delivery to the webhook receiver
// was refused (dead-lettered), with a sweeper and the SLA report.
type fixture struct {
	ctx     context.Context
	t0      time.Time
	clk     *clock.Manual
	tb      *bolttable.Table
	m       qualify.MQL
	rc      *receiver
	w       *push.Worker
	sweeper *sla.Sweeper
}

func newFixture(t *testing.T) *fixture {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	clk := clock.NewManual(t0)
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	rules, err := rulebook.Load("../../infra/rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	log := &eventlog.Log{T: tb}
	dir := &identity.Directory{T: tb, Now: clk.Now}
	st := &identity.Stitcher{Dir: dir, Log: log}
	q := &qualify.Qualifier{T: tb, Dir: dir, Log: log, Engine: &rulebook.Engine{R: rules}, Now: clk.Now}
	evs := []event.Event{
		{ID: "a", Type: event.Download, VisitorID: "v", URL: "https://www.example.com/a.pdf", Timestamp: t0},
		{ID: "b", Type: event.FormSubmit, VisitorID: "v", Timestamp: t0, Properties: map[string]any{"form": map[string]any{"id": "contact"}}},
	}
	if _, err := log.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	p, _, err := st.Identify(ctx, identity.Identification{Visitor: "v", Email: "refused@example.com", Strength: identity.Strong, Fields: map[string]string{"title": "部長", "employees": "500"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Process(ctx, evs); err != nil {
		t.Fatal(err)
	}
	ms, err := q.MQLs(ctx, p.ID)
	if err != nil || len(ms) != 1 {
		t.Fatalf("MQLs %+v %v", ms, err)
	}
	m := ms[0]
	rc := &receiver{refuse: true}
	w := &push.Worker{T: tb, Dir: dir, Stitcher: st, Now: clk.Now, Connectors: []push.Connector{rc}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if res := w.Deliver(ctx, m); !res.Permanent {
		t.Fatalf("delivery %+v, want dead-lettered", res)
	}
	sweeper := &sla.Sweeper{Q: q, Now: clk.Now,
		Delivered: func(ctx context.Context, id string) (time.Time, bool, error) { return push.FirstDelivery(ctx, tb, id) },
		Between: func(ctx context.Context, from, to time.Time) (map[string]time.Time, error) {
			return push.FirstDeliveredBetween(ctx, tb, from, to)
		}}
	return &fixture{ctx: ctx, t0: t0, clk: clk, tb: tb, m: m, rc: rc, w: w, sweeper: sweeper}
}

// sweep runs the sweep at when as the workspace does (90 days back).
func (f *fixture) sweep(t *testing.T, when time.Time) []sla.Breach {
	t.Helper()
	f.clk.Set(when)
	bs, err := f.sweeper.Sweep(f.ctx, 24*time.Hour, 90*24*time.Hour, nil)
	if err != nil {
		t.Fatal(err)
	}
	return bs
}

// report is the SLA report's (all) row for the filter.
func (f *fixture) report(t *testing.T, flt reports.Filter) reports.SLARow {
	t.Helper()
	people, err := reports.Load(f.ctx, f.tb)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := reports.SLAOf(f.ctx, people, flt, 24*time.Hour, calendar.Calendar{}, f.clk.Now(), f.sweeper.Delivered, f.sweeper.Between, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Owner == "(all)" {
			return r
		}
	}
	return reports.SLARow{Owner: "(all)"} // nothing in the period
}

// replay fixes the receiver and delivers the dead letter at when.
func (f *fixture) replay(t *testing.T, when time.Time) {
	t.Helper()
	f.clk.Set(when)
	f.rc.refuse = false
	if res := f.w.Deliver(f.ctx, f.m); !res.Done {
		t.Fatalf("replay %+v", res)
	}
}

// TestUndeliveredMQLIsNoBreach: with the webhook receiver answering 400
// the MQL was dead-lettered ("webhook: 400"), and a day later the sweep
// announced mql.sla_breached for it and the SLA report counted it as
// sales' open breach, though it never reached them. Sales' time runs from
// the first delivery to a connector: undelivered, the MQL is no breach
// (the report counts it not delivered); the dead letter replayed and
// delivered, sales' time starts then.
func TestUndeliveredMQLIsNoBreach(t *testing.T) {
	f := newFixture(t)
	t0, m := f.t0, f.m
	sweep := func(when time.Time) []sla.Breach { t.Helper(); return f.sweep(t, when) }
	report := func() reports.SLARow { t.Helper(); return f.report(t, reports.Filter{}) }
	if bs := sweep(t0.Add(25 * time.Hour)); len(bs) != 0 {
		t.Fatalf("dead-lettered, never reached sales: breaches %+v", bs)
	}
	if r := report(); r.OpenBreaches != 0 || r.NotDelivered != 1 {
		t.Fatalf("the report of a lead not delivered: %+v", r)
	}

	// The receiver fixed, the dead letter replayed: delivered at 26h.
	replayed := t0.Add(26 * time.Hour)
	f.replay(t, replayed)
	if bs := sweep(replayed.Add(23 * time.Hour)); len(bs) != 0 {
		t.Fatalf("23 hours after it reached sales: breaches %+v", bs)
	}
	if r := report(); r.OpenBreaches != 0 || r.NotDelivered != 0 {
		t.Fatalf("the report 23 hours after it reached sales: %+v", r)
	}
	bs := sweep(replayed.Add(24*time.Hour + time.Minute))
	if len(bs) != 1 || bs[0].MQL.ID != m.ID || !bs[0].Delivered.Equal(replayed) || bs[0].Age != 24*time.Hour+time.Minute {
		t.Fatalf("past the SLA from the replay: breaches %+v, want one of 24h1m from %s", bs, replayed)
	}
	if r := report(); r.OpenBreaches != 1 || r.NotDelivered != 0 {
		t.Fatalf("the report past the SLA: %+v", r)
	}
	if bs := sweep(replayed.Add(25 * time.Hour)); len(bs) != 0 {
		t.Fatalf("announced twice: %+v", bs)
	}
}

// TestLateReplayedMQLIsSwept: an MQL raised on day 0 was dead-lettered and
// its dead letter replayed (delivered) on day 120. The sweep looked only at
// MQLs raised within its 90 days, so sales never answering it was no
// breach, ever. Sales' time runs from the delivery: the sweep finds MQLs
// delivered within its lookback too (by the index of first deliveries),
// and the SLA report counts it in the period it reached sales.
func TestLateReplayedMQLIsSwept(t *testing.T) {
	f := newFixture(t)
	day := func(at time.Time) reports.Filter {
		d := at.Truncate(24 * time.Hour)
		return reports.Filter{From: d, To: d.Add(24 * time.Hour)}
	}
	f.clk.Set(f.t0.Add(30 * 24 * time.Hour))
	if r := f.report(t, day(f.t0)); r.MQLs != 1 || r.NotDelivered != 1 {
		t.Fatalf("the report of the day it qualified, not delivered: %+v", r)
	}
	replayed := f.t0.Add(120 * 24 * time.Hour)
	f.replay(t, replayed)
	if bs := f.sweep(t, replayed.Add(23*time.Hour)); len(bs) != 0 {
		t.Fatalf("23 hours after it reached sales: breaches %+v", bs)
	}
	bs := f.sweep(t, replayed.Add(24*time.Hour+time.Minute))
	if len(bs) != 1 || bs[0].MQL.ID != f.m.ID || !bs[0].Delivered.Equal(replayed) || bs[0].Age != 24*time.Hour+time.Minute {
		t.Fatalf("past the SLA from a replay 120 days after the raise: breaches %+v, want one of 24h1m from %s", bs, replayed)
	}
	if bs := f.sweep(t, replayed.Add(25*time.Hour)); len(bs) != 0 {
		t.Fatalf("announced twice: %+v", bs)
	}

	// The report: in the period it was delivered (the replay's day), not
	// the one it qualified in, where it no longer counts.
	if r := f.report(t, day(replayed)); r.MQLs != 1 || r.OpenBreaches != 1 || r.NotDelivered != 0 {
		t.Fatalf("the report of the day it reached sales: %+v", r)
	}
	if r := f.report(t, day(f.t0)); r.MQLs != 0 {
		t.Fatalf("the report of the day it qualified, delivered 120 days later: %+v", r)
	}
	if r := f.report(t, reports.Filter{}); r.MQLs != 1 || r.OpenBreaches != 1 {
		t.Fatalf("the report of every day: %+v", r)
	}
}
