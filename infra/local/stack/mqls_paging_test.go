package stack_test

import (
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
)

// TestMQLsUnfilteredPages: GET /admin/mqls?limit=2 with three MQLs
// answers the newest two and a next (it gave none, so a script reading
// every MQL got the first limit and no sign there were more); its after=
// answers the third, with next "" (no more), as a filtered answer pages.
func TestMQLsUnfilteredPages(t *testing.T) {
	clk := clock.NewManual(t0)
	s := stack.ForTestClock(t, nil, clk.Now)
	for _, p := range []string{"nx-1", "nx-2", "nx-3"} {
		qualifyOne(t, s, p+"-browser", p+"@maker.example")
		clk.Advance(time.Minute)
	}
	first, next := mqlsJSON(t, s, "?limit=2", 200)
	if !slices.Equal(first, []string{"nx-3@maker.example", "nx-2@maker.example"}) || next == "" {
		t.Fatalf("limit=2 of 3 MQLs: %v, next %q", first, next)
	}
	rest, end := mqlsJSON(t, s, "?limit=2&after="+url.QueryEscape(next), 200)
	if !slices.Equal(rest, []string{"nx-1@maker.example"}) || end != "" {
		t.Fatalf("after %q: %v, next %q", next, rest, end)
	}
	// All of them in one answer: no next.
	if all, end := mqlsJSON(t, s, "?limit=3", 200); len(all) != 3 || end != "" {
		t.Fatalf("limit=3 of 3 MQLs: %v, next %q", all, end)
	}
}
