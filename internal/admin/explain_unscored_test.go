package admin_test

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
)

// TestExplainSaysWhoWasNeverScored: the person page shows a list's
// recipient who never clicked as 受信者, not リード, but the explain API
// said only "stage": "lead" (the default of a missing score record), the
// lead the funnel does not count: a client could not tell her from a
// scored lead. "scored" says it, true for one scored.
func TestExplainSaysWhoWasNeverScored(t *testing.T) {
	f := newFixture(t)
	f.h.Workspace = &admin.Workspace{T: f.tb, Now: f.clk.Now}
	q, log, st := serveScoring(t, f)
	dir, _ := serveRecipients(t, f, f.tb, "dec-news")
	ctx := t.Context()

	t0 := f.clk.Now()
	evs := []event.Event{{ID: "v1-a", Type: event.PageView, VisitorID: "v1", URL: "https://www.example.com/pricing", Timestamp: t0, ReceivedAt: t0}}
	if _, err := log.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Identify(ctx, identity.Identification{Visitor: "v1", Email: "ichiro@delta.example.jp", At: t0, Strength: identity.Strong}); err != nil {
		t.Fatal(err)
	}
	if err := q.Process(ctx, evs); err != nil {
		t.Fatal(err)
	}
	if a := f.req("POST", "/admin/recipients?campaign=dec-news", "email\nsaki@delta.example.jp\n", "Authorization", "Bearer "+fullToken, "Content-Type", "text/csv"); a.code != 200 {
		t.Fatalf("upload: %d %s", a.code, a.body)
	}
	for email, want := range map[string]bool{"saki@delta.example.jp": false, "ichiro@delta.example.jp": true} {
		p, err := dir.ByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		a := f.req("GET", "/admin/people/"+url.PathEscape(p.ID)+"/explain", "", "Authorization", "Bearer "+fullToken)
		var ex struct {
			Stage  string `json:"stage"`
			Scored *bool  `json:"scored"`
		}
		if err := json.Unmarshal([]byte(a.body), &ex); err != nil || a.code != 200 || ex.Scored == nil || *ex.Scored != want || ex.Stage != "lead" {
			t.Errorf("%s: %d %v %s, want scored %v", email, a.code, err, a.body, want)
		}
	}
}
