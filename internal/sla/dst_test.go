package sla_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/reports"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/sla"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// TestOneBusinessDayAcrossAClockChange: a New York team (and a London
// one) configured as the README says, one business day to answer, 09:00
// to 17:00 on weekdays, their own holidays listed as dates or computed
// (us, england). An MQL delivered on Friday at 16:00 before the weekend
// the clocks change is in time on Monday at 16:00 (one hour on Friday,
// seven on Monday: no hour gained or lost on the Sunday) and announced
// at 16:01, once; one delivered before Thanksgiving waits over the
// holiday. The SLA report says the same of the Monday.
func TestOneBusinessDayAcrossAClockChange(t *testing.T) {
	for _, c := range []struct {
		name, yaml      string
		zone            string
		delivered, next string // local times: the delivery, and the end of one business day
	}{
		{"new york, fall back", "timezone: America/New_York\nsla: {accept_within: 1bd, business_time: true}\ncalendar: {hours: \"09:00-17:00\", holidays: [2026-11-26, 2026-12-25]}\n",
			"America/New_York", "2026-10-30 16:00", "2026-11-02 16:00"},
		{"new york, spring forward", "timezone: America/New_York\nsla: {accept_within: 1bd, business_time: true}\ncalendar: {hours: \"09:00-17:00\", holidays: [2026-11-26]}\n",
			"America/New_York", "2026-03-06 16:00", "2026-03-09 16:00"},
		{"new york, thanksgiving", "timezone: America/New_York\nsla: {accept_within: 1bd, business_time: true}\ncalendar: {hours: \"09:00-17:00\", holidays: [2026-11-26, 2026-11-27]}\n",
			"America/New_York", "2026-11-25 16:00", "2026-11-30 16:00"},
		{"london, fall back", "timezone: Europe/London\nsla: {accept_within: 1bd, business_time: true}\ncalendar: {hours: \"09:00-17:00\", holidays: [\"12-25..12-26\", 2026-12-28]}\n",
			"Europe/London", "2026-10-23 16:00", "2026-10-26 16:00"},
		{"new york, computed us holidays", "timezone: America/New_York\nsla: {accept_within: 1bd, business_time: true}\ncalendar: {hours: \"09:00-17:00\", holidays: [us, 2026-11-27]}\n",
			"America/New_York", "2026-11-25 16:00", "2026-11-30 16:00"},
		{"new york, independence day observed on friday", "timezone: America/New_York\nsla: {accept_within: 1bd, business_time: true}\ncalendar: {hours: \"09:00-17:00\", holidays: [US]}\n",
			"America/New_York", "2026-07-02 16:00", "2026-07-06 16:00"},
		{"london, computed bank holidays at christmas", "timezone: Europe/London\nsla: {accept_within: 1bd, business_time: true}\ncalendar: {hours: \"09:00-17:00\", holidays: [england]}\n",
			"Europe/London", "2026-12-24 16:00", "2026-12-29 16:00"},
		{"london, computed easter", "timezone: Europe/London\nsla: {accept_within: 1bd, business_time: true}\ncalendar: {hours: \"09:00-17:00\", holidays: [england]}\n",
			"Europe/London", "2026-04-02 16:00", "2026-04-07 16:00"},
		{"london, spring forward", "timezone: Europe/London\nsla: {accept_within: 1bd, business_time: true}\ncalendar: {hours: \"09:00-17:00\"}\n",
			"Europe/London", "2026-03-27 16:00", "2026-03-30 16:00"},
		// A business day of the whole day is the calendar day, 23 hours on
		// the day the clocks go forward and 25 on the day they go back:
		// it was 24 hours of either, an hour late (or early) on the clock.
		{"new york, whole days, spring forward", "timezone: America/New_York\nsla: {accept_within: 1bd, business_time: true}\ncalendar: {hours: \"00:00-24:00\", working_days: [mon, tue, wed, thu, fri, sat, sun]}\n",
			"America/New_York", "2026-03-07 16:00", "2026-03-08 16:00"},
		{"new york, whole days, fall back", "timezone: America/New_York\nsla: {accept_within: 1bd, business_time: true}\ncalendar: {hours: \"00:00-24:00\", working_days: [mon, tue, wed, thu, fri, sat, sun]}\n",
			"America/New_York", "2026-10-31 16:00", "2026-11-01 16:00"},
		{"london, whole weekdays, fall back over the weekend", "timezone: Europe/London\nsla: {accept_within: 2bd, business_time: true}\ncalendar: {hours: \"00:00-24:00\", working_days: [fri, sat, sun, mon]}\n",
			"Europe/London", "2026-10-24 16:00", "2026-10-26 16:00"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var file config.File
			if err := config.ParseFile([]byte(c.yaml), &file); err != nil {
				t.Fatal(err)
			}
			cal, err := file.Cal()
			if err != nil {
				t.Fatal(err)
			}
			within := file.AcceptWithin(cal)
			if day := cal.End - cal.Start; within%day != 0 || !strings.HasSuffix(cal.Describe(within), " business day"+map[bool]string{true: "", false: "s"}[within == day]) {
				t.Fatalf("accept_within is %v (%s)", within, cal.Describe(within))
			}
			loc, _ := time.LoadLocation(c.zone)
			at := func(s string) time.Time {
				v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
				if err != nil {
					t.Fatal(err)
				}
				return v
			}
			delivered, next := at(c.delivered), at(c.next)
			ctx := context.Background()
			clk := clock.NewManual(delivered)
			tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithClock(clk.Now))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { tb.Close() })
			rules, err := rulebook.Load("../../infra/rules.yaml")
			if err != nil {
				t.Fatal(err)
			}
			log := &eventlog.Log{T: tb}
			dir := &identity.Directory{T: tb, Now: clk.Now}
			st := &identity.Stitcher{Dir: dir, Log: log}
			q := &qualify.Qualifier{T: tb, Dir: dir, Log: log, Engine: &rulebook.Engine{R: rules}, Now: clk.Now, Calendar: cal}
			evs := []event.Event{
				{ID: "a", Type: event.Download, VisitorID: "v", URL: "https://www.example.com/a.pdf", Timestamp: delivered},
				{ID: "b", Type: event.FormSubmit, VisitorID: "v", Timestamp: delivered, Properties: map[string]any{"form": map[string]any{"id": "contact"}}},
			}
			if _, err := log.Append(ctx, evs); err != nil {
				t.Fatal(err)
			}
			if _, _, err := st.Identify(ctx, identity.Identification{Visitor: "v", Email: "lead@example.com", Strength: identity.Strong, Fields: map[string]string{"title": "Director", "employees": "500"}}); err != nil {
				t.Fatal(err)
			}
			if err := q.Process(ctx, evs); err != nil {
				t.Fatal(err)
			}
			ms, err := q.MQLsSince(ctx, delivered.Add(-time.Hour))
			if err != nil || len(ms) != 1 {
				t.Fatalf("MQLs %+v %v", ms, err)
			}
			w := &push.Worker{T: tb, Dir: dir, Stitcher: st, Now: clk.Now, Connectors: []push.Connector{&receiver{}}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
			if res := w.Deliver(ctx, ms[0]); !res.Done {
				t.Fatalf("delivery %+v", res)
			}
			sw := &sla.Sweeper{Q: q, Now: clk.Now,
				Delivered: func(ctx context.Context, id string) (time.Time, bool, error) { return push.FirstDelivery(ctx, tb, id) },
				Between: func(ctx context.Context, from, to time.Time) (map[string]time.Time, error) {
					return push.FirstDeliveredBetween(ctx, tb, from, to)
				}}
			sweep := func(when time.Time) []sla.Breach {
				t.Helper()
				clk.Set(when)
				bs, err := sw.Sweep(ctx, within, 90*24*time.Hour, nil)
				if err != nil {
					t.Fatal(err)
				}
				return bs
			}
			open := func() int {
				t.Helper()
				people, err := reports.Load(ctx, tb)
				if err != nil {
					t.Fatal(err)
				}
				rows, err := reports.SLAOf(ctx, people, reports.Filter{Loc: loc}, within, cal, clk.Now(), sw.Delivered, sw.Between, nil)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range rows {
					if r.Owner == "(all)" {
						return r.OpenBreaches
					}
				}
				return 0
			}
			if bs := sweep(next); len(bs) != 0 || open() != 0 {
				t.Fatalf("at %s, one business day after %s: breaches %+v", next.Format(time.RFC3339), delivered.Format(time.RFC3339), bs)
			}
			bs := sweep(next.Add(time.Minute))
			if len(bs) != 1 || bs[0].Age != within+time.Minute || open() != 1 {
				t.Fatalf("a minute past the business days (%s): breaches %+v, want one of %v", next.Add(time.Minute).Format(time.RFC3339), bs, within+time.Minute)
			}
			if bs := sweep(next.Add(time.Hour)); len(bs) != 0 {
				t.Fatalf("announced twice: %+v", bs)
			}
		})
	}
}
