package main

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/lambdafn"

	"github.com/aws/aws-lambda-go/events"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/testutil/lambdatest"
)

func TestScheduledSweep(t *testing.T) {
	b, err := os.ReadFile("../../events/sweep/schedule.json")
	if err != nil {
		t.Fatal(err)
	}
	var ev events.EventBridgeEvent
	if err := json.Unmarshal(b, &ev); err != nil || ev.DetailType != "Scheduled Event" {
		t.Fatalf("sample: %v", err)
	}
	app, clk := lambdatest.NewAppClock(t)
	ctx := context.Background()
	old := lambdatest.T0
	evs := []event.Event{
		{ID: "a", Type: event.Download, VisitorID: "sv", URL: "https://www.example.com/a.pdf", Timestamp: old},
		{ID: "b", Type: event.FormSubmit, VisitorID: "sv", Timestamp: old, Properties: map[string]any{"form": map[string]any{"id": "contact"}}},
	}
	app.Events.Append(ctx, evs)
	if _, _, err := app.Stitcher.Identify(ctx, identity.Identification{Visitor: "sv", Email: "waiting@example.com", Strength: identity.Strong, Fields: map[string]string{"title": "部長", "employees": "500"}}); err != nil {
		t.Fatal(err)
	}
	app.Qualifier.Process(ctx, evs)
	clk.Set(old.Add(48 * time.Hour))
	out, err := lambdafn.Sweep(app.Core)(ctx, ev)
	if err != nil || out["breaches"] != 1 {
		t.Fatalf("breaches %+v %v", out, err)
	}
	if out, _ := lambdafn.Sweep(app.Core)(ctx, ev); out["breaches"] != 0 {
		t.Fatal("announced twice")
	}
}
