package qualify_test

import (
	"context"
	"fmt"
	"path/filepath"
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

// plainEngine is an engine without a replay of its own (no Open): Simulate
// replays it through the Engine interface.
type plainEngine struct{ qualify.Engine }

// TestSimulateCountsMatchedEvents: a simulation carries the events each
// behaviour rule matched: from a replay that counts them (rulebook's, a
// capped event included, a rule that matched none at 0), else the rules
// that gave points.
func TestSimulateCountsMatchedEvents(t *testing.T) {
	ctx := context.Background()
	rules, err := rulebook.Parse("rules.yaml", []byte("name: m\nbehaviour:\n  - {name: pricing, url: \"/pricing*\", points: 10, cap_per_day: 10}\n  - {name: careers, url: \"/careers*\", points: -10}\nmql: [{name: hot, min_behaviour: 40}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	clk := clock.NewManual(at.Add(time.Hour))
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	log := &eventlog.Log{T: tb, Now: clk.Now}
	dir := &identity.Directory{T: tb, Now: clk.Now}
	engine := &rulebook.Engine{R: rules}
	q := &qualify.Qualifier{T: tb, Dir: dir, Log: log, Engine: engine, Now: clk.Now}
	var evs []event.Event
	for i := range 3 {
		ts := at.Add(time.Duration(i) * time.Minute)
		evs = append(evs, event.Event{ID: fmt.Sprintf("m%d", i), Type: event.PageView, VisitorID: "v", URL: "https://www.example.com/pricing", Timestamp: ts, ReceivedAt: ts})
	}
	if _, err := log.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	p, _, err := (&identity.Stitcher{Dir: dir, Log: log}).Identify(ctx, identity.Identification{Visitor: "v", Email: "m@maker.example", Strength: identity.Strong, At: at})
	if err != nil {
		t.Fatal(err)
	}
	_, sims, err := q.Simulate(ctx, p.ID, engine, plainEngine{engine})
	if err != nil {
		t.Fatal(err)
	}
	if m := sims[0].Matched; len(m) != 2 || m["pricing"] != 3 || m["careers"] != 0 {
		t.Errorf("rulebook's replay: matched %v; want pricing 3 (two past its cap), careers 0", m)
	}
	if m := sims[1].Matched; len(m) != 1 || m["pricing"] != 1 {
		t.Errorf("an engine without a replay: matched %v; want pricing 1 (the event that gave points)", m)
	}
}
