// Package lambdatest feeds the sample events in events/ through a function's
// Lambda entry point, decoded exactly as the Lambda runtime decodes them.
package lambdatest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"

	"github.com/aws/aws-lambda-go/events"

	"github.com/baton-hq/baton/internal/app"
	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/lambdahttp"
	"github.com/baton-hq/baton/internal/stores"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// Env is the environment the sample events are written for.
var Env = map[string]string{
	"BATON_ADMIN_TOKEN":           "REPLACE_WITH_ADMIN_TOKEN",
	"BATON_WRITE_KEY":             "REPLACE_WITH_WRITE_KEY",
	"BATON_SITE_ORIGINS":          "https://www.example.com",
	"BATON_FEEDBACK_SECRET":       "REPLACE_WITH_FEEDBACK_SECRET",
	"BATON_KINTONE_WEBHOOK_TOKEN": "REPLACE_WITH_KINTONE_TOKEN",
}

// T0 is the time the apps of NewApp start at.
var T0 = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// NewApp assembles Baton as a deployed function would (secrets required),
// on an embedded store in a temporary directory, with a clock of its own
// reading T0.
func NewApp(t testing.TB, overrides ...string) *app.App {
	t.Helper()
	a, _ := NewAppClock(t, overrides...)
	return a
}

// NewAppClock is NewApp returning the App's clock too, which the test moves.
func NewAppClock(t testing.TB, overrides ...string) (*app.App, *clock.Manual) {
	t.Helper()
	clk := clock.NewManual(T0)
	env := map[string]string{"BATON_DATA": t.TempDir(), "BATON_RULES": filepath.Join(repo.Root(t), "infra", "rules.yaml")}
	for k, v := range Env {
		env[k] = v
	}
	for i := 0; i+1 < len(overrides); i += 2 {
		env[overrides[i]] = overrides[i+1]
	}
	cfg, err := config.FromEnv(func(k string) string { return env[k] }, config.Deployed)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := stores.Open(context.Background(), cfg, clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg, tbl, slog.New(slog.NewTextHandler(io.Discard, nil)), app.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a, clk
}

// Invoke reads events/<name>, replaces placeholders (e.g. LINK_ID) and runs
// it through the adapter.
func Invoke(t testing.TB, a lambdahttp.Adapter, name string, replace ...string) events.APIGatewayV2HTTPResponse {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repo.Root(t), "events", name))
	if err != nil {
		t.Fatal(err)
	}
	s := strings.NewReplacer(replace...).Replace(string(data))
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal([]byte(s), &ev); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	resp, err := a.Handle(context.Background(), ev)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return resp
}

// Samples lists the sample files of one function folder.
func Samples(t testing.TB, function string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(repo.Root(t), "events", function, "*.json"))
	if err != nil || len(m) == 0 {
		t.Fatalf("no samples for %s: %v", function, err)
	}
	for i := range m {
		m[i] = filepath.Join(function, filepath.Base(m[i]))
	}
	return m
}
