package admin

import (
	"testing"

	"github.com/baton-hq/baton/internal/audit"
)

// TestJapaneseCoversAudit: every reason, action, way in and route name the
// audit page shows has its Japanese, and its English where the key is not
// English text.
func TestJapaneseCoversAudit(t *testing.T) {
	ja, en := page{L: "ja"}, page{L: "en"}
	reasons := []string{audit.ReasonUnknownToken, audit.ReasonSessionEnded, audit.ReasonTokenRevoked, audit.ReasonMissingScope, audit.ReasonCSRF, audit.ReasonCrossSite, audit.ReasonRateLimited}
	for _, r := range reasons {
		if j, e := ja.Reason(r), en.Reason(r); j == "reason:"+r || e != r {
			t.Errorf("reason %q: %q, %q", r, j, e)
		}
	}
	for _, a := range auditActions {
		if j, e := ja.T("action:"+a), en.T("action:"+a); j == "action:"+a || e == "action:"+a {
			t.Errorf("action %q: %q, %q", a, j, e)
		}
	}
	for _, v := range []string{"token", "session"} {
		if j, e := ja.Via(v), en.Via(v); j == "auth:"+v || e == "auth:"+v {
			t.Errorf("via %q: %q, %q", v, j, e)
		}
	}
	// Each route reads as the trail's own Japanese: a page's string of
	// the same English ("Recipient list", the campaign page's heading)
	// took its place when ja had it first.
	for route, name := range auditRouteNames {
		if j := ja.Action(route); j != jaAudit[name] || j == "" {
			t.Errorf("route %q: %q, want %q", route, j, jaAudit[name])
		}
	}
}
