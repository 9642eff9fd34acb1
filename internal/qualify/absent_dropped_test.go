package qualify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/reports"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// noScore is an engine that scores nothing: the test is about touches.
type noScore struct{}

func (noScore) Apply(raw json.RawMessage, _ []event.Event, _ time.Time) (json.RawMessage, []qualify.Contribution, error) {
	return raw, nil, nil
}
func (noScore) Evaluate(json.RawMessage, map[string]string, string, time.Time) (qualify.Verdict, error) {
	return qualify.Verdict{}, nil
}
func (noScore) Recycle(raw json.RawMessage, now time.Time) (json.RawMessage, qualify.Contribution, error) {
	return raw, qualify.Contribution{Rule: "recycle", Kind: "reset", At: now}, nil
}
func (noScore) Version() string { return "none" }

// TestAbsentWebinarLeavesDropped: 40 offline touches an hour apart, the
// 6th a webinar registration; the record keeps 30 and the webinar is
// among the 10 trimmed to Dropped. The webinar's report then says the
// registrant did not come (SetAbsent) and the person is rescored: the
// rescore took the touch off the list alone, so its span still counted
// it and linear attribution credited the webinar 1/40. Now the span no
// longer counts it (webinar 0, the 39 others sharing the credit), a
// further rescore changes nothing, and marked attended again it counts
// once more.
func TestAbsentWebinarLeavesDropped(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	clk := clock.NewManual(start.Add(48 * time.Hour))
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "a.db"), bolttable.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	log := &eventlog.Log{T: tb, Now: clk.Now}
	dir := &identity.Directory{T: tb, Now: clk.Now}
	st := &identity.Stitcher{Dir: dir, Log: log}
	q := &qualify.Qualifier{T: tb, Dir: dir, Log: log, Engine: noScore{}, Now: clk.Now}

	p, _, err := dir.EnsureSince(ctx, "reg@maker.example", "offline:webinar", nil, nil, start)
	if err != nil {
		t.Fatal(err)
	}
	const vis, webinar = "o:reg", "off-5"
	var evs []event.Event
	for i := range 40 {
		ch := "exhibition"
		if i == 5 {
			ch = "webinar"
		}
		at := start.Add(time.Duration(i) * time.Hour)
		evs = append(evs, event.Event{ID: fmt.Sprintf("off-%d", i), Type: event.Offline, VisitorID: vis, UserID: p.ID,
			Timestamp: at, ReceivedAt: at, Properties: map[string]any{"channel": ch, "event": fmt.Sprintf("event %d", i)}})
	}
	if _, err := log.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	if _, err := st.LinkPerson(ctx, vis, p.ID, time.Time{}, identity.Strong); err != nil {
		t.Fatal(err)
	}
	if err := q.Process(ctx, evs); err != nil {
		t.Fatal(err)
	}
	// check reads the record as the reports do (its touches up to an MQL
	// after the last one, no MQL item: the record's journey).
	check := func(when string, dropped, webinars int, linear float64) {
		t.Helper()
		rec, err := q.Record(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		n, w := 0, 0
		if rec.Dropped != nil {
			for _, s := range rec.Dropped.Spans {
				n += s.N
				w += s.By["channel"]["webinar"]
			}
		}
		for _, tc := range rec.Touches {
			if tc.EventID == webinar {
				w++
			}
		}
		if n != dropped || w != webinars {
			t.Errorf("%s: %d touches dropped, webinar counted %d times (%+v); want %d and %d", when, n, w, rec.Dropped, dropped, webinars)
		}
		f := &qualify.Facts{ID: p.ID, Rec: rec, History: []qualify.StageChange{{To: qualify.StageMQL, At: start.Add(41 * time.Hour)}}}
		a := reports.Attribution([]*reports.Person{f}, reports.Filter{})[qualify.StageMQL]["linear"]
		sum := 0.0
		for _, v := range a {
			sum += v
		}
		if math.Abs(a["webinar"]-linear) > 0.001 || math.Abs(sum-1) > 0.002 {
			t.Errorf("%s: linear credit %v, want webinar %v and a sum of 1", when, a, linear)
		}
	}
	check("scored", 10, 1, 1.0/40)

	mark := func(absent bool) {
		t.Helper()
		if _, err := log.SetAbsent(ctx, vis, webinar, absent); err != nil {
			t.Fatal(err)
		}
		if err := q.RescorePerson(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	mark(true)
	check("marked absent", 9, 0, 0)
	if err := q.RescorePerson(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	check("rescored again", 9, 0, 0)
	mark(false)
	check("attended after all", 10, 1, 1.0/40)
}
