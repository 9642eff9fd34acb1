package admin

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/testutil/repo"
)

// A candidate rules file past the bound sent as JSON is refused as too
// large, as the YAML body and the form are: it was "body must be
// {"rules": ...}", which is what the client had sent.
func TestCandidateJSONTooLargeSaysSo(t *testing.T) {
	rules := strings.Repeat("# a long note on the thresholds\n", maxRulesBody/30)
	body, _ := json.Marshal(map[string]string{"rules": rules})
	r := httptest.NewRequest("POST", "/admin/rules/simulate", strings.NewReader(string(body)))
	r.Header.Set("Content-Type", "application/json")
	_, _, err := candidate(httptest.NewRecorder(), r)
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("a %d-byte JSON body: %v", len(body), err)
	}
}

// TestSimulationsAreBounded: each simulation replays people for up to
// SimulateBudget; with maxSimulations running, another is answered 429
// with when to try again, where a token with the read scope could start
// as many as it had requests in flight.
func TestSimulationsAreBounded(t *testing.T) {
	rules, err := os.ReadFile(filepath.Join(repo.Root(t), "infra", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	h := &Handler{simulations: make(chan struct{}, maxSimulations)}
	for range maxSimulations {
		h.simulations <- struct{}{} // running
	}
	r := httptest.NewRequest("POST", "/admin/rules/simulate", strings.NewReader(string(rules)))
	r.Header.Set("Content-Type", "application/yaml")
	w := httptest.NewRecorder()
	h.simulate(w, r)
	if w.Code != 429 || w.Header().Get("Retry-After") != "20" || !strings.Contains(w.Body.String(), "other simulations are running") {
		t.Fatalf("a third simulation at once: %d %v %s", w.Code, w.Header(), w.Body)
	}
}

// TestCandidateJSONNamesAnUnknownKey: {"rule": ...} was refused as "body
// must be {"rules": ...}" with "field": "rules"; the key the client sent
// is named, as other admin bodies name theirs.
func TestCandidateJSONNamesAnUnknownKey(t *testing.T) {
	h := &Handler{simulations: make(chan struct{}, maxSimulations)}
	r := httptest.NewRequest("POST", "/admin/rules/simulate", strings.NewReader(`{"rule": "version: 1"}`))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.simulate(w, r)
	var got struct{ Error, Field string }
	json.Unmarshal(w.Body.Bytes(), &got)
	if w.Code != 400 || got.Field != "rule" || !strings.Contains(got.Error, `unknown field "rule"`) {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
}

// TestCandidateJSONWithoutRules: {} and null decode with no rules in them;
// they were a panic (a nil error's message), answered 500, for any token
// with the read scope. A 400 naming rules.
func TestCandidateJSONWithoutRules(t *testing.T) {
	h := &Handler{simulations: make(chan struct{}, maxSimulations)}
	for _, body := range []string{`{}`, `null`, ` {} `} {
		r := httptest.NewRequest("POST", "/admin/rules/simulate", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.simulate(w, r)
		var got struct{ Error, Field string }
		json.Unmarshal(w.Body.Bytes(), &got)
		if w.Code != 400 || got.Field != "rules" || !strings.Contains(got.Error, "rules is missing") {
			t.Errorf("%s: %d %s", body, w.Code, w.Body)
		}
	}
}
