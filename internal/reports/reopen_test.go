package reports

import (
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/qualify"
)

// reopened is an MQL taken to SQL, lost with its deal (1,000 JPY,
// recorded lost), recycled, then taken back by sales (qualify's reopen)
// to stage `to`, with deals ds recorded on the cycle.
func reopened(to string, ds ...qualify.Deal) *Person {
	return &Person{ID: "r", Rec: qualify.Record{Stage: to, Cycle: 1, SQLAt: day(2),
		Touches: []qualify.Touch{touch(day(0), "search", "google", "organic")}},
		History: hist(qualify.StageLead, day(0), "", qualify.StageMQL, day(1), "", qualify.StageSQL, day(2), "rep-b",
			qualify.StageLost, day(3), "rep-b", qualify.StageRecycled, day(3), "", to, day(6), "rep-b"),
		MQLs:  []qualify.MQL{{Cycle: 1, At: day(1)}},
		Deals: ds,
	}
}

func jpy(v float64, outcome, ref string, at time.Time) qualify.Deal {
	return qualify.Deal{Cycle: 1, Amount: v, HasAmount: true, Currency: "JPY", Outcome: outcome, Ref: ref, At: at}
}

func totalsOf(p *Person) map[string]float64 {
	_, totals := Revenue([]*Person{p}, Filter{}, []string{"channel"})
	out := map[string]float64{}
	for _, t := range totals {
		out[t.Kind] += t.Amount
	}
	return out
}

// TestReopenedLostDealIsNoWin: the deal HubSpot closed lost, then the
// contact made a customer without naming a deal (lifecycle stage
// customer, the inbox's or the webhook's "won"): the lost deal's amount is
// no won revenue. cycleWinIs's "all lost: every one" (a legacy history)
// booked it won.
func TestReopenedLostDealIsNoWin(t *testing.T) {
	p := reopened(qualify.StageCustomer, jpy(1000, "lost", "hubspot-deal-1", day(3)))
	if got := totalsOf(p); got[Won] != 0 {
		t.Errorf("won revenue %v from a deal closed lost before the reopen", got[Won])
	}
}

// TestReopenedOpenDealIsPipeline: sales took the lead back to an
// opportunity with a new deal of 500 JPY, open: the revenue report's
// pipeline has it. dealState's `lost` (the loss before the reopen) left
// every deal of the cycle out.
func TestReopenedOpenDealIsPipeline(t *testing.T) {
	p := reopened(qualify.StageOpportunity, jpy(1000, "lost", "sf-A", day(3)), jpy(500, "", "sf-B", day(6)))
	if got := totalsOf(p); got[Pipeline] != 500 {
		t.Errorf("pipeline %v, want 500 (the reopened cycle's open deal)", got[Pipeline])
	}
}

// TestRepsReopenedOpenIsNotLost: the same MQL, back in play, is neither
// won nor lost in the reps report (win rate is of deals closed).
func TestRepsReopenedOpenIsNotLost(t *testing.T) {
	p := reopened(qualify.StageOpportunity)
	for _, r := range Reps([]*Person{p}, Filter{}, 24*time.Hour, calendar.Calendar{}) {
		if r.Owner == "(all)" && r.Dimension == "all" && r.Lost != 0 {
			t.Errorf("reps: %d lost, win rate %v, for an MQL sales took back and still work", r.Lost, r.WinRate)
		}
	}
}

// TestQualityReadsAReopenedMQLBySalesLastWord: an MQL rejected with a
// reason, then taken back and won, is a won MQL in the quality report, not
// rejected and won at once (its rates past 100%), and its rejection's
// reason is no reason sales gave for a rejected MQL.
func TestQualityReadsAReopenedMQLBySalesLastWord(t *testing.T) {
	p := &Person{ID: "q", Rec: qualify.Record{Stage: qualify.StageCustomer, Cycle: 1},
		History: []qualify.StageChange{
			{From: qualify.StageLead, To: qualify.StageMQL, At: day(1)},
			{From: qualify.StageMQL, To: qualify.StageRejected, At: day(2), Why: "時期尚早"},
			{From: qualify.StageRejected, To: qualify.StageRecycled, At: day(2)},
			{From: qualify.StageRecycled, To: qualify.StageCustomer, At: day(5)},
		},
		MQLs: []qualify.MQL{{Cycle: 1, At: day(1), Condition: "hot-and-fit"}},
	}
	for _, r := range Quality([]*Person{p}, Filter{}) {
		if r.MQLs != 1 || r.Won != 1 || r.SAL != 1 || r.Rejected != 0 || r.Why != nil {
			t.Errorf("%+v", r)
		}
	}
}
