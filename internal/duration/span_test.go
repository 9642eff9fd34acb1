package duration

import (
	"testing"
	"time"
)

func TestParseSpan(t *testing.T) {
	for s, want := range map[string]Span{
		"7d": {Days: 7}, " 1.5d ": {Days: 1, Elapsed: 12 * time.Hour}, "0.5d": {Elapsed: 12 * time.Hour},
		"36h": {Elapsed: 36 * time.Hour}, "24h": {Elapsed: 24 * time.Hour}, "15m": {Elapsed: 15 * time.Minute}, "0d": {},
	} {
		if got, err := ParseSpan(s); err != nil || got != want {
			t.Errorf("ParseSpan(%q) = %+v, %v; want %+v", s, got, err, want)
		}
	}
	for _, s := range []string{"-1d", "NaNd", "x", "1e300d"} {
		if got, err := ParseSpan(s); err == nil {
			t.Errorf("ParseSpan(%q) = %+v, want an error", s, got)
		}
	}
	if got := (Span{Days: 7, Elapsed: time.Hour}).Nominal(); got != 7*24*time.Hour+time.Hour {
		t.Errorf("Nominal %v", got)
	}
}

// TestSpanDaysAreCalendarDays: a team in New York or London writes 7d; it
// ends seven days later at the same time on their wall clock, though a
// night between is 23 or 25 hours long: 24-hour blocks ended an hour
// early (spring) or late (autumn). Hours stay elapsed time, Tokyo's days
// are 24 hours, and Before is After's inverse, for windows up to now.
func TestSpanDaysAreCalendarDays(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	london, _ := time.LoadLocation("Europe/London")
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	at := func(s string, loc *time.Location) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04 MST", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		loc        *time.Location
		span       string
		from, want string
	}{
		{ny, "7d", "2026-03-05 10:00 EST", "2026-03-12 10:00 EDT"},   // 167 hours
		{ny, "7d", "2026-10-29 10:00 EDT", "2026-11-05 10:00 EST"},   // 169 hours
		{ny, "1d", "2026-03-07 10:00 EST", "2026-03-08 10:00 EDT"},   // 23 hours
		{ny, "1.5d", "2026-03-07 10:00 EST", "2026-03-08 22:00 EDT"}, // a calendar day, then 12 hours
		{ny, "24h", "2026-03-07 10:00 EST", "2026-03-08 11:00 EDT"},  // hours are elapsed time
		{london, "7d", "2026-03-26 09:00 GMT", "2026-04-02 09:00 BST"},
		{london, "7d", "2026-10-22 09:00 BST", "2026-10-29 09:00 GMT"},
		{london, "14d", "2026-10-20 23:30 BST", "2026-11-03 23:30 GMT"},
		{tokyo, "7d", "2026-03-05 10:00 JST", "2026-03-12 10:00 JST"},
		// The clock the day lands on is shown twice: the first; skipped: read before the jump.
		{ny, "1d", "2026-10-31 01:30 EDT", "2026-11-01 01:30 EDT"},
		{ny, "1d", "2026-03-07 02:30 EST", "2026-03-08 03:30 EDT"},
	} {
		sp, err := ParseSpan(c.span)
		if err != nil {
			t.Fatal(err)
		}
		from, want := at(c.from, c.loc), at(c.want, c.loc)
		if got := sp.After(from, c.loc); !got.Equal(want) {
			t.Errorf("%s %s after %s: %s, want %s", c.loc, c.span, c.from, got.In(c.loc).Format("2006-01-02 15:04 MST"), c.want)
		}
		if c.from[11:13] != "02" && c.want[11:16] != "01:30" { // not from a skipped or repeated clock
			if got := sp.Before(want, c.loc); !got.Equal(from) {
				t.Errorf("%s %s before %s: %s, want %s", c.loc, c.span, c.want, got.In(c.loc).Format("2006-01-02 15:04 MST"), c.from)
			}
		}
	}
	// Of the hour shown twice, the second 01:30 is a day after the day before's 01:30 too.
	if got := Days(1).Before(at("2026-11-01 01:30 EST", ny), ny); !got.Equal(at("2026-10-31 01:30 EDT", ny)) {
		t.Errorf("1d before 01:30 EST: %s", got.In(ny).Format("2006-01-02 15:04 MST"))
	}
	if got := (Span{}).After(at("2026-03-05 10:00 EST", ny), nil); !got.Equal(at("2026-03-05 10:00 EST", ny)) {
		t.Errorf("the zero span moved %s", got)
	}
}

func TestSpanAllocatesNothing(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	from := time.Date(2026, 3, 5, 15, 0, 0, 0, time.UTC)
	if n := testing.AllocsPerRun(100, func() { _ = Days(7).After(from, ny); _ = Days(7).Before(from, ny) }); n != 0 {
		t.Errorf("%v allocations", n)
	}
}
