package admin_test

import (
	"strings"
	"testing"
)

// TestRepeatedParameterRefused: no admin route reads a parameter twice;
// given twice (?limit=1&limit=500) the route took the first while a proxy
// or client log read the last. Every route now refuses it, naming it: a
// JSON 400 to the API, the page's error (in Japanese too) to a browser.
func TestRepeatedParameterRefused(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{
		"/admin/people?q=a&q=b",
		"/admin/mqls?limit=1&limit=2",
		"/admin/audit?cursor=a&limit=5&cursor=b",
		"/admin/reports/funnel?from=2026-11-01&from=2026-11-02",
	} {
		a := f.req("GET", path, "", "Authorization", "Bearer "+readToken)
		if a.code != 400 || !strings.Contains(a.body, "is given 2 times: give it once") || !strings.Contains(a.body, `"field":"`) {
			t.Errorf("%s: %d %s", path, a.code, a.body)
		}
	}
	if a := f.req("GET", "/admin/audit?limit=5", "", "Authorization", "Bearer "+readToken); a.code != 200 {
		t.Errorf("a parameter given once: %d %s", a.code, a.body)
	}
}
