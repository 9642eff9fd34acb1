package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/testutil/lambdatest"
)

// On AWS the sweep is what advances rescore jobs (POST /admin/rescore only
// records them). While the SLA webhook (sla.webhook_url) answers an error,
// the sweep returns at the first breach it could not announce, before
// RunRescores: the breach is not marked, so every run fails there again,
// and a rescore started meanwhile never advances. A receiver's outage (or
// one refusing one breach's payload) stops the rules' rescore for as long
// as any MQL waits past the SLA.
func TestSLAWebhookDownKeepsRescoresGoing(t *testing.T) {
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
	}))
	defer hook.Close()
	app, clk := lambdatest.NewAppClock(t, "BATON_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	app.Core.Config.File.SLA.WebhookURL = hook.URL
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
	clk.Set(old.Add(48 * time.Hour)) // the MQL waits past the 24h SLA
	job, err := app.Qualifier.StartRescore(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for run := 0; run < 3; run++ {
		app.Core.Sweep(ctx) // the scheduled sweep, every 15 minutes; its error is the webhook's
		clk.Set(clk.Now().Add(15 * time.Minute))
	}
	j, err := app.Qualifier.RescoreJob(ctx, job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != "done" {
		t.Errorf("rescore job after 3 sweeps while the SLA webhook is down: status %q, want done (%+v)", j.Status, j)
	}
}
