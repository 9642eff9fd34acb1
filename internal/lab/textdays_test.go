package lab

import (
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/reports"
)

// The CI report (infra/lab -timezone Asia/Tokyo) dates who moves in the
// configured zone, as their sales history beside it and the by-month table
// do: an MQL at 00:30 on 1 December in Tokyo is not listed on 30 November.
func TestTextDatesMovesInZone(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 30, 15, 30, 0, 0, time.UTC) // 2026-12-01 00:30 JST
	rp := &reports.Person{ID: "p_1", Rec: qualify.Record{Person: "p_1", Stage: qualify.StageRejected},
		MQLs:    []qualify.MQL{{ID: "p_1-c1", Person: "p_1", Cycle: 1, At: at, Condition: "hot-and-fit"}},
		History: []qualify.StageChange{{From: qualify.StageMQL, To: qualify.StageRejected, At: at.Add(10 * time.Minute), Why: "予算なし"}}}
	l := &Lab{Loc: tokyo}
	rep := Report{Current: newSide("in force"), Candidate: newSide("candidate"), Stored: newSide("stored"), WouldBecome: []Person{}, WouldStop: []Person{}}
	l.tally(&rep, rp, identity.Person{ID: "p_1"}, qualify.Simulation{MQLs: []qualify.SimMQL{{Condition: "hot-and-fit", At: at, Cycle: 1}}}, qualify.Simulation{})
	text := rep.Text()
	if rep.Stored.ByMonth["2026-12"] != 1 || !strings.Contains(text, "  2026-12-01 p_1 hot-and-fit rejected [2026-12-01 rejected: 予算なし]") {
		t.Fatalf("by month %v; text:\n%s", rep.Stored.ByMonth, text)
	}
}

// The CI gate judges the change itself, not its rounding: 3000 -> 3301
// MQLs is 10.03%, beyond a 10% bound (Change, rounded, says 0.1).
func TestExceedsUnrounded(t *testing.T) {
	r := Report{Current: Side{MQLs: 3000}, Candidate: Side{MQLs: 3301}, Change: change(3000, 3301)}
	if !r.Exceeds(0.1) {
		t.Errorf("3000 -> 3301 (change %v) within 10%%", r.Change)
	}
	r = Report{Current: Side{MQLs: 3000}, Candidate: Side{MQLs: 3300}, Change: change(3000, 3300)}
	if r.Exceeds(0.1) {
		t.Error("3000 -> 3300 beyond 10%")
	}
	r = Report{Current: Side{MQLs: 0}, Candidate: Side{MQLs: 1}, Change: change(0, 1)}
	if !r.Exceeds(0.5) {
		t.Error("0 -> 1 within 50%")
	}
}
