package stack

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/scorefeed"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// ForTest starts a stack on a free loopback port with its data in a
// temporary directory; env overrides settings (BATON_* names). It stops when
// the test ends.
func ForTest(t testing.TB, env map[string]string) *Stack {
	t.Helper()
	return ForTestClock(t, env, nil)
}

// ForTestClock is ForTest on the given clock (nil: the wall clock).
func ForTestClock(t testing.TB, env map[string]string, now func() time.Time) *Stack {
	t.Helper()
	return ForTestRelay(t, env, now, nil)
}

// ForTestRelay is ForTestClock with the change feed's MQL relay wrapped by
// wrap (a test loses an MQL on its way to the push queue).
func ForTestRelay(t testing.TB, env map[string]string, now func() time.Time, wrap func(scorefeed.Relay) scorefeed.Relay) *Stack {
	t.Helper()
	vars := map[string]string{
		"BATON_ADDR":        "127.0.0.1:0",
		"BATON_DATA":        t.TempDir(),
		"BATON_ADMIN_TOKEN": "test-admin-token-0123456789",
		"BATON_WRITE_KEY":   "test-write-key-0123456789",
	}
	if _, set := env["BATON_RULES"]; !set {
		vars["BATON_RULES"] = filepath.Join(repo.Root(t), "infra", "rules.yaml")
	}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := config.FromEnv(func(k string) string { return vars[k] }, config.Local)
	if err != nil {
		t.Fatal(err)
	}
	s, err := start(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), now, wrap)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
