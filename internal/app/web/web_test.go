package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/app/core"
	"github.com/baton-hq/baton/internal/app/web"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/links"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// badRules has a typo a person makes: "pionts" for points.
const badRules = `name: typo
behaviour:
  - name: pricing
    type: page_view
    url: /pricing
    pionts: 10
mql:
  - name: hot
    score: 50
`

// newCore is the core as the collect and click functions assemble it
// (web.CoreOptions), on the embedded store, with rulesText as BATON_RULES.
func newCore(t *testing.T, rulesText string, log io.Writer) (*core.Core, error) {
	t.Helper()
	dir := t.TempDir()
	rules := filepath.Join(dir, "rules.yaml")
	if err := os.WriteFile(rules, []byte(rulesText), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"BATON_RULES": rules, "BATON_DATA": dir, "BATON_LINK_KEYS": "k1:" + strings.Repeat("A", 43) + "="}
	cfg, err := config.FromEnv(func(k string) string { return env[k] }, config.Local)
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewManual(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
	tb, err := bolttable.Open(filepath.Join(dir, "b.db"), bolttable.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	c, err := core.New(cfg, tb, slog.New(slog.NewJSONHandler(log, nil)), clk.Now, web.CoreOptions...)
	if err != nil {
		tb.Close()
		return nil, err
	}
	t.Cleanup(func() { c.Close() })
	return c, nil
}

// TestCollectAndClickServeWithBadRules: a typo in the rules file made
// every function fail at start-up, collect and click too: page views were
// refused and tracked newsletter links answered 500, the clicks lost. As
// the two functions start (web.CoreOptions), they serve on, the rules
// error logged and on /healthz.
func TestCollectAndClickServeWithBadRules(t *testing.T) {
	var log bytes.Buffer
	c, err := newCore(t, badRules, &log)
	if err != nil {
		t.Fatalf("the collect and click functions' core with a bad rules file: %v", err)
	}
	if c.Qualifier != nil || c.RulesErr == nil || !strings.Contains(c.RulesErr.Error(), "rules.yaml:6: behaviour[0]") {
		t.Errorf("qualifier %v, rules error %v: want no scoring, and the error with its file:line and field", c.Qualifier, c.RulesErr)
	}
	if !strings.Contains(log.String(), `"level":"ERROR","msg":"RULES FILE DOES NOT LOAD`) || !strings.Contains(log.String(), "pionts") {
		t.Errorf("the rules error is not logged as an error:\n%s", log.String())
	}

	collect, err := web.CollectHandler(c)
	if err != nil {
		t.Fatal(err)
	}
	do := func(h http.Handler, method, path, body string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		r.Header.Set("Content-Type", "text/plain;charset=UTF-8")
		r.Header.Set("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	pv := `{"type":"page_view","messageId":"m1","properties":{"url":"https://www.example.com/pricing"}}`
	w := do(collect, "POST", "/e", pv)
	cookies := w.Result().Cookies()
	if w.Code != http.StatusNoContent || len(cookies) != 1 {
		t.Fatalf("collect: POST /e %d %s, cookies %v", w.Code, w.Body, cookies)
	}
	if evs, err := c.Events.Visitor(context.Background(), cookies[0].Value); err != nil || len(evs) != 1 || evs[0].Type != "page_view" {
		t.Errorf("the page view is not stored: %v, %+v", err, evs)
	}
	w = do(collect, "GET", "/healthz", "")
	var health map[string]string
	if err := json.Unmarshal(w.Body.Bytes(), &health); err != nil || w.Code != 200 || !strings.HasPrefix(health["scoring"], "off: the rules file does not load: config: BATON_RULES: rules.yaml:6:") {
		t.Errorf("collect: GET /healthz %d %s: want scoring off naming the rules error", w.Code, w.Body)
	}

	click, err := web.ClickHandler(c)
	if err != nil {
		t.Fatal(err)
	}
	reg := &links.Registry{T: c.Table, Now: c.Now, AllowedHosts: []string{"www.example.com"}}
	if _, _, err := reg.PutCampaign(context.Background(), links.Campaign{ID: "nov-news"}); err != nil {
		t.Fatal(err)
	}
	ls, err := reg.Add(context.Background(), "nov-news", []string{"https://www.example.com/webinar"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if w := do(click, "GET", "/c/"+ls[0].ID, ""); w.Code != http.StatusFound || !strings.HasPrefix(w.Header().Get("Location"), "https://www.example.com/webinar") {
		t.Errorf("click: GET /c/%s %d %s, want a redirect to the link's destination", ls[0].ID, w.Code, w.Header().Get("Location"))
	}
}

// TestBadRulesStopScoringFunctions: without RulesOptional (score, push,
// feedback, sweep, admin: they score, qualify or deliver with the rules)
// a bad rules file is still a start-up error naming BATON_RULES and the
// line.
func TestBadRulesStopScoringFunctions(t *testing.T) {
	dir := t.TempDir()
	rules := filepath.Join(dir, "rules.yaml")
	if err := os.WriteFile(rules, []byte(badRules), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.FromEnv(func(k string) string {
		return map[string]string{"BATON_RULES": rules, "BATON_DATA": dir}[k]
	}, config.Local)
	if err != nil {
		t.Fatal(err)
	}
	tb, err := bolttable.Open(filepath.Join(dir, "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	_, err = core.New(cfg, tb, slog.New(slog.NewTextHandler(io.Discard, nil)), clock.Fixed(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)))
	if err == nil || !strings.Contains(err.Error(), "BATON_RULES") || !strings.Contains(err.Error(), "rules.yaml:6:") {
		t.Errorf("core.New with a bad rules file: %v, want the rules error", err)
	}
}
