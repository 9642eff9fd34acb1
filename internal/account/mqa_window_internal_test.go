package account

import (
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/duration"
	"github.com/baton-hq/baton/internal/rulebook"
)

// TestMQAWindowDaysAreCalendarDays: a New York team's mqa.within_days: 7.
// A person last active on Thursday at 10:00 before the clocks go back is
// within the window until the next Thursday at 10:00 on the wall clock
// (169 hours), where 7 × 24 hours dropped them at 09:00; and an account's
// next MQA waits until that hour too. In Tokyo a week stays 168 hours.
func TestMQAWindowDaysAreCalendarDays(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	for _, c := range []struct {
		loc       *time.Location
		active    time.Time // both people's last activity
		lastDay   time.Time // the window's end on the wall clock, 7 days on
		byElapsed bool      // 168 hours are 7 days there
	}{
		{ny, time.Date(2026, 10, 29, 10, 0, 0, 0, ny), time.Date(2026, 11, 5, 10, 0, 0, 0, ny), false},
		{ny, time.Date(2026, 3, 5, 10, 0, 0, 0, ny), time.Date(2026, 3, 12, 10, 0, 0, 0, ny), false},
		{tokyo, time.Date(2026, 10, 29, 10, 0, 0, 0, tokyo), time.Date(2026, 11, 5, 10, 0, 0, 0, tokyo), true},
	} {
		if got := c.lastDay.Sub(c.active) == 7*24*time.Hour; got != c.byElapsed {
			t.Fatalf("%s: the week is %v", c.loc, c.lastDay.Sub(c.active))
		}
		b := &Book{MQA: &rulebook.MQA{Name: "bg", MinPeople: 2, Within: duration.Days(7)}, Loc: c.loc}
		a := &Account{ID: "a1", Members: []Member{{Person: "p1", LastActive: c.active}, {Person: "p2", LastActive: c.active}}}
		if _, ok := b.judge(a, c.lastDay); !ok {
			t.Errorf("%s: at %s, 7 days after both were active, no MQA", c.loc, c.lastDay)
		}
		if _, ok := b.judge(a, c.lastDay.Add(time.Second)); ok {
			t.Errorf("%s: a second past the window, an MQA", c.loc)
		}
		// One raised: the next waits for the window's end on the wall clock.
		a.LastMQA = c.active
		a.Members[0].LastActive, a.Members[1].LastActive = c.lastDay.Add(-time.Hour), c.lastDay.Add(-time.Hour)
		if _, ok := b.judge(a, c.lastDay.Add(-time.Second)); ok {
			t.Errorf("%s: a second before a week after the last MQA, another", c.loc)
		}
		if _, ok := b.judge(a, c.lastDay); !ok {
			t.Errorf("%s: a week after the last MQA, none", c.loc)
		}
	}
}
