package reports

import (
	"reflect"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/qualify"
)

// TestRepsWonAmountIsTheDealsCycles: the reps report's won amount took the
// last deal of an MQL's cycle when the cycle was won, whatever the deal: a
// copy of cycle 1's lost opportunity stored in cycle 2 (an edit sent after
// the recycle, before RecordDeal read Ref) was cycle 2's won amount, a lost
// second opportunity of the cycle replaced the won one's amount, and an
// old opportunity reopened and won after the recycle credited nobody. The
// won amount is each deal won, once, the cycle's it belongs to, as the
// revenue report reads it (DealState).
func TestRepsWonAmountIsTheDealsCycles(t *testing.T) {
	person := func(deals ...qualify.Deal) *Person {
		return &Person{ID: "r", Rec: qualify.Record{Stage: qualify.StageCustomer, Cycle: 2, CycleFrom: day(2.5), Touches: []qualify.Touch{touch(day(0), "search", "google", "organic"), touch(day(3), "email", "newsletter", "email")}},
			History: hist(qualify.StageLead, day(0), "", qualify.StageMQL, day(1), "", qualify.StageSQL, day(1.5), "rep-a", qualify.StageLost, day(2.5), "rep-a", qualify.StageRecycled, day(2.5), "",
				qualify.StageMQL, day(4), "", qualify.StageSQL, day(4.5), "rep-b", qualify.StageCustomer, day(6), "rep-b"),
			MQLs:  []qualify.MQL{{Cycle: 1, At: day(1)}, {Cycle: 2, At: day(4)}},
			Deals: deals}
	}
	old := qualify.Deal{Cycle: 1, Amount: 900000, HasAmount: true, Currency: "JPY", Outcome: "lost", At: day(2.5), Ref: "opp-1"}
	won := func(p *Person) map[string]map[string]float64 {
		t.Helper()
		out := map[string]map[string]float64{}
		for _, r := range Reps([]*Person{p}, Filter{}, 24*time.Hour, calendar.Calendar{}) {
			if r.Dimension == "all" && r.Owner != "(all)" && r.WonAmount != nil {
				out[r.Owner] = r.WonAmount
			}
		}
		return out
	}
	for _, c := range []struct {
		name  string
		p     *Person
		want  map[string]map[string]float64
		total float64 // the revenue report's won
	}{
		{"cycle 1's edit stored in cycle 2", person(old, qualify.Deal{Cycle: 2, Amount: 950000, HasAmount: true, Currency: "JPY", At: day(7), Ref: "opp-1"}),
			map[string]map[string]float64{}, 0},
		{"two deals of cycle 2, one won, one lost", person(old,
			qualify.Deal{Cycle: 2, Amount: 300000, HasAmount: true, Currency: "JPY", Outcome: "won", At: day(6), Ref: "opp-2"},
			qualify.Deal{Cycle: 2, Amount: 200000, HasAmount: true, Currency: "JPY", Outcome: "lost", At: day(6.5), Ref: "opp-3"}),
			map[string]map[string]float64{"rep-b": {"JPY": 300000}}, 300000},
		{"cycle 1's deal reopened and won in cycle 2", person(qualify.Deal{Cycle: 1, Amount: 950000, HasAmount: true, Currency: "JPY", Outcome: "won", At: day(6), Ref: "opp-1"}),
			map[string]map[string]float64{"rep-a": {"JPY": 950000}}, 950000},
	} {
		if got := won(c.p); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: won amounts %v, want %v", c.name, got, c.want)
		}
		_, totals := Revenue([]*Person{c.p}, Filter{}, []string{"channel"})
		var total float64
		for _, tot := range totals {
			if tot.Kind == Won {
				total += tot.Amount
			}
		}
		if total != c.total {
			t.Errorf("%s: revenue won %v (%+v), want %v", c.name, total, totals, c.total)
		}
	}
}
