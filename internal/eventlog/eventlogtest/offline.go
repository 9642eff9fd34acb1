package eventlogtest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/tabletest"
)

func touch(visitor, id string, at time.Time) event.Event {
	return event.Event{ID: id, Type: event.Offline, VisitorID: visitor, ReceivedAt: at, Timestamp: at,
		Properties: map[string]any{"event": "DX webinar", "channel": "webinar"}}
}

// stored reads an event's item and the event in it.
func stored(t *testing.T, tb table.Table, visitor, id string) (table.Item, event.Event) {
	t.Helper()
	it, err := tb.Get(context.Background(), eventlog.VisitorPK(visitor), "E#"+id)
	if err != nil {
		t.Fatalf("%s/%s: %v", visitor, id, err)
	}
	ev, err := eventlog.Decode(it)
	if err != nil {
		t.Fatal(err)
	}
	return it, ev
}

// offlineTouch: SetMinutes and SetAbsent on an offline touch, as a
// webinar's report imported after its registrants' list does them.
func offlineTouch(t *testing.T, newTable tabletest.Factory) {
	ctx := context.Background()
	clk := clock.NewManual(t0)
	tb := newTable(t, clk.Now)
	l := &eventlog.Log{T: tb, Retention: 400 * 24 * time.Hour, Now: clk.Now}
	const v = "webinar-browser-1"
	if _, err := l.Append(ctx, []event.Event{touch(v, "off-1", t0), page(v, "view-1", "", t0)}); err != nil {
		t.Fatal(err)
	}
	before, _ := stored(t, tb, v, "off-1")
	clk.Advance(time.Hour)

	// The report's minutes: stored, read back, the item rewritten in
	// place (same kind and retention, next version: on both backends an
	// overwrite, which the change feed announces as a modification).
	if ok, err := l.SetMinutes(ctx, v, "off-1", 45); !ok || err != nil {
		t.Fatalf("set minutes: %v %v, want true", ok, err)
	}
	it, ev := stored(t, tb, v, "off-1")
	if m, ok := ev.Minutes(); !ok || m != 45 || ev.Absent() || ev.Properties["channel"] != "webinar" {
		t.Errorf("after SetMinutes 45: minutes %d %v, absent %v, properties %v", m, ok, ev.Absent(), ev.Properties)
	}
	if it.Kind != eventlog.KindEvent || it.Version != before.Version+1 || !it.Expires.Equal(before.Expires) {
		t.Errorf("the rewritten item %+v, want kind %q, version %d, expiry %v kept", it, eventlog.KindEvent, before.Version+1, before.Expires)
	}
	if got, err := l.Get(ctx, v, "off-1"); err != nil || got.ID != "off-1" || !got.ReceivedAt.Equal(t0) {
		t.Errorf("Get after SetMinutes: %+v %v", got, err)
	}
	// The same minutes again change nothing and write nothing.
	if ok, err := l.SetMinutes(ctx, v, "off-1", 45); ok || err != nil {
		t.Errorf("the same minutes again: %v %v, want false", ok, err)
	}
	if it, _ := stored(t, tb, v, "off-1"); it.Version != before.Version+1 {
		t.Errorf("the same minutes again wrote version %d", it.Version)
	}
	// Corrected minutes (zero too: the person joined and left at once).
	for _, m := range []int{30, 0} {
		if ok, err := l.SetMinutes(ctx, v, "off-1", m); !ok || err != nil {
			t.Errorf("corrected minutes %d: %v %v, want true", m, ok, err)
		}
		if _, ev := stored(t, tb, v, "off-1"); func() bool { n, ok := ev.Minutes(); return !ok || n != m }() {
			t.Errorf("corrected minutes %d read back as %v", m, ev.Properties["minutes"])
		}
	}

	// Absent and back: each a change once, the second time none.
	absent := func(want bool) {
		t.Helper()
		_, ev := stored(t, tb, v, "off-1")
		if ev.Absent() != want || ev.Flagged() != want {
			t.Errorf("absent %v flagged %v, want %v", ev.Absent(), ev.Flagged(), want)
		}
	}
	for _, a := range []bool{true, false} {
		if ok, err := l.SetAbsent(ctx, v, "off-1", a); !ok || err != nil {
			t.Errorf("SetAbsent %v: %v %v, want true", a, ok, err)
		}
		absent(a)
		if ok, err := l.SetAbsent(ctx, v, "off-1", a); ok || err != nil {
			t.Errorf("SetAbsent %v again: %v %v, want false", a, ok, err)
		}
		absent(a)
	}
	// Minutes say the person came: they clear absent, even the same
	// minutes as were stored before it was marked.
	if _, err := l.SetAbsent(ctx, v, "off-1", true); err != nil {
		t.Fatal(err)
	}
	if ok, err := l.SetMinutes(ctx, v, "off-1", 0); !ok || err != nil {
		t.Errorf("minutes on an absent touch: %v %v, want true", ok, err)
	}
	absent(false)
	if _, ev := stored(t, tb, v, "off-1"); func() bool { n, ok := ev.Minutes(); return !ok || n != 0 }() {
		t.Errorf("minutes on an absent touch read back as %v", ev.Properties["minutes"])
	}

	// Minutes the touch cannot hold (Event.Minutes would not read them
	// back) are an error, and nothing is written.
	last, _ := stored(t, tb, v, "off-1")
	for _, m := range []int{-1, 1 << 40} {
		if ok, err := l.SetMinutes(ctx, v, "off-1", m); ok || err == nil {
			t.Errorf("minutes %d: %v %v, want an error", m, ok, err)
		}
	}
	if it, _ := stored(t, tb, v, "off-1"); it.Version != last.Version {
		t.Errorf("bad minutes wrote version %d over %d", it.Version, last.Version)
	}

	// Another type of event is left alone.
	view, _ := stored(t, tb, v, "view-1")
	if ok, err := l.SetMinutes(ctx, v, "view-1", 45); ok || err != nil {
		t.Errorf("minutes on a page view: %v %v, want false", ok, err)
	}
	if ok, err := l.SetAbsent(ctx, v, "view-1", true); ok || err != nil {
		t.Errorf("a page view marked absent: %v %v, want false", ok, err)
	}
	if it, ev := stored(t, tb, v, "view-1"); it.Version != view.Version || ev.Properties["minutes"] != nil || ev.Absent() {
		t.Errorf("the page view after SetMinutes and SetAbsent: %+v %+v", it, ev)
	}

	// An event not stored (unknown id, unknown visitor, erased): not
	// found, nothing written at its key but the erased one's tombstone.
	if _, err := l.DeleteEvents(ctx, v, "view-1"); err != nil {
		t.Fatal(err)
	}
	for _, k := range []struct{ visitor, id string }{{v, "off-unknown"}, {"unknown-browser", "off-1"}, {v, "view-1"}} {
		if ok, err := l.SetMinutes(ctx, k.visitor, k.id, 45); ok || !errors.Is(err, eventlog.ErrNotFound) {
			t.Errorf("SetMinutes %s/%s: %v %v, want not found", k.visitor, k.id, ok, err)
		}
		if ok, err := l.SetAbsent(ctx, k.visitor, k.id, true); ok || !errors.Is(err, eventlog.ErrNotFound) {
			t.Errorf("SetAbsent %s/%s: %v %v, want not found", k.visitor, k.id, ok, err)
		}
		it, err := tb.Get(ctx, eventlog.VisitorPK(k.visitor), "E#"+k.id)
		if k.id == "view-1" && (err != nil || !eventlog.Tombstone(it)) || k.id != "view-1" && !errors.Is(err, table.ErrNotFound) {
			t.Errorf("%s/%s after SetMinutes: %+v %v", k.visitor, k.id, it, err)
		}
	}
}

// barrier holds the first read of one item by each of n callers until all
// n have read it: they all start from the same version, as two requests
// at once on two servers do, whatever the scheduler does.
type barrier struct {
	table.Table
	pk, sk string
	mu     sync.Mutex
	left   int
	all    chan struct{}
}

func newBarrier(tb table.Table, pk, sk string, n int) *barrier {
	return &barrier{Table: tb, pk: pk, sk: sk, left: n, all: make(chan struct{})}
}

func (b *barrier) Get(ctx context.Context, pk, sk string) (table.Item, error) {
	it, err := b.Table.Get(ctx, pk, sk)
	b.mu.Lock()
	hold := pk == b.pk && sk == b.sk && b.left > 0
	if hold {
		if b.left--; b.left == 0 {
			close(b.all)
		}
	}
	b.mu.Unlock()
	if hold {
		select {
		case <-b.all:
		case <-ctx.Done():
			return table.Item{}, ctx.Err()
		}
	}
	return it, err
}

// concurrentUpdates: two changes of one event at once, both read before
// either writes. Each is applied to what the other wrote: neither is lost,
// and the one that finds its change made already says so.
func concurrentUpdates(t *testing.T, newTable tabletest.Factory) {
	ctx := context.Background()
	clk := clock.NewManual(t0)
	tb := newTable(t, clk.Now)
	const v = "webinar-browser-2"
	if _, err := (&eventlog.Log{T: tb, Now: clk.Now}).Append(ctx, []event.Event{touch(v, "off-1", t0), touch(v, "off-2", t0)}); err != nil {
		t.Fatal(err)
	}
	both := func(id string, a, b func(*eventlog.Log) (bool, error)) [2]bool {
		t.Helper()
		l := &eventlog.Log{T: newBarrier(tb, eventlog.VisitorPK(v), "E#"+id, 2), Now: clk.Now}
		var ok [2]bool
		var errs [2]error
		var wg sync.WaitGroup
		for i, f := range []func(*eventlog.Log) (bool, error){a, b} {
			wg.Go(func() { ok[i], errs[i] = f(l) })
		}
		wg.Wait()
		if err := errors.Join(errs[:]...); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	minutes := func(m int) func(*eventlog.Log) (bool, error) {
		return func(l *eventlog.Log) (bool, error) { return l.SetMinutes(ctx, v, "off-1", m) }
	}

	// The same minutes twice (a report imported twice at once): one
	// change, one write.
	before, _ := stored(t, tb, v, "off-1")
	ok := both("off-1", minutes(45), minutes(45))
	it, ev := stored(t, tb, v, "off-1")
	if ok[0] == ok[1] || it.Version != before.Version+1 {
		t.Errorf("the same minutes twice at once: changed %v, version %d, want one change, version %d", ok, it.Version, before.Version+1)
	}
	if m, isSet := ev.Minutes(); !isSet || m != 45 {
		t.Errorf("the same minutes twice at once read back as %v", ev.Properties["minutes"])
	}

	// Minutes and a scanner's flag at once: both last.
	before = it
	ok = both("off-1", minutes(60), func(l *eventlog.Log) (bool, error) { return l.Flag(ctx, v, "off-1", "scanner") })
	it, ev = stored(t, tb, v, "off-1")
	if m, isSet := ev.Minutes(); !ok[0] || !ok[1] || !isSet || m != 60 || !ev.Enrichment.Scanner || it.Version != before.Version+2 {
		t.Errorf("minutes and a flag at once: changed %v, minutes %v, scanner %v, version %d over %d; want both",
			ok, ev.Properties["minutes"], ev.Enrichment.Scanner, it.Version, before.Version)
	}

	// Minutes and absent at once on another touch: each is applied to
	// what the other wrote, so both report a change and the last one's
	// state is what is stored (minutes clear absent; absent keeps the
	// minutes).
	before, _ = stored(t, tb, v, "off-2")
	ok = both("off-2", func(l *eventlog.Log) (bool, error) { return l.SetMinutes(ctx, v, "off-2", 20) },
		func(l *eventlog.Log) (bool, error) { return l.SetAbsent(ctx, v, "off-2", true) })
	it, ev = stored(t, tb, v, "off-2")
	if m, isSet := ev.Minutes(); !ok[0] || !ok[1] || !isSet || m != 20 || it.Version != before.Version+2 {
		t.Errorf("minutes and absent at once: changed %v, minutes %v, absent %v, version %d over %d",
			ok, ev.Properties["minutes"], ev.Absent(), it.Version, before.Version)
	}
}
