package stack_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/audit"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/privacy/privacytest"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/testutil/moto"
	linktoken "github.com/baton-hq/baton/internal/token"
)

// TestAuditTrail is the audit trail over HTTP on the running local stack,
// on the embedded store and on DynamoDB (moto): links minted, a disclosure
// by email refused to a read-only token then downloaded (recorded with the
// person's id), an erasure by
// email refused to a read-only token then done (recorded with the person's
// id), a backup asked for, an
// erasure by id and one with an email where the id goes; /admin/audit lists
// them newest first with who, the route's pattern, the id and the answer;
// no stored entry holds an email or a query, and audit_retention later
// they are gone.
func TestAuditTrail(t *testing.T) {
	t.Run("bolt", func(t *testing.T) { auditTrail(t, "bolt", nil) })
	t.Run("dynamodb", func(t *testing.T) {
		auditTrail(t, "dynamodb", map[string]string{
			"BATON_STORE": "dynamodb", "BATON_TABLE": moto.TableName(), "BATON_DYNAMODB_ENDPOINT": moto.Shared(t),
			"BATON_LINK_KEYS": "k1:" + linktoken.NewSecret(), // generated only for the embedded store
		})
	})
}

func auditTrail(t *testing.T, store string, env map[string]string) {
	ctx := context.Background()
	const email = "audit.subject@maker.example"
	readOnly := "audit-read-only-token-0123456789"
	cfg := filepath.Join(t.TempDir(), "baton.yaml")
	os.WriteFile(cfg, []byte("audit_retention: 30d\nadmin_tokens:\n  - name: analyst\n    sha256: "+admin.HashToken(readOnly)+"\n    scopes: [read]\n"), 0o600)
	vars := map[string]string{"BATON_CONFIG": cfg}
	for k, v := range env {
		vars[k] = v
	}
	t0 := time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)
	clk := clock.NewManual(t0)
	s := stack.ForTestClock(t, vars, clk.Now)

	resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(`{"type":"form_submit","messageId":"au-1","anonymousId":"audit-subject-browser","properties":{"url":"https://www.example.com/contact","fields":{"email":"`+email+`","name":"Aiko Auditee"}}}`))
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("form: %v %v", err, resp)
	}
	resp.Body.Close()
	settle(t, s)

	code, b := admin_(t, s, "/admin/people?email="+email, token)
	var subject struct{ Person struct{ ID string } }
	if code != 200 || json.Unmarshal(b, &subject) != nil || subject.Person.ID == "" {
		t.Fatalf("person: %d %s", code, b)
	}
	backup := 200
	if store == "dynamodb" {
		backup = 409 // point-in-time recovery is the backup: asked for all the same
	}
	steps := []struct {
		tok, method, path, body string
		status                  int
		who, route, id          string
	}{
		{token, "POST", "/admin/links", `{"campaign":"audit-news","urls":["https://www.example.com/webinar"]}`, 201, "BATON_ADMIN_TOKEN", "POST /admin/links", "audit-news"}, // the body's campaign
		{readOnly, "GET", "/admin/disclosure?email=" + email, "", 403, "analyst", "GET /admin/disclosure", ""},                                                               // the erase scope's
		{token, "GET", "/admin/disclosure?email=" + email, "", 200, "BATON_ADMIN_TOKEN", "GET /admin/disclosure", subject.Person.ID},                                         // a read, recorded: everything of whom handed out
		{readOnly, "DELETE", "/admin/people?email=" + email, "", 403, "analyst", "DELETE /admin/people", ""},
		{token, "DELETE", "/admin/people?email=" + email, "", 200, "BATON_ADMIN_TOKEN", "DELETE /admin/people", subject.Person.ID}, // whom, never the email
		{token, "GET", "/admin/backup", "", backup, "BATON_ADMIN_TOKEN", "GET /admin/backup", ""},
		{token, "DELETE", "/admin/people/p_0123456789abcdef01234567", "", 404, "BATON_ADMIN_TOKEN", "DELETE /admin/people/{id}", "p_0123456789abcdef01234567"},
		{token, "DELETE", "/admin/people/" + email, "", 404, "BATON_ADMIN_TOKEN", "DELETE /admin/people/{id}", ""}, // an email is never recorded
	}
	for i, st := range steps {
		clk.Advance(time.Minute)
		if code, b := do(t, st.method, s.URL+st.path, st.tok, st.body); code != st.status {
			t.Fatalf("step %d %s %s: %d %s", i, st.method, st.path, code, b)
		}
	}
	// Reads are not recorded.
	if code, _ := admin_(t, s, "/admin/people?email="+email, token); code != 404 {
		t.Fatalf("after the erasure: %d", code)
	}

	list := func(query, tok string) admin.AuditPage {
		t.Helper()
		code, b := admin_(t, s, "/admin/audit"+query, tok)
		var p admin.AuditPage
		if code != 200 || json.Unmarshal(b, &p) != nil {
			t.Fatalf("GET /admin/audit%s: %d %s", query, code, b)
		}
		return p
	}
	// A request is recorded once answered: a streamed answer (the backup)
	// can reach the client first, so the trail is read until it has them.
	var got []audit.Entry
	for try := 0; try < 100 && len(got) != len(steps); try++ {
		if try > 0 {
			time.Sleep(10 * time.Millisecond)
		}
		got = nil
		for p := list("?limit=4", readOnly); ; p = list("?limit=4&cursor="+p.Next, readOnly) {
			got = append(got, p.Entries...)
			if p.Next == "" {
				break
			}
		}
	}
	if len(got) != len(steps) {
		t.Fatalf("%d entries, want %d: %+v", len(got), len(steps), got)
	}
	for i, e := range got {
		st := steps[len(steps)-1-i] // newest first
		if e.Who != st.who || e.Via != "token" || e.Route != st.route || e.Method != st.method || e.ID != st.id || e.Status != st.status ||
			!e.At.Equal(t0.Add(time.Duration(len(steps)-i)*time.Minute)) {
			t.Errorf("entry %d: %+v, want %+v", i, e, st)
		}
	}

	// Stored: no email, no query, nothing of the person; the erased person
	// nowhere in the whole store.
	n := 0
	err = s.App.Table.Scan(ctx, "", func(it table.Item) error {
		if !audit.Holds(it) {
			return nil
		}
		n++
		if str := it.PK + it.SK + string(it.Data); strings.ContainsAny(str, "@?") || strings.Contains(str, "Aiko") || !it.Expires.After(t0.Add(30*24*time.Hour)) || !it.Expires.Before(t0.Add(30*24*time.Hour+time.Hour)) {
			t.Errorf("stored entry %+v: %s", it, it.Data)
		}
		return nil
	})
	if err != nil || n != len(steps) {
		t.Fatalf("%d stored entries (%v)", n, err)
	}
	if found := privacytest.Leftovers(t, s.App.Table, []string{email, "Auditee", "audit-subject-browser"}); len(found) != 0 {
		t.Errorf("after the erasure the store holds %v", found)
	}

	// audit_retention (30 days) after the first entries: they are gone, the
	// last ones not yet.
	clk.Set(t0.Add(30*24*time.Hour + 3*time.Minute))
	if p := list("", token); len(p.Entries) != len(steps)-3 || p.Entries[2].Route != "GET /admin/backup" {
		t.Fatalf("after 30 days: %+v", p)
	}
	clk.Advance(time.Hour)
	if p := list("", token); len(p.Entries) != 0 {
		t.Fatalf("after everything expired: %+v", p)
	}
}
