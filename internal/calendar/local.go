package calendar

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// SkippedError is a wall-clock time a zone's clocks jump over (the hour
// they spring forward: 02:30 on 2026-03-08 in New York).
type SkippedError struct {
	Value string
	Loc   *time.Location
}

func (e *SkippedError) Error() string {
	return fmt.Sprintf("%s does not exist in %s: the clocks skip that time", e.Value, e.Loc)
}

// AmbiguousError is a wall-clock time a zone's clocks show twice (the hour
// they fall back: 01:30 on 2026-11-01 in New York is 01:30 EDT, then 01:30
// EST an hour later).
type AmbiguousError struct {
	Value         string
	Loc           *time.Location
	First, Second time.Time
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%s occurs twice in %s: %s, then %s", e.Value, e.Loc,
		e.First.Format("15:04 MST"), e.Second.Format("15:04 MST"))
}

// ParseLocal reads s, written in layout without a zone, as a time on the
// wall clock of loc. time.ParseInLocation takes a time the clocks skip or
// show twice silently, as another time (02:30 on New York's spring-forward
// day as 01:30 EST, an hour before what was typed) or as one of the two
// (01:30 on its fall-back day as EDT, 01:30 on London's as GMT: each zone
// differs); ParseLocal refuses them, a *SkippedError or an *AmbiguousError.
func ParseLocal(layout, s string, loc *time.Location) (time.Time, error) {
	wall, err := time.Parse(layout, s) // the fields typed, read as UTC
	if err != nil {
		return time.Time{}, err
	}
	t := time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), wall.Nanosecond(), loc)
	// The instants whose clock in loc reads wall: tried at the offsets in
	// force around it (a zone changes its offset at most once a day or so).
	var found []time.Time
	for _, near := range []time.Time{t, t.Add(-36 * time.Hour), t.Add(36 * time.Hour)} {
		_, off := near.Zone()
		u := wall.Add(-time.Duration(off) * time.Second).In(loc)
		if sameClock(u, wall) && !containsTime(found, u) {
			found = append(found, u)
		}
	}
	switch len(found) {
	case 0:
		return time.Time{}, &SkippedError{Value: s, Loc: loc}
	case 1:
		return found[0], nil
	}
	first, second := found[0], found[1]
	if second.Before(first) {
		first, second = second, first
	}
	return time.Time{}, &AmbiguousError{Value: s, Loc: loc, First: first, Second: second}
}

func sameClock(t, wall time.Time) bool {
	y, m, d := t.Date()
	wy, wm, wd := wall.Date()
	return y == wy && m == wm && d == wd && t.Hour() == wall.Hour() && t.Minute() == wall.Minute() &&
		t.Second() == wall.Second() && t.Nanosecond() == wall.Nanosecond()
}

func containsTime(ts []time.Time, t time.Time) bool {
	for _, x := range ts {
		if x.Equal(t) {
			return true
		}
	}
	return false
}

// Abbreviations names the zone loc as its clocks say it through the year
// of t: "JST", or "EST/EDT", "GMT/BST" for a zone that changes its clocks
// (its abbreviations in the order the year meets them). A page whose times
// may be of any date says this, not the abbreviation of the moment it is
// read: "EST" in January labelled July's times, which are EDT.
func Abbreviations(loc *time.Location, t time.Time) string {
	if loc == nil {
		loc = time.UTC
	}
	var names []string
	y := t.In(loc).Year()
	for m := time.January; m <= time.December; m++ {
		for _, d := range []int{1, 15} {
			name, _ := time.Date(y, m, d, 12, 0, 0, 0, loc).Zone()
			if !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
	}
	return strings.Join(names, "/")
}

// AbbreviationsOf names the zones times are shown in, each once in the
// order met, zero times aside: "JST", or "EDT/EST" for times either side
// of a clock change. A heading over a list of times says this, not the
// first time's zone alone.
func AbbreviationsOf(ts ...time.Time) string {
	var names []string
	for _, t := range ts {
		if t.IsZero() {
			continue
		}
		if name, _ := t.Zone(); !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return strings.Join(names, "/")
}

// DayStart is the first instant of the date y-m-d in loc (the date
// normalised as time.Date does: day 32 is the next month's first). Where
// the zone's clocks skip midnight itself (Santiago on 2026-09-06, Havana on
// 2026-03-08: 23:59:59 then 01:00) time.Date gives 23:00 of the day before,
// so "from 09-06" began an hour early and "to 09-05" ended an hour short;
// the day begins at the jump. Where midnight is shown twice, the first.
func DayStart(y int, m time.Month, d int, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	want := time.Date(y, m, d, 0, 0, 0, 0, time.UTC) // the date, normalised
	wy, wm, wd := want.Date()
	if ty, tm, td := t.Date(); ty != wy || tm != wm || td != wd {
		// The day before's last hour: the day begins when that zone ends.
		if _, end := t.ZoneBounds(); !end.IsZero() {
			return end
		}
		return t
	}
	// Midnight shown twice: the earlier one, if time.Date gave the later.
	if _, err := ParseLocal(time.DateTime, want.Format(time.DateTime), loc); err != nil {
		var twice *AmbiguousError
		if errors.As(err, &twice) {
			return twice.First
		}
	}
	return t
}

// ParseDay reads a date (2026-11-01) as the first instant of that day in
// loc (DayStart).
func ParseDay(s string, loc *time.Location) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, err
	}
	return DayStart(d.Year(), d.Month(), d.Day(), loc), nil
}

// NextDayStart is the first instant of the day after t's date in loc:
// the end of t's day (t.AddDate(0, 0, 1) at a midnight the clocks skip is
// the day's 23:00).
func NextDayStart(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := t.In(loc).Date()
	return DayStart(y, m, d+1, loc)
}

// Repeated reports whether t's wall clock, in t's location, shows its time
// twice: the hour the clocks fall back (01:30 on 2026-11-01 in New York is
// 01:30 EDT, then 01:30 EST), either showing. A page that writes such a
// time as 01:30 alone says two moments alike.
func Repeated(t time.Time) bool {
	start, end := t.ZoneBounds()
	_, off := t.Zone()
	if !start.IsZero() {
		// The second showing: the clocks went back at start.
		if _, prev := start.Add(-time.Nanosecond).Zone(); prev > off && t.Before(start.Add(time.Duration(prev-off)*time.Second)) {
			return true
		}
	}
	if !end.IsZero() {
		// The first: they go back at end.
		if _, next := end.Zone(); next < off && !t.Before(end.Add(-time.Duration(off-next)*time.Second)) {
			return true
		}
	}
	return false
}

// FormatMarked is t.Format(layout), followed by the zone's abbreviation
// where t falls in an hour the clocks show twice ("01:30 EDT", "01:30
// EST"): every other time reads as before, and a zone that never changes
// its clocks (JST) never carries it.
func FormatMarked(t time.Time, layout string) string {
	s := t.Format(layout)
	if Repeated(t) {
		name, _ := t.Zone()
		s += " " + name
	}
	return s
}
