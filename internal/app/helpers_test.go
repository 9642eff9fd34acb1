package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/baton-hq/baton/internal/app"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/table/tablecount"
	"github.com/baton-hq/baton/internal/testutil/lambdatest"
)

// scorePeople stores n people's events, identifies each person's browser
// (prefix-browser-NNNN, email prefixNNNN@maker.example) and scores the
// events, workers at a time. events gives person i's events (their
// VisitorID the browser's) and when they were identified.
func scorePeople(t *testing.T, a *app.App, n, workers int, prefix string, events func(i int, vis string) ([]event.Event, identity.Identification)) {
	t.Helper()
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				vis := fmt.Sprintf("%s-browser-%04d", prefix, i)
				evs, id := events(i, vis)
				id.Visitor, id.Email, id.Strength = vis, fmt.Sprintf("%s%04d@maker.example", prefix, i), identity.Strong
				if _, err := a.Events.Append(ctx, evs); err != nil {
					errs <- err
					return
				}
				if _, _, err := a.Stitcher.Identify(ctx, id); err != nil {
					errs <- err
					return
				}
				if err := a.Qualifier.Process(ctx, evs); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// countedAdmin is a's admin routes on a store that counts its reads; get
// answers a workspace page (200 required) with the reads it made.
func countedAdmin(t *testing.T, a *app.App, clk *clock.Manual) (get func(path string) (string, tablecount.Counts)) {
	t.Helper()
	ct := tablecount.New(a.Table)
	counted, err := app.New(context.Background(), a.Config, ct, slog.New(slog.DiscardHandler), app.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	counted.Admin.Routes(mux)
	return func(path string) (string, tablecount.Counts) {
		t.Helper()
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+lambdatest.Env["BATON_ADMIN_TOKEN"])
		req.Header.Set("Accept", "text/html")
		rec := httptest.NewRecorder()
		ct.Reset()
		mux.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
		}
		return rec.Body.String(), ct.Counts()
	}
}
