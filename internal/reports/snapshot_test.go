package reports_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/reports"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// onBoth runs test on the embedded store and on DynamoDB (moto's), each
// on the injected clock.
func onBoth(t *testing.T, test func(t *testing.T, tb table.Table, clk *clock.Manual)) {
	t.Run("bbolt", func(t *testing.T) {
		clk := clock.NewManual(time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC))
		tb, err := bolttable.Open(filepath.Join(t.TempDir(), "s.db"), bolttable.WithClock(clk.Now))
		if err != nil {
			t.Fatal(err)
		}
		defer tb.Close()
		test(t, tb, clk)
	})
	t.Run("dynamodb", func(t *testing.T) {
		clk := clock.NewManual(time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC))
		test(t, moto.NewTable(t, dynamotable.WithClock(clk.Now)), clk)
	})
}

func tokyo(t *testing.T) calendar.Calendar {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	return calendar.Calendar{Loc: loc}
}

func asJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSnapshotIsTheLiveFigures: the dashboard's snapshot, stored and read
// back, holds for each grouping the funnel and MQL attribution, and the
// MQL quality and SLA, that the reports compute live from the same
// people's facts (the month of rejections, take-backs, deals and a second
// cycle).
func TestSnapshotIsTheLiveFigures(t *testing.T) {
	onBoth(t, func(t *testing.T, tb table.Table, clk *clock.Manual) {
		ctx := context.Background()
		m := fillMonth(newMonthOn(t, tb, clk))
		in := reports.SLAInputs{Within: 8 * time.Hour, Calendar: tokyo(t)}
		now := clk.Now()
		if _, ok, err := reports.ReadSnapshot(ctx, tb); ok || err != nil {
			t.Fatalf("a snapshot before any was built: %v %v", ok, err)
		}
		if err := reports.BuildSnapshot(ctx, tb, in, now); err != nil {
			t.Fatal(err)
		}
		s, ok, err := reports.ReadSnapshot(ctx, tb)
		if err != nil || !ok {
			t.Fatalf("no snapshot read back: %v %v", ok, err)
		}
		people, err := reports.Load(ctx, m.tb)
		if err != nil {
			t.Fatal(err)
		}
		if s.People != len(people) || len(people) != 7 || !s.At.Equal(now) {
			t.Fatalf("snapshot of %d people at %v; want %d at %v", s.People, s.At, len(people), now)
		}
		// Counts, not people: nothing for an erasure to take out.
		stored := asJSON(t, s)
		for who, id := range m.ids {
			if strings.Contains(stored, id) || strings.Contains(stored, who+"@example.com") {
				t.Errorf("the snapshot names %s (%s)", who, id)
			}
		}
		loc := in.Calendar.Location()
		for _, by := range reports.Groupings {
			f := reports.Filter{By: by, Loc: loc}
			g, ok := s.By[by]
			if !ok {
				t.Fatalf("no figures grouped by %s", by)
			}
			if got, want := asJSON(t, g.Funnel), asJSON(t, reports.Funnel(people, f)); got != want {
				t.Errorf("funnel by %s:\n%s\nlive:\n%s", by, got, want)
			}
			if got, want := asJSON(t, g.MQLCredit), asJSON(t, reports.Attribution(people, f)["mql"]); got != want {
				t.Errorf("MQL attribution by %s:\n%s\nlive:\n%s", by, got, want)
			}
		}
		f := reports.Filter{Loc: loc}
		if got, want := asJSON(t, s.Quality), asJSON(t, reports.Quality(people, f)); got != want || len(s.Quality) == 0 {
			t.Errorf("quality:\n%s\nlive:\n%s", got, want)
		}
		sla, err := reports.SLAOf(ctx, people, f, in.Within, in.Calendar, now, nil, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := asJSON(t, s.SLA), asJSON(t, sla); got != want || len(s.SLA) == 0 {
			t.Errorf("SLA:\n%s\nlive:\n%s", got, want)
		}
	})
}

// TestSnapshotBuiltAgainWhenStale: the sweep's step builds the snapshot
// when there is none, leaves it while younger than SnapshotMaxAge (an MQL
// raised meanwhile is in the next), and builds it again once it is as old.
func TestSnapshotBuiltAgainWhenStale(t *testing.T) {
	onBoth(t, func(t *testing.T, tb table.Table, clk *clock.Manual) {
		ctx := context.Background()
		m := newMonthOn(t, tb, clk)
		in := reports.SLAInputs{Within: 8 * time.Hour, Calendar: tokyo(t)}
		m.mql("a", m.day(1))
		mqls := func() int {
			s, ok, err := reports.ReadSnapshot(ctx, tb)
			if err != nil || !ok {
				t.Fatalf("no snapshot: %v %v", ok, err)
			}
			return s.By["channel"].Funnel[0].Counts["mql"]
		}
		t1 := m.day(1).Add(time.Hour)
		if built, err := reports.RefreshSnapshot(ctx, tb, in, t1, reports.SnapshotMaxAge); err != nil || !built {
			t.Fatalf("none built at first: %v %v", built, err)
		}
		if n := mqls(); n != 1 {
			t.Fatalf("%d MQLs in the first snapshot, want 1", n)
		}
		m.mql("b", t1.Add(time.Minute))
		if built, err := reports.RefreshSnapshot(ctx, tb, in, t1.Add(reports.SnapshotMaxAge-time.Second), reports.SnapshotMaxAge); err != nil || built {
			t.Fatalf("built again while young: %v %v", built, err)
		}
		if n := mqls(); n != 1 {
			t.Fatalf("%d MQLs in a snapshot not built again, want 1 (as of its build)", n)
		}
		t2 := t1.Add(reports.SnapshotMaxAge)
		if built, err := reports.RefreshSnapshot(ctx, tb, in, t2, reports.SnapshotMaxAge); err != nil || !built {
			t.Fatalf("not built again once stale: %v %v", built, err)
		}
		s, _, _ := reports.ReadSnapshot(ctx, tb)
		if n := mqls(); n != 2 || !s.At.Equal(t2) {
			t.Fatalf("rebuilt snapshot: %d MQLs at %v, want 2 at %v", n, s.At, t2)
		}
	})
}
