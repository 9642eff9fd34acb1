package push_test

import (
	"context"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
)

// TestActivityKeepsItsCampaign: a lead's activity keeps the campaign each
// thing came with, for the inbox card to name it beside the page (whose
// address it shows without its query): a tracked click's campaign id (its
// link may add no utm_campaign), else the page's utm_campaign; none for a
// page without one. The activity held only the URL.
func TestActivityKeepsItsCampaign(t *testing.T) {
	f := setup(t, &receiver{ids: map[string]int{}})
	ctx := context.Background()
	at := f.clk.t.Add(-30 * time.Minute)
	landing := "https://www.example.com/lp?utm_source=newsletter&utm_medium=email&utm_campaign=2026-11-news"
	evs := []event.Event{
		{ID: "c1", Type: event.EmailClick, VisitorID: "pv1", URL: "https://www.example.com/lp", Timestamp: at,
			Properties: map[string]any{"campaign": "nov-news", "link": "l1"}},
		{ID: "v1", Type: event.PageView, VisitorID: "pv1", URL: landing, UTM: event.ParseUTM(landing), Timestamp: at.Add(time.Second)},
		{ID: "v2", Type: event.PageView, VisitorID: "pv1", URL: "https://www.example.com/pricing", Timestamp: at.Add(time.Minute)},
	}
	if _, err := f.w.Stitcher.Log.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	l, err := f.w.Build(ctx, f.mql)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range l.Activity {
		got[a.Type+" "+a.URL] = a.Campaign
	}
	for k, want := range map[string]string{
		"email_click https://www.example.com/lp":    "nov-news",
		"page_view " + landing:                      "2026-11-news",
		"page_view https://www.example.com/pricing": "",
	} {
		if c, ok := got[k]; !ok || c != want {
			t.Errorf("%s: campaign %q (present %v), want %q: %v", k, c, ok, want, got)
		}
	}
}
