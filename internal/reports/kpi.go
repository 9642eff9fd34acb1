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
	Stage  string  `json:"stage"`
	Target int     `json:"target"`
	Actual int64   `json:"actual"` // people who entered the stage this month
	Share  float64 `json:"share"`  // actual / target
	// RunRate is the month's projected end: actual / the elapsed share of
	// the month's working time.
	RunRate      float64 `json:"runRate"`
	RunRateShare float64 `json:"runRateShare"` // run rate / target
	OnTrack      bool    `json:"onTrack"`      // the run rate reaches the target
}

// KPIReport is one month's targets against actuals.
type KPIReport struct {
	Month   string   `json:"month"`   // YYYY-MM in the calendar's zone
	Elapsed float64  `json:"elapsed"` // share of the month's working time gone (1 for a past month)
	Rows    []KPIRow `json:"rows"`
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
	start, end := MonthOf(cal, month)
	label := start.Format("2006-01")
	rep := KPIReport{Month: label, Elapsed: round(Elapsed(cal, start, end, now)), Rows: []KPIRow{}}
	if len(targets) == 0 {
		return rep, nil
	}
	days, err := qualify.FunnelDays(ctx, t)
	if err != nil {
		return rep, err
	}
	actual := map[string]int64{}
	for _, d := range days {
		// Counter days are the calendar zone's dates, as written.
		if !strings.HasPrefix(d.Day.Format("2006-01-02"), label+"-") {
			continue
		}
		for stage, n := range d.Counters {
			actual[stage] += n
		}
	}
	elapsed := Elapsed(cal, start, end, now)
	for _, s := range Stages {
		target, ok := targets[s]
		if !ok {
			continue
		}
		r := KPIRow{Stage: s, Target: target, Actual: actual[s]}
		if elapsed > 0 {
			r.RunRate = round(float64(r.Actual) / elapsed)
		}
		if target > 0 {
			r.Share = round(float64(r.Actual) / float64(target))
			r.RunRateShare = round(r.RunRate / float64(target))
		}
		r.OnTrack = r.RunRate >= float64(target)
		rep.Rows = append(rep.Rows, r)
	}
	return rep, nil
}
