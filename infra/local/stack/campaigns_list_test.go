package stack_test

import (
	"strings"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
)

// TestNewStoreCampaignListComplete: the campaigns' list is copied from
// older campaigns by the sweep, and a new store's campaigns page said the
// list was being built until the first sweep, a minute after start-up.
// The local process copies (nothing, on a new store) as it starts.
func TestNewStoreCampaignListComplete(t *testing.T) {
	clk := clock.NewManual(clock.Now())
	s := stack.ForTestClock(t, nil, clk.Now)
	newsletterLinks(t, s)
	if code, b := do(t, "GET", s.URL+"/admin/campaigns", token, ""); code != 200 || !strings.Contains(string(b), `"complete":true`) || !strings.Contains(string(b), `"nov-news"`) {
		t.Fatalf("campaigns of a new store: %d %s", code, b)
	}
}
