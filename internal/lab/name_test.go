package lab

import (
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/reports"
)

// TestWouldBecomeNamedFromSeiMei: the lab's "would become an MQL" names a
// person whose form asked 姓 and 名 apart (last_name, first_name) as the
// workspace's People list does (佐々木 三郎); it showed the email.
func TestWouldBecomeNamedFromSeiMei(t *testing.T) {
	at := time.Date(2026, 10, 3, 9, 0, 0, 0, time.UTC)
	rep := Report{Current: newSide("in force"), Candidate: newSide("candidate"), Stored: newSide("stored"), WouldBecome: []Person{}, WouldStop: []Person{}}
	rp := &reports.Person{ID: "p1", Rec: qualify.Record{Person: "p1", Stage: qualify.StageLead}}
	can := qualify.Simulation{MQLs: []qualify.SimMQL{{Condition: "wide", At: at, Cycle: 1}}}
	p := identity.Person{ID: "p1", Email: "s.sasaki@maker.example", Attributes: map[string]string{"last_name": "佐々木", "first_name": "三郎"}}
	(&Lab{}).tally(&rep, rp, p, qualify.Simulation{MQLs: []qualify.SimMQL{}}, can)
	if len(rep.WouldBecome) != 1 || rep.WouldBecome[0].Name != "佐々木 三郎" {
		t.Fatalf("would become: %+v", rep.WouldBecome)
	}
}
