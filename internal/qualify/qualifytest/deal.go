package qualifytest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/reports"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/tabletest"
)

// DealSuite: deals sales report merge field by field into the person's
// deal of the MQL cycle, later changes win, and the reports' facts carry them.
func DealSuite() tabletest.Suite {
	return tabletest.Suite{Name: "deal", Run: func(t *testing.T, f tabletest.Factory) {
		t.Run("Merge", func(t *testing.T) { dealMerge(t, f) })
		t.Run("AnOldDealStaysItsCycles", func(t *testing.T) { oldDealStaysItsCycles(t, f) })
		t.Run("SeveralDealsInACycle", func(t *testing.T) { severalDeals(t, f) })
	}}
}

func dealMerge(t *testing.T, f tabletest.Factory) {
	ctx := context.Background()
	x := newFx(t, f)
	p := x.identify(t, "deal-1", "deal@example.com", t0)
	e := []event.Event{ev("deal-1", "d1", event.Download, t0.Add(time.Minute)), ev("deal-1", "d2", event.FormSubmit, t0.Add(2*time.Minute))}
	x.store(t, e...)
	x.process(t, e...)
	amount, older := 800.0, 5.0
	at := t0.Add(time.Hour)
	for _, c := range []struct {
		d       qualify.DealReport
		changed bool
	}{
		{qualify.DealReport{Amount: &amount, Currency: "EUR", Outcome: "opportunity", Source: "webhook", At: at}, true},
		{qualify.DealReport{Amount: &amount, Currency: "EUR", Outcome: "opportunity", Source: "webhook", At: at}, false}, // a repeat
		{qualify.DealReport{CloseDate: "2026-12-01", Source: "hubspot", At: at.Add(time.Minute)}, true},                  // one field alone
		{qualify.DealReport{Amount: &older, At: at.Add(-time.Hour)}, false},                                              // out of order
		{qualify.DealReport{Outcome: "won", At: at.Add(2 * time.Minute)}, false},                                         // no deal field: nothing
	} {
		changed, err := x.q.RecordDeal(ctx, p.ID, c.d)
		if err != nil || changed != c.changed {
			t.Fatalf("%+v: changed %v, want %v (%v)", c.d, changed, c.changed, err)
		}
	}
	want := qualify.Deal{Cycle: 1, Amount: 800, HasAmount: true, Currency: "EUR", CloseDate: "2026-12-01", Outcome: "opportunity", Source: "hubspot", At: at.Add(time.Minute).UTC()}
	ds, err := x.q.Deals(ctx, p.ID)
	if err != nil || len(ds) != 1 || !ds[0].At.Equal(want.At) {
		t.Fatalf("deals %+v %v", ds, err)
	}
	ds[0].At = want.At
	if ds[0] != want {
		t.Fatalf("deal %+v, want %+v", ds[0], want)
	}
	bad := -1.0
	if _, err := x.q.RecordDeal(ctx, p.ID, qualify.DealReport{Amount: &bad}); err == nil {
		t.Fatal("a negative amount was recorded")
	}
	facts, err := qualify.AllFacts(ctx, x.q.T)
	if err != nil || len(facts) != 1 || len(facts[0].Deals) != 1 || facts[0].Deals[0].Amount != 800 {
		t.Fatalf("facts %+v %v", facts, err)
	}
}

// oldDealStaysItsCycles: cycle 1's opportunity (Ref opp-1) is lost, the
// lead recycled and qualified again (cycle 2); then sales edit the old
// opportunity's amount, which the SFA sends with its id. RecordDeal placed
// a report by time alone: the edit became cycle 2's deal, {Cycle:2
// Amount:950000 Outcome:""}, and the revenue report showed it as cycle
// 2's pipeline. It updates cycle 1's deal, keeping its outcome; a report
// without a Ref, or naming another deal, is the current cycle's as before.
func oldDealStaysItsCycles(t *testing.T, f tabletest.Factory) {
	ctx := context.Background()
	x := newFx(t, f)
	p := x.identify(t, "od", "olddeal@example.com", t0)
	step := func(at time.Time, evs ...event.Event) { t.Helper(); x.step(t, at, evs...) }
	outcome := func(what, id string, at time.Time) { t.Helper(); x.outcome(t, p.ID, what, id, at) }
	record := func(d qualify.DealReport, changed bool) {
		t.Helper()
		x.clk.Set(d.At)
		if ok, err := x.q.RecordDeal(ctx, p.ID, d); err != nil || ok != changed {
			t.Fatalf("%+v: changed %v, want %v (%v)", d, ok, changed, err)
		}
	}
	totals := func() []reports.RevenueTotal {
		t.Helper()
		people, err := qualify.AllFacts(ctx, x.q.T)
		if err != nil {
			t.Fatal(err)
		}
		_, tot := reports.Revenue(people, reports.Filter{}, []string{"channel"})
		return tot
	}
	amount := func(v float64) *float64 { return &v }
	step(t0.Add(3*time.Minute),
		touchEv("od", "o1", event.PageView, "google", "cpc", t0.Add(time.Minute)),
		ev("od", "o2", event.Download, t0.Add(2*time.Minute)),
		ev("od", "o3", event.FormSubmit, t0.Add(3*time.Minute))) // MQL 1
	outcome("sql", "sf-1", t0.Add(time.Hour))
	record(qualify.DealReport{Amount: amount(900000), Currency: "JPY", Source: "salesforce", Ref: "opp-1", At: t0.Add(90 * time.Minute)}, true)
	if tot := totals(); len(tot) != 1 || tot[0].Kind != reports.Pipeline || tot[0].Amount != 900000 {
		t.Fatalf("cycle 1's open deal: totals %+v, want 900000 JPY of pipeline", tot)
	}
	record(qualify.DealReport{Outcome: "lost", CloseDate: "2026-11-02", Source: "salesforce", Ref: "opp-1", At: t0.Add(2 * time.Hour)}, true)
	outcome("lost", "sf-2", t0.Add(2*time.Hour))
	step(t0.Add(4*time.Hour),
		touchEv("od", "o4", event.PageView, "newsletter", "email", t0.Add(3*time.Hour)),
		ev("od", "o5", event.Download, t0.Add(4*time.Hour)))
	step(t0.Add(5*time.Hour), touchEv("od", "o6", event.PageView, "linkedin", "social", t0.Add(5*time.Hour))) // MQL 2
	if rec, err := x.q.Record(ctx, p.ID); err != nil || rec.Cycle != 2 || rec.Stage != qualify.StageMQL {
		t.Fatalf("not qualified again: %+v %v", rec, err)
	}

	// The old opportunity's amount edited in cycle 2.
	record(qualify.DealReport{Amount: amount(950000), Source: "salesforce", Ref: "opp-1", At: t0.Add(6 * time.Hour)}, true)
	ds, err := x.q.Deals(ctx, p.ID)
	if err != nil || len(ds) != 1 {
		t.Errorf("deals %+v %v, want cycle 1's alone", ds, err)
	} else if d := ds[0]; d.Cycle != 1 || d.Amount != 950000 || d.Outcome != "lost" || d.Currency != "JPY" || d.CloseDate != "2026-11-02" || d.Ref != "opp-1" {
		t.Errorf("deal %+v, want cycle 1's, amount 950000, still lost", d)
	}
	if tot := totals(); len(tot) != 0 {
		t.Fatalf("totals %+v, want none: cycle 1's deal was lost, cycle 2 has none", tot)
	}
	// An edit older than the deal's latest change stays ignored.
	record(qualify.DealReport{Amount: amount(1), Ref: "opp-1", At: t0.Add(5*time.Hour + 30*time.Minute)}, false)
	// Its stage alone changed (no deal field): nothing written, but whose
	// deal it is said, for the caller to tell whose outcome it is.
	if r, err := x.q.RecordDealOf(ctx, p.ID, qualify.DealReport{Outcome: "lost", Ref: "opp-1", At: t0.Add(6*time.Hour + 30*time.Minute)}); err != nil || r != (qualify.DealRecorded{Earlier: true, Cycle: 1, Outcome: "lost"}) {
		t.Fatalf("a stage change of cycle 1's deal: %+v %v", r, err)
	}

	// A report naming no deal, then another deal, is cycle 2's.
	record(qualify.DealReport{Amount: amount(300000), Currency: "JPY", Source: "kintone", At: t0.Add(7 * time.Hour)}, true)
	record(qualify.DealReport{CloseDate: "2026-12-20", Source: "salesforce", Ref: "opp-2", At: t0.Add(8 * time.Hour)}, true)
	if ds, err = x.q.Deals(ctx, p.ID); err != nil || len(ds) != 2 || ds[0].Amount != 950000 || ds[1].Cycle != 2 || ds[1].Amount != 300000 || ds[1].Ref != "opp-2" {
		t.Fatalf("deals %+v %v, want cycle 1's and cycle 2's own", ds, err)
	}
	if tot := totals(); len(tot) != 1 || tot[0].Kind != reports.Pipeline || tot[0].Amount != 300000 || tot[0].Deals != 1 {
		t.Fatalf("totals %+v, want cycle 2's own 300000 JPY of pipeline alone", tot)
	}
}

// severalDeals: a cycle's second opportunity (a second product) was merged
// into its first, taking its id: the first's win, sent later with its
// amount, and the second's loss overwrote each other, the cycle's one deal
// ending lost with the second's amount (the reports' won amount then the
// second's). Each is a deal of its own, its own outcome; the reports count
// the won one's amount once. An item stored when a cycle held one deal
// reads as that deal, and a cycle holds at most MaxCycleDeals.
func severalDeals(t *testing.T, f tabletest.Factory) {
	ctx := context.Background()
	x := newFx(t, f)
	p := x.identify(t, "sd", "several@example.com", t0)
	amount := func(v float64) *float64 { return &v }
	record := func(person string, d qualify.DealReport, want qualify.DealRecorded) {
		t.Helper()
		x.clk.Set(d.At)
		if r, err := x.q.RecordDealOf(ctx, person, d); err != nil || r != want {
			t.Fatalf("%+v: %+v, want %+v (%v)", d, r, want, err)
		}
	}
	x.step(t, t0.Add(3*time.Minute),
		touchEv("sd", "s1", event.PageView, "google", "cpc", t0.Add(time.Minute)),
		ev("sd", "s2", event.Download, t0.Add(2*time.Minute)),
		ev("sd", "s3", event.FormSubmit, t0.Add(3*time.Minute))) // MQL 1
	x.outcome(t, p.ID, "sql", "sf-1", t0.Add(time.Hour))
	record(p.ID, qualify.DealReport{Amount: amount(1000000), Currency: "JPY", Outcome: "opportunity", Source: "salesforce", Ref: "opp-A", At: t0.Add(90 * time.Minute)}, qualify.DealRecorded{Changed: true, Cycle: 1})
	record(p.ID, qualify.DealReport{Amount: amount(400000), Currency: "JPY", Outcome: "opportunity", Source: "salesforce", Ref: "opp-B", At: t0.Add(100 * time.Minute)}, qualify.DealRecorded{Changed: true, Cycle: 1, Open: 1})
	// B lost, its stage alone changed: recorded on B, A still open.
	record(p.ID, qualify.DealReport{Outcome: "lost", Source: "salesforce", Ref: "opp-B", At: t0.Add(2 * time.Hour)}, qualify.DealRecorded{Changed: true, Cycle: 1, Outcome: "opportunity", Open: 1})
	// A won later, its amount with it.
	record(p.ID, qualify.DealReport{Amount: amount(1100000), Outcome: "won", Source: "salesforce", Ref: "opp-A", At: t0.Add(3 * time.Hour)}, qualify.DealRecorded{Changed: true, Cycle: 1, Outcome: "opportunity"})
	x.outcome(t, p.ID, "won", "sf-2", t0.Add(3*time.Hour))
	ds, err := x.q.Deals(ctx, p.ID)
	if err != nil || len(ds) != 2 {
		t.Fatalf("deals %+v %v, want A and B", ds, err)
	}
	if a, b := ds[0], ds[1]; a.Ref != "opp-A" || a.Amount != 1100000 || a.Outcome != "won" || a.Cycle != 1 || b.Ref != "opp-B" || b.Amount != 400000 || b.Outcome != "lost" || b.Cycle != 1 {
		t.Fatalf("deals %+v, want A won 1100000 and B lost 400000", ds)
	}
	people, err := qualify.AllFacts(ctx, x.q.T)
	if err != nil {
		t.Fatal(err)
	}
	if _, tot := reports.Revenue(people, reports.Filter{}, []string{"channel"}); len(tot) != 1 || tot[0].Kind != reports.Won || tot[0].Amount != 1100000 || tot[0].Deals != 1 {
		t.Fatalf("revenue totals %+v, want A's 1100000 JPY won, one deal", tot)
	}
	if rows := reports.Reps(people, reports.Filter{}, 24*time.Hour, calendar.Calendar{}); len(rows) == 0 || rows[0].Owner != "(all)" || rows[0].Won != 1 || len(rows[0].WonAmount) != 1 || rows[0].WonAmount["JPY"] != 1100000 {
		t.Fatalf("reps %+v, want one MQL won, 1100000 JPY", rows)
	}

	// An item stored when a cycle held one deal, without an id: read as
	// it; the first report naming a deal takes it over, the next naming
	// another is a deal of its own.
	old := x.identify(t, "od2", "single@example.com", t0)
	rec, err := x.q.Record(ctx, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	sk := fmt.Sprintf("DEAL#%06d", rec.Cycle)
	legacy := fmt.Sprintf(`{"cycle":%d,"amount":500,"hasAmount":true,"currency":"JPY","outcome":"opportunity","source":"kintone","at":%q}`, rec.Cycle, t0.Format(time.RFC3339))
	if err := x.q.T.Put(ctx, table.Item{PK: identity.PersonPK(old.ID), SK: sk, Kind: "deal", Data: []byte(legacy)}, table.Always); err != nil {
		t.Fatal(err)
	}
	if ds, err := x.q.Deals(ctx, old.ID); err != nil || len(ds) != 1 || ds[0].Amount != 500 || ds[0].Currency != "JPY" || ds[0].Ref != "" {
		t.Fatalf("the stored deal: %+v %v", ds, err)
	}
	record(old.ID, qualify.DealReport{Amount: amount(600), Ref: "opp-X", At: t0.Add(time.Hour)}, qualify.DealRecorded{Changed: true, Cycle: rec.Cycle, Outcome: "opportunity"})
	record(old.ID, qualify.DealReport{Amount: amount(700), Ref: "opp-Y", At: t0.Add(2 * time.Hour)}, qualify.DealRecorded{Changed: true, Cycle: rec.Cycle, Open: 1})
	if ds, err := x.q.Deals(ctx, old.ID); err != nil || len(ds) != 2 || ds[0].Amount != 600 || ds[0].Ref != "opp-X" || ds[0].Currency != "JPY" || ds[1].Amount != 700 || ds[1].Ref != "opp-Y" {
		t.Fatalf("deals %+v %v, want the stored one as opp-X, and opp-Y", ds, err)
	}

	// At most MaxCycleDeals a cycle: a further deal is not recorded; the
	// cycle's deals still are.
	at := t0.Add(4 * time.Hour)
	for i := 2; i < qualify.MaxCycleDeals; i++ {
		at = at.Add(time.Minute)
		if ok, err := x.q.RecordDeal(ctx, old.ID, qualify.DealReport{Amount: amount(float64(i)), Ref: fmt.Sprintf("opp-%d", i), At: at}); err != nil || !ok {
			t.Fatalf("deal %d: %v %v", i, ok, err)
		}
	}
	record(old.ID, qualify.DealReport{Amount: amount(1), Ref: "opp-too-many", At: at.Add(time.Minute)}, qualify.DealRecorded{Cycle: rec.Cycle, Open: qualify.MaxCycleDeals, Full: true})
	record(old.ID, qualify.DealReport{Amount: amount(800), Ref: "opp-Y", At: at.Add(2 * time.Minute)}, qualify.DealRecorded{Changed: true, Cycle: rec.Cycle, Open: qualify.MaxCycleDeals - 1})
	if ds, err := x.q.Deals(ctx, old.ID); err != nil || len(ds) != qualify.MaxCycleDeals || ds[1].Amount != 800 || slices.ContainsFunc(ds, func(d qualify.Deal) bool { return d.Ref == "opp-too-many" }) {
		t.Fatalf("%d deals (%v), want %d, opp-Y's amount 800", len(ds), err, qualify.MaxCycleDeals)
	}
}
