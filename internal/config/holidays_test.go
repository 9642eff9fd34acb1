package config

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestComputedHolidayNames: japan, us and england name computed public
// holidays, in any case; another name is refused saying which there are.
func TestComputedHolidayNames(t *testing.T) {
	var f File
	if err := ParseFile([]byte("calendar: {holidays: [Japan, us, ENGLAND, 12-29]}\n"), &f); err != nil {
		t.Fatal(err)
	}
	c, err := f.Cal()
	if err != nil || strings.Join(c.Public, ",") != "japan,us,england" || !c.Yearly["12-29"] {
		t.Fatalf("%v %v %v", c.Public, c.Yearly, err)
	}
	err = ParseFile([]byte("calendar: {holidays: [usa]}\n"), &f)
	if err == nil {
		_, err = f.Cal()
	}
	if err == nil || !strings.Contains(err.Error(), "japan, us or england") {
		t.Fatalf("usa: %v", err)
	}
}

// TestJapaneseTeamHasJapansHolidays: a Japanese team (timezone Asia/Tokyo
// or sfa.language ja) whose calendar lists no holidays counted 成人の日
// (2027-01-11, a Monday) as a working day, and the SLA breached on it. It
// has Japan's public holidays unless it lists its own, or none
// (`holidays: []`); another team has none unless it lists them.
func TestJapaneseTeamHasJapansHolidays(t *testing.T) {
	for _, c := range []struct {
		file  string
		japan bool
	}{
		{"timezone: Asia/Tokyo\n", true},
		{"sfa: {language: ja}\n", true},
		{"timezone: Asia/Tokyo\ncalendar: {holidays: []}\n", false},
		{"timezone: Asia/Tokyo\ncalendar: {holidays: [12-29]}\n", false},
		{"timezone: Europe/London\n", false},
	} {
		var f File
		if err := ParseFile([]byte(c.file), &f); err != nil {
			t.Fatalf("%q: %v", c.file, err)
		}
		cal, err := f.Cal()
		if err != nil {
			t.Fatalf("%q: %v", c.file, err)
		}
		if got := slices.Contains(cal.Public, "japan"); got != c.japan {
			t.Errorf("%q: Japan's holidays %v, want %v (%v)", c.file, got, c.japan, cal.Public)
		}
		noon := time.Date(2027, 1, 11, 3, 0, 0, 0, time.UTC) // 12:00 JST on 成人の日
		cal.Business = true                                  // sla.business_time
		if c.file == "timezone: Asia/Tokyo\n" && cal.Working(noon) {
			t.Errorf("%q: 成人の日 at noon is working time", c.file)
		}
	}
}
