package reports

import (
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/qualify"
)

// TestReps: rep-a takes p1 (won in 8 days, 1000 JPY) and p5 (lost), rep-b
// rejects p2 after 30 hours, nobody has answered p4 yet.
func TestReps(t *testing.T) {
	people := withDeals()
	people = append(people, &Person{ID: "p5", Rec: qualify.Record{Stage: qualify.StageRecycled, Cycle: 1, Touches: []qualify.Touch{touch(day(0), "search", "google", "organic")}},
		History: hist(qualify.StageLead, day(0), "", qualify.StageMQL, day(3), "", qualify.StageSAL, day(3.5), "rep-a", qualify.StageSQL, day(4), "rep-a", qualify.StageLost, day(9), "rep-a", qualify.StageRecycled, day(9), ""),
		MQLs:    []qualify.MQL{mql(day(3), "hot-and-fit", "A", "hot")}})
	rows := Reps(people, Filter{}, 24*time.Hour, calendar.Calendar{})
	by := map[[3]string]RepRow{}
	for _, r := range rows {
		by[[3]string{r.Owner, r.Dimension, r.Segment}] = r
	}
	a := by[[3]string{"rep-a", "all", "(all)"}]
	if a.MQLs != 2 || a.Accepted != 2 || a.WithinSLA != 2 || a.SQL != 2 || a.Won != 1 || a.Lost != 1 || a.WinRate != Measured(0.5) || a.MedianDaysToSQL != Measured(2) || a.MedianDaysToWon != Measured(8) || a.WonAmount["JPY"] != 1000 {
		t.Fatalf("rep-a %+v", a)
	}
	if g := by[[3]string{"rep-a", "grade", "A"}]; g.MQLs != 2 || g.Won != 1 {
		t.Fatalf("rep-a grade A %+v", g)
	}
	if c := by[[3]string{"rep-a", "channel", "search"}]; c.MQLs != 2 || c.SQL != 2 {
		t.Fatalf("rep-a search %+v", c)
	}
	if b := by[[3]string{"rep-b", "all", "(all)"}]; b.MQLs != 1 || b.Rejected != 1 || b.Accepted != 0 || b.WithinSLA != 0 || b.WinRate.Valid() || b.MedianDaysToSQL.Valid() {
		t.Fatalf("rep-b %+v", b)
	}
	if u := by[[3]string{"(unassigned)", "all", "(all)"}]; u.MQLs != 1 || u.Accepted != 0 {
		t.Fatalf("unassigned %+v", u)
	}
	if all := rows[0]; all.Owner != "(all)" || all.Dimension != "all" || all.MQLs != 4 || all.Won != 1 || all.Lost != 1 || all.Rejected != 1 || all.WithinSLA != 2 {
		t.Fatalf("first row %+v", all)
	}
	// On a business calendar the 30 hours of rep-b may be within a day's
	// working time: the SLA is measured as the SLA report measures it.
	cal := calendar.Calendar{Business: true, Days: [7]bool{true, true, true, true, true, true, true}, Start: 9 * time.Hour, End: 18 * time.Hour}
	for _, r := range Reps(people, Filter{}, 24*time.Hour, cal) {
		if r.Owner == "rep-b" && r.Dimension == "all" && r.WithinSLA != 1 {
			t.Fatalf("business time: %+v", r)
		}
	}
}
