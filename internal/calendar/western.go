package calendar

import "time"

// USHoliday reports whether the date is a US federal holiday (5 U.S.C.
// 6103, Juneteenth from 2021), observed as federal offices observe them:
// one falling on a Saturday is off the Friday before, on a Sunday the
// Monday after (New Year's Day on a Saturday: the Friday, 31 December).
// Companies differ on Columbus and Veterans Day: list those worked as
// nothing here, or give the days off as dates instead.
func USHoliday(y int, m time.Month, d int) (string, bool) {
	if name, ok := usFixed(y, m, d); ok {
		return name, true
	}
	switch date := time.Date(y, m, d, 0, 0, 0, 0, time.UTC); date.Weekday() {
	case time.Friday: // observed for a Saturday's
		next := date.AddDate(0, 0, 1)
		if name, ok := usFixed(next.Year(), next.Month(), next.Day()); ok {
			return name + " (observed)", true
		}
	case time.Monday: // observed for a Sunday's
		prev := date.AddDate(0, 0, -1)
		if name, ok := usFixed(prev.Year(), prev.Month(), prev.Day()); ok {
			return name + " (observed)", true
		}
	}
	switch {
	case m == time.January && d == nthWeekday(y, m, time.Monday, 3):
		return "Birthday of Martin Luther King, Jr.", true
	case m == time.February && d == nthWeekday(y, m, time.Monday, 3):
		return "Washington's Birthday", true
	case m == time.May && d == lastWeekday(y, m, time.Monday):
		return "Memorial Day", true
	case m == time.September && d == nthWeekday(y, m, time.Monday, 1):
		return "Labor Day", true
	case m == time.October && d == nthWeekday(y, m, time.Monday, 2):
		return "Columbus Day", true
	case m == time.November && d == nthWeekday(y, m, time.Thursday, 4):
		return "Thanksgiving Day", true
	}
	return "", false
}

// usFixed are the federal holidays of a fixed date, before observance.
func usFixed(y int, m time.Month, d int) (string, bool) {
	switch {
	case m == time.January && d == 1:
		return "New Year's Day", true
	case m == time.June && d == 19 && y >= 2021:
		return "Juneteenth National Independence Day", true
	case m == time.July && d == 4:
		return "Independence Day", true
	case m == time.November && d == 11:
		return "Veterans Day", true
	case m == time.December && d == 25:
		return "Christmas Day", true
	}
	return "", false
}

// EnglandHoliday reports whether the date is a bank holiday in England and
// Wales under the Banking and Financial Dealings Act 1971 and the yearly
// proclamations' usual days: New Year's Day, Good Friday, Easter Monday,
// the first and last Mondays of May, the last Monday of August, Christmas
// Day and Boxing Day, those on a weekend off the next weekdays not already
// off. One-off days (a coronation, a jubilee, the early May day moved to
// VE Day's 8 May in 2020) are proclaimed, not computed: give them as dates.
func EnglandHoliday(y int, m time.Month, d int) (string, bool) {
	easter := easterSunday(y)
	date := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	switch {
	case date.Equal(easter.AddDate(0, 0, -2)):
		return "Good Friday", true
	case date.Equal(easter.AddDate(0, 0, 1)):
		return "Easter Monday", true
	case m == time.May && d == nthWeekday(y, m, time.Monday, 1):
		return "Early May bank holiday", true
	case m == time.May && d == lastWeekday(y, m, time.Monday):
		return "Spring bank holiday", true
	case m == time.August && d == lastWeekday(y, m, time.Monday):
		return "Summer bank holiday", true
	}
	// New Year's Day, Christmas and Boxing Day, each on the first weekday
	// on or after it that is not taken by the one before (Christmas on a
	// Saturday: Monday 27th, Boxing Day Tuesday 28th).
	if m == time.January && d <= 3 {
		if d == weekdayOnOrAfter(y, time.January, 1, 0) {
			return "New Year's Day", true
		}
	}
	if m == time.December && d >= 25 {
		christmas := weekdayOnOrAfter(y, time.December, 25, 0)
		if d == christmas {
			return "Christmas Day", true
		}
		if d == weekdayOnOrAfter(y, time.December, 26, christmas) {
			return "Boxing Day", true
		}
	}
	return "", false
}

// weekdayOnOrAfter is the first day of month m from day d on that is a
// weekday and not taken (0: none taken).
func weekdayOnOrAfter(y int, m time.Month, d, taken int) int {
	for ; ; d++ {
		wd := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Weekday()
		if wd != time.Saturday && wd != time.Sunday && d != taken {
			return d
		}
	}
}

// nthWeekday is the day of month m that is its n-th wd.
func nthWeekday(y int, m time.Month, wd time.Weekday, n int) int {
	first := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC).Weekday()
	return 1 + (int(wd)-int(first)+7)%7 + 7*(n-1)
}

// lastWeekday is the day of month m that is its last wd.
func lastWeekday(y int, m time.Month, wd time.Weekday) int {
	last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC)
	return last.Day() - (int(last.Weekday())-int(wd)+7)%7
}

// easterSunday is Easter Sunday of the Gregorian calendar (the anonymous
// Gregorian algorithm, Meeus/Jones/Butcher).
func easterSunday(y int) time.Time {
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(y, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}
