// Package duration reads the durations people write in Baton's settings
// and rules files: Go's ("36h", "15m") and days ("400d", "1.5d"), a unit
// Go lacks and retention and decay are thought in.
package duration

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

// ErrBad is every refusal: the callers say it in their own words (the
// rules file's messages have Japanese translations keyed on them).
var ErrBad = errors.New("duration: want e.g. 400d, 1.5d, 36h or 15m, at most about 292 years")

// Parse reads s. A negative, NaN or infinite number of days is refused, and
// so is anything longer than a time.Duration holds: converting such a
// float, or multiplying such a count of days, wraps to a negative
// duration, which would make a half-life grow scores instead of decaying
// them.
func Parse(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseFloat(days, 64)
		if err != nil || math.IsNaN(n) || n < 0 || n*24*float64(time.Hour) >= math.MaxInt64 {
			return 0, ErrBad
		}
		return time.Duration(n * 24 * float64(time.Hour)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, ErrBad
	}
	return d, nil
}

// Span is a duration as a rules file writes it, for what people count on
// a calendar (a cooldown, a window): whole days are calendar days of a
// time zone, so "7d" from Monday 10:00 ends the next Monday at 10:00 on
// the wall clock, though a night between is 23 or 25 hours long where the
// clocks change; the rest ("36h", "15m", a fraction of a day) is elapsed
// time. The zero Span is none.
type Span struct {
	Days    int           // calendar days
	Elapsed time.Duration // elapsed time after them
}

// ParseSpan reads s as Parse does: "7d" is 7 calendar days, "1.5d" one
// and 12 hours, "36h" 36 hours of elapsed time.
func ParseSpan(s string) (Span, error) {
	d, err := Parse(s)
	if err != nil {
		return Span{}, err
	}
	if _, ok := strings.CutSuffix(strings.TrimSpace(s), "d"); !ok {
		return Span{Elapsed: d}, nil
	}
	days := d / (24 * time.Hour)
	return Span{Days: int(days), Elapsed: d - days*24*time.Hour}, nil
}

// Days is a Span of n calendar days.
func Days(n int) Span { return Span{Days: n} }

// Nominal is the span with every day 24 hours: what it is on a day the
// clocks do not change, for saying it and comparing spans.
func (s Span) Nominal() time.Duration { return time.Duration(s.Days)*24*time.Hour + s.Elapsed }

// IsZero reports whether the span is none.
func (s Span) IsZero() bool { return s.Days == 0 && s.Elapsed == 0 }

// After is the end of the span begun at t: its days added on loc's wall
// clock (nil: UTC), then its elapsed time. A wall-clock time the clocks
// skip that day moves on by the gap (02:30 on a spring-forward day is
// 03:30); one they show twice is the first of the two.
func (s Span) After(t time.Time, loc *time.Location) time.Time {
	if s.Days != 0 {
		t = addDays(t, s.Days, loc)
	}
	return t.Add(s.Elapsed)
}

// Before is the start of the span that ends at t (After's inverse: its
// elapsed time taken off, then its days on loc's wall clock): a window of
// "7d" up to now.
func (s Span) Before(t time.Time, loc *time.Location) time.Time {
	t = t.Add(-s.Elapsed)
	if s.Days != 0 {
		t = addDays(t, -s.Days, loc)
	}
	return t
}

// addDays is t n days later on loc's wall clock. time.Time's AddDate does
// that, but leaves a time the clocks show twice or skip to time.Date's
// choice, which Go does not promise: here the first of two is taken, and a
// skipped one is read at the offset before the jump. No allocation: the
// score path asks it for every recycled person it judges.
func addDays(t time.Time, n int, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	l := t.In(loc)
	y, m, d := l.Date()
	hh, mm, ss := l.Clock()
	wall := time.Date(y, m, d+n, hh, mm, ss, l.Nanosecond(), time.UTC) // the clock wanted, normalised
	u := time.Date(y, m, d+n, hh, mm, ss, l.Nanosecond(), loc)
	// The instants whose clock reads wall, at the offsets in force around
	// it (a zone changes its offset at most once a day or so): the first.
	var first time.Time
	found := false
	for _, near := range [3]time.Time{u.Add(-36 * time.Hour), u, u.Add(36 * time.Hour)} {
		_, off := near.Zone()
		c := wall.Add(-time.Duration(off) * time.Second).In(loc)
		if sameWall(c, wall) && (!found || c.Before(first)) {
			first, found = c, true
		}
	}
	if found {
		return first
	}
	_, off := u.Add(-36 * time.Hour).Zone() // skipped: the offset before the jump
	return wall.Add(-time.Duration(off) * time.Second).In(loc)
}

// sameWall reports whether t's clock reads wall's (a UTC time).
func sameWall(t, wall time.Time) bool {
	y, m, d := t.Date()
	wy, wm, wd := wall.Date()
	return y == wy && m == wm && d == wd && t.Hour() == wall.Hour() && t.Minute() == wall.Minute() &&
		t.Second() == wall.Second() && t.Nanosecond() == wall.Nanosecond()
}
