package reports

import (
	"reflect"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/qualify"
)

func amount(v float64) qualify.Deal { return qualify.Deal{Cycle: 1, Amount: v, HasAmount: true} }

// withDeals: p1 won 1000 JPY (two touches), p4 has 900 USD open (four
// touches), p2's deal was rejected and p3's has no amount.
func withDeals() []*Person {
	people := seeded()
	people[0].Rec.Touches[1].Campaign = "nov-news"
	d1 := amount(1000)
	d1.Currency, d1.At = "JPY", day(10)
	people[0].Deals = []qualify.Deal{d1}
	d2 := amount(500)
	d2.Outcome = "rejected"
	people[1].Deals = []qualify.Deal{d2}
	people[2].Deals = []qualify.Deal{{Cycle: 0, Currency: "JPY"}}
	d4 := amount(900)
	d4.Currency, d4.Outcome, d4.At, d4.CloseDate = "USD", "opportunity", day(5), "2026-12-20"
	people[3].Deals = []qualify.Deal{d4}
	return people
}

func TestRevenueByModel(t *testing.T) {
	rows, totals := Revenue(withDeals(), Filter{}, []string{"channel", "campaign"})
	got := map[string]float64{}
	for _, r := range rows {
		got[r.Kind+"/"+r.Currency+"/"+r.Dimension+"/"+r.Model+"/"+r.Group] = r.Amount
	}
	want := map[string]float64{
		"won/JPY/channel/first/search": 1000, "won/JPY/channel/last/email": 1000,
		"won/JPY/channel/linear/search": 500, "won/JPY/channel/linear/email": 500,
		"won/JPY/channel/position/search": 500, "won/JPY/channel/position/email": 500,
		"won/JPY/campaign/last/nov-news": 1000, "won/JPY/campaign/first/(none)": 1000,
		"pipeline/USD/channel/first/direct": 900, "pipeline/USD/channel/last/social": 900,
		"pipeline/USD/channel/linear/paid": 225, "pipeline/USD/channel/position/direct": 360,
		"pipeline/USD/channel/position/paid": 90, "pipeline/USD/channel/position/email": 90, "pipeline/USD/channel/position/social": 360,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if _, ok := got["won/JPY/channel/first/email"]; ok {
		t.Errorf("first touch credited the last: %v", got)
	}
	// Each model credits the whole amount of each kind and currency.
	sum := map[string]float64{}
	for _, r := range rows {
		sum[r.Kind+"/"+r.Currency+"/"+r.Dimension+"/"+r.Model] += r.Amount
	}
	for k, v := range sum {
		if (k[:3] == "won" && v != 1000) || (k[:3] == "pip" && v != 900) {
			t.Errorf("%s credits %v in all", k, v)
		}
	}
	if len(totals) != 2 || totals[0] != (RevenueTotal{Kind: Won, Currency: "JPY", Amount: 1000, Deals: 1}) || totals[1] != (RevenueTotal{Kind: Pipeline, Currency: "USD", Amount: 900, Deals: 1}) {
		t.Fatalf("totals %+v", totals)
	}
	// The period is the close date's (else the win's): December holds the pipeline deal only.
	_, dec := Revenue(withDeals(), Filter{From: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}, []string{"channel"})
	if len(dec) != 1 || dec[0].Kind != Pipeline {
		t.Fatalf("december %+v", dec)
	}
}

// TestDealState: a lost deal leaves the pipeline; a deal of an earlier
// cycle is closed; a won deal is won when the stage says so.
func TestDealState(t *testing.T) {
	people := withDeals()
	if k, at := DealState(people[0], people[0].Deals[0]); k != Won || !at.Equal(day(10)) {
		t.Fatalf("won: %s %v", k, at)
	}
	if k, _ := DealState(people[1], people[1].Deals[0]); k != "" {
		t.Fatalf("rejected: %s", k)
	}
	p := people[3]
	p.Rec.Cycle = 2
	if k, _ := DealState(p, p.Deals[0]); k != "" {
		t.Fatalf("earlier cycle: %s", k)
	}
}

// TestDealOfAnEarlierCycleStoredInALaterOne: an edit of cycle 1's lost
// HubSpot deal after the lead came back was stored as cycle 2's deal with
// the deal's Ref (before RecordDeal read Ref); the report counted it as
// cycle 2's pipeline. It is cycle 1's deal: in neither.
func TestDealOfAnEarlierCycleStoredInALaterOne(t *testing.T) {
	p := &Person{ID: "r", Rec: qualify.Record{Stage: qualify.StageMQL, Cycle: 2, CycleFrom: day(2.5), Touches: []qualify.Touch{touch(day(0), "search", "google", "organic"), touch(day(3), "email", "newsletter", "email")}},
		History: hist(qualify.StageLead, day(0), "", qualify.StageMQL, day(1), "", qualify.StageLost, day(2.5), "rep-b", qualify.StageRecycled, day(2.5), "", qualify.StageMQL, day(4), ""),
		MQLs:    []qualify.MQL{{Cycle: 1, At: day(1)}, {Cycle: 2, At: day(4)}},
		Deals: []qualify.Deal{
			{Cycle: 1, Amount: 900000, HasAmount: true, Currency: "JPY", Outcome: "lost", At: day(2.5), Ref: "hubspot-deal-7001"},
			{Cycle: 2, Amount: 950000, HasAmount: true, Currency: "JPY", At: day(5), Ref: "hubspot-deal-7001"},
		}}
	if _, totals := Revenue([]*Person{p}, Filter{}, []string{"channel"}); len(totals) != 0 {
		t.Fatalf("totals %+v, want none: cycle 1's deal was lost", totals)
	}
	// Cycle 2's own deal (another Ref) is its pipeline.
	p.Deals[1].Ref = "hubspot-deal-7002"
	if _, totals := Revenue([]*Person{p}, Filter{}, []string{"channel"}); len(totals) != 1 || totals[0].Kind != Pipeline || totals[0].Amount != 950000 {
		t.Fatalf("totals %+v, want cycle 2's 950000 of pipeline", totals)
	}
}

func TestWeights(t *testing.T) {
	for _, m := range Models {
		for n := 1; n < 6; n++ {
			s := 0.0
			for _, w := range Weights(n, m) {
				s += w
			}
			if s < 0.999999 || s > 1.000001 {
				t.Errorf("%s, %d touches: shares sum to %v", m, n, s)
			}
		}
	}
}

// TestRevenueCreditsTheWinsCycle: a recycled lead's win and its deal are
// credited to the same touches, its cycle's (Attribution's customer and
// Revenue's won), and an open deal of a later cycle to that cycle's SQL's:
// Revenue credited every touch up to the win (the first cycle's search)
// while Attribution credited the email that brought the lead back.
func TestRevenueCreditsTheWinsCycle(t *testing.T) {
	deal := qualify.Deal{Cycle: 2, Amount: 100, HasAmount: true, Currency: "JPY", At: day(6)}
	recycled := func(rest ...any) *Person {
		steps := append([]any{qualify.StageLead, day(0), "", qualify.StageMQL, day(1), "", qualify.StageSQL, day(2), "rep-b",
			qualify.StageLost, day(2.5), "rep-b", qualify.StageRecycled, day(2.5), "", qualify.StageMQL, day(4), ""}, rest...)
		return &Person{ID: "r", Rec: qualify.Record{Stage: qualify.StageCustomer, Cycle: 2, CycleFrom: day(2.5), SQLAt: day(2), CustomerAt: day(6),
			Touches: []qualify.Touch{touch(day(0), "search", "google", "organic"), touch(day(3), "email", "newsletter", "email")}},
			History: hist(steps...),
			MQLs:    []qualify.MQL{{Cycle: 1, At: day(1)}, {Cycle: 2, At: day(4)}},
			Deals:   []qualify.Deal{deal},
		}
	}
	credited := func(p *Person, kind string) map[string]float64 {
		t.Helper()
		rows, _ := Revenue([]*Person{p}, Filter{}, []string{"channel"})
		got := map[string]float64{}
		for _, r := range rows {
			if r.Kind == kind && r.Model == "first" {
				got[r.Group] += r.Amount
			}
		}
		return got
	}
	// Stored before stage changes kept their journey: both read the
	// record's touches of the win's cycle.
	p := recycled(qualify.StageCustomer, day(6), "rep-b")
	if a := Attribution([]*Person{p}, Filter{})["customer"]["first"]; !reflect.DeepEqual(a, map[string]float64{"email": 1}) {
		t.Fatalf("attribution's win: %v", a)
	}
	if got := credited(p, Won); !reflect.DeepEqual(got, map[string]float64{"email": 100}) {
		t.Errorf("won first touch %v, want the win's cycle's (email), as attribution's", got)
	}
	// Kept on the win: both credit the journey kept (the newsletter as
	// the win's first and only touch though the record lists more now).
	p = recycled(qualify.StageCustomer, day(6), "rep-b")
	p.Rec.Touches = []qualify.Touch{p.Rec.Touches[0], touch(day(2.7), "referral", "partner.example", "referral"), p.Rec.Touches[1]}
	p.History[len(p.History)-1].Journey = &qualify.Journey{First: &p.Rec.Touches[2], N: 1}
	if a := Attribution([]*Person{p}, Filter{})["customer"]["first"]; !reflect.DeepEqual(a, map[string]float64{"email": 1}) {
		t.Fatalf("attribution's kept win: %v", a)
	}
	if got := credited(p, Won); !reflect.DeepEqual(got, map[string]float64{"email": 100}) {
		t.Errorf("won first touch %v, want the journey kept on the win (email)", got)
	}
	// Open in the second cycle: the pipeline is credited to that cycle's
	// SQL's touches, as attribution's second SQL.
	p = recycled(qualify.StageSQL, day(5), "rep-b")
	p.Rec.Stage, p.Rec.CustomerAt = qualify.StageSQL, time.Time{}
	p.Deals[0].Outcome = "opportunity"
	if a := Attribution([]*Person{p}, Filter{From: day(4)})["sql"]["first"]; !reflect.DeepEqual(a, map[string]float64{"email": 1}) {
		t.Fatalf("attribution's second SQL: %v", a)
	}
	if got := credited(p, Pipeline); !reflect.DeepEqual(got, map[string]float64{"email": 100}) {
		t.Errorf("pipeline first touch %v, want its cycle's SQL's (email)", got)
	}
	// Open before an SQL: the touches of the deal's cycle up to its date.
	p = recycled()
	p.Rec.Stage, p.Rec.CustomerAt = qualify.StageMQL, time.Time{}
	p.Deals[0].Outcome, p.Deals[0].At = "", day(4.5)
	if got := credited(p, Pipeline); !reflect.DeepEqual(got, map[string]float64{"email": 100}) {
		t.Errorf("pipeline before SQL: first touch %v, want its cycle's (email)", got)
	}
}
