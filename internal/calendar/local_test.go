package calendar

import (
	"errors"
	"testing"
	"time"
)

// TestParseLocalAtTheClockChanges: a time typed for a day the clocks
// change is read as typed, or refused when no such time exists (the hour
// sprung forward) or it exists twice (the hour fallen back).
// time.ParseInLocation read New York's 02:30 on 2026-03-08 as 01:30 EST
// and London's 01:30 on 2026-10-25 as GMT but New York's 01:30 on
// 2026-11-01 as EDT, without a word.
func TestParseLocalAtTheClockChanges(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	const layout = "2006-01-02T15:04"
	for _, c := range []struct {
		loc       *time.Location
		in        string
		want      string // the instant in UTC; "" for a refusal
		skipped   bool
		ambiguous [2]string // the two instants in UTC
	}{
		{ny, "2026-03-08T01:59", "2026-03-08T06:59:00Z", false, [2]string{}},
		{ny, "2026-03-08T02:00", "", true, [2]string{}},
		{ny, "2026-03-08T02:30", "", true, [2]string{}},
		{ny, "2026-03-08T03:00", "2026-03-08T07:00:00Z", false, [2]string{}},
		{ny, "2026-11-01T00:59", "2026-11-01T04:59:00Z", false, [2]string{}},
		{ny, "2026-11-01T01:00", "", false, [2]string{"2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z"}},
		{ny, "2026-11-01T01:30", "", false, [2]string{"2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z"}},
		{ny, "2026-11-01T02:00", "2026-11-01T07:00:00Z", false, [2]string{}},
		{ny, "2026-11-04T10:00", "2026-11-04T15:00:00Z", false, [2]string{}},
		{ny, "2026-07-04T10:00", "2026-07-04T14:00:00Z", false, [2]string{}},
		{london, "2026-03-29T00:59", "2026-03-29T00:59:00Z", false, [2]string{}},
		{london, "2026-03-29T01:30", "", true, [2]string{}},
		{london, "2026-03-29T02:00", "2026-03-29T01:00:00Z", false, [2]string{}},
		{london, "2026-10-25T01:30", "", false, [2]string{"2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z"}},
		{london, "2026-10-25T02:00", "2026-10-25T02:00:00Z", false, [2]string{}},
		{tokyo, "2026-11-04T10:00", "2026-11-04T01:00:00Z", false, [2]string{}},
		{time.UTC, "2026-03-08T02:30", "2026-03-08T02:30:00Z", false, [2]string{}},
	} {
		got, err := ParseLocal(layout, c.in, c.loc)
		var skip *SkippedError
		var amb *AmbiguousError
		switch {
		case c.want != "":
			if err != nil || got.UTC().Format(time.RFC3339) != c.want {
				t.Errorf("%s in %s: %v %v, want %s", c.in, c.loc, got.UTC(), err, c.want)
			}
		case c.skipped:
			if !errors.As(err, &skip) {
				t.Errorf("%s in %s: %v %v, want it refused as skipped", c.in, c.loc, got, err)
			}
		default:
			if !errors.As(err, &amb) || amb.First.UTC().Format(time.RFC3339) != c.ambiguous[0] || amb.Second.UTC().Format(time.RFC3339) != c.ambiguous[1] {
				t.Errorf("%s in %s: %v %v, want it refused as ambiguous %v", c.in, c.loc, got, err, c.ambiguous)
			}
		}
	}
	if _, err := ParseLocal(layout, "2026-11-04 10:00", ny); err == nil {
		t.Error("a value not in the layout was read")
	}
	_, err = ParseLocal(layout, "2026-11-01T01:30", ny)
	if want := "2026-11-01T01:30 occurs twice in America/New_York: 01:30 EDT, then 01:30 EST"; err == nil || err.Error() != want {
		t.Errorf("message %v, want %s", err, want)
	}
}

// TestAbbreviations: a zone is named as its clocks say it through the
// year, both names for one that changes them, whenever it is asked.
func TestAbbreviations(t *testing.T) {
	for zone, want := range map[string]string{"America/New_York": "EST/EDT", "Europe/London": "GMT/BST", "Asia/Tokyo": "JST", "UTC": "UTC", "Australia/Sydney": "AEDT/AEST"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		for _, at := range []time.Time{time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC), time.Date(2026, 7, 10, 0, 0, 0, 0, time.UTC)} {
			if got := Abbreviations(loc, at); got != want {
				t.Errorf("%s at %v: %q, want %q", zone, at, got, want)
			}
		}
	}
	if got := Abbreviations(nil, time.Date(2026, 7, 10, 0, 0, 0, 0, time.UTC)); got != "UTC" {
		t.Errorf("no zone: %q, want UTC", got)
	}
}

// TestDayStart: a day begins at its first instant in the zone, at the
// jump where the clocks skip midnight (Santiago, Havana), at its first
// midnight where they show it twice (Havana's fall back), at midnight
// elsewhere (New York and London change at 02:00 and 01:00).
func TestDayStart(t *testing.T) {
	for _, c := range []struct {
		zone, day, want, next string // next: the start of the day after
	}{
		{"America/Santiago", "2026-09-06", "2026-09-06T04:00:00Z", "2026-09-07T03:00:00Z"},
		{"America/Santiago", "2026-09-05", "2026-09-05T04:00:00Z", "2026-09-06T04:00:00Z"},
		{"America/Havana", "2026-03-08", "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z"},
		{"America/Havana", "2026-11-01", "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z"},
		{"Africa/Cairo", "2026-04-24", "2026-04-23T22:00:00Z", "2026-04-24T21:00:00Z"},
		{"America/New_York", "2026-03-08", "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z"},
		{"America/New_York", "2026-11-01", "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z"},
		{"Europe/London", "2026-03-29", "2026-03-29T00:00:00Z", "2026-03-29T23:00:00Z"},
		{"Europe/London", "2026-10-25", "2026-10-24T23:00:00Z", "2026-10-26T00:00:00Z"},
		{"Asia/Tokyo", "2026-11-01", "2026-10-31T15:00:00Z", "2026-11-01T15:00:00Z"},
	} {
		loc, err := time.LoadLocation(c.zone)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseDay(c.day, loc)
		if err != nil || got.UTC().Format(time.RFC3339) != c.want {
			t.Errorf("%s in %s starts %v %v, want %s", c.day, c.zone, got.UTC(), err, c.want)
		}
		if got.In(loc).Format(time.DateOnly) != c.day || got.Add(-time.Nanosecond).In(loc).Format(time.DateOnly) == c.day {
			t.Errorf("%s in %s: %v is not the day's first instant", c.day, c.zone, got.In(loc))
		}
		if next := NextDayStart(got, loc); next.UTC().Format(time.RFC3339) != c.next {
			t.Errorf("the day after %s in %s starts %v, want %s", c.day, c.zone, next.UTC(), c.next)
		}
	}
	if _, err := ParseDay("2026-13-01", time.UTC); err == nil {
		t.Error("month 13 read")
	}
}

// TestRepeatedHourIsMarked: the hour New York's and London's clocks show
// twice is marked with its zone, both showings, and no other time: the
// minute before it, the hour skipped in spring, any time in Tokyo.
func TestRepeatedHourIsMarked(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	london, _ := time.LoadLocation("Europe/London")
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	for _, c := range []struct {
		loc  *time.Location
		utc  string
		want string
	}{
		{ny, "2026-11-01T04:59:00Z", "2026-11-01 00:59"},
		{ny, "2026-11-01T05:00:00Z", "2026-11-01 01:00 EDT"},
		{ny, "2026-11-01T05:30:00Z", "2026-11-01 01:30 EDT"},
		{ny, "2026-11-01T06:30:00Z", "2026-11-01 01:30 EST"},
		{ny, "2026-11-01T06:59:59Z", "2026-11-01 01:59 EST"},
		{ny, "2026-11-01T07:00:00Z", "2026-11-01 02:00"},
		{ny, "2026-03-08T06:59:00Z", "2026-03-08 01:59"},
		{ny, "2026-03-08T07:00:00Z", "2026-03-08 03:00"},
		{london, "2026-10-25T00:30:00Z", "2026-10-25 01:30 BST"},
		{london, "2026-10-25T01:30:00Z", "2026-10-25 01:30 GMT"},
		{london, "2026-10-25T02:00:00Z", "2026-10-25 02:00"},
		{tokyo, "2026-11-01T05:30:00Z", "2026-11-01 14:30"},
		{time.UTC, "2026-11-01T05:30:00Z", "2026-11-01 05:30"},
	} {
		u, err := time.Parse(time.RFC3339, c.utc)
		if err != nil {
			t.Fatal(err)
		}
		if got := FormatMarked(u.In(c.loc), "2006-01-02 15:04"); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.loc, c.utc, got, c.want)
		}
	}
}
