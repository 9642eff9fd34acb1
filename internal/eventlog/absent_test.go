package eventlog

import (
	"context"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
)

// TestSetAbsent: a webinar touch marked absent (its report says the
// registrant did not come) is flagged, never scored; marked again it
// changes nothing; a report's minutes (they came after all) or SetAbsent
// false undo it. Another type of event is left alone.
func TestSetAbsent(t *testing.T) {
	ctx := context.Background()
	l := newLog(t)
	at := time.Date(2026, 11, 6, 0, 0, 0, 0, time.UTC)
	l.Now = clock.Fixed(at)
	touch := event.Event{ID: "off_1", Type: event.Offline, VisitorID: "v1", Timestamp: at, ReceivedAt: at,
		Properties: map[string]any{"event": "DX", "channel": "webinar"}}
	view := event.Event{ID: "e1", Type: event.PageView, VisitorID: "v1", Timestamp: at, ReceivedAt: at, URL: "https://x.example/"}
	if _, err := l.Append(ctx, []event.Event{touch, view}); err != nil {
		t.Fatal(err)
	}
	absent := func(want bool) {
		t.Helper()
		ev, err := l.Get(ctx, "v1", "off_1")
		if err != nil || ev.Absent() != want || ev.Flagged() != want {
			t.Errorf("absent %v, want %v (%v)", ev.Absent(), want, err)
		}
	}
	for i, want := range []bool{true, false} {
		if ok, err := l.SetAbsent(ctx, "v1", "off_1", true); ok != want || err != nil {
			t.Fatalf("marking %d: %v %v", i, ok, err)
		}
		absent(true)
	}
	if ok, err := l.SetMinutes(ctx, "v1", "off_1", 45); !ok || err != nil {
		t.Fatalf("minutes: %v %v", ok, err)
	}
	absent(false)
	if _, err := l.SetAbsent(ctx, "v1", "off_1", true); err != nil {
		t.Fatal(err)
	}
	if ok, err := l.SetAbsent(ctx, "v1", "off_1", false); !ok || err != nil {
		t.Fatalf("unmarking: %v %v", ok, err)
	}
	absent(false)
	if ok, err := l.SetAbsent(ctx, "v1", "e1", true); ok || err != nil {
		t.Errorf("a page view marked: %v %v", ok, err)
	}
	if _, err := l.SetAbsent(ctx, "v1", "nope", true); err != ErrNotFound {
		t.Errorf("a missing touch: %v", err)
	}
}
