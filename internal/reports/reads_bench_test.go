package reports_test

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/reports"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/table/tablecount"
)

var benchEvents = flag.String("report-events", "10000,1000000", "comma-separated event counts for BenchmarkReportReads (issue 17: 10k and 1M)")

const benchPeople = 1000

// BenchmarkReportReads builds a history of benchPeople people and N scored
// events on the embedded store, through the real score path (shipped
// rules, custom events that each score), and counts the items every report
// read touches through a counting table. The people stay the same, the
// events grow: a read that grows with them is reading per-event items.
func BenchmarkReportReads(b *testing.B) {
	var sizes []int
	for _, s := range splitComma(*benchEvents) {
		var n int
		if _, err := fmt.Sscan(s, &n); err != nil || n < benchPeople {
			b.Fatalf("-report-events: %q", s)
		}
		sizes = append(sizes, n)
	}
	perLoad := map[int]int64{}
	for _, n := range sizes {
		// Built once per size: b.Run calls the function again for each b.N.
		start := clock.Now()
		ct, clk := buildHistory(b, n)
		b.Logf("%d events of %d people scored and stored in %v", n, benchPeople, clock.Now().Sub(start).Round(time.Second))
		logged := false
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			ctx := context.Background()
			cal := calendar.Calendar{}
			load := func() error { _, err := reports.Load(ctx, ct); return err }
			reads := []struct {
				name string
				fn   func() error
			}{
				{"load before the index is complete (a pass over the people)", load},
				{"index people scored before the index (the sweep's, once)", func() error {
					n, err := qualify.IndexScoredPeople(ctx, ct)
					if err == nil && n != 0 {
						err = fmt.Errorf("indexed %d people: the score path missed them", n)
					}
					return err
				}},
				{"load (funnel, attribution, sla, quality, revenue, reps)", load},
				{"funnel counters", func() error { _, err := reports.FunnelCounters(ctx, ct, reports.Filter{}); return err }},
				{"kpi", func() error {
					_, err := reports.KPIs(ctx, ct, map[string]int{"lead": 1, "mql": 1}, cal, clk.Now(), clk.Now())
					return err
				}},
			}
			for _, r := range reads {
				if logged {
					break
				}
				ct.Reset()
				if err := r.fn(); err != nil {
					b.Fatal(err)
				}
				c := ct.Counts()
				fmt.Printf("report reads, %7d events, %d people: %-60s %9d items read in %d calls (%d scans)\n", n, benchPeople, r.name, c.Items, c.Calls, c.Scans)
			}
			logged = true
			ct.Reset()
			b.ResetTimer()
			for range b.N {
				if _, err := reports.Load(ctx, ct); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			perLoad[n] = ct.Counts().Items / int64(b.N)
			b.ReportMetric(float64(perLoad[n]), "items/load")
		})
	}
	line := "report reads: items per load"
	for _, n := range sizes {
		line += fmt.Sprintf(", %d events: %d", n, perLoad[n])
	}
	verdict := "met"
	for _, n := range sizes {
		if perLoad[n] != perLoad[sizes[0]] {
			verdict = "NOT met"
		}
	}
	fmt.Printf("%s (target: the same for every event count; %s)\n", line, verdict)
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}

// buildHistory scores n events of benchPeople identified people, spread
// over days, through eventlog and qualify as the change feed would.
func buildHistory(b *testing.B, n int) (*tablecount.Table, *clock.Manual) {
	b.Helper()
	t0 := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	clk := clock.NewManual(t0)
	bt, err := bolttable.Open(filepath.Join(b.TempDir(), "reads.db"), bolttable.WithClock(clk.Now))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { bt.Close() })
	ct := tablecount.New(bt)
	rules, err := rulebook.Load("../../infra/rules.yaml")
	if err != nil {
		b.Fatal(err)
	}
	var tb table.Table = bt
	log := &eventlog.Log{T: tb}
	dir := &identity.Directory{T: tb, Now: clk.Now}
	st := &identity.Stitcher{Dir: dir, Log: log}
	q := &qualify.Qualifier{T: tb, Dir: dir, Log: log, Engine: &rulebook.Engine{R: rules}, Now: clk.Now}
	ctx := context.Background()
	per := n / benchPeople
	span := 60 * 24 * time.Hour // the events of each person spread over 60 days
	for i := range benchPeople {
		vis := fmt.Sprintf("bench-visitor-%05d", i)
		if _, _, err := st.Identify(ctx, identity.Identification{Visitor: vis, Email: fmt.Sprintf("p%05d@maker.example", i), At: t0, Strength: identity.Strong}); err != nil {
			b.Fatal(err)
		}
		evs := make([]event.Event, per)
		for j := range evs {
			at := t0.Add(time.Duration(j) * span / time.Duration(per))
			evs[j] = event.Event{ID: fmt.Sprintf("e-%05d-%07d", i, j), Type: event.Custom, Name: "video_played", VisitorID: vis, URL: "https://www.example.com/demo", Timestamp: at, ReceivedAt: at}
		}
		for start := 0; start < len(evs); start += 500 {
			if _, err := log.Append(ctx, evs[start:min(start+500, len(evs))]); err != nil {
				b.Fatal(err)
			}
		}
		clk.Set(t0.Add(span))
		if err := q.Process(ctx, evs); err != nil {
			b.Fatal(err)
		}
	}
	return ct, clk
}
