package reports_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/reports"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// pts: 20 a download, 10 a form; MQL at 30 (qualifytest's engine, cut down).
type pts struct{}

type pst struct {
	Score float64         `json:"score"`
	Seen  map[string]bool `json:"seen"`
}

func (pts) Version() string { return "pts" }
func (pts) Apply(raw json.RawMessage, evs []event.Event, now time.Time) (json.RawMessage, []qualify.Contribution, error) {
	var st pst
	if len(raw) > 0 {
		json.Unmarshal(raw, &st)
	}
	if st.Seen == nil {
		st.Seen = map[string]bool{}
	}
	var cs []qualify.Contribution
	for _, e := range evs {
		v := map[string]float64{event.Download: 20, event.FormSubmit: 10}[e.Type]
		if st.Seen[e.ID] || v == 0 {
			continue
		}
		st.Seen[e.ID] = true
		st.Score += v
		cs = append(cs, qualify.Contribution{Rule: e.Type, Kind: "behaviour", EventID: e.ID, EventType: e.Type, Delta: v, At: e.Timestamp})
	}
	out, _ := json.Marshal(st)
	return out, cs, nil
}
func (pts) Evaluate(raw json.RawMessage, _ map[string]string, _ string, _ time.Time) (qualify.Verdict, error) {
	var st pst
	json.Unmarshal(raw, &st)
	v := qualify.Verdict{Behaviour: st.Score, Grade: "B"}
	if st.Score >= 30 {
		v.Condition = "hot"
	}
	return v, nil
}
func (pts) Recycle(raw json.RawMessage, now time.Time) (json.RawMessage, qualify.Contribution, error) {
	var st pst
	json.Unmarshal(raw, &st)
	c := qualify.Contribution{Rule: "recycle", Kind: "reset", Delta: -st.Score, At: now}
	st.Score = 0
	out, _ := json.Marshal(st)
	return out, c, nil
}

type month struct {
	t   *testing.T
	clk *clock.Manual
	q   *qualify.Qualifier
	st  *identity.Stitcher
	log *eventlog.Log
	tb  table.Table
	t0  time.Time
	ids map[string]string
}

func newMonth(t *testing.T) *month {
	t0 := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC) // a month's start, the injected clock's
	clk := clock.NewManual(t0)
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	return newMonthOn(t, tb, clk)
}

// newMonthOn is newMonth on tb, its clock clk's (set to the month's start).
func newMonthOn(t *testing.T, tb table.Table, clk *clock.Manual) *month {
	t0 := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	clk.Set(t0)
	log := &eventlog.Log{T: tb, Now: clk.Now}
	dir := &identity.Directory{T: tb, Now: clk.Now}
	q := &qualify.Qualifier{T: tb, Dir: dir, Log: log, Engine: pts{}, Now: clk.Now}
	return &month{t: t, clk: clk, q: q, st: &identity.Stitcher{Dir: dir, Log: log}, log: log, tb: tb, t0: t0, ids: map[string]string{}}
}

func (m *month) day(d float64) time.Time { return m.t0.Add(time.Duration(d * 24 * float64(time.Hour))) }

// mql makes who an MQL at at (identified the first time).
func (m *month) mql(who string, at time.Time) {
	m.t.Helper()
	ctx := context.Background()
	m.clk.Set(at)
	vis := "v-" + who
	if m.ids[who] == "" {
		p, _, err := m.st.Identify(ctx, identity.Identification{Visitor: vis, Email: who + "@example.com", At: at.Add(-time.Minute), Strength: identity.Strong})
		if err != nil {
			m.t.Fatal(err)
		}
		m.ids[who] = p.ID
	}
	n := at.Format("0102150405")
	evs := []event.Event{
		{ID: who + n + "a", Type: event.Download, VisitorID: vis, URL: "https://www.example.com/a?utm_source=google&utm_medium=cpc", ReceivedAt: at, Timestamp: at},
		{ID: who + n + "b", Type: event.FormSubmit, VisitorID: vis, URL: "https://www.example.com/f", ReceivedAt: at, Timestamp: at},
	}
	if _, err := m.log.Append(ctx, evs); err != nil {
		m.t.Fatal(err)
	}
	if err := m.q.Process(ctx, evs); err != nil {
		m.t.Fatal(err)
	}
	if rec, _ := m.q.Record(ctx, m.ids[who]); rec.Stage != qualify.StageMQL {
		m.t.Fatalf("%s not an MQL: %s", who, rec.Stage)
	}
}

// mql2 is activity enough for an MQL by a person who must not qualify (sales have them).
func (m *month) mql2(who string, at time.Time) {
	m.t.Helper()
	ctx := context.Background()
	m.clk.Set(at)
	vis := "v-" + who
	n := at.Format("0102150405")
	evs := []event.Event{
		{ID: who + n + "a", Type: event.Download, VisitorID: vis, ReceivedAt: at, Timestamp: at},
		{ID: who + n + "b", Type: event.FormSubmit, VisitorID: vis, ReceivedAt: at, Timestamp: at},
	}
	if _, err := m.log.Append(ctx, evs); err != nil {
		m.t.Fatal(err)
	}
	if err := m.q.Process(ctx, evs); err != nil {
		m.t.Fatal(err)
	}
	if rec, _ := m.q.Record(ctx, m.ids[who]); rec.Stage == qualify.StageMQL {
		m.t.Fatalf("%s qualified while sales had them", who)
	}
}

// say applies sales' verdict dated at, Baton hearing it at heard.
func (m *month) say(who, what string, at, heard time.Time, apply bool) {
	m.t.Helper()
	m.clk.Set(heard)
	res, err := m.q.OutcomeWhy(context.Background(), m.ids[who], what, who+what+at.Format("0102150405"), "rep-"+who, "", at)
	if err != nil || res.Applied != apply {
		m.t.Fatalf("%s %s at %v: %+v %v", who, what, at, res, err)
	}
}

func (m *month) deal(who, ref, outcome string, amount float64, at time.Time) {
	m.t.Helper()
	m.clk.Set(at)
	if _, err := m.q.RecordDeal(context.Background(), m.ids[who], qualify.DealReport{Amount: &amount, Currency: "JPY", Outcome: outcome, Ref: ref, At: at}); err != nil {
		m.t.Fatal(err)
	}
}

// buildMonth: the month of the brief.
func buildMonth(t *testing.T) *month { return fillMonth(newMonth(t)) }

// fillMonth writes the month of the brief in m's table.
func fillMonth(m *month) *month {
	d := m.day
	// A: plain MQL accepted and won.
	m.mql("a", d(1))
	m.say("a", "accepted", d(2), d(2), true)
	m.deal("a", "A1", "", 1000, d(3))
	m.say("a", "won", d(5), d(5), true)
	m.deal("a", "A1", "won", 1000, d(5))
	// B: rejected, qualified again (cycle 2), won.
	m.mql("b", d(1))
	m.say("b", "rejected", d(2), d(2), true)
	m.mql("b", d(8))
	m.say("b", "won", d(12), d(12), true)
	m.deal("b", "B1", "won", 2000, d(12))
	// C: rejected, taken back (accepted), won.
	m.mql("c", d(1))
	m.say("c", "rejected", d(2), d(2), true)
	m.say("c", "accepted", d(4), d(4), true)
	m.say("c", "won", d(6), d(6), true)
	m.deal("c", "C1", "won", 3000, d(6))
	// D: SQL, its deal lost, taken back to an opportunity with a new open deal.
	m.mql("d", d(1))
	m.say("d", "sql", d(2), d(2), true)
	m.deal("d", "D1", "", 4000, d(2))
	m.deal("d", "D1", "lost", 4000, d(3))
	m.say("d", "lost", d(3), d(3), true)
	m.say("d", "opportunity", d(5), d(5), true)
	m.deal("d", "D2", "", 500, d(5))
	// E: lost, taken back, lost again.
	m.mql("e", d(1))
	m.say("e", "lost", d(2), d(2), true)
	m.say("e", "accepted", d(4), d(4), true)
	m.say("e", "lost", d(6), d(6), true)
	// F: rejected; a take-back dated before the rejection (stale).
	m.mql("f", d(1))
	m.say("f", "rejected", d(3), d(3), true)
	m.say("f", "accepted", d(2), d(4), false)
	// G: rejected at 10:00, heard at 10:30 (kintone's minutes, a retried
	// Outbound Message), taken back at 10:10, won two days later.
	m.mql("g", d(1))
	rej := d(2).Add(10 * time.Hour)
	m.say("g", "rejected", rej, rej.Add(30*time.Minute), true)
	m.say("g", "accepted", rej.Add(10*time.Minute), rej.Add(40*time.Minute), true)
	m.mql2("g", d(3)) // reads on while sales work them: no MQL (at SAL)
	m.say("g", "won", d(4), d(4), true)
	m.deal("g", "G1", "won", 700, d(4))
	m.clk.Set(d(20))
	return m
}

// TestMonthReconciles: the month's figures of one MQL agree across the
// reports: quality's SAL, SQL, won and rejected are the reps report's; the
// won MQLs are the funnel counters' customers and the revenue report's won
// deals, and attribution's customers.
func TestMonthReconciles(t *testing.T) {
	m := buildMonth(t)
	ctx := context.Background()
	people, err := reports.Load(ctx, m.tb)
	if err != nil {
		t.Fatal(err)
	}
	f := reports.Filter{From: m.t0, To: m.t0.AddDate(0, 1, 0)}
	ctrs, _ := reports.FunnelCounters(ctx, m.tb, f)
	var ql reports.QualityRow
	for _, r := range reports.Quality(people, f) {
		if r.Dimension == "condition" {
			ql = r
		}
	}
	var rp reports.RepRow
	for _, r := range reports.Reps(people, f, 24*time.Hour, calendar.Calendar{}) {
		if r.Owner == "(all)" && r.Dimension == "all" {
			rp = r
		}
	}
	_, tot := reports.Revenue(people, f, []string{"channel"})
	wonDeals := 0
	for _, x := range tot {
		if x.Kind == reports.Won {
			wonDeals += x.Deals
		}
	}
	cust := 0.0
	for _, v := range reports.Attribution(people, f)[qualify.StageCustomer]["first"] {
		cust += v
	}
	want := [][2]int{{ql.MQLs, 8}, {ql.SAL, 6}, {rp.Accepted, 6}, {ql.SQL, 5}, {rp.SQL, 5}, {ql.Won, 4}, {rp.Won, 4},
		{int(ctrs["(all)"][qualify.StageCustomer]), 4}, {wonDeals, 4}, {int(cust), 4}, {ql.Rejected, 2}, {rp.Rejected, 2}, {ql.Lost, 1}, {rp.Lost, 1}}
	for i, w := range want {
		if w[0] != w[1] {
			t.Errorf("figure %d: %d, want %d (quality %+v, reps %+v)", i, w[0], w[1], ql, rp)
		}
	}
}

// TestTakenBackBeforeBatonHeardEndsNoCycle: G's rejection dated 10:00
// reached Baton at 10:30 (the recycle is dated then); the rep took the
// lead back at 10:10 (applied: later than the rejection). Read back in
// time order, the take-back comes before the recycle it undoes, so the
// recycle "ends the cycle" (EndsCycle): the MQL list reads G's MQL as
// accepted though it was won (quality, reps, lab: won), and the rules'
// replay raises a would-be MQL of cycle 2 on G's reading while at SAL.
func TestTakenBackBeforeBatonHeardEndsNoCycle(t *testing.T) {
	m := buildMonth(t)
	ctx := context.Background()
	g := m.ids["g"]
	hist, err := m.q.History(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range hist {
		if qualify.EndsCycle(hist, i) {
			t.Errorf("recycle %v ends G's cycle: sales took it back (history %v)", h.At, hist)
		}
	}
	mqls, _ := m.q.MQLs(ctx, g)
	if got := reports.MQLOutcome(mqls[0], hist); got != "won" {
		t.Errorf("MQL list outcome %q, want won", got)
	}
	_, sims, err := m.q.Simulate(ctx, g, m.q.Engine)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(sims[0].MQLs); n != 1 {
		t.Errorf("replay raises %d MQLs for G, live one: %+v", n, sims[0].MQLs)
	}
}

// TestReopenedPipelineInTheReopensPeriod: D's first deal was lost on
// 11-05, sales took D back to an opportunity on 11-07 with a new deal of
// 500 JPY. For a period from 11-06 the funnel counters have D's
// opportunity, the revenue report no pipeline: dealState dates the
// open deal from the cycle's first SQL (11-04), before the loss, before
// the deal existed.
func TestReopenedPipelineInTheReopensPeriod(t *testing.T) {
	m := buildMonth(t)
	ctx := context.Background()
	people, err := reports.Load(ctx, m.tb)
	if err != nil {
		t.Fatal(err)
	}
	f := reports.Filter{From: m.day(4), To: m.t0.AddDate(0, 1, 0)} // from 11-06
	ctrs, _ := reports.FunnelCounters(ctx, m.tb, f)
	_, tot := reports.Revenue(people, f, []string{"channel"})
	pipe := 0.0
	for _, x := range tot {
		if x.Kind == reports.Pipeline {
			pipe += x.Amount
		}
	}
	if ctrs["(all)"][qualify.StageOpportunity] == 0 || pipe != 500 {
		t.Errorf("from 11-06: funnel opportunities %d, pipeline %v JPY; want D's reopened deal, 500", ctrs["(all)"][qualify.StageOpportunity], pipe)
	}
}
