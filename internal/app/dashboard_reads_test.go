package app_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/reports"
	"github.com/baton-hq/baton/internal/testutil/lambdatest"
)

// TestDashboardReadsTheSweepsFigures: after the sweep, a dashboard load
// reads a few items, not every scored person's facts (at 100,000 people a
// load read 310,001 items, 3-6 s on the embedded store), and shows the
// same page the live computation does, said "as of" the sweep's build
// (in Japanese too); a period picked is computed live.
func TestDashboardReadsTheSweepsFigures(t *testing.T) {
	defer func(n int) { reports.SnapshotFrom = n }(reports.SnapshotFrom)
	reports.SnapshotFrom = 100
	a, clk := lambdatest.NewAppClock(t)
	ctx := context.Background()
	const people = 300
	scorePeople(t, a, people, 8, "dash", func(i int, vis string) ([]event.Event, identity.Identification) {
		at := lambdatest.T0.Add(time.Duration(i) * time.Minute)
		return []event.Event{{ID: fmt.Sprintf("dash-%04d", i), VisitorID: vis, Type: event.PageView, Timestamp: at, ReceivedAt: at,
			URL: fmt.Sprintf("https://www.example.com/lp?utm_source=src%d&utm_medium=cpc&utm_campaign=camp%d", i%3, i%4)}}, identity.Identification{At: at}
	})
	clk.Advance(6 * time.Hour)
	if _, err := a.Sweep(ctx); err != nil {
		t.Fatal(err)
	}

	get := countedAdmin(t, a, clk)
	asOf := regexp.MustCompile(`<p class="small muted as-of">[^<]*</p>\n`)
	builtAt := clk.Now().In(a.Cal.Location()).Format("15:04")
	for _, by := range reports.Groupings {
		path := "/admin/?lang=en&model=linear&by=" + by
		body, c := get(path)
		t.Logf("%s: %d items read in %d calls", path, c.Items, c.Calls)
		if c.Items >= people || c.Scans != 0 {
			t.Errorf("a dashboard load (%s) reads %+v: as many as there are people", path, c)
		}
		if want := "as of " + builtAt; !strings.Contains(body, want) {
			t.Errorf("%s does not say %q", path, want)
		}
		reports.SnapshotFrom = 1 << 30 // computed live
		live, c := get(path)
		reports.SnapshotFrom = 100
		if c.Items < people {
			t.Fatalf("the live load read %d items: not everyone's facts", c.Items)
		}
		if asOf.MatchString(live) {
			t.Errorf("the live page says its figures are as of a build")
		}
		if got := asOf.ReplaceAllString(body, ""); got != live {
			gl, ll := strings.Split(got, "\n"), strings.Split(live, "\n")
			for i := range min(len(gl), len(ll)) {
				if gl[i] != ll[i] {
					t.Errorf("%s from the snapshot is not the live page: line %d\n%s\nlive:\n%s", path, i+1, gl[i], ll[i])
					break
				}
			}
		}
	}
	if body, _ := get("/admin/?lang=ja"); !strings.Contains(body, "集計 "+builtAt+" 時点") {
		t.Errorf("the Japanese dashboard does not say 集計 %s 時点", builtAt)
	}
	// A period picked: not the snapshot's figures, those of the period.
	if body, c := get("/admin/?lang=en&from=2026-01-01"); asOf.MatchString(body) || c.Items < people {
		t.Errorf("a period picked read %d items and said it was as of the build", c.Items)
	}
}

// TestErasureDropsTheDashboardSnapshot: the snapshot counts no lead by
// name, but the reasons sales gave are their own words and may name one:
// an erasure deletes it (the dashboard computes live until the sweep
// builds it again), rather than leaving it up to the next build.
func TestErasureDropsTheDashboardSnapshot(t *testing.T) {
	defer func(n int) { reports.SnapshotFrom = n }(reports.SnapshotFrom)
	reports.SnapshotFrom = 1
	a, clk := lambdatest.NewAppClock(t)
	ctx := context.Background()
	scorePeople(t, a, 2, 1, "erase", func(i int, vis string) ([]event.Event, identity.Identification) {
		at := lambdatest.T0.Add(time.Duration(i) * time.Minute)
		return []event.Event{{ID: fmt.Sprintf("erase-%d", i), VisitorID: vis, Type: event.PageView, Timestamp: at, ReceivedAt: at, URL: "https://www.example.com/"}}, identity.Identification{At: at}
	})
	erased, err := a.Stitcher.Dir.ByEmail(ctx, "erase0001@maker.example")
	if err != nil {
		t.Fatal(err)
	}
	person := erased.ID
	clk.Advance(time.Hour)
	if _, err := a.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := reports.ReadSnapshot(ctx, a.Table); !ok || err != nil {
		t.Fatalf("the sweep built no snapshot: %v", err)
	}
	if _, err := a.Eraser.Erase(ctx, person); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := reports.ReadSnapshot(ctx, a.Table); ok || err != nil {
		t.Errorf("the dashboard's snapshot outlived an erasure (%v)", err)
	}
}
