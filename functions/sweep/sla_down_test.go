package main

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

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
	waitingMQL(t, app, clk) // the MQL waits past the 24h SLA
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

// TestClicksFailingKeepsSLAGoing: judging newsletter clicks ran first and
// its failure ended the sweep, so while the table refused it (or a large
// newsletter's clicks took the run) no SLA breach was announced. Now each
// step keeps to its budget, and a failure holds back none after it: the
// breach is announced and the clicks' failure is reported with the rest.
func TestClicksFailingKeepsSLAGoing(t *testing.T) {
	var posts atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hook.Close()
	app, clk := lambdatest.NewAppClock(t, "BATON_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	app.Core.Config.File.SLA.WebhookURL = hook.URL
	app.Core.SettleClicks = func(context.Context) (int, error) { return 0, errors.New("clicks: the table refused the query") }
	waitingMQL(t, app, clk)
	bs, err := app.Core.Sweep(context.Background())
	if len(bs) != 1 || posts.Load() != 1 {
		t.Errorf("with the clicks' step failing: %d breaches found, %d announced, want 1 and 1", len(bs), posts.Load())
	}
	if err == nil || !strings.Contains(err.Error(), "the table refused the query") {
		t.Errorf("the clicks' failure is not reported: %v", err)
	}
}
