package qualify

import (
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
)

// TestOfflineTouch: an imported offline touch is a touch on its own channel
// (an exhibition, a seminar ...), named after the event.
func TestOfflineTouch(t *testing.T) {
	at := time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC)
	ev := event.Event{ID: "off-1", Type: event.Offline, Timestamp: at, Properties: map[string]any{"event": "Japan IT Week", "channel": "exhibition"}}
	tc, ok := TouchOf(ev)
	if !ok || tc.Channel != "exhibition" || tc.Medium != "offline" || tc.Campaign != "Japan IT Week" || !tc.At.Equal(at) || tc.EventID != "off-1" {
		t.Fatalf("%+v %v", tc, ok)
	}
	list := addTouches(nil, []event.Event{{ID: "pv", Type: event.PageView, Timestamp: at.Add(time.Hour), URL: "https://www.example.com/"}, ev})
	if len(list) != 1 || list[0].Channel != "exhibition" {
		t.Fatalf("first touch %+v", list) // the later direct visit is no touch after it
	}
	ev.Properties = nil
	if _, ok := TouchOf(ev); ok {
		t.Fatal("an offline event without a channel is a touch")
	}
}
