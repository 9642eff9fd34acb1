package reports

import (
	"math"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
)

// TestElapsedIsWorkingTime: December 2026 in Tokyo has 23 working days of
// 9 hours (207h); by Tuesday the 8th at noon 4+1 days and 3 hours (48h) are gone.
func TestElapsedIsWorkingTime(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	days, _ := calendar.ParseDays([]string{"mon", "tue", "wed", "thu", "fri"})
	cal := calendar.Calendar{Loc: tokyo, Days: days, Start: 9 * time.Hour, End: 18 * time.Hour, Public: []string{"japan"}}
	start, end := MonthOf(cal, time.Date(2026, 12, 8, 3, 0, 0, 0, time.UTC))
	if !start.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, tokyo)) || !end.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, tokyo)) {
		t.Fatalf("month %v - %v", start, end)
	}
	if got := Elapsed(cal, start, end, time.Date(2026, 12, 8, 12, 0, 0, 0, tokyo)); math.Abs(got-48.0/207) > 1e-9 {
		t.Fatalf("elapsed %v, want %v", got, 48.0/207)
	}
	// A weekend adds nothing; before and after the month are 0 and 1.
	sat, sun := Elapsed(cal, start, end, time.Date(2026, 12, 5, 12, 0, 0, 0, tokyo)), Elapsed(cal, start, end, time.Date(2026, 12, 6, 23, 0, 0, 0, tokyo))
	if sat != sun || math.Abs(sat-36.0/207) > 1e-9 {
		t.Fatalf("weekend %v %v", sat, sun)
	}
	if Elapsed(cal, start, end, start.Add(-time.Hour)) != 0 || Elapsed(cal, start, end, end) != 1 {
		t.Fatal("outside the month")
	}
	// No working days at all: wall time.
	if got := Elapsed(calendar.Calendar{}, start, end, start.Add(end.Sub(start)/4)); math.Abs(got-0.25) > 1e-9 {
		t.Fatalf("wall time %v", got)
	}
}

// TestMonthsSpanned: the months a period runs over, in the calendar's
// zone (a moment late on 31 December UTC is January in Tokyo): what
// tells a page a period was cut to MaxKPIMonths.
func TestMonthsSpanned(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	cal := calendar.Calendar{Loc: tokyo}
	for _, c := range []struct {
		first, last time.Time
		want        int
	}{
		{time.Date(2026, 10, 1, 0, 0, 0, 0, tokyo), time.Date(2026, 10, 31, 23, 0, 0, 0, tokyo), 1},
		{time.Date(2026, 12, 20, 0, 0, 0, 0, tokyo), time.Date(2027, 1, 10, 0, 0, 0, 0, tokyo), 2},
		{time.Date(2024, 10, 1, 0, 0, 0, 0, tokyo), time.Date(2027, 3, 31, 0, 0, 0, 0, tokyo), 30},
		{time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC), time.Date(2027, 1, 5, 0, 0, 0, 0, tokyo), 1}, // both January in Tokyo
		{time.Date(2027, 3, 1, 0, 0, 0, 0, tokyo), time.Date(2027, 1, 1, 0, 0, 0, 0, tokyo), 0},
	} {
		if got := MonthsSpanned(cal, c.first, c.last); got != c.want {
			t.Errorf("MonthsSpanned(%v, %v) = %d, want %d", c.first, c.last, got, c.want)
		}
	}
}
