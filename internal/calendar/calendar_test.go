package calendar

import (
	"strings"
	"testing"
	"time"
)

// The Cabinet Office's lists for 2018, 2019, 2025 and 2026.
func TestJapanHolidays(t *testing.T) {
	want := map[int][]string{
		2025: {"01-01", "01-13", "02-11", "02-23", "02-24", "03-20", "04-29", "05-03", "05-04", "05-05", "05-06", "07-21", "08-11", "09-15", "09-23", "10-13", "11-03", "11-23", "11-24"},
		// The Reiwa enthronement year and the last Heisei one: SLA reports and
		// the lab read history this old.
		2018: {"01-01", "01-08", "02-11", "02-12", "03-21", "04-29", "04-30", "05-03", "05-04", "05-05", "07-16", "08-11", "09-17", "09-23", "09-24", "10-08", "11-03", "11-23", "12-23", "12-24"},
		2019: {"01-01", "01-14", "02-11", "03-21", "04-29", "04-30", "05-01", "05-02", "05-03", "05-04", "05-05", "05-06", "07-15", "08-11", "08-12", "09-16", "09-23", "10-14", "10-22", "11-03", "11-04", "11-23"},
		2026: {"01-01", "01-12", "02-11", "02-23", "03-20", "04-29", "05-03", "05-04", "05-05", "05-06", "07-20", "08-11", "09-21", "09-22", "09-23", "10-12", "11-03", "11-23"},
	}
	for y, days := range want {
		set := map[string]bool{}
		for _, d := range days {
			set[d] = true
		}
		for d := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == y; d = d.AddDate(0, 0, 1) {
			_, got := JapanHoliday(d.Year(), d.Month(), d.Day())
			if got != set[d.Format("01-02")] {
				t.Errorf("%s: holiday %v, want %v", d.Format("2006-01-02"), got, !got)
			}
		}
	}
}

func TestBusinessTime(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	days, _ := ParseDays([]string{"mon", "tue", "wed", "thu", "fri"})
	start, end, err := ParseHours("09:00-18:00")
	if err != nil {
		t.Fatal(err)
	}
	c := Calendar{Loc: tokyo, Business: true, Days: days, Start: start, End: end, Public: []string{"japan"}}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, tokyo)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, cc := range []struct {
		from, to string
		want     time.Duration
	}{
		{"2026-11-27 17:00", "2026-11-30 10:00", 2 * time.Hour},    // Friday 17:00 to Monday 10:00: the weekend does not count
		{"2026-11-20 23:30", "2026-11-24 09:30", 30 * time.Minute}, // 11-23 is Labour Thanksgiving Day
		{"2026-12-01 08:00", "2026-12-01 20:00", 9 * time.Hour},
		{"2026-12-01 12:00", "2026-12-01 12:00", 0},
	} {
		if got := c.Between(at(cc.from), at(cc.to)); got != cc.want {
			t.Errorf("%s to %s: %v, want %v", cc.from, cc.to, got, cc.want)
		}
	}
	if got := c.Describe(27 * time.Hour); got != "3 business days" {
		t.Errorf("describe 27h = %q", got)
	}
	if got := c.Describe(8 * time.Hour); got != "8 business hours" {
		t.Errorf("describe 8h = %q", got)
	}
	if got := (Calendar{}).Describe(24 * time.Hour); got != "24h" {
		t.Errorf("wall clock 24h = %q", got)
	}
	if got := (Calendar{}).Describe(20 * time.Second); got != "20s" {
		t.Errorf("wall clock 20s = %q", got)
	}
	if c.Day(at("2026-12-01 00:30")) != "2026-12-01" || (Calendar{}).Day(at("2026-12-01 00:30")) != "2026-11-30" {
		t.Error("days are the calendar's time zone's")
	}
}

// TestHolidayEntries: a Japanese company's year-end closure (年末年始) is
// written once, as days of the year, and is off every year; a range of
// dates is off once; a typo is refused with what was wrong.
func TestHolidayEntries(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	days, _ := ParseDays([]string{"mon", "tue", "wed", "thu", "fri"})
	c := Calendar{Loc: tokyo, Business: true, Days: days, Start: 9 * time.Hour, End: 18 * time.Hour, Public: []string{"japan"},
		Extra: map[string]bool{}, Yearly: map[string]bool{}}
	for _, h := range []string{"12-29..01-03", "08-13..08-15", "2027-05-06..2027-05-07", " 2026-11-24 "} {
		dates, yearly, err := ParseHoliday(h)
		if err != nil {
			t.Fatalf("%q: %v", h, err)
		}
		for _, d := range dates {
			c.Extra[d] = true
		}
		for _, d := range yearly {
			c.Yearly[d] = true
		}
	}
	for day, working := range map[string]bool{
		"2026-12-28": true, "2026-12-29": false, "2026-12-31": false, "2027-01-04": true, // Monday the 4th: back
		"2027-12-29": false, "2028-01-03": false, "2030-12-30": false, // every year
		"2026-08-14": false, "2026-08-17": true,
		"2027-05-06": false, "2027-05-07": false, "2028-05-08": true, // the dates once only
		"2026-11-24": false, "2027-11-24": true,
	} {
		d, _ := time.ParseInLocation("2006-01-02 15:04", day+" 12:00", tokyo)
		if got := c.Working(d); got != working {
			t.Errorf("%s: working %v, want %v", day, got, working)
		}
	}
	// 2026-12-28 (Mon) 17:00 to 2027-01-04 (Mon) 10:00: two working hours.
	a, _ := time.ParseInLocation("2006-01-02 15:04", "2026-12-28 17:00", tokyo)
	b, _ := time.ParseInLocation("2006-01-02 15:04", "2027-01-04 10:00", tokyo)
	if got := c.Between(a, b); got != 2*time.Hour {
		t.Errorf("over the year-end closure: %v, want 2h", got)
	}
	if _, yearly, err := ParseHoliday("02-29"); err != nil || len(yearly) != 1 {
		t.Errorf("02-29: %v %v", yearly, err)
	}
	for h, want := range map[string]string{
		"2026-12-29..12-31":      "both ends",
		"2027-01-03..2026-12-29": "ends before it begins",
		"2026-01-01..2026-12-31": "at most 62",
		"12/29":                  "not a date",
		"13-01":                  "not a date",
		"2026-02-30":             "not a date",
		"..":                     "not a date",
	} {
		if _, _, err := ParseHoliday(h); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want an error saying %q", h, err, want)
		}
	}
}

// Working hours are the wall clock's, also on the days a time zone changes
// its clocks: 09:00-18:00 on a US DST day is 09:00-18:00 local, and a zone
// whose midnight is skipped (Chile, at 24:00 on Saturday) keeps 09:00-18:00
// on the days after it.
func TestBusinessTimeAcrossDST(t *testing.T) {
	for _, cc := range []struct {
		zone     string
		days     []string
		from, to string
		want     time.Duration
	}{
		{"America/New_York", []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}, "2026-03-08 08:00", "2026-03-08 09:30", 30 * time.Minute}, // spring forward, Sunday
		{"America/New_York", []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}, "2026-03-08 17:00", "2026-03-08 20:00", time.Hour},
		{"America/New_York", []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}, "2026-11-01 08:00", "2026-11-01 09:30", 30 * time.Minute}, // fall back, Sunday
		{"America/New_York", []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}, "2026-11-01 17:00", "2026-11-01 20:00", time.Hour},
		{"America/Santiago", []string{"mon", "tue", "wed", "thu", "fri"}, "2026-09-04 12:00", "2026-09-08 12:00", 6*time.Hour + 9*time.Hour + 3*time.Hour}, // Sunday 09-06 has no midnight
		{"America/Santiago", []string{"mon", "tue", "wed", "thu", "fri"}, "2026-09-05 12:00", "2026-09-07 09:30", 30 * time.Minute},
	} {
		loc, err := time.LoadLocation(cc.zone)
		if err != nil {
			t.Fatal(err)
		}
		days, _ := ParseDays(cc.days)
		c := Calendar{Loc: loc, Business: true, Days: days, Start: 9 * time.Hour, End: 18 * time.Hour}
		from, _ := time.ParseInLocation("2006-01-02 15:04", cc.from, loc)
		to, _ := time.ParseInLocation("2006-01-02 15:04", cc.to, loc)
		if got := c.Between(from, to); got != cc.want {
			t.Errorf("%s %s to %s: %v, want %v", cc.zone, cc.from, cc.to, got, cc.want)
		}
	}
}

// Japanese teams write weekdays as 月曜日 or 月曜 as often as 月, as English
// ones write monday for mon.
func TestParseDaysJapaneseNames(t *testing.T) {
	got, err := ParseDays([]string{"月曜日", "火曜", "水", "木曜日", "金曜日"})
	want, _ := ParseDays([]string{"mon", "tue", "wed", "thu", "fri"})
	if err != nil || got != want {
		t.Fatalf("月曜日 ... 金曜日: %v %v, want %v", got, err, want)
	}
	if _, err := ParseDays([]string{"曜日"}); err == nil {
		t.Fatal("曜日 alone is a weekday")
	}
}

// A working day may run to midnight (24:00), the whole day included;
// 24:00 starts no day, and a day still ends after it starts.
func TestHoursToMidnight(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	days, _ := ParseDays([]string{"mon", "tue", "wed", "thu", "fri"})
	for _, cc := range []struct {
		hours    string
		from, to time.Time
		want     time.Duration
	}{
		// Friday 22:00 to Monday 01:00: two hours of Friday, one of Monday.
		{"00:00-24:00", time.Date(2026, 11, 27, 22, 0, 0, 0, tokyo), time.Date(2026, 11, 30, 1, 0, 0, 0, tokyo), 3 * time.Hour},
		{"18:00-24:00", time.Date(2026, 12, 1, 12, 0, 0, 0, tokyo), time.Date(2026, 12, 2, 19, 0, 0, 0, tokyo), 7 * time.Hour},
	} {
		start, end, err := ParseHours(cc.hours)
		if err != nil {
			t.Fatalf("%s: %v", cc.hours, err)
		}
		c := Calendar{Loc: tokyo, Business: true, Days: days, Start: start, End: end}
		if got := c.Between(cc.from, cc.to); got != cc.want {
			t.Errorf("%s: %v, want %v", cc.hours, got, cc.want)
		}
	}
	for _, bad := range []string{"24:00-24:00", "24:00-18:00", "09:00-24:30", "09:00-25:00"} {
		if _, _, err := ParseHours(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	whole := Calendar{Business: true, End: 24 * time.Hour}
	if got := whole.Describe(48 * time.Hour); got != "2 business days" {
		t.Errorf("describe: %q", got)
	}
}

// TestComputedUSAndEnglandHolidays: the US federal holidays as observed
// (a Saturday's on the Friday, a Sunday's on the Monday, New Year's Day
// on a Saturday on 31 December) and England and Wales' bank holidays
// (Easter's, May's and August's Mondays, Christmas and Boxing Day moved
// past a weekend), each year's list against the published one.
func TestComputedUSAndEnglandHolidays(t *testing.T) {
	for _, c := range []struct {
		name string
		year int
		want []string
	}{
		{"us", 2026, []string{"2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25", "2026-06-19", "2026-07-03", "2026-07-04", "2026-09-07", "2026-10-12", "2026-11-11", "2026-11-26", "2026-12-25"}},
		{"us", 2027, []string{"2027-01-01", "2027-01-18", "2027-02-15", "2027-05-31", "2027-06-18", "2027-06-19", "2027-07-04", "2027-07-05", "2027-09-06", "2027-10-11", "2027-11-11", "2027-11-25", "2027-12-24", "2027-12-25", "2027-12-31"}},
		{"us", 2020, []string{"2020-01-01", "2020-01-20", "2020-02-17", "2020-05-25", "2020-07-03", "2020-07-04", "2020-09-07", "2020-10-12", "2020-11-11", "2020-11-26", "2020-12-25"}}, // no Juneteenth before 2021
		{"england", 2026, []string{"2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28"}},
		{"england", 2027, []string{"2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30", "2027-12-27", "2027-12-28"}},
		{"england", 2021, []string{"2021-01-01", "2021-04-02", "2021-04-05", "2021-05-03", "2021-05-31", "2021-08-30", "2021-12-27", "2021-12-28"}},
		{"england", 2028, []string{"2028-01-03", "2028-04-14", "2028-04-17", "2028-05-01", "2028-05-29", "2028-08-28", "2028-12-25", "2028-12-26"}},
	} {
		var got []string
		for d := time.Date(c.year, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == c.year; d = d.AddDate(0, 0, 1) {
			if _, ok := Computed[c.name](d.Year(), d.Month(), d.Day()); ok {
				got = append(got, d.Format(time.DateOnly))
			}
		}
		if strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("%s %d:\n got %v\nwant %v", c.name, c.year, got, c.want)
		}
	}
	// A working calendar takes them off.
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	var days [7]bool
	for d := time.Monday; d <= time.Friday; d++ {
		days[d] = true
	}
	c := Calendar{Loc: ny, Business: true, Days: days, Start: 9 * time.Hour, End: 17 * time.Hour, Public: []string{"us"}}
	if c.Working(time.Date(2026, 11, 26, 12, 0, 0, 0, ny)) || !c.Working(time.Date(2026, 11, 27, 12, 0, 0, 0, ny)) {
		t.Error("Thanksgiving is off, the day after is worked")
	}
}

// TestWholeDayIsTheCalendarDay: hours 00:00-24:00 in New York or London.
// The day the clocks go forward is 23 hours long and the day they go back
// 25, and each is one working day, 24 hours of working time, as 1bd reads:
// the day's time is read on the wall clock (the hour skipped passes at the
// jump, the hour shown twice counts once), never going back. Other days,
// and Tokyo's, are elapsed time as before.
func TestWholeDayIsTheCalendarDay(t *testing.T) {
	days, _ := ParseDays([]string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"})
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
	for _, cc := range []struct {
		loc      *time.Location
		from, to string
		want     time.Duration
	}{
		{ny, "2026-03-08 00:00 EST", "2026-03-09 00:00 EDT", 24 * time.Hour},
		{ny, "2026-11-01 00:00 EDT", "2026-11-02 00:00 EST", 24 * time.Hour},
		{ny, "2026-03-07 16:00 EST", "2026-03-08 16:00 EDT", 24 * time.Hour}, // 1bd: 23 hours
		{ny, "2026-10-31 16:00 EDT", "2026-11-01 16:00 EST", 24 * time.Hour}, // 25 hours
		{ny, "2026-11-01 00:00 EDT", "2026-11-01 01:30 EDT", 90 * time.Minute},
		{ny, "2026-11-01 00:00 EDT", "2026-11-01 01:30 EST", 2 * time.Hour}, // the second 01:30: the clock stood at 02:00
		{ny, "2026-11-01 01:30 EST", "2026-11-01 03:00 EST", time.Hour},
		{ny, "2026-03-08 01:30 EST", "2026-03-08 03:30 EDT", 2 * time.Hour},
		{ny, "2026-03-09 10:00 EDT", "2026-03-10 10:00 EDT", 24 * time.Hour},
		{london, "2026-03-29 00:00 GMT", "2026-03-30 00:00 BST", 24 * time.Hour},
		{london, "2026-10-25 00:00 BST", "2026-10-26 00:00 GMT", 24 * time.Hour},
		{london, "2026-10-24 12:00 BST", "2026-10-27 12:00 GMT", 72 * time.Hour},
		{tokyo, "2026-03-08 00:00 JST", "2026-03-09 00:00 JST", 24 * time.Hour},
	} {
		c := Calendar{Loc: cc.loc, Business: true, Days: days, Start: 0, End: 24 * time.Hour}
		if got := c.Between(at(cc.from, cc.loc), at(cc.to, cc.loc)); got != cc.want {
			t.Errorf("%s %s to %s: %v, want %v", cc.loc, cc.from, cc.to, got, cc.want)
		}
	}
	// Never going back, minute by minute through both change days.
	for _, loc := range []*time.Location{ny, london} {
		c := Calendar{Loc: loc, Business: true, Days: days, Start: 0, End: 24 * time.Hour}
		for _, day := range []time.Time{time.Date(2026, 3, 7, 12, 0, 0, 0, loc), time.Date(2026, 10, 24, 12, 0, 0, 0, loc), time.Date(2026, 10, 31, 12, 0, 0, 0, loc)} {
			last := time.Duration(0)
			for m := 0; m <= 48*60; m++ {
				got := c.Between(day, day.Add(time.Duration(m)*time.Minute))
				if got < last || got > last+2*time.Hour {
					t.Fatalf("%s from %s, +%dm: %v after %v", loc, day, m, got, last)
				}
				last = got
			}
		}
	}
}
