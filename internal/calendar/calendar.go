// Package calendar is the working calendar sales keep: a time zone, working
// days and hours, and public holidays (Japan's computed from the Act on
// National Holidays; the US federal holidays and England and Wales' bank
// holidays too). The SLA is measured on it ("8 business hours" means
// eight hours of the sales team's working time, not of the wall clock), and
// days (daily caps, report periods) are the time zone's days.
package calendar

import (
	"fmt"
	"strings"
	"time"
)

// Calendar is a working calendar. The zero value is UTC, every hour of
// every day working: plain wall-clock time.
type Calendar struct {
	Loc *time.Location
	// Business limits working time to Days, Start-End, outside Holidays.
	Business   bool
	Days       [7]bool         // by time.Weekday
	Start, End time.Duration   // working hours, from midnight
	Public     []string        // computed public holidays that are off (Computed: japan, us, england)
	Extra      map[string]bool // days off, YYYY-MM-DD
	Yearly     map[string]bool // days off every year, MM-DD (年末年始, お盆)
}

// Location is the calendar's time zone (UTC when unset).
func (c Calendar) Location() *time.Location {
	if c.Loc == nil {
		return time.UTC
	}
	return c.Loc
}

// Day is the calendar day of t in the calendar's time zone, as YYYY-MM-DD.
func (c Calendar) Day(t time.Time) string { return t.In(c.Location()).Format("2006-01-02") }

// Working reports whether the day of t (in the calendar's zone) is a working day.
func (c Calendar) Working(t time.Time) bool {
	if !c.Business {
		return true
	}
	t = t.In(c.Location())
	if !c.Days[t.Weekday()] || c.Extra[t.Format("2006-01-02")] || c.Yearly[t.Format("01-02")] {
		return false
	}
	for _, name := range c.Public {
		if holiday := Computed[name]; holiday != nil {
			if _, ok := holiday(t.Year(), t.Month(), t.Day()); ok {
				return false
			}
		}
	}
	return true
}

// Computed are the public holiday calendars Baton computes, by the name
// the config file gives them: each says whether a date is a holiday and
// its name.
var Computed = map[string]func(y int, m time.Month, d int) (string, bool){
	"japan":   JapanHoliday,
	"us":      USHoliday,
	"england": EnglandHoliday,
}

// Between is the working time from a to b (0 when b is not after a).
func (c Calendar) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	if !c.Business {
		return b.Sub(a)
	}
	loc := c.Location()
	a, b = a.In(loc), b.In(loc)
	var total time.Duration
	// Days are counted by date and the hours read on the wall clock: a day
	// a zone changes its clocks is not 24 hours long, and some zones skip
	// midnight itself (time.Date then gives another hour, even the day
	// before), so neither adding hours to midnight nor a day to the last
	// midnight keeps 09:00 at 09:00.
	y, m, d := a.Date()
	for i := 0; ; i++ {
		day := time.Date(y, m, d+i, 12, 0, 0, 0, loc) // noon: always that date
		if !time.Date(y, m, d+i, 0, 0, 0, 0, loc).Before(b) {
			break
		}
		if !c.Working(day) {
			continue
		}
		open := time.Date(y, m, d+i, 0, 0, 0, int(c.Start), loc) // nanoseconds past midnight, normalised on the wall clock
		close := time.Date(y, m, d+i, 0, 0, 0, int(c.End), loc)
		from, to := maxTime(open, a), minTime(close, b)
		if !to.After(from) {
			continue
		}
		if close.Sub(open) == c.End-c.Start {
			total += to.Sub(from)
			continue
		}
		// The clocks change within the working hours (00:00-24:00 on the
		// day New York or London springs forward or falls back): the day
		// is its hours long on the wall clock, as people read "1bd" (the
		// whole calendar day, not 23 or 25 hours). The hour skipped counts
		// as the clocks jump it; the hour shown twice counts once.
		mid := DayStart(y, m, d+i, loc)
		total += wallSince(mid, to) - wallSince(mid, from)
	}
	return total
}

// wallSince is the time from mid to t as the wall clock tells it, never
// going back: an hour the clocks skip is passed at the jump, an hour they
// show twice counts once (the clock stands still through its second
// showing). Elapsed time where the offset does not change between them.
func wallSince(mid, t time.Time) time.Duration {
	_, offMid := mid.Zone()
	_, offT := t.Zone()
	diff := time.Duration(offT-offMid) * time.Second
	if diff >= 0 {
		return t.Sub(mid) + diff
	}
	start, _ := t.ZoneBounds() // the fall back: when t's offset began
	return t.Sub(mid) - min(t.Sub(start), -diff)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// Describe says a duration as people read it on this calendar: "24h", or
// "8 business hours", "3 business days" (of the working day's length).
func (c Calendar) Describe(d time.Duration) string {
	if !c.Business {
		return fmtDuration(d)
	}
	day := c.End - c.Start
	if day > 0 && d >= day && d%day == 0 {
		n := int(d / day)
		if n == 1 {
			return "1 business day"
		}
		return fmt.Sprintf("%d business days", n)
	}
	if d%time.Hour == 0 {
		n := int(d / time.Hour)
		if n == 1 {
			return "1 business hour"
		}
		return fmt.Sprintf("%d business hours", n)
	}
	return fmtDuration(d) + " of business time"
}

func fmtDuration(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0 && d >= 48*time.Hour:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return strings.TrimSuffix(d.String(), "0s")
	}
	return d.String()
}

// ParseHours reads "09:00-18:00" (or "00:00-24:00": the whole day).
func ParseHours(s string) (start, end time.Duration, err error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return 0, 0, fmt.Errorf("%q: want HH:MM-HH:MM, e.g. 09:00-18:00", s)
	}
	p := func(v string) (time.Duration, error) {
		t, err := time.Parse("15:04", strings.TrimSpace(v))
		if err != nil {
			return 0, fmt.Errorf("%q: want HH:MM", v)
		}
		return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
	}
	if start, err = p(a); err != nil {
		return
	}
	// A day working to midnight ends at 24:00 (time.Parse knows no such
	// hour); 24:00 starts nothing.
	if strings.TrimSpace(b) == "24:00" {
		end = 24 * time.Hour
	} else if end, err = p(b); err != nil {
		return
	}
	if end <= start {
		return 0, 0, fmt.Errorf("%q: the day must end after it starts", s)
	}
	return start, end, nil
}

// ParseDays reads weekday names (mon, tue ... or 月, 火 ..., 月曜, 月曜日).
func ParseDays(names []string) ([7]bool, error) {
	var out [7]bool
	idx := map[string]time.Weekday{
		"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
		"日": time.Sunday, "月": time.Monday, "火": time.Tuesday, "水": time.Wednesday, "木": time.Thursday, "金": time.Friday, "土": time.Saturday,
	}
	for _, n := range names {
		k := strings.ToLower(strings.TrimSpace(n))
		if len(k) > 3 && k[0] < 0x80 {
			k = k[:3]
		} else if j, ok := strings.CutSuffix(k, "曜日"); ok {
			k = j // 月曜日
		} else if j, ok := strings.CutSuffix(k, "曜"); ok {
			k = j // 月曜
		}
		d, ok := idx[k]
		if !ok {
			return out, fmt.Errorf("%q is not a weekday (mon ... sun, or 月 ... 日)", n)
		}
		out[d] = true
	}
	return out, nil
}

// MaxHolidayRange bounds a range of days off: a longer one is a typo (a
// year mistyped), and its days would each be kept.
const MaxHolidayRange = 62

// ParseHoliday reads one entry of the calendar's holidays other than
// "japan": a date (2026-12-29), a day every year (12-29), or a range of
// either (2026-12-29..2027-01-03, 12-29..01-03: a yearly range may wrap
// the year's end), both ends included. It returns the dates (YYYY-MM-DD)
// and yearly days (MM-DD) off.
func ParseHoliday(s string) (dates, yearly []string, err error) {
	s = strings.TrimSpace(s)
	from, to, isRange := strings.Cut(s, "..")
	from, to = strings.TrimSpace(from), strings.TrimSpace(to)
	if !isRange {
		to = from
	}
	a, aYearly, err := parseDay(from)
	if err != nil {
		return nil, nil, err
	}
	b, bYearly, err := parseDay(to)
	if err != nil {
		return nil, nil, err
	}
	if aYearly != bYearly {
		return nil, nil, fmt.Errorf("%q: both ends are dates (2026-12-29) or both days of the year (12-29)", s)
	}
	if aYearly && b.Before(a) {
		b = b.AddDate(1, 0, 0) // 12-29..01-03 runs over the new year
	}
	if b.Before(a) {
		return nil, nil, fmt.Errorf("%q ends before it begins", s)
	}
	if n := int(b.Sub(a).Hours()/24) + 1; n > MaxHolidayRange {
		return nil, nil, fmt.Errorf("%q is %d days: at most %d in one range", s, n, MaxHolidayRange)
	}
	for d := a; !d.After(b); d = d.AddDate(0, 0, 1) {
		if aYearly {
			yearly = append(yearly, d.Format("01-02"))
		} else {
			dates = append(dates, d.Format("2006-01-02"))
		}
	}
	return dates, yearly, nil
}

// parseDay reads 2026-12-29, or 12-29 (yearly: placed in 2000, a leap
// year, so that 02-29 is a day).
func parseDay(s string) (time.Time, bool, error) {
	if d, err := time.Parse("2006-01-02", s); err == nil {
		return d, false, nil
	}
	if d, err := time.Parse("2006-01-02", "2000-"+s); err == nil && len(s) == 5 {
		return d, true, nil
	}
	return time.Time{}, false, fmt.Errorf("%q is not a date (2026-12-29) nor a day of the year (12-29)", s)
}
