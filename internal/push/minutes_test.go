package push_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
)

// TestWebinarMinutesReachSales: a webinar touch imported from Zoom's report
// keeps how long the person attended (minutes, rejoins summed); the lead
// handed to the SFA named the webinar but not that: its activity carries
// the minutes, and the summary sales read says them, in either language.
func TestWebinarMinutesReachSales(t *testing.T) {
	f := setup(t, &receiver{ids: map[string]int{}})
	ctx := context.Background()
	at := f.clk.t.Add(-30 * time.Minute)
	evs := []event.Event{
		{ID: "w1", Type: event.Offline, VisitorID: "pv1", Timestamp: at,
			Properties: map[string]any{"event": "製造業DXウェビナー 第3回", "channel": "webinar", "minutes": 90}},
		{ID: "x1", Type: event.Offline, VisitorID: "pv1", Timestamp: at.Add(-time.Hour),
			Properties: map[string]any{"event": "Japan IT Week 秋", "channel": "exhibition"}},
	}
	if _, err := f.w.Stitcher.Log.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	l, err := f.w.Build(ctx, f.mql)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, a := range l.Activity {
		if a.Type == event.Offline {
			got[a.Name] = a.Minutes
		}
	}
	if len(got) != 2 || got["製造業DXウェビナー 第3回"] != 90 || got["Japan IT Week 秋"] != 0 {
		t.Fatalf("offline activity %v", got)
	}
	b, _ := json.Marshal(l)
	if !strings.Contains(string(b), `"name":"製造業DXウェビナー 第3回","minutes":90,`) || strings.Count(string(b), `"minutes"`) != 1 {
		t.Errorf("the lead's JSON: %s", b)
	}
	if s := l.Summary(); !strings.Contains(s, " offline touch 製造業DXウェビナー 第3回 (90 min)\n") || !strings.Contains(s, " offline touch Japan IT Week 秋\n") {
		t.Errorf("English summary:\n%s", s)
	}
	l.Lang = "ja"
	if s := l.Summary(); !strings.Contains(s, " オフライン接点 製造業DXウェビナー 第3回（90 分）\n") {
		t.Errorf("Japanese summary:\n%s", s)
	}
}
