package qualify_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/reports"
)

// TestSQLCreditOfALongJourney: 100 hourly touches as they come (40
// searches, 20 newsletter clicks, 40 search ads), MQL at hour 40,
// accepted at 45, SQL at 60 (the first ad): the SQL report credits the 61
// touches up to it, each model's credit summing to 1: linear 40/61 to
// search, 20/61 to email, 1/61 to paid; last touch and 40% of position
// to the ad. The spans were not parted at the SQL: 46 touches were
// credited, none of them the ad, the last-touch credit the first touch's.
func TestSQLCreditOfALongJourney(t *testing.T) {
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	h := func(i int) time.Time { return at.Add(time.Duration(i) * time.Hour) }
	p := &qualify.Facts{ID: "p", History: []qualify.StageChange{
		{From: "", To: qualify.StageLead, At: h(0)}, {From: qualify.StageLead, To: qualify.StageMQL, At: h(40)},
		{From: qualify.StageMQL, To: qualify.StageSAL, At: h(45)}, {From: qualify.StageSAL, To: qualify.StageSQL, At: h(60)},
	}}
	for i := range 100 {
		utm := event.UTM{Source: "google", Medium: "organic"}
		switch {
		case i >= 60:
			utm = event.UTM{Source: "google", Medium: "cpc"}
		case i >= 40:
			utm = event.UTM{Source: "newsletter", Medium: "email"}
		}
		utm.Campaign = fmt.Sprintf("c%d", i)
		// Stage changes as Outcome and scoring make them, as they come.
		switch i {
		case 40:
			p.Rec.MQLAt = h(i)
		case 45:
			p.Rec.AcceptedAt = h(i)
		case 60:
			p.Rec.SQLAt = h(i)
		}
		p.Rec.AddTouches([]event.Event{{ID: fmt.Sprintf("e%d", i), Type: event.Custom, Timestamp: h(i), UTM: utm}})
	}
	got := reports.Attribution([]*reports.Person{p}, reports.Filter{})[qualify.StageSQL]
	want := map[string]map[string]float64{
		"first":    {"search": 1},
		"last":     {"paid": 1},
		"linear":   {"search": 40.0 / 61, "email": 20.0 / 61, "paid": 1.0 / 61},
		"position": {"search": 0.4 + 39*0.2/59, "email": 20 * 0.2 / 59, "paid": 0.4},
	}
	for m, w := range want {
		sum := 0.0
		for _, v := range got[m] {
			sum += v
		}
		if math.Abs(sum-1) > 0.002 {
			t.Errorf("%s: credit sums to %v: %v", m, sum, got[m])
		}
		for g, v := range w {
			if math.Abs(got[m][g]-v) > 0.001 || len(got[m]) != len(w) {
				t.Errorf("%s: %v, want %v", m, got[m], w)
				break
			}
		}
	}
}
