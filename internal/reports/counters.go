package reports

import (
	"context"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/table"
)

// FunnelCounters reads the funnel's write-time counters (ADD on aggregate
// items, in the same transaction as each stage change) for the filter's
// days: channel -> stage -> people who entered it. "(all)" sums the channels.
func FunnelCounters(ctx context.Context, t table.Table, f Filter) (map[string]map[string]int64, error) {
	days, err := qualify.FunnelDays(ctx, t)
	if err != nil {
		return nil, err
	}
	loc := f.Loc
	if loc == nil {
		loc = time.UTC
	}
	out := map[string]map[string]int64{"(all)": {}}
	for _, fd := range days {
		// A counter's day is a date of the configured zone (the one the
		// period's dates are read in), not a UTC day.
		d, channel := calendar.DayStart(fd.Day.Year(), fd.Day.Month(), fd.Day.Day(), loc), fd.Channel
		// Counters are by day: a day is in when it overlaps the period.
		if (!f.To.IsZero() && !d.Before(f.To)) || (!f.From.IsZero() && !calendar.NextDayStart(d, loc).After(f.From)) {
			continue
		}
		if f.Channel != "" && channel != f.Channel {
			continue
		}
		if out[channel] == nil {
			out[channel] = map[string]int64{}
		}
		for stage, n := range fd.Counters {
			out[channel][stage] += n
			out["(all)"][stage] += n
		}
	}
	return out, nil
}
