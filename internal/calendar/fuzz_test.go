package calendar

import (
	"testing"
	"time"
)

// FuzzParseHours: accepted business hours lie within one day (ending at
// 24:00 at the latest), end after they start, and are whole minutes.
func FuzzParseHours(f *testing.F) {
	for _, s := range []string{"09:00-18:00", " 9:30 - 17:45 ", "18:00-09:00", "24:00-25:00", "0:00-24:00", "18:00-24:00", "24:00-24:00", "-", "09:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		start, end, err := ParseHours(s)
		if err != nil {
			return
		}
		if start < 0 || end <= start || end > 24*time.Hour || start%time.Minute != 0 || end%time.Minute != 0 {
			t.Fatalf("ParseHours(%q) = %v, %v", s, start, end)
		}
	})
}

// FuzzParseHoliday: an accepted entry gives at least one day and at most
// MaxHolidayRange, each a real date or day of the year, never both kinds.
func FuzzParseHoliday(f *testing.F) {
	for _, s := range []string{"2026-12-29", "12-29", "12-29..01-03", "2026-12-29..2027-01-03", "02-29", "..", "12-29..2026-12-31", "9999-12-31..9999-12-31"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		dates, yearly, err := ParseHoliday(s)
		if err != nil {
			return
		}
		if n := len(dates) + len(yearly); n == 0 || n > MaxHolidayRange || (len(dates) > 0 && len(yearly) > 0) {
			t.Fatalf("ParseHoliday(%q) = %d dates, %d yearly days", s, len(dates), len(yearly))
		}
		for _, d := range dates {
			if _, err := time.Parse("2006-01-02", d); err != nil {
				t.Fatalf("ParseHoliday(%q): date %q", s, d)
			}
		}
		for _, d := range yearly {
			if _, err := time.Parse("2006-01-02", "2000-"+d); err != nil {
				t.Fatalf("ParseHoliday(%q): yearly day %q", s, d)
			}
		}
	})
}
