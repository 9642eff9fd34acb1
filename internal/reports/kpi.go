package reports

import (
	"context"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/table"
)

// KPIRow is one stage's month against its target.
type KPIRow struct {
	Stage  string `json:"stage"`
	Target int    `json:"target"`
	Actual int64  `json:"actual"` // people who entered the stage this month
	Share  Figure `json:"share"`  // actual / target; not measured (null) with a target of 0
	// RunRate is the month's projected end: actual / the elapsed share of
	// the month's working time; not measured (null) before the month began.
	RunRate      Figure `json:"runRate"`
	RunRateShare Figure `json:"runRateShare"` // run rate / target: null without either
	OnTrack      bool   `json:"onTrack"`      // the run rate reaches the target
}

// KPIReport is one month's targets against actuals.
type KPIReport struct {
	Month string `json:"month"` // YYYY-MM in the calendar's zone
	// From and To are the month's first and last days (YYYY-MM-DD, the
	// calendar's zone): the period its actuals cover.
	From    string   `json:"from"`
	To      string   `json:"to"`
	Elapsed float64  `json:"elapsed"` // share of the month's working time gone (1 for a past month), rounded to 0.001
	Rows    []KPIRow `json:"rows"`
	// ElapsedExact is Elapsed unrounded: a page rounds it once, to its own
	// precision (rounding the rounded figure again can say 14% of 13.496%).
	ElapsedExact float64 `json:"-"`
}

// MonthOf is the calendar month holding t: its start and the next's.
func MonthOf(cal calendar.Calendar, t time.Time) (time.Time, time.Time) {
	t = t.In(cal.Location())
	start := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, cal.Location())
	return start, start.AddDate(0, 1, 0)
}

// Elapsed is the share of [start, end)'s working time before now, on the
// calendar's working days and hours (the SLA's business_time aside: a
// month's run rate is always judged in working time); wall time when the
// month has no working time at all.
func Elapsed(cal calendar.Calendar, start, end, now time.Time) float64 {
	switch {
	case !now.After(start):
		return 0
	case !now.Before(end):
		return 1
	}
	bc := cal
	bc.Business = true
	if total := bc.Between(start, end); total > 0 {
		return float64(bc.Between(start, now)) / float64(total)
	}
	return float64(now.Sub(start)) / float64(end.Sub(start))
}

// KPIs reads the month's actuals from the funnel's write-time counters
// (one item per day and channel: what it reads does not grow with events)
// and sets them against the monthly targets, stages in funnel order.
func KPIs(ctx context.Context, t table.Table, targets map[string]int, cal calendar.Calendar, month time.Time, now time.Time) (KPIReport, error) {
	reps, err := KPIMonths(ctx, t, targets, cal, month, month, now)
	if err != nil {
		return KPIReport{}, err
	}
	return reps[0], nil
}

// MaxKPIMonths bounds the months one KPIMonths call reports.
const MaxKPIMonths = 24

// MonthsSpanned is how many calendar months run from the one holding
// first to the one holding last (1 for the same month; 0 when last is
// before first's month).
func MonthsSpanned(cal calendar.Calendar, first, last time.Time) int {
	a, _ := MonthOf(cal, first)
	b, _ := MonthOf(cal, last)
	n := (b.Year()-a.Year())*12 + int(b.Month()-a.Month()) + 1
	return max(n, 0)
}

// KPIMonths is KPIs for each month from the one holding first to the one
// holding last (at most the last MaxKPIMonths of them: MonthsSpanned says
// whether some were left out), oldest first.
func KPIMonths(ctx context.Context, t table.Table, targets map[string]int, cal calendar.Calendar, first, last time.Time, now time.Time) ([]KPIReport, error) {
	if early := last.AddDate(0, -MaxKPIMonths, 0); first.Before(early) {
		first = early
	}
	var reps []KPIReport
	for m, _ := MonthOf(cal, first); !m.After(last); m = m.AddDate(0, 1, 0) {
		start, end := MonthOf(cal, m)
		elapsed := Elapsed(cal, start, end, now)
		reps = append(reps, KPIReport{Month: start.Format("2006-01"), From: start.Format("2006-01-02"), To: end.AddDate(0, 0, -1).Format("2006-01-02"),
			Elapsed: round(elapsed), ElapsedExact: elapsed, Rows: []KPIRow{}})
	}
	if len(reps) > MaxKPIMonths {
		reps = reps[len(reps)-MaxKPIMonths:]
	}
	if len(targets) == 0 {
		return reps, nil
	}
	days, err := qualify.FunnelDays(ctx, t)
	if err != nil {
		return reps, err
	}
	for i := range reps {
		rep := &reps[i]
		actual := map[string]int64{}
		for _, d := range days {
			// Counter days are the calendar zone's dates, as written.
			if !strings.HasPrefix(d.Day.Format("2006-01-02"), rep.Month+"-") {
				continue
			}
			for stage, n := range d.Counters {
				actual[stage] += n
			}
		}
		for _, s := range Stages {
			target, ok := targets[s]
			if !ok {
				continue
			}
			r := KPIRow{Stage: s, Target: target, Actual: actual[s]}
			// Each figure from the unrounded ones, rounded once.
			var runRate float64
			if rep.ElapsedExact > 0 {
				runRate = float64(r.Actual) / rep.ElapsedExact
				r.RunRate = Measured(round(runRate))
			}
			if target > 0 {
				r.Share = Measured(round(float64(r.Actual) / float64(target)))
				if r.RunRate.Valid() {
					r.RunRateShare = Measured(round(runRate / float64(target)))
				}
			}
			r.OnTrack = runRate >= float64(target)
			rep.Rows = append(rep.Rows, r)
		}
	}
	return reps, nil
}
