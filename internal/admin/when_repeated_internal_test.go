package admin

import (
	"testing"
	"time"
)

// TestWhenMarksTheRepeatedHour: the minute-precision times every page
// writes (the MQL list, a person's timeline, the inbox) say the zone in
// the hour the clocks show twice, and only there; Tokyo's are unchanged.
func TestWhenMarksTheRepeatedHour(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	first, second := time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC), time.Date(2026, 11, 1, 6, 30, 0, 0, time.UTC)
	for _, c := range []struct {
		p    page
		at   time.Time
		want string
	}{
		{page{L: "en", Loc: ny}, first, "1 Nov 2026 01:30 EDT"},
		{page{L: "en", Loc: ny}, second, "1 Nov 2026 01:30 EST"},
		{page{L: "ja", Loc: ny}, second, "2026年11月1日 01:30 EST"},
		{page{L: "en", Loc: ny}, second.Add(time.Hour), "1 Nov 2026 02:30"},
		{page{L: "ja", Loc: tokyo}, first, "2026年11月1日 14:30"},
		{page{L: "en", Loc: ny}, time.Date(2026, 12, 6, 2, 22, 0, 0, time.UTC), "5 Dec 2026 21:22"},
	} {
		if got := c.p.When(c.at); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.p.Loc, c.at, got, c.want)
		}
	}
	if got := (page{L: "en", Loc: ny}).Times("no MQL before 2026-11-01T06:30:00Z"); got != "no MQL before 1 Nov 2026 01:30 EST" {
		t.Errorf("a wait's time: %q", got)
	}
}
