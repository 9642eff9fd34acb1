package reports_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/reports"
)

// TestDaysOfAClockChange: a team in New York or London. MQLs raised
// around the days the clocks change (23 and 25 hours long), the last
// minutes of a day and the first of the next, the hour shown twice on
// the fall-back day (01:30 EDT and 01:30 EST), are each on their day of
// the zone: the write-time counters read day by day, the funnel's rows by
// day, ISO week and month, and the KPI's month agree, and a month's (and
// a week's) figures are the sum of its days'. No MQL is lost or counted
// twice at a day's edge.
func TestDaysOfAClockChange(t *testing.T) {
	for _, c := range []struct {
		zone string
		at   []string // local wall times; "EST"/"EDT" (or GMT/BST) after one the clocks show twice
		want map[string]int
	}{
		{"America/New_York", []string{
			"2026-03-07 23:59", "2026-03-08 00:00", "2026-03-08 01:59", "2026-03-08 03:00", "2026-03-08 23:59", "2026-03-09 00:00",
			"2026-03-31 23:30", "2026-04-01 00:30",
			"2026-10-31 23:59", "2026-11-01 00:30", "2026-11-01 01:30 EDT", "2026-11-01 01:30 EST", "2026-11-01 23:59", "2026-11-02 00:00",
		}, map[string]int{"2026-03-07": 1, "2026-03-08": 4, "2026-03-09": 1, "2026-03-31": 1, "2026-04-01": 1, "2026-10-31": 1, "2026-11-01": 4, "2026-11-02": 1}},
		{"Europe/London", []string{
			"2026-03-28 23:59", "2026-03-29 00:30", "2026-03-29 02:00", "2026-03-29 23:59", "2026-03-30 00:00",
			"2026-03-31 23:30", "2026-04-01 00:30",
			"2026-10-24 23:59", "2026-10-25 00:00", "2026-10-25 01:30 BST", "2026-10-25 01:30 GMT", "2026-10-25 23:59", "2026-10-26 00:00",
		}, map[string]int{"2026-03-28": 1, "2026-03-29": 3, "2026-03-30": 1, "2026-03-31": 1, "2026-04-01": 1, "2026-10-24": 1, "2026-10-25": 4, "2026-10-26": 1}},
	} {
		t.Run(c.zone, func(t *testing.T) {
			loc, err := time.LoadLocation(c.zone)
			if err != nil {
				t.Fatal(err)
			}
			cal := calendar.Calendar{Loc: loc}
			m := newMonth(t)
			m.q.Calendar = cal
			for i, s := range c.at {
				m.mql(fmt.Sprintf("p%02d", i), local(t, s, loc))
			}
			m.clk.Set(time.Date(2026, 12, 15, 12, 0, 0, 0, time.UTC))
			ctx := context.Background()
			day := func(s string) time.Time {
				d, err := time.ParseInLocation("2006-01-02", s, loc) // as the admin's from and to
				if err != nil {
					t.Fatal(err)
				}
				return d
			}
			// The counters day by day, each day's from its midnight to the next.
			total := 0
			for d := day("2026-03-01"); d.Before(day("2026-12-01")); d = d.AddDate(0, 0, 1) {
				ctrs, err := reports.FunnelCounters(ctx, m.tb, reports.Filter{From: d, To: d.AddDate(0, 0, 1), Loc: loc})
				if err != nil {
					t.Fatal(err)
				}
				n := int(ctrs["(all)"][qualify.StageMQL])
				if want := c.want[d.Format("2006-01-02")]; n != want {
					t.Errorf("counters of %s: %d MQLs, want %d", d.Format("2006-01-02"), n, want)
				}
				total += n
			}
			if total != len(c.at) {
				t.Errorf("the days' counters sum to %d MQLs, want %d", total, len(c.at))
			}
			people, err := reports.Load(ctx, m.tb)
			if err != nil {
				t.Fatal(err)
			}
			per := func(period string) map[string]int {
				out := map[string]int{}
				for _, r := range reports.Funnel(people, reports.Filter{Period: period, Loc: loc}) {
					if r.Group == "(all)" {
						out[r.Period] += r.Counts[qualify.StageMQL]
					}
				}
				return out
			}
			days, weeks, months := per("day"), per("week"), per("month")
			sumWeeks, sumMonths := map[string]int{}, map[string]int{}
			for d, want := range c.want {
				if days[d] != want {
					t.Errorf("funnel row of %s: %d MQLs, want %d", d, days[d], want)
				}
				at := day(d).Add(12 * time.Hour)
				sumWeeks[reports.Filter{Period: "week", Loc: loc}.PeriodOf(at)] += want
				sumMonths[d[:7]] += want
			}
			if len(days) != len(c.want) {
				t.Errorf("funnel rows by day %v, want %v", days, c.want)
			}
			if fmt.Sprint(weeks) != fmt.Sprint(sumWeeks) || fmt.Sprint(months) != fmt.Sprint(sumMonths) {
				t.Errorf("weeks %v, want the days' %v; months %v, want the days' %v", weeks, sumWeeks, months, sumMonths)
			}
			// A month's filter (from its first day to its last, as the
			// dashboard's dates are read) and the KPI's month count its days.
			kpis, err := reports.KPIMonths(ctx, m.tb, map[string]int{qualify.StageMQL: 10}, cal, day("2026-03-01"), day("2026-11-30"), m.clk.Now())
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range kpis {
				ctrs, _ := reports.FunnelCounters(ctx, m.tb, reports.Filter{From: day(k.From), To: day(k.To).AddDate(0, 0, 1), Loc: loc})
				funnel := reports.Funnel(people, reports.Filter{From: day(k.From), To: day(k.To).AddDate(0, 0, 1), Loc: loc})
				got := 0
				if len(funnel) > 0 {
					got = funnel[0].Counts[qualify.StageMQL]
				}
				if want := sumMonths[k.Month]; int(k.Rows[0].Actual) != want || int(ctrs["(all)"][qualify.StageMQL]) != want || got != want {
					t.Errorf("%s: KPI %d, counters %d, funnel %d MQLs; want the days' %d", k.Month, k.Rows[0].Actual, ctrs["(all)"][qualify.StageMQL], got, want)
				}
			}
		})
	}
}

// local reads "2006-01-02 15:04" in loc, or with a zone abbreviation after
// it the one of the two instants the clocks show twice that has it.
func local(t *testing.T, s string, loc *time.Location) time.Time {
	t.Helper()
	wall, abbr := s, ""
	if len(s) > 16 {
		wall, abbr = s[:16], s[17:]
	}
	at, err := calendar.ParseLocal("2006-01-02 15:04", wall, loc)
	if amb, ok := err.(*calendar.AmbiguousError); ok {
		for _, x := range []time.Time{amb.First, amb.Second} {
			if z, _ := x.Zone(); z == abbr {
				return x
			}
		}
	}
	if err != nil || abbr != "" {
		t.Fatalf("%s in %s: %v %v", s, loc, at, err)
	}
	return at
}

// TestCountersOfADayWithoutMidnight: Santiago's clocks skip midnight on
// 2026-09-06 (23:59:59, then 01:00). The write-time counters of 09-05
// and 09-06 are each in their own day's period, from and to read as the
// admin reads dates (calendar.ParseDay, NextDayStart): 09-06's counter,
// dated at 23:00 of 09-05 by time.Date, was in a period ending on 09-05.
func TestCountersOfADayWithoutMidnight(t *testing.T) {
	scl, err := time.LoadLocation("America/Santiago")
	if err != nil {
		t.Fatal(err)
	}
	m := newMonth(t)
	m.q.Calendar = calendar.Calendar{Loc: scl}
	m.mql("late", time.Date(2026, 9, 6, 3, 30, 0, 0, time.UTC))  // 09-05 23:30 -04
	m.mql("early", time.Date(2026, 9, 6, 4, 30, 0, 0, time.UTC)) // 09-06 01:30 -03
	m.clk.Set(time.Date(2026, 9, 10, 12, 0, 0, 0, time.UTC))
	for _, c := range []struct {
		from, to string
		want     int64
	}{{"2026-09-05", "2026-09-05", 1}, {"2026-09-06", "2026-09-06", 1}, {"2026-09-01", "2026-09-05", 1}, {"2026-09-06", "2026-09-30", 1}, {"2026-09-01", "2026-09-30", 2}} {
		from, err := calendar.ParseDay(c.from, scl)
		if err != nil {
			t.Fatal(err)
		}
		to, err := calendar.ParseDay(c.to, scl)
		if err != nil {
			t.Fatal(err)
		}
		ctrs, err := reports.FunnelCounters(context.Background(), m.tb, reports.Filter{From: from, To: calendar.NextDayStart(to, scl), Loc: scl})
		if err != nil {
			t.Fatal(err)
		}
		if got := ctrs["(all)"][qualify.StageMQL]; got != c.want {
			t.Errorf("%s to %s: %d MQLs, want %d", c.from, c.to, got, c.want)
		}
	}
}
