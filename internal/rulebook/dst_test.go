package rulebook

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
)

// TestDailyCapOnTheDaysTheClocksChange: cap_per_day counts the configured
// zone's days, a 25-hour day (New York's 2026-11-01, London's 2026-10-25)
// and a 23-hour one (2026-03-08, 2026-03-29) each one day: the hour the
// clocks show twice is the same day's, the last minute of a day and the
// first of the next are two days' caps, in one batch or event by event.
func TestDailyCapOnTheDaysTheClocksChange(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		loc  *time.Location
		at   []string
		want float64
	}{
		// 10-31 23:59 EDT; 11-01 00:00 EDT, 01:30 EDT, 01:30 EST, 23:59 EST (capped at 3); 11-02 00:00 EST.
		{ny, []string{"2026-11-01T03:59:00Z", "2026-11-01T04:00:00Z", "2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z", "2026-11-02T04:59:00Z", "2026-11-02T05:00:00Z"}, 1 + 3 + 1},
		// 03-07 23:59 EST; 03-08 00:00 EST, 01:59 EST, 03:00 EDT, 23:59 EDT (capped at 3); 03-09 00:00 EDT.
		{ny, []string{"2026-03-08T04:59:00Z", "2026-03-08T05:00:00Z", "2026-03-08T06:59:00Z", "2026-03-08T07:00:00Z", "2026-03-09T03:59:00Z", "2026-03-09T04:00:00Z"}, 1 + 3 + 1},
		// 10-24 23:59 BST; 10-25 00:00 BST, 01:30 BST, 01:30 GMT, 23:59 GMT (capped at 3); 10-26 00:00 GMT.
		{london, []string{"2026-10-24T22:59:00Z", "2026-10-24T23:00:00Z", "2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z", "2026-10-25T23:59:00Z", "2026-10-26T00:00:00Z"}, 1 + 3 + 1},
		// 03-28 23:59 GMT; 03-29 00:00 GMT, 00:59 GMT, 02:00 BST, 23:59 BST (capped at 3); 03-30 00:00 BST.
		{london, []string{"2026-03-28T23:59:00Z", "2026-03-29T00:00:00Z", "2026-03-29T00:59:00Z", "2026-03-29T01:00:00Z", "2026-03-29T22:59:00Z", "2026-03-29T23:00:00Z"}, 1 + 3 + 1},
	} {
		e := &Engine{R: mustParse(t, "behaviour:\n  - {name: pv, type: page_view, points: 1, cap_per_day: 3}\nmql: [{name: x, min_behaviour: 100}]\n"), Loc: c.loc}
		var evs []event.Event
		for i, s := range c.at {
			evs = append(evs, pv(fmt.Sprintf("e%d", i), "https://x.example/p", utc(s)))
		}
		now := utc(c.at[len(c.at)-1]).Add(time.Hour)
		if _, s, _ := apply(t, e, nil, now, evs...); math.Abs(s-c.want) > 1e-9 {
			t.Errorf("%s from %s, one batch: score %v, want %v", c.loc, c.at[0], s, c.want)
		}
		var raw []byte
		var s float64
		for _, ev := range evs {
			raw, s, _ = apply(t, e, raw, now, ev)
		}
		if math.Abs(s-c.want) > 1e-9 {
			t.Errorf("%s from %s, event by event: score %v, want %v", c.loc, c.at[0], s, c.want)
		}
	}
}

// TestCooldownDaysAreCalendarDays: a New York (or London) team writes
// recycle.cooldown: 7d. A lead rejected on Thursday at 10:00 before the
// clocks go back may qualify again the next Thursday at 10:00 on their
// wall clock, not at 09:00 (168 hours later): the wait says 10:00, and at
// 09:30 the lead still waits. Across the spring change it ends at 10:00,
// not 11:00. Hours stay elapsed time (168h), and Tokyo's week is 168 hours.
func TestCooldownDaysAreCalendarDays(t *testing.T) {
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
	attrs := map[string]string{"title": "部長", "employees": "500"}
	for _, c := range []struct {
		loc            *time.Location
		cooldown       string
		recycled, ends string
	}{
		{ny, "7d", "2026-10-29 10:00 EDT", "2026-11-05 10:00 EST"},
		{ny, "7d", "2026-03-05 10:00 EST", "2026-03-12 10:00 EDT"},
		{london, "7d", "2026-10-22 10:00 BST", "2026-10-29 10:00 GMT"},
		{london, "2d", "2026-03-28 10:00 GMT", "2026-03-30 10:00 BST"},
		{ny, "168h", "2026-10-29 10:00 EDT", "2026-11-05 09:00 EST"},
		{tokyo, "7d", "2026-10-29 10:00 JST", "2026-11-05 10:00 JST"},
	} {
		e := &Engine{R: mustParse(t, "behaviour:\n  - {name: pv, type: page_view, points: 10}\nfit:\n  rules: [{name: t, attribute: title, match: \"re:部長\", points: 50}]\ngrades: {A: 50, B: 30, C: 10}\nmql: [{name: x, min_behaviour: 10, grades: [A]}]\nrecycle: {multiply: 0, min_new_behaviour: 5, cooldown: "+c.cooldown+"}\n"), Loc: c.loc}
		recycled, ends := at(c.recycled, c.loc), at(c.ends, c.loc)
		raw, _, _ := apply(t, e, nil, recycled, pv("a", "https://x.example/", recycled.Add(-time.Hour)))
		raw, _, _ = e.Recycle(raw, recycled)
		raw, _, _ = apply(t, e, raw, recycled.Add(time.Hour), pv("b", "https://x.example/", recycled.Add(time.Hour)))
		if end, ok := e.CooldownEnd(recycled); !ok || !end.Equal(ends) {
			t.Errorf("%s %s from %s: ends %s, want %s", c.loc, c.cooldown, c.recycled, end.In(c.loc).Format("2006-01-02 15:04 MST"), c.ends)
		}
		v, _ := e.Evaluate(raw, attrs, "a@maker.example", ends.Add(-30*time.Minute))
		if want := "no MQL before " + ends.UTC().Format(time.RFC3339); !strings.Contains(v.Waiting, want) || v.Condition != "" {
			t.Errorf("%s %s from %s, half an hour before its end: waiting %q, condition %q; want %q", c.loc, c.cooldown, c.recycled, v.Waiting, v.Condition, want)
		}
		if v, _ := e.Evaluate(raw, attrs, "a@maker.example", ends); v.Waiting != "" || v.Condition != "x" {
			t.Errorf("%s %s from %s, at its end: waiting %q, condition %q", c.loc, c.cooldown, c.recycled, v.Waiting, v.Condition)
		}
	}
}
