package scorefeed_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/scorefeed"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// TestSwitchTakesBackWhatTheFeedGaveThePreviousPerson: two colleagues on
// one office PC (one cookie). A sent a form at 10:00; B sends hers at
// 10:20, and her batch holds the thank-you page after it. The collector
// stores a request's events before it identifies its form, so the change
// feed may score them while the browser is still A's: B's page (and her
// form, a contact form's points) went to A, and stayed there once the
// switch was written, since only a late form's link rescored whom it took
// a period from. The switch now has the feed rebuild A from their own
// periods.
func TestSwitchTakesBackWhatTheFeedGaveThePreviousPerson(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)
	min := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Minute) }
	clk := clock.Fixed(min(60))
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithClock(clk))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	log := &eventlog.Log{T: tb, Retention: 400 * 24 * time.Hour, Now: clk}
	dir := &identity.Directory{T: tb, Now: clk}
	st := &identity.Stitcher{Dir: dir, Log: log}
	q := &qualify.Qualifier{T: tb, Dir: dir, Log: log, Engine: pageCount{}, Now: clk}
	feed := func(cs ...table.Change) {
		t.Helper()
		if _, err := scorefeed.HandleChanges(ctx, q, cs, nil); err != nil {
			t.Fatal(err)
		}
	}
	linkChanged := func() {
		t.Helper()
		it, err := tb.Get(ctx, eventlog.VisitorPK("office-pc"), "LINK")
		if err != nil {
			t.Fatal(err)
		}
		feed(table.Change{Op: table.OpModify, Item: it})
	}
	identify := func(email string, at time.Time) identity.Person {
		t.Helper()
		p, _, err := st.Identify(ctx, identity.Identification{Visitor: "office-pc", Email: email, At: at, Strength: identity.Strong, Source: "form"})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	// stored appends a page view as the collector does; the feed scores it
	// (an event insert) at once.
	stored := func(id string, at time.Time) {
		t.Helper()
		ev := event.Event{ID: id, Type: event.PageView, VisitorID: "office-pc", URL: "https://www.example.com/" + id, ReceivedAt: at, Timestamp: at}
		if _, err := log.Append(ctx, []event.Event{ev}); err != nil {
			t.Fatal(err)
		}
		feed(table.Change{Op: table.OpInsert, Item: eventItem(t, tb, "office-pc", id)})
	}
	a := identify("a@office.example", min(0))
	linkChanged()
	stored("a-pricing", min(5))
	// B's request: her events stored and scored, then her form identified.
	stored("b-thanks", min(21))
	b := identify("b@office.example", min(20))
	linkChanged()
	score := func(p identity.Person) float64 {
		rec, err := q.Record(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		return rec.Verdict.Behaviour
	}
	if sa, sb := score(a), score(b); sa != 1 || sb != 1 {
		t.Errorf("pages scored: A %v, B %v; want one each (A a-pricing, B b-thanks)", sa, sb)
	}
	led, err := q.Ledger(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range led {
		if c.EventID == "b-thanks" {
			t.Errorf("A's ledger keeps B's page: %+v", c)
		}
	}
}

// eventItem is the stored item of a visitor's event (as the feed carries it).
func eventItem(t *testing.T, tb table.Table, visitor, id string) table.Item {
	t.Helper()
	items, err := tb.Query(context.Background(), table.Query{PK: eventlog.VisitorPK(visitor)})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.Kind != eventlog.KindEvent {
			continue
		}
		if ev, err := eventlog.Decode(it); err == nil && ev.ID == id {
			return it
		}
	}
	t.Fatalf("event %s of %s not stored", id, visitor)
	return table.Item{}
}
