package qualify_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// TestSimulateJudgesBackdatedEventsWhenReceived: an exhibition's attendee
// list is imported days after the show (POST /admin/touches), its touches
// dated the show's day. Live scoring judged the person when it received
// them, their points decayed by then: no MQL. The lab's replay must judge
// them then too, or it counts an MQL live scoring never raised (and a
// candidate that drops the condition that did raise one moves nothing).
func TestSimulateJudgesBackdatedEventsWhenReceived(t *testing.T) {
	ctx := context.Background()
	show := time.Date(2026, 12, 1, 0, 0, 0, 0, jst)     // the show's day, as the list dates it
	imported := time.Date(2026, 12, 4, 6, 0, 0, 0, jst) // when the list was uploaded
	x := importExpo(t, show, imported, 0, "Japan IT Week", "製造業DX展")
	q, p, engine := x.q, x.person, x.engine
	rec, err := q.Record(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Stage != qualify.StageLead || rec.Verdict.Behaviour >= 40 {
		t.Fatalf("live scoring: stage %s, behaviour %g; want a lead below 40 (the points decayed before the list came)", rec.Stage, rec.Verdict.Behaviour)
	}
	_, sims, err := q.Simulate(ctx, p.ID, engine)
	if err != nil {
		t.Fatal(err)
	}
	if got := sims[0].MQLs; len(got) != 0 {
		t.Errorf("the replay under the rules in force raises %+v; live scoring, judging the list when it came, raised none", got)
	}
}

// TestOfflineImportMQLIsDatedByTheShow: a list imported three days after
// the show, its three touches enough to qualify the person even decayed
// by the import. The MQL is the show's (live and in the lab's replay),
// raised at the import: the month of the exhibition has its MQLs, as it
// has its leads, and sales' SLA starts when the import handed it to them.
func TestOfflineImportMQLIsDatedByTheShow(t *testing.T) {
	ctx := context.Background()
	show := time.Date(2026, 11, 30, 10, 0, 0, 0, jst)
	imported := time.Date(2026, 12, 3, 6, 0, 0, 0, jst)
	x := importExpo(t, show, imported, time.Hour, "booth", "seminar", "demo")
	q, p, engine, tb := x.q, x.person, x.engine, x.tb
	// 60 points, decayed to about 56 by the import: the third touch
	// (the first two, 37, were not enough) qualified them, on the show's day.
	third := show.Add(2 * time.Hour)
	ms, err := q.MQLs(ctx, p.ID)
	if err != nil || len(ms) != 1 || !ms[0].At.Equal(third) || !ms[0].RaisedAt.Equal(imported) {
		t.Fatalf("MQLs %+v %v; want one at %v, raised %v", ms, err, third, imported)
	}
	days, err := qualify.FunnelDays(ctx, tb)
	if err != nil {
		t.Fatal(err)
	}
	mqls := map[string]int64{}
	for _, d := range days {
		mqls[d.Day.Format("2006-01-02")] += d.Counters[qualify.StageMQL]
	}
	if mqls["2026-11-30"] != 1 || mqls["2026-12-03"] != 0 {
		t.Fatalf("funnel counters by day %v; want the MQL on the show's day", mqls)
	}
	_, sims, err := q.Simulate(ctx, p.ID, engine)
	if err != nil {
		t.Fatal(err)
	}
	if got := sims[0].MQLs; len(got) != 1 || !got[0].At.Equal(third) {
		t.Errorf("the replay's MQLs %+v; want one dated %v, as the stored one", got, third)
	}
}

var jst = time.FixedZone("JST", 9*3600)

// expoImport is a person whose exhibition touches were imported after the
// show, scored when they came, under a definition where two touches are
// 40 points undecayed.
type expoImport struct {
	q      *qualify.Qualifier
	engine *rulebook.Engine
	person identity.Person
	tb     *bolttable.Table
}

// importExpo stores and scores one touch per name, the first dated show
// and each next apart by spacing, as an import at imported makes them
// (internal/offline): the person since the show's day, the pseudo-visitor
// theirs from the start.
func importExpo(t *testing.T, show, imported time.Time, spacing time.Duration, names ...string) expoImport {
	t.Helper()
	ctx := context.Background()
	rules, err := rulebook.Parse("rules.yaml", []byte(`name: expo
decay:
  half_life: 30d
behaviour:
  - name: exhibition-booth
    type: offline
    points: 20
grades:
  A: 50
  B: 30
  C: 10
mql:
  - name: hot
    min_behaviour: 40
`))
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewManual(imported)
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	log := &eventlog.Log{T: tb, Now: clk.Now}
	dir := &identity.Directory{T: tb, Now: clk.Now}
	st := &identity.Stitcher{Dir: dir, Log: log}
	engine := &rulebook.Engine{R: rules, Loc: jst}
	q := &qualify.Qualifier{T: tb, Dir: dir, Log: log, Engine: engine, Now: clk.Now, Calendar: calendar.Calendar{Loc: jst}}
	p, _, err := dir.EnsureSince(ctx, "expo@maker.example", "offline:exhibition", nil, nil, show)
	if err != nil {
		t.Fatal(err)
	}
	var evs []event.Event
	for i, name := range names {
		evs = append(evs, event.Event{ID: "off-" + name, Type: event.Offline, VisitorID: "o:expo", UserID: p.ID,
			Timestamp: show.Add(time.Duration(i) * spacing), ReceivedAt: imported, Properties: map[string]any{"channel": "exhibition", "event": name}})
	}
	if _, err := log.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	if _, err := st.LinkPerson(ctx, "o:expo", p.ID, time.Time{}, identity.Strong); err != nil {
		t.Fatal(err)
	}
	if err := q.Process(ctx, evs); err != nil {
		t.Fatal(err)
	}
	return expoImport{q: q, engine: engine, person: p, tb: tb}
}
