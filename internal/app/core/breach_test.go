package core

import (
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/sla"
)

// TestBreachDataIsPastTheSLA: a breach is announced past its SLA, and its
// payload says so: a wait 30 s past 8 business hours was 480 minutes, "8
// business hours", the SLA's own figures.
func TestBreachDataIsPastTheSLA(t *testing.T) {
	cal := calendar.Calendar{Business: true, Start: 9 * time.Hour, End: 18 * time.Hour}
	for _, c := range []struct {
		age, within time.Duration
		minutes     int64
		waiting     string
	}{
		{8*time.Hour + 30*time.Second, 8 * time.Hour, 481, "8h1m of business time"},
		{9*time.Hour + time.Second, 9 * time.Hour, 541, "9h1m of business time"},
		{31 * time.Second, 30 * time.Second, 1, "1m of business time"},
		{10 * time.Hour, 8 * time.Hour, 600, "10 business hours"},
	} {
		d := breachData(sla.Breach{Age: c.age}, c.within, cal)
		if d["waitingMinutes"] != c.minutes || d["waiting"] != c.waiting {
			t.Errorf("%v past %v: %v, %q; want %v, %q", c.age, c.within, d["waitingMinutes"], d["waiting"], c.minutes, c.waiting)
		}
		if d["waitingMinutes"].(int64) <= d["acceptWithinMinutes"].(int64) && c.within%time.Minute == 0 {
			t.Errorf("%v past %v: waitingMinutes %v not past acceptWithinMinutes %v", c.age, c.within, d["waitingMinutes"], d["acceptWithinMinutes"])
		}
	}
}
