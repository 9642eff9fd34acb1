package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/baton-hq/baton/internal/app"
	"github.com/baton-hq/baton/internal/app/web"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/lambdahttp"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/testutil/lambdatest"
	"github.com/baton-hq/baton/internal/testutil/moto"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// TestReplayedEventAnswersAsTheFirst: an event sent again with its
// messageId (a tag's or an SDK's retry after a lost answer) is answered
// as the first was, on DynamoDB (the function, here on moto) as on the
// embedded store (the local stack): 204 from POST /e, 200 from the
// Segment API, never a 409 a client would read as a refusal; and it is
// stored once.
func TestReplayedEventAnswersAsTheFirst(t *testing.T) {
	for _, store := range []string{"bolt", "dynamodb"} {
		t.Run(store, func(t *testing.T) {
			clk := clock.NewManual(lambdatest.T0)
			dir := t.TempDir()
			env := map[string]string{"BATON_DATA": dir, "BATON_RULES": filepath.Join(repo.Root(t), "infra", "rules.yaml")}
			for k, v := range lambdatest.Env {
				env[k] = v
			}
			cfg, err := config.FromEnv(func(k string) string { return env[k] }, config.Deployed)
			if err != nil {
				t.Fatal(err)
			}
			var tbl table.Table
			if store == "dynamodb" {
				tbl = moto.NewTable(t, dynamotable.WithClock(clk.Now))
			} else if tbl, err = bolttable.Open(filepath.Join(dir, "b.db"), bolttable.WithClock(clk.Now)); err != nil {
				t.Fatal(err)
			}
			a, err := app.New(context.Background(), cfg, tbl, slog.New(slog.NewTextHandler(io.Discard, nil)), app.WithClock(clk.Now))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { a.Close() })
			routes, err := web.CollectHandler(a.Core)
			if err != nil {
				t.Fatal(err)
			}
			h := lambdahttp.Adapter{Handler: routes}
			for _, c := range []struct {
				sample string
				code   int
			}{{"collect/page_view.json", 204}, {"collect/segment_identify.json", 200}} {
				for i := range 3 {
					if r := lambdatest.Invoke(t, h, c.sample); r.StatusCode != c.code {
						t.Errorf("%s, sent %d times: %d %s, want %d", c.sample, i+1, r.StatusCode, r.Body, c.code)
					}
				}
			}
			evs, err := a.Events.Visitor(context.Background(), "f3b2c1d0-aaaa-4bbb-8ccc-000000000001")
			if err != nil || len(evs) != 1 {
				t.Errorf("the page view sent 3 times is stored %d times (%v), want once", len(evs), err)
			}
		})
	}
}
