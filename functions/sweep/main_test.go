package main

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/baton-hq/baton/internal/app"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/lambdafn"
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
	waitingMQL(t, app, clk)
	out, err := lambdafn.Sweep(app.Core)(ctx, ev)
	if err != nil || out["breaches"] != 1 {
		t.Fatalf("breaches %+v %v", out, err)
	}
	if out, _ := lambdafn.Sweep(app.Core)(ctx, ev); out["breaches"] != 0 {
		t.Fatal("announced twice")
	}
}

// waitingMQL makes an MQL (qualified at lambdatest.T0) that sales have not
// answered, and moves the clock 48 hours on: past the 24-hour SLA.
func waitingMQL(t *testing.T, app *app.App, clk *clock.Manual) {
	t.Helper()
	ctx := context.Background()
	old := lambdatest.T0
	evs := []event.Event{
		{ID: "a", Type: event.Download, VisitorID: "sv", URL: "https://www.example.com/a.pdf", Timestamp: old},
		{ID: "b", Type: event.FormSubmit, VisitorID: "sv", Timestamp: old, Properties: map[string]any{"form": map[string]any{"id": "contact"}}},
	}
	if _, err := app.Events.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	if _, _, err := app.Stitcher.Identify(ctx, identity.Identification{Visitor: "sv", Email: "waiting@example.com", Strength: identity.Strong, Fields: map[string]string{"title": "部長", "employees": "500"}}); err != nil {
		t.Fatal(err)
	}
	if err := app.Qualifier.Process(ctx, evs); err != nil {
		t.Fatal(err)
	}
	clk.Set(old.Add(48 * time.Hour))
}
