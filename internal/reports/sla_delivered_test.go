package reports

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
)

// TestSLAFromDelivery: an MQL whose delivery the SFA refused (a 400,
// dead-lettered) counted as sales' open breach, though it never reached
// them. Sales' time runs from the first delivery to a connector: an
// unanswered MQL none took is NotDelivered (marketing ops'), and an
// answer to one delivered late (a dead letter replayed) is timed from
// then. Deliveries are read only for those two kinds of MQL.
func TestSLAFromDelivery(t *testing.T) {
	people := seeded()
	for _, p := range people {
		for i := range p.MQLs {
			p.MQLs[i].ID = p.ID + "-c1"
		}
	}
	var read []string
	var mu sync.Mutex // read slaReads at once
	delivered := func(_ context.Context, id string) (time.Time, bool, error) {
		mu.Lock()
		defer mu.Unlock()
		read = append(read, id)
		switch id {
		case "p2-c1": // replayed 10 hours after it was raised, answered 20 hours later
			return day(1).Add(10 * time.Hour), true, nil
		case "p4-c1": // dead-lettered: "webhook: 400"
			return time.Time{}, false, nil
		}
		return day(2), true, nil
	}
	rows, err := SLAOf(context.Background(), people, Filter{}, 24*time.Hour, calendar.Calendar{}, day(30), delivered, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]SLARow{}
	for _, r := range rows {
		by[r.Owner] = r
	}
	if r := by["(all)"]; r.MQLs != 3 || r.Responded != 2 || r.WithinSLA != 2 || r.OpenBreaches != 0 || r.NotDelivered != 1 || r.MedianHours != Measured(11.5) {
		t.Fatalf("all %+v", r)
	}
	if r := by["(unassigned)"]; r.OpenBreaches != 0 || r.NotDelivered != 1 {
		t.Fatalf("unassigned %+v", r)
	}
	if r := by["rep-b"]; r.WithinSLA != 1 {
		t.Fatalf("rep-b, answered 20 hours after the replay delivered it: %+v", r)
	}
	slices.Sort(read)
	if !slices.Equal(read, []string{"p2-c1", "p4-c1"}) {
		t.Fatalf("deliveries read: %v, want only the late answer's and the open MQL's", read)
	}

	// Delivered, the open MQL is a breach from its delivery.
	rows, _ = SLAOf(context.Background(), people, Filter{}, 24*time.Hour, calendar.Calendar{}, day(30), func(context.Context, string) (time.Time, bool, error) { return day(29.5), true, nil }, nil, nil)
	if rows[0].OpenBreaches != 0 || rows[0].NotDelivered != 0 {
		t.Fatalf("delivered 12 hours ago: %+v", rows[0])
	}
	rows, _ = SLAOf(context.Background(), people, Filter{}, 24*time.Hour, calendar.Calendar{}, day(30), func(context.Context, string) (time.Time, bool, error) { return day(28), true, nil }, nil, nil)
	if rows[0].OpenBreaches != 1 || rows[0].NotDelivered != 0 {
		t.Fatalf("delivered two days ago: %+v", rows[0])
	}
	// Within the SLA from its raise, an MQL not delivered yet (queued a
	// moment ago, retrying) is no failed hand-off, and nothing is read.
	read = nil
	rows, _ = SLAOf(context.Background(), people, Filter{}, 24*time.Hour, calendar.Calendar{}, day(4).Add(time.Hour), delivered, nil, nil)
	if rows[0].NotDelivered != 0 || rows[0].OpenBreaches != 0 || slices.Contains(read, "p4-c1") {
		t.Fatalf("an hour after the raise: %+v, read %v", rows[0], read)
	}
	boom := errors.New("store down")
	if _, err := SLAOf(context.Background(), people, Filter{}, 24*time.Hour, calendar.Calendar{}, day(30), func(context.Context, string) (time.Time, bool, error) { return time.Time{}, false, boom }, nil, nil); !errors.Is(err, boom) {
		t.Fatalf("a failed read: %v", err)
	}
}

// TestRepsWithinSLAFromDelivery: the reps report's answered within the
// SLA counts from the delivery, as the SLA report does: rep-b's answer,
// 30 hours after the raise, came 20 hours after a replay delivered it.
func TestRepsWithinSLAFromDelivery(t *testing.T) {
	people := seeded()
	for _, p := range people {
		for i := range p.MQLs {
			p.MQLs[i].ID = p.ID + "-c1"
		}
	}
	within := func(rows []RepRow, owner string) int {
		for _, r := range rows {
			if r.Owner == owner && r.Dimension == "all" {
				return r.WithinSLA
			}
		}
		return -1
	}
	if n := within(Reps(people, Filter{}, 24*time.Hour, calendar.Calendar{}), "rep-b"); n != 0 {
		t.Fatalf("from the raise: rep-b within the SLA %d, want 0", n)
	}
	rows, err := RepsOf(context.Background(), people, Filter{}, 24*time.Hour, calendar.Calendar{}, func(_ context.Context, id string) (time.Time, bool, error) {
		return day(1).Add(10 * time.Hour), id == "p2-c1", nil
	}, nil)
	if err != nil || within(rows, "rep-b") != 1 || within(rows, "(all)") != 2 {
		t.Fatalf("from the delivery: rep-b %d, (all) %d, want 1 and 2 (%v)", within(rows, "rep-b"), within(rows, "(all)"), err)
	}
}
