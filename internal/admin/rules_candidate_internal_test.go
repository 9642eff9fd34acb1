package admin

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
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
