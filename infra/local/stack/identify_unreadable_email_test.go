package stack_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
)

// A backend's identify whose traits.email Baton cannot read as an address
// (a display-name form "Taro Yamada <taro@...>", a host without a dot, a
// number) is stored and identifies nobody. It was answered 200 {"success":
// true} with no "skipped" entry, so nothing told the developer (README:
// events stored that identified nobody are listed in "skipped"): the
// identification step read such an event as naming no email.
func TestUnreadableIdentifyEmailIsListedInSkipped(t *testing.T) {
	clk := clock.NewManual(t0)
	s := stack.ForTestClock(t, nil, clk.Now)
	for _, email := range []string{`"Taro Yamada <taro@mu.example>"`, `"taro@localhost"`, `42`} {
		req, _ := http.NewRequest("POST", s.URL+"/v1/identify", strings.NewReader(`{"userId":"bad-email-1","traits":{"email":`+email+`}}`))
		req.SetBasicAuth("test-write-key-0123456789", "")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var out struct {
			Skipped []struct {
				Index  int    `json:"index"`
				Reason string `json:"reason"`
			} `json:"skipped"`
		}
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%d %s", resp.StatusCode, raw)
		}
		if resp.StatusCode != 200 || len(out.Skipped) != 1 || !strings.Contains(out.Skipped[0].Reason, "traits.email is not an email address") {
			t.Errorf("identify with email %s: %d %s, want 200 and one skipped entry saying traits.email is not an email address", email, resp.StatusCode, raw)
		}
	}
}
