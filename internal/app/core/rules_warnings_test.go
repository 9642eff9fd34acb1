package core_test

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/app/core"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// TestRulesWarningsLoggedAtStartUp: a rules file whose fit rule names an
// attribute a typo away from one Baton names (employes) loads, and the
// server said nothing of it; it says it at start-up with the line and the
// attribute meant, as make check does.
func TestRulesWarningsLoggedAtStartUp(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	shipped, err := os.ReadFile(filepath.Join(repo.Root(t), "infra", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rules := filepath.Join(t.TempDir(), "rules.yaml")
	if err := os.WriteFile(rules, []byte(strings.Replace(string(shipped), "attribute: employees", "attribute: employes", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"BATON_DATA": t.TempDir(), "BATON_RULES": rules}
	cfg, err := config.FromEnv(func(k string) string { return env[k] }, config.Local)
	if err != nil {
		t.Fatal(err)
	}
	bt, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	c, err := core.New(cfg, bt, slog.New(slog.NewTextHandler(&logs, nil)), clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if want := `fit.rules[5].attribute: \"employes\" is none of Baton's attributes: did you mean employees?`; !strings.Contains(logs.String(), want) || !strings.Contains(logs.String(), "level=WARN") {
		t.Errorf("logs:\n%s\nwant %s", logs.String(), want)
	}
}
