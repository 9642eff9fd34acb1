package calendar

import (
	"testing"
	"time"
)

// FuzzParseHours: accepted business hours lie within one day, end after
// they start, and are whole minutes.
func FuzzParseHours(f *testing.F) {
	for _, s := range []string{"09:00-18:00", " 9:30 - 17:45 ", "18:00-09:00", "24:00-25:00", "-", "09:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		start, end, err := ParseHours(s)
		if err != nil {
			return
		}
		if start < 0 || end <= start || end >= 24*time.Hour || start%time.Minute != 0 || end%time.Minute != 0 {
			t.Fatalf("ParseHours(%q) = %v, %v", s, start, end)
		}
	})
}
