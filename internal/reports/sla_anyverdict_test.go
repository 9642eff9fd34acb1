package reports

import (
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/qualify"
)

// TestSLAAnyVerdictIsTheAnswer: an MQL closed lost as sales' first answer
// (the inbox's verdict form, an SFA's lead closed) was counted awaiting,
// under "(unassigned)", though the reps report named who closed it; one
// made an SQL straight away was counted. Both are answered, by the rep who
// answered, with the answer's time, in the SLA and in the reps' within
// the SLA; lost is neither accepted nor rejected.
func TestSLAAnyVerdictIsTheAnswer(t *testing.T) {
	lost := &Person{ID: "l", Rec: qualify.Record{Stage: qualify.StageRecycled, Cycle: 1},
		History: hist(qualify.StageLead, day(0), "", qualify.StageMQL, day(1), "", qualify.StageLost, day(1.125), "rep-l", qualify.StageRecycled, day(1.125), ""),
		MQLs:    []qualify.MQL{mql(day(1), "hot-and-fit", "A", "hot")}}
	sql := &Person{ID: "s", Rec: qualify.Record{Stage: qualify.StageSQL, Cycle: 1},
		History: hist(qualify.StageLead, day(0), "", qualify.StageMQL, day(1), "", qualify.StageSQL, day(2.5), "rep-s"),
		MQLs:    []qualify.MQL{mql(day(1), "hot-and-fit", "A", "hot")}}
	people := []*Person{lost, sql}
	by := map[string]SLARow{}
	for _, r := range SLA(people, Filter{}, 24*time.Hour, calendar.Calendar{}, day(5)) {
		by[r.Owner] = r
	}
	if _, ok := by["(unassigned)"]; ok || len(by) != 3 {
		t.Fatalf("rows %+v, want (all), rep-l and rep-s", by)
	}
	if r := by["(all)"]; r.MQLs != 2 || r.Responded != 2 || r.Accepted != 1 || r.Rejected != 0 || r.WithinSLA != 1 || r.ShareWithin != Measured(0.5) || r.MedianHours != Measured(19.5) || r.OpenBreaches != 0 {
		t.Errorf("(all) %+v", r)
	}
	if r := by["rep-l"]; r.MQLs != 1 || r.Responded != 1 || r.Accepted != 0 || r.Rejected != 0 || r.WithinSLA != 1 || r.MedianHours != Measured(3) {
		t.Errorf("rep-l (lost after 3 hours) %+v", r)
	}
	if r := by["rep-s"]; r.MQLs != 1 || r.Responded != 1 || r.Accepted != 1 || r.WithinSLA != 0 || r.MedianHours != Measured(36) {
		t.Errorf("rep-s (SQL after 36 hours) %+v", r)
	}
	for _, r := range Reps(people, Filter{}, 24*time.Hour, calendar.Calendar{}) {
		if r.Dimension != "all" {
			continue
		}
		want := map[string]int{"(all)": 1, "rep-l": 1, "rep-s": 0}[r.Owner]
		if r.WithinSLA != want {
			t.Errorf("reps %s within the SLA %d, want %d: %+v", r.Owner, r.WithinSLA, want, r)
		}
	}
}
