package qualifytest

import (
	"context"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/table/tabletest"
)

// DealSuite: deals sales report merge field by field into the person's
// deal of the MQL cycle, later changes win, and the reports' facts carry them.
func DealSuite() tabletest.Suite {
	return tabletest.Suite{Name: "deal", Run: func(t *testing.T, f tabletest.Factory) {
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
	}}
}
