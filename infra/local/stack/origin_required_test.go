package stack_test

import (
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/deploy"
	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// TestOriginRequired: with BATON_REQUIRE_ORIGIN the local stack's server,
// like each function behind the Lambda adapter (infra/deploy
// TestOriginRequiredAsDeployed), refuses every request that did not bring
// the origin secret, on every route the template routes to the functions
// and the stack's own demo site: 403 in JSON saying to send to the site's
// domain. GET /healthz stays open for health checks; with the secret (or
// the one it replaces) every route is served as before.
func TestOriginRequired(t *testing.T) {
	const secret, previous = "stack-test-origin-secret-0123456789", "stack-test-origin-secret-previous-01"
	tpl, err := deploy.Load(filepath.Join(repo.Root(t), "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var reqs []deploy.Route
	for _, fn := range tpl.Names() {
		for _, r := range tpl.Functions[fn].Routes {
			reqs = append(reqs, r.Requests()...)
		}
	}
	if len(reqs) < 15 {
		t.Fatalf("%d requests from the template's routes", len(reqs))
	}
	reqs = append(reqs, deploy.Route{Method: "GET", Path: "/demo/"}, deploy.Route{Method: "GET", Path: "/nowhere"})
	clk := clock.NewManual(time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC))
	for _, base := range []string{"", "/_bt"} {
		s := stack.ForTestClock(t, map[string]string{"BATON_REQUIRE_ORIGIN": "true", "BATON_TRUST_PROXY": "2",
			"BATON_ORIGIN_SECRET": secret, "BATON_ORIGIN_SECRET_PREVIOUS": previous, "BATON_BASE_PATH": base}, clk.Now)
		for _, r := range reqs {
			health := r.Method == "GET" && r.Path == "/healthz"
			for _, o := range []struct {
				name, header string
				refused      bool
			}{
				{"no secret", "", !health},
				{"a guessed secret", "guess-" + secret, !health},
				{"the secret", secret, false},
				{"the previous secret", previous, false},
			} {
				req, _ := http.NewRequest(r.Method, s.URL+r.Path, nil)
				if r.Method == "POST" {
					req, _ = http.NewRequest(r.Method, s.URL+r.Path, strings.NewReader("{}"))
					req.Header.Set("Content-Type", "application/json")
				}
				if o.header != "" {
					req.Header.Set(httpx.OriginHeader, o.header)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				var body httpx.ErrorBody
				json.Unmarshal(b, &body)
				// A HEAD's answer has no body: its status says it.
				refused := resp.StatusCode == http.StatusForbidden && (body.Error == httpx.OriginRequired || r.Method == "HEAD")
				if refused != o.refused {
					t.Errorf("%s %s, %s: %d %.200s; want refused %v", r.Method, s.URL+r.Path, o.name, resp.StatusCode, b, o.refused)
				}
				if health && resp.StatusCode != http.StatusOK {
					t.Errorf("GET %s/healthz, %s: %d, want 200", s.URL, o.name, resp.StatusCode)
				}
			}
		}
	}
}
