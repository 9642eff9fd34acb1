package reports

import (
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
