// Package eventlogtest is the event log's conformance suite, run on every
// backend (internal/conformance): an erased event leaves a tombstone that
// refuses its retry as a repeat while one may come, no reader takes it for
// an event, and it is gone once the retry horizon is past; an offline
// touch's minutes and absence are set after the fact, and two changes of
// one event at once both last.
package eventlogtest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/tabletest"
)

// Suite returns the suite.
func Suite() tabletest.Suite { return tabletest.Suite{Name: "eventlog", Run: run} }

var t0 = time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)

func page(visitor, id, anon string, at time.Time) event.Event {
	return event.Event{ID: id, Type: event.PageView, VisitorID: visitor, AnonymousID: anon, ReceivedAt: at, Timestamp: at, URL: "https://www.example.com/" + id}
}

func run(t *testing.T, newTable tabletest.Factory) {
	t.Run("Erasure", func(t *testing.T) { erasure(t, newTable) })
	t.Run("OfflineTouch", func(t *testing.T) { offlineTouch(t, newTable) })
	t.Run("ConcurrentUpdates", func(t *testing.T) { concurrentUpdates(t, newTable) })
}

func erasure(t *testing.T, newTable tabletest.Factory) {
	ctx := context.Background()
	clk := clock.NewManual(t0)
	tb := newTable(t, clk.Now)
	l := &eventlog.Log{T: tb, Retention: 400 * 24 * time.Hour, Now: clk.Now}
	appendOne := func(ev event.Event) bool {
		t.Helper()
		fresh, err := l.Append(ctx, []event.Event{ev})
		if err != nil {
			t.Fatal(err)
		}
		return fresh[0]
	}
	const gone, shared = "erased-browser-1", "shared-browser-2"
	old := page(gone, "old-1", "", clk.Now())
	appendOne(old)
	clk.Advance(10 * 24 * time.Hour) // past the retry horizon for old-1
	recent := page(gone, "recent-1", "tag-id-1", clk.Now())
	appendOne(recent)
	mine, theirs := page(shared, "mine-1", "", clk.Now()), page(shared, "theirs-1", "", clk.Now())
	appendOne(mine)
	appendOne(theirs)

	r, err := l.ForgetVisitor(ctx, gone)
	if err != nil || r["event"] != 2 || r["alias"] != 1 || r.Total() != 3 {
		t.Fatalf("forget the visitor: %v %v", r, err)
	}
	r, err = l.ForgetEvents(ctx, shared, func(ev event.Event) bool { return ev.ID == "mine-1" })
	if err != nil || r["event"] != 1 || r.Total() != 1 {
		t.Fatalf("forget a period's events: %v %v", r, err)
	}

	// What is left at the keys: a tombstone for each event a client may
	// still send again (and the alias its retry names), until the horizon
	// after its receipt, holding nothing; the old event is gone outright.
	until := clk.Now().Add(event.RetryHorizon + 24*time.Hour)
	for _, k := range []struct{ pk, sk string }{{eventlog.VisitorPK(gone), "E#recent-1"}, {eventlog.VisitorPK(gone), "A#tag-id-1"}, {eventlog.VisitorPK(shared), "E#mine-1"}} {
		it, err := tb.Get(ctx, k.pk, k.sk)
		if err != nil || !eventlog.Tombstone(it) || !it.Expires.Equal(until) || string(it.Data) != "{}" {
			t.Errorf("%s %s: %+v %v, want a tombstone until %v holding nothing", k.pk, k.sk, it, err, until)
		}
	}
	if _, err := tb.Get(ctx, eventlog.VisitorPK(gone), "E#old-1"); !errors.Is(err, table.ErrNotFound) {
		t.Errorf("an event received past the retry horizon left %v, want nothing", err)
	}

	// Every read takes a tombstone for nothing.
	checkGone := func(when string) {
		t.Helper()
		for _, k := range []struct{ visitor, id string }{{gone, "recent-1"}, {gone, "old-1"}, {shared, "mine-1"}} {
			if _, err := l.Get(ctx, k.visitor, k.id); !errors.Is(err, eventlog.ErrNotFound) {
				t.Errorf("%s: Get %s/%s: %v, want not found", when, k.visitor, k.id, err)
			}
		}
		if evs, err := l.Visitor(ctx, gone); err != nil || len(evs) != 0 {
			t.Errorf("%s: the erased browser's history %+v %v", when, evs, err)
		}
		if hs, err := l.Heads(ctx, shared); err != nil || len(hs) != 1 || hs[0].ID != "theirs-1" {
			t.Errorf("%s: the shared browser's history %+v %v, want theirs-1 alone", when, hs, err)
		}
		if seen, err := l.Seen(ctx, gone); seen || err != nil {
			t.Errorf("%s: the erased browser seen: %v %v", when, seen, err)
		}
		if as, err := l.Aliases(ctx, gone); err != nil || len(as) != 0 {
			t.Errorf("%s: the erased browser's aliases %v %v", when, as, err)
		}
	}
	checkGone("after the erasure")

	// The tag retries: refused as repeats, alias and all.
	clk.Advance(time.Minute)
	if appendOne(recent) || appendOne(mine) {
		t.Error("a retried erased event was stored again")
	}
	checkGone("after the retries")
	// Changing or deleting an erased event finds nothing.
	if _, err := l.Flag(ctx, gone, "recent-1", "scanner"); !errors.Is(err, eventlog.ErrNotFound) {
		t.Errorf("flag an erased event: %v", err)
	}
	if r, err := l.DeleteEvents(ctx, gone, "recent-1"); err != nil || r.Total() != 0 {
		t.Errorf("delete an erased event: %v %v", r, err)
	}
	if r, err := l.ForgetVisitor(ctx, gone); err != nil || r.Total() != 0 {
		t.Errorf("forget the erased browser again: %v %v", r, err)
	}

	// A new event of the browser is stored, and seen past the tombstones.
	if !appendOne(page(gone, "later-1", "", clk.Now())) {
		t.Fatal("a new event was refused")
	}
	if seen, err := l.Seen(ctx, gone); !seen || err != nil {
		t.Errorf("a new event not seen: %v %v", seen, err)
	}
	if hs, err := l.Heads(ctx, gone); err != nil || len(hs) != 1 || hs[0].ID != "later-1" {
		t.Errorf("history with a new event %+v %v", hs, err)
	}

	// An erasure retried after its events went (a failure half way): the
	// browser's alias still leaves a tombstone as long as theirs.
	const retried = "retried-browser-3"
	appendOne(page(retried, "r-1", "tag-id-3", clk.Now()))
	if _, err := l.ForgetEvents(ctx, retried, func(event.Event) bool { return true }); err != nil {
		t.Fatal(err)
	}
	if r, err := l.ForgetVisitor(ctx, retried); err != nil || r["alias"] != 1 || r.Total() != 1 {
		t.Fatalf("the retried erasure: %v %v", r, err)
	}
	if it, err := tb.Get(ctx, eventlog.VisitorPK(retried), "A#tag-id-3"); err != nil || !eventlog.Tombstone(it) || !it.Expires.Equal(clk.Now().Add(event.RetryHorizon+24*time.Hour)) {
		t.Errorf("the alias after a retried erasure: %+v %v", it, err)
	}

	// Past the horizon the tombstones are gone (a retry by then is
	// refused by the collector as stale).
	clk.Advance(event.RetryHorizon + 24*time.Hour)
	for _, k := range []struct{ pk, sk string }{{eventlog.VisitorPK(gone), "E#recent-1"}, {eventlog.VisitorPK(gone), "A#tag-id-1"}, {eventlog.VisitorPK(shared), "E#mine-1"}} {
		if it, err := tb.Get(ctx, k.pk, k.sk); !errors.Is(err, table.ErrNotFound) {
			t.Errorf("%s %s past the horizon: %+v %v", k.pk, k.sk, it, err)
		}
	}
}
