package lab

import (
	"context"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// TestPagedWindowIsTheStores: a page of a simulation (?after=) gives the
// whole store's history window and weekly load, whoever its people are:
// two people, one since September 1 and one since November 24; each page
// of one person says the window from September 1.
func TestPagedWindowIsTheStores(t *testing.T) {
	ctx := context.Background()
	rules, err := rulebook.Parse("rules.yaml", []byte("name: t\nbehaviour:\n  - name: pages\n    type: page_view\n    points: 5\ngrades:\n  A: 50\nmql:\n  - name: hot\n    min_behaviour: 40\n"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	clk := clock.NewManual(now)
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	log := &eventlog.Log{T: tb, Now: clk.Now}
	dir := &identity.Directory{T: tb, Now: clk.Now}
	st := &identity.Stitcher{Dir: dir, Log: log}
	engine := &rulebook.Engine{R: rules}
	q := &qualify.Qualifier{T: tb, Dir: dir, Log: log, Engine: engine, Now: clk.Now}
	early := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	var ids []string
	for i, since := range []time.Time{early, time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)} {
		vid := []string{"v-early", "v-late"}[i]
		ev := event.Event{ID: "e-" + vid, Type: event.PageView, VisitorID: vid, URL: "https://www.example.com/?utm_source=google&utm_medium=cpc", UTM: event.UTM{Source: "google", Medium: "cpc"}, Timestamp: since, ReceivedAt: since}
		if _, err := log.Append(ctx, []event.Event{ev}); err != nil {
			t.Fatal(err)
		}
		p, _, err := st.Identify(ctx, identity.Identification{Visitor: vid, Email: vid + "@maker.example", Strength: identity.Strong, At: since})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Process(ctx, []event.Event{ev}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	sort.Strings(ids)
	l := &Lab{T: tb, Q: q, Rules: rules, Now: clk.Now}
	for _, after := range []string{"", ids[0]} {
		rep, err := l.Simulate(ctx, rules, Options{After: after, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if !rep.WindowFrom.Equal(early) || rep.Weeks != 13 {
			t.Errorf("the page after %q: window from %v, %v weeks; want the store's, from %v, 13 weeks", after, rep.WindowFrom, rep.Weeks, early)
		}
	}
}
