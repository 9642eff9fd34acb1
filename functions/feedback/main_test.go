package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/app/sales"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/lambdahttp"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/testutil/lambdatest"
)

func TestSampleEvents(t *testing.T) {
	app, clk := lambdatest.NewAppClock(t)
	ctx := context.Background()
	evs := []event.Event{
		{ID: "a", Type: event.Download, VisitorID: "fv", URL: "https://www.example.com/a.pdf", Timestamp: lambdatest.T0},
		{ID: "b", Type: event.FormSubmit, VisitorID: "fv", Timestamp: lambdatest.T0, Properties: map[string]any{"form": map[string]any{"id": "contact"}}},
	}
	app.Events.Append(ctx, evs)
	p, _, err := app.Stitcher.Identify(ctx, identity.Identification{Visitor: "fv", Email: "p1@example.com", Strength: identity.Strong, Fields: map[string]string{"title": "部長", "employees": "500"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Qualifier.Process(ctx, evs); err != nil {
		t.Fatal(err)
	}
	routes, err := sales.Handler(app.Core) // what main.go serves, on the test's core
	if err != nil {
		t.Fatal(err)
	}
	h := lambdahttp.Adapter{Handler: routes}
	// The samples' changes are dated 11:00 that day, after the MQL; the
	// feedback function refuses verdicts dated ahead of its clock.
	clk.Advance(3 * time.Hour)
	stage := func() string { r, _ := app.Qualifier.Record(ctx, p.ID); return r.Stage }
	if stage() != qualify.StageMQL {
		t.Fatalf("setup: %s", stage())
	}
	if resp := lambdatest.Invoke(t, h, "feedback/salesforce_bad_secret.json", "PERSON_ID", p.ID); resp.StatusCode != 401 {
		t.Fatalf("bad secret: %d", resp.StatusCode)
	}
	resp := lambdatest.Invoke(t, h, "feedback/salesforce_flow.json", "PERSON_ID", p.ID)
	if resp.StatusCode != 200 || !strings.Contains(resp.Body, `"applied":true`) || stage() != qualify.StageSAL {
		t.Fatalf("flow: %d %s %s", resp.StatusCode, resp.Body, stage())
	}
	resp = lambdatest.Invoke(t, h, "feedback/kintone_status.json")
	if resp.StatusCode != 200 || stage() != qualify.StageCustomer {
		t.Fatalf("kintone: %d %s %s", resp.StatusCode, resp.Body, stage())
	}
	if n := len(lambdatest.Samples(t, "feedback")); n != 3 {
		t.Fatalf("%d feedback samples; each needs a case here", n)
	}
}
